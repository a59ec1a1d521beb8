//! `unused-ignore`: a suppression (manifest `ignore:` or inline comment) that silences nothing,
//! as cargo-deny and clippy report: the finding it was for is fixed, or it never matched.

use crate::finding::{Finding, RuleId, Severity};
use crate::source::Span;

use super::Rule;

pub static RULE: Rule = Rule {
    id: RuleId::UnusedIgnore,
    default_severity: Severity::Warning,
    summary: "a suppression (manifest `ignore:` or inline comment) matches no finding",
    explanation: "A suppression that silences nothing is either left over from a finding that was \
fixed, or does not say what its author meant (a misspelled scope, the wrong token, the wrong line), \
so the finding it was meant for may still be reported — or, later, something else silenced. Fix: \
remove it, or correct its rule, scope, endpoint or line. Only rules `audit` checks are judged \
here; suppressions of `scan` and `verify` rules are left to those commands.",
    check: None,
};

/// A manifest `ignore:` entry of `token` that silenced nothing; `subject` says what it was
/// limited to (`` for `Manage labels` ``), if anything.
pub fn entry_finding(span: Span, token: &str, rule: RuleId, subject: &str) -> Finding {
    RULE.finding(
        span,
        format!(
            "this `ignore:` entry of token `{token}` silences nothing: no `{rule}` finding{subject}"
        ),
    )
    .token(token)
    .label("matches no finding")
    .help("remove the entry, or correct its `rule:`, `scope:` or `endpoint:`")
}

/// An inline `# tokenscope: ignore[...]` comment whose `rule` silenced nothing on its line
/// (or the next, for a comment alone on its line).
pub fn inline_finding(span: Span, rule: RuleId) -> Finding {
    RULE.finding(
        span,
        format!("this comment silences no `{rule}` finding on its line or the next"),
    )
    .label("matches no finding")
    .help("remove the rule from the comment, or move the comment to the line it is meant for")
}
