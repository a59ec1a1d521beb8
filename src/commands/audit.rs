//! `tokenscope audit`: every manifest found, every rule, one report.

use std::path::PathBuf;

use crate::audit::{AuditOptions, audit};
use crate::baseline::{self, Baseline, BaselineEntry};
use crate::cli::{AuditArgs, GateArgs, ReportFormat};
use crate::config::{CliLevels, ConfigFinder, FailOn, effective_level};
use crate::discover::discover;
use crate::manifest::Manifest;
use crate::render::human::{HumanRenderer, summary_line};
use crate::render::{github, json, junit, markdown, sarif};
use crate::report::{BaselineStatus, Outcome, Run};
use crate::table::Table;

use super::{Exit, Output};

pub fn run(table: &Table, args: &AuditArgs, color: bool, quiet: bool) -> (Output, Exit) {
    let gate = &args.gate;
    let run = run_audit(table, &args.paths, gate);
    let mut out = render(&run, table, gate.format, color, quiet);
    let mut exit = if run.errors().next().is_some() {
        Exit::InvalidInput
    } else if run.fails() {
        Exit::Findings
    } else {
        Exit::Success
    };
    if let Some(path) = &gate.write_baseline
        && exit != Exit::InvalidInput
    {
        let entries: Vec<BaselineEntry> = run
            .findings()
            .map(|l| BaselineEntry::of(l.finding, l.integration))
            .collect();
        let count = entries.len();
        match crate::atomic::write_atomically(path, &baseline::render(entries)) {
            Ok(()) => {
                out.stderr.push_str(&format!(
                    "tokenscope: recorded {} in {}\n",
                    crate::audit::plural(count, "finding"),
                    crate::source::display_path(path)
                ));
                exit = Exit::Success;
            }
            Err(cause) => {
                out.stderr.push_str(&format!(
                    "error: cannot write {}: {cause}\n",
                    crate::source::display_path(path)
                ));
                exit = Exit::InvalidInput;
            }
        }
    }
    (out, exit)
}

/// Discovers and audits every manifest under `paths`; one broken manifest never hides another.
pub fn run_audit(table: &Table, paths: &[PathBuf], gate: &GateArgs) -> Run {
    let options = AuditOptions {
        no_ignores: gate.no_ignores,
    };
    let levels = CliLevels {
        deny: gate.deny.clone(),
        warn: gate.warn.clone(),
        allow: gate.allow.clone(),
    };
    let (files, discovery_errors) = discover(paths);
    let mut outcomes: Vec<Outcome> = discovery_errors
        .into_iter()
        .map(|e| Outcome::Failed(vec![e]))
        .collect();
    let mut baseline = match &gate.baseline {
        Some(path) => match Baseline::load(path) {
            Ok(b) => Some(b),
            Err(e) => {
                outcomes.push(Outcome::Failed(vec![e]));
                None
            }
        },
        None => None,
    };
    let mut hidden = 0;
    let mut configs = ConfigFinder::default();
    for path in files {
        let config = match configs.for_manifest(&path) {
            Ok(c) => c,
            Err(errors) => {
                outcomes.push(Outcome::Failed(errors));
                continue;
            }
        };
        let report = Manifest::load(&path, &table.api).and_then(|m| audit(table, m, options));
        let mut report = match report {
            Ok(r) => r,
            Err(errors) => {
                outcomes.push(Outcome::Failed(errors));
                continue;
            }
        };
        report.findings.retain_mut(|f| {
            match effective_level(f.rule, f.severity, &levels, &config) {
                Some(severity) => {
                    f.severity = severity;
                    true
                }
                None => false,
            }
        });
        if let Some(baseline) = baseline.as_mut() {
            let integration = report.manifest.integration.value.clone();
            let before = report.findings.len();
            report
                .findings
                .retain(|f| !baseline.contains(f, &integration));
            hidden += before - report.findings.len();
        }
        let fail_on = gate.fail_on.or(config.fail_on).unwrap_or(FailOn::Error);
        outcomes.push(Outcome::Report {
            report: Box::new(report),
            fail_on,
        });
    }
    let status = baseline.map(|b| BaselineStatus {
        hidden,
        stale: b.stale().into_iter().cloned().collect(),
    });
    Run::new(outcomes, status)
}

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
            if let Some(status) = &run.baseline {
                for entry in &status.stale {
                    out.stdout.push_str(&format!(
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
            }
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
