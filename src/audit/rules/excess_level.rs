//! `excess-level`: the token holds a scope at a higher level than its endpoints need.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};

use super::super::analysis::TokenAnalysis;
use super::{Rule, plural};

pub static RULE: Rule = Rule {
    id: RuleId::ExcessLevel,
    default_severity: Severity::Warning,
    summary: "a token holds a scope at a higher level than any of its endpoints needs",
    explanation: "Levels are ordered (`read` < `write` < `admin`), and a level grants every lower \
one. Holding `Contents: write` where every endpoint is satisfied by `Contents: read` lets a \
leaked token push code for nothing. Fix: lower the level on the real token and in the manifest \
(`tokenscope suggest --write` does the manifest), or add an `ignore:` entry with the reason.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    if t.token.endpoint_entries().is_empty() {
        return;
    }
    let unresolved = t.unresolved_endpoints();
    let lower = t.excess_levels();
    for (entry, grant) in t.distinct_scopes() {
        let Some((held, needed)) = lower.iter().find(|(h, _)| h.scope == grant.scope) else {
            continue;
        };
        let scope = t.table.scope(held.scope);
        let mut help = format!(
            "lower it to `{}`{}, or run `tokenscope suggest --write`",
            t.table.grant_ref(*needed),
            t.table.in_provider_too()
        );
        if unresolved > 0 {
            help.push_str(&format!(
                "; {} of this token did not resolve, and may need more",
                plural(unresolved, "endpoint reference")
            ));
        }
        out.push(
            RULE.finding(
                entry.value.span,
                format!(
                    "token `{}` holds `{}`, but its endpoints need only `{}`",
                    t.name(),
                    t.table.grant_name(*held),
                    t.table.grant_name(*needed)
                ),
            )
            .token(t.name())
            .scope(scope.name.clone())
            .label(format!(
                "`{}` is enough",
                scope.level_name(needed.level).unwrap_or_default()
            ))
            .help(help),
        );
    }
}
