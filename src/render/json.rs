//! The JSON report (SPEC §5): versioned, snake_case, scope lists in table order.
//!
//! Each command's document is defined here, once, as typed parts; the emitter writes it as its
//! parts come (a run of 100,000 manifests is never held whole), each part by serde, placed by a
//! small object writer that knows only commas, keys and indentation.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use crate::audit::{ManifestReport, TokenReport};
use crate::diff::{TokenDiff, TokenStatus};
use crate::error::InputError;
use crate::finding::{Finding, RuleId, Severity};
use crate::live::drift::Kind;
use crate::live::verify::Status;
use crate::manifest::Resolution;
use crate::report::{DriftView, VerifyHead};
use crate::scan::{Confidence, ScanResult};
use crate::source::Span;
use crate::suggest::{ScopeNeed, Split, TokenView};
use crate::table::{Requirement, Risk, Table};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
pub struct BaselineJson<'a> {
    pub hidden: usize,
    pub stale: &'a [crate::baseline::BaselineEntry],
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
    /// The table the manifest was audited against, when it is not the run's (the header's):
    /// a manifest with its own `api:`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<TableInfo<'a>>,
    pub tokens: Vec<TokenJson<'a>>,
    pub findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
pub struct TokenJson<'a> {
    pub name: &'a str,
    /// The token's kind, for tables with kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'a str>,
    /// `null` when the token declares no `scopes:`.
    pub granted_scopes: Option<Vec<String>>,
    /// The least-privileged set.
    pub required_scopes: Vec<String>,
    pub missing_scopes: Vec<String>,
    pub excess_scopes: Vec<String>,
    /// Held above the level needed (as held), for tables with levels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excess_levels: Vec<String>,
    /// `false` when the sets are the best found within the search bound, not proven minimal.
    #[serde(skip_serializing_if = "is_true")]
    pub proven: bool,
    pub endpoints: Vec<EndpointJson<'a>>,
}

fn is_true(b: &bool) -> bool {
    *b
}

/// An endpoint's requirement as alternatives of grant names, when it is more than one all-of
/// set of scopes without levels (Texter's shape, which `scopes` says in full).
fn requires_json(table: &Table, req: &Requirement) -> Option<Vec<Vec<String>>> {
    (table.has_levels() || req.alternatives.len() != 1).then(|| {
        req.alternatives
            .iter()
            .map(|alt| alt.iter().map(|&g| table.grant_name(g)).collect())
            .collect()
    })
}

/// One endpoint reference; `name` and the rest are `null` when it did not resolve.
#[derive(Serialize)]
pub struct EndpointJson<'a> {
    pub reference: &'a str,
    pub name: Option<&'a str>,
    pub method: Option<&'a str>,
    pub path: Option<&'a str>,
    pub area: Option<&'a str>,
    /// Every scope its requirement names.
    pub scopes: Option<Vec<String>>,
    /// Alternatives, any one of which suffices (each needs all its grants).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requires: Option<Vec<Vec<String>>>,
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
    /// The rule's documentation page.
    pub help_url: String,
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
        help_url: crate::audit::rule(f.rule).docs_url(),
    }
}

fn token_json<'a>(table: &'a Table, t: &'a TokenReport) -> TokenJson<'a> {
    let kind = t
        .kind
        .as_deref()
        .and_then(|k| table.token_kind(k))
        .unwrap_or(0);
    TokenJson {
        name: &t.name,
        kind: t.kind.as_deref(),
        granted_scopes: t.granted.as_ref().map(|g| table.grant_names(g)),
        required_scopes: table.grant_names(&t.required),
        missing_scopes: table.grant_names(&t.missing),
        excess_scopes: table.grant_names(&t.excess),
        excess_levels: table.grant_names(&t.excess_levels),
        proven: t.proven,
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
                        scopes: Some(table.scope_names(ep.scopes.iter())),
                        requires: requires_json(table, table.requirement(*id, kind)),
                    }
                }
                _ => EndpointJson {
                    reference,
                    name: None,
                    method: None,
                    path: None,
                    area: None,
                    scopes: None,
                    requires: None,
                },
            })
            .collect(),
    }
}

