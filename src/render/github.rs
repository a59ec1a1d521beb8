//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

use std::io::{self, Write};

use crate::error::InputError;
use crate::finding::{Finding, Severity};
use crate::source::SourceFile;
use crate::table::Table;

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

/// `--format github`: workflow commands as units come, and the summary line.
pub struct GithubEmitter<'a> {
    table: &'a Table,
    style: super::Style,
    head: super::Head<'a>,
}

impl<'a> GithubEmitter<'a> {
    pub fn new(table: &'a Table, style: super::Style) -> Self {
        GithubEmitter {
            table,
            style,
            head: super::Head::Audit,
        }
    }
}

impl<'a> super::Emitter<'a> for GithubEmitter<'a> {
    fn begin(&mut self, _out: &mut dyn Write, head: &super::Head<'a>) -> io::Result<()> {
        self.head = *head;
        Ok(())
    }

    fn render(&self, unit: &super::Unit<'_>) -> super::Rendered {
        let out = match unit {
            super::Unit::Failed(e) => errors(e.iter()),
            unit => unit
                .findings()
                .map(|(file, _, found)| findings(file, found))
                .unwrap_or_default(),
        };
        super::Rendered {
            out,
            ..super::Rendered::default()
        }
    }

    fn write(
        &mut self,
        out: &mut dyn Write,
        _err: &mut dyn Write,
        rendered: super::Rendered,
    ) -> io::Result<()> {
        out.write_all(rendered.out.as_bytes())
    }

    fn finish(&mut self, out: &mut dyn Write, tail: &super::Tail<'_>) -> io::Result<()> {
        if self.style.quiet {
            return Ok(());
        }
        writeln!(
            out,
            "{}",
            super::human::run_summary(self.table, &self.head, tail)
        )
    }
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
