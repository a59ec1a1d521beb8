//! `excess-scope`: the token holds a scope none of its endpoints needs.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};

use super::super::analysis::TokenAnalysis;
use super::{Rule, plural, quoted_list};

pub static RULE: Rule = Rule {
    id: RuleId::ExcessScope,
    default_severity: Severity::Warning,
    summary: "a token holds a scope none of its endpoints needs",
    explanation: "A scope no endpoint of the token needs only widens what a leaked token can do. \
Fix: remove it from the real token and from the manifest (`tokenscope suggest --write` does \
the manifest), or, if it is kept on purpose, add an `ignore:` entry with the reason.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    // A token that lists no endpoints is reported once, by `unused-token`.
    if t.token.endpoint_entries().is_empty() {
        return;
    }
    let excess = t.excess();
    let unresolved = t.unresolved_endpoints();
    let swaps = t.table.grant_names(&t.swaps());
    for (entry, grant) in t.distinct_scopes() {
        if !excess.contains(&grant.scope) {
            continue;
        }
        let name = &t.table.scope(grant.scope).name;
        let held = t.table.grant_name(grant);
        let mut help = if swaps.is_empty() {
            format!(
                "remove it from the token's scopes{}, or run `tokenscope suggest --write`",
                t.table.in_provider_too()
            )
        } else {
            format!(
                "remove it and hold {} instead{}, or run `tokenscope suggest --write`",
                quoted_list(&swaps),
                t.table.in_provider_too()
            )
        };
        if unresolved > 0 {
            help.push_str(&format!(
                "; {} of this token did not resolve, and may need it",
                plural(unresolved, "endpoint reference")
            ));
        }
        if !t.needs().proven {
            help.push_str("; the cheapest set was not proven within the search bound");
        }
        let (message, label) = if swaps.is_empty() {
            (
                format!(
                    "token `{}` holds `{held}`, which none of its endpoints needs",
                    t.name()
                ),
                "not needed by any endpoint of this token",
            )
        } else {
            (
                format!(
                    "token `{}` holds `{held}`, which the least-privileged set for its endpoints does without (it holds {} instead)",
                    t.name(),
                    quoted_list(&swaps)
                ),
                "not in the least-privileged set",
            )
        };
        out.push(
            RULE.finding(entry.value.span, message)
                .token(t.name())
                .scope(name.clone())
                .label(label)
                .help(help),
        );
    }
}