/// One audited manifest; `run_table` is the table the report's header names.
pub fn manifest_json<'a>(report: &'a ManifestReport, run_table: &Table) -> ManifestJson<'a> {
    ManifestJson {
        path: &report.manifest.file.path,
        integration: &report.manifest.integration.value,
        table: (!std::ptr::eq(report.table, run_table)).then(|| TableInfo {
            api: &report.table.api,
            retrieved: report.table.retrieved.as_deref(),
        }),
        tokens: report
            .tokens
            .iter()
            .map(|t| token_json(report.table, t))
            .collect(),
        findings: report.findings.iter().map(finding_json).collect(),
    }
}

/// Pretty JSON appended to `out` with every line indented by `depth` levels (the nesting level
/// it takes in a document written piece by piece), serialized in place.
pub fn write_indented<T: Serialize>(out: &mut String, value: &T, depth: usize) {
    out.push_str(&indent(depth));
    write_nested(out, value, depth);
}

/// Pretty JSON appended to `out`, its first line where `out` ends and every further line
/// indented by `depth` more levels.
fn write_nested<T: Serialize>(out: &mut String, value: &T, depth: usize) {
    // About what one audited manifest takes, so a report is rarely copied while it grows.
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let formatter = NestedPretty {
        base: depth,
        depth: 0,
        has_value: false,
    };
    let mut serializer = serde_json::Serializer::with_formatter(&mut buf, formatter);
    // serde_json writes UTF-8 (and these plain structs cannot fail to serialize).
    match value
        .serialize(&mut serializer)
        .map_err(|e| e.to_string())
        .and_then(|()| String::from_utf8(buf).map_err(|e| e.to_string()))
    {
        Ok(text) => out.push_str(&text),
        Err(e) => out.push_str(&format!("{{\"error\": {}}}", serde_json::Value::from(e))),
    }
}

/// serde_json's `PrettyFormatter` (two spaces), starting `base` levels deep: a value nested in
/// a document whose outer levels are written by hand comes out as if the whole document had
/// been pretty-printed at once.
struct NestedPretty {
    base: usize,
    depth: usize,
    has_value: bool,
}

impl NestedPretty {
    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.base + self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        bracket: &[u8],
    ) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.newline(w)?;
        }
        w.write_all(bracket)
    }

    fn element<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.newline(w)
    }
}

impl serde_json::ser::Formatter for NestedPretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.element(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.element(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

/// Pretty JSON with a trailing newline.
pub fn to_string<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs cannot fail: no maps with non-string keys, no custom errors.
    let mut text =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

// ---- writing a document as its parts come ---------------------------------------------------

fn indent(depth: usize) -> String {
    "  ".repeat(depth)
}

/// A JSON object written field by field, as pretty JSON at nesting `depth` (0: the document).
pub(super) struct Object {
    depth: usize,
    first: bool,
}

impl Object {
    /// Opens the document's top-level object.
    pub(super) fn open(out: &mut dyn Write) -> io::Result<Object> {
        out.write_all(b"{")?;
        Ok(Object {
            depth: 0,
            first: true,
        })
    }

    fn key(&mut self, out: &mut dyn Write, key: &str) -> io::Result<()> {
        let sep = if self.first { "\n" } else { ",\n" };
        self.first = false;
        let key = serde_json::to_string(key).unwrap_or_default();
        write!(out, "{sep}{}{key}: ", indent(self.depth + 1))
    }

    pub(super) fn field<T: Serialize>(
        &mut self,
        out: &mut dyn Write,
        key: &str,
        value: &T,
    ) -> io::Result<()> {
        self.key(out, key)?;
        let mut text = String::new();
        write_nested(&mut text, value, self.depth + 1);
        out.write_all(text.as_bytes())
    }

    pub(super) fn array(&mut self, out: &mut dyn Write, key: &str) -> io::Result<Array> {
        self.key(out, key)?;
        out.write_all(b"[")?;
        Ok(Array {
            depth: self.depth + 1,
            first: true,
        })
    }

    pub(super) fn close(self, out: &mut dyn Write) -> io::Result<()> {
        if self.first {
            out.write_all(b"}")
        } else {
            write!(out, "\n{}}}", indent(self.depth))
        }
    }
}

/// An array of an [`Object`], its items written as they come.
pub(super) struct Array {
    depth: usize,
    first: bool,
}

impl Array {
    /// Appends one item, rendered for this array's depth, to `items` (comma-separated), so
    /// that items can be rendered apart from writing them.
    pub(super) fn item<T: Serialize>(depth: usize, items: &mut String, value: &T) {
        if !items.is_empty() {
            items.push_str(",\n");
        }
        write_indented(items, value, depth + 1);
    }

    /// Writes items rendered by [`Array::item`].
    pub(super) fn write_items(&mut self, out: &mut dyn Write, items: &str) -> io::Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        out.write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        out.write_all(items.as_bytes())
    }

    /// Opens an object as the next item.
    pub(super) fn object(&mut self, out: &mut dyn Write) -> io::Result<Object> {
        let sep = if self.first { "\n" } else { ",\n" };
        self.first = false;
        write!(out, "{sep}{}{{", indent(self.depth + 1))?;
        Ok(Object {
            depth: self.depth + 1,
            first: true,
        })
    }

    pub(super) fn close(self, out: &mut dyn Write) -> io::Result<()> {
        if self.first {
            out.write_all(b"]")
        } else {
            write!(out, "\n{}]", indent(self.depth))
        }
    }
}

/// Appends one item of a top-level array (depth 1) to `items`.
fn item<T: Serialize>(items: &mut String, value: &T) {
    Array::item(1, items, value);
}

// ---- the documents ----------------------------------------------------------------------------

/// A finding of a command whose findings may point into several files (`scan`).
#[derive(Serialize)]
struct LocatedFindingJson<'a> {
    file: &'a str,
    #[serde(flatten)]
    finding: FindingJson<'a>,
}

