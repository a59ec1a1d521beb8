//! Reading a manifest strictly: unknown keys, wrong types and missing keys are located input
//! errors, all reported together.

use std::path::Path;

use crate::error::{InputError, did_you_mean};
use crate::finding::RuleId;
use crate::source::SourceFile;
use crate::yaml::{self, Limits, Node, NodeKind, Reader, Text, closest};

use super::model::{Entry, EntryList, Ignore, ListStyle, Manifest, Token};

pub(super) const TOP_KEYS: &[&str] = &["integration", "api", "owner", "tokens"];
/// What a manifest is, for telling a manifest apart from any other file.
pub const MANIFEST: yaml::DocumentKind = yaml::DocumentKind {
    what: "a tokenscope manifest",
    keys: TOP_KEYS,
};
pub(super) const TOKEN_KEYS: &[&str] = &["kind", "scopes", "endpoints", "ignore"];
pub(super) const SCOPE_ENTRY_KEYS: &[&str] = &["scope", "level", "reason"];
pub(super) const ENDPOINT_ENTRY_KEYS: &[&str] = &["endpoint", "reason"];
pub(super) const IGNORE_KEYS: &[&str] = &["rule", "scope", "endpoint", "reason"];

impl Manifest {
    /// Reads and parses a manifest file. Which table it is checked against (its `api:`) is
    /// decided next, by [`super::table_for`].
    pub fn load(path: &Path) -> Result<Manifest, Vec<InputError>> {
        let file = SourceFile::read(path, Limits::MANIFEST.max_bytes).map_err(|e| vec![e])?;
        Manifest::parse(file)
    }

    pub fn parse(file: SourceFile) -> Result<Manifest, Vec<InputError>> {
        let root = yaml::parse_document(&file, Limits::MANIFEST, MANIFEST).map_err(|e| vec![e])?;
        let mut reader = Reader::new(&file);
        let manifest = read_manifest(&mut reader, &root);
        let inline = super::inline::inline_ignores(&file);
        match (manifest, inline) {
            (Some(mut m), Ok(inline)) if reader.errors.is_empty() => {
                m.inline_ignores = inline;
                Ok(m)
            }
            (_, inline) => {
                let mut errors = reader.errors;
                errors.extend(inline.err().unwrap_or_default());
                errors.sort_by_key(|e| e.span().map(|s| s.offset));
                Err(errors)
            }
        }
    }
}

fn read_manifest(r: &mut Reader<'_>, root: &Node) -> Option<Manifest> {
    if matches!(root.kind, NodeKind::Null) {
        r.error(
            root.span,
            "the manifest is empty",
            "expected a mapping here",
            Some("a manifest needs at least `integration:` and `tokens:`".into()),
        );
        return None;
    }
    let top = r.map(root, "the manifest", TOP_KEYS)?;
    let integration = top
        .require(r, "integration", "the manifest")
        .and_then(|n| r.required_text(n, "`integration`"));
    // As in the JSON Schema, an empty optional value counts as absent.
    let api = top.get("api").and_then(|n| r.optional_text(n, "`api`"));
    let owner = top.get("owner").and_then(|n| r.optional_text(n, "`owner`"));
    let mut tokens = Vec::new();
    if let Some(node) = top.require(r, "tokens", "the manifest")
        && let Some(entries) = r.named_map(node, "`tokens`")
    {
        if entries.is_empty() {
            r.error(
                node.span,
                "`tokens:` lists no tokens",
                "empty",
                Some("add one entry per API token, keyed by the token's name".into()),
            );
        }
        for (name, value) in entries {
            if let Some(token) = read_token(r, name, value) {
                tokens.push(token);
            }
        }
    }
    Some(Manifest {
        file: r.file.clone(),
        integration: integration?,
        api,
        owner,
        tokens,
        inline_ignores: Vec::new(),
    })
}

