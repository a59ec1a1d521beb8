//! `duplicate-scope`: one token lists the same scope twice.

use std::collections::HashMap;

use crate::finding::{Finding, RuleId, Severity};
use crate::yaml::normalize;

use super::super::analysis::TokenAnalysis;
use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::DuplicateScope,
    default_severity: Severity::Warning,
    summary: "one token lists the same scope twice",
    explanation: "A scope listed twice (perhaps once by name and once by id) adds nothing. Fix: keep one entry.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut Vec<Finding>) {
    let mut first_seen: HashMap<String, &crate::manifest::Entry> = HashMap::new();
    for (entry, scope) in &t.scopes {
        let (key, name) = match scope {
            Some(id) => (format!("#{}", id.0), t.table.scope(*id).name.clone()),
            None => (normalize(&entry.value.value), entry.value.value.clone()),
        };
        match first_seen.get(&key) {
            Some(first) => out.push(
                RULE.finding(
                    entry.value.span,
                    format!("token `{}` lists `{name}` twice", t.name()),
                )
                .token(t.name())
                .scope(name)
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
