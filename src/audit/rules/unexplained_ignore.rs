//! `unexplained-ignore`: a suppression (manifest `ignore:` or inline comment) gives no reason.

use crate::audit::condense::FindingSink;
use crate::finding::{Finding, RuleId, Severity};
use crate::source::Span;

use super::super::analysis::TokenAnalysis;
use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::UnexplainedIgnore,
    default_severity: Severity::Warning,
    summary: "a suppression (manifest `ignore:` or inline comment) has no reason",
    explanation: "A silenced finding without a reason cannot be re-examined later: nobody knows \
whether it still applies. Fix: add `reason:` to the `ignore:` entry, or text after the inline \
comment (`# tokenscope: ignore[excess-scope] kept for the Q3 template picker`).",
    check: Some(check),
};

fn check(t: &TokenAnalysis<'_>, out: &mut FindingSink<'_>) {
    for ignore in &t.token.ignores {
        if ignore
            .reason
            .as_ref()
            .is_some_and(|r| !r.value.trim().is_empty())
        {
            continue;
        }
        out.push(
            RULE.finding(
                ignore.rule_text.span,
                format!(
                    "token `{}` ignores `{}` without saying why",
                    t.name(),
                    ignore.rule
                ),
            )
            .token(t.name())
            .label("no `reason:`")
            .help("add `reason:` explaining why the finding does not apply"),
        );
    }
}

/// The finding for an inline `# tokenscope: ignore[...]` comment with no reason text.
pub fn inline_finding(span: Span, rules: &str) -> Finding {
    RULE.finding(span, format!("inline ignore of {rules} without a reason"))
        .label("no reason after the comment")
        .help("write the reason after the brackets: `# tokenscope: ignore[rule] why it does not apply`")
}
