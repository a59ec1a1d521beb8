//! Auditing a manifest: resolve each token, run every rule, apply suppressions.

mod analysis;
pub mod condense;
pub mod rules;
mod suppress;

pub use analysis::TokenAnalysis;
pub use condense::FindingSink;
use rules::unused_ignore;
pub use rules::{REGISTRY, Rule, plural, quoted_list, rule};
pub use suppress::ignore_covers;

use crate::error::InputError;
use std::cell::RefCell;

use crate::finding::{Finding, RuleId};
use crate::manifest::{Manifest, Resolution};
use crate::table::{GrantSet, Table};

/// Knobs that change what an audit reports.
#[derive(Clone, Copy, Debug, Default)]
pub struct AuditOptions {
    /// Report findings even where a manifest `ignore:` or inline comment silences them.
    pub no_ignores: bool,
}

/// One token's resolved view, as reports show it.
#[derive(Debug)]
pub struct TokenReport {
    pub name: String,
    /// The token's kind, when the table has kinds.
    pub kind: Option<String>,
    pub granted: Option<GrantSet>,
    /// The least-privileged set.
    pub required: GrantSet,
    pub missing: GrantSet,
    /// Held grants the least-privileged set does without.
    pub excess: GrantSet,
    /// Held grants above the level needed, at the level held.
    pub excess_levels: GrantSet,
    /// Whether `required` and `missing` are proven cheapest (else best found within the bound).
    pub proven: bool,
    /// Each endpoint reference as written, with what it resolved to.
    pub endpoints: Vec<(String, Resolution)>,
}

/// The audit of one manifest.
#[derive(Debug)]
pub struct ManifestReport {
    /// The table the manifest was checked against (its `api:`).
    pub table: &'static Table,
    pub manifest: Manifest,
    pub tokens: Vec<TokenReport>,
    /// Sorted by position, then rule.
    pub findings: Vec<Finding>,
}

