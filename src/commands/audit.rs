//! `tokenscope audit`: every manifest found, every rule, one report.
//!
//! Manifests are audited in parallel, in chunks; for the streaming formats (human, JSON,
//! GitHub) each chunk is written as soon as it is done and then dropped, so memory stays flat
//! however many manifests a run covers. Output order is the discovery order, whatever the
//! threads do.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use crate::audit::{AuditOptions, audit};
use crate::baseline::{self, Baseline, BaselineEntry};
use crate::cli::{AuditArgs, GateArgs, ReportFormat};
use crate::config::{self, CliLevels, Config, FailOn, effective_level};
use crate::discover::{Found, discover};
use crate::error::InputError;
use crate::finding::Summary;
use crate::manifest::Manifest;
use crate::render::human::{HumanRenderer, summary_line};
use crate::render::{github, json, junit, markdown, sarif};
use crate::report::{BaselineStatus, Outcome, Run};
use crate::source::display_path;
use crate::table::Table;

use super::{Exit, Output};

/// How many manifests are audited (and held) at a time.
const CHUNK: usize = 512;

/// Below this many manifests, threads cost more than they save.
const PARALLEL_FROM: usize = 16;

/// Runs `audit`, writing the report to `out` and diagnostics about unreadable input to `err`.
pub fn run(
    table: &Table,
    args: &AuditArgs,
    color: bool,
    quiet: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Exit {
    let gate = &args.gate;
    let (exit, entries) = match gate.format {
        ReportFormat::Human | ReportFormat::Json | ReportFormat::Github => {
            stream(table, plan(args), gate, color, quiet, out, err)
        }
        ReportFormat::Sarif | ReportFormat::Junit | ReportFormat::Markdown => {
            let run = run_audit(table, plan(args), gate, err);
            let rendered = render(&run, table, gate.format, color, quiet);
            let _ = err.write_all(rendered.stderr.as_bytes());
            let _ = out.write_all(rendered.stdout.as_bytes());
            let entries = gate
                .write_baseline
                .as_ref()
                .map(|_| {
                    run.findings()
                        .map(|l| BaselineEntry::of(l.finding, l.integration))
                        .collect()
                })
                .unwrap_or_default();
            (exit_of(run.errors().next().is_some(), run.fails()), entries)
        }
    };
    match &gate.write_baseline {
        Some(path) if exit != Exit::InvalidInput => write_baseline(path, entries, err),
        _ => exit,
    }
}

fn exit_of(input_errors: bool, fails: bool) -> Exit {
    if input_errors {
        Exit::InvalidInput
    } else if fails {
        Exit::Findings
    } else {
        Exit::Success
    }
}

fn write_baseline(path: &Path, entries: Vec<BaselineEntry>, err: &mut dyn Write) -> Exit {
    // Only a baseline is ever overwritten: not a manifest named by mistake, not any other file.
    if path.exists()
        && let Err(e) = Baseline::load(path)
    {
        let _ = writeln!(
            err,
            "error: refusing to overwrite {}: it is not a tokenscope baseline ({e})",
            crate::source::display_path(path)
        );
        return Exit::InvalidInput;
    }
    let count = entries.len();
    match crate::atomic::write_atomically(path, &baseline::render(entries)) {
        Ok(()) => {
            let _ = writeln!(
                err,
                "tokenscope: recorded {} in {}",
                crate::audit::plural(count, "finding"),
                crate::source::display_path(path)
            );
            Exit::Success
        }
        Err(cause) => {
            let _ = writeln!(
                err,
                "error: cannot write {}: {cause}",
                crate::source::display_path(path)
            );
            Exit::InvalidInput
        }
    }
}

/// What a run shares between the threads auditing its manifests.
struct Shared<'a> {
    table: &'a Table,
    gate: &'a GateArgs,
    options: AuditOptions,
    levels: CliLevels,
    baseline: Option<Mutex<Baseline>>,
}

/// What a run will audit, decided before any manifest is read: the manifests found, the config
/// each uses (every config loaded once, here), and what could not even start.
struct Plan {
    files: Vec<Found>,
    configs: Vec<Result<Arc<Config>, String>>,
    early: Vec<Outcome>,
    /// Warnings for standard error (symbolic links skipped).
    notes: String,
}