#[derive(Serialize)]
struct ScanEndpointJson<'a> {
    name: &'a str,
    method: Option<&'a str>,
    path: Option<&'a str>,
    area: &'a str,
    scopes: Vec<String>,
    occurrences: Vec<OccurrenceJson<'a>>,
}

#[derive(Serialize)]
struct OccurrenceJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    text: &'a str,
    confidence: Confidence,
    prose: bool,
}

#[derive(Serialize)]
struct UnresolvedJson<'a> {
    file: &'a str,
    line: usize,
    column: usize,
    text: &'a str,
    candidates: Vec<&'a str>,
}

fn scan_endpoints<'a>(table: &'a Table, result: &'a ScanResult) -> Vec<ScanEndpointJson<'a>> {
    result
        .endpoints
        .iter()
        .map(|(&id, occ)| {
            let ep = table.endpoint(id);
            ScanEndpointJson {
                name: &ep.name,
                method: ep.method.as_deref(),
                path: ep.path.as_deref(),
                area: &table.area(ep.area).id,
                scopes: table.scope_names(ep.scopes.iter()),
                occurrences: occ
                    .iter()
                    .map(|o| OccurrenceJson {
                        file: &result.files[o.file].path,
                        line: o.line,
                        column: o.column,
                        text: &o.text,
                        confidence: o.confidence,
                        prose: o.prose,
                    })
                    .collect(),
            }
        })
        .collect()
}

fn scan_unresolved<'a>(table: &'a Table, result: &'a ScanResult) -> Vec<UnresolvedJson<'a>> {
    result
        .unresolved
        .iter()
        .map(|u| UnresolvedJson {
            file: &result.files[u.file].path,
            line: u.line,
            column: u.column,
            text: &u.text,
            candidates: u
                .candidates
                .iter()
                .map(|&c| table.endpoint(c).name.as_ref())
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
struct ScopeJson<'a> {
    scope: &'a str,
    status: Status,
    /// `METHOD /path` of the endpoint whose answer decided it.
    probe: Option<String>,
    endpoint: Option<&'a str>,
    http_status: Option<u16>,
    reason: &'a str,
}

fn verify_scopes<'a>(table: &'a Table, head: &'a VerifyHead<'a>) -> Vec<ScopeJson<'a>> {
    head.verdicts
        .iter()
        .map(|v| ScopeJson {
            scope: &table.scope(v.scope).name,
            status: v.status,
            probe: v.probe.map(|id| table.endpoint(id).signature()),
            endpoint: v.probe.map(|id| table.endpoint(id).name.as_ref()),
            http_status: v.http_status,
            reason: &v.reason,
        })
        .collect()
}

// ---- the emitter --------------------------------------------------------------------------------

/// Which document is being written, once `begin` has said.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `{…, manifests: [manifest…], errors, summary, baseline?}`
    Manifests,
    /// `{…, findings: [{file, …}…], errors, summary, baseline?}`
    LocatedFindings,
    /// `{…, findings: [finding…], summary}` (one input: `verify`)
    Findings,
}

