//! Human output: miette code frames with a label under the exact YAML node.

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use crate::audit::plural;
use crate::finding::{Finding, Severity, Summary};
use crate::sanitize::terminal;
use crate::source::SourceFile;

/// Renders findings and input errors as annotated code frames.
pub struct HumanRenderer {
    handler: GraphicalReportHandler,
}

impl HumanRenderer {
    /// `color` picks the themed or the plain renderer. Lines are not wrapped (as rustc does not):
    /// wrapping broke URLs in help text, cost a third of the rendering time, and made output
    /// depend on a width.
    pub fn new(color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        HumanRenderer {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_wrap_lines(false)
                .with_links(false),
        }
    }

    pub fn finding(&self, out: &mut String, finding: &Finding, file: &SourceFile) {
        let diagnostic = FindingDiagnostic {
            finding,
            source: file.named(),
        };
        self.diagnostic(out, &diagnostic);
    }

    pub fn diagnostic(&self, out: &mut String, diagnostic: &dyn Diagnostic) {
        // Writing into a String cannot fail; a rendering error would only lose decoration.
        if self.handler.render_report(out, diagnostic).is_err() {
            out.push_str(&diagnostic.to_string());
            out.push('\n');
        }
    }
}

/// The closing line of a run.
pub fn summary_line(summary: &Summary, manifests: usize, unreadable: usize) -> String {
    let mut line = format!(
        "tokenscope: {} checked: {}, {}, {}",
        plural(manifests, "manifest"),
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
        plural(summary.notes, "note"),
    );
    if unreadable > 0 {
        line.push_str(&format!(
            "; {} could not be read",
            plural(unreadable, "input")
        ));
    }
    line
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: crate::source::NamedFile,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.finding, f)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&terminal(&self.finding.message))
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        // rustc-style `error[missing-scope]`: the severity in words, whatever the theme.
        Some(Box::new(format!(
            "{}[{}]",
            self.finding.severity, self.finding.rule
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .help
            .as_ref()
            .map(|h| Box::new(terminal(h)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_primary_with_span(
            Some(terminal(&self.finding.label).into_owned()).filter(|l| !l.is_empty()),
            self.finding.span.source_span(),
        );
        let related = self.finding.related.iter().map(|r| {
            LabeledSpan::new_with_span(Some(terminal(&r.label).into_owned()), r.span.source_span())
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}
