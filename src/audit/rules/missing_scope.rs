//! `missing-scope`: the token calls an endpoint that needs a scope it does not hold.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};

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
    for scope in t.missing() {
        let name = &t.table.scope(scope).name;
        let needing = t.needing(scope);
        let names: Vec<&str> = needing
            .iter()
            .map(|(_, id)| t.table.endpoint(*id).name.as_str())
            .collect();
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
            .scope(name.clone())
            .label(format!("`{name}` missing here"))
            .help(format!(
                "add `- {name}` to the token's scopes{}, or run `tokenscope suggest --write`",
                t.table.in_provider_too()
            ));
        for (entry, _) in &needing {
            finding = finding.related(entry.value.span, format!("needs `{name}`"));
        }
        out.push(finding);
    }
}