/// `--format json`: one versioned document, written as it comes.
pub struct JsonEmitter<'a> {
    table: &'a Table,
    shape: Shape,
    object: Option<Object>,
    array: Option<Array>,
    errors: Vec<ErrorJson>,
}

impl<'a> JsonEmitter<'a> {
    pub fn new(table: &'a Table) -> Self {
        JsonEmitter {
            table,
            shape: Shape::Manifests,
            object: None,
            array: None,
            errors: Vec::new(),
        }
    }
}

impl<'a> super::Emitter<'a> for JsonEmitter<'a> {
    fn begin(&mut self, out: &mut dyn Write, head: &super::Head<'a>) -> io::Result<()> {
        let mut object = Object::open(out)?;
        object.field(out, "schema_version", &SCHEMA_VERSION)?;
        let table = self.table;
        let key = match head {
            super::Head::Audit => {
                object.field(out, "tool", &Tool::current())?;
                object.field(
                    out,
                    "table",
                    &TableInfo {
                        api: &table.api,
                        retrieved: table.retrieved.as_deref(),
                    },
                )?;
                self.shape = Shape::Manifests;
                "manifests"
            }
            super::Head::Scan(result) => {
                object.field(out, "files_scanned", &result.files_scanned)?;
                object.field(out, "endpoints", &scan_endpoints(table, result))?;
                object.field(out, "unresolved", &scan_unresolved(table, result))?;
                self.shape = Shape::LocatedFindings;
                "findings"
            }
            super::Head::Verify(v) => {
                object.field(out, "manifest", &v.manifest)?;
                object.field(out, "token", &v.token)?;
                object.field(out, "base_url", &v.base_url)?;
                object.field(out, "token_valid", &v.token_valid)?;
                object.field(out, "inconclusive", &v.inconclusive)?;
                object.field(out, "scopes", &verify_scopes(table, v))?;
                self.shape = Shape::Findings;
                "findings"
            }
        };
        self.array = Some(object.array(out, key)?);
        self.object = Some(object);
        Ok(())
    }

    fn render(&self, unit: &super::Unit<'_>) -> super::Rendered {
        let mut rendered = super::Rendered::default();
        match (self.shape, unit) {
            (_, super::Unit::Failed(errors)) => {
                rendered.kept = errors
                    .iter()
                    .map(|e| Box::new(ErrorJson::from_error(e)) as Box<dyn std::any::Any + Send>)
                    .collect();
            }
            (Shape::Manifests, super::Unit::Manifest(report)) => {
                item(&mut rendered.out, &manifest_json(report, self.table));
            }
            (Shape::LocatedFindings, unit) => {
                if let Some((file, _, findings)) = unit.findings() {
                    for f in findings {
                        item(
                            &mut rendered.out,
                            &LocatedFindingJson {
                                file: &file.path,
                                finding: finding_json(f),
                            },
                        );
                    }
                }
            }
            (_, unit) => {
                if let Some((_, _, findings)) = unit.findings() {
                    for f in findings {
                        item(&mut rendered.out, &finding_json(f));
                    }
                }
            }
        }
        rendered
    }

    fn write(
        &mut self,
        out: &mut dyn Write,
        _err: &mut dyn Write,
        mut rendered: super::Rendered,
    ) -> io::Result<()> {
        self.errors.extend(rendered.kept::<ErrorJson>());
        match self.array.as_mut() {
            Some(array) => array.write_items(out, &rendered.out),
            None => Ok(()),
        }
    }

    fn finish(&mut self, out: &mut dyn Write, tail: &super::Tail<'_>) -> io::Result<()> {
        let (Some(mut object), Some(array)) = (self.object.take(), self.array.take()) else {
            return Ok(());
        };
        array.close(out)?;
        if self.shape != Shape::Findings {
            object.field(out, "errors", &self.errors)?;
        }
        object.field(out, "summary", &tail.summary)?;
        if let Some(b) = tail.baseline {
            object.field(
                out,
                "baseline",
                &BaselineJson {
                    hidden: b.hidden,
                    stale: &b.stale,
                },
            )?;
        }
        object.close(out)?;
        out.write_all(b"\n")
    }
}

#[derive(Serialize)]
struct DiffJson<'a> {
    schema_version: u32,
    old: &'a str,
    new: &'a str,
    risk_increase: bool,
    tokens: Vec<DiffTokenJson<'a>>,
}

