//! The located tree built straight from the YAML parser's events, for the documents nearly every
//! manifest is: plain and quoted scalars in block and flow collections, one document.
//!
//! serde-saphyr's path (see [`super::parse`]) goes through serde: every node becomes a
//! `Spanned<RawNode>` via visitor calls, then is converted again. That is most of what reading a
//! manifest costs. This builder reads granit-parser's events (the same parser, configured as
//! serde-saphyr configures it) into [`Node`]s directly.
//!
//! It is a fast path, never a second YAML reader with its own verdicts: whatever it is not sure
//! to read exactly as serde-saphyr does — an error, a tag, an anchor or alias, a merge key, a
//! duplicate key, a directive, a second or empty document, a plain scalar that YAML might type
//! as a number, a budget about to be reached — makes it give up ([`None`]), and the caller
//! parses the text with serde-saphyr, which then decides and words every diagnostic. When it
//! does answer, the tree equals serde-saphyr's, node for node and span for span
//! (`the_event_builder_agrees_with_serde_saphyr` holds that on every YAML file of the
//! repository and on generated documents).

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle, Span as ParserSpan};

use super::{Limits, Node, NodeKind, extend, span_from};
use crate::source::{SourceFile, Span};

/// A collection being read: its start's span and what it holds so far.
enum Open {
    Seq(Span, Vec<Node>),
    /// Entries so far, and a key waiting for its value.
    Map(Span, Vec<(Node, Node)>, Option<Node>),
}

