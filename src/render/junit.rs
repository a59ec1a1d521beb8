//! JUnit XML: one test suite per manifest, one test case per token, a failure for its errors.

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::audit::ManifestReport;
use crate::error::InputError;
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;

fn line(f: &Finding) -> String {
    let help = f
        .help
        .as_ref()
        .map(|h| format!(" (help: {h})"))
        .unwrap_or_default();
    format!(
        "{}:{}: {}[{}]: {}{help}",
        f.span.line, f.span.column, f.severity, f.rule, f.message
    )
}

/// A manifest's suite: one test case per token (and one for token-less findings), failing on
/// its errors.
fn manifest_suite(report: &ManifestReport) -> TestSuite {
    let mut suite = TestSuite::new(report.manifest.file.path.as_str());
    // Token-less findings (e.g. an inline suppression without a reason) get their own case.
    let mut names: Vec<Option<&str>> = report
        .tokens
        .iter()
        .map(|t| Some(t.name.as_ref()))
        .collect();
    if report.findings.iter().any(|f| f.token.is_none()) {
        names.push(None);
    }
    for name in names {
        let findings: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.token.as_deref() == name)
            .collect();
        let errors: Vec<&&Finding> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        let status = if errors.is_empty() {
            TestCaseStatus::success()
        } else {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(format!(
                    "{}: {}",
                    crate::audit::plural(errors.len(), "error"),
                    errors[0].message
                ))
                .set_type(errors[0].rule.as_str())
                .set_description(
                    errors
                        .iter()
                        .map(|f| line(f))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
            status
        };
        let mut case = TestCase::new(
            name.map_or_else(|| "(manifest)".to_owned(), |n| format!("token {n}")),
            status,
        );
        case.set_classname(report.manifest.integration.value.as_str());
        let others: Vec<String> = findings
            .iter()
            .filter(|f| f.severity != Severity::Error)
            .map(|f| line(f))
            .collect();
        if !others.is_empty() {
            case.set_system_out(others.join("\n"));
        }
        suite.add_test_case(case);
    }
    suite
}

/// Findings in a file that is not an audited manifest: one test case per finding.
fn findings_suite(file: &SourceFile, integration: &str, findings: &[Finding]) -> TestSuite {
    let mut suite = TestSuite::new(file.path.as_str());
    for f in findings {
        let status = if f.severity == Severity::Error {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(f.message.as_str())
                .set_type(f.rule.as_str())
                .set_description(line(f));
            status
        } else {
            TestCaseStatus::success()
        };
        let mut case = TestCase::new(
            format!("{}:{} {}", f.span.line, f.span.column, f.rule),
            status,
        );
        case.set_classname(integration);
        if f.severity != Severity::Error {
            case.set_system_out(line(f));
        }
        suite.add_test_case(case);
    }
    suite
}

/// An input that could not be read: a suite with one erroring case.
fn failed_suite(errors: &[InputError]) -> TestSuite {
    let name = errors.first().and_then(|e| e.path()).unwrap_or("input");
    let mut suite = TestSuite::new(name);
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status
        .set_message(errors.first().map(ToString::to_string).unwrap_or_default())
        .set_type("input-error")
        .set_description(
            errors
                .iter()
                .map(|e| match e.line_column() {
                    Some((l, c)) => format!("{l}:{c}: {e}"),
                    None => e.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        );
    suite.add_test_case(TestCase::new("read manifest", status));
    suite
}

/// A suite's counts, which the document's root element totals.
#[derive(Clone, Copy, Default)]
struct Counts {
    tests: usize,
    skipped: usize,
    failures: usize,
    errors: usize,
}

/// A suite as XML, indented for its place under the root, and its counts.
fn suite_xml(suite: TestSuite) -> (String, Counts) {
    let counts = Counts {
        tests: suite.tests,
        skipped: suite.skipped,
        failures: suite.failures,
        errors: suite.errors,
    };
    let mut report = Report::new("tokenscope");
    report.add_test_suite(suite);
    // The declaration and the root's start tag are the first two lines, its end tag the last.
    let xml = report.to_string().unwrap_or_default();
    let lines: Vec<&str> = xml.lines().collect();
    let mut out = String::new();
    for line in lines
        .get(2..lines.len().saturating_sub(1))
        .unwrap_or_default()
    {
        out.push_str(line);
        out.push('\n');
    }
    (out, counts)
}

/// `--format junit`: one test suite per input. The report's totals open the document, so the
/// suites, written as XML as they come, wait in a [`Spill`](super::spill::Spill) and follow
/// the root element at the end: memory stays flat however many inputs a run has.
#[derive(Default)]
pub struct JunitEmitter {
    suites: super::spill::Spill,
    totals: Counts,
}

impl<'a> super::Emitter<'a> for JunitEmitter {
    fn begin(&mut self, _out: &mut dyn Write, _head: &super::Head<'a>) -> io::Result<()> {
        Ok(())
    }

    fn render(&self, unit: &super::Unit<'_>) -> super::Rendered {
        let suite = match *unit {
            super::Unit::Manifest(report) => manifest_suite(report),
            super::Unit::Findings {
                file,
                integration,
                findings,
            } => findings_suite(file, integration, findings),
            super::Unit::Failed(errors) => failed_suite(errors),
        };
        let (out, counts) = suite_xml(suite);
        super::Rendered {
            out,
            kept: vec![Box::new(counts)],
            ..super::Rendered::default()
        }
    }

    fn write(
        &mut self,
        _out: &mut dyn Write,
        _err: &mut dyn Write,
        mut rendered: super::Rendered,
    ) -> io::Result<()> {
        for c in rendered.kept::<Counts>() {
            self.totals.tests += c.tests;
            self.totals.skipped += c.skipped;
            self.totals.failures += c.failures;
            self.totals.errors += c.errors;
        }
        self.suites.push(&rendered.out)
    }

    fn finish(&mut self, out: &mut dyn Write, _tail: &super::Tail<'_>) -> io::Result<()> {
        // The root element with the totals and no suites, split around where they go.
        let mut report = Report::new("tokenscope");
        report.tests = self.totals.tests;
        report.skipped = self.totals.skipped;
        report.failures = self.totals.failures;
        report.errors = self.totals.errors;
        let xml = report.to_string().map_err(io::Error::other)?;
        let close = xml.rfind("</testsuites>").unwrap_or(xml.len());
        out.write_all(&xml.as_bytes()[..close])?;
        self.suites.copy_to(out)?;
        out.write_all(&xml.as_bytes()[close..])?;
        if !xml.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}