#[derive(Serialize)]
struct DiffTokenJson<'a> {
    name: &'a str,
    status: TokenStatus,
    added_scopes: Vec<AddedScopeJson<'a>>,
    removed_scopes: &'a [String],
    added_endpoints: &'a [String],
    removed_endpoints: &'a [String],
    risk_increase: bool,
}

#[derive(Serialize)]
struct AddedScopeJson<'a> {
    scope: &'a str,
    risk: Option<Risk>,
    needed_by: &'a [String],
    /// The level held before, when the scope's level was raised.
    #[serde(skip_serializing_if = "Option::is_none")]
    raised_from: Option<&'a str>,
}

/// `diff --format json`.
pub fn diff_document(old: &str, new: &str, tokens: &[TokenDiff]) -> String {
    crate::render::json::to_string(&DiffJson {
        schema_version: crate::render::json::SCHEMA_VERSION,
        old,
        new,
        risk_increase: tokens.iter().any(|t| t.risk_increase),
        tokens: tokens
            .iter()
            .map(|t| DiffTokenJson {
                name: &t.name,
                status: t.status,
                added_scopes: t
                    .added_scopes
                    .iter()
                    .map(|s| AddedScopeJson {
                        scope: &s.scope,
                        risk: s.risk,
                        needed_by: &s.needed_by,
                        raised_from: s.raised_from.as_deref(),
                    })
                    .collect(),
                removed_scopes: &t.removed_scopes,
                added_endpoints: &t.added_endpoints,
                removed_endpoints: &t.removed_endpoints,
                risk_increase: t.risk_increase,
            })
            .collect(),
    })
}

#[derive(Serialize)]
struct DriftJson<'a> {
    schema_version: u32,
    docs: String,
    /// The table file, or `null` for the built-in table.
    table: Option<String>,
    pages: Pages,
    changes: Vec<ChangeJson<'a>>,
    /// With `--write`: whether the table file was updated.
    #[serde(skip_serializing_if = "Option::is_none")]
    written: Option<bool>,
}

#[derive(Serialize)]
struct Pages {
    read: usize,
    endpoints: usize,
    skipped: usize,
    /// API reference links on another origin than `--docs-url`'s, not read.
    offsite: usize,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    kind: Kind,
    name: &'a str,
    field: Option<&'static str>,
    table: &'a Value,
    docs: &'a Value,
}

/// `table drift --format json`.
pub fn drift_document(view: &DriftView<'_>) -> String {
    to_string(&DriftJson {
        schema_version: SCHEMA_VERSION,
        docs: view.docs.clone(),
        table: view.table.clone(),
        pages: Pages {
            read: view.read,
            endpoints: view.endpoints,
            skipped: view.skipped,
            offsite: view.offsite,
        },
        changes: view
            .changes
            .iter()
            .map(|c| ChangeJson {
                kind: c.kind,
                name: &c.name,
                field: c.field.map(|f| f.as_str()),
                table: &c.table,
                docs: &c.docs,
            })
            .collect(),
        written: view.written,
    })
}

#[derive(Serialize)]
struct SuggestJson<'a> {
    schema_version: u32,
    manifests: Vec<SuggestManifestJson<'a>>,
}

#[derive(Serialize)]
struct SuggestManifestJson<'a> {
    path: Option<&'a str>,
    integration: Option<&'a str>,
    tokens: Vec<SuggestTokenJson>,
    /// Unknown and ambiguous references, reported as `audit` does; they are left out of the sets.
    findings: Vec<FindingJson<'a>>,
}

#[derive(Serialize)]
struct SuggestTokenJson {
    name: String,
    minimal_scopes: Vec<ScopeNeedJson>,
    add: Vec<String>,
    drop: Vec<String>,
    /// Held above the level needed: `held` to `needed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    lower: Vec<LowerJson>,
    /// Not needed, but kept on purpose (an `excess-scope` suppression covers them).
    kept: Vec<String>,
    /// `false` when the set is the best found within the search bound, not proven minimal.
    #[serde(skip_serializing_if = "is_true")]
    proven: bool,
    /// Endpoints this kind of token cannot call at all.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    uncallable: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    split: Option<Vec<AreaJson>>,
    /// Why splitting would buy nothing (then `split` is empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    split_note: Option<String>,
}

