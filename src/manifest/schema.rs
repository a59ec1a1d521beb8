//! The manifest's JSON Schema, generated from these types with schemars.
//!
//! The parser reads manifests from a located YAML tree (see `parse.rs`), not through these
//! types; they exist to describe the format for editors (`# yaml-language-server: $schema=…`).
//! A test keeps their keys identical to the keys the parser accepts.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::finding::RuleId;

/// A tokenscope manifest: the endpoints each API token of an integration calls and the scopes it holds.
#[derive(JsonSchema)]
#[schemars(title = "tokenscope manifest", deny_unknown_fields)]
#[allow(dead_code)]
pub struct ManifestSchema {
    /// The integration's name, used in reports and baselines.
    pub integration: String,
    /// The API the manifest is for: a built-in table (`texter`, the default, or `github`), or
    /// the `api` of the table passed with `--table`.
    pub api: Option<String>,
    /// Who owns the integration (kept in reports).
    pub owner: Option<String>,
    /// The integration's tokens, by name.
    #[schemars(extend("minProperties" = 1))]
    pub tokens: BTreeMap<String, Option<TokenSchema>>,
}

/// One API token.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
pub struct TokenSchema {
    /// Which of the API's kinds of token this is (e.g. `fine-grained-pat`, `github-app` for
    /// GitHub); the table's first kind when omitted.
    pub kind: Option<String>,
    /// The scopes the token holds, named as the token dialog shows them or by slug id. Omit to
    /// only get suggestions.
    pub scopes: Option<Vec<ScopeEntry>>,
    /// What the token calls: endpoint names, `METHOD /path` or URLs.
    pub endpoints: Option<Vec<EndpointEntry>>,
    /// Findings to silence for this token, each with a reason.
    pub ignore: Option<Vec<IgnoreSchema>>,
}

/// A scope: its name or id with an optional level (`contents:write`), or `{scope, level,
/// reason}`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ScopeEntry {
    Name(String),
    WithReason(ScopeWithReason),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ScopeWithReason {
    pub scope: String,
    /// The level held, for scopes with levels (`read`, `write`, `admin`); the lowest when
    /// omitted.
    pub level: Option<String>,
    /// Why the token holds this scope.
    pub reason: Option<String>,
}

/// An endpoint reference, or `{endpoint, reason}`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum EndpointEntry {
    Reference(String),
    WithReason(EndpointWithReason),
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
pub struct EndpointWithReason {
    pub endpoint: String,
    /// Why the token calls this endpoint.
    pub reason: Option<String>,
}

/// Silences one rule for this token, optionally for one scope or endpoint.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)]
pub struct IgnoreSchema {
    pub rule: RuleName,
    pub scope: Option<String>,
    pub endpoint: Option<String>,
    /// Why the finding does not apply; without it, `unexplained-ignore` is reported.
    pub reason: Option<String>,
}

/// A rule id.
pub struct RuleName;

impl JsonSchema for RuleName {
    fn schema_name() -> Cow<'static, str> {
        "RuleName".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        json_schema!({
            "description": "A tokenscope rule id.",
            "type": "string",
            "enum": ids,
        })
    }
}

/// The schema as pretty JSON with a trailing newline.
pub fn manifest_schema() -> String {
    let schema = schemars::schema_for!(ManifestSchema);
    // A schema built from types: serialising it cannot fail.
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(schema: &serde_json::Value, pointer: &str) -> BTreeSet<String> {
        schema
            .pointer(pointer)
            .and_then(|v| v.as_object())
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The schema and the parser accept exactly the same keys.
    #[test]
    fn schema_keys_match_the_parser() {
        let schema: serde_json::Value =
            serde_json::from_str(&manifest_schema()).unwrap_or_default();
        let set = |keys: &[&str]| {
            keys.iter()
                .map(|k| (*k).to_owned())
                .collect::<BTreeSet<_>>()
        };
        use super::super::parse::{
            ENDPOINT_ENTRY_KEYS, IGNORE_KEYS, SCOPE_ENTRY_KEYS, TOKEN_KEYS, TOP_KEYS,
        };
        assert_eq!(keys(&schema, "/properties"), set(TOP_KEYS));
        assert_eq!(
            keys(&schema, "/$defs/TokenSchema/properties"),
            set(TOKEN_KEYS)
        );
        assert_eq!(
            keys(&schema, "/$defs/ScopeWithReason/properties"),
            set(SCOPE_ENTRY_KEYS)
        );
        assert_eq!(
            keys(&schema, "/$defs/EndpointWithReason/properties"),
            set(ENDPOINT_ENTRY_KEYS)
        );
        assert_eq!(
            keys(&schema, "/$defs/IgnoreSchema/properties"),
            set(IGNORE_KEYS)
        );
    }
}
