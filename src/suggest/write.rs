//! Writing suggestions back into a manifest: byte-range edits of the `scopes:` lists (or of the
//! tokens being split), so comments, key order, quoting and blank lines elsewhere stay as they
//! were; the result is re-read and checked before anything touches the disk.

use std::path::Path;

use miette::Diagnostic;
use thiserror::Error;

use crate::manifest::{Entry, ListStyle, Manifest, Token, resolve_grant, resolve_scope};
use crate::source::SourceFile;
use crate::table::{EndpointId, Grant, GrantSet, ScopeSet, Table};
use crate::textedit::{Edit, apply, line_end, line_start, newline, next_line};

use super::AreaToken;

#[derive(Debug, Error, Diagnostic)]
pub enum WriteError {
    #[error("cannot rewrite token `{token}` in {path}: {why}")]
    #[diagnostic(
        code(write::unsupported),
        help("edit this token by hand; `tokenscope suggest` prints what it should hold")
    )]
    Unsupported {
        path: String,
        token: String,
        why: String,
    },

    #[error("refusing to write {path}: {why}")]
    #[diagnostic(code(write::refused))]
    Refused {
        path: String,
        why: String,
        #[help]
        help: Option<String>,
    },

    #[error("the rewritten {path} did not check out ({why}); nothing was written")]
    #[diagnostic(
        code(write::verify),
        help("this is a bug in tokenscope; please report it with the manifest")
    )]
    Verify { path: String, why: String },

    #[error("cannot write {path}: {cause}")]
    #[diagnostic(code(write::io), help("the original file is unchanged"))]
    Io { path: String, cause: std::io::Error },
}

/// A scalar as YAML text: plain when every YAML 1.1 and 1.2 reader takes that back as the same
/// string, double-quoted otherwise, with any character a reader could take for a line break or
/// refuse written as an escape. Values come from file names and tables, so nothing they hold
/// may end the scalar, start a new key or change the value's type.
pub fn yaml_scalar(s: &str, in_flow: bool) -> String {
    if is_plain_safe(s, in_flow) {
        s.to_owned()
    } else {
        double_quoted(s)
    }
}

fn is_plain_safe(s: &str, in_flow: bool) -> bool {
    // YAML 1.1's booleans and nulls (any case), the merge key and YAML 1.1's value key.
    const TYPED: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", "<<", "=",
    ];
    let Some(first) = s.chars().next() else {
        return false;
    };
    let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(first);
    // Numbers, infinities and YAML 1.1's timestamps and sexagesimals all start like this.
    let number_like = first.is_ascii_digit() || first == '+' || first == '.';
    !(indicator
        || number_like
        || s.trim() != s
        || s.contains(": ")
        || s.contains(" #")
        || s.ends_with(':')
        || s.chars().any(|c| c == '\t' || needs_escape(c))
        || (in_flow && s.contains([',', '[', ']', '{', '}']))
        || TYPED.contains(&s.to_ascii_lowercase().as_str())
        || s.parse::<f64>().is_ok())
}

