//! `inferred-requirement`: the endpoint's requirement is inferred, not documented on its page.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};

use super::super::analysis::TokenAnalysis;
use super::{Rule, describe_alternative};

pub static RULE: Rule = Rule {
    id: RuleId::InferredRequirement,
    default_severity: Severity::Note,
    summary: "an endpoint's requirement is `evidence: inferred`",
    explanation: "The endpoint's own docs page does not list its scopes; the table infers them from \
the API's general scope table. The inference is usually right, but verify it (`tokenscope verify`, \
or a test call) before relying on a minimal token.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    for (entry, id) in t.distinct_endpoints() {
        let ep = t.table.endpoint(id);
        if ep.evidence != crate::table::Evidence::Inferred {
            continue;
        }
        let alternatives: Vec<String> = t
            .requirement(id)
            .alternatives
            .iter()
            .map(|alt| describe_alternative(t.table, alt))
            .collect();
        let needs = match alternatives.as_slice() {
            [] => "no scope a token of this kind can hold".to_owned(),
            [one] => one.clone(),
            [rest @ .., last] => format!("any one of {} or {last}", rest.join(", ")),
        };
        let why = ep
            .evidence_reason
            .as_deref()
            .unwrap_or("its docs page does not say");
        let mut finding = RULE
            .finding(
                entry.value.span,
                format!("`{}` is assumed to need {needs}; {why}", ep.name),
            )
            .token(t.name())
            .endpoint(ep.name.clone())
            .label("requirement inferred")
            .help("check it against the live API before relying on a minimal token");
        if let Some(source) = &ep.source {
            finding.help = Some(format!(
                "{}; source: {source}",
                finding.help.unwrap_or_default()
            ));
        }
        out.push(finding);
    }
}
