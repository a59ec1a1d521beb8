//! The manifest's JSON Schema, generated from these types with schemars.
//!
//! The parser reads manifests from a located YAML tree (see `parse.rs`), not through these
//! types; they exist to describe the format for editors (`# yaml-language-server: $schema=…`).
//! A test keeps their keys identical to the keys the parser accepts.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::finding::RuleId;
use crate::table::Table;

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

/// The schema for one API's manifests (`--api NAME schema`): `api:` fixed to it, `kind:` one of
/// its token kinds (absent when it has none), and its scope and endpoint references offered as
/// completions (`examples`, so that every spelling the parser accepts stays valid).
pub fn manifest_schema_for(table: &Table) -> String {
    let mut schema = serde_json::to_value(schemars::schema_for!(ManifestSchema))
        .unwrap_or(serde_json::Value::Null);
    if let Some(title) = schema.get_mut("title") {
        *title = format!("tokenscope manifest for the {}", table.title).into();
    }
    if let Some(api) = schema.pointer_mut("/properties/api") {
        api["enum"] = serde_json::json!([table.api]);
        api["type"] = "string".into();
    }
    if let Some(props) = schema
        .pointer_mut("/$defs/TokenSchema/properties")
        .and_then(|p| p.as_object_mut())
    {
        if table.token_kinds.is_empty() {
            props.remove("kind");
        } else if let Some(kind) = props.get_mut("kind") {
            kind["enum"] = serde_json::json!(table.token_kinds);
            kind["type"] = "string".into();
        }
    }
    let mut grants = Vec::new();
    let mut levels = Vec::new();
    for scope in &table.scopes {
        if scope.levels.is_empty() {
            grants.push(scope.name.clone());
        }
        for level in &scope.levels {
            grants.push(format!("{}:{level}", scope.id));
            if !levels.contains(level) {
                levels.push(level.clone());
            }
        }
    }
    let endpoints: Vec<String> = table
        .endpoints
        .iter()
        .map(|e| match (&e.method, &e.path) {
            (Some(m), Some(p)) => format!("{m} {p}"),
            _ => e.name.to_string(),
        })
        .collect();
    if let Some(name) = schema.pointer_mut("/$defs/ScopeEntry/anyOf/0") {
        name["examples"] = serde_json::json!(grants);
    }
    if let Some(scope) = schema.pointer_mut("/$defs/ScopeWithReason/properties/scope") {
        let ids: Vec<&str> = table.scopes.iter().map(|s| s.id.as_str()).collect();
        scope["examples"] = serde_json::json!(ids);
    }
    if let (false, Some(level)) = (
        levels.is_empty(),
        schema.pointer_mut("/$defs/ScopeWithReason/properties/level"),
    ) {
        level["examples"] = serde_json::json!(levels);
    }
    if let Some(endpoint) = schema.pointer_mut("/$defs/EndpointEntry/anyOf/0") {
        endpoint["examples"] = serde_json::json!(endpoints);
    }
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

    #[test]
    fn an_api_schema_offers_its_kinds_scopes_and_endpoints() {
        let texter = crate::table::Table::embedded().unwrap_or_else(|_| panic!("table"));
        let schema: serde_json::Value =
            serde_json::from_str(&manifest_schema_for(&texter)).unwrap_or_default();
        // Texter has no token kinds: `kind:` is not allowed at all.
        assert!(
            schema
                .pointer("/$defs/TokenSchema/properties/kind")
                .is_none()
        );
        assert_eq!(
            schema["properties"]["api"]["enum"],
            serde_json::json!(["texter"])
        );
        let scopes = schema
            .pointer("/$defs/ScopeEntry/anyOf/0/examples")
            .and_then(|v| v.as_array())
            .map(Vec::len);
        assert_eq!(scopes, Some(texter.scopes.len()));
        let endpoints = schema
            .pointer("/$defs/EndpointEntry/anyOf/0/examples")
            .and_then(|v| v.as_array())
            .map(Vec::len);
        assert_eq!(endpoints, Some(texter.endpoints.len()));
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
