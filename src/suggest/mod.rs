//! Minimal scope sets and per-area token bundles.
//!
//! The minimal set for a group of endpoints is the least-cost cover of their requirements
//! ([`crate::cover`]): for an all-of table (Texter), the union of what they need; with
//! alternatives and levels, the cheapest choice, preferring what the token already holds.

pub mod write;

use std::collections::BTreeMap;

use crate::audit::TokenAnalysis;
use crate::cover;
use crate::table::{AreaId, EndpointId, Grant, GrantSet, Requirement, Risk, ScopeId, Table};

/// One grant of a minimal set, with the endpoints it serves (in the order given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScopeNeed {
    pub grant: Grant,
    pub needed_by: Vec<EndpointId>,
}

impl ScopeNeed {
    pub fn scope(&self) -> ScopeId {
        self.grant.scope
    }
}

/// A minimal set for endpoints called by a token of `kind` holding `held` (preferred on
/// ties), in table order, and whether it is proven minimal.
pub fn minimal_for(
    table: &Table,
    kind: usize,
    endpoints: &[EndpointId],
    held: &GrantSet,
) -> (Vec<ScopeNeed>, bool) {
    let reqs: Vec<&Requirement> = endpoints
        .iter()
        .map(|&id| table.requirement(id, kind))
        .collect();
    let found = cover::minimal(table, &reqs, held, &GrantSet::new());
    (
        needs_of(table, kind, endpoints, &found.grants),
        found.proven,
    )
}

/// The minimal grants for a list of endpoints (default token kind, nothing held).
pub fn minimal_scopes(table: &Table, endpoints: &[EndpointId]) -> Vec<ScopeNeed> {
    minimal_for(table, 0, endpoints, &GrantSet::new()).0
}

/// Which endpoints each grant of `set` serves: per endpoint, the first alternative the set
/// satisfies, its grants credited to the set member providing them.
pub fn needs_of(
    table: &Table,
    kind: usize,
    endpoints: &[EndpointId],
    set: &GrantSet,
) -> Vec<ScopeNeed> {
    let mut needs: BTreeMap<ScopeId, Vec<EndpointId>> =
        set.iter().map(|g| (g.scope, Vec::new())).collect();
    let closure = table.closure(set);
    for &id in endpoints {
        let req = table.requirement(id, kind);
        let Some(alt) = req
            .alternatives
            .iter()
            .find(|alt| alt.iter().all(|&g| closure.covers(g)))
        else {
            continue;
        };
        for g in alt.iter() {
            let provider = if set.contains_scope(g.scope) {
                Some(g.scope)
            } else {
                set.iter()
                    .find(|p| {
                        let mut one = GrantSet::new();
                        one.insert(*p);
                        table.closure(&one).covers(*g)
                    })
                    .map(|p| p.scope)
            };
            if let Some(by) = provider.and_then(|p| needs.get_mut(&p))
                && !by.contains(&id)
            {
                by.push(id);
            }
        }
    }
    set.iter()
        .map(|grant| ScopeNeed {
            grant,
            needed_by: needs.remove(&grant.scope).unwrap_or_default(),
        })
        .collect()
}

/// The set behind a list of needs.
pub fn grant_set(needs: &[ScopeNeed]) -> GrantSet {
    needs.iter().map(|n| n.grant).collect()
}

/// The highest risk of a list of needs (`None`: it needs no scope).
pub fn highest_risk(table: &Table, needs: &[ScopeNeed]) -> Option<Risk> {
    needs
        .iter()
        .map(|n| table.scope(n.grant.scope).risk_at(n.grant.level))
        .max()
}

