//! Baselines: adopt tokenscope on an existing integration by recording today's findings, so only
//! new ones fail CI. Findings are matched by a fingerprint of rule, integration, token and
//! subject — never line numbers, so edits elsewhere in a manifest do not break the match.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::InputError;
use crate::finding::Finding;
use crate::source::{SourceFile, display_path};

/// The subject that identifies a finding within its token: its scope or endpoint, else its
/// message (which never holds positions).
fn subject(finding: &Finding) -> &str {
    finding
        .scope
        .as_deref()
        .or(finding.endpoint.as_deref())
        .unwrap_or(&finding.message)
}

/// A stable identifier of a finding, independent of where in the file it is.
pub fn fingerprint(finding: &Finding, integration: &str) -> String {
    let mut hash = Sha256::new();
    for part in [
        finding.rule.as_str(),
        integration,
        finding.token.as_deref().unwrap_or(""),
        subject(finding),
    ] {
        hash.update(part.as_bytes());
        hash.update([0u8]);
    }
    hash.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule: String,
    pub integration: String,
    pub token: Option<String>,
    pub subject: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    pub schema_version: u32,
    pub findings: Vec<BaselineEntry>,
}

impl BaselineEntry {
    pub fn of(finding: &Finding, integration: &str) -> Self {
        BaselineEntry {
            fingerprint: fingerprint(finding, integration),
            rule: finding.rule.as_str().to_owned(),
            integration: integration.to_owned(),
            token: finding.token.clone(),
            subject: subject(finding).to_owned(),
        }
    }
}

/// A loaded baseline, tracking which entries matched this run.
#[derive(Debug, Default)]
pub struct Baseline {
    entries: Vec<BaselineEntry>,
    used: BTreeSet<usize>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, InputError> {
        let file = SourceFile::read(path, 64 * 1024 * 1024)?;
        let parsed: BaselineFile = serde_json::from_str(&file.text).map_err(|e| {
            let offset = file.offset_of(e.line(), e.column());
            let error = InputError::at(
                &file,
                file.span(offset, 0),
                format!("invalid baseline: {e}"),
                "here",
                Some("write a new one with `--write-baseline FILE`".into()),
            );
            // A file that is not even trying to be a baseline is not shown.
            if file.text.contains("\"schema_version\"") {
                error
            } else {
                error.without_text()
            }
        })?;
        if parsed.schema_version != 1 {
            return Err(InputError::Unknown {
                what: "baseline schema_version",
                name: parsed.schema_version.to_string(),
                help: Some(format!(
                    "{} was written by another tokenscope version; write a new one",
                    display_path(path)
                )),
            });
        }
        Ok(Baseline {
            entries: parsed.findings,
            used: BTreeSet::new(),
        })
    }

    /// Whether the baseline records this finding (and marks that entry as still current).
    pub fn contains(&mut self, finding: &Finding, integration: &str) -> bool {
        let print = fingerprint(finding, integration);
        match self.entries.iter().position(|e| e.fingerprint == print) {
            Some(i) => {
                self.used.insert(i);
                true
            }
            None => false,
        }
    }

    /// Entries no finding matched: fixed since the baseline was written.
    pub fn stale(&self) -> Vec<&BaselineEntry> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(i, _)| !self.used.contains(i))
            .map(|(_, e)| e)
            .collect()
    }
}

/// The baseline file for a set of findings: sorted, de-duplicated, pretty JSON.
pub fn render(entries: impl IntoIterator<Item = BaselineEntry>) -> String {
    let mut findings: Vec<BaselineEntry> = entries.into_iter().collect();
    findings.sort();
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let file = BaselineFile {
        schema_version: 1,
        findings,
    };
    // Plain structs of strings: serialising them cannot fail.
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{RuleId, Severity};
    use crate::source::Span;

    fn finding(line: usize) -> Finding {
        Finding::new(
            RuleId::ExcessScope,
            Severity::Warning,
            Span {
                offset: line * 10,
                length: 3,
                line,
                column: 1,
            },
            "msg",
        )
        .token("bot")
        .scope("Manage labels")
    }

    #[test]
    fn fingerprints_ignore_positions_but_not_subjects() {
        assert_eq!(
            fingerprint(&finding(3), "crm"),
            fingerprint(&finding(30), "crm")
        );
        assert_ne!(
            fingerprint(&finding(3), "crm"),
            fingerprint(&finding(3), "other")
        );
        assert_ne!(
            fingerprint(&finding(3), "crm"),
            fingerprint(&finding(3).scope("View all chats"), "crm")
        );
        assert_eq!(fingerprint(&finding(3), "crm").len(), 32);
    }
}
