//! `ambiguous-endpoint`: a reference matches several endpoints equally well.

use crate::audit::condense::FindingSink;
use crate::finding::{RuleId, Severity};
use crate::manifest::Resolution;

use super::super::analysis::TokenAnalysis;
use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::AmbiguousEndpoint,
    default_severity: Severity::Error,
    summary: "an endpoint reference matches several endpoints; lists them",
    explanation: "A path without a method can belong to several endpoints (`/labels` is both List All \
Labels and Create Label), and they may need different scopes. Fix: write the method (`GET /labels`) \
or the endpoint's name.",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    for (entry, resolution) in &t.endpoints {
        let Resolution::Ambiguous(ids) = resolution else {
            continue;
        };
        let raw = entry.value.value.trim();
        let candidates: Vec<String> = ids
            .iter()
            .map(|&id| t.table.endpoint(id).describe())
            .collect();
        let spellings: Vec<String> = ids
            .iter()
            .filter_map(|&id| t.table.endpoint(id).method.as_ref())
            .map(|m| format!("`{m} {raw}`"))
            .collect();
        out.push(
            RULE.finding(
                entry.value.span,
                format!(
                    "`{raw}` matches {} endpoints: {}",
                    ids.len(),
                    candidates.join(", ")
                ),
            )
            .token(t.name())
            .endpoint(raw.to_owned())
            .label("which one?")
            .help(format!("add the method: {}", spellings.join(" or "))),
        );
    }
}
