//! `unused-token`: a token lists no endpoints.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};

use super::super::analysis::TokenAnalysis;
use super::{Rule, plural};

pub static RULE: Rule = Rule {
    id: RuleId::UnusedToken,
    default_severity: Severity::Warning,
    summary: "a token lists no endpoints",
    explanation: "A token that calls nothing should not exist: every scope it holds is excess, and a \
leaked unused token is rarely noticed. Fix: list the endpoints it calls, or revoke the real token and \
remove it from the manifest.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    if !t.token.endpoint_entries().is_empty() {
        return;
    }
    let held = t.granted.as_ref().map_or(0, |g| g.len());
    let message = if held > 0 {
        format!(
            "token `{}` lists no endpoints but holds {}",
            t.name(),
            plural(held, "scope")
        )
    } else {
        format!("token `{}` lists no endpoints", t.name())
    };
    out.push(
        RULE.finding(t.token.name.span, message)
            .token(t.name())
            .label("calls nothing")
            .help("list the endpoints it calls under `endpoints:`, or revoke the token"),
    );
}