/// Characters written as escapes in YAML text: line breaks of either YAML version (LF, CR,
/// NEL, LS, PS), other controls (which readers refuse), byte order marks and non-characters,
/// and the bidirectional overrides that make text read differently from what it holds.
fn needs_escape(c: char) -> bool {
    c == '\n'
        || crate::sanitize::is_unsafe_for_terminal(c)
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// A double-quoted YAML scalar using only the escapes YAML and JSON share.
fn double_quoted(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Text for a YAML comment: it cannot end the comment's line, since every line break and
/// control character is written as a visible escape (`\n`, `\u{2028}`).
pub fn yaml_comment(text: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == '\t' || needs_escape(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Rewrites the `scopes:` lists of the given tokens (by index) to the given sets. Entries that
/// stay keep their text, comment and `reason:`; dropped ones go (with own-line comments right
/// above them); added ones are appended in table order.
pub fn rewrite_scopes(
    manifest: &Manifest,
    table: &Table,
    plans: &[(usize, GrantSet)],
) -> Result<String, WriteError> {
    let text: &str = &manifest.file.text;
    let mut edits = Vec::new();
    for (index, wanted) in plans {
        let token = &manifest.tokens[*index];
        edits.extend(token_scope_edits(manifest, table, token, wanted)?);
    }
    let new = apply(text, edits);
    verify(manifest, table, &new, plans)?;
    Ok(new)
}

fn token_scope_edits(
    manifest: &Manifest,
    table: &Table,
    token: &Token,
    wanted: &GrantSet,
) -> Result<Vec<Edit>, WriteError> {
    let text: &str = &manifest.file.text;
    let nl = newline(text);
    let unsupported = |why: &str| WriteError::Unsupported {
        path: manifest.file.path.clone(),
        token: token.name.value.clone(),
        why: why.to_owned(),
    };
    let Some(list) = &token.scopes else {
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        if !token.block_style || token.body.length == 0 {
            return Err(unsupported(
                "it is written in flow style or has no keys; add a `scopes:` list",
            ));
        }
        // Insert a new `scopes:` key above the token's first key, at the same indentation.
        let at = line_start(text, token.body.offset);
        let indent = &text[at..token.body.offset];
        if !indent.chars().all(char::is_whitespace) {
            return Err(unsupported("its first key does not start a line"));
        }
        let mut block = format!("{indent}scopes:{nl}");
        for g in wanted.iter() {
            block.push_str(&format!(
                "{indent}  - {}{nl}",
                yaml_scalar(&table.grant_ref(g), false)
            ));
        }
        return Ok(vec![Edit {
            start: at,
            end: at,
            text: block,
        }]);
    };

    // An entry stays when it names a wanted grant exactly (scope and level); the rest go, and
    // what is missing is added.
    let mut kept = ScopeSet::new();
    let mut keep: Vec<&Entry> = Vec::new();
    let mut remove: Vec<&Entry> = Vec::new();
    for entry in &list.entries {
        match resolve_grant(table, entry) {
            Ok(g) if wanted.level(g.scope) == Some(g.level) && kept.insert(g.scope) => {
                keep.push(entry)
            }
            _ => remove.push(entry),
        }
    }
    let add: Vec<Grant> = wanted.iter().filter(|g| !kept.contains(&g.scope)).collect();
    if remove.is_empty() && add.is_empty() {
        return Ok(Vec::new());
    }
    let names: Vec<String> = add.iter().map(|&g| table.grant_ref(g)).collect();

    let key_colon = text[list.key.span.end()..]
        .find(':')
        .map(|i| list.key.span.end() + i + 1)
        .ok_or_else(|| unsupported("its `scopes` key has no colon"))?;

    match list.style {
        ListStyle::Flow => {
            let open = list.span.offset;
            let close = flow_close(
                text,
                list.entries
                    .last()
                    .map_or(open + 1, |e| flow_item_range(text, e).1),
            )
            .ok_or_else(|| {
                unsupported("its `scopes:` list holds comments or text tokenscope cannot edit")
            })?;
            let mut items: Vec<String> = keep
                .iter()
                .map(|e| {
                    let (start, end) = flow_item_range(text, e);
                    text[start..end].to_owned()
                })
                .collect();
            items.extend(names.iter().map(|n| yaml_scalar(n, true)));
            Ok(vec![Edit {
                start: open,
                end: close + 1,
                text: format!("[{}]", items.join(", ")),
            }])
        }
        ListStyle::Empty => {
            let at = line_end(text, key_colon);
            let key_start = line_start(text, list.key.span.offset);
            let indent = &text[key_start..list.key.span.offset];
            let indent = if indent.chars().all(char::is_whitespace) {
                indent
            } else {
                ""
            };
            let mut block = String::new();
            for n in &names {
                block.push_str(&format!("{nl}{indent}  - {}", yaml_scalar(n, false)));
            }
            Ok(vec![Edit {
                start: at,
                end: at,
                text: block,
            }])
        }
        ListStyle::Block => {
            let first = &list.entries[0];
            let first_line = line_start(text, first.span.offset);
            let before = &text[first_line..first.span.offset];
            let dash = before
                .rfind('-')
                .ok_or_else(|| unsupported("its list items do not start with `-`"))?;
            let indent = &before[..dash];
            if !indent.chars().all(char::is_whitespace) {
                return Err(unsupported("its list items do not start their lines"));
            }
            let mut edits: Vec<Edit> = remove
                .iter()
                .map(|e| {
                    let mut start = line_start(text, e.span.offset);
                    // Own-line comments right above an entry belong to it (a suppression comment
                    // left behind would silence the next entry instead).
                    while start > 0 {
                        let prev = line_start(text, start - 1);
                        if text[prev..start].trim_start().starts_with('#') {
                            start = prev;
                        } else {
                            break;
                        }
                    }
                    Edit {
                        start,
                        end: next_line(text, e.span.end()),
                        text: String::new(),
                    }
                })
                .collect();
            let last = list.entries.last().map_or(first, |e| e);
            let at = next_line(text, last.span.end());
            if keep.is_empty() && add.is_empty() {
                edits.push(Edit {
                    start: key_colon,
                    end: key_colon,
                    text: " []".into(),
                });
            } else if !names.is_empty() {
                let mut block = String::new();
                if at == text.len() && !text.ends_with('\n') {
                    block.push_str(nl);
                }
                for n in &names {
                    block.push_str(&format!("{indent}- {}{nl}", yaml_scalar(n, false)));
                }
                edits.push(Edit {
                    start: at,
                    end: at,
                    text: block,
                });
            }
            Ok(edits)
        }
    }
}

/// The `]` closing a flow list, searching from `from` over blanks and commas only.
fn flow_close(text: &str, from: usize) -> Option<usize> {
    for (i, c) in text[from..].char_indices() {
        match c {
            ']' => return Some(from + i),
            ',' => {}
            c if c.is_whitespace() => {}
            _ => return None,
        }
    }
    None
}

/// A flow list item's byte range, braces included for the long form (whose span starts at `{`
/// and ends at its last value).
fn flow_item_range(text: &str, entry: &Entry) -> (usize, usize) {
    let (start, end) = (entry.span.offset, entry.span.end());
    if entry.span == entry.value.span || !text[start..].starts_with('{') {
        return (entry.value.span.offset, entry.value.span.end());
    }
    let rest = &text[end..];
    let after = rest.trim_start();
    if after.starts_with('}') {
        (start, end + (rest.len() - after.len()) + 1)
    } else {
        (start, end)
    }
}

/// Re-reads the new text and checks every planned token now holds exactly its planned set.
fn verify(
    manifest: &Manifest,
    table: &Table,
    new: &str,
    plans: &[(usize, GrantSet)],
) -> Result<(), WriteError> {
    let path = manifest.file.path.clone();
    let reread =
        Manifest::parse(SourceFile::new(path.clone(), new.to_owned())).map_err(|errs| {
            WriteError::Verify {
                path: path.clone(),
                why: errs.first().map_or_else(String::new, |e| e.to_string()),
            }
        })?;
    for (index, wanted) in plans {
        let name = &manifest.tokens[*index].name.value;
        let Some(token) = reread.tokens.iter().find(|t| &t.name.value == name) else {
            return Err(WriteError::Verify {
                path,
                why: format!("token `{name}` disappeared"),
            });
        };
        let held: GrantSet = token
            .scope_entries()
            .iter()
            .filter_map(|e| resolve_grant(table, e).ok())
            .collect();
        if &held != wanted || token.scope_entries().len() != wanted.len() {
            return Err(WriteError::Verify {
                path,
                why: format!("token `{name}` would hold {:?}", table.grant_names(&held)),
            });
        }
    }
    Ok(())
}

/// Replaces each given token by its per-area tokens.
pub fn split_tokens(
    manifest: &Manifest,
    table: &Table,
    splits: &[(usize, &[AreaToken])],
) -> Result<String, WriteError> {
    let text: &str = &manifest.file.text;
    let nl = newline(text);
    let mut edits = Vec::new();
    let mut names: Vec<String> = manifest
        .tokens
        .iter()
        .map(|t| t.name.value.clone())
        .collect();
    for (index, areas) in splits {
        let token = &manifest.tokens[*index];
        let unsupported = |why: String| WriteError::Unsupported {
            path: manifest.file.path.clone(),
            token: token.name.value.clone(),
            why,
        };
        if !token.block_style {
            return Err(unsupported("it is written in flow style".into()));
        }
        let start = line_start(text, token.name.span.offset);
        let indent = &text[start..token.name.span.offset];
        if !indent.chars().all(char::is_whitespace) {
            return Err(unsupported("its name does not start a line".into()));
        }
        let child = {
            let body_line = line_start(text, token.body.offset);
            let ci = &text[body_line..token.body.offset];
            if token.body.length > 0 && body_line > start && ci.chars().all(char::is_whitespace) {
                ci.to_owned()
            } else {
                format!("{indent}  ")
            }
        };
        let mut block = String::new();
        for area in *areas {
            if names.contains(&area.token) {
                return Err(unsupported(format!(
                    "a token named `{}` already exists",
                    area.token
                )));
            }
            names.push(area.token.clone());
            block.push_str(&area_token_yaml(
                text, table, token, area, indent, &child, nl,
            ));
        }
        let end = next_line(text, token.body.end().max(token.name.span.end()));
        if end == text.len() && !text.ends_with('\n') {
            block.truncate(block.len() - nl.len());
        }
        edits.push(Edit {
            start,
            end,
            text: block,
        });
    }
    let new = apply(text, edits);
    let path = manifest.file.path.clone();
    let reread = Manifest::parse(SourceFile::new(path.clone(), new.clone())).map_err(|errs| {
        WriteError::Verify {
            path: path.clone(),
            why: errs.first().map_or_else(String::new, |e| e.to_string()),
        }
    })?;
    for (index, areas) in splits {
        let kind = manifest.tokens[*index].kind.as_ref().map(|k| &k.value);
        for area in *areas {
            let Some(written) = reread.tokens.iter().find(|t| t.name.value == area.token) else {
                return Err(WriteError::Verify {
                    path,
                    why: format!("token `{}` is missing", area.token),
                });
            };
            if written.kind.as_ref().map(|k| &k.value) != kind {
                return Err(WriteError::Verify {
                    path,
                    why: format!("token `{}` lost its kind", area.token),
                });
            }
        }
    }
    Ok(new)
}

fn area_token_yaml(
    text: &str,
    table: &Table,
    token: &Token,
    area: &AreaToken,
    indent: &str,
    child: &str,
    nl: &str,
) -> String {
    let mut y = format!("{indent}{}:{nl}", yaml_scalar(&area.token, false));
    if let Some(kind) = &token.kind {
        y.push_str(&format!("{child}kind: {}{nl}", single_line(text, kind)));
    }
    if area.scopes.is_empty() {
        y.push_str(&format!("{child}scopes: []{nl}"));
    } else {
        y.push_str(&format!("{child}scopes:{nl}"));
        for need in &area.scopes {
            y.push_str(&format!(
                "{child}  - {}{nl}",
                yaml_scalar(&table.grant_ref(need.grant), false)
            ));
        }
    }
    y.push_str(&format!("{child}endpoints:{nl}"));
    let mut written: Vec<EndpointId> = Vec::new();
    for entry in token.endpoint_entries() {
        let Some(id) = crate::manifest::resolve_endpoint(table, &entry.value.value).endpoint()
        else {
            continue;
        };
        if !area.endpoints.contains(&id) || written.contains(&id) {
            continue;
        }
        written.push(id);
        match &entry.reason {
            Some(reason) => {
                y.push_str(&format!(
                    "{child}  - endpoint: {}{nl}",
                    single_line(text, &entry.value)
                ));
                y.push_str(&format!(
                    "{child}    reason: {}{nl}",
                    single_line(text, reason)
                ));
            }
            None => y.push_str(&format!(
                "{child}  - {}{nl}",
                single_line(text, &entry.value)
            )),
        }
    }
    let held: ScopeSet = area.scopes.iter().map(|n| n.grant.scope).collect();
    let relevant: Vec<_> = token
        .ignores
        .iter()
        .filter(|ig| {
            let scope_ok = ig.scope.as_ref().is_none_or(|s| {
                resolve_scope(table, &s.value).is_some_and(|id| held.contains(&id))
            });
            let endpoint_ok = ig.endpoint.as_ref().is_none_or(|e| {
                crate::manifest::resolve_endpoint(table, &e.value)
                    .endpoint()
                    .is_some_and(|id| area.endpoints.contains(&id))
            });
            scope_ok && endpoint_ok
        })
        .collect();
    if !relevant.is_empty() {
        y.push_str(&format!("{child}ignore:{nl}"));
        for ig in relevant {
            y.push_str(&format!("{child}  - rule: {}{nl}", ig.rule));
            if let Some(s) = &ig.scope {
                y.push_str(&format!("{child}    scope: {}{nl}", single_line(text, s)));
            }
            if let Some(e) = &ig.endpoint {
                y.push_str(&format!(
                    "{child}    endpoint: {}{nl}",
                    single_line(text, e)
                ));
            }
            if let Some(r) = &ig.reason {
                y.push_str(&format!("{child}    reason: {}{nl}", single_line(text, r)));
            }
        }
    }
    y
}

/// A value's source text when it fits on one line (keeping its quoting), else re-quoted.
fn single_line(text: &str, value: &crate::yaml::Text) -> String {
    let raw = &text[value.span.offset..value.span.end()];
    if raw.is_empty() || raw.contains(['\n', '\r']) || raw.starts_with(['|', '>']) {
        yaml_scalar(&value.value, false)
    } else {
        raw.to_owned()
    }
}

/// A unified diff of a planned rewrite, for `--dry-run`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    let (a, b) = if path.starts_with('/') {
        (path.to_owned(), path.to_owned())
    } else {
        (format!("a/{path}"), format!("b/{path}"))
    };
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&a, &b)
        .to_string()
}

/// Writes the rewritten manifest atomically (see [`crate::atomic::write_atomically`]).
pub fn write_atomically(path: &Path, contents: &str) -> Result<(), WriteError> {
    crate::atomic::write_atomically(path, contents).map_err(|cause| WriteError::Io {
        path: crate::source::display_path(path),
        cause,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::TokenAnalysis;
    use crate::suggest::{Split, TokenSuggestion, grant_set};

    fn table() -> &'static Table {
        crate::table::texter()
    }

    fn rewrite(text: &str) -> String {
        let table = table();
        let m = Manifest::parse(SourceFile::new("m.yaml", text.to_owned()))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let plans: Vec<(usize, GrantSet)> = m
            .tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    i,
                    grant_set(
                        &TokenSuggestion::from_analysis(
                            &TokenAnalysis::new(table, t),
                            &GrantSet::new(),
                            false,
                        )
                        .minimal,
                    ),
                )
            })
            .collect();
        rewrite_scopes(&m, table, &plans).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn block_lists_keep_comments_reasons_and_quoting() {
        let before = "integration: x   # top\ntokens:\n  bot:\n    # scopes the bot holds\n    scopes:\n      - 'Manage labels'   # labels editor\n      # tokenscope: ignore[high-risk-scope] reviewed\n      - View all chats\n      - scope: Manage all chats\n        reason: resolves chats\n\n    endpoints:\n      - Create Label\n      - Resolve Chat\n      - Search Chats\n";
        let after = "integration: x   # top\ntokens:\n  bot:\n    # scopes the bot holds\n    scopes:\n      - 'Manage labels'   # labels editor\n      - scope: Manage all chats\n        reason: resolves chats\n      - List all chats\n\n    endpoints:\n      - Create Label\n      - Resolve Chat\n      - Search Chats\n";
        assert_eq!(rewrite(before), after);
        assert_eq!(rewrite(after), after, "idempotent");
    }

    #[test]
    fn flow_lists_are_rewritten_in_flow_style() {
        let before = "integration: x\ntokens:\n  t: \n    scopes: [\"Manage labels\", {scope: View all chats, reason: r}, Nope]\n    endpoints: [Create Label, Get Messages of a Chat, Resolve Chat]\n";
        let out = rewrite(before);
        assert!(out.contains("    scopes: [\"Manage labels\", {scope: View all chats, reason: r}, Manage all chats]\n"), "{out}");
    }

    #[test]
    fn empty_missing_and_emptied_lists() {
        let empty = "integration: x\ntokens:\n  t:\n    scopes:   # none yet\n    endpoints: [Create Label]\n";
        assert_eq!(
            rewrite(empty),
            "integration: x\ntokens:\n  t:\n    scopes:   # none yet\n      - Manage labels\n    endpoints: [Create Label]\n"
        );
        let missing = "integration: x\ntokens:\n  t:\n    endpoints: [Create Label]\n";
        assert_eq!(
            rewrite(missing),
            "integration: x\ntokens:\n  t:\n    scopes:\n      - Manage labels\n    endpoints: [Create Label]\n"
        );
        let emptied = "integration: x\ntokens:\n  t:\n    scopes:\n      - Manage labels\n    endpoints: [List All Labels]\n";
        assert_eq!(
            rewrite(emptied),
            "integration: x\ntokens:\n  t:\n    scopes: []\n    endpoints: [List All Labels]\n"
        );
    }

    #[test]
    fn crlf_and_missing_final_newline() {
        let crlf = "integration: x\r\ntokens:\r\n  t:\r\n    endpoints: [Create Label, Search Chats]\r\n    scopes:\r\n      - Manage labels";
        assert_eq!(
            rewrite(crlf),
            "integration: x\r\ntokens:\r\n  t:\r\n    endpoints: [Create Label, Search Chats]\r\n    scopes:\r\n      - Manage labels\r\n      - List all chats\r\n"
        );
    }

    #[test]
    fn scalars_are_quoted_only_when_needed() {
        assert_eq!(yaml_scalar("Manage all chats", false), "Manage all chats");
        assert_eq!(
            yaml_scalar("Activate/inactivate scenarios", false),
            "Activate/inactivate scenarios"
        );
        assert_eq!(yaml_scalar("no", false), "\"no\"");
        assert_eq!(yaml_scalar("a: b", false), "\"a: b\"");
        assert_eq!(yaml_scalar("a, b", true), "\"a, b\"");
    }

    #[test]
    fn split_replaces_the_token_and_keeps_the_rest() {
        let table = table();
        let text = "integration: x\ntokens:\n  bot:   # the bot\n    scopes: [Manage labels]\n    endpoints:\n      - Create Label\n      - endpoint: GET /chats/search\n        reason: find the chat\n    ignore:\n      - rule: excess-scope\n        scope: Manage labels\n        reason: kept\n  other:\n    endpoints: [List All Labels]\n";
        let m = Manifest::parse(SourceFile::new("m.yaml", text.to_owned()))
            .unwrap_or_else(|e| panic!("{e:?}"));
        let s = TokenSuggestion::from_analysis(
            &TokenAnalysis::new(table, &m.tokens[0]),
            &GrantSet::new(),
            true,
        );
        let Some(Split::Areas(areas)) = s.split else {
            panic!("{:?}", s.split)
        };
        let out = split_tokens(&m, table, &[(0, &areas)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            out,
            "integration: x\ntokens:\n  bot-chats:\n    scopes:\n      - List all chats\n    endpoints:\n      - endpoint: GET /chats/search\n        reason: find the chat\n  bot-labels:\n    scopes:\n      - Manage labels\n    endpoints:\n      - Create Label\n    ignore:\n      - rule: excess-scope\n        scope: Manage labels\n        reason: kept\n  other:\n    endpoints: [List All Labels]\n"
        );
    }
}
