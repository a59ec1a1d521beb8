//! Human output: code frames with a label under the exact YAML node (see [`super::frame`]),
//! what each command found as a whole (scan's calls, verify's verdicts), and a summary line.

use std::fmt::Write as _;

use serde_json::Value;
use std::io::{self, Write};

use miette::Diagnostic;

use crate::audit::plural;
use crate::diff::{TokenDiff, TokenStatus};
use crate::error::InputError;
use crate::finding::{Finding, Severity, Summary};
use crate::live::drift::{Change, Kind};
use crate::live::verify::Status;
use crate::render::frame::{FrameRenderer, Label, Level, Place, Report};
use crate::report::{BaselineStatus, DriftView, VerifyHead};
use crate::sanitize::terminal_line;
use crate::scan::{Confidence, ScanResult};
use crate::source::SourceFile;
use crate::suggest::write::yaml_scalar;
use crate::suggest::{Split, TokenView};
use crate::table::{EndpointId, Risk, Table};

use super::{Emitter, Head, Rendered, Style, Tail, Unit};

pub mod explain;

/// Renders findings and input errors as annotated code frames.
pub struct HumanRenderer {
    frames: FrameRenderer,
}

impl HumanRenderer {
    /// `color` picks the coloured or the plain style. Lines are not wrapped (as rustc does not):
    /// wrapping broke URLs in help text and made output depend on a width.
    pub fn new(color: bool) -> Self {
        HumanRenderer {
            frames: FrameRenderer::new(color),
        }
    }

    pub fn finding(&self, out: &mut String, finding: &Finding, file: &SourceFile) {
        let code = format!("{}[{}]", finding.severity, finding.rule);
        let mut labels = Vec::with_capacity(1 + finding.related.len());
        labels.push(Label {
            span: finding.span,
            text: Some(finding.label.as_str()).filter(|l| !l.is_empty()),
            primary: true,
        });
        labels.extend(finding.related.iter().map(|r| Label {
            span: r.span,
            text: Some(r.label.as_str()),
            primary: false,
        }));
        self.frames.render(
            out,
            &Report {
                code: Some(&code),
                level: level(finding.severity),
                message: &finding.message,
                place: Place::Frame { file, labels },
                help: finding.help.as_deref(),
            },
        );
    }

    /// The frames of findings that point into one file.
    pub fn findings(&self, file: &SourceFile, findings: &[Finding]) -> String {
        let mut out = String::new();
        for f in findings {
            self.finding(&mut out, f, file);
        }
        out
    }

    /// Renders an error: an input error with its place in the file, any other diagnostic with
    /// its code, message and help.
    pub fn diagnostic(&self, out: &mut String, diagnostic: &(dyn Diagnostic + 'static)) {
        let message = diagnostic.to_string();
        let help = diagnostic.help().map(|h| h.to_string());
        let (level, word) = match diagnostic.severity() {
            Some(miette::Severity::Warning) => (Level::Warning, "warning"),
            Some(miette::Severity::Advice) => (Level::Advice, "note"),
            _ => (Level::Error, "error"),
        };
        // One header style for every diagnostic: `error[missing-scope]`, `error[input::invalid]`.
        let code = diagnostic.code().map(|c| format!("{word}[{c}]"));
        let error: &(dyn std::error::Error + 'static) = diagnostic;
        let place = match error.downcast_ref::<InputError>() {
            Some(InputError::Located(located)) => match &located.file {
                Some(file) => Place::Frame {
                    file,
                    labels: vec![Label {
                        span: located.span,
                        text: Some(located.label.as_str()),
                        primary: true,
                    }],
                },
                None => Place::Location {
                    path: &located.path,
                    line: located.span.line,
                    column: located.span.column,
                },
            },
            _ => Place::Nowhere,
        };
        self.frames.render(
            out,
            &Report {
                code: code.as_deref(),
                level,
                message: &message,
                place,
                help: help.as_deref(),
            },
        );
    }
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Note => Level::Advice,
    }
}

/// The closing line of an audit.
pub fn summary_line(summary: &Summary, manifests: usize, unreadable: usize) -> String {
    let mut line = format!(
        "tokenscope: {} checked: {}, {}, {}",
        plural(manifests, "manifest"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.notes, "note"),
    );
    if unreadable > 0 {
        line.push_str(&format!(
            "; {} could not be read",
            plural(unreadable, "input")
        ));
    }
    line
}

/// The summary line of any run: each command counts what it checked in its own words.
pub fn run_summary(table: &Table, head: &Head<'_>, tail: &Tail<'_>) -> String {
    let s = &tail.summary;
    let mut line = match head {
        Head::Audit => summary_line(s, tail.checked, tail.unreadable),
        Head::Scan(result) => {
            let mut line = format!(
                "tokenscope: {} called in {} ({} scanned); {} unresolved; {}, {}, {}",
                plural(result.endpoints.len(), "endpoint"),
                plural(result.files.len(), "file"),
                plural(result.files_scanned, "file"),
                result.unresolved.len(),
                plural(s.errors, "error"),
                plural(s.warnings, "warning"),
                plural(s.notes, "note"),
            );
            if tail.unreadable > 0 {
                line.push_str(&format!(
                    "; {} could not be read",
                    plural(tail.unreadable, "input")
                ));
            }
            line
        }
        Head::Verify(v) => {
            let count = |st: Status| v.verdicts.iter().filter(|x| x.status == st).count();
            format!(
                "tokenscope: {} confirmed, {} denied, {} inconclusive, {} unverifiable; {}, {}",
                count(Status::Confirmed),
                count(Status::Denied),
                count(Status::Inconclusive),
                count(Status::Unverifiable),
                plural(s.errors, "error"),
                plural(s.warnings, "warning"),
            )
        }
    };
    let _ = table;
    if let Some(status) = tail.baseline
        && status.hidden > 0
    {
        line.push_str(&format!("; {} hidden by the baseline", status.hidden));
    }
    if tail.below_min > 0 {
        line.push_str(&format!("; {} below --min-severity", tail.below_min));
    }
    line
}

/// Findings worst first, each severity in file order: what needs fixing leads.
pub fn by_severity(findings: &[Finding]) -> Vec<&Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    sorted
}

