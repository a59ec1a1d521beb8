//! Reading an OpenAPI 3.0 or 3.1 document, JSON or YAML, into the little the importer needs:
//! `info`, `servers`, security schemes and requirements, and per operation its id, summary,
//! tags, security and `x-` extensions. Schemas, parameters and responses are skipped unread.
//!
//! JSON is read by serde_json (its recursion limit bounds nesting). YAML is read by serde-saphyr
//! with budgets of its own, sized for specifications of several megabytes, not for manifests:
//! nesting, nodes, anchors and alias expansion are capped, so an alias bomb or a deeply nested
//! file fails fast in little memory.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::super::github_docs::Entries;
use super::super::{json_error, quoted};
use crate::error::InputError;
use crate::source::SourceFile;
use crate::table::METHODS;

/// Nesting deeper than any real specification (schemas nest a few dozen levels at most).
const MAX_DEPTH: usize = 128;
/// Nodes, after alias expansion: about 25 per kilobyte of YAML in real specifications, so this
/// reads one of 100 MB; the input cap (64 MiB) comes first.
const MAX_NODES: usize = 4_000_000;
/// Anchors and aliases: real specifications use few, an alias bomb many.
const MAX_ALIASES: usize = 10_000;
/// Events an alias may replay in total (what a billion-laughs file multiplies).
const MAX_REPLAYED: usize = 1_000_000;

/// A document, as far as the importer reads it.
pub(super) struct Spec {
    pub title: String,
    pub servers: Vec<Server>,
    /// The global `security`, if given.
    pub security: Option<Vec<Requirement>>,
    /// `components.securitySchemes`, in written order.
    pub schemes: Vec<(String, Scheme)>,
    pub operations: Vec<Operation>,
    /// Path items that are only a `$ref`, not followed.
    pub path_refs: Vec<String>,
}

pub(super) struct Server {
    pub url: String,
    /// Variables and their defaults.
    pub defaults: Vec<(String, String)>,
}

/// A Security Requirement Object: scheme name → scopes (or roles), in written order.
pub(super) type Requirement = Vec<(String, Vec<String>)>;

pub(super) struct Scheme {
    /// `type`: `oauth2`, `openIdConnect`, `apiKey`, `http`, `mutualTLS`.
    pub kind: String,
    /// Declared scopes and their descriptions, every flow merged (first description wins).
    pub scopes: Vec<(String, String)>,
}

pub(super) struct Operation {
    pub method: &'static str,
    pub path: String,
    pub operation_id: Option<String>,
    pub summary: Option<String>,
    pub tags: Vec<String>,
    /// `None` when the operation inherits the global requirement.
    pub security: Option<Vec<Requirement>>,
    pub docs: Option<String>,
    /// `x-` keys and their values.
    pub extensions: Vec<(String, serde_json::Value)>,
}

// ---------------------------------------------------------------------------------------------
// The serde model

#[derive(Deserialize)]
struct SpecIn {
    openapi: Option<serde_json::Value>,
    swagger: Option<IgnoredAny>,
    info: Option<InfoIn>,
    #[serde(default)]
    servers: Vec<ServerIn>,
    security: Option<Vec<Entries<String, Vec<String>>>>,
    components: Option<ComponentsIn>,
    paths: Option<Entries<String, PathItemIn>>,
}

#[derive(Deserialize)]
struct InfoIn {
    #[serde(default)]
    title: String,
}

#[derive(Deserialize)]
struct ServerIn {
    url: String,
    variables: Option<Entries<String, VariableIn>>,
}

#[derive(Deserialize)]
struct VariableIn {
    #[serde(default)]
    default: String,
}

#[derive(Deserialize)]
struct ComponentsIn {
    #[serde(rename = "securitySchemes")]
    security_schemes: Option<Entries<String, SchemeIn>>,
}

#[derive(Deserialize)]
struct SchemeIn {
    #[serde(rename = "type", default)]
    kind: String,
    flows: Option<FlowsIn>,
}

#[derive(Deserialize)]
struct FlowsIn {
    implicit: Option<FlowIn>,
    password: Option<FlowIn>,
    #[serde(rename = "clientCredentials")]
    client_credentials: Option<FlowIn>,
    #[serde(rename = "authorizationCode")]
    authorization_code: Option<FlowIn>,
}

#[derive(Deserialize)]
struct FlowIn {
    scopes: Option<Entries<String, Description>>,
}

