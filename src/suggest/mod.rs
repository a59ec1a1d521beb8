//! Minimal scope sets and per-area token bundles.
//!
//! An endpoint needs *all* of its scopes, so the minimal set for a group of endpoints is the
//! union of their requirements — nothing in it can be dropped without uncovering an endpoint,
//! and nothing outside it is needed.

pub mod write;

use std::collections::BTreeMap;

use crate::audit::TokenAnalysis;
use crate::table::{AreaId, EndpointId, Risk, ScopeId, ScopeSet, Table};

/// One scope of a minimal set, with the endpoints that need it (in the order given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeNeed {
    pub scope: ScopeId,
    pub needed_by: Vec<EndpointId>,
}

/// The minimal scopes for a list of endpoints, in table order.
pub fn minimal_scopes(table: &Table, endpoints: &[EndpointId]) -> Vec<ScopeNeed> {
    let mut needs: BTreeMap<ScopeId, Vec<EndpointId>> = BTreeMap::new();
    for &id in endpoints {
        for &scope in &table.endpoint(id).scopes {
            let by = needs.entry(scope).or_default();
            if !by.contains(&id) {
                by.push(id);
            }
        }
    }
    needs
        .into_iter()
        .map(|(scope, needed_by)| ScopeNeed { scope, needed_by })
        .collect()
}

/// The set behind a list of needs.
pub fn scope_set(needs: &[ScopeNeed]) -> ScopeSet {
    needs.iter().map(|n| n.scope).collect()
}

/// One proposed token of a split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaToken {
    pub area: AreaId,
    /// `<token>-<area>`.
    pub token: String,
    pub scopes: Vec<ScopeNeed>,
    pub endpoints: Vec<EndpointId>,
    /// The highest risk among its scopes (`None`: it needs no scope).
    pub risk: Option<Risk>,
}

/// What splitting a token by area would give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Split {
    /// One token per area; each area token is strictly smaller than the whole.
    Areas(Vec<AreaToken>),
    /// Splitting would buy nothing; the reason says why.
    Pointless(String),
}

/// Splits a token's endpoints into one token per area. Splitting is pointless when the token
/// touches one area only, or when every area token would still hold every high-risk scope the
/// whole token holds (a leak of any of them would be as bad as a leak of the original).
pub fn split_by_area(table: &Table, token: &str, endpoints: &[EndpointId]) -> Split {
    let mut by_area: BTreeMap<AreaId, Vec<EndpointId>> = BTreeMap::new();
    for &id in endpoints {
        let list = by_area.entry(table.endpoint(id).area).or_default();
        if !list.contains(&id) {
            list.push(id);
        }
    }
    match by_area.len() {
        0 => return Split::Pointless("the token calls no known endpoint".into()),
        1 => {
            let area = by_area
                .keys()
                .next()
                .map_or("", |&a| table.area(a).id.as_str());
            return Split::Pointless(format!("all its endpoints are in one area (`{area}`)"));
        }
        _ => {}
    }
    let high = |set: &ScopeSet| -> ScopeSet {
        set.iter()
            .copied()
            .filter(|&s| table.scope(s).risk == Risk::High)
            .collect()
    };
    let whole = high(&scope_set(&minimal_scopes(table, endpoints)));
    let tokens: Vec<AreaToken> = by_area
        .into_iter()
        .map(|(area, endpoints)| {
            let scopes = minimal_scopes(table, &endpoints);
            let risk = scopes.iter().map(|n| table.scope(n.scope).risk).max();
            AreaToken {
                area,
                token: format!("{token}-{}", table.area(area).id),
                scopes,
                endpoints,
                risk,
            }
        })
        .collect();
    if !whole.is_empty() && tokens.iter().all(|t| high(&scope_set(&t.scopes)) == whole) {
        let names: Vec<String> = table.scope_names(&whole);
        return Split::Pointless(format!(
            "every area needs the same high-risk scope{} ({}), so each split token would be as dangerous as the original",
            if names.len() == 1 { "" } else { "s" },
            names.join(", ")
        ));
    }
    Split::Areas(tokens)
}

/// A token's suggestion: its minimal set and how that differs from what it declares.
#[derive(Clone, Debug)]
pub struct TokenSuggestion {
    pub name: String,
    pub minimal: Vec<ScopeNeed>,
    /// Needed but not declared (all of the minimal set when the token declares no scopes).
    pub add: ScopeSet,
    /// Declared but not needed (and not kept on purpose).
    pub drop: ScopeSet,
    /// Declared, not needed, but kept on purpose: an `excess-scope` suppression covers them.
    pub kept: ScopeSet,
    /// Whether the token has a `scopes:` key.
    pub declares_scopes: bool,
    /// Endpoint references that did not resolve; the suggestion cannot account for them.
    pub unresolved: usize,
    pub split: Option<Split>,
}

