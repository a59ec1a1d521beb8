//! `live-scope-denied`: the manifest declares a scope the real token lacks
//! (reported by `verify`, not by `audit`).

use crate::finding::{Finding, RuleId, Severity};
use crate::source::Span;
use crate::table::Table;

use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::LiveScopeDenied,
    default_severity: Severity::Error,
    summary: "(`verify`) the manifest declares a scope the live token lacks",
    explanation: "`tokenscope verify` called a side-effect-free GET endpoint needing the scope with \
the real token, and the API refused it (401 or 403), while the endpoint any valid token may call \
worked. The integration's calls that need the scope will fail in production. Fix: add the scope \
to the real token, or drop it from the manifest if the \
integration no longer needs it.",
    check: None,
};

/// The finding: `scope` is declared (at `span`) but the live token was refused (`why`).
pub fn finding(table: &Table, span: Span, token: &str, scope: &str, why: &str) -> Finding {
    RULE.finding(
        span,
        format!("token `{token}` declares `{scope}`, but the live token lacks it ({why})"),
    )
    .token(token)
    .scope(scope)
    .label("refused to the live token")
    .help(format!(
        "add `{scope}` to {}, or drop it from the manifest if the integration no longer needs it",
        table.token_in_provider()
    ))
}