/// Baseline entries that no longer match anything: fixed since, and worth removing.
pub fn stale_notes(status: Option<&BaselineStatus>) -> String {
    let mut notes = String::new();
    for entry in status.map(|s| s.stale.as_slice()).unwrap_or_default() {
        let _ = writeln!(
            notes,
            "note: baseline entry no longer matches (fixed?): {} in `{}`{}: {}",
            entry.rule,
            terminal_line(&entry.integration),
            entry
                .token
                .as_ref()
                .map(|t| format!(" token `{}`", terminal_line(t)))
                .unwrap_or_default(),
            terminal_line(&entry.subject)
        );
    }
    notes
}

/// `--format human`: frames as units come, what the command found as a whole before them,
/// and the summary line last (unless `--quiet`).
pub struct HumanEmitter<'a> {
    table: &'a Table,
    style: Style,
    renderer: HumanRenderer,
    head: Head<'a>,
}

impl<'a> HumanEmitter<'a> {
    pub fn new(table: &'a Table, style: Style) -> Self {
        HumanEmitter {
            table,
            style,
            renderer: HumanRenderer::new(style.color),
            head: Head::Audit,
        }
    }
}

impl<'a> Emitter<'a> for HumanEmitter<'a> {
    fn begin(&mut self, out: &mut dyn Write, head: &Head<'a>) -> io::Result<()> {
        self.head = *head;
        match head {
            Head::Audit => Ok(()),
            Head::Scan(result) => out.write_all(scan_listing(self.table, result).as_bytes()),
            Head::Verify(v) => out.write_all(verify_verdicts(self.table, v).as_bytes()),
        }
    }

    fn render(&self, unit: &Unit<'_>) -> Rendered {
        let mut rendered = Rendered::default();
        match unit {
            Unit::Failed(errors) => {
                for e in errors.iter() {
                    self.renderer.diagnostic(&mut rendered.err, e);
                }
            }
            unit => {
                if let Some((file, _, findings)) = unit.findings() {
                    // A frame takes about this much: the text is rarely copied while it grows.
                    rendered.out.reserve(findings.len() * 768);
                    for f in by_severity(findings) {
                        self.renderer.finding(&mut rendered.out, f, file);
                    }
                }
            }
        }
        rendered
    }

    fn write(&mut self, out: &mut dyn Write, err: &mut dyn Write, r: Rendered) -> io::Result<()> {
        // Errors first, so a unit's diagnostics come before what follows it.
        err.write_all(r.err.as_bytes())?;
        out.write_all(r.out.as_bytes())
    }

    fn finish(&mut self, out: &mut dyn Write, tail: &Tail<'_>) -> io::Result<()> {
        out.write_all(stale_notes(tail.baseline).as_bytes())?;
        if !self.style.quiet {
            writeln!(out, "{}", run_summary(self.table, &self.head, tail))?;
        }
        if let Head::Verify(v) = self.head
            && let Some(why) = &v.unchecked
        {
            writeln!(out, "tokenscope: INCONCLUSIVE: {why}")?;
        }
        Ok(())
    }
}

