//! Findings: what tokenscope reports about a valid manifest, and the frozen rule ids.

use std::fmt;

use serde::Serialize;

use crate::source::Span;

/// How serious a finding is. Ordered so that `Error > Warning > Note`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rule_ids {
    ($($variant:ident => $id:literal,)*) => {
        /// A rule's stable identifier. Ids are part of the public contract (CI configs,
        /// suppressions and baselines name them): never rename or reuse one.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            /// Every rule id, in the order of the SPEC's rule table.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleId::$variant => $id,)*
                }
            }

            pub fn parse(s: &str) -> Option<RuleId> {
                match s {
                    $($id => Some(RuleId::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

rule_ids! {
    MissingScope => "missing-scope",
    ExcessScope => "excess-scope",
    UnknownEndpoint => "unknown-endpoint",
    AmbiguousEndpoint => "ambiguous-endpoint",
    UnknownScope => "unknown-scope",
    DuplicateEndpoint => "duplicate-endpoint",
    DuplicateScope => "duplicate-scope",
    UnusedToken => "unused-token",
    ScopeFreeEndpoint => "scope-free-endpoint",
    InferredRequirement => "inferred-requirement",
    BroadToken => "broad-token",
    HighRiskScope => "high-risk-scope",
    UnexplainedIgnore => "unexplained-ignore",
    UndeclaredEndpoint => "undeclared-endpoint",
    UnusedEndpoint => "unused-endpoint",
    LiveScopeDenied => "live-scope-denied",
    LiveScopeUndeclared => "live-scope-undeclared",
    UnusedIgnore => "unused-ignore",
    ExcessLevel => "excess-level",
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A secondary place a finding points at (e.g. the endpoints that need a missing scope).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub label: String,
}

/// One reported problem, located in a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub token: Option<String>,
    /// The scope concerned, by its table name when it resolved, else as written.
    pub scope: Option<String>,
    /// The endpoint concerned, by its table name when it resolved, else as written.
    pub endpoint: Option<String>,
    pub span: Span,
    /// Short text under the primary span.
    pub label: String,
    pub related: Vec<Related>,
    pub help: Option<String>,
}

impl Finding {
    /// A finding with the rule's default severity; refine it with the builder methods.
    pub fn new(rule: RuleId, severity: Severity, span: Span, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity,
            message: message.into(),
            token: None,
            scope: None,
            endpoint: None,
            span,
            label: String::new(),
            related: Vec::new(),
            help: None,
        }
    }

    pub fn token(mut self, token: &str) -> Self {
        self.token = Some(token.to_owned());
        self
    }

    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    pub fn related(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            label: label.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The order findings are printed in: by position, then rule, then subject.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.span.offset,
            self.rule,
            self.scope.as_deref(),
            self.endpoint.as_deref(),
            &self.message,
        )
    }
}

/// Counts of findings by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Summary {
    pub fn add(&mut self, severity: Severity) {
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
            Severity::Note => self.notes += 1,
        }
    }

    /// Adds another summary's counts.
    pub fn merge(&mut self, other: &Summary) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.notes += other.notes;
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.notes
    }

    /// The worst severity counted, if any.
    pub fn worst(&self) -> Option<Severity> {
        if self.errors > 0 {
            Some(Severity::Error)
        } else if self.warnings > 0 {
            Some(Severity::Warning)
        } else if self.notes > 0 {
            Some(Severity::Note)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule ids are a public contract: this list may only grow, at the end.
    #[test]
    fn rule_ids_are_frozen() {
        let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(
            ids,
            [
                "missing-scope",
                "excess-scope",
                "unknown-endpoint",
                "ambiguous-endpoint",
                "unknown-scope",
                "duplicate-endpoint",
                "duplicate-scope",
                "unused-token",
                "scope-free-endpoint",
                "inferred-requirement",
                "broad-token",
                "high-risk-scope",
                "unexplained-ignore",
                "undeclared-endpoint",
                "unused-endpoint",
                "live-scope-denied",
                "live-scope-undeclared",
                "unused-ignore",
                "excess-level",
            ]
        );
        for id in RuleId::ALL {
            assert_eq!(RuleId::parse(id.as_str()), Some(*id));
        }
    }
}
