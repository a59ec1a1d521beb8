//! The rule registry: one file per rule, one list naming them all.

use crate::audit::condense::FindingSink;
use crate::finding::{Finding, RuleId, Severity};
use crate::source::Span;

use super::analysis::TokenAnalysis;

mod ambiguous_endpoint;
mod broad_token;
mod duplicate_endpoint;
mod duplicate_scope;
mod excess_level;
mod excess_scope;
mod high_risk_scope;
mod inferred_requirement;
pub mod live_scope_denied;
pub mod live_scope_undeclared;
mod missing_scope;
mod scope_free_endpoint;
pub mod undeclared_endpoint;
mod unexplained_ignore;
mod unknown_endpoint;
mod unknown_scope;
pub mod unused_endpoint;
pub mod unused_ignore;
mod unused_token;

pub use missing_scope::describe_alternative;
pub use unexplained_ignore::inline_finding as unexplained_inline_ignore;

/// Checks one token and appends its findings.
pub type Check = fn(&TokenAnalysis<'_>, &mut FindingSink<'_>);

/// A rule: its stable id, default severity, documentation and (for audit rules) its check.
pub struct Rule {
    pub id: RuleId,
    pub default_severity: Severity,
    /// One line: what the rule reports.
    pub summary: &'static str,
    /// Why it matters and how to fix it (`tokenscope explain RULE`, SARIF help).
    pub explanation: &'static str,
    /// `None` for rules another command checks (`scan --manifest`).
    pub check: Option<Check>,
}

impl Rule {
    /// Where this rule's documentation page is (`docs/rules/<id>.md` in the repository).
    pub fn docs_url(&self) -> String {
        format!(
            "{}/blob/main/docs/rules/{}.md",
            env!("CARGO_PKG_REPOSITORY"),
            self.id
        )
    }

    /// The rule's documentation page, generated from its own text (`docs/rules/<id>.md`; a
    /// test keeps the committed pages current).
    pub fn docs_page(&self) -> String {
        format!(
            "# `{id}`\n\n{summary}.\n\n- Default level: **{level}**\n- Checked by: {by}\n\n## Why it matters, and how to fix it\n\n{explanation}\n\n## Silencing it\n\nPer token in the manifest:\n\n```yaml\n    ignore:\n      - rule: {id}\n        reason: why it does not apply here\n```\n\nor on the line (or alone on the line above): `# tokenscope: ignore[{id}] why`. Change its level for a whole\nrepository in `.tokenscope.yaml` (`rules: {{{id}: warning}}`), or for one run with `--deny`,\n`--warn` or `--allow {id}`.\n\n`tokenscope explain {id}` prints this explanation.\n",
            id = self.id,
            summary = capitalized(self.summary),
            level = self.default_severity,
            by = self.checked_by(),
            explanation = self.explanation,
        )
    }

    /// The command that reports this rule.
    fn checked_by(&self) -> &'static str {
        match self.id {
            RuleId::UndeclaredEndpoint | RuleId::UnusedEndpoint => "`tokenscope scan --manifest`",
            RuleId::LiveScopeDenied | RuleId::LiveScopeUndeclared => "`tokenscope verify`",
            RuleId::UnknownEndpoint | RuleId::AmbiguousEndpoint | RuleId::UnknownScope => {
                "`tokenscope audit` and `tokenscope suggest`"
            }
            _ => "`tokenscope audit`",
        }
    }

    /// A finding of this rule at its default severity.
    pub fn finding(&self, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self.id, self.default_severity, span, message)
    }
}

/// Every rule, in the order of `RuleId::ALL`.
pub static REGISTRY: &[&Rule] = &[
    &missing_scope::RULE,
    &excess_scope::RULE,
    &unknown_endpoint::RULE,
    &ambiguous_endpoint::RULE,
    &unknown_scope::RULE,
    &duplicate_endpoint::RULE,
    &duplicate_scope::RULE,
    &unused_token::RULE,
    &scope_free_endpoint::RULE,
    &inferred_requirement::RULE,
    &broad_token::RULE,
    &high_risk_scope::RULE,
    &unexplained_ignore::RULE,
    &undeclared_endpoint::RULE,
    &unused_endpoint::RULE,
    &live_scope_denied::RULE,
    &live_scope_undeclared::RULE,
    &unused_ignore::RULE,
    &excess_level::RULE,
];

/// The registry entry of a rule id.
pub fn rule(id: RuleId) -> &'static Rule {
    // The registry is in RuleId order (tested), so the index lookup cannot miss.
    REGISTRY[id as usize]
}

/// The text with its first letter upper-case (a summary as a sentence).
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A quoted, comma-separated list for messages: `a`, `b` and `c`.
pub fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A `duplicate-*` finding for every entry whose key an earlier entry already had. Each item
/// is `(entry, key, name to report)`; resolved entries key by id, others by normalised text.
pub(super) fn duplicates<'a>(
    rule: &Rule,
    t: &TokenAnalysis<'_>,
    items: impl Iterator<Item = (&'a crate::manifest::Entry, String, String)>,
    subject: fn(Finding, String) -> Finding,
    out: &mut FindingSink<'_>,
) {
    let mut first_seen: std::collections::HashMap<String, &crate::manifest::Entry> =
        std::collections::HashMap::new();
    for (entry, key, name) in items {
        match first_seen.get(&key) {
            Some(first) => out.push(subject(
                rule.finding(
                    entry.value.span,
                    format!("token `{}` lists `{name}` twice", t.name()),
                )
                .token(t.name())
                .label("duplicate")
                .related(first.value.span, "first listed here")
                .help("remove one of the entries"),
                name,
            )),
            None => {
                first_seen.insert(key, entry);
            }
        }
    }
}

/// `1 scope`, `2 scopes`.
pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_lists_every_rule_once_in_id_order() {
        let ids: Vec<RuleId> = REGISTRY.iter().map(|r| r.id).collect();
        assert_eq!(ids, RuleId::ALL);
        for r in REGISTRY {
            assert!(
                !r.summary.is_empty() && !r.explanation.is_empty(),
                "{}",
                r.id
            );
        }
    }

    #[test]
    fn default_severities_follow_the_spec() {
        use RuleId::*;
        let errors = [
            MissingScope,
            UnknownEndpoint,
            AmbiguousEndpoint,
            UnknownScope,
            UndeclaredEndpoint,
            LiveScopeDenied,
        ];
        let notes = [
            ScopeFreeEndpoint,
            InferredRequirement,
            BroadToken,
            HighRiskScope,
        ];
        for r in REGISTRY {
            let expected = if errors.contains(&r.id) {
                Severity::Error
            } else if notes.contains(&r.id) {
                Severity::Note
            } else {
                Severity::Warning
            };
            assert_eq!(r.default_severity, expected, "{}", r.id);
        }
    }
}
