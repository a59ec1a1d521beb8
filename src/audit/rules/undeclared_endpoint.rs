//! `undeclared-endpoint`: code calls an endpoint no token of the manifest declares
//! (reported by `scan --manifest`, not by `audit`).

use crate::finding::{Finding, RuleId, Severity};
use crate::source::Span;

use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::UndeclaredEndpoint,
    default_severity: Severity::Error,
    summary: "(`scan --manifest`) code calls an endpoint no token of the manifest declares",
    explanation: "The code calls an endpoint the manifest does not list, so the manifest's scope \
review misses what that call needs. Fix: add the endpoint to the token that makes the call.",
    check: None,
};

/// The finding at the code (`span`) that calls `endpoint` (`signature`), which no token of
/// `integration` (declared in `manifest_path`) declares.
pub fn finding(
    span: Span,
    endpoint: &str,
    signature: &str,
    integration: &str,
    manifest_path: &str,
) -> Finding {
    RULE.finding(
        span,
        format!(
            "this calls `{endpoint}` ({signature}), which no token of `{integration}` declares"
        ),
    )
    .endpoint(endpoint)
    .label("undeclared call")
    .help(format!(
        "add `- {endpoint}` to the `endpoints:` of the token that makes this call in \
         {manifest_path}, then run `tokenscope suggest`"
    ))
}
