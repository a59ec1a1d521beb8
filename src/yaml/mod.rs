//! A located YAML tree, and strict readers over it.
//!
//! serde-saphyr parses (with budgets against alias bombs and deep nesting) into a tree where
//! every node keeps its span. Manifests and tables are then read from that tree by hand rather
//! than by `#[derive(Deserialize)]`: derived untagged enums drop `deny_unknown_fields`, blur
//! every error into "did not match any variant", and type `no` as a boolean. Reading the tree
//! gives every error a precise place, reports all of them at once, and lets unknown keys get a
//! did-you-mean.

mod events;

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{MessageFormatter, Spanned};

use crate::error::{InputError, did_you_mean};
use crate::source::{SourceFile, Span};

pub use crate::names::normalize;

/// Limits for one YAML file: generous for any real manifest or table, tight enough that a
/// hostile file fails fast in little memory.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_bytes: u64,
    pub max_depth: usize,
    pub max_nodes: usize,
    pub max_aliases: usize,
    pub max_scalar_bytes: usize,
}

impl Limits {
    pub const MANIFEST: Limits = Limits {
        max_bytes: 1024 * 1024,
        max_depth: 32,
        max_nodes: 100_000,
        max_aliases: 1_000,
        max_scalar_bytes: 4 * 1024 * 1024,
    };
    pub const TABLE: Limits = Limits {
        max_bytes: 4 * 1024 * 1024,
        max_depth: 32,
        max_nodes: 400_000,
        max_aliases: 1_000,
        max_scalar_bytes: 16 * 1024 * 1024,
    };
}

/// One YAML node with the span of its text (for collections: from the first to the last child).
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Null,
    /// A string scalar (plain or quoted).
    Str(String),
    /// A plain scalar YAML types as a boolean or number; `raw` is its source text, so a field
    /// that wants a string can still take it as written (`reason: 2024` is the text "2024").
    Typed {
        raw: String,
        type_name: &'static str,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl NodeKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            NodeKind::Null => "null",
            NodeKind::Str(_) => "a string",
            NodeKind::Typed { type_name, .. } => type_name,
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// Parses one YAML document into a located tree.
pub fn parse(file: &SourceFile, limits: Limits) -> Result<Node, InputError> {
    if let Some(root) = events::parse(file, limits) {
        return Ok(root);
    }
    parse_with_serde(file, limits)
}

/// serde-saphyr's reading: every YAML feature, the budgets, and every diagnostic.
fn parse_with_serde(file: &SourceFile, limits: Limits) -> Result<Node, InputError> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits.max_depth;
    budget.max_nodes = limits.max_nodes;
    budget.max_aliases = limits.max_aliases;
    budget.max_anchors = limits.max_aliases;
    budget.max_total_scalar_bytes = limits.max_scalar_bytes;
    // Two, so a second document is reported as such rather than as a budget breach.
    budget.max_documents = 2;
    budget.max_events = limits.max_nodes * 4;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.strict_booleans = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.alias_limits.max_total_replayed_events = limits.max_nodes;
    options.with_snippet = false;

    let raw: Spanned<RawNode> = serde_saphyr::from_str_with_options(&file.text, options)
        .map_err(|err| yaml_error(file, &err))?;
    Ok(convert(file, raw))
}

/// What a document is meant to be, so a file that is something else is told apart and its
/// text never shown: a manifest found through a symlink may be anyone's private key.
#[derive(Clone, Copy, Debug)]
pub struct DocumentKind {
    /// "a tokenscope manifest", "a scope table", ...
    pub what: &'static str,
    /// The top-level keys of such a document; it holds at least one of them.
    pub keys: &'static [&'static str],
}

