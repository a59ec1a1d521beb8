//! `unused-endpoint`: a declared endpoint is called nowhere in the scanned code
//! (reported by `scan --manifest`, not by `audit`).

use crate::finding::{RuleId, Severity};

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