fn read_token(r: &mut Reader<'_>, name: Text, node: &Node) -> Option<Token> {
    if name.value.trim().is_empty() {
        r.error(name.span, "a token name must not be empty", "empty", None);
    }
    let what = format!("token `{}`", name.value);
    // `my-token:` with nothing under it is a token that declares nothing yet.
    let block_style = !r.file.text[node.span.offset..].starts_with('{');
    if matches!(node.kind, NodeKind::Null) {
        return Some(Token {
            name,
            body: node.span,
            block_style: false,
            kind: None,
            scopes: None,
            endpoints: None,
            ignores: Vec::new(),
        });
    }
    let fields = r.map(node, &what, TOKEN_KEYS)?;
    let kind = fields
        .get("kind")
        .and_then(|n| r.optional_text(n, "`kind`"));
    let scopes = fields.key("scopes").cloned().map(|key| {
        let value = fields.get("scopes");
        entry_list(r, key, value, "scope", SCOPE_ENTRY_KEYS)
    });
    let endpoints = fields.key("endpoints").cloned().map(|key| {
        let value = fields.get("endpoints");
        entry_list(r, key, value, "endpoint", ENDPOINT_ENTRY_KEYS)
    });
    let mut ignores = Vec::new();
    if let Some(node) = fields.get("ignore")
        && !matches!(node.kind, NodeKind::Null)
        && let Some(items) = r.seq(node, "`ignore`")
    {
        ignores = items
            .iter()
            .filter_map(|item| read_ignore(r, item))
            .collect();
    }
    Some(Token {
        name,
        body: node.span,
        block_style,
        kind,
        scopes,
        endpoints,
        ignores,
    })
}

/// Reads `scopes:`/`endpoints:`; `field` is the long form's key (`scope` or `endpoint`).
fn entry_list(
    r: &mut Reader<'_>,
    key: Text,
    value: Option<&Node>,
    field: &str,
    keys: &[&str],
) -> EntryList {
    let mut list = EntryList {
        span: value.map_or(key.span, |v| v.span),
        key,
        entries: Vec::new(),
        style: ListStyle::Empty,
    };
    let Some(node) = value else {
        return list;
    };
    if matches!(node.kind, NodeKind::Null) {
        return list;
    }
    let what = format!("`{}`", list.key.value);
    let Some(items) = r.seq(node, &what) else {
        return list;
    };
    list.style = if r.file.text[node.span.offset..].starts_with('[') {
        ListStyle::Flow
    } else {
        ListStyle::Block
    };
    for item in items {
        let entry = match &item.kind {
            NodeKind::Map(_) => {
                let Some(f) = r.map(item, &format!("an entry of {what}"), keys) else {
                    continue;
                };
                let value = f
                    .require(r, field, &format!("an entry of {what}"))
                    .and_then(|n| r.required_text(n, &format!("`{field}`")));
                let reason = f.get("reason").and_then(|n| r.optional_text(n, "`reason`"));
                let level = f.get("level").and_then(|n| r.required_text(n, "`level`"));
                value.map(|value| Entry {
                    value,
                    level,
                    reason,
                    span: item.span,
                })
            }
            _ => r
                .required_text(item, &format!("an entry of {what}"))
                .map(|value| Entry {
                    value,
                    level: None,
                    reason: None,
                    span: item.span,
                }),
        };
        list.entries.extend(entry);
    }
    list
}

fn read_ignore(r: &mut Reader<'_>, item: &Node) -> Option<Ignore> {
    let f = r.map(item, "an `ignore` entry", IGNORE_KEYS)?;
    let rule_text = f
        .require(r, "rule", "an `ignore` entry")
        .and_then(|n| r.required_text(n, "`rule`"))?;
    let scope = f.get("scope").and_then(|n| r.required_text(n, "`scope`"));
    let endpoint = f
        .get("endpoint")
        .and_then(|n| r.required_text(n, "`endpoint`"));
    let reason = f.get("reason").and_then(|n| r.optional_text(n, "`reason`"));
    let rule = parse_rule(r, &rule_text)?;
    Some(Ignore {
        rule,
        rule_text,
        scope,
        endpoint,
        reason,
        span: item.span,
    })
}

