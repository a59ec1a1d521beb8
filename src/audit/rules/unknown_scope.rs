//! `unknown-scope`: a scope name matches no scope of the table.

use crate::error::did_you_mean;
use crate::finding::{Finding, RuleId, Severity};

use super::super::analysis::TokenAnalysis;
use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::UnknownScope,
    default_severity: Severity::Error,
    summary: "a scope name matches no scope; did-you-mean",
    explanation: "Scopes are named exactly as Texter's token dialog shows them (any letter case) or by \
their slug id. Texter's own docs sometimes use other spellings (\"Manage Template Messages\"); the \
dialog has no scope by that name, so the token may not hold what the manifest claims. Fix: use the \
suggested name. `tokenscope table` lists every scope.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut Vec<Finding>) {
    for (entry, scope) in &t.scopes {
        if scope.is_some() {
            continue;
        }
        let raw = &entry.value.value;
        let help = did_you_mean(&t.table.suggest_scopes(raw))
            .unwrap_or_else(|| "`tokenscope table` lists every scope".to_owned());
        out.push(
            RULE.finding(
                entry.value.span,
                format!("`{raw}` is not a scope of the {} table", t.table.title),
            )
            .token(t.name())
            .scope(raw.clone())
            .label("unknown scope")
            .help(help),
        );
    }
}
