//! `live-scope-undeclared`: the real token holds a scope the manifest does not declare
//! (reported by `verify`, not by `audit`).

use crate::finding::{Finding, RuleId, Severity};
use crate::source::Span;
use crate::table::Table;

use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::LiveScopeUndeclared,
    default_severity: Severity::Warning,
    summary: "(`verify`) the live token holds a scope the manifest does not declare",
    explanation: "`tokenscope verify` confirmed with the real token a scope its manifest entry \
does not list: the token in production is broader than the one that was reviewed, and a leak of \
it exposes more than the manifest says. Fix: remove the scope from the real token, or, if \
the integration needs it, declare it in the manifest so `tokenscope audit` checks that it is \
needed.",
    check: None,
};

/// The finding: the live token holds `scope` (`why`), which the token (its `scopes:` at
/// `span`) does not declare.
pub fn finding(table: &Table, span: Span, token: &str, scope: &str, why: &str) -> Finding {
    RULE.finding(
        span,
        format!("the live token holds `{scope}`, which token `{token}` does not declare ({why})"),
    )
    .token(token)
    .scope(scope)
    .label(format!("`{scope}` is not declared here"))
    .help(format!(
        "the real token is broader than the reviewed manifest: remove `{scope}` from {}, or \
         declare it (and `tokenscope audit` checks it is needed)",
        table.token_in_provider()
    ))
}
