//! One token, resolved against the table: what it calls, what it holds, what it needs.
//! Rules read this; `suggest` and `diff` build on it too.
//!
//! What a token needs is a least-cost cover ([`crate::cover`]): for an all-of table like
//! Texter's, the union of its endpoints' scopes; with alternatives and levels, the cheapest
//! choice, preferring what the token already holds.

use std::cell::OnceCell;
use std::collections::BTreeSet;

use crate::cover;
use crate::manifest::{Entry, GrantProblem, Resolution, Token, resolve_endpoint, resolve_grant};
use crate::table::{AreaId, EndpointId, Grant, GrantSet, Requirement, ScopeSet, Table};

pub struct TokenAnalysis<'a> {
    pub table: &'a Table,
    pub token: &'a Token,
    /// The token's kind, as an index into the table's `token_kinds` (0 by default).
    pub kind: usize,
    /// Every `endpoints:` entry with what it resolved to, in manifest order.
    pub endpoints: Vec<(&'a Entry, Resolution)>,
    /// Every `scopes:` entry with the grant it names, in manifest order.
    pub scopes: Vec<(&'a Entry, Result<Grant, GrantProblem>)>,
    /// What the token holds; `None` when it declares no `scopes:` at all.
    pub granted: Option<GrantSet>,
    needs: OnceCell<Needs>,
}

/// What the token's endpoints need, worked out once.
#[derive(Debug)]
pub struct Needs {
    /// The least-privileged set, preferring what the token holds on ties.
    pub minimal: GrantSet,
    /// The cheapest grants to add to what it holds (a raised level counts as a grant) so that
    /// every endpoint it may call is satisfied.
    pub completion: GrantSet,
    /// Whether both searches finished (else they are the best found within the bound).
    pub proven: bool,
}

impl<'a> TokenAnalysis<'a> {
    pub fn new(table: &'a Table, token: &'a Token) -> Self {
        let endpoints: Vec<(&Entry, Resolution)> = token
            .endpoint_entries()
            .iter()
            .map(|e| (e, resolve_endpoint(table, &e.value.value)))
            .collect();
        let scopes: Vec<(&Entry, Result<Grant, GrantProblem>)> = token
            .scope_entries()
            .iter()
            .map(|e| (e, resolve_grant(table, e)))
            .collect();
        let granted = token
            .scopes
            .as_ref()
            .map(|_| scopes.iter().filter_map(|(_, g)| g.clone().ok()).collect());
        let kind = token
            .kind
            .as_ref()
            .and_then(|k| table.token_kind(&k.value))
            .unwrap_or(0);
        TokenAnalysis {
            table,
            token,
            kind,
            endpoints,
            scopes,
            granted,
            needs: OnceCell::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.token.name.value
    }

    /// What an endpoint needs from a token of this kind.
    pub fn requirement(&self, id: EndpointId) -> &'a Requirement {
        self.table.requirement(id, self.kind)
    }

    /// The kind's name, when the table has kinds (`fine-grained-pat`).
    pub fn kind_name(&self) -> Option<&'a str> {
        self.table.token_kinds.get(self.kind).map(String::as_str)
    }

    pub fn needs(&self) -> &Needs {
        self.needs.get_or_init(|| {
            let reqs: Vec<&Requirement> = self
                .distinct_endpoints()
                .into_iter()
                .map(|(_, id)| self.requirement(id))
                .collect();
            // What every token of the API holds is free, and never part of an answer.
            let always = &self.table.always_granted;
            let held = self.granted.clone().unwrap_or_default();
            let minimal = cover::minimal(self.table, &reqs, &held, always);
            let (completion, completion_proven) = match &self.granted {
                Some(held) => {
                    let mut fixed = held.clone();
                    for g in always.iter() {
                        fixed.insert(g);
                    }
                    let with = cover::minimal(self.table, &reqs, held, &fixed);
                    let added = with.grants.iter().filter(|&g| !fixed.covers(g)).collect();
                    (added, with.proven)
                }
                None => (GrantSet::new(), true),
            };
            let minimal_grants = minimal
                .grants
                .iter()
                .filter(|&g| !always.covers(g))
                .collect();
            Needs {
                minimal: minimal_grants,
                completion,
                proven: minimal.proven && completion_proven,
            }
        })
    }

    /// The least-privileged set for what the token calls (for Texter: the union of its
    /// endpoints' scopes).
    pub fn required(&self) -> &GrantSet {
        &self.needs().minimal
    }

    /// What the token lacks: the cheapest completion of what it holds (empty when it declares
    /// no scopes).
    pub fn missing(&self) -> GrantSet {
        match &self.granted {
            Some(_) => self.needs().completion.clone(),
            None => GrantSet::new(),
        }
    }

    /// Held scopes the least-privileged set does without (what every token holds aside).
    pub fn excess(&self) -> ScopeSet {
        match &self.granted {
            Some(granted) => granted
                .iter()
                .filter(|&g| !self.table.always_granted.covers(g))
                .map(|g| g.scope)
                .filter(|&s| !self.required().contains_scope(s))
                .collect(),
            None => ScopeSet::new(),
        }
    }

    /// Grants of the least-privileged set the token would take on in exchange for some it holds:
    /// neither covered by what it holds nor part of what it lacks (`Pull requests: write` in
    /// place of `Issues: write` + `Pull requests: read`). Empty for an all-of table like Texter's.
    pub fn swaps(&self) -> GrantSet {
        let Some(granted) = &self.granted else {
            return GrantSet::new();
        };
        let mut held = granted.clone();
        for g in self.table.always_granted.iter() {
            held.insert(g);
        }
        let closure = self.table.closure(&held);
        let missing = self.missing();
        self.required()
            .iter()
            .filter(|&g| !closure.covers(g) && !missing.covers(g))
            .collect()
    }

    /// Held grants above the level the least-privileged set needs: (held, needed).
    pub fn excess_levels(&self) -> Vec<(Grant, Grant)> {
        let Some(granted) = &self.granted else {
            return Vec::new();
        };
        granted
            .iter()
            .filter_map(|held| {
                let needed = self.required().level(held.scope)?;
                (needed < held.level).then_some((held, Grant::new(held.scope, needed)))
            })
            .collect()
    }

    /// Distinct resolved endpoints, each with its first entry, in manifest order.
    pub fn distinct_endpoints(&self) -> Vec<(&'a Entry, EndpointId)> {
        let mut seen = BTreeSet::new();
        self.endpoints
            .iter()
            .filter_map(|(e, r)| r.endpoint().map(|id| (*e, id)))
            .filter(|(_, id)| seen.insert(*id))
            .collect()
    }

    /// Distinct resolved scope entries, each with its first entry, in manifest order.
    pub fn distinct_scopes(&self) -> Vec<(&'a Entry, Grant)> {
        let mut seen = BTreeSet::new();
        self.scopes
            .iter()
            .filter_map(|(e, g)| g.clone().ok().map(|g| (*e, g)))
            .filter(|(_, g)| seen.insert(g.scope))
            .collect()
    }

    /// The (first) entries of the endpoints that `grant` serves: those not satisfied by what
    /// the token holds whose requirement names the grant's scope at or below its level. For
    /// an all-of table: every endpoint needing the scope.
    pub fn needing(&self, grant: Grant) -> Vec<(&'a Entry, EndpointId)> {
        let mut held = self.granted.clone().unwrap_or_default();
        for g in self.table.always_granted.iter() {
            held.insert(g);
        }
        let held = self.table.closure(&held);
        self.distinct_endpoints()
            .into_iter()
            .filter(|(_, id)| {
                let req = self.requirement(*id);
                !Table::satisfied(&held, req)
                    && req.alternatives.iter().any(|alt| {
                        alt.iter()
                            .any(|g| g.scope == grant.scope && g.level <= grant.level)
                    })
            })
            .collect()
    }

    /// The endpoints a token of this kind cannot call at all (no alternative).
    pub fn uncallable(&self) -> Vec<(&'a Entry, EndpointId)> {
        self.distinct_endpoints()
            .into_iter()
            .filter(|(_, id)| self.requirement(*id).alternatives.is_empty())
            .collect()
    }

    /// The areas the resolved endpoints belong to, in table order.
    pub fn areas(&self) -> BTreeSet<AreaId> {
        self.distinct_endpoints()
            .iter()
            .map(|(_, id)| self.table.endpoint(*id).area)
            .collect()
    }

    /// How many endpoint references did not resolve (their needs are unknown).
    pub fn unresolved_endpoints(&self) -> usize {
        self.endpoints
            .iter()
            .filter(|(_, r)| r.endpoint().is_none())
            .count()
    }
}