#[derive(Serialize)]
struct LowerJson {
    held: String,
    needed: String,
}

#[derive(Serialize)]
struct ScopeNeedJson {
    scope: String,
    risk: Risk,
    needed_by: Vec<String>,
}

#[derive(Serialize)]
struct AreaJson {
    area: String,
    token: String,
    /// The original token's declared kind, kept by each area token.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    scopes: Vec<String>,
    endpoints: Vec<String>,
    risk: Option<Risk>,
}

fn need_json(table: &Table, need: &ScopeNeed) -> ScopeNeedJson {
    ScopeNeedJson {
        scope: table.grant_name(need.grant),
        risk: table.scope(need.grant.scope).risk_at(need.grant.level),
        needed_by: super::human::names(table, &need.needed_by),
    }
}

fn suggest_token_json(table: &Table, view: &TokenView) -> SuggestTokenJson {
    let s = &view.suggestion;
    let (split, split_note) = match &s.split {
        None => (None, None),
        Some(Split::Pointless(why)) => (Some(Vec::new()), Some(why.clone())),
        Some(Split::Areas(areas)) => (
            Some(
                areas
                    .iter()
                    .map(|a| AreaJson {
                        area: table.area(a.area).id.clone(),
                        token: a.token.clone(),
                        kind: a.kind.clone(),
                        scopes: a.scopes.iter().map(|n| table.grant_name(n.grant)).collect(),
                        endpoints: super::human::names(table, &a.endpoints),
                        risk: a.risk,
                    })
                    .collect(),
            ),
            None,
        ),
    };
    SuggestTokenJson {
        name: s.name.clone(),
        minimal_scopes: s.minimal.iter().map(|n| need_json(table, n)).collect(),
        add: table.grant_names(&s.add),
        drop: table.grant_names(&s.drop),
        lower: s
            .lower
            .iter()
            .map(|(held, needed)| LowerJson {
                held: table.grant_name(*held),
                needed: table.grant_name(*needed),
            })
            .collect(),
        kept: table.grant_names(&s.kept),
        proven: s.proven,
        uncallable: super::human::names(table, &s.uncallable),
        split,
        split_note,
    }
}

/// `suggest --format json`: per manifest (none for an ad hoc run), each token's minimal set,
/// and the references that did not resolve.
pub fn suggest_document(
    table: &Table,
    manifest: Option<(&str, &str)>,
    views: &[TokenView],
    findings: &[Finding],
) -> String {
    to_string(&SuggestJson {
        schema_version: SCHEMA_VERSION,
        manifests: vec![SuggestManifestJson {
            path: manifest.map(|m| m.0),
            integration: manifest.map(|m| m.1),
            tokens: views.iter().map(|v| suggest_token_json(table, v)).collect(),
            findings: findings.iter().map(finding_json).collect(),
        }],
    })
}

#[derive(Serialize)]
struct TableJson<'a> {
    schema_version: u32,
    api: &'a str,
    title: &'a str,
    base_url: Option<&'a str>,
    source: Option<&'a str>,
    retrieved: Option<&'a str>,
    provider: Option<&'a str>,
    token_dialog: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    token_kinds: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    base_urls: &'a [String],
    /// Grants every token holds, as names (`Metadata: read`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    always_granted: Vec<String>,
    scopes: Vec<TableScopeJson<'a>>,
    areas: Vec<TableAreaJson<'a>>,
    endpoints: Vec<TableEndpointJson<'a>>,
}

#[derive(Serialize)]
struct TableScopeJson<'a> {
    name: &'a str,
    id: &'a str,
    area: &'a str,
    risk: Risk,
    summary: &'a str,
    risk_reason: Option<&'a str>,
    aliases: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    levels: &'a [String],
    /// The risk at each level, when the scope has levels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    level_risk: Vec<Risk>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    implies: Vec<String>,
}

#[derive(Serialize)]
struct TableAreaJson<'a> {
    id: &'a str,
    title: &'a str,
    bundle: Vec<String>,
}

#[derive(Serialize)]
struct TableEndpointJson<'a> {
    name: &'a str,
    method: Option<&'a str>,
    path: Option<&'a str>,
    area: &'a str,
    scopes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requires: Option<Vec<Vec<String>>>,
    /// Per token kind, where it differs from `requires`.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    requires_by_kind: std::collections::BTreeMap<&'a str, Vec<Vec<String>>>,
    evidence: crate::table::Evidence,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence_reason: Option<&'a str>,
    source: Option<&'a str>,
}