fn plan(args: &AuditArgs) -> Plan {
    let found = discover(&args.paths, args.follow);
    let resolved = config::resolve(&found.files, args.follow);
    let mut notes = found.skipped_notes();
    for link in &resolved.skipped_links {
        notes.push_str(&format!(
            "warning: skipped the config {link}: it is a symbolic link (pass --follow to use it)\n"
        ));
    }
    let early = found
        .errors
        .into_iter()
        .map(|e| Outcome::Failed(vec![e]))
        .chain(resolved.errors.into_iter().map(Outcome::Failed))
        .collect();
    Plan {
        files: found.files,
        configs: resolved.per_file,
        early,
        notes,
    }
}

impl Shared<'_> {
    fn new<'a>(table: &'a Table, gate: &'a GateArgs, outcomes: &mut Vec<Outcome>) -> Shared<'a> {
        let baseline = match &gate.baseline {
            Some(path) => match Baseline::load(path) {
                Ok(b) => Some(Mutex::new(b)),
                Err(e) => {
                    outcomes.push(Outcome::Failed(vec![e]));
                    None
                }
            },
            None => None,
        };
        Shared {
            table,
            gate,
            options: AuditOptions {
                no_ignores: gate.no_ignores,
            },
            levels: CliLevels {
                deny: gate.deny.clone(),
                warn: gate.warn.clone(),
                allow: gate.allow.clone(),
            },
            baseline,
        }
    }

    /// Audits one manifest: rules, suppressions, rule levels, baseline. Returns the outcome and
    /// how many findings the baseline hid.
    fn audit_one(&self, path: &Path, config: &Result<Arc<Config>, String>) -> (Outcome, usize) {
        let config = match config {
            Ok(c) => c,
            Err(broken) => {
                let error = InputError::NotAudited {
                    path: display_path(path),
                    config: broken.clone(),
                };
                return (Outcome::Failed(vec![error]), 0);
            }
        };
        let mut report = match Manifest::load(path, &self.table.api)
            .and_then(|m| audit(self.table, m, self.options))
        {
            Ok(r) => r,
            Err(errors) => return (Outcome::Failed(errors), 0),
        };
        report.findings.retain_mut(|f| {
            match effective_level(f.rule, f.severity, &self.levels, config) {
                Some(severity) => {
                    f.severity = severity;
                    true
                }
                None => false,
            }
        });
        let mut hidden = 0;
        if let Some(Ok(mut baseline)) = self.baseline.as_ref().map(Mutex::lock) {
            let integration = report.manifest.integration.value.clone();
            let before = report.findings.len();
            report
                .findings
                .retain(|f| !baseline.contains(f, &integration));
            hidden = before - report.findings.len();
        }
        let fail_on = self
            .gate
            .fail_on
            .or(config.fail_on)
            .unwrap_or(FailOn::Error);
        (
            Outcome::Report {
                report: Box::new(report),
                fail_on,
            },
            hidden,
        )
    }

    fn baseline_status(self, hidden: usize) -> Option<BaselineStatus> {
        self.baseline
            .and_then(|b| b.into_inner().ok())
            .map(|b| BaselineStatus {
                hidden,
                stale: b.stale().into_iter().cloned().collect(),
            })
    }
}

/// Discovers and audits every manifest under `paths`, keeping every outcome (for the formats
/// that need the whole run, and for `scan`).
fn run_audit(table: &Table, plan: Plan, gate: &GateArgs, err: &mut dyn Write) -> Run {
    let _ = err.write_all(plan.notes.as_bytes());
    let mut outcomes = plan.early;
    let shared = Shared::new(table, gate, &mut outcomes);
    let work: Vec<(&Found, &Result<Arc<Config>, String>)> =
        plan.files.iter().zip(&plan.configs).collect();
    let audited: Vec<(Outcome, usize)> = if work.len() < PARALLEL_FROM {
        work.iter()
            .map(|(f, c)| shared.audit_one(&f.path, c))
            .collect()
    } else {
        work.par_iter()
            .map(|(f, c)| shared.audit_one(&f.path, c))
            .collect()
    };
    let hidden = audited.iter().map(|(_, h)| h).sum();
    outcomes.extend(audited.into_iter().map(|(o, _)| o));
    Run::new(outcomes, shared.baseline_status(hidden))
}