/// A scope's description: text, or nothing (some specifications write `null`).
struct Description(String);

impl<'de> Deserialize<'de> for Description {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Description(
            Option::<String>::deserialize(d)?.unwrap_or_default(),
        ))
    }
}

/// A path item: its operations by method, or a `$ref`.
struct PathItemIn {
    reference: Option<String>,
    operations: Vec<(&'static str, OperationIn)>,
}

impl<'de> Deserialize<'de> for PathItemIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = PathItemIn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Path Item Object (a mapping of operations)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PathItemIn, A::Error> {
                let mut item = PathItemIn {
                    reference: None,
                    operations: Vec::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    if key == "$ref" {
                        item.reference = Some(map.next_value()?);
                    } else if let Some(method) = METHODS
                        .iter()
                        .find(|m| m.eq_ignore_ascii_case(&key) && key == key.to_lowercase())
                    {
                        if item.operations.iter().any(|(m, _)| m == method) {
                            return Err(de::Error::custom(format!(
                                "the operation `{key}` appears twice"
                            )));
                        }
                        item.operations.push((method, map.next_value()?));
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(item)
            }
        }
        d.deserialize_map(V)
    }
}

struct OperationIn {
    operation_id: Option<String>,
    summary: Option<String>,
    tags: Vec<String>,
    security: Option<Vec<Entries<String, Vec<String>>>>,
    docs: Option<String>,
    extensions: Vec<(String, serde_json::Value)>,
}

#[derive(Deserialize)]
struct ExternalDocsIn {
    url: String,
}

impl<'de> Deserialize<'de> for OperationIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OperationIn;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an Operation Object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OperationIn, A::Error> {
                let mut op = OperationIn {
                    operation_id: None,
                    summary: None,
                    tags: Vec::new(),
                    security: None,
                    docs: None,
                    extensions: Vec::new(),
                };
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "operationId" => op.operation_id = map.next_value()?,
                        "summary" => op.summary = map.next_value()?,
                        "tags" => op.tags = map.next_value()?,
                        "security" => op.security = Some(map.next_value()?),
                        "externalDocs" => {
                            op.docs = Some(map.next_value::<ExternalDocsIn>()?.url);
                        }
                        k if k.starts_with("x-") => {
                            if op.extensions.iter().any(|(name, _)| *name == key) {
                                return Err(de::Error::custom(format!(
                                    "the key {} appears twice in one object",
                                    quoted(&key)
                                )));
                            }
                            let value = map.next_value()?;
                            op.extensions.push((key, value));
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(op)
            }
        }
        d.deserialize_map(V)
    }
}

// ---------------------------------------------------------------------------------------------
// Reading

const SHAPE_HELP: &str = "openapi reads OpenAPI 3.0 and 3.1 documents (JSON or YAML) with \
    `openapi: 3.x`, `info` and `paths`";

/// Whether the text is JSON (its first character opens an object) rather than YAML.
fn is_json(text: &str) -> bool {
    text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n'])
        .starts_with('{')
}

/// Whether a line starts with the top-level key `openapi` or `swagger`: enough likeness to
/// show a YAML syntax error's line.
fn looks_like_openapi(text: &str) -> bool {
    text.split(['\n', '\r']).any(|line| {
        let line = line.trim_start_matches(['{', '\u{feff}']);
        let line = line.trim_start_matches(['"', '\'']);
        ["openapi", "swagger"].iter().any(|k| {
            line.strip_prefix(k)
                .is_some_and(|rest| rest.trim_start_matches(['"', '\'']).starts_with(':'))
        })
    })
}

/// A JSON document's top-level `openapi`/`swagger` keys, read before anything is shown.
#[derive(Deserialize)]
struct Probe {
    openapi: Option<IgnoredAny>,
    swagger: Option<IgnoredAny>,
}

