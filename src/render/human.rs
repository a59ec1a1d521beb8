//! Human output: code frames with a label under the exact YAML node (see [`super::frame`]).

use miette::Diagnostic;

use crate::audit::plural;
use crate::error::InputError;
use crate::finding::{Finding, Severity, Summary};
use crate::render::frame::{FrameRenderer, Label, Level, Place, Report};
use crate::source::SourceFile;

/// Renders findings and input errors as annotated code frames.
pub struct HumanRenderer {
    frames: FrameRenderer,
}

impl HumanRenderer {
    /// `color` picks the coloured or the plain style. Lines are not wrapped (as rustc does not):
    /// wrapping broke URLs in help text and made output depend on a width.
    pub fn new(color: bool) -> Self {
        HumanRenderer {
            frames: FrameRenderer::new(color),
        }
    }

    pub fn finding(&self, out: &mut String, finding: &Finding, file: &SourceFile) {
        let code = format!("{}[{}]", finding.severity, finding.rule);
        let mut labels = Vec::with_capacity(1 + finding.related.len());
        labels.push(Label {
            span: finding.span,
            text: Some(finding.label.clone()).filter(|l| !l.is_empty()),
            primary: true,
        });
        labels.extend(finding.related.iter().map(|r| Label {
            span: r.span,
            text: Some(r.label.clone()),
            primary: false,
        }));
        self.frames.render(
            out,
            &Report {
                code: Some(&code),
                level: level(finding.severity),
                message: &finding.message,
                place: Place::Frame { file, labels },
                help: finding.help.as_deref(),
            },
        );
    }

    /// Renders an error: an input error with its place in the file, any other diagnostic with
    /// its code, message and help.
    pub fn diagnostic(&self, out: &mut String, diagnostic: &(dyn Diagnostic + 'static)) {
        let code = diagnostic.code().map(|c| c.to_string());
        let message = diagnostic.to_string();
        let help = diagnostic.help().map(|h| h.to_string());
        let level = match diagnostic.severity() {
            Some(miette::Severity::Warning) => Level::Warning,
            Some(miette::Severity::Advice) => Level::Advice,
            _ => Level::Error,
        };
        let error: &(dyn std::error::Error + 'static) = diagnostic;
        let place = match error.downcast_ref::<InputError>() {
            Some(InputError::Located(located)) => match &located.file {
                Some(file) => Place::Frame {
                    file,
                    labels: vec![Label {
                        span: located.span,
                        text: Some(located.label.clone()),
                        primary: true,
                    }],
                },
                None => Place::Location {
                    path: &located.path,
                    line: located.span.line,
                    column: located.span.column,
                },
            },
            _ => Place::Nowhere,
        };
        self.frames.render(
            out,
            &Report {
                code: code.as_deref(),
                level,
                message: &message,
                place,
                help: help.as_deref(),
            },
        );
    }
}

fn level(severity: Severity) -> Level {
    match severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Note => Level::Advice,
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
