//! The result of a gate run (audit, scan): what every renderer consumes.

use crate::audit::ManifestReport;
use crate::baseline::BaselineEntry;
use crate::config::FailOn;
use crate::error::InputError;
use crate::finding::{Finding, Summary};
use crate::source::SourceFile;

/// What checking one input produced.
pub enum Outcome {
    Report {
        report: Box<ManifestReport>,
        /// The threshold that applies to this manifest (flag, else its config, else `error`).
        fail_on: FailOn,
    },
    /// Findings located in a file that is not a manifest (e.g. source code `scan` read).
    Code {
        file: SourceFile,
        integration: String,
        findings: Vec<Finding>,
        fail_on: FailOn,
    },
    Failed(Vec<InputError>),
}

/// A finding with the file it points into and the integration it concerns.
#[derive(Clone, Copy)]
pub struct Located<'a> {
    pub file: &'a SourceFile,
    pub integration: &'a str,
    pub finding: &'a Finding,
}

/// What `verify` found about the live token, beside its findings.
pub struct VerifyHead<'a> {
    pub manifest: &'a str,
    pub token: &'a str,
    /// The API's base URL as shown (no credentials, no query).
    pub base_url: String,
    /// `None` when the API could not be reached to tell.
    pub token_valid: Option<bool>,
    /// The verdicts do not settle the comparison (the run exits 3).
    pub inconclusive: bool,
    pub verdicts: &'a [crate::live::verify::Verdict],
    /// Why none of the declared scopes could be checked, when none could.
    pub unchecked: Option<String>,
    /// Whether findings follow (a blank line separates them from the verdicts).
    pub has_findings: bool,
}

/// What `table drift` found: the docs compared with the table.
pub struct DriftView<'a> {
    /// The docs site as shown.
    pub docs: String,
    /// The table file, or `None` for the built-in table.
    pub table: Option<String>,
    pub read: usize,
    /// Pages that describe an endpoint.
    pub endpoints: usize,
    pub skipped: usize,
    /// API reference links on another origin than the docs', not read.
    pub offsite: usize,
    pub changes: &'a [crate::live::drift::Change],
    /// With `--write`: whether the table file was updated.
    pub written: Option<bool>,
}

/// How a baseline was applied.
#[derive(Debug, Default)]
pub struct BaselineStatus {
    /// Findings hidden because the baseline records them.
    pub hidden: usize,
    /// Baseline entries no finding matched any more (fixed since).
    pub stale: Vec<BaselineEntry>,
}

/// Every outcome of a run, in discovery order, with the counts of what is reported.
pub struct Run {
    pub outcomes: Vec<Outcome>,
    pub summary: Summary,
    pub baseline: Option<BaselineStatus>,
}

impl Run {
    pub fn new(outcomes: Vec<Outcome>, baseline: Option<BaselineStatus>) -> Self {
        let mut run = Run {
            outcomes,
            summary: Summary::default(),
            baseline,
        };
        let mut summary = Summary::default();
        for located in run.findings() {
            summary.add(located.finding.severity);
        }
        run.summary = summary;
        run
    }

    pub fn reports(&self) -> impl Iterator<Item = &ManifestReport> {
        self.outcomes.iter().filter_map(|o| match o {
            Outcome::Report { report, .. } => Some(report.as_ref()),
            _ => None,
        })
    }

    /// Each file with its integration and findings (a manifest even without any), in order.
    pub fn units(&self) -> impl Iterator<Item = (&SourceFile, &str, &[Finding])> {
        self.outcomes.iter().filter_map(|o| match o {
            Outcome::Report { report, .. } => Some((
                &report.manifest.file,
                report.manifest.integration.value.as_str(),
                report.findings.as_slice(),
            )),
            Outcome::Code {
                file,
                integration,
                findings,
                ..
            } => Some((file, integration.as_str(), findings.as_slice())),
            Outcome::Failed(_) => None,
        })
    }

    /// Every reported finding with its file, in report order.
    pub fn findings(&self) -> impl Iterator<Item = Located<'_>> {
        self.units().flat_map(|(file, integration, findings)| {
            findings.iter().map(move |finding| Located {
                file,
                integration,
                finding,
            })
        })
    }

    pub fn errors(&self) -> impl Iterator<Item = &InputError> {
        self.outcomes.iter().flat_map(|o| match o {
            Outcome::Failed(errs) => errs.as_slice(),
            _ => &[],
        })
    }

    pub fn unreadable(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Failed(_)))
            .count()
    }

    /// Whether any reported finding reaches the `fail-on` threshold that applies to it.
    pub fn fails(&self) -> bool {
        self.outcomes.iter().any(|o| match o {
            Outcome::Report { report, fail_on } => {
                report.findings.iter().any(|f| fail_on.fails(f.severity))
            }
            Outcome::Code {
                findings, fail_on, ..
            } => findings.iter().any(|f| fail_on.fails(f.severity)),
            Outcome::Failed(_) => false,
        })
    }
}
