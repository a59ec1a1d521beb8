//! `duplicate-endpoint`: one token lists the same endpoint twice, possibly spelled differently.

use crate::audit::condense::FindingSink;
use crate::finding::{Finding, RuleId, Severity};
use crate::yaml::normalize;

use super::super::analysis::TokenAnalysis;
use super::{Rule, duplicates};

pub static RULE: Rule = Rule {
    id: RuleId::DuplicateEndpoint,
    default_severity: Severity::Warning,
    summary: "one token lists the same endpoint twice (also via different spellings)",
    explanation: "Two entries that resolve to the same endpoint (`Resolve Chat` and \
`POST /chats/1/resolve`) add nothing and make reviews harder. Fix: keep one entry.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    // Resolved entries compare by endpoint; unresolved ones by their normalised text.
    let items = t
        .endpoints
        .iter()
        .map(|(entry, resolution)| match resolution.endpoint() {
            Some(id) => (
                *entry,
                format!("#{}", id.0),
                t.table.endpoint(id).name.to_string(),
            ),
            None => (
                *entry,
                normalize(&entry.value.value),
                entry.value.value.clone(),
            ),
        });
    duplicates(&RULE, t, items, Finding::endpoint, out);
}
