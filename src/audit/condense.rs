//! Keeping a report proportional to what it says: repeated findings are grouped and a flood of
//! one rule in one token is capped, so a small hostile manifest cannot produce a huge report.
//!
//! Grouping and capping happen once, in the audit, so every output format (and the exit code)
//! carries the same findings.

use std::collections::HashMap;

use crate::finding::{Finding, RuleId};

/// The most findings one rule reports for one token; the rest are folded into one more.
pub const MAX_PER_RULE_AND_TOKEN: usize = 50;

/// Groups findings that say the same thing about the same subject (one finding, with every
/// further place as a related span), then caps each rule per token. `findings` is sorted by
/// position; the result keeps that order.
pub fn condense(findings: Vec<Finding>) -> Vec<Finding> {
    cap_floods(group_repeats(findings))
}

/// Identity of a finding for grouping: the same rule, token, subject and message.
type Key = (
    RuleId,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

fn key(f: &Finding) -> Key {
    (
        f.rule,
        f.token.clone(),
        f.scope.clone(),
        f.endpoint.clone(),
        f.message.clone(),
    )
}

/// Merges every repeat of a finding into its first occurrence, as a related span.
fn group_repeats(findings: Vec<Finding>) -> Vec<Finding> {
    let mut first: HashMap<Key, usize> = HashMap::new();
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        match first.get(&key(&f)) {
            Some(&at) => {
                let label = if f.label.is_empty() {
                    "also here".to_owned()
                } else {
                    format!("{} (again)", f.label)
                };
                out[at].related.push(crate::finding::Related {
                    span: f.span,
                    label,
                });
            }
            None => {
                first.insert(key(&f), out.len());
                out.push(f);
            }
        }
    }
    out
}

/// Folds what one rule reports for one token beyond [`MAX_PER_RULE_AND_TOKEN`] into a single
/// finding at the first folded place, with the worst severity folded.
fn cap_floods(findings: Vec<Finding>) -> Vec<Finding> {
    let mut count: HashMap<(RuleId, Option<String>), usize> = HashMap::new();
    let mut folded: HashMap<(RuleId, Option<String>), usize> = HashMap::new();
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        let k = (f.rule, f.token.clone());
        let n = count.entry(k.clone()).or_insert(0);
        *n += 1;
        if *n <= MAX_PER_RULE_AND_TOKEN {
            out.push(f);
            continue;
        }
        match folded.get(&k) {
            Some(&at) => {
                let summary = &mut out[at];
                summary.severity = summary.severity.max(f.severity);
                summary.related.push(crate::finding::Related {
                    span: f.span,
                    label: "not reported separately".to_owned(),
                });
            }
            None => {
                folded.insert(k, out.len());
                let mut summary = Finding::new(f.rule, f.severity, f.span, String::new())
                    .label("and more from here");
                summary.token = f.token.clone();
                summary.help = Some(format!(
                    "fix the findings above first; `tokenscope explain {}` describes the rule",
                    f.rule
                ));
                out.push(summary);
            }
        }
    }
    for (k, at) in folded {
        let more = count.get(&k).copied().unwrap_or(0) - MAX_PER_RULE_AND_TOKEN;
        let summary = &mut out[at];
        summary.message = format!(
            "{} more `{}` findings{} are folded into this one",
            more,
            summary.rule,
            summary
                .token
                .as_deref()
                .map(|t| format!(" for token `{t}`"))
                .unwrap_or_default()
        );
    }
    out
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

    #[test]
    fn repeats_become_one_finding_with_every_place() {
        let findings: Vec<Finding> = (0..1_000)
            .map(|i| finding(RuleId::UnknownScope, i * 3, "a"))
            .collect();
        let out = condense(findings);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].related.len(), 999);
    }

    #[test]
    fn a_flood_of_distinct_findings_is_capped_per_rule_and_token() {
        let mut findings: Vec<Finding> = (0..1_000)
            .map(|i| finding(RuleId::UnknownScope, i * 3, &format!("s{i}")))
            .collect();
        findings.push(finding(RuleId::ExcessScope, 5_000, "x"));
        let out = condense(findings);
        assert_eq!(out.len(), MAX_PER_RULE_AND_TOKEN + 2);
        let folded = &out[MAX_PER_RULE_AND_TOKEN];
        assert_eq!(folded.rule, RuleId::UnknownScope);
        assert_eq!(folded.severity, Severity::Error);
        assert!(
            folded
                .message
                .starts_with("950 more `unknown-scope` findings")
        );
        assert_eq!(out[MAX_PER_RULE_AND_TOKEN + 1].rule, RuleId::ExcessScope);
    }

    #[test]
    fn ordinary_reports_are_unchanged() {
        let findings = vec![
            finding(RuleId::UnknownScope, 1, "a"),
            finding(RuleId::UnknownScope, 5, "b"),
            finding(RuleId::ExcessScope, 9, "a"),
        ];
        assert_eq!(condense(findings.clone()), findings);
    }
}
