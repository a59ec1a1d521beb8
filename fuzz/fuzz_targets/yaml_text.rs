//! Text tokenscope writes into YAML (file names, names from code, integration names) on
//! arbitrary strings: as a value, a flow item, a key or a comment, it reads back as exactly that
//! text and never becomes structure — a file name cannot inject a token into a manifest.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tokenscope::source::SourceFile;
use tokenscope::suggest::write::{yaml_comment, yaml_scalar};
use tokenscope::yaml::{Limits, Node, NodeKind, parse};

fn text(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Str(s) => Some(s),
        NodeKind::Typed { raw, .. } => Some(raw),
        _ => None,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let doc = format!(
        "k: {}\nl: [{}]\n{}: v\nc: 1   # {}\n",
        yaml_scalar(value, false),
        yaml_scalar(value, true),
        yaml_scalar(value, false),
        yaml_comment(value),
    );
    assert_eq!(doc.lines().count(), 4, "{doc:?}");
    let root = parse(&SourceFile::new("f.yaml", doc.as_str()), Limits::MANIFEST)
        .unwrap_or_else(|e| panic!("{doc:?}: {e}"));
    let NodeKind::Map(entries) = &root.kind else {
        panic!("not a mapping: {doc:?}");
    };
    assert_eq!(entries.len(), 4, "{doc:?}");
    assert_eq!(text(&entries[0].1), Some(value), "{doc:?}");
    let NodeKind::Seq(items) = &entries[1].1.kind else {
        panic!("not a list: {doc:?}");
    };
    assert_eq!(items.len(), 1, "{doc:?}");
    assert_eq!(text(&items[0]), Some(value), "{doc:?}");
    assert_eq!(text(&entries[2].0), Some(value), "{doc:?}");
});
