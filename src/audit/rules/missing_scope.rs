//! `missing-scope`: the token calls an endpoint it holds no sufficient scope for.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};
use crate::table::{EndpointId, Grant, Table};

use super::super::analysis::TokenAnalysis;
use super::{Rule, quoted_list};

pub static RULE: Rule = Rule {
    id: RuleId::MissingScope,
    default_severity: Severity::Error,
    summary: "a token calls an endpoint needing a scope it does not hold",
    explanation: "Every endpoint needs all of its listed scopes. A token without one of them is \
refused by the API at run time, usually after deploy. The finding names the endpoints that need \
the scope. Fix: add the scope to the real token and to the manifest's `scopes:` list, or \
stop calling those endpoints. `tokenscope suggest --write` rewrites the list to the minimal set.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    let Some(list) = &t.token.scopes else {
        return;
    };
    let unproven = !t.needs().proven;
    for grant in t.missing().iter() {
        let name = t.table.grant_name(grant);
        let scope = &t.table.scope(grant.scope).name;
        let needing = t.needing(grant);
        let names: Vec<&str> = needing
            .iter()
            .map(|(_, id)| t.table.endpoint(*id).name.as_ref())
            .collect();
        let held = t.granted.as_ref().and_then(|g| g.level(grant.scope));
        let mut help = match held {
            Some(level) => format!(
                "raise `{}` from `{}` to `{}` in the token's scopes{}, or run `tokenscope suggest --write`",
                scope,
                t.table
                    .scope(grant.scope)
                    .level_name(level)
                    .unwrap_or_default(),
                t.table
                    .scope(grant.scope)
                    .level_name(grant.level)
                    .unwrap_or_default(),
                t.table.in_provider_too()
            ),
            None => format!(
                "add `- {}` to the token's scopes{}, or run `tokenscope suggest --write`",
                t.table.grant_ref(grant),
                t.table.in_provider_too()
            ),
        };
        let others = other_alternatives(t, grant, &needing);
        if !others.is_empty() {
            help.push_str(&format!(
                "; other ways to satisfy {}: {}",
                plural_them(&needing),
                others.join("; ")
            ));
        }
        if unproven {
            help.push_str("; the cheapest set was not proven within the search bound");
        }
        let mut finding = RULE
            .finding(
                list.key.span,
                format!(
                    "token `{}` lacks `{name}`, needed by {}",
                    t.name(),
                    quoted_list(&names)
                ),
            )
            .token(t.name())
            .scope(scope.clone())
            .label(format!("`{name}` missing here"))
            .help(help);
        for (entry, _) in &needing {
            finding = finding.related(entry.value.span, format!("needs `{name}`"));
        }
        out.push(finding);
    }
    for (entry, id) in t.uncallable() {
        let ep = t.table.endpoint(id);
        let kind = t.kind_name().unwrap_or("this");
        let able: Vec<&str> = t
            .table
            .token_kinds
            .iter()
            .enumerate()
            .filter(|(k, _)| !t.table.requirement(id, *k).alternatives.is_empty())
            .map(|(_, name)| name.as_str())
            .collect();
        let help = if able.is_empty() {
            "no kind of token can call it".to_owned()
        } else {
            format!(
                "call it with a token of kind {}",
                able.iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )
        };
        out.push(
            RULE.finding(
                entry.value.span,
                format!(
                    "token `{}` is of kind `{kind}`, which cannot call `{}` whatever scopes it holds",
                    t.name(),
                    ep.name
                ),
            )
            .token(t.name())
            .endpoint(ep.name.clone())
            .label(format!("not callable by kind `{kind}`"))
            .help(help),
        );
    }
}

/// "them" or "it".
fn plural_them<T>(items: &[T]) -> &'static str {
    if items.len() == 1 { "it" } else { "them" }
}

/// The alternatives of the needing endpoints that do not use `grant`, described.
fn other_alternatives(
    t: &TokenAnalysis<'_>,
    grant: Grant,
    needing: &[(&crate::manifest::Entry, EndpointId)],
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, id) in needing {
        for alt in t.requirement(*id).alternatives.iter() {
            if alt.iter().any(|g| g.scope == grant.scope) {
                continue;
            }
            let text = describe_alternative(t.table, alt);
            if !out.contains(&text) {
                out.push(text);
            }
        }
    }
    out
}

/// `Pull requests: write`, or `Contents: write` with `Workflows: write`.
pub fn describe_alternative(table: &Table, alt: &[Grant]) -> String {
    let names: Vec<String> = alt.iter().map(|&g| table.grant_name(g)).collect();
    if names.is_empty() {
        "no scope".to_owned()
    } else {
        quoted_list(&names)
    }
}
