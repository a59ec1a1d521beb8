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

fn entries(doc: &str) -> Vec<(Node, Node)> {
    let root = parse(&SourceFile::new("f.yaml", doc), Limits::MANIFEST)
        .unwrap_or_else(|e| panic!("{doc:?}: {e}"));
    match root.kind {
        NodeKind::Map(entries) => entries,
        _ => panic!("not a mapping: {doc:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    // As values, a flow item and a comment, under fixed keys.
    let doc = format!(
        "k: {}\nl: [{}]\nc: 1   # {}\n",
        yaml_scalar(value, false),
        yaml_scalar(value, true),
        yaml_comment(value),
    );
    assert_eq!(doc.lines().count(), 3, "{doc:?}");
    let found = entries(&doc);
    assert_eq!(found.len(), 3, "{doc:?}");
    assert_eq!(text(&found[0].1), Some(value), "{doc:?}");
    let NodeKind::Seq(items) = &found[1].1.kind else {
        panic!("not a list: {doc:?}");
    };
    assert_eq!(items.len(), 1, "{doc:?}");
    assert_eq!(text(&items[0]), Some(value), "{doc:?}");
    // As a key. YAML limits an implicit key to 1024 characters; a longer name cannot be a key
    // (the generated manifest is then refused when it is read back, and nothing is written).
    let key = yaml_scalar(value, false);
    if key.chars().count() > 1024 {
        return;
    }
    let doc = format!("{key}: v\n");
    let found = entries(&doc);
    assert_eq!(found.len(), 1, "{doc:?}");
    assert_eq!(text(&found[0].0), Some(value), "{doc:?}");
});
