//! `broad-token`: one token's endpoints span several areas of the API.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};

use super::super::analysis::TokenAnalysis;
use super::{Rule, quoted_list};

pub static RULE: Rule = Rule {
    id: RuleId::BroadToken,
    default_severity: Severity::Note,
    summary: "a token's endpoints span several areas; points to `suggest --split-by-area`",
    explanation: "One token per area of the API (templates, chats, scenarios, ...) means a leak \
exposes one area only. `tokenscope suggest --split-by-area` proposes the per-area tokens and their \
minimal scopes, and says when splitting would buy nothing.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    let areas = t.areas();
    if areas.len() < 2 {
        return;
    }
    let ids: Vec<&str> = areas.iter().map(|&a| t.table.area(a).id.as_str()).collect();
    out.push(
        RULE.finding(
            t.token.name.span,
            format!(
                "token `{}` calls endpoints in {} areas: {}",
                t.name(),
                ids.len(),
                quoted_list(&ids)
            ),
        )
        .token(t.name())
        .label("spans several areas")
        .help("consider one token per area: `tokenscope suggest --split-by-area`"),
    );
}