/// A rule id, or a located error with a did-you-mean.
pub fn parse_rule(r: &mut Reader<'_>, text: &Text) -> Option<RuleId> {
    let rule = RuleId::parse(text.value.trim());
    if rule.is_none() {
        r.error(
            text.span,
            format!("unknown rule `{}`", text.value),
            "not a rule id",
            did_you_mean(&closest(
                &text.value,
                RuleId::ALL.iter().map(|r| r.as_str()),
            ))
            .or_else(|| Some("`tokenscope explain RULE` lists what each rule checks".into())),
        );
    }
    rule
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Manifest, Vec<String>> {
        Manifest::parse(SourceFile::new("m.yaml", text.to_owned())).map_err(|errs| {
            errs.iter()
                .map(|e| {
                    let (line, col) = e.line_column().unwrap_or((0, 0));
                    let help = e.help_text().map(|h| format!(" ({h})")).unwrap_or_default();
                    format!("{line}:{col}: {e}{help}")
                })
                .collect()
        })
    }

    #[test]
    fn short_and_long_forms_and_yaml_1_1_words_as_text() {
        let m = parse(
            "integration: x\ntokens:\n  t:\n    scopes:\n      - no\n      - scope: Manage labels\n        reason: y\n    endpoints:\n      - endpoint: GET /labels\n        reason:\n",
        )
        .unwrap();
        let t = &m.tokens[0];
        assert_eq!(t.scope_entries()[0].value.value, "no");
        assert_eq!(t.scope_entries()[1].reason.as_ref().unwrap().value, "y");
        assert!(t.endpoint_entries()[0].reason.is_none());
    }

    #[test]
    fn typos_in_keys_are_errors_with_suggestions() {
        let errs = parse("integration: x\ntokens:\n  t:\n    scope:\n      - Manage labels\n")
            .unwrap_err();
        assert_eq!(
            errs,
            ["4:5: unknown key `scope` in token `t` (did you mean `scopes`?)"]
        );
        let errs = parse("integration: x\ntokens:\n  t:\n    scopes:\n      - scope: Manage labels\n        reson: y\n")
            .unwrap_err();
        assert_eq!(
            errs,
            ["6:9: unknown key `reson` in an entry of `scopes` (did you mean `reason`?)"]
        );
    }

    #[test]
    fn missing_and_mistyped_values_are_located() {
        assert_eq!(
            parse("").unwrap_err()[0],
            "1:1: the manifest is empty (a manifest needs at least `integration:` and `tokens:`)"
        );
        assert!(parse("integration: x\n").unwrap_err()[0].contains("has no `tokens:` key"));
        assert!(
            parse("integration: x\ntokens: [a]\n").unwrap_err()[0]
                .starts_with("2:9: `tokens` must be a mapping, found a list")
        );
        assert!(
            parse("integration: x\ntokens:\n  t:\n    scopes: Manage labels\n").unwrap_err()[0]
                .starts_with("4:13: `scopes` must be a list")
        );
        assert!(
            parse("integration: x\ntokens:\n  t:\n    scopes: [[a]]\n").unwrap_err()[0]
                .starts_with("4:14: an entry of `scopes` must be a string")
        );
        assert!(
            parse("- a\n").unwrap_err()[0]
                .contains("is not a tokenscope manifest: its top level is a list")
        );
    }

    #[test]
    fn tokens_say_their_kind_and_scopes_their_level() {
        let m = parse("integration: x\napi: github\ntokens:\n  t:\n    kind: github-app\n    scopes:\n      - contents:write\n      - scope: issues\n        level: read\n").unwrap();
        let t = &m.tokens[0];
        assert_eq!(
            t.kind.as_ref().map(|k| k.value.as_str()),
            Some("github-app")
        );
        assert_eq!(t.scope_entries()[1].level.as_ref().unwrap().value, "read");
        assert_eq!(m.api.unwrap().value, "github");
    }

    #[test]
    fn ignore_entries_need_a_known_rule() {
        let errs = parse("integration: x\ntokens:\n  t:\n    ignore:\n      - rule: excess-scop\n")
            .unwrap_err();
        assert_eq!(
            errs,
            ["5:15: unknown rule `excess-scop` (did you mean `excess-scope`?)"]
        );
        let m = parse("integration: x\ntokens:\n  t:\n    ignore:\n      - rule: excess-scope\n        scope: Manage labels\n").unwrap();
        assert!(m.tokens[0].ignores[0].reason.is_none());
    }

    #[test]
    fn all_errors_are_reported_at_once() {
        let errs = parse("integration: x\ntokens:\n  a:\n    scoeps: []\n  b:\n    endpiont: []\n")
            .unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
    }
}
