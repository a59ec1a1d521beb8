//! `unused-endpoint`: a declared endpoint is called nowhere in the scanned code
//! (reported by `scan --manifest`, not by `audit`).

use crate::finding::{Finding, RuleId, Severity};
use crate::source::Span;

use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::UnusedEndpoint,
    default_severity: Severity::Warning,
    summary: "(`scan --manifest`) a declared endpoint is called nowhere in the scanned code",
    explanation: "The manifest lists an endpoint the code never calls, so the token may hold scopes \
only that endpoint needs. Fix: remove the entry (then `tokenscope suggest --write`), or add an \
`ignore:` entry if the call happens somewhere scan cannot see.",
    check: None,
};

/// The finding at the manifest entry (`span`) of `token` declaring `endpoint`, which no
/// scanned code calls.
pub fn finding(span: Span, token: &str, endpoint: &str) -> Finding {
    RULE.finding(
        span,
        format!("token `{token}` declares `{endpoint}`, but no scanned code calls it"),
    )
    .token(token)
    .endpoint(endpoint)
    .label("called nowhere")
    .help(
        "remove it (then `tokenscope suggest --write`), or add an `ignore:` entry if the call \
         is made somewhere scan cannot see",
    )
}