/// One audited manifest, already rendered.
#[derive(Default)]
struct Piece {
    out: String,
    err: String,
    errors: Vec<json::ErrorJson>,
    summary: Summary,
    fails: bool,
    failed: bool,
    hidden: usize,
    entries: Vec<BaselineEntry>,
}

#[derive(Serialize)]
struct JsonHeader<'a> {
    schema_version: u32,
    tool: json::Tool,
    table: json::TableInfo<'a>,
}

#[derive(Serialize)]
struct JsonTrailer<'a> {
    errors: &'a [json::ErrorJson],
    summary: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<json::BaselineJson<'a>>,
}

fn stream(
    table: &Table,
    plan: Plan,
    gate: &GateArgs,
    color: bool,
    quiet: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> (Exit, Vec<BaselineEntry>) {
    let _ = err.write_all(plan.notes.as_bytes());
    let mut early = plan.early;
    let shared = Shared::new(table, gate, &mut early);
    let work: Vec<(&Found, &Result<Arc<Config>, String>)> =
        plan.files.iter().zip(&plan.configs).collect();
    let renderer = HumanRenderer::new(color);
    let format = gate.format;
    let want_entries = gate.write_baseline.is_some();

    let render_piece = |outcome: Outcome, hidden: usize| -> Piece {
        let mut piece = Piece {
            hidden,
            ..Piece::default()
        };
        match &outcome {
            Outcome::Report { report, fail_on } => {
                for f in &report.findings {
                    piece.summary.add(f.severity);
                    piece.fails |= fail_on.fails(f.severity);
                    if want_entries {
                        piece
                            .entries
                            .push(BaselineEntry::of(f, &report.manifest.integration.value));
                    }
                }
                match format {
                    ReportFormat::Human => {
                        for f in &report.findings {
                            renderer.finding(&mut piece.out, f, &report.manifest.file);
                        }
                    }
                    ReportFormat::Json => json::write_indented(
                        &mut piece.out,
                        &json::manifest_json(table, report),
                        "    ",
                    ),
                    _ => piece.out = github::findings(&report.manifest.file, &report.findings),
                }
            }
            Outcome::Failed(errors) => {
                piece.failed = true;
                match format {
                    ReportFormat::Human => {
                        for e in errors {
                            renderer.diagnostic(&mut piece.err, e);
                        }
                    }
                    ReportFormat::Json => {
                        piece.errors = errors.iter().map(json::ErrorJson::from_error).collect()
                    }
                    _ => piece.out = github::errors(errors.iter()),
                }
            }
            Outcome::Code { .. } => {}
        }
        piece
    };

    if format == ReportFormat::Json {
        let header = json::to_string(&JsonHeader {
            schema_version: json::SCHEMA_VERSION,
            tool: json::Tool::current(),
            table: json::TableInfo {
                api: &table.api,
                retrieved: table.retrieved.as_deref(),
            },
        });
        let _ = write!(
            out,
            "{},\n  \"manifests\": [",
            header.trim_end().trim_end_matches('}').trim_end()
        );
    }

    let mut summary = Summary::default();
    let (mut fails, mut input_errors, mut hidden, mut manifests, mut unreadable) =
        (false, false, 0, 0, 0);
    let mut entries = Vec::new();
    let mut error_json = Vec::new();
    let mut first = true;
    let mut emit = |piece: Piece, out: &mut dyn Write, err: &mut dyn Write| {
        summary.errors += piece.summary.errors;
        summary.warnings += piece.summary.warnings;
        summary.notes += piece.summary.notes;
        fails |= piece.fails;
        input_errors |= piece.failed;
        hidden += piece.hidden;
        if piece.failed {
            unreadable += 1;
        } else {
            manifests += 1;
        }
        entries.extend(piece.entries);
        error_json.extend(piece.errors);
        let _ = err.write_all(piece.err.as_bytes());
        if format == ReportFormat::Json {
            if !piece.failed {
                let _ = write!(out, "{}\n{}", if first { "" } else { "," }, piece.out);
                first = false;
            }
        } else {
            let _ = out.write_all(piece.out.as_bytes());
        }
    };
    for outcome in early {
        emit(render_piece(outcome, 0), out, err);
    }
    for chunk in work.chunks(CHUNK) {
        let work = |(found, config): &(&Found, &Result<Arc<Config>, String>)| {
            let (outcome, hidden) = shared.audit_one(&found.path, config);
            render_piece(outcome, hidden)
        };
        // A few manifests are done before a thread pool would have started.
        let pieces: Vec<Piece> = if chunk.len() < PARALLEL_FROM {
            chunk.iter().map(work).collect()
        } else {
            chunk.par_iter().map(work).collect()
        };
        for piece in pieces {
            emit(piece, out, err);
        }
    }
    let status = shared.baseline_status(hidden);
    match format {
        ReportFormat::Json => {
            let trailer = json::to_string(&JsonTrailer {
                errors: &error_json,
                summary,
                baseline: status.as_ref().map(|b| json::BaselineJson {
                    hidden: b.hidden,
                    stale: &b.stale,
                }),
            });
            let closing = if first { "]" } else { "\n  ]" };
            let _ = write!(
                out,
                "{closing},\n{}",
                trailer
                    .trim_start()
                    .trim_start_matches('{')
                    .trim_start_matches('\n')
            );
        }
        ReportFormat::Human => {
            let _ = out.write_all(stale_notes(status.as_ref()).as_bytes());
            if !quiet {
                let mut line = summary_line(&summary, manifests, unreadable);
                if let Some(status) = &status
                    && status.hidden > 0
                {
                    line.push_str(&format!("; {} hidden by the baseline", status.hidden));
                }
                let _ = writeln!(out, "{line}");
            }
        }
        _ => {
            let _ = writeln!(out, "{}", summary_line(&summary, manifests, unreadable));
        }
    }
    (exit_of(input_errors, fails), entries)
}

fn stale_notes(status: Option<&BaselineStatus>) -> String {
    let mut notes = String::new();
    for entry in status.map(|s| s.stale.as_slice()).unwrap_or_default() {
        notes.push_str(&format!(
            "note: baseline entry no longer matches (fixed?): {} in `{}`{}: {}\n",
            entry.rule,
            entry.integration,
            entry
                .token
                .as_ref()
                .map(|t| format!(" token `{t}`"))
                .unwrap_or_default(),
            entry.subject
        ));
    }
    notes
}

/// Renders a whole run in any format (the non-streaming path, also used by `scan`).
pub fn render(run: &Run, table: &Table, format: ReportFormat, color: bool, quiet: bool) -> Output {
    let mut out = Output::default();
    match format {
        ReportFormat::Json => out.stdout = json::audit_document(run, table),
        ReportFormat::Sarif => out.stdout = sarif::render(run),
        ReportFormat::Github => out.stdout = github::render(run),
        ReportFormat::Junit => out.stdout = junit::render(run),
        ReportFormat::Markdown => out.stdout = markdown::render(run),
        ReportFormat::Human => {
            let renderer = HumanRenderer::new(color);
            for outcome in &run.outcomes {
                match outcome {
                    Outcome::Report { report, .. } => {
                        for f in &report.findings {
                            renderer.finding(&mut out.stdout, f, &report.manifest.file);
                        }
                    }
                    Outcome::Code { file, findings, .. } => {
                        for f in findings {
                            renderer.finding(&mut out.stdout, f, file);
                        }
                    }
                    Outcome::Failed(errors) => {
                        for e in errors {
                            renderer.diagnostic(&mut out.stderr, e);
                        }
                    }
                }
            }
            out.stdout.push_str(&stale_notes(run.baseline.as_ref()));
            if !quiet {
                let mut line = summary_line(&run.summary, run.reports().count(), run.unreadable());
                if let Some(status) = &run.baseline
                    && status.hidden > 0
                {
                    line.push_str(&format!("; {} hidden by the baseline", status.hidden));
                }
                out.stdout.push_str(&line);
                out.stdout.push('\n');
            }
        }
    }
    out
}
