//! Markdown for pull request comments: a compact table per manifest, with the fix per finding.

use std::fmt::Write as _;

use crate::finding::Severity;
use crate::report::Run;

/// A Markdown table cell from text that may hold `code spans` (messages): nothing in it can
/// become HTML, a link, a mention or a new column (see [`crate::sanitize::markdown_cell`]).
pub fn cell(s: &str) -> String {
    crate::sanitize::markdown_cell(s)
}

/// A value shown as code, which nothing inside can end early.
pub fn code(s: &str) -> String {
    crate::sanitize::markdown_code(s)
}

fn badge(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "❌ error",
        Severity::Warning => "⚠️ warning",
        Severity::Note => "ℹ️ note",
    }
}

pub fn render(run: &Run) -> String {
    let s = &run.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## tokenscope: {}, {}, {} in {}\n",
        crate::audit::plural(s.errors, "error"),
        crate::audit::plural(s.warnings, "warning"),
        crate::audit::plural(s.notes, "note"),
        crate::audit::plural(run.units().count(), "file")
    );
    for report in run.reports() {
        let _ = writeln!(
            out,
            "### {} ({})\n",
            code(&report.manifest.file.path),
            cell(&report.manifest.integration.value)
        );
        if report.findings.is_empty() {
            let _ = writeln!(out, "✅ No findings.\n");
            continue;
        }
        let _ = writeln!(
            out,
            "| Severity | Rule | Line | Token | Finding | Suggested fix |\n|---|---|---|---|---|---|"
        );
        for f in &report.findings {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {} | {} |",
                badge(f.severity),
                f.rule,
                f.span.line,
                f.token.as_deref().map(code).unwrap_or_default(),
                cell(&f.message),
                f.help.as_deref().map(cell).unwrap_or_default()
            );
        }
        out.push('\n');
    }
    let errors: Vec<_> = run.errors().collect();
    if !errors.is_empty() {
        let _ = writeln!(out, "### Could not be read\n");
        for e in errors {
            let at = match (e.path(), e.line_column()) {
                (Some(p), Some((l, c))) => format!("{}: ", code(&format!("{p}:{l}:{c}"))),
                (Some(p), None) => format!("{}: ", code(p)),
                _ => String::new(),
            };
            let _ = writeln!(out, "- {at}{}", cell(&e.to_string()));
        }
        out.push('\n');
    }
    if let Some(status) = &run.baseline
        && (status.hidden > 0 || !status.stale.is_empty())
    {
        let _ = writeln!(
            out,
            "_Baseline: {} hidden; {} no longer match._",
            crate::audit::plural(status.hidden, "finding"),
            if status.stale.len() == 1 {
                "1 entry".to_owned()
            } else {
                format!("{} entries", status.stale.len())
            }
        );
    }
    out
}