/// `table --format json`: the table in use.
#[derive(Serialize)]
struct TableListJson<'a> {
    schema_version: u32,
    tables: Vec<TableListEntryJson<'a>>,
}

#[derive(Serialize)]
struct TableListEntryJson<'a> {
    api: &'a str,
    title: &'a str,
    default: bool,
    endpoints: usize,
    scopes: usize,
    areas: usize,
    token_kinds: &'a [String],
    source: Option<&'a str>,
    retrieved: Option<&'a str>,
    /// The file it was built from, in the repository.
    file: &'a str,
}

/// `table list --format json`: the built-in tables, the default first.
pub fn table_list_document(tables: &[(&str, &Table)]) -> String {
    to_string(&TableListJson {
        schema_version: SCHEMA_VERSION,
        tables: tables
            .iter()
            .enumerate()
            .map(|(i, (file, t))| TableListEntryJson {
                api: &t.api,
                title: &t.title,
                default: i == 0,
                endpoints: t.endpoints.len(),
                scopes: t.scopes.len(),
                areas: t.areas.len(),
                token_kinds: &t.token_kinds,
                source: t.source.as_deref(),
                retrieved: t.retrieved.as_deref(),
                file,
            })
            .collect(),
    })
}

pub fn table_document(t: &Table) -> String {
    let doc = TableJson {
        schema_version: SCHEMA_VERSION,
        api: &t.api,
        title: &t.title,
        base_url: t.base_url.as_deref(),
        source: t.source.as_deref(),
        retrieved: t.retrieved.as_deref(),
        provider: t.provider.as_deref(),
        token_dialog: t.token_dialog.as_deref(),
        token_kinds: &t.token_kinds,
        base_urls: &t.base_urls,
        always_granted: t.grant_names(&t.always_granted),
        scopes: t
            .scopes
            .iter()
            .map(|s| TableScopeJson {
                name: &s.name,
                id: &s.id,
                area: &t.area(s.area).id,
                risk: s.risk,
                summary: &s.summary,
                risk_reason: s.risk_reason.as_deref(),
                aliases: &s.aliases,
                levels: &s.levels,
                level_risk: if s.levels.is_empty() {
                    Vec::new()
                } else {
                    s.level_risk.clone()
                },
                implies: s.implies.iter().map(|&g| t.grant_name(g)).collect(),
            })
            .collect(),
        areas: t
            .areas
            .iter()
            .map(|a| TableAreaJson {
                id: &a.id,
                title: &a.title,
                bundle: t.scope_names(&a.bundle),
            })
            .collect(),
        endpoints: t
            .endpoints
            .iter()
            .map(|e| TableEndpointJson {
                name: &e.name,
                method: e.method.as_deref(),
                path: e.path.as_deref(),
                area: &t.area(e.area).id,
                scopes: t.scope_names(e.scopes.iter()),
                requires: requires_json(t, &e.requires),
                requires_by_kind: t
                    .token_kinds
                    .iter()
                    .zip(e.requires_by_kind.iter())
                    .filter_map(|(k, r)| {
                        let alts = r.as_ref()?;
                        Some((
                            k.as_str(),
                            alts.alternatives
                                .iter()
                                .map(|alt| alt.iter().map(|&g| t.grant_name(g)).collect())
                                .collect(),
                        ))
                    })
                    .collect(),
                evidence: e.evidence,
                evidence_reason: e.evidence_reason.as_deref(),
                source: e.source.as_deref(),
            })
            .collect(),
    };
    crate::render::json::to_string(&doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_values_come_out_as_one_pretty_document_would() {
        let value = serde_json::json!({
            "a": [1, {"b": [], "c": {}}, [[2], "x\ny"]],
            "d": {"e": null, "f": [true, false]},
            "g": "h",
        });
        for depth in 0..4 {
            let mut nested = String::new();
            write_indented(&mut nested, &value, depth);
            let pad = "  ".repeat(depth);
            let expected: Vec<String> = serde_json::to_string_pretty(&value)
                .unwrap_or_default()
                .lines()
                .map(|l| format!("{pad}{l}"))
                .collect();
            assert_eq!(nested, expected.join("\n"), "depth {depth}");
        }
    }
}