/// Runs every audit rule over every token of a manifest.
pub fn audit(
    table: &'static Table,
    manifest: Manifest,
    options: AuditOptions,
) -> Result<ManifestReport, Vec<InputError>> {
    let inline = &manifest.inline_ignores;
    // Which inline comments (and which of their rules) silenced something.
    let inline_used: RefCell<Vec<Vec<bool>>> = RefCell::new(
        inline
            .iter()
            .map(|ig| vec![false; ig.rules.len()])
            .collect(),
    );
    let mut findings = Vec::new();
    let mut tokens = Vec::new();
    for token in &manifest.tokens {
        let analysis = TokenAnalysis::new(table, token);
        let entries_used = RefCell::new(vec![false; token.ignores.len()]);
        // Suppressed findings are dropped as they arrive, before they count toward a cap.
        let mut sink = FindingSink::new(|f: &Finding| {
            if options.no_ignores {
                return true;
            }
            let mut silenced = false;
            if f.rule != RuleId::UnexplainedIgnore {
                for (i, ig) in token.ignores.iter().enumerate() {
                    if suppress::ignore_covers(table, ig, f) {
                        entries_used.borrow_mut()[i] = true;
                        silenced = true;
                    }
                }
            }
            for (i, ig) in inline.iter().enumerate() {
                if ig.covers(f) {
                    if let Some(j) = ig.rules.iter().position(|r| *r == f.rule) {
                        inline_used.borrow_mut()[i][j] = true;
                    }
                    silenced = true;
                }
            }
            !silenced
        });
        for rule in REGISTRY {
            if let Some(check) = rule.check {
                check(&analysis, &mut sink);
            }
        }
        findings.extend(sink.into_findings());
        if !options.no_ignores {
            findings.extend(unused_entries(token, &entries_used.into_inner()));
        }
        let excess = analysis.excess();
        tokens.push(TokenReport {
            name: token.name.value.clone(),
            kind: analysis.kind_name().map(str::to_owned),
            granted: analysis.granted.clone(),
            required: analysis.required().clone(),
            missing: analysis.missing(),
            excess: analysis
                .granted
                .iter()
                .flat_map(|g| g.iter())
                .filter(|g| excess.contains(&g.scope))
                .collect(),
            excess_levels: analysis
                .excess_levels()
                .into_iter()
                .map(|(h, _)| h)
                .collect(),
            proven: analysis.needs().proven,
            endpoints: distinct_references(&analysis),
        });
    }
    for ig in inline.iter().filter(|ig| ig.reason.is_none()) {
        let names: Vec<&str> = ig.rules.iter().map(|r| r.as_str()).collect();
        findings.push(rules::unexplained_inline_ignore(
            ig.span,
            &quoted_list(&names),
        ));
    }
    if !options.no_ignores {
        for (ig, used) in inline.iter().zip(inline_used.into_inner()) {
            for (rule, used) in ig.rules.iter().zip(used) {
                if !used && judged_here(*rule) {
                    findings.push(unused_ignore::inline_finding(ig.span, *rule));
                }
            }
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(ManifestReport {
        table,
        manifest,
        tokens,
        findings,
    })
}

/// Whether `audit` can tell that a suppression of `rule` silences nothing: only for the rules it
/// checks (the `scan` and `verify` rules are judged by those commands).
fn judged_here(rule: RuleId) -> bool {
    crate::audit::rule(rule).check.is_some() && rule != RuleId::UnusedIgnore
}

/// `unused-ignore` for the manifest `ignore:` entries of a token that silenced nothing.
fn unused_entries(token: &crate::manifest::Token, used: &[bool]) -> Vec<Finding> {
    token
        .ignores
        .iter()
        .zip(used)
        .filter(|(ig, used)| !**used && judged_here(ig.rule))
        .map(|(ig, _)| {
            let subject = match (&ig.scope, &ig.endpoint) {
                (Some(s), _) => format!(" for `{}`", s.value),
                (None, Some(e)) => format!(" for `{}`", e.value),
                (None, None) => String::new(),
            };
            unused_ignore::entry_finding(ig.span, &token.name.value, ig.rule, &subject)
        })
        .collect()
}

/// Each endpoint reference of a token once, as first written, with what it resolved to: a
/// reference repeated thousands of times is one entry, not thousands.
fn distinct_references(analysis: &TokenAnalysis<'_>) -> Vec<(String, Resolution)> {
    let mut seen = std::collections::HashSet::new();
    analysis
        .endpoints
        .iter()
        .filter(|(e, _)| seen.insert(e.value.value.as_str()))
        .map(|(e, r)| (e.value.value.clone(), r.clone()))
        .collect()
}

/// A manifest's suppressions (its tokens' `ignore:` entries and its inline comments), read
/// once, for commands that check findings `audit` did not make.
pub struct Suppressions<'m> {
    inline: &'m [crate::manifest::InlineIgnore],
}

impl<'m> Suppressions<'m> {
    /// The inline comments were read (and any malformed one refused) with the manifest.
    pub fn of(manifest: &'m Manifest) -> Self {
        Suppressions {
            inline: &manifest.inline_ignores,
        }
    }

    /// Whether an `ignore:` entry of `token`, or an inline comment on the finding's line or the
    /// line above, silences a finding located in the manifest.
    pub fn covers(&self, table: &Table, token: &crate::manifest::Token, finding: &Finding) -> bool {
        token
            .ignores
            .iter()
            .any(|ig| suppress::ignore_covers(table, ig, finding))
            || self.inline.iter().any(|ig| ig.covers(finding))
    }
}

/// Per token (in manifest order), the held grants whose `excess-scope` or `excess-level`
/// finding a suppression silences: kept on purpose, which `suggest --write` must not drop or
/// lower.
pub fn kept_on_purpose(table: &Table, manifest: &Manifest) -> Vec<GrantSet> {
    let suppressions = Suppressions::of(manifest);
    manifest
        .tokens
        .iter()
        .map(|token| {
            let analysis = TokenAnalysis::new(table, token);
            let mut sink = FindingSink::all();
            for id in [RuleId::ExcessScope, RuleId::ExcessLevel] {
                if let Some(check) = rule(id).check {
                    check(&analysis, &mut sink);
                }
            }
            let kept: crate::table::ScopeSet = sink
                .into_findings()
                .iter()
                .filter(|f| suppressions.covers(table, token, f))
                .filter_map(|f| f.scope.as_deref().and_then(|s| table.scope_by_name(s)))
                .collect();
            analysis
                .granted
                .iter()
                .flat_map(|g| g.iter())
                .filter(|g| kept.contains(&g.scope))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests;
