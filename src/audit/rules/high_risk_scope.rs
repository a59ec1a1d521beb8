//! `high-risk-scope`: the token holds a scope the table classes as high-risk.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};
use crate::table::Risk;

use super::super::analysis::TokenAnalysis;
use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::HighRiskScope,
    default_severity: Severity::Note,
    summary: "a token holds a `risk: high` scope; says why it is high",
    explanation: "Some scopes let a leaked token do real harm: send paid messages to anyone, read every \
conversation, redirect automations to an outside URL. Keep such tokens few, short-lived and stored \
as secrets; give them to one service each.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    for (entry, grant) in t.distinct_scopes() {
        let scope = t.table.scope(grant.scope);
        if scope.risk_at(grant.level) != Risk::High {
            continue;
        }
        let why = scope.risk_reason.as_deref().unwrap_or(&scope.summary);
        out.push(
            RULE.finding(
                entry.value.span,
                format!("`{}` is high-risk: {why}", t.table.grant_name(grant)),
            )
            .token(t.name())
            .scope(scope.name.clone())
            .label("high-risk scope")
            .help("keep this token to one service, store it as a secret and rotate it"),
        );
    }
}