/// Parses a document of a known kind. A file that is not recognisably of that kind (its top
/// level is not a mapping holding one of the kind's keys, or it does not parse and no line of
/// it starts with one of those keys) is one input error whose text is not shown.
pub fn parse_document(
    file: &SourceFile,
    limits: Limits,
    kind: DocumentKind,
) -> Result<Node, InputError> {
    let root = match parse(file, limits) {
        Ok(root) => root,
        Err(error) if looks_like(&file.text, kind.keys) => return Err(error),
        Err(error) => return Err(error.without_text()),
    };
    let recognised = match &root.kind {
        NodeKind::Null => true,
        NodeKind::Map(entries) => entries.iter().any(|(k, _)| match &k.kind {
            NodeKind::Str(s) => kind.keys.contains(&s.as_str()),
            _ => false,
        }),
        _ => false,
    };
    if recognised {
        return Ok(root);
    }
    let found = match &root.kind {
        NodeKind::Map(_) => "a mapping without any of its keys".to_owned(),
        other => other.type_name().to_owned(),
    };
    Err(InputError::at_unshown(
        file,
        file.span(root.span.offset, 0),
        format!(
            "{} is not {}: its top level is {found}",
            file.path, kind.what
        ),
        Some(format!(
            "{} is a YAML mapping with {}; the file's text is not shown",
            kind.what,
            kind.keys
                .iter()
                .map(|k| format!("`{k}:`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ))
}

/// Whether a line of the text starts with one of `keys` followed by a colon (possibly quoted or
/// after a `{`): enough likeness to show a syntax error's line.
fn looks_like(text: &str, keys: &[&str]) -> bool {
    text.split(['\n', '\r']).any(|line| {
        let line = line.trim_start_matches(['{', ' ', '\u{feff}']);
        let line = line.trim_start_matches(['"', '\'']);
        keys.iter().any(|k| {
            line.strip_prefix(k)
                .is_some_and(|rest| rest.trim_start_matches(['"', '\'']).starts_with(':'))
        })
    })
}

fn yaml_error(file: &SourceFile, err: &serde_saphyr::Error) -> InputError {
    let (message, help) = match err {
        serde_saphyr::Error::MultipleDocuments { .. } => (
            "a second YAML document starts here; this file must hold exactly one".to_owned(),
            Some("remove the `---` separator and merge the documents".to_owned()),
        ),
        serde_saphyr::Error::Budget { breach, .. } => (
            format!("the YAML is too large or too complex to be read safely ({})", breach_text(breach)),
            Some("manifests and scope tables are small; aliases that expand into huge documents, deep nesting and huge files are refused".to_owned()),
        ),
        serde_saphyr::Error::DuplicateMappingKey { .. } => (
            format!(
                "{}: a key may appear once per mapping",
                serde_saphyr::UserMessageFormatter.format_message(err)
            ),
            Some("merge the two entries or remove one of them".to_owned()),
        ),
        _ => {
            let text = serde_saphyr::UserMessageFormatter
                .format_message(err)
                .into_owned();
            let help = if text.contains("budget") || text.contains("limit") {
                Some(
                    "the file is nested too deeply or expands too many aliases to be a manifest"
                        .to_owned(),
                )
            } else {
                None
            };
            (format!("invalid YAML: {text}"), help)
        }
    };
    InputError::at(file, error_span(file, err), message, "here", help)
}

/// Where in `file` serde-saphyr's error points: its byte offset when it has one inside the
/// file, else its line and column; the start of the file when it has no location.
pub fn error_span(file: &SourceFile, err: &serde_saphyr::Error) -> Span {
    match err.location() {
        Some(loc) if loc.line() > 0 => {
            let offset = match loc.span().byte_offset() {
                Some(o) if (o as usize) <= file.text.len() => o as usize,
                _ => file.offset_of(loc.line() as usize, loc.column() as usize),
            };
            file.span(offset, 0)
        }
        _ => file.span(0, 0),
    }
}

fn breach_text(breach: &serde_saphyr::budget::BudgetBreach) -> &'static str {
    use serde_saphyr::budget::BudgetBreach as B;
    match breach {
        B::Aliases { .. } | B::AliasAnchorRatio { .. } => "too many aliases",
        B::Anchors { .. } => "too many anchors",
        B::Depth { .. } => "nested too deeply",
        B::Nodes { .. } | B::Events { .. } => "too many nodes, after alias expansion",
        B::ScalarBytes { .. } => "too much text, after alias expansion",
        B::Documents { .. } => "too many documents",
        _ => "a parser limit was reached",
    }
}

fn span_of(file: &SourceFile, loc: &serde_saphyr::Location) -> Span {
    let s = loc.span();
    span_from(
        file,
        loc.line() as usize,
        loc.column() as usize,
        s.byte_offset().map(|o| o as usize),
        s.byte_len().map(|l| l as usize),
    )
}

/// A node's span from where the parser located it: its line and column (1-based), and its byte
/// range when known.
fn span_from(
    file: &SourceFile,
    line: usize,
    column: usize,
    byte_offset: Option<usize>,
    byte_len: Option<usize>,
) -> Span {
    if line == 0 {
        return file.span(0, 0);
    }
    match (byte_offset, byte_len) {
        // The parser already knows the line and column: recounting them from the start of the
        // file for every node would make reading quadratic in the file's size.
        (Some(offset), Some(length)) if offset + length <= file.text.len() => Span {
            offset,
            length,
            line,
            column,
        },
        _ => {
            let offset = file.offset_of(line, column);
            file.span(offset, 0)
        }
    }
}

fn convert(file: &SourceFile, raw: Spanned<RawNode>) -> Node {
    let mut span = span_of(file, &raw.referenced);
    let kind = match raw.value {
        RawNode::Null => NodeKind::Null,
        RawNode::Str(s) => NodeKind::Str(s),
        RawNode::Typed(type_name) => NodeKind::Typed {
            raw: file.text[span.offset..span.end()].to_owned(),
            type_name,
        },
        RawNode::Seq(items) => {
            let items: Vec<Node> = items.into_iter().map(|n| convert(file, n)).collect();
            extend(&mut span, items.iter().map(|n| n.span));
            NodeKind::Seq(items)
        }
        RawNode::Map(entries) => {
            let entries: Vec<(Node, Node)> = entries
                .into_iter()
                .map(|(k, v)| (convert(file, k), convert(file, v)))
                .collect();
            extend(
                &mut span,
                entries.iter().flat_map(|(k, v)| [k.span, v.span]),
            );
            NodeKind::Map(entries)
        }
    };
    Node { kind, span }
}

/// Grows a collection's zero-length span to cover its children (aliased children, whose spans
/// point elsewhere, are ignored when they lie before the collection).
fn extend(span: &mut Span, children: impl Iterator<Item = Span>) {
    let end = children
        .filter(|c| c.offset >= span.offset)
        .map(|c| c.end())
        .max()
        .unwrap_or(span.end());
    if end > span.end() {
        span.length = end - span.offset;
    }
}

/// What serde-saphyr hands over before spans are turned into byte ranges.
enum RawNode {
    Null,
    Str(String),
    Typed(&'static str),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RawVisitor;
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = RawNode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<RawNode, E> {
                Ok(RawNode::Null)
            }
            fn visit_none<E>(self) -> Result<RawNode, E> {
                Ok(RawNode::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
                RawNode::deserialize(d)
            }
            fn visit_bool<E>(self, _: bool) -> Result<RawNode, E> {
                Ok(RawNode::Typed("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<RawNode, E> {
                Ok(RawNode::Typed("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<RawNode, E> {
                Ok(RawNode::Typed("a number"))
            }
            fn visit_i128<E>(self, _: i128) -> Result<RawNode, E> {
                Ok(RawNode::Typed("a number"))
            }
            fn visit_u128<E>(self, _: u128) -> Result<RawNode, E> {
                Ok(RawNode::Typed("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<RawNode, E> {
                Ok(RawNode::Typed("a number"))
            }
            fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
                Ok(RawNode::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
                Ok(RawNode::Str(v))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<RawNode, E> {
                match std::str::from_utf8(v) {
                    Ok(s) => Ok(RawNode::Str(s.to_owned())),
                    Err(_) => Err(E::custom("binary data where text was expected")),
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(RawNode::Seq(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(RawNode::Map(entries))
            }
        }
        deserializer.deserialize_any(RawVisitor)
    }
}

/// A string read from the YAML, with where it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

/// Collects located errors while a document is read, so one run reports all of them.
pub struct Reader<'a> {
    pub file: &'a SourceFile,
    pub errors: Vec<InputError>,
}

impl<'a> Reader<'a> {
    pub fn new(file: &'a SourceFile) -> Self {
        Self {
            file,
            errors: Vec::new(),
        }
    }

    pub fn error(
        &mut self,
        span: Span,
        message: impl Into<String>,
        label: &str,
        help: Option<String>,
    ) {
        self.errors
            .push(InputError::at(self.file, span, message, label, help));
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        self.error(
            node.span,
            format!("{what} must be {expected}, found {}", node.kind.type_name()),
            &format!("expected {expected}"),
            None,
        );
    }

    /// Reads a mapping with a closed set of keys; unknown keys are errors with a did-you-mean.
    pub fn map<'n>(&mut self, node: &'n Node, what: &str, keys: &[&str]) -> Option<Fields<'n>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, what, "a mapping");
            return None;
        };
        let mut fields = Fields {
            span: node.span,
            entries: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for (key, value) in entries {
            let Some(name) = self.key(key, what) else {
                continue;
            };
            if !self.first_time(&mut seen, &name, what) {
                continue;
            }
            if keys.contains(&name.value.as_str()) {
                fields.entries.push((name, value));
            } else {
                let suggestion = closest(&name.value, keys.iter().copied());
                self.error(
                    key.span,
                    format!("unknown key `{}` in {what}", name.value),
                    "unknown key",
                    did_you_mean(&suggestion).or_else(|| {
                        Some(format!(
                            "valid keys here: {}",
                            keys.iter()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    }),
                );
            }
        }
        Some(fields)
    }

    /// Reads a mapping whose keys are free-form names (e.g. token names), in document order.
    pub fn named_map<'n>(&mut self, node: &'n Node, what: &str) -> Option<Vec<(Text, &'n Node)>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(node, what, "a mapping");
            return None;
        };
        let mut seen = std::collections::HashSet::new();
        let mut named = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            if let Some(name) = self.key(k, what)
                && self.first_time(&mut seen, &name, what)
            {
                named.push((name, v));
            }
        }
        Some(named)
    }

    /// YAML tells `1` from `"1"` as keys; a name does not: a second key with the same text is
    /// an error, never a second entry of the same name.
    fn first_time(
        &mut self,
        seen: &mut std::collections::HashSet<String>,
        name: &Text,
        what: &str,
    ) -> bool {
        if seen.insert(name.value.clone()) {
            return true;
        }
        self.error(
            name.span,
            format!("`{}` is a key of {what} twice", name.value),
            "same key as before",
            Some("a key may appear once per mapping (`1` and `\"1\"` are the same name)".into()),
        );
        false
    }

    fn key(&mut self, key: &Node, what: &str) -> Option<Text> {
        match &key.kind {
            NodeKind::Str(s) => Some(Text {
                value: s.clone(),
                span: key.span,
            }),
            NodeKind::Typed { raw, .. } => Some(Text {
                value: raw.clone(),
                span: key.span,
            }),
            _ => {
                self.wrong_type(key, &format!("a key in {what}"), "a string");
                None
            }
        }
    }

    pub fn seq<'n>(&mut self, node: &'n Node, what: &str) -> Option<&'n [Node]> {
        match &node.kind {
            NodeKind::Seq(items) => Some(items),
            _ => {
                self.wrong_type(node, what, "a list");
                None
            }
        }
    }

    /// Reads text; booleans and numbers are taken as written (`- no` is the text "no").
    pub fn text(&mut self, node: &Node, what: &str) -> Option<Text> {
        match &node.kind {
            NodeKind::Str(s) => Some(Text {
                value: s.clone(),
                span: node.span,
            }),
            NodeKind::Typed { raw, .. } => Some(Text {
                value: raw.clone(),
                span: node.span,
            }),
            _ => {
                self.wrong_type(node, what, "a string");
                None
            }
        }
    }

    /// Like [`Reader::text`], but an empty value (`reason:`) counts as absent.
    pub fn optional_text(&mut self, node: &Node, what: &str) -> Option<Text> {
        match &node.kind {
            NodeKind::Null => None,
            _ => self.text(node, what),
        }
    }

    /// Reads a non-empty text.
    pub fn required_text(&mut self, node: &Node, what: &str) -> Option<Text> {
        let text = self.text(node, what)?;
        if text.value.trim().is_empty() {
            self.error(
                node.span,
                format!("{what} must not be empty"),
                "empty",
                None,
            );
            return None;
        }
        Some(text)
    }
}

/// The known keys of one mapping, in document order.
pub struct Fields<'n> {
    pub span: Span,
    entries: Vec<(Text, &'n Node)>,
}

impl<'n> Fields<'n> {
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(_, v)| *v)
    }

    /// The key node itself, e.g. to point at `scopes:` rather than at its list.
    pub fn key(&self, key: &str) -> Option<&Text> {
        self.entries
            .iter()
            .find(|(k, _)| k.value == key)
            .map(|(k, _)| k)
    }

    /// The value of a required key, or an error at the mapping naming the key.
    pub fn require(&self, reader: &mut Reader<'_>, key: &str, what: &str) -> Option<&'n Node> {
        let node = self.get(key);
        if node.is_none() {
            reader.error(
                Span {
                    length: 0,
                    ..self.span
                },
                format!("{what} has no `{key}:` key"),
                &format!("`{key}:` missing here"),
                None,
            );
        }
        node
    }
}

/// The candidates nearest to `input` (case-insensitive), best first: at most three, and only
/// those close enough to be a plausible typo or variant spelling.
pub fn closest<'c>(input: &str, candidates: impl Iterator<Item = &'c str>) -> Vec<String> {
    // Edit distance costs the product of the lengths in time and memory: a name longer than
    // any real one is a mistake no suggestion fixes, so it gets none.
    if input.len() > MAX_SUGGESTION_INPUT {
        return Vec::new();
    }
    let needle = normalize(input);
    if needle.is_empty() {
        return Vec::new();
    }
    let needle_chars = needle.chars().count();
    let mut scored: Vec<(f64, String)> = candidates
        .filter(|c| c.len() <= MAX_SUGGESTION_INPUT)
        .filter_map(|c| {
            let hay = normalize(c);
            let contained = needle.len() >= 4 && (hay.contains(&needle) || needle.contains(&hay));
            // The distance is at least the difference in length, so that difference alone
            // bounds the score: most candidates are ruled out without computing the distance.
            let hay_chars = hay.chars().count();
            let longest = needle_chars.max(hay_chars) as f64;
            let bound = 1.0 - needle_chars.abs_diff(hay_chars) as f64 / longest;
            let mut score = if bound < 0.6 {
                bound
            } else {
                strsim::normalized_damerau_levenshtein(&needle, &hay)
            };
            if contained {
                score = score.max(0.8);
            }
            (score >= 0.6).then(|| (score, c.to_owned()))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    // A near-exact match stands alone: `excess-scopes` means `excess-scope`, not also
    // `excess-level`.
    let best = scored.first().map_or(0.0, |s| s.0);
    if best >= 0.9 {
        scored.retain(|s| s.0 >= best - 0.2);
    }
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// The longest text (in bytes) that gets a did-you-mean.
pub const MAX_SUGGESTION_INPUT: usize = 256;

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Result<Node, InputError> {
        parse(&SourceFile::new("t.yaml", text), Limits::MANIFEST)
    }

    proptest::proptest! {
        /// The one-pass fast path says exactly what the general fold says.
        #[test]
        fn normalize_fast_path_agrees(s in "[ a-zA-Z/:\\t\u{a0}É_-]{0,12}") {
            let slow = s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            proptest::prop_assert_eq!(normalize(&s), slow);
        }
    }

    #[test]
    fn normalize_folds_case_and_whitespace_whatever_the_input() {
        for (input, want) in [
            ("manage labels", "manage labels"),
            ("Manage  Labels", "manage labels"),
            (" get /labels\t", "get /labels"),
            ("a\u{a0}b", "a b"),
            ("ÉTÉ", "été"),
            ("", ""),
            ("x ", "x"),
        ] {
            assert_eq!(normalize(input), want, "{input:?}");
        }
    }

    #[test]
    fn scalars_keep_their_source_text_and_span() {
        let node = tree("a: no\nb: 1.50\nc: 'x'\n").unwrap();
        let NodeKind::Map(entries) = node.kind else {
            panic!("map expected")
        };
        let texts: Vec<String> = entries
            .iter()
            .map(|(_, v)| match &v.kind {
                NodeKind::Str(s) => s.clone(),
                NodeKind::Typed { raw, .. } => raw.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(texts, ["no", "1.50", "x"]);
        assert_eq!((entries[1].1.span.line, entries[1].1.span.column), (2, 4));
    }

    #[test]
    fn collections_span_their_children() {
        let node = tree("list:\n  - a\n  - bb\n").unwrap();
        let NodeKind::Map(entries) = &node.kind else {
            panic!("map expected")
        };
        let list = &entries[0].1;
        assert_eq!(list.span.offset, 8);
        assert_eq!(list.span.end(), 18);
    }

    #[test]
    fn hostile_documents_fail_cleanly() {
        let mut bomb = String::from("a: &a [x,x,x,x,x,x,x,x,x,x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h"])
        {
            bomb.push_str(&format!("{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
        }
        assert!(tree(&bomb).is_err());
        let deep = format!("a: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
        assert!(tree(&deep).is_err());
        assert!(tree("a: 1\n---\nb: 2\n").is_err());
        assert!(tree("a: 1\na: 2\n").is_err());
    }

    #[test]
    fn closest_suggests_typos_and_variants() {
        let keys = ["scopes", "endpoints", "ignore"];
        assert_eq!(closest("scope", keys.iter().copied()), ["scopes"]);
        assert!(closest("zzz", keys.iter().copied()).is_empty());
    }

    /// `closest` as it was before candidates were ruled out by length: the bound must never
    /// change an answer.
    fn closest_by_distance_alone(input: &str, candidates: &[&str]) -> Vec<String> {
        let needle = normalize(input);
        if needle.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, String)> = candidates
            .iter()
            .filter_map(|c| {
                let hay = normalize(c);
                let mut score = strsim::normalized_damerau_levenshtein(&needle, &hay);
                if needle.len() >= 4 && (hay.contains(&needle) || needle.contains(&hay)) {
                    score = score.max(0.8);
                }
                (score >= 0.6).then(|| (score, (*c).to_owned()))
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        scored.dedup_by(|a, b| a.1 == b.1);
        let best = scored.first().map_or(0.0, |s| s.0);
        if best >= 0.9 {
            scored.retain(|s| s.0 >= best - 0.2);
        }
        scored.into_iter().take(3).map(|(_, c)| c).collect()
    }

    proptest::proptest! {
        #[test]
        fn the_length_bound_never_changes_a_suggestion(
            input in "[a-cA-C _:é-]{0,12}",
            candidates in proptest::collection::vec("[a-cA-C _:é-]{0,14}", 0..12),
        ) {
            let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                closest(&input, refs.iter().copied()),
                closest_by_distance_alone(&input, &refs)
            );
        }
    }
}