fn confidence_word(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

/// Text from source code, cut to one short line.
fn short(text: &str) -> String {
    if text.chars().count() > 90 {
        format!("{}…", text.chars().take(89).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// What an endpoint needs (from the default kind of token), in one phrase: `A + B`, `A or B`,
/// or `no scope`.
pub fn needs(table: &Table, id: EndpointId) -> String {
    requirement_text(table, &table.endpoint(id).requires)
}

/// A requirement in one phrase: alternatives joined by `or`, each `A + B`.
pub fn requirement_text(table: &Table, req: &crate::table::Requirement) -> String {
    if req.is_free() {
        return "no scope".to_owned();
    }
    if req.alternatives.is_empty() {
        return "cannot be called with this kind of token".to_owned();
    }
    req.alternatives
        .iter()
        .map(|alt| {
            alt.iter()
                .map(|&g| table.grant_name(g))
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// What `scan` found: each endpoint called with where, then the calls it could not resolve.
fn scan_listing(table: &Table, result: &ScanResult) -> String {
    let mut out = String::new();
    for (&id, occurrences) in &result.endpoints {
        let ep = table.endpoint(id);
        let needs = needs(table, id);
        let _ = writeln!(
            out,
            "{}  {}  (needs {})",
            terminal_line(&ep.name),
            terminal_line(&ep.signature()),
            terminal_line(&needs)
        );
        for o in occurrences {
            let _ = writeln!(
                out,
                "  {}:{}:{}  {:<6}  {}{}",
                terminal_line(&result.files[o.file].path),
                o.line,
                o.column,
                confidence_word(o.confidence),
                terminal_line(&short(&o.text)),
                if o.prose { "  (prose)" } else { "" }
            );
        }
    }
    for (library, heading) in [
        (
            false,
            "unresolved (several endpoints share the path and no method was found):",
        ),
        (
            true,
            "unresolved (several services share the method's name and the call does not say which):",
        ),
    ] {
        let group: Vec<_> = result
            .unresolved
            .iter()
            .filter(|u| u.library == library)
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{heading}");
        for u in group {
            let names: Vec<String> = u
                .candidates
                .iter()
                .map(|&c| table.endpoint(c).describe())
                .collect();
            let _ = writeln!(
                out,
                "  {}:{}:{}  {}  could be: {}",
                terminal_line(&result.files[u.file].path),
                u.line,
                u.column,
                terminal_line(&short(&u.text)),
                terminal_line(&names.join(", "))
            );
        }
    }
    out
}

/// What `verify` found: the token and API, then one line per scope in aligned columns. Names
/// and reasons come from the table file and the API's answers, so they are escaped.
fn verify_verdicts(table: &Table, v: &VerifyHead<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: token `{}` checked against {}",
        terminal_line(v.manifest),
        terminal_line(v.token),
        v.base_url
    );
    let names: Vec<String> = v
        .verdicts
        .iter()
        .map(|x| terminal_line(&table.scope(x.scope).name).into_owned())
        .collect();
    let width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    for (x, name) in v.verdicts.iter().zip(&names) {
        let _ = writeln!(
            out,
            "  {:<12}  {name:<width$}  {}",
            x.status.as_str(),
            terminal_line(&x.reason)
        );
    }
    if v.has_findings {
        out.push('\n');
    }
    out
}

pub fn risk_word(risk: Option<Risk>) -> &'static str {
    risk.map_or("unknown", Risk::as_str)
}

pub fn status_word(status: TokenStatus) -> &'static str {
    match status {
        TokenStatus::Added => "added",
        TokenStatus::Removed => "removed",
        TokenStatus::Changed => "changed",
    }
}

/// `diff`: per token, the scopes and endpoints added and removed, and whether risk rose.
pub fn diff_report(old: &str, new: &str, tokens: &[TokenDiff]) -> String {
    let mut out = format!("tokenscope diff {old} → {new}\n");
    if tokens.is_empty() {
        out.push_str("no token, scope or endpoint changed\n");
        return out;
    }
    for t in tokens {
        let _ = writeln!(out, "\ntoken `{}` ({})", t.name, status_word(t.status));
        for s in &t.added_scopes {
            let why = if s.needed_by.is_empty() {
                "needed by no endpoint of the token".to_owned()
            } else {
                format!("needed by {}", s.needed_by.join(", "))
            };
            let raised = s
                .raised_from
                .as_ref()
                .map(|from| format!(" (raised from {from})"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  + scope     {}{raised}  [{} risk]  {why}",
                s.scope,
                risk_word(s.risk)
            );
        }
        for s in &t.removed_scopes {
            let _ = writeln!(out, "  - scope     {s}");
        }
        for e in &t.added_endpoints {
            let _ = writeln!(out, "  + endpoint  {e}");
        }
        for e in &t.removed_endpoints {
            let _ = writeln!(out, "  - endpoint  {e}");
        }
        if t.risk_increase {
            let high: Vec<&str> = t
                .added_scopes
                .iter()
                .filter(|s| s.risk == Some(Risk::High) && s.raised_from.is_none())
                .map(|s| s.scope.as_str())
                .collect();
            let raised: Vec<&str> = t
                .added_scopes
                .iter()
                .filter(|s| s.raised_from.is_some())
                .map(|s| s.scope.as_str())
                .collect();
            let mut why = Vec::new();
            if !high.is_empty() {
                why.push(format!("newly holds high-risk {}", high.join(", ")));
            }
            if !raised.is_empty() {
                why.push(format!("raised to {}", raised.join(", ")));
            }
            let _ = writeln!(out, "  risk rose: {}", why.join("; "));
        }
    }
    let risen = tokens.iter().filter(|t| t.risk_increase).count();
    let _ = writeln!(
        out,
        "\n{} changed; {}",
        crate::audit::plural(tokens.len(), "token"),
        if risen > 0 {
            format!("risk rose for {}", crate::audit::plural(risen, "token"))
        } else {
            "no risk increase".to_owned()
        }
    );
    out
}

/// `; 2 links to another origin not read` (`-v` lists them), or nothing.
fn offsite_note(count: usize) -> String {
    match count {
        0 => String::new(),
        1 => "; 1 link to another origin not read".into(),
        n => format!("; {n} links to another origin not read"),
    }
}

/// `changed  Search Chats: scopes: List all chats → List all chats, View all chats`.
fn change_line(c: &Change) -> String {
    let detail = match (c.kind, c.field) {
        (Kind::Changed, Some(field)) => format!(
            "{}: {} → {}",
            field.as_str(),
            value_text(&c.table),
            value_text(&c.docs)
        ),
        (Kind::Added, _) => format!("in the docs, not in the table: {}", endpoint_text(&c.docs)),
        (Kind::Removed, _) => format!(
            "in the table, no page in the docs: {}",
            endpoint_text(&c.table)
        ),
        (Kind::Changed, None) => String::new(),
    };
    format!(
        "{:<8} {}: {detail}",
        c.kind.as_str(),
        terminal_line(&c.name)
    )
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => terminal_line(s).into_owned(),
        Value::Array(items) if items.is_empty() => "(no scopes)".into(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join(", "),
        other => terminal_line(&other.to_string()).into_owned(),
    }
}

fn endpoint_text(v: &Value) -> String {
    let sig = match (v["method"].as_str(), v["path"].as_str()) {
        (Some(m), Some(p)) => format!("{} {}", terminal_line(m), terminal_line(p)),
        _ => "method and path not published".into(),
    };
    let scopes = match &v["scopes"] {
        Value::Null => "scopes not listed".to_owned(),
        s => format!("needs {}", value_text(s)),
    };
    format!("{sig}; {scopes}")
}

/// `table drift`: one line per change, then the summary (unless quiet).
pub fn drift_report(view: &DriftView<'_>, quiet: bool) -> String {
    let mut out = String::new();
    for c in view.changes {
        let _ = writeln!(out, "{}", change_line(c));
    }
    if !quiet {
        let what = if view.changes.is_empty() {
            "no drift".to_owned()
        } else {
            plural(view.changes.len(), "change")
        };
        let table = view.table.as_deref().map_or_else(
            || "the built-in table".to_owned(),
            |p| terminal_line(p).into_owned(),
        );
        let _ = writeln!(
            out,
            "tokenscope: {what} between {table} and {} ({} read, {} describing an endpoint{})",
            view.docs,
            plural(view.read, "page"),
            view.endpoints,
            offsite_note(view.offsite)
        );
    }
    out
}

/// Endpoint names, in the given order.
pub fn names(table: &Table, ids: &[EndpointId]) -> Vec<String> {
    ids.iter()
        .map(|&id| table.endpoint(id).name.to_string())
        .collect()
}

/// The widest grant name of a minimal set, in characters.
fn grant_width(table: &Table, s: &crate::suggest::TokenSuggestion) -> usize {
    s.minimal
        .iter()
        .map(|n| table.grant_name(n.grant).chars().count())
        .max()
        .unwrap_or(0)
}

/// A minimal set's rows (grant, risk, the endpoints that need it), then, when the search hit
/// its bound, a line saying the set is not proven minimal.
fn grant_rows(
    out: &mut String,
    table: &Table,
    s: &crate::suggest::TokenSuggestion,
    width: usize,
    (row, needed_by): (&str, &str),
) {
    for need in &s.minimal {
        let scope = table.scope(need.grant.scope);
        let _ = writeln!(
            out,
            "{row}{:width$}  {:<6}  {needed_by}{}",
            table.grant_name(need.grant),
            scope.risk_at(need.grant.level).as_str(),
            names(table, &need.needed_by).join(", ")
        );
    }
    if !s.proven {
        let _ = writeln!(
            out,
            "  (the best set found within the search bound; not proven minimal)"
        );
    }
}

/// `suggest`: one token's minimal set, what to add and drop, and its split.
pub fn suggest_token(out: &mut String, table: &Table, view: &TokenView) {
    let s = &view.suggestion;
    if s.minimal.is_empty() {
        let _ = writeln!(out, "token `{}`: needs no scope", s.name);
    } else {
        let _ = writeln!(
            out,
            "token `{}`: minimal set of {}",
            s.name,
            plural(s.minimal.len(), "scope")
        );
    }
    if !s.minimal.is_empty() {
        let width = grant_width(table, s).max("scope".len());
        let _ = writeln!(out, "  {:width$}  {:<6}  needed by", "scope", "risk");
        grant_rows(out, table, s, width, ("  ", ""));
    }
    if s.declares_scopes {
        if s.add.is_empty() && s.drop.is_empty() && s.lower.is_empty() {
            let _ = writeln!(out, "  the token's scopes are already minimal");
        }
        if !s.add.is_empty() {
            let _ = writeln!(out, "  add:  {}", table.grant_names(&s.add).join(", "));
        }
        if !s.drop.is_empty() {
            let _ = writeln!(out, "  drop: {}", table.grant_names(&s.drop).join(", "));
        }
        if !s.lower.is_empty() {
            let lowered: Vec<String> = s
                .lower
                .iter()
                .map(|(from, to)| {
                    format!("{} to {}", table.grant_name(*from), table.grant_name(*to))
                })
                .collect();
            let _ = writeln!(out, "  lower: {}", lowered.join(", "));
        }
        if !s.kept.is_empty() {
            let _ = writeln!(
                out,
                "  keep: {} (not needed, but an `excess-scope` suppression keeps it)",
                table.grant_names(&s.kept).join(", ")
            );
        }
    } else {
        let _ = writeln!(
            out,
            "  the token declares no `scopes:`; `suggest --write` adds them"
        );
    }
    if s.unresolved > 0 {
        let _ = writeln!(
            out,
            "  incomplete: {} did not resolve (see above)",
            plural(s.unresolved, "endpoint reference")
        );
    }
    if !s.uncallable.is_empty() {
        let _ = writeln!(
            out,
            "  no scope helps: this kind of token cannot call {}",
            names(table, &s.uncallable).join(", ")
        );
    }
    human_split(out, table, view);
    out.push('\n');
}

fn human_split(out: &mut String, table: &Table, view: &TokenView) {
    match &view.suggestion.split {
        None => {}
        Some(Split::Pointless(why)) => {
            let _ = writeln!(out, "  split by area: not worth it: {why}");
        }
        Some(Split::Areas(areas)) => {
            let _ = writeln!(
                out,
                "  split by area into {} (paste under `tokens:`):\n",
                plural(areas.len(), "token")
            );
            for area in areas {
                let risk = area.risk.map_or("none", Risk::as_str);
                let _ = writeln!(
                    out,
                    "    {}:   # {}, risk: {risk}",
                    yaml_scalar(&area.token, false),
                    table.area(area.area).title
                );
                if let Some(kind) = &area.kind {
                    let _ = writeln!(out, "      kind: {}", yaml_scalar(kind, false));
                }
                if area.scopes.is_empty() {
                    let _ = writeln!(out, "      scopes: []");
                } else {
                    let _ = writeln!(out, "      scopes:");
                    for need in &area.scopes {
                        let _ = writeln!(
                            out,
                            "        - {}",
                            yaml_scalar(&table.grant_ref(need.grant), false)
                        );
                    }
                }
                let _ = writeln!(out, "      endpoints:");
                for id in area.endpoints.iter() {
                    let shown = view
                        .shown
                        .iter()
                        .find(|(e, _)| e == id)
                        .map_or_else(|| table.endpoint(*id).name.to_string(), |(_, s)| s.clone());
                    let _ = writeln!(out, "        - {}", yaml_scalar(&shown, false));
                }
            }
        }
    }
}

/// `suggest` for a manifest: its reference findings, then every token's suggestion.
pub fn suggest_report(
    renderer: &HumanRenderer,
    table: &Table,
    file: &SourceFile,
    integration: &str,
    views: &[TokenView],
    findings: &[Finding],
) -> String {
    let mut out = renderer.findings(file, findings);
    let _ = writeln!(
        out,
        "{} (integration `{}`)\n",
        terminal_line(&file.path),
        terminal_line(integration)
    );
    for view in views {
        suggest_token(&mut out, table, view);
    }
    out
}

/// `suggest --endpoint`: the scopes to tick for a new token.
pub fn suggest_ad_hoc(table: &Table, view: &TokenView) -> String {
    let mut out = String::new();
    let s = &view.suggestion;
    if s.minimal.is_empty() {
        out.push_str("These endpoints work with any valid token: the token needs no scope.\n");
    } else {
        let what = if s.minimal.len() == 1 {
            "this scope".to_owned()
        } else {
            format!("these {} scopes", s.minimal.len())
        };
        let _ = writeln!(out, "Tick {what} in {}:\n", table.token_dialog_phrase());
        let width = grant_width(table, s);
        grant_rows(&mut out, table, s, width, ("  [ ] ", "for "));
    }
    if s.split.is_some() {
        out.push('\n');
    }
    human_split(&mut out, table, view);
    out
}

/// `table check`: what the valid table holds.
/// `table list`: one row per built-in table (the first is the default), then where each came
/// from.
pub fn table_list(tables: &[(&str, &Table)]) -> String {
    let header = [
        "API",
        "TITLE",
        "ENDPOINTS",
        "SCOPES",
        "TOKEN KINDS",
        "RETRIEVED",
    ];
    let rows: Vec<[String; 6]> = tables
        .iter()
        .map(|(_, t)| {
            [
                terminal_line(&t.api).into_owned(),
                terminal_line(&t.title).into_owned(),
                t.endpoints.len().to_string(),
                t.scopes.len().to_string(),
                if t.token_kinds.is_empty() {
                    "-".to_owned()
                } else {
                    terminal_line(&t.token_kinds.join(", ")).into_owned()
                },
                t.retrieved
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), |r| terminal_line(r).into_owned()),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // Counts right-aligned, text left-aligned; no padding after the last column.
            let pad = " ".repeat(w - cell.chars().count());
            match i {
                2 | 3 => text.push_str(&format!("{pad}{cell}  ")),
                5 => text.push_str(cell),
                _ => text.push_str(&format!("{cell}{pad}  ")),
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        line(&row.each_ref().map(String::as_str));
    }
    out.push('\n');
    for (file, t) in tables {
        out.push_str(&format!(
            "{}: {} (built from {})\n",
            terminal_line(&t.api),
            t.source
                .as_deref()
                .map_or_else(|| "no source given".into(), terminal_line),
            terminal_line(file),
        ));
    }
    out.push_str(&format!(
        "\nA manifest chooses with `api: <API>` (default: {}); a run with `--api <API>`.\n",
        tables.first().map_or("texter", |(_, t)| t.api.as_str())
    ));
    out
}

pub fn table_checked(t: &Table) -> String {
    format!(
        "{}: valid `{}` table: {}, {}, {}\n",
        terminal_line(&t.file.path),
        terminal_line(&t.api),
        plural(t.scopes.len(), "scope"),
        plural(t.areas.len(), "area"),
        plural(t.endpoints.len(), "endpoint")
    )
}
