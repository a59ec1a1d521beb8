//! The manifest: an integration's tokens, the scopes each holds and the endpoints each calls.
//! Every value keeps its span so findings can point at it.

use crate::finding::RuleId;
use crate::source::{SourceFile, Span};
use crate::yaml::Text;

#[derive(Debug)]
pub struct Manifest {
    pub file: SourceFile,
    pub integration: Text,
    pub api: Option<Text>,
    pub owner: Option<Text>,
    pub tokens: Vec<Token>,
    /// `# tokenscope: ignore[...]` comments, in file order.
    pub inline_ignores: Vec<super::InlineIgnore>,
}

#[derive(Debug)]
pub struct Token {
    pub name: Text,
    /// The token's value node (a mapping, or empty), for rewriting it in place.
    pub body: Span,
    /// Whether the token's mapping is written in block style (one key per line).
    pub block_style: bool,
    /// `kind: github-app`: which of the table's token kinds this token is (the table's first
    /// when absent).
    pub kind: Option<Text>,
    /// `None` when the token declares no `scopes:` key at all (then only `suggest` applies).
    pub scopes: Option<EntryList>,
    pub endpoints: Option<EntryList>,
    pub ignores: Vec<Ignore>,
}

impl Token {
    pub fn scope_entries(&self) -> &[Entry] {
        self.scopes.as_ref().map_or(&[], |l| &l.entries)
    }

    pub fn endpoint_entries(&self) -> &[Entry] {
        self.endpoints.as_ref().map_or(&[], |l| &l.entries)
    }
}

/// A `scopes:` or `endpoints:` list with the key it hangs from.
#[derive(Debug)]
pub struct EntryList {
    pub key: Text,
    pub entries: Vec<Entry>,
    /// The list's value node (for an empty value: just after the key's colon).
    pub span: Span,
    pub style: ListStyle,
}

/// How a list is written, which decides how `suggest --write` edits it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStyle {
    /// `- item` lines.
    Block,
    /// `[a, b]`.
    Flow,
    /// `scopes:` with no value.
    Empty,
}

/// One list entry, short form (`- Manage labels`) or long form (`- scope: …` / `reason: …`).
#[derive(Debug)]
pub struct Entry {
    pub value: Text,
    /// The long form's `level:` (`- scope: contents` / `level: write`).
    pub level: Option<Text>,
    pub reason: Option<Text>,
    /// The whole entry node (for the long form: the mapping).
    pub span: Span,
}

/// A manifest `ignore:` entry: silences one rule for this token, optionally for one subject.
#[derive(Debug)]
pub struct Ignore {
    pub rule: RuleId,
    pub rule_text: Text,
    pub scope: Option<Text>,
    pub endpoint: Option<Text>,
    pub reason: Option<Text>,
    pub span: Span,
}