pub(super) fn read(file: &SourceFile) -> Result<Spec, InputError> {
    let doc: SpecIn = if is_json(&file.text) {
        let probe: Probe = serde_json::from_str(&file.text)
            .map_err(|e| json_error(file, &e, false, Some(SHAPE_HELP.into())))?;
        let shown = probe.openapi.is_some() || probe.swagger.is_some();
        serde_json::from_str(&file.text).map_err(|e| {
            json_error(
                file,
                &e,
                shown,
                Some(if shown {
                    "the file is an OpenAPI document; this part of it does not fit the format"
                        .into()
                } else {
                    SHAPE_HELP.into()
                }),
            )
        })?
    } else {
        from_yaml(file)?
    };
    let whole = |message: String| {
        InputError::at_unshown(file, file.span(0, 0), message, Some(SHAPE_HELP.into()))
    };
    if doc.swagger.is_some() && doc.openapi.is_none() {
        return Err(whole(
            "a Swagger 2.0 document: only OpenAPI 3.0 and 3.1 are read (convert it first, e.g. with swagger2openapi)".into(),
        ));
    }
    let version = match &doc.openapi {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(_) => return Err(whole("`openapi` is not a version number".into())),
        None => {
            return Err(whole(
                "not an OpenAPI document: it has no top-level `openapi` version".into(),
            ));
        }
    };
    if !version.starts_with("3.") {
        return Err(whole(format!(
            "OpenAPI {}: only 3.0 and 3.1 are read",
            quoted(&version)
        )));
    }

    let schemes = doc
        .components
        .and_then(|c| c.security_schemes)
        .map(|s| s.0)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, s)| {
            let mut scopes: Vec<(String, String)> = Vec::new();
            if let Some(flows) = s.flows {
                for flow in [
                    flows.implicit,
                    flows.password,
                    flows.client_credentials,
                    flows.authorization_code,
                ]
                .into_iter()
                .flatten()
                {
                    for (scope, description) in flow.scopes.map(|s| s.0).unwrap_or_default() {
                        if !scopes.iter().any(|(s, _)| *s == scope) {
                            scopes.push((scope, description.0));
                        }
                    }
                }
            }
            (
                name,
                Scheme {
                    kind: s.kind,
                    scopes,
                },
            )
        })
        .collect();
    let requirement = |r: Entries<String, Vec<String>>| -> Requirement { r.0 };
    let mut operations = Vec::new();
    let mut path_refs = Vec::new();
    for (path, item) in doc.paths.map(|p| p.0).unwrap_or_default() {
        if let Some(reference) = item.reference
            && item.operations.is_empty()
        {
            path_refs.push(format!("{path} ({reference})"));
        }
        for (method, op) in item.operations {
            operations.push(Operation {
                method,
                path: path.clone(),
                operation_id: op.operation_id,
                summary: op.summary,
                tags: op.tags,
                security: op
                    .security
                    .map(|list| list.into_iter().map(requirement).collect()),
                docs: op.docs,
                extensions: op.extensions,
            });
        }
    }
    Ok(Spec {
        title: doc.info.map(|i| i.title).unwrap_or_default(),
        servers: doc
            .servers
            .into_iter()
            .map(|s| Server {
                url: s.url,
                defaults: s
                    .variables
                    .map(|v| v.0.into_iter().map(|(k, v)| (k, v.default)).collect())
                    .unwrap_or_default(),
            })
            .collect(),
        security: doc
            .security
            .map(|list| list.into_iter().map(requirement).collect()),
        schemes,
        operations,
        path_refs,
    })
}

fn from_yaml(file: &SourceFile) -> Result<SpecIn, InputError> {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = MAX_DEPTH;
    budget.max_nodes = MAX_NODES;
    budget.max_events = MAX_NODES * 4;
    budget.max_aliases = MAX_ALIASES;
    budget.max_anchors = MAX_ALIASES;
    budget.max_total_scalar_bytes = 256 * 1024 * 1024;
    budget.max_documents = 2;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    options.alias_limits.max_total_replayed_events = MAX_REPLAYED;
    options.with_snippet = false;
    serde_saphyr::from_str_with_options(&file.text, options)
        .map_err(|e| yaml_error(file, &e, looks_like_openapi(&file.text)))
}

