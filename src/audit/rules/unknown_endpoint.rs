//! `unknown-endpoint`: a reference matches no endpoint of the table.

use crate::audit::condense::FindingSink;
use crate::error::did_you_mean;
use crate::finding::{RuleId, Severity};
use crate::manifest::Resolution;

use super::super::analysis::TokenAnalysis;
use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::UnknownEndpoint,
    default_severity: Severity::Error,
    summary: "an endpoint reference matches no endpoint; did-you-mean",
    explanation: "The reference is neither an endpoint name nor a `METHOD /path` of the scope table, \
so tokenscope cannot know what it needs, and every check of the token is incomplete. Fix: use the \
endpoint's name as in the API reference, or its method and path (`GET /chats/{chatId}`, a concrete \
path or a full URL). `tokenscope table` lists every endpoint.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    for (entry, resolution) in &t.endpoints {
        let Resolution::Unknown { hint } = resolution else {
            continue;
        };
        let raw = &entry.value.value;
        // Past the cap this finding is only counted: no did-you-mean for it.
        let suggestions = if out.saturated(RULE.id) {
            Vec::new()
        } else {
            t.table.suggest_endpoints(raw.trim())
        };
        let help = [hint.clone(), did_you_mean(&suggestions)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ");
        let help = if help.is_empty() {
            "`tokenscope table` lists every endpoint".to_owned()
        } else {
            help
        };
        out.push(
            RULE.finding(
                entry.value.span,
                format!("`{raw}` matches no endpoint of the {} table", t.table.title),
            )
            .token(t.name())
            .endpoint(raw.clone())
            .label("unknown endpoint")
            .help(help),
        );
    }
}
