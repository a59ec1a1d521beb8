//! `duplicate-endpoint`: one token lists the same endpoint twice, possibly spelled differently.

use std::collections::HashMap;

use crate::finding::{Finding, RuleId, Severity};
use crate::yaml::normalize;

use super::super::analysis::TokenAnalysis;
use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::DuplicateEndpoint,
    default_severity: Severity::Warning,
    summary: "one token lists the same endpoint twice (also via different spellings)",
    explanation: "Two entries that resolve to the same endpoint (`Resolve Chat` and \
`POST /chats/1/resolve`) add nothing and make reviews harder. Fix: keep one entry.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut Vec<Finding>) {
    let mut first_seen: HashMap<String, &crate::manifest::Entry> = HashMap::new();
    for (entry, resolution) in &t.endpoints {
        // Resolved entries compare by endpoint; unresolved ones by their normalised text.
        let (key, name) = match resolution.endpoint() {
            Some(id) => (format!("#{}", id.0), t.table.endpoint(id).name.clone()),
            None => (normalize(&entry.value.value), entry.value.value.clone()),
        };
        match first_seen.get(&key) {
            Some(first) => out.push(
                RULE.finding(
                    entry.value.span,
                    format!("token `{}` lists `{name}` twice", t.name()),
                )
                .token(t.name())
                .endpoint(name)
                .label("duplicate")
                .related(first.value.span, "first listed here")
                .help("remove one of the entries"),
            ),
            None => {
                first_seen.insert(key, entry);
            }
        }
    }
}