/// A serde-saphyr error as a located input error; the text is shown only for a file that looks
/// like an OpenAPI document.
fn yaml_error(file: &SourceFile, err: &serde_saphyr::Error, shown: bool) -> InputError {
    use serde_saphyr::MessageFormatter;
    let (message, help) = match err {
        serde_saphyr::Error::Budget { .. } => (
            "the YAML is too large or too complex to be read safely".to_owned(),
            Some(format!(
                "specifications nested deeper than {MAX_DEPTH} levels, with more than {MAX_NODES} nodes or {MAX_ALIASES} aliases, or whose aliases expand too far, are refused"
            )),
        ),
        serde_saphyr::Error::MultipleDocuments { .. } => (
            "a second YAML document starts here; an OpenAPI file holds one".to_owned(),
            None,
        ),
        _ => (
            format!(
                "invalid OpenAPI YAML: {}",
                serde_saphyr::UserMessageFormatter.format_message(err)
            ),
            Some(SHAPE_HELP.to_owned()),
        ),
    };
    let span = crate::yaml::error_span(file, err);
    if shown {
        InputError::at(file, span, message, "here", help)
    } else {
        InputError::at_unshown(file, span, message, help)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(name: &str, text: &str) -> Result<Spec, InputError> {
        read(&SourceFile::new(name, text))
    }

    const MINI: &str = "openapi: 3.0.3\ninfo: {title: Mini, version: '1'}\nservers: [{url: 'https://{host}/v1', variables: {host: {default: api.example.com}}}]\nsecurity: [{oauth: [read]}]\ncomponents:\n  securitySchemes:\n    oauth:\n      type: oauth2\n      flows:\n        implicit: {authorizationUrl: /a, scopes: {read: Read things, write: Write things}}\n        clientCredentials: {tokenUrl: /t, scopes: {admin: null, read: Other}}\npaths:\n  /things/{id}:\n    parameters: []\n    get: {operationId: getThing, tags: [things], x-permission: {operator: OR, permissions: [read]}}\n    delete: {security: [], summary: Delete}\n  /other:\n    $ref: '#/components/pathItems/Other'\n";

    #[test]
    fn yaml_and_json_read_alike() {
        let spec = read_text("a.yaml", MINI).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(spec.title, "Mini");
        assert_eq!(spec.operations.len(), 2);
        assert_eq!(spec.operations[0].method, "GET");
        assert_eq!(spec.operations[0].extensions[0].0, "x-permission");
        assert_eq!(spec.operations[1].security.as_ref().map(Vec::len), Some(0));
        let scopes: Vec<&str> = spec.schemes[0]
            .1
            .scopes
            .iter()
            .map(|(s, _)| s.as_str())
            .collect();
        assert_eq!(scopes, ["read", "write", "admin"]);
        assert_eq!(spec.path_refs.len(), 1);
        assert_eq!(
            spec.servers[0].defaults,
            [("host".to_owned(), "api.example.com".to_owned())]
        );

        let value: serde_json::Value =
            serde_saphyr::from_str(MINI).unwrap_or_else(|e| panic!("{e}"));
        let json = serde_json::to_string_pretty(&value).unwrap_or_default();
        let again = read_text("a.json", &json).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(again.operations.len(), 2);
        assert_eq!(again.schemes[0].1.scopes.len(), 3);
    }

    #[test]
    fn other_documents_are_refused_without_their_text() {
        for (text, expected) in [
            ("swagger: '2.0'\ninfo: {title: x}\n", "Swagger 2.0"),
            ("openapi: 2.0.0\n", "only 3.0 and 3.1"),
            ("{\"a\": 1}", "no top-level `openapi`"),
            ("password: hunter2\n", "no top-level `openapi`"),
        ] {
            let Err(e) = read_text("x", text) else {
                panic!("{text} read");
            };
            assert!(e.to_string().contains(expected), "{text}: {e}");
        }
    }

    #[test]
    fn alias_bombs_and_deep_nesting_fail_fast() {
        let mut bomb = String::from("openapi: 3.0.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let Err(e) = read_text("bomb.yaml", &bomb) else {
            panic!("read");
        };
        assert!(e.to_string().contains("too large or too complex"), "{e}");
        let deep = format!(
            "openapi: 3.0.0\npaths: {}{}\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert!(read_text("deep.yaml", &deep).is_err());
        // Nesting that is read hits serde_json's recursion limit; nesting that is skipped is
        // skipped without recursion.
        let nest = |key: &str| {
            format!(
                "{{\"openapi\": \"3.0.0\", \"paths\": {{\"/a\": {{\"get\": {{\"{key}\": {}{}}}}}}}}}",
                "[".repeat(10_000),
                "]".repeat(10_000)
            )
        };
        assert!(read_text("deep.json", &nest("x-deep")).is_err());
        assert!(read_text("deep.json", &nest("responses")).is_ok());
    }

    #[test]
    fn a_wrong_shape_is_located() {
        let text = MINI.replace("tags: [things]", "tags: {a: b}");
        let Err(e) = read_text("a.yaml", &text) else {
            panic!("read");
        };
        assert_eq!(e.line_column().map(|(l, _)| l), Some(15), "{e}");
    }
}
