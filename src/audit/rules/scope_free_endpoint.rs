//! `scope-free-endpoint`: an endpoint works with any valid token.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};

use super::super::analysis::TokenAnalysis;
use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::ScopeFreeEndpoint,
    default_severity: Severity::Note,
    summary: "an endpoint works with any valid token",
    explanation: "Some endpoints (List All Labels, Get Label Data, List Channel Health Problems) need \
no scope at all. Good to know: a token that only calls these can hold no scopes, and such calls \
cannot tell you whether a token holds a scope.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    for (entry, id) in t.distinct_endpoints() {
        let ep = t.table.endpoint(id);
        if !t.requirement(id).is_free() {
            continue;
        }
        out.push(
            RULE.finding(
                entry.value.span,
                format!(
                    "`{}` works with any valid token; it needs no scope",
                    ep.name
                ),
            )
            .token(t.name())
            .endpoint(ep.name.clone())
            .label("needs no scope"),
        );
    }
}
