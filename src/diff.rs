//! Scope changes between two versions of a manifest: what a reviewer of a pull request needs to
//! see — which scope was added (or raised to a higher level), which endpoint explains it, and
//! whether risk rose.

use std::collections::BTreeSet;

use crate::audit::TokenAnalysis;
use crate::manifest::{Manifest, Token};
use crate::table::{EndpointId, Grant, GrantSet, Risk, Table};
use crate::yaml::normalize;

/// How a token changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenStatus {
    Added,
    Removed,
    Changed,
}

/// A scope the new version adds, with the endpoints (of the new version) that need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedScope {
    /// The table name, or the text as written when it is not a known scope.
    pub scope: String,
    pub risk: Option<Risk>,
    pub needed_by: Vec<String>,
    /// The level the old version held the scope at, when this raises it (`read`).
    pub raised_from: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenDiff {
    pub name: String,
    pub status: TokenStatus,
    pub added_scopes: Vec<AddedScope>,
    pub removed_scopes: Vec<String>,
    pub added_endpoints: Vec<String>,
    pub removed_endpoints: Vec<String>,
    /// The token now holds a high-risk scope it did not hold before, or holds a scope at a
    /// higher level than before.
    pub risk_increase: bool,
}

/// What a token holds and calls, resolved where possible (unknown names kept as written).
struct Side {
    scopes: GrantSet,
    unknown_scopes: BTreeSet<String>,
    endpoints: Vec<EndpointId>,
    unknown_endpoints: Vec<String>,
    kind: usize,
}

fn side(table: &Table, token: &Token) -> Side {
    let analysis = TokenAnalysis::new(table, token);
    let kind = analysis.kind;
    // A token without `scopes:` will need exactly what its endpoints need.
    let scopes = analysis
        .granted
        .clone()
        .unwrap_or_else(|| analysis.required().clone());
    let unknown_scopes = analysis
        .scopes
        .iter()
        .filter(|(_, grant)| grant.is_err())
        .map(|(e, _)| e.value.value.trim().to_owned())
        .collect();
    let endpoints = analysis
        .distinct_endpoints()
        .into_iter()
        .map(|(_, id)| id)
        .collect();
    let mut unknown_endpoints: Vec<String> = Vec::new();
    for (entry, resolution) in &analysis.endpoints {
        let raw = entry.value.value.trim().to_owned();
        if resolution.endpoint().is_none()
            && !unknown_endpoints
                .iter()
                .any(|u| normalize(u) == normalize(&raw))
        {
            unknown_endpoints.push(raw);
        }
    }
    Side {
        scopes,
        unknown_scopes,
        endpoints,
        unknown_endpoints,
        kind,
    }
}

fn empty() -> Side {
    Side {
        scopes: GrantSet::new(),
        unknown_scopes: BTreeSet::new(),
        endpoints: Vec::new(),
        unknown_endpoints: Vec::new(),
        kind: 0,
    }
}

fn token_diff(table: &Table, name: &str, status: TokenStatus, old: &Side, new: &Side) -> TokenDiff {
    let added: Vec<Grant> = new
        .scopes
        .iter()
        .filter(|&g| !old.scopes.covers(g))
        .collect();
    let names_scope = |e: EndpointId, g: Grant| {
        table
            .requirement(e, new.kind)
            .alternatives
            .iter()
            .flat_map(|alt| alt.iter())
            .any(|x| x.scope == g.scope && x.level <= g.level)
    };
    let mut added_scopes: Vec<AddedScope> = added
        .iter()
        .map(|&g| AddedScope {
            raised_from: old
                .scopes
                .level(g.scope)
                .and_then(|l| table.scope(g.scope).level_name(l))
                .map(str::to_owned),
            scope: table.grant_name(g),
            risk: Some(table.scope(g.scope).risk_at(g.level)),
            needed_by: new
                .endpoints
                .iter()
                .filter(|&&e| names_scope(e, g))
                .map(|&e| table.endpoint(e).name.to_string())
                .collect(),
        })
        .collect();
    added_scopes.extend(
        new.unknown_scopes
            .difference(&old.unknown_scopes)
            .map(|s| AddedScope {
                scope: s.clone(),
                risk: None,
                needed_by: Vec::new(),
                raised_from: None,
            }),
    );
    let mut removed_scopes: Vec<String> = old
        .scopes
        .iter()
        .filter(|&g| !new.scopes.covers(g))
        .map(|g| table.grant_name(g))
        .collect();
    removed_scopes.extend(old.unknown_scopes.difference(&new.unknown_scopes).cloned());
    let names = |side: &Side| -> Vec<String> {
        side.endpoints
            .iter()
            .map(|&e| table.endpoint(e).name.to_string())
            .chain(side.unknown_endpoints.iter().cloned())
            .collect()
    };
    let (old_eps, new_eps) = (names(old), names(new));
    let risk_increase = added.iter().any(|&g| {
        table.scope(g.scope).risk_at(g.level) == Risk::High || old.scopes.contains_scope(g.scope)
    });
    TokenDiff {
        name: name.to_owned(),
        status,
        added_scopes,
        removed_scopes,
        added_endpoints: new_eps
            .iter()
            .filter(|e| !old_eps.contains(e))
            .cloned()
            .collect(),
        removed_endpoints: old_eps
            .iter()
            .filter(|e| !new_eps.contains(e))
            .cloned()
            .collect(),
        risk_increase,
    }
}

