//! Keeping a report proportional to what it says: rules push their findings into a sink that
//! drops suppressed ones, groups repeats and caps a flood of one rule, as they arrive — so a
//! small hostile manifest can make neither a huge report nor a huge pile of findings in memory.
//!
//! It happens once, in the audit, so every output format (and the exit code) carries the same
//! findings.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher};

use hashbrown::HashTable;

use crate::finding::{Finding, Related, RuleId};

/// The most findings one rule reports for one token; the rest are folded into one more.
pub const MAX_PER_RULE: usize = 50;
/// The most related places a grouped or folded finding lists; the rest are counted.
pub const MAX_RELATED: usize = 100;

/// Identity of a finding for grouping: the same rule, token, subject and message. Hashed and
/// compared in place, so grouping copies nothing.
fn same(a: &Finding, b: &Finding) -> bool {
    a.rule == b.rule
        && a.token == b.token
        && a.scope == b.scope
        && a.endpoint == b.endpoint
        && a.message == b.message
}

fn hash(state: &foldhash::fast::RandomState, f: &Finding) -> u64 {
    let mut h = state.build_hasher();
    f.rule.hash(&mut h);
    f.token.hash(&mut h);
    f.scope.hash(&mut h);
    f.endpoint.hash(&mut h);
    f.message.hash(&mut h);
    h.finish()
}

/// Where one token's (or one manifest's) findings go.
pub struct FindingSink<'f> {
    keep: Box<dyn Fn(&Finding) -> bool + 'f>,
    findings: Vec<Finding>,
    /// Indices into `findings` of the first finding of each identity.
    first: HashTable<usize>,
    /// Seeded per sink: the hashed text comes from the manifest.
    hasher: foldhash::fast::RandomState,
    per_rule: HashMap<RuleId, usize>,
    folded: HashMap<RuleId, usize>,
    unlisted: HashMap<usize, usize>,
}

impl<'f> FindingSink<'f> {
    /// A sink that keeps only the findings `keep` accepts (the rest are suppressed).
    pub fn new(keep: impl Fn(&Finding) -> bool + 'f) -> Self {
        FindingSink {
            keep: Box::new(keep),
            findings: Vec::new(),
            first: HashTable::new(),
            hasher: foldhash::fast::RandomState::default(),
            per_rule: HashMap::new(),
            folded: HashMap::new(),
            unlisted: HashMap::new(),
        }
    }

    /// A sink that keeps everything.
    pub fn all() -> Self {
        FindingSink::new(|_| true)
    }

    /// Whether further distinct findings of `rule` would only be counted: a rule can then skip
    /// costly work (a did-you-mean) for them.
    pub fn saturated(&self, rule: RuleId) -> bool {
        self.per_rule.get(&rule).copied().unwrap_or(0) >= MAX_PER_RULE
    }

    pub fn push(&mut self, f: Finding) {
        if !(self.keep)(&f) {
            return;
        }
        let h = hash(&self.hasher, &f);
        let findings = &self.findings;
        if let Some(&at) = self.first.find(h, |&i| same(&findings[i], &f)) {
            let label = if f.label.is_empty() {
                "also here".to_owned()
            } else {
                format!("{} (again)", f.label)
            };
            self.relate(at, f.span, label);
            return;
        }
        let count = self.per_rule.entry(f.rule).or_insert(0);
        *count += 1;
        if *count <= MAX_PER_RULE {
            let findings = &self.findings;
            let hasher = &self.hasher;
            self.first
                .insert_unique(h, findings.len(), |&i| hash(hasher, &findings[i]));
            self.findings.push(f);
            return;
        }
        match self.folded.get(&f.rule) {
            Some(&at) => {
                let summary = &mut self.findings[at];
                summary.severity = summary.severity.max(f.severity);
                self.relate(at, f.span, "not reported separately".to_owned());
            }
            None => {
                self.folded.insert(f.rule, self.findings.len());
                let mut summary = Finding::new(f.rule, f.severity, f.span, String::new())
                    .label("and more from here");
                summary.token = f.token;
                summary.help = Some(format!(
                    "fix the findings above first; `tokenscope explain {}` describes the rule",
                    f.rule
                ));
                self.findings.push(summary);
            }
        }
    }

    /// Adds a related place to a kept finding, or counts it once its list is full.
    fn relate(&mut self, at: usize, span: crate::source::Span, label: String) {
        let f = &mut self.findings[at];
        if f.related.len() < MAX_RELATED {
            f.related.push(Related { span, label });
        } else {
            *self.unlisted.entry(at).or_insert(0) += 1;
        }
    }

    /// The findings, with the folded ones counted and unlisted places said.
    pub fn into_findings(mut self) -> Vec<Finding> {
        for (rule, at) in &self.folded {
            let more = self.per_rule.get(rule).copied().unwrap_or(0) - MAX_PER_RULE;
            let summary = &mut self.findings[*at];
            summary.message = format!(
                "{more} more `{rule}` findings{} are folded into this one",
                summary
                    .token
                    .as_deref()
                    .map(|t| format!(" for token `{t}`"))
                    .unwrap_or_default()
            );
        }
        for (at, n) in self.unlisted {
            self.findings[at]
                .message
                .push_str(&format!(" ({n} more places are not listed)"));
        }
        self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::source::Span;

    fn finding(rule: RuleId, offset: usize, subject: &str) -> Finding {
        Finding::new(
            rule,
            Severity::Error,
            Span {
                offset,
                length: 1,
                line: 1,
                column: offset + 1,
            },
            format!("`{subject}` is wrong"),
        )
        .token("t")
        .scope(subject)
    }

    fn condense(findings: Vec<Finding>) -> Vec<Finding> {
        let mut sink = FindingSink::all();
        for f in findings {
            sink.push(f);
        }
        sink.into_findings()
    }

    #[test]
    fn repeats_become_one_finding_with_every_place() {
        let findings: Vec<Finding> = (0..1_000)
            .map(|i| finding(RuleId::UnknownScope, i * 3, "a"))
            .collect();
        let out = condense(findings);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].related.len(), MAX_RELATED);
        assert!(out[0].message.ends_with("(899 more places are not listed)"));
    }

    #[test]
    fn a_flood_of_distinct_findings_is_capped_per_rule() {
        let mut findings: Vec<Finding> = (0..1_000)
            .map(|i| finding(RuleId::UnknownScope, i * 3, &format!("s{i}")))
            .collect();
        findings.push(finding(RuleId::ExcessScope, 5_000, "x"));
        let out = condense(findings);
        assert_eq!(out.len(), MAX_PER_RULE + 2);
        let folded = &out[MAX_PER_RULE];
        assert_eq!(folded.rule, RuleId::UnknownScope);
        assert_eq!(folded.severity, Severity::Error);
        assert!(
            folded
                .message
                .starts_with("950 more `unknown-scope` findings")
        );
        assert_eq!(out[MAX_PER_RULE + 1].rule, RuleId::ExcessScope);
    }

    #[test]
    fn ordinary_reports_are_unchanged_and_suppressed_ones_dropped() {
        let findings = vec![
            finding(RuleId::UnknownScope, 1, "a"),
            finding(RuleId::UnknownScope, 5, "b"),
            finding(RuleId::ExcessScope, 9, "a"),
        ];
        assert_eq!(condense(findings.clone()), findings);
        let mut sink = FindingSink::new(|f: &Finding| f.scope.as_deref() != Some("b"));
        for f in findings {
            sink.push(f);
        }
        assert_eq!(sink.into_findings().len(), 2);
    }
}
