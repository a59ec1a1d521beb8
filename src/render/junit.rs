//! JUnit XML: one test suite per manifest, one test case per token, a failure for its errors.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::finding::{Finding, Severity};
use crate::report::Run;

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

pub fn render(run: &Run) -> String {
    let mut report = Report::new("tokenscope");
    for manifest in run.reports() {
        let mut suite = TestSuite::new(manifest.manifest.file.path.as_str());
        // Token-less findings (e.g. an inline suppression without a reason) get their own case.
        let mut names: Vec<Option<&str>> = manifest
            .tokens
            .iter()
            .map(|t| Some(t.name.as_str()))
            .collect();
        if manifest.findings.iter().any(|f| f.token.is_none()) {
            names.push(None);
        }
        for name in names {
            let findings: Vec<&Finding> = manifest
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
            case.set_classname(manifest.manifest.integration.value.as_str());
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
        report.add_test_suite(suite);
    }
    for outcome in &run.outcomes {
        if let crate::report::Outcome::Code {
            file,
            integration,
            findings,
            ..
        } = outcome
        {
            // Findings in code (from `scan`): one test case per finding.
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
                case.set_classname(integration.as_str());
                if f.severity != Severity::Error {
                    case.set_system_out(line(f));
                }
                suite.add_test_case(case);
            }
            report.add_test_suite(suite);
        }
        if let crate::report::Outcome::Failed(errors) = outcome {
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
            report.add_test_suite(suite);
        }
    }
    match report.to_string() {
        Ok(mut xml) => {
            if !xml.ends_with('\n') {
                xml.push('\n');
            }
            xml
        }
        // Serialising to a String only fails on invalid XML characters, which quick-junit escapes.
        Err(e) => format!("<!-- tokenscope: cannot render JUnit XML: {e} -->\n"),
    }
}