/// Every token that differs, in the new manifest's order, then the removed tokens.
pub fn diff(table: &Table, old: &Manifest, new: &Manifest) -> Vec<TokenDiff> {
    let mut out = Vec::new();
    for token in &new.tokens {
        let new_side = side(table, token);
        let diff = match old.tokens.iter().find(|t| t.name.value == token.name.value) {
            Some(before) => token_diff(
                table,
                &token.name.value,
                TokenStatus::Changed,
                &side(table, before),
                &new_side,
            ),
            None => token_diff(
                table,
                &token.name.value,
                TokenStatus::Added,
                &empty(),
                &new_side,
            ),
        };
        let changed = diff.status == TokenStatus::Added
            || !(diff.added_scopes.is_empty()
                && diff.removed_scopes.is_empty()
                && diff.added_endpoints.is_empty()
                && diff.removed_endpoints.is_empty());
        if changed {
            out.push(diff);
        }
    }
    for token in &old.tokens {
        if !new.tokens.iter().any(|t| t.name.value == token.name.value) {
            out.push(token_diff(
                table,
                &token.name.value,
                TokenStatus::Removed,
                &side(table, token),
                &empty(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn manifest(text: &str) -> Manifest {
        Manifest::parse(SourceFile::new("m.yaml", text.to_owned()))
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn added_scopes_are_explained_and_high_risk_flagged() {
        let table = crate::table::texter();
        let old = manifest(
            "integration: x\ntokens:\n  bot:\n    scopes: [View template messages]\n    endpoints: [List All Templates]\n  gone:\n    endpoints: [List All Labels]\n",
        );
        let new = manifest(
            "integration: x\ntokens:\n  bot:\n    scopes: [View template messages, Send template messages]\n    endpoints: [List All Templates, POST /whatsapp/templates/send]\n  fresh:\n    scopes: [Manage labels]\n    endpoints: [Create Label]\n",
        );
        let d = diff(table, &old, &new);
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].name, "bot");
        assert_eq!(d[0].status, TokenStatus::Changed);
        assert_eq!(
            d[0].added_scopes,
            [AddedScope {
                scope: "Send template messages".into(),
                risk: Some(Risk::High),
                needed_by: vec!["Send Template Message".into()],
                raised_from: None,
            }]
        );
        assert_eq!(d[0].added_endpoints, ["Send Template Message"]);
        assert!(d[0].risk_increase);
        assert_eq!(
            (d[1].name.as_ref(), d[1].status, d[1].risk_increase),
            ("fresh", TokenStatus::Added, false)
        );
        assert_eq!(
            (d[2].name.as_ref(), d[2].status),
            ("gone", TokenStatus::Removed)
        );
        assert_eq!(d[2].removed_endpoints, ["List All Labels"]);
    }

    #[test]
    fn spelling_changes_are_not_changes() {
        let table = crate::table::texter();
        let old = manifest(
            "integration: x\ntokens:\n  bot:\n    scopes: [manage-labels]\n    endpoints: [POST /labels]\n",
        );
        let new = manifest(
            "integration: x\ntokens:\n  bot:\n    scopes:\n      - scope: Manage labels\n        reason: r\n    endpoints: [Create Label]\n",
        );
        assert!(diff(table, &old, &new).is_empty());
    }
}
