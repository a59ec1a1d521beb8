//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{Array, Object};
use crate::audit::REGISTRY;
use crate::baseline::fingerprint;
use crate::error::InputError;
use crate::finding::{Finding, RuleId, Severity};
use crate::source::{SourceFile, Span};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: String,
    short_description: Text,
    full_description: Text,
    help_uri: String,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<RelatedLocation>,
    partial_fingerprints: Fingerprints,
    properties: Properties<'a>,
}

#[derive(Serialize)]
struct Properties<'a> {
    token: Option<&'a str>,
    scope: Option<&'a str>,
    endpoint: Option<&'a str>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "tokenscope/v1")]
    tokenscope: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RelatedLocation {
    id: usize,
    physical_location: PhysicalLocation,
    message: Text,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Text>,
}

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// `missing-scope` → `MissingScope`, SARIF's convention for rule names.
fn pascal(id: RuleId) -> String {
    id.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative URI reference for a path as reported (forward slashes, reserved bytes escaped).
/// A path outside the working directory becomes a `file:` URI, never a bare absolute path.
pub fn artifact_uri(path: &str) -> String {
    let mut relative = path.to_owned();
    if path.starts_with('/')
        && let Ok(cwd) = std::env::current_dir()
        && let Some(rest) = path.strip_prefix(&format!("{}/", cwd.to_string_lossy()))
    {
        relative = rest.to_owned();
    }
    let mut uri = String::new();
    for b in relative.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'+'
            | b'@'
            | b'='
            | b','
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b';' => uri.push(b as char),
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    if relative.starts_with('/') {
        format!("file://{uri}")
    } else {
        uri
    }
}

fn region(file: &SourceFile, span: Span) -> Region {
    let end = file.span(span.end(), 0);
    Region {
        start_line: span.line,
        start_column: span.column,
        end_line: end.line,
        end_column: end.column,
        snippet: Some(Text {
            text: file.text[span.offset..span.end()].to_owned(),
        }),
    }
}

fn physical(file: &SourceFile, span: Span) -> PhysicalLocation {
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: artifact_uri(&file.path),
        },
        region: Some(region(file, span)),
    }
}

fn result<'a>(file: &SourceFile, integration: &str, f: &'a Finding) -> SarifResult<'a> {
    let mut text = f.message.clone();
    if let Some(help) = &f.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    SarifResult {
        rule_id: f.rule.as_str(),
        rule_index: f.rule as usize,
        level: level(f.severity),
        message: Text { text },
        locations: vec![Location {
            physical_location: physical(file, f.span),
        }],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| RelatedLocation {
                id: i + 1,
                physical_location: physical(file, r.span),
                message: Text {
                    text: r.label.clone(),
                },
            })
            .collect(),
        partial_fingerprints: Fingerprints {
            tokenscope: fingerprint(f, integration),
        },
        properties: Properties {
            token: f.token.as_deref(),
            scope: f.scope.as_deref(),
            endpoint: f.endpoint.as_deref(),
        },
    }
}

fn rules() -> Vec<Rule> {
    REGISTRY
        .iter()
        .map(|r| Rule {
            id: r.id.as_str(),
            name: pascal(r.id),
            short_description: Text {
                text: r.summary.to_owned(),
            },
            full_description: Text {
                text: r.explanation.to_owned(),
            },
            help_uri: r.docs_url(),
            help: Help {
                text: r.explanation.to_owned(),
                markdown: format!(
                    "**{}**: {}\n\n{}\n\nRun `tokenscope explain {}` for more.",
                    r.id, r.summary, r.explanation, r.id
                ),
            },
            default_configuration: Configuration {
                level: level(r.default_severity),
            },
        })
        .collect()
}

fn notification(e: &InputError) -> Notification {
    Notification {
        level: "error",
        message: Text {
            text: match e.help_text() {
                Some(help) => format!("{e}\nhelp: {help}"),
                None => e.to_string(),
            },
        },
        locations: e
            .path()
            .map(|p| {
                vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: artifact_uri(p),
                        },
                        region: e.line_column().map(|(line, column)| Region {
                            start_line: line,
                            start_column: column,
                            end_line: line,
                            end_column: column,
                            snippet: None,
                        }),
                    },
                }]
            })
            .unwrap_or_default(),
    }
}

/// The nesting depth of the `runs[0].results` array in the document.
const RESULTS_DEPTH: usize = 3;

/// `--format sarif`: one SARIF 2.1.0 log with one run. The rules come first, from the
/// registry; results are written as they come; the invocation (and the inputs that could not
/// be read) closes the run.
#[derive(Default)]
pub struct SarifEmitter {
    open: Option<(Object, Array, Object, Array)>,
    notifications: Vec<Notification>,
}

impl<'a> super::Emitter<'a> for SarifEmitter {
    fn begin(&mut self, out: &mut dyn Write, _head: &super::Head<'a>) -> io::Result<()> {
        let mut log = Object::open(out)?;
        log.field(out, "$schema", &SCHEMA)?;
        log.field(out, "version", &"2.1.0")?;
        let mut runs = log.array(out, "runs")?;
        let mut run = runs.object(out)?;
        run.field(
            out,
            "tool",
            &Tool {
                driver: Driver {
                    name: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_HOMEPAGE"),
                    rules: rules(),
                },
            },
        )?;
        let results = run.array(out, "results")?;
        self.open = Some((log, runs, run, results));
        Ok(())
    }

    fn render(&self, unit: &super::Unit<'_>) -> super::Rendered {
        let mut rendered = super::Rendered::default();
        match unit {
            super::Unit::Failed(errors) => {
                rendered.kept = errors
                    .iter()
                    .map(|e| Box::new(notification(e)) as Box<dyn std::any::Any + Send>)
                    .collect();
            }
            unit => {
                if let Some((file, integration, findings)) = unit.findings() {
                    for f in findings {
                        Array::item(
                            RESULTS_DEPTH,
                            &mut rendered.out,
                            &result(file, integration, f),
                        );
                    }
                }
            }
        }
        rendered
    }

    fn write(
        &mut self,
        out: &mut dyn Write,
        _err: &mut dyn Write,
        mut rendered: super::Rendered,
    ) -> io::Result<()> {
        self.notifications.extend(rendered.kept::<Notification>());
        match self.open.as_mut() {
            Some((_, _, _, results)) => results.write_items(out, &rendered.out),
            None => Ok(()),
        }
    }

    fn finish(&mut self, out: &mut dyn Write, _tail: &super::Tail<'_>) -> io::Result<()> {
        let Some((log, runs, mut run, results)) = self.open.take() else {
            return Ok(());
        };
        results.close(out)?;
        let notifications = std::mem::take(&mut self.notifications);
        run.field(
            out,
            "invocations",
            &[Invocation {
                execution_successful: notifications.is_empty(),
                tool_execution_notifications: notifications,
            }],
        )?;
        run.field(out, "columnKind", &"unicodeCodePoints")?;
        run.close(out)?;
        runs.close(out)?;
        log.close(out)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_and_escaped() {
        assert_eq!(artifact_uri("examples/a b.yaml"), "examples/a%20b.yaml");
        assert_eq!(
            artifact_uri("/elsewhere/x#1.yaml"),
            "file:///elsewhere/x%231.yaml"
        );
        assert_eq!(pascal(RuleId::MissingScope), "MissingScope");
    }
}
