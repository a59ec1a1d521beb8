//! `unknown-scope`: a scope name matches no scope of the table.

use crate::audit::condense::FindingSink;
use crate::error::did_you_mean;
use crate::finding::{RuleId, Severity};
use crate::manifest::GrantProblem;

use super::super::analysis::TokenAnalysis;
use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::UnknownScope,
    default_severity: Severity::Error,
    summary: "a scope name matches no scope; did-you-mean",
    explanation: "Scopes are named exactly as the provider's token dialog shows them (any letter case) \
or by their slug id. An API's own docs sometimes use other spellings (\"Manage Template Messages\"); the \
dialog has no scope by that name, so the token may not hold what the manifest claims. Fix: use the \
suggested name. `tokenscope table` lists every scope.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    // A name listed many times is looked up once.
    let mut helps: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    for (entry, grant) in &t.scopes {
        let raw = &entry.value.value;
        match grant {
            Ok(_) => continue,
            Err(GrantProblem::UnknownLevel { scope, level }) => {
                let scope = t.table.scope(*scope);
                let help = if scope.levels.is_empty() {
                    format!(
                        "`{}` has no levels: write just `{}`",
                        scope.name, scope.name
                    )
                } else {
                    format!("its levels: {}", scope.levels.join(", "))
                };
                let span = entry.level.as_ref().map_or(entry.value.span, |l| l.span);
                out.push(
                    RULE.finding(
                        span,
                        format!("`{level}` is not a level of `{}`", scope.name),
                    )
                    .token(t.name())
                    .scope(scope.name.clone())
                    .label("unknown level")
                    .help(help),
                );
                continue;
            }
            Err(GrantProblem::UnknownScope) => {}
        }
        let help = match helps.get(raw.as_str()) {
            Some(help) => help.clone(),
            None => {
                // Past the cap this finding is only counted: no did-you-mean for it.
                let suggestions = if out.saturated(RULE.id) {
                    Vec::new()
                } else {
                    t.table.suggest_scopes(raw)
                };
                let help = did_you_mean(&suggestions)
                    .unwrap_or_else(|| "`tokenscope table` lists every scope".to_owned());
                helps.insert(raw, help.clone());
                help
            }
        };
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
