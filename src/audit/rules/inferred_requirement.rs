//! `inferred-requirement`: the endpoint's requirement is inferred, not documented on its page.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};

use super::super::analysis::TokenAnalysis;
use super::{Rule, quoted_list};

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
        let scopes = t.table.scope_names(&ep.scopes);
        let needs = if scopes.is_empty() {
            "no scope".to_owned()
        } else {
            quoted_list(&scopes)
        };
        let mut finding = RULE
            .finding(
                entry.value.span,
                format!(
                    "`{}` is assumed to need {needs}; its docs page does not say",
                    ep.name
                ),
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
