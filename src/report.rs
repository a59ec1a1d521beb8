//! The result of a gate run (audit, later scan and verify): what every renderer consumes.

use crate::audit::ManifestReport;
use crate::baseline::BaselineEntry;
use crate::config::FailOn;
use crate::error::InputError;
use crate::finding::{Finding, Summary};

/// What checking one discovered path produced.
pub enum Outcome {
    Report {
        report: Box<ManifestReport>,
        /// The threshold that applies to this manifest (flag, else its config, else `error`).
        fail_on: FailOn,
    },
    Failed(Vec<InputError>),
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
        let mut summary = Summary::default();
        for (_, f) in outcomes
            .iter()
            .filter_map(reports)
            .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
        {
            summary.add(f.severity);
        }
        Run {
            outcomes,
            summary,
            baseline,
        }
    }

    pub fn reports(&self) -> impl Iterator<Item = &ManifestReport> {
        self.outcomes.iter().filter_map(reports)
    }

    /// Every reported finding with its manifest, in report order.
    pub fn findings(&self) -> impl Iterator<Item = (&ManifestReport, &Finding)> {
        self.reports()
            .flat_map(|r| r.findings.iter().map(move |f| (r, f)))
    }

    pub fn errors(&self) -> impl Iterator<Item = &InputError> {
        self.outcomes.iter().flat_map(|o| match o {
            Outcome::Failed(errs) => errs.as_slice(),
            Outcome::Report { .. } => &[],
        })
    }

    pub fn unreadable(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Failed(_)))
            .count()
    }

    /// Whether any reported finding reaches its manifest's `fail-on` threshold.
    pub fn fails(&self) -> bool {
        self.outcomes.iter().any(|o| match o {
            Outcome::Report { report, fail_on } => {
                report.findings.iter().any(|f| fail_on.fails(f.severity))
            }
            Outcome::Failed(_) => false,
        })
    }
}

fn reports(o: &Outcome) -> Option<&ManifestReport> {
    match o {
        Outcome::Report { report, .. } => Some(report),
        Outcome::Failed(_) => None,
    }
}
