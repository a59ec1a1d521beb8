//! `tokenscope audit`: every manifest found, every rule, one report.

use std::path::PathBuf;

use crate::audit::{AuditOptions, ManifestReport, audit};
use crate::cli::{FailOn, ReportFormat};
use crate::discover::discover;
use crate::error::InputError;
use crate::finding::{Severity, Summary};
use crate::manifest::Manifest;
use crate::render::human::{HumanRenderer, summary_line};
use crate::render::json::{self, Document, ErrorJson, TableInfo, Tool};
use crate::table::Table;

use super::{Exit, Output};

/// What auditing one discovered path produced.
pub enum Outcome {
    Report(Box<ManifestReport>),
    Failed(Vec<InputError>),
}

/// The result of auditing every path of a run, in discovery order.
pub struct AuditRun {
    pub outcomes: Vec<Outcome>,
    pub summary: Summary,
}

impl AuditRun {
    pub fn reports(&self) -> impl Iterator<Item = &ManifestReport> {
        self.outcomes.iter().filter_map(|o| match o {
            Outcome::Report(r) => Some(r.as_ref()),
            Outcome::Failed(_) => None,
        })
    }

    pub fn errors(&self) -> impl Iterator<Item = &InputError> {
        self.outcomes.iter().flat_map(|o| match o {
            Outcome::Failed(errs) => errs.as_slice(),
            Outcome::Report(_) => &[],
        })
    }

    pub fn exit(&self, fail_on: FailOn) -> Exit {
        if self.errors().next().is_some() {
            return Exit::InvalidInput;
        }
        let threshold = match fail_on {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        };
        match (self.summary.worst(), threshold) {
            (Some(worst), Some(threshold)) if worst >= threshold => Exit::Findings,
            _ => Exit::Success,
        }
    }
}

/// Discovers and audits every manifest under `paths`. One broken manifest never hides another.
pub fn run_audit(table: &Table, paths: &[PathBuf], options: AuditOptions) -> AuditRun {
    let (files, discovery_errors) = discover(paths);
    let mut outcomes: Vec<Outcome> = discovery_errors
        .into_iter()
        .map(|e| Outcome::Failed(vec![e]))
        .collect();
    for path in files {
        let outcome = Manifest::load(&path, &table.api)
            .and_then(|m| audit(table, m, options))
            .map_or_else(Outcome::Failed, |r| Outcome::Report(Box::new(r)));
        outcomes.push(outcome);
    }
    let mut summary = Summary::default();
    for report in outcomes.iter().filter_map(|o| match o {
        Outcome::Report(r) => Some(r),
        Outcome::Failed(_) => None,
    }) {
        for f in &report.findings {
            summary.add(f.severity);
        }
    }
    AuditRun { outcomes, summary }
}

pub fn render(
    run: &AuditRun,
    table: &Table,
    format: ReportFormat,
    color: bool,
    quiet: bool,
) -> Output {
    let mut out = Output::default();
    match format {
        ReportFormat::Json => {
            let doc = Document {
                schema_version: json::SCHEMA_VERSION,
                tool: Tool::current(),
                table: TableInfo {
                    api: &table.api,
                    retrieved: table.retrieved.as_deref(),
                },
                manifests: run
                    .reports()
                    .map(|r| json::manifest_json(table, r))
                    .collect(),
                errors: run.errors().map(ErrorJson::from_error).collect(),
                summary: run.summary,
            };
            out.stdout = json::to_string(&doc);
        }
        ReportFormat::Human => {
            let renderer = HumanRenderer::new(color);
            for outcome in &run.outcomes {
                match outcome {
                    Outcome::Report(report) => {
                        for f in &report.findings {
                            renderer.finding(&mut out.stdout, f, &report.manifest.file);
                        }
                    }
                    Outcome::Failed(errors) => {
                        for e in errors {
                            renderer.diagnostic(&mut out.stderr, e);
                        }
                    }
                }
            }
            if !quiet {
                let unreadable = run
                    .outcomes
                    .iter()
                    .filter(|o| matches!(o, Outcome::Failed(_)))
                    .count();
                out.stdout.push_str(&summary_line(
                    &run.summary,
                    run.reports().count(),
                    unreadable,
                ));
                out.stdout.push('\n');
            }
        }
    }
    out
}
