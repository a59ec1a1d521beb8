//! Renderers: the same report, shaped for people, machines, CI systems and reviews.
//!
//! There is one emitter per output format, and every command that reports findings drives it
//! through the same steps: [`Emitter::begin`] with what the command found as a whole (the
//! [`Head`]), one [`Unit`] per input checked — a manifest, a source file, a live probe run — or
//! per input that could not be read, and [`Emitter::finish`] with the totals. A unit is
//! rendered on its own (in parallel, for many manifests) and written in input order; emitters
//! that can stream write it at once, the others keep what their format needs at the end.

use std::io::{self, Write};

use crate::audit::ManifestReport;
use crate::error::InputError;
use crate::finding::{Finding, Summary};
use crate::report::BaselineStatus;
use crate::source::SourceFile;
use crate::table::Table;

pub mod frame;
pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod spill;

/// The formats of a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Annotated code frames for people.
    Human,
    /// A versioned JSON document for machines.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request).
    Github,
    /// JUnit XML, for CI test reports (GitLab, Jenkins, ...).
    Junit,
    /// A Markdown summary for pull request comments.
    Markdown,
}

/// What a command found as a whole, beside its units.
#[derive(Clone, Copy)]
pub enum Head<'a> {
    /// `audit`: manifests, nothing more.
    Audit,
    /// `scan`: the endpoints the code calls.
    Scan(&'a crate::scan::ScanResult),
    /// `verify`: what the live token was found to hold.
    Verify(&'a crate::report::VerifyHead<'a>),
}

/// One input a command reports on.
#[derive(Clone, Copy)]
pub enum Unit<'a> {
    /// An audited manifest, its tokens and findings.
    Manifest(&'a ManifestReport),
    /// Findings that point into a file that is not an audited manifest (source code `scan`
    /// read; a manifest `scan` or `verify` checked).
    Findings {
        file: &'a SourceFile,
        integration: &'a str,
        findings: &'a [Finding],
    },
    /// An input that could not be read or parsed.
    Failed(&'a [InputError]),
}

impl Unit<'_> {
    /// The file, integration and findings of a unit that has any.
    pub fn findings(&self) -> Option<(&SourceFile, &str, &[Finding])> {
        match *self {
            Unit::Manifest(r) => Some((
                &r.manifest.file,
                r.manifest.integration.value.as_str(),
                r.findings.as_slice(),
            )),
            Unit::Findings {
                file,
                integration,
                findings,
            } => Some((file, integration, findings)),
            Unit::Failed(_) => None,
        }
    }
}

/// The totals of a run.
pub struct Tail<'a> {
    pub summary: Summary,
    /// Inputs checked (units other than failures).
    pub checked: usize,
    /// Inputs that could not be read.
    pub unreadable: usize,
    pub baseline: Option<&'a BaselineStatus>,
    /// Findings `--min-severity` left out.
    pub below_min: usize,
}

/// A unit rendered, waiting for its turn to be written.
#[derive(Default)]
pub struct Rendered {
    pub out: String,
    /// Diagnostics about unreadable input, for standard error (human output).
    pub err: String,
    /// What the emitter keeps for the end of the document (a JUnit suite, a JSON error).
    pub kept: Vec<Box<dyn std::any::Any + Send>>,
}

impl Rendered {
    /// What a unit kept of type `T` (the emitter's own: what it put there).
    pub fn kept<T: std::any::Any>(&mut self) -> Vec<T> {
        std::mem::take(&mut self.kept)
            .into_iter()
            .filter_map(|k| k.downcast::<T>().ok())
            .map(|k| *k)
            .collect()
    }
}

/// How output looks, whatever its format.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
    /// No summary line.
    pub quiet: bool,
    /// `--min-severity` as given (Markdown hides notes unless it says `note`).
    pub min_severity: Option<crate::finding::Severity>,
}

impl Style {
    /// The style with the gate's `--min-severity`.
    pub fn with_min_severity(self, min: Option<crate::config::MinSeverity>) -> Style {
        Style {
            min_severity: min.map(|m| m.severity()),
            ..self
        }
    }
}

/// One output format.
pub trait Emitter<'a>: Sync {
    fn begin(&mut self, out: &mut dyn Write, head: &Head<'a>) -> io::Result<()>;
    /// Renders a unit; called from any thread, in any order.
    fn render(&self, unit: &Unit<'_>) -> Rendered;
    /// Writes (or keeps) a rendered unit; called in input order.
    fn write(
        &mut self,
        out: &mut dyn Write,
        err: &mut dyn Write,
        rendered: Rendered,
    ) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, tail: &Tail<'_>) -> io::Result<()>;
}

/// The emitter of a format.
pub fn emitter<'a>(
    format: ReportFormat,
    table: &'a Table,
    style: Style,
) -> Box<dyn Emitter<'a> + 'a> {
    match format {
        ReportFormat::Human => Box::new(human::HumanEmitter::new(table, style)),
        ReportFormat::Json => Box::new(json::JsonEmitter::new(table)),
        ReportFormat::Sarif => Box::new(sarif::SarifEmitter::default()),
        ReportFormat::Github => Box::new(github::GithubEmitter::new(table, style)),
        ReportFormat::Junit => Box::new(junit::JunitEmitter::default()),
        ReportFormat::Markdown => Box::new(markdown::MarkdownEmitter::new(style)),
    }
}

/// Emits a whole run whose units are already at hand (one manifest, one scan).
pub fn emit_all<'a>(
    emitter: &mut dyn Emitter<'a>,
    out: &mut dyn Write,
    err: &mut dyn Write,
    head: &Head<'a>,
    units: &[Unit<'_>],
    tail: &Tail<'_>,
) -> io::Result<()> {
    emitter.begin(out, head)?;
    for unit in units {
        let rendered = emitter.render(unit);
        emitter.write(out, err, rendered)?;
    }
    emitter.finish(out, tail)
}
