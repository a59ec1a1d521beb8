//! `live-scope-undeclared`: the real token holds a scope the manifest does not declare
//! (reported by `verify`, not by `audit`).

use crate::finding::{RuleId, Severity};

use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::LiveScopeUndeclared,
    default_severity: Severity::Warning,
    summary: "(`verify`) the live token holds a scope the manifest does not declare",
    explanation: "`tokenscope verify` confirmed with the real token a scope its manifest entry \
does not list: the token in production is broader than the one that was reviewed, and a leak of \
it exposes more than the manifest says. Fix: remove the scope from the token in Texter, or, if \
the integration needs it, declare it in the manifest so `tokenscope audit` checks that it is \
needed.",
    check: None,
};
