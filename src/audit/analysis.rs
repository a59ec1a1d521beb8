//! One token, resolved against the table: what it calls, what it holds, what it needs.
//! Rules read this; `suggest` builds on it too.

use std::collections::BTreeSet;

use crate::manifest::{Entry, Resolution, Token, resolve_endpoint, resolve_scope};
use crate::table::{AreaId, EndpointId, ScopeId, ScopeSet, Table};

pub struct TokenAnalysis<'a> {
    pub table: &'a Table,
    pub token: &'a Token,
    /// Every `endpoints:` entry with what it resolved to, in manifest order.
    pub endpoints: Vec<(&'a Entry, Resolution)>,
    /// Every `scopes:` entry with the scope it names (None: unknown), in manifest order.
    pub scopes: Vec<(&'a Entry, Option<ScopeId>)>,
    /// The scopes the token holds; `None` when it declares no `scopes:` at all.
    pub granted: Option<ScopeSet>,
    /// The union of the scopes its resolved endpoints need.
    pub required: ScopeSet,
}

impl<'a> TokenAnalysis<'a> {
    pub fn new(table: &'a Table, token: &'a Token) -> Self {
        let endpoints: Vec<(&Entry, Resolution)> = token
            .endpoint_entries()
            .iter()
            .map(|e| (e, resolve_endpoint(table, &e.value.value)))
            .collect();
        let scopes: Vec<(&Entry, Option<ScopeId>)> = token
            .scope_entries()
            .iter()
            .map(|e| (e, resolve_scope(table, &e.value.value)))
            .collect();
        let required = endpoints
            .iter()
            .filter_map(|(_, r)| r.endpoint())
            .flat_map(|id| table.endpoint(id).scopes.iter().copied())
            .collect();
        let granted = token
            .scopes
            .as_ref()
            .map(|_| scopes.iter().filter_map(|(_, s)| *s).collect());
        TokenAnalysis {
            table,
            token,
            endpoints,
            scopes,
            granted,
            required,
        }
    }

    pub fn name(&self) -> &str {
        &self.token.name.value
    }

    /// Required but not held (empty when the token declares no scopes).
    pub fn missing(&self) -> ScopeSet {
        match &self.granted {
            Some(granted) => self.required.difference(granted).copied().collect(),
            None => ScopeSet::new(),
        }
    }

    /// Held but not required by any resolved endpoint.
    pub fn excess(&self) -> ScopeSet {
        match &self.granted {
            Some(granted) => granted.difference(&self.required).copied().collect(),
            None => ScopeSet::new(),
        }
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

    /// Distinct resolved scopes, each with its first entry, in manifest order.
    pub fn distinct_scopes(&self) -> Vec<(&'a Entry, ScopeId)> {
        let mut seen = BTreeSet::new();
        self.scopes
            .iter()
            .filter_map(|(e, s)| s.map(|id| (*e, id)))
            .filter(|(_, id)| seen.insert(*id))
            .collect()
    }

    /// The (first) entries of the endpoints that need `scope`.
    pub fn needing(&self, scope: ScopeId) -> Vec<(&'a Entry, EndpointId)> {
        self.distinct_endpoints()
            .into_iter()
            .filter(|(_, id)| self.table.endpoint(*id).scopes.contains(&scope))
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
