//! `undeclared-endpoint`: code calls an endpoint no token of the manifest declares
//! (reported by `scan --manifest`, not by `audit`).

use crate::finding::{RuleId, Severity};

use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::UndeclaredEndpoint,
    default_severity: Severity::Error,
    summary: "(`scan --manifest`) code calls an endpoint no token of the manifest declares",
    explanation: "The code calls an endpoint the manifest does not list, so the manifest's scope \
review misses what that call needs. Fix: add the endpoint to the token that makes the call.",
    check: None,
};
