//! `duplicate-scope`: one token lists the same scope twice.

use crate::audit::condense::FindingSink;
use crate::finding::{Finding, RuleId, Severity};
use crate::yaml::normalize;

use super::super::analysis::TokenAnalysis;
use super::{Rule, duplicates};

pub static RULE: Rule = Rule {
    id: RuleId::DuplicateScope,
    default_severity: Severity::Warning,
    summary: "one token lists the same scope twice",
    explanation: "A scope listed twice (perhaps once by name and once by id) adds nothing. Fix: keep one entry.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    let items = t.scopes.iter().map(|(entry, grant)| match grant {
        Ok(crate::table::Grant { scope: id, .. })
        | Err(crate::manifest::GrantProblem::UnknownLevel { scope: id, .. }) => (
            *entry,
            format!("#{}", id.0),
            t.table.scope(*id).name.clone(),
        ),
        Err(crate::manifest::GrantProblem::UnknownScope) => (
            *entry,
            normalize(&entry.value.value),
            entry.value.value.clone(),
        ),
    });
    duplicates(&RULE, t, items, Finding::scope, out);
}
