//! The JSON report (SPEC §5): versioned, snake_case, scope lists in table order.

use serde::Serialize;

use crate::audit::{ManifestReport, TokenReport};
use crate::error::InputError;
use crate::finding::{Finding, RuleId, Severity, Summary};
use crate::manifest::Resolution;
use crate::source::Span;
use crate::table::Table;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct Document<'a> {
    pub schema_version: u32,
    pub tool: Tool,
    pub table: TableInfo<'a>,
    pub manifests: Vec<ManifestJson<'a>>,
    /// Files that could not be read or parsed (they make the run exit 2).
    pub errors: Vec<ErrorJson>,
    pub summary: Summary,
    /// Present with `--baseline`: how many findings it hid, and its entries that no longer match.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineJson<'a>>,
}

#[derive(Serialize)]
pub struct BaselineJson<'a> {
    pub hidden: usize,
    pub stale: &'a [crate::baseline::BaselineEntry],
}

/// The `audit --format json` document.
pub fn audit_document(run: &crate::report::Run, table: &Table) -> String {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool::current(),
        table: TableInfo {
            api: &table.api,
            retrieved: table.retrieved.as_deref(),
        },
        manifests: run.reports().map(|r| manifest_json(table, r)).collect(),
        errors: run.errors().map(ErrorJson::from_error).collect(),
        summary: run.summary,
        baseline: run.baseline.as_ref().map(|b| BaselineJson {
            hidden: b.hidden,
            stale: &b.stale,
        }),
    };
    to_string(&doc)
}

#[derive(Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

impl Tool {
    pub fn current() -> Self {
        Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Serialize)]
pub struct TableInfo<'a> {
    pub api: &'a str,
    pub retrieved: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ManifestJson<'a> {
    pub path: &'a str,
    pub integration: &'a str,
    pub tokens: Vec<TokenJson<'a>>,
    pub findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
pub struct TokenJson<'a> {
    pub name: &'a str,
    /// `null` when the token declares no `scopes:`.
    pub granted_scopes: Option<Vec<String>>,
    pub required_scopes: Vec<String>,
    pub missing_scopes: Vec<String>,
    pub excess_scopes: Vec<String>,
    pub endpoints: Vec<EndpointJson<'a>>,
}

/// One endpoint reference; `name` and the rest are `null` when it did not resolve.
#[derive(Serialize)]
pub struct EndpointJson<'a> {
    pub reference: &'a str,
    pub name: Option<&'a str>,
    pub method: Option<&'a str>,
    pub path: Option<&'a str>,
    pub area: Option<&'a str>,
    pub scopes: Option<Vec<String>>,
}

#[derive(Serialize)]
pub struct FindingJson<'a> {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: &'a str,
    pub token: Option<&'a str>,
    pub scope: Option<&'a str>,
    pub endpoint: Option<&'a str>,
    pub span: Span,
    pub help: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ErrorJson {
    pub path: Option<String>,
    pub message: String,
    pub span: Option<Span>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub help: Option<String>,
}

impl ErrorJson {
    pub fn from_error(err: &InputError) -> Self {
        let (line, column) = err.line_column().unzip();
        ErrorJson {
            path: err.path().map(str::to_owned),
            message: err.to_string(),
            span: err.span(),
            line,
            column,
            help: err.help_text(),
        }
    }
}

pub fn finding_json(f: &Finding) -> FindingJson<'_> {
    FindingJson {
        rule: f.rule,
        severity: f.severity,
        message: &f.message,
        token: f.token.as_deref(),
        scope: f.scope.as_deref(),
        endpoint: f.endpoint.as_deref(),
        span: f.span,
        help: f.help.as_deref(),
    }
}

fn token_json<'a>(table: &'a Table, t: &'a TokenReport) -> TokenJson<'a> {
    TokenJson {
        name: &t.name,
        granted_scopes: t.granted.as_ref().map(|g| table.scope_names(g)),
        required_scopes: table.scope_names(&t.required),
        missing_scopes: table.scope_names(&t.missing),
        excess_scopes: table.scope_names(&t.excess),
        endpoints: t
            .endpoints
            .iter()
            .map(|(reference, resolution)| match resolution {
                Resolution::Endpoint(id) => {
                    let ep = table.endpoint(*id);
                    EndpointJson {
                        reference,
                        name: Some(&ep.name),
                        method: ep.method.as_deref(),
                        path: ep.path.as_deref(),
                        area: Some(&table.area(ep.area).id),
                        scopes: Some(table.scope_names(&ep.scopes)),
                    }
                }
                _ => EndpointJson {
                    reference,
                    name: None,
                    method: None,
                    path: None,
                    area: None,
                    scopes: None,
                },
            })
            .collect(),
    }
}

pub fn manifest_json<'a>(table: &'a Table, report: &'a ManifestReport) -> ManifestJson<'a> {
    ManifestJson {
        path: &report.manifest.file.path,
        integration: &report.manifest.integration.value,
        tokens: report.tokens.iter().map(|t| token_json(table, t)).collect(),
        findings: report.findings.iter().map(finding_json).collect(),
    }
}

/// Pretty JSON with a trailing newline.
/// Pretty JSON appended to `out` with every line indented by `indent` (the nesting level it
/// takes in a document written piece by piece), without building it twice.
pub fn write_indented<T: Serialize>(out: &mut String, value: &T, indent: &str) {
    struct Indented<'a> {
        out: &'a mut String,
        indent: &'a str,
    }
    impl std::io::Write for Indented<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            // serde_json writes whole UTF-8 tokens, and JSON strings hold no raw line breaks.
            let text = std::str::from_utf8(buf).map_err(std::io::Error::other)?;
            for (i, part) in text.split('\n').enumerate() {
                if i > 0 {
                    self.out.push('\n');
                    self.out.push_str(self.indent);
                }
                self.out.push_str(part);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    out.push_str(indent);
    let mut writer = Indented { out, indent };
    if let Err(e) = serde_json::to_writer_pretty(&mut writer, value) {
        writer.out.push_str(&format!("{{\"error\": \"{e}\"}}"));
    }
}

pub fn to_string<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs cannot fail: no maps with non-string keys, no custom errors.
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}