/// One proposed token of a split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AreaToken {
    pub area: AreaId,
    /// `<token>-<area>`.
    pub token: String,
    /// The original token's declared `kind:`, which each area token keeps: without it a
    /// pasted token would be read as the table's default kind, with other requirements.
    pub kind: Option<String>,
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
pub fn split_by_area(
    table: &Table,
    kind: usize,
    declared_kind: Option<&str>,
    token: &str,
    endpoints: &[EndpointId],
) -> Split {
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
    let high = |needs: &[ScopeNeed]| -> GrantSet {
        needs
            .iter()
            .map(|n| n.grant)
            .filter(|g| table.scope(g.scope).risk_at(g.level) == Risk::High)
            .collect()
    };
    let none = GrantSet::new();
    let whole = high(&minimal_for(table, kind, endpoints, &none).0);
    let tokens: Vec<AreaToken> = by_area
        .into_iter()
        .map(|(area, endpoints)| {
            let scopes = minimal_for(table, kind, &endpoints, &none).0;
            let risk = highest_risk(table, &scopes);
            AreaToken {
                area,
                token: format!("{token}-{}", table.area(area).id),
                kind: declared_kind.map(str::to_owned),
                scopes,
                endpoints,
                risk,
            }
        })
        .collect();
    if !whole.is_empty() && tokens.iter().all(|t| high(&t.scopes) == whole) {
        let names: Vec<String> = table.grant_names(&whole);
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
    /// Needed but not held, or held at a lower level (all of the minimal set when the token
    /// declares no scopes).
    pub add: GrantSet,
    /// Held but not needed (and not kept on purpose).
    pub drop: GrantSet,
    /// Held at a higher level than needed: (held, needed).
    pub lower: Vec<(Grant, Grant)>,
    /// Held, not needed (or above the level needed), but kept on purpose: an `excess-scope` or
    /// `excess-level` suppression covers them.
    pub kept: GrantSet,
    /// Held grants every token of the API holds anyway (kept as listed).
    pub implicit: GrantSet,
    /// Whether the token has a `scopes:` key.
    pub declares_scopes: bool,
    /// Endpoint references that did not resolve; the suggestion cannot account for them.
    pub unresolved: usize,
    /// Endpoints a token of this kind cannot call at all, whatever it holds.
    pub uncallable: Vec<EndpointId>,
    /// Whether the minimal set is proven (else the best found within the search bound).
    pub proven: bool,
    pub split: Option<Split>,
}

impl TokenSuggestion {
    /// `kept`: held grants whose `excess-scope`/`excess-level` finding is suppressed (see
    /// [`crate::audit::kept_on_purpose`]).
    pub fn from_analysis(t: &TokenAnalysis<'_>, kept: &GrantSet, split: bool) -> Self {
        let endpoints: Vec<EndpointId> = t
            .distinct_endpoints()
            .into_iter()
            .map(|(_, id)| id)
            .collect();
        let needed = t.required().clone();
        let minimal = needs_of(t.table, t.kind, &endpoints, &needed);
        let kept: GrantSet = match &t.granted {
            Some(granted) => kept
                .iter()
                .filter(|&g| granted.covers(g) && !needed.covers(g))
                .collect(),
            None => GrantSet::new(),
        };
        let mut target = needed.clone();
        for g in kept.iter() {
            target.insert(g);
        }
        // What every token holds anyway stays listed if it is (it is true, and harmless).
        for g in t.granted.iter().flat_map(|g| g.iter()) {
            if t.table.always_granted.covers(g) && !target.contains_scope(g.scope) {
                target.insert(g);
            }
        }
        let (add, drop, lower) = match &t.granted {
            Some(granted) => (
                target.iter().filter(|&g| !granted.covers(g)).collect(),
                granted
                    .iter()
                    .filter(|g| !target.contains_scope(g.scope))
                    .collect(),
                granted
                    .iter()
                    .filter_map(|h| {
                        let to = target.level(h.scope)?;
                        (to < h.level).then_some((h, Grant::new(h.scope, to)))
                    })
                    .collect(),
            ),
            None => (target.clone(), GrantSet::new(), Vec::new()),
        };
        TokenSuggestion {
            name: t.name().to_owned(),
            minimal,
            add,
            drop,
            lower,
            kept,
            implicit: t
                .granted
                .iter()
                .flat_map(|g| g.iter())
                .filter(|&g| t.table.always_granted.covers(g) && !needed.contains_scope(g.scope))
                .collect(),
            declares_scopes: t.granted.is_some(),
            unresolved: t.unresolved_endpoints(),
            uncallable: t.uncallable().into_iter().map(|(_, id)| id).collect(),
            proven: t.needs().proven,
            split: split.then(|| {
                let declared = t.token.kind.as_ref().map(|k| k.value.as_str());
                split_by_area(t.table, t.kind, declared, t.name(), &endpoints)
            }),
        }
    }
}

impl TokenSuggestion {
    /// The grants `suggest --write` leaves the token with: the minimal set plus those kept on
    /// purpose (and those every token holds, when listed).
    pub fn target(&self) -> GrantSet {
        let mut set = grant_set(&self.minimal);
        for g in self.kept.iter().chain(self.implicit.iter()) {
            set.insert(g);
        }
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
            .map(|n| t.scope(n.grant.scope).name.as_ref())
            .collect();
        assert_eq!(
            names,
            ["Send template messages", "View all chats", "View all files"]
        );
        let by: Vec<&str> = needs[1]
            .needed_by
            .iter()
            .map(|&e| t.endpoint(e).name.as_ref())
            .collect();
        assert_eq!(by, ["Generate Public Media URL", "Get Messages of a Chat"]);
        assert!(minimal_scopes(t, &ids(t, &["List All Labels"])).is_empty());
    }

    #[test]
    fn split_gives_one_token_per_area() {
        let t = table();
        let split = split_by_area(
            t,
            0,
            None,
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
        let one_area = split_by_area(
            t,
            0,
            None,
            "bot",
            &ids(t, &["Search Chats", "Resolve Chat"]),
        );
        assert!(
            matches!(one_area, Split::Pointless(ref why) if why.contains("one area")),
            "{one_area:?}"
        );
        // Events and scenarios both need the high-risk on-behalf scope (and Create scenarios).
        let shared = split_by_area(
            t,
            0,
            None,
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
            let set = grant_set(&minimal_scopes(t, &endpoints)).scopes();
            for &e in &endpoints {
                prop_assert!(t.endpoint(e).scopes.iter().all(|s| set.contains(s)));
            }
            for &s in &set {
                let mut smaller = set.clone();
                smaller.remove(&s);
                prop_assert!(endpoints.iter().any(|&e| !t.endpoint(e).scopes.iter().all(|s| smaller.contains(s))));
            }
        }
    }
}