impl TokenSuggestion {
    /// `kept`: held scopes whose `excess-scope` finding is suppressed (see
    /// [`crate::audit::kept_on_purpose`]).
    pub fn from_analysis(t: &TokenAnalysis<'_>, kept: &ScopeSet, split: bool) -> Self {
        let endpoints: Vec<EndpointId> = t
            .distinct_endpoints()
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        let minimal = minimal_scopes(t.table, &endpoints);
        let needed = scope_set(&minimal);
        let (add, drop) = match &t.granted {
            Some(granted) => (
                needed.difference(granted).copied().collect(),
                granted
                    .difference(&needed)
                    .copied()
                    .filter(|s| !kept.contains(s))
                    .collect(),
            ),
            None => (needed.clone(), ScopeSet::new()),
        };
        let kept = match &t.granted {
            Some(granted) => kept
                .iter()
                .copied()
                .filter(|s| granted.contains(s) && !needed.contains(s))
                .collect(),
            None => ScopeSet::new(),
        };
        TokenSuggestion {
            name: t.name().to_owned(),
            minimal,
            add,
            drop,
            kept,
            declares_scopes: t.granted.is_some(),
            unresolved: t.unresolved_endpoints(),
            split: split.then(|| split_by_area(t.table, t.name(), &endpoints)),
        }
    }
}

impl TokenSuggestion {
    /// The scopes `suggest --write` leaves the token with: the minimal set plus those kept on
    /// purpose.
    pub fn target(&self) -> ScopeSet {
        let mut set = scope_set(&self.minimal);
        set.extend(self.kept.iter().copied());
        set
    }
}

/// One token's suggestion with what the report needs to show it.
pub struct TokenView {
    pub suggestion: TokenSuggestion,
    /// How each endpoint is shown (as written in the manifest, or its name ad hoc).
    pub shown: Vec<(EndpointId, String)>,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn table() -> &'static Table {
        crate::table::texter()
    }

    fn ids(t: &Table, names: &[&str]) -> Vec<EndpointId> {
        names
            .iter()
            .map(|n| t.endpoint_by_name(n).unwrap_or_else(|| panic!("{n}")))
            .collect()
    }

    #[test]
    fn minimal_set_is_the_union_in_table_order_with_reasons() {
        let t = table();
        let needs = minimal_scopes(
            t,
            &ids(
                t,
                &[
                    "Generate Public Media URL",
                    "Send Template Message",
                    "Get Messages of a Chat",
                ],
            ),
        );
        let names: Vec<&str> = needs
            .iter()
            .map(|n| t.scope(n.scope).name.as_str())
            .collect();
        assert_eq!(
            names,
            ["Send template messages", "View all chats", "View all files"]
        );
        let by: Vec<&str> = needs[1]
            .needed_by
            .iter()
            .map(|&e| t.endpoint(e).name.as_str())
            .collect();
        assert_eq!(by, ["Generate Public Media URL", "Get Messages of a Chat"]);
        assert!(minimal_scopes(t, &ids(t, &["List All Labels"])).is_empty());
    }

    #[test]
    fn split_gives_one_token_per_area() {
        let t = table();
        let split = split_by_area(
            t,
            "bot",
            &ids(
                t,
                &[
                    "Send Template Message",
                    "List All Templates",
                    "Search Chats",
                    "Create Label",
                ],
            ),
        );
        let Split::Areas(tokens) = split else {
            panic!("{split:?}")
        };
        let names: Vec<&str> = tokens.iter().map(|a| a.token.as_str()).collect();
        assert_eq!(names, ["bot-templates", "bot-chats", "bot-labels"]);
        assert_eq!(tokens[0].risk, Some(Risk::High));
        assert_eq!(tokens[2].risk, Some(Risk::Low));
    }

    #[test]
    fn split_says_when_it_buys_nothing() {
        let t = table();
        let one_area = split_by_area(t, "bot", &ids(t, &["Search Chats", "Resolve Chat"]));
        assert!(
            matches!(one_area, Split::Pointless(ref why) if why.contains("one area")),
            "{one_area:?}"
        );
        // Events and scenarios both need the high-risk on-behalf scope (and Create scenarios).
        let shared = split_by_area(
            t,
            "bot",
            &ids(
                t,
                &[
                    "Import Subscription (Subscribe to an Event)",
                    "Copy Scenario",
                ],
            ),
        );
        assert!(
            matches!(shared, Split::Pointless(ref why) if why.contains("Manage scenarios on behalf of user")),
            "{shared:?}"
        );
    }

    proptest! {
        /// The suggested set covers every requirement, and dropping any scope uncovers one.
        #[test]
        fn minimal_sets_cover_and_are_minimal(picks in proptest::collection::vec(0usize..41, 0..12)) {
            let t = table();
            let endpoints: Vec<EndpointId> = picks.into_iter().map(EndpointId).collect();
            let set = scope_set(&minimal_scopes(t, &endpoints));
            for &e in &endpoints {
                prop_assert!(t.endpoint(e).scopes.is_subset(&set));
            }
            for &s in &set {
                let mut smaller = set.clone();
                smaller.remove(&s);
                prop_assert!(endpoints.iter().any(|&e| !t.endpoint(e).scopes.is_subset(&smaller)));
            }
        }
    }
}
