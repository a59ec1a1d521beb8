//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

use crate::error::InputError;
use crate::finding::{Finding, Severity};
use crate::report::Run;
use crate::source::SourceFile;

/// Escapes a command's message (data) as GitHub requires.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value: data escaping plus `:` and `,`.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// One workflow command per finding of a file.
pub fn findings(file: &SourceFile, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let end = file.span(f.span.end(), 0);
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        out.push_str(&format!(
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            command(f.severity),
            property(&file.path),
            f.span.line,
            f.span.column,
            end.line,
            end.column,
            property(&format!("tokenscope({})", f.rule)),
            data(&message)
        ));
    }
    out
}

/// One `::error` command per input error.
pub fn errors<'a>(errors: impl Iterator<Item = &'a InputError>) -> String {
    let mut out = String::new();
    for e in errors {
        let mut props = Vec::new();
        if let Some(path) = e.path() {
            props.push(format!("file={}", property(path)));
        }
        if let Some((line, col)) = e.line_column() {
            props.push(format!("line={line},col={col}"));
        }
        props.push("title=tokenscope(input)".to_owned());
        let message = match e.help_text() {
            Some(help) => format!("{e}\nhelp: {help}"),
            None => e.to_string(),
        };
        out.push_str(&format!(
            "::error {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    out
}

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    for (file, _, found) in run.units() {
        out.push_str(&findings(file, found));
    }
    out.push_str(&errors(run.errors()));
    out.push_str(&super::human::summary_line(
        &run.summary,
        run.units().count(),
        run.unreadable(),
    ));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_github_requires() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
