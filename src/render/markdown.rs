//! Markdown for pull request comments: a compact table per manifest, with the fix per finding.

use std::fmt::Write as _;

use crate::finding::Severity;
use std::io::{self, Write};

use crate::audit::plural;
use crate::diff::{TokenDiff, TokenStatus};
use crate::error::InputError;
use crate::finding::Finding;
use crate::source::SourceFile;
use crate::table::{Risk, Table};

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

/// One input's section: its heading and a table of its findings, worst first. Notes are left
/// out unless asked for (a pull request comment is read by people); returns how many were.
fn section(
    file: &SourceFile,
    integration: &str,
    findings: &[Finding],
    notes: bool,
) -> (String, usize) {
    let mut out = String::new();
    let _ = writeln!(out, "### {} ({})\n", code(&file.path), cell(integration));
    let shown: Vec<&Finding> = super::human::by_severity(findings)
        .into_iter()
        .filter(|f| notes || f.severity != Severity::Note)
        .collect();
    let left_out = findings.len() - shown.len();
    if shown.is_empty() {
        if left_out == 0 {
            let _ = writeln!(out, "✅ No findings.\n");
        } else {
            let _ = writeln!(
                out,
                "✅ No errors or warnings ({} not shown).\n",
                plural(left_out, "note")
            );
        }
        return (out, left_out);
    }
    let _ = writeln!(
        out,
        "| Severity | Rule | Line | Token | Finding | Suggested fix |\n|---|---|---|---|---|---|"
    );
    for f in shown {
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
    (out, left_out)
}

/// An input that could not be read, as a list item.
fn failure(e: &InputError) -> String {
    let at = match (e.path(), e.line_column()) {
        (Some(p), Some((l, c))) => format!("{}: ", code(&format!("{p}:{l}:{c}"))),
        (Some(p), None) => format!("{}: ", code(p)),
        _ => String::new(),
    };
    format!("- {at}{}\n", cell(&e.to_string()))
}

/// `--format markdown`, for a pull request comment: a heading with the totals, a section per
/// input, the inputs that could not be read. The totals come first, so sections are kept.
#[derive(Default)]
pub struct MarkdownEmitter {
    /// Whether notes are shown (`--min-severity note`).
    notes: bool,
    sections: super::spill::Spill,
    failures: super::spill::Spill,
    notes_left_out: usize,
}

impl MarkdownEmitter {
    pub fn new(style: super::Style) -> Self {
        MarkdownEmitter {
            notes: style.min_severity == Some(Severity::Note),
            ..MarkdownEmitter::default()
        }
    }
}

impl<'a> super::Emitter<'a> for MarkdownEmitter {
    fn begin(&mut self, _out: &mut dyn Write, _head: &super::Head<'a>) -> io::Result<()> {
        Ok(())
    }

    fn render(&self, unit: &super::Unit<'_>) -> super::Rendered {
        let mut rendered = super::Rendered::default();
        match unit {
            super::Unit::Failed(errors) => {
                rendered.err = errors.iter().map(failure).collect();
            }
            unit => {
                if let Some((file, integration, findings)) = unit.findings() {
                    let (text, left_out) = section(file, integration, findings, self.notes);
                    rendered.out = text;
                    rendered.kept.push(Box::new(left_out));
                }
            }
        }
        rendered
    }

    fn write(
        &mut self,
        _out: &mut dyn Write,
        _err: &mut dyn Write,
        mut rendered: super::Rendered,
    ) -> io::Result<()> {
        self.notes_left_out += rendered.kept::<usize>().iter().sum::<usize>();
        self.sections.push(&rendered.out)?;
        self.failures.push(&rendered.err)
    }

    fn finish(&mut self, out: &mut dyn Write, tail: &super::Tail<'_>) -> io::Result<()> {
        let s = &tail.summary;
        writeln!(
            out,
            "## tokenscope: {}, {}, {} in {}\n",
            plural(s.errors, "error"),
            plural(s.warnings, "warning"),
            plural(s.notes, "note"),
            plural(tail.checked, "file")
        )?;
        self.sections.copy_to(out)?;
        if self.notes_left_out > 0 {
            writeln!(
                out,
                "_{} not shown; `--min-severity note` shows them._\n",
                plural(self.notes_left_out, "note")
            )?;
        }
        if !self.failures.is_empty() {
            writeln!(out, "### Could not be read\n")?;
            self.failures.copy_to(out)?;
            out.write_all(b"\n")?;
        }
        if let Some(status) = tail.baseline
            && (status.hidden > 0 || !status.stale.is_empty())
        {
            writeln!(
                out,
                "_Baseline: {} hidden; {} no longer match._",
                plural(status.hidden, "finding"),
                if status.stale.len() == 1 {
                    "1 entry".to_owned()
                } else {
                    format!("{} entries", status.stale.len())
                }
            )?;
        }
        Ok(())
    }
}

/// `diff` as a pull request comment: one row per change.
pub fn diff_report(old: &str, new: &str, tokens: &[TokenDiff]) -> String {
    let risen = tokens.iter().any(|t| t.risk_increase);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## tokenscope: token scope changes {}\n",
        if risen {
            "— ⚠️ risk rose"
        } else {
            "— no risk increase"
        }
    );
    let _ = writeln!(out, "{} → {}\n", code(old), code(new));
    if tokens.is_empty() {
        out.push_str("No token, scope or endpoint changed.\n");
        return out;
    }
    out.push_str("| Token | Change | Scope or endpoint | Risk | Why |\n|---|---|---|---|---|\n");
    for t in tokens {
        let token = format!(
            "{}{}",
            code(&t.name),
            match t.status {
                TokenStatus::Added => " (new)",
                TokenStatus::Removed => " (removed)",
                TokenStatus::Changed => "",
            }
        );
        for s in &t.added_scopes {
            let risk = match s.risk {
                Some(Risk::High) => "**high** ⚠️".to_owned(),
                other => super::human::risk_word(other).to_owned(),
            };
            let why = if s.needed_by.is_empty() {
                "needed by no endpoint".to_owned()
            } else {
                format!(
                    "needed by {}",
                    s.needed_by
                        .iter()
                        .map(|n| cell(n))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let raised = s
                .raised_from
                .as_ref()
                .map(|from| format!(" (raised from {})", cell(from)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {token} | ➕ scope | {}{raised} | {risk} | {why} |",
                cell(&s.scope)
            );
        }
        for s in &t.removed_scopes {
            let _ = writeln!(out, "| {token} | ➖ scope | {} | | |", cell(s));
        }
        for e in &t.added_endpoints {
            let _ = writeln!(out, "| {token} | ➕ endpoint | {} | | |", cell(e));
        }
        for e in &t.removed_endpoints {
            let _ = writeln!(out, "| {token} | ➖ endpoint | {} | | |", cell(e));
        }
    }
    out
}

/// `table --format markdown`: the table in use, as a document.
pub fn table_document(t: &Table) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} scope table\n", cell(&t.title));
    if let Some(retrieved) = &t.retrieved {
        let _ = writeln!(out, "Checked against the docs on {retrieved}.\n");
    }
    let _ = writeln!(
        out,
        "## Scopes\n\n| Scope | Id | Area | Risk | Unlocks |\n|---|---|---|---|---|"
    );
    for s in &t.scopes {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            cell(&s.name),
            s.id,
            t.area(s.area).id,
            s.risk,
            cell(&s.summary)
        );
    }
    let _ = writeln!(
        out,
        "\n## Areas\n\n| Area | Title | Bundle |\n|---|---|---|"
    );
    for a in &t.areas {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            a.id,
            cell(&a.title),
            cell(&t.scope_names(&a.bundle).join(", "))
        );
    }
    let _ = writeln!(
        out,
        "\n## Endpoints\n\n| Endpoint | Method and path | Area | Scopes (all required) | Evidence |\n|---|---|---|---|---|"
    );
    for e in t.endpoints.iter() {
        let sig = match (&e.method, &e.path) {
            (Some(m), Some(p)) => code(&format!("{m} {p}")),
            _ => "not published".to_owned(),
        };
        let scopes = if e.scopes.is_empty() {
            "any valid token".to_owned()
        } else {
            t.scope_names(e.scopes.iter()).join(", ")
        };
        let _ = writeln!(
            out,
            "| {} | {sig} | {} | {} | {} |",
            cell(&e.name),
            t.area(e.area).id,
            cell(&scopes),
            e.evidence.as_str()
        );
    }
    out
}