/// The tree of `file`, or `None` when serde-saphyr must read it (see the module's comment).
pub(super) fn parse(file: &SourceFile, limits: Limits) -> Option<Node> {
    let options = granit_parser::options! {
        // As serde-saphyr sets them (`Budget::parser_options`), so both parsers see the same
        // events; nesting past `max_depth` is given up on below anyway.
        block_nesting_limit: granit_parser::Options::default()
            .block_nesting_limit
            .max(limits.max_depth.saturating_add(1)),
        emit_comments: false,
    };
    let mut parser = Parser::new_from_str_with_options(&file.text, options);
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    let mut events = 0usize;
    let mut nodes = 0usize;
    let mut scalar_bytes = 0usize;
    let max_events = limits.max_nodes.saturating_mul(4);
    while let Some(item) = parser.next_event() {
        let (event, parser_span) = item.ok()?;
        events += 1;
        if events >= max_events {
            return None;
        }
        let node = match event {
            Event::StreamStart | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::DocumentStart(_, version) => {
                documents += 1;
                if documents > 1 || version.is_some() {
                    return None;
                }
                continue;
            }
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                scalar_bytes += value.len();
                if nodes >= limits.max_nodes || scalar_bytes >= limits.max_scalar_bytes {
                    return None;
                }
                let span = span_of(file, &parser_span)?;
                let in_key = matches!(stack.last(), Some(Open::Map(_, _, None)));
                let kind = scalar(value, style, in_key, file, span)?;
                Node { kind, span }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                if nodes >= limits.max_nodes || stack.len() + 1 >= limits.max_depth {
                    return None;
                }
                let span = span_of(file, &parser_span)?;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq(span, Vec::new())
                } else {
                    Open::Map(span, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop()? {
                Open::Seq(mut span, items) => {
                    extend(&mut span, items.iter().map(|n| n.span));
                    Node {
                        kind: NodeKind::Seq(items),
                        span,
                    }
                }
                Open::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Open::Map(mut span, entries, None) => {
                    if has_duplicate_keys(&entries) {
                        return None;
                    }
                    extend(
                        &mut span,
                        entries.iter().flat_map(|(k, v)| [k.span, v.span]),
                    );
                    Node {
                        kind: NodeKind::Map(entries),
                        span,
                    }
                }
                _ => return None,
            },
            // Aliases, anchors as events, unresolved aliases and comments are not emitted with
            // these options, or are serde-saphyr's to read.
            _ => return None,
        };
        match stack.last_mut() {
            None => {
                if root.is_some() {
                    return None;
                }
                root = Some(node);
            }
            Some(Open::Seq(_, items)) => items.push(node),
            Some(Open::Map(_, _, key @ None)) => {
                // A key is a scalar here; collections as keys are serde-saphyr's to judge.
                if !matches!(node.kind, NodeKind::Str(_)) {
                    return None;
                }
                *key = Some(node);
            }
            Some(Open::Map(_, entries, key)) => {
                let k = key.take()?;
                entries.push((k, node));
            }
        }
    }
    if !stack.is_empty() {
        return None;
    }
    root
}

/// A span as serde-saphyr locates an event (`location_from_span`, then `super::span_of`).
fn span_of(file: &SourceFile, span: &ParserSpan) -> Option<Span> {
    let start = span.start.byte_offset()?;
    let end = span.end.byte_offset()?;
    Some(span_from(
        file,
        span.start.line(),
        span.start.col() + 1,
        Some(start),
        Some(end.saturating_sub(start)),
    ))
}

/// How serde-saphyr types an untagged scalar (`deserialize_any`, with `strict_booleans`): a
/// quoted or block scalar is text; a plain one is null (`~`, `null`, empty), a boolean (YAML
/// 1.2's six spellings), a number, or text. Numbers have many spellings (`0x1F`, `1_000`,
/// `.inf`, `+.5`, `1e999`): every plain scalar that starts like one is left to serde-saphyr.
fn scalar(
    value: Cow<'_, str>,
    style: ScalarStyle,
    in_key: bool,
    file: &SourceFile,
    span: Span,
) -> Option<NodeKind> {
    if style != ScalarStyle::Plain {
        return Some(NodeKind::Str(value.into_owned()));
    }
    let typed = |type_name| NodeKind::Typed {
        raw: file.text[span.offset..span.end()].to_owned(),
        type_name,
    };
    match &*value {
        "" | "~" | "null" | "Null" | "NULL" => Some(NodeKind::Null),
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => Some(typed("a boolean")),
        // `<<` is a merge key.
        "<<" if in_key => None,
        v if v
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')) =>
        {
            None
        }
        // Plain scalars never start or end with blanks; serde-saphyr trims them before typing,
        // so any that did would be typed by other rules.
        v if v.starts_with([' ', '\t', '\r', '\n']) || v.ends_with([' ', '\t', '\r', '\n']) => None,
        _ => Some(NodeKind::Str(value.into_owned())),
    }
}

/// Whether two keys of a mapping have the same text (serde-saphyr refuses duplicate keys; its
/// error is the one to show).
fn has_duplicate_keys(entries: &[(Node, Node)]) -> bool {
    fn key(n: &Node) -> Option<&str> {
        match &n.kind {
            NodeKind::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }
    if entries.len() <= 16 {
        return entries.iter().enumerate().any(|(i, (a, _))| {
            entries[..i]
                .iter()
                .any(|(b, _)| key(a).is_some() && key(a) == key(b))
        });
    }
    let mut seen = std::collections::HashSet::with_capacity(entries.len());
    entries
        .iter()
        .filter_map(|(k, _)| key(k))
        .any(|k| !seen.insert(k))
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;

    use super::super::parse_with_serde;
    use super::*;

    /// The fast path's answer, checked against serde-saphyr's: `true` when it answered.
    fn agrees(text: &str, limits: Limits) -> Result<bool, String> {
        let file = SourceFile::new("t.yaml", text);
        let Some(fast) = parse(&file, limits) else {
            return Ok(false);
        };
        match parse_with_serde(&file, limits) {
            Ok(slow) if slow == fast => Ok(true),
            Ok(slow) => Err(format!(
                "trees differ for {text:?}:\nevents: {fast:?}\nserde:  {slow:?}"
            )),
            Err(e) => Err(format!(
                "the event builder read {text:?}, which serde-saphyr refuses: {e}"
            )),
        }
    }

    fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                yaml_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                || path.components().any(|c| c.as_os_str() == "corpus")
            {
                out.push(path);
            }
        }
    }

    #[test]
    fn the_event_builder_agrees_with_serde_saphyr() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = vec![root.join("scope-table.yaml")];
        for dir in ["examples", "tests/fixtures", "fuzz/corpus", "tables", "ci"] {
            yaml_files(&root.join(dir), &mut files);
        }
        files.sort();
        let (mut read, mut manifests, mut manifests_read) = (0, 0, 0);
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let is_table =
                path.starts_with(root.join("tables")) || path.ends_with("scope-table.yaml");
            let limits = if is_table {
                Limits::TABLE
            } else {
                Limits::MANIFEST
            };
            let answered =
                agrees(&text, limits).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            read += usize::from(answered);
            if path.starts_with(root.join("examples")) {
                manifests += 1;
                manifests_read += usize::from(answered);
            }
        }
        // The fast path is for real manifests: every example is read by it.
        assert!(manifests > 3, "{manifests} examples");
        assert_eq!(
            manifests_read, manifests,
            "examples the event builder gave up on"
        );
        assert!(
            read > files.len() / 2,
            "read {read} of {} files",
            files.len()
        );
    }

    #[test]
    fn what_it_reads_and_what_it_leaves_to_serde_saphyr() {
        let read = [
            "a: b\n",
            "tokens:\n  t:\n    scopes: [x, \"y\", 'z']\n    endpoints:\n      - GET /a # c\n",
            "reason: no\nflag: true\nnothing: ~\nempty:\n",
            "k: |\n  block\n  text\nf: >\n  folded\n",
            "\u{feff}a: b\n",
            "a: b\r\nc: d\r\n",
            "---\na: x1\n",
            "\"quoted key\": v\n",
            "{a: [b, {c: d}]}\n",
            "- é\n- 名前: x\n",
        ];
        for text in read {
            assert_eq!(agrees(text, Limits::MANIFEST), Ok(true), "{text:?}");
        }
        let left = [
            "a: 1\n",
            "a: -x\n",
            "a: .inf\n",
            "a: &x b\nc: *x\n",
            "a: !!str b\n",
            "<<: {a: b}\n",
            "a: b\na: c\n",
            "a: b\n---\nc: d\n",
            "%YAML 1.2\n---\na: b\n",
            "",
            "# only a comment\n",
            "a: [b\n",
            "? [a]\n: b\n",
            "true: x\n",
        ];
        for text in left {
            assert_eq!(agrees(text, Limits::MANIFEST), Ok(false), "{text:?}");
        }
    }

    /// Pieces of YAML, glued into documents that are often valid and sometimes not.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("a".to_owned()),
            Just("key".to_owned()),
            Just("é".to_owned()),
            Just(": ".to_owned()),
            Just(":".to_owned()),
            Just("- ".to_owned()),
            Just("\n".to_owned()),
            Just("\r\n".to_owned()),
            Just("  ".to_owned()),
            Just("    ".to_owned()),
            Just("\t".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just(", ".to_owned()),
            Just("\"q\\u00e9 #x\"".to_owned()),
            Just("'s''t'".to_owned()),
            Just(" # comment".to_owned()),
            Just("|\n  lit\n".to_owned()),
            Just(">-\n  fold\n  ed\n".to_owned()),
            Just("~".to_owned()),
            Just("null".to_owned()),
            Just("no".to_owned()),
            Just("TRUE".to_owned()),
            Just("12".to_owned()),
            Just("0x1F".to_owned()),
            Just("-1.5e3".to_owned()),
            Just("&x ".to_owned()),
            Just("*x".to_owned()),
            Just("!!str ".to_owned()),
            Just("<<".to_owned()),
            Just("---\n".to_owned()),
            Just("? ".to_owned()),
            Just("GET /chats/{id}".to_owned()),
            Just("https://a.b/c?d=e#f".to_owned()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn generated_documents_read_alike(pieces in proptest::collection::vec(piece(), 0..40)) {
            let text: String = pieces.concat();
            if let Err(e) = agrees(&text, Limits::MANIFEST) {
                prop_assert!(false, "{}", e);
            }
        }

        #[test]
        fn mappings_of_lists_read_alike(
            keys in proptest::collection::vec("[a-z_é]{1,6}", 1..6),
            items in proptest::collection::vec("[A-Za-z /{}:#'\"é-]{0,12}", 0..6),
            indent in 1usize..4,
        ) {
            let pad = " ".repeat(indent);
            let mut text = String::new();
            for key in &keys {
                text.push_str(&format!("{key}:\n"));
                for item in &items {
                    text.push_str(&format!("{pad}- {item}\n"));
                }
            }
            if let Err(e) = agrees(&text, Limits::MANIFEST) {
                prop_assert!(false, "{}", e);
            }
        }
    }
}
