//! The scope table's data model: scopes, areas and endpoints, addressed by index.

use std::collections::{BTreeSet, HashMap};
use std::fmt;

use serde::Serialize;

use crate::source::{SourceFile, Span};

/// HTTP methods a table may name.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Index of a scope in table order (the order every scope list is printed in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ScopeId(pub usize);

/// Index of an endpoint in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct EndpointId(pub usize);

/// Index of an area in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct AreaId(pub usize);

/// A set of scopes; iterates in table order.
pub type ScopeSet = BTreeSet<ScopeId>;

/// tokenscope's own classification of what a leaked token holding a scope could do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    Low,
    Medium,
    High,
}

impl Risk {
    pub const NAMES: [&'static str; 3] = ["low", "medium", "high"];

    pub fn parse(s: &str) -> Option<Risk> {
        match s {
            "low" => Some(Risk::Low),
            "medium" => Some(Risk::Medium),
            "high" => Some(Risk::High),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

impl fmt::Display for Risk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a requirement is known: from the endpoint's own page, or from the general scope table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Evidence {
    Documented,
    Inferred,
}

impl Evidence {
    pub const NAMES: [&'static str; 2] = ["documented", "inferred"];

    pub fn parse(s: &str) -> Option<Evidence> {
        match s {
            "documented" => Some(Evidence::Documented),
            "inferred" => Some(Evidence::Inferred),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

#[derive(Clone, Debug)]
pub struct Scope {
    /// Exactly as the API's token dialog shows it.
    pub name: String,
    /// Stable slug, accepted wherever a scope name is.
    pub id: String,
    pub area: AreaId,
    pub risk: Risk,
    pub summary: String,
    pub risk_reason: Option<String>,
    /// Other spellings seen in the API's own docs; they earn a did-you-mean, not a match.
    pub aliases: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Area {
    pub id: String,
    pub title: String,
    /// The scopes a token covering this whole area needs.
    pub bundle: ScopeSet,
}

/// One segment of a path template.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    Literal(String),
    Param(String),
}

#[derive(Clone, Debug)]
pub struct Endpoint {
    pub name: String,
    pub method: Option<String>,
    /// As written in the table, e.g. `/chats/{chatId}`.
    pub path: Option<String>,
    pub segments: Vec<Segment>,
    pub area: AreaId,
    /// All of these are required together; empty means any valid token.
    pub scopes: ScopeSet,
    pub evidence: Evidence,
    pub source: Option<String>,
    /// Where the endpoint is defined in the table file.
    pub span: Span,
}

impl Endpoint {
    /// `METHOD /path`, or the name when either is unknown.
    pub fn signature(&self) -> String {
        match (&self.method, &self.path) {
            (Some(m), Some(p)) => format!("{m} {p}"),
            _ => self.name.clone(),
        }
    }

    /// `Name (METHOD /path)` for messages that list candidates.
    pub fn describe(&self) -> String {
        match (&self.method, &self.path) {
            (Some(m), Some(p)) => format!("{} ({m} {p})", self.name),
            _ => format!("{} (method and path not published)", self.name),
        }
    }
}

impl Table {
    /// " (in Texter too)", after an instruction to change a manifest's token: the real token
    /// must change the same way. Empty when the table names no provider.
    pub fn in_provider_too(&self) -> String {
        self.provider
            .as_deref()
            .map(|p| format!(" (in {p} too)"))
            .unwrap_or_default()
    }

    /// Where a person ticks scopes: "Texter's token dialog (gear icon → …)", or a neutral
    /// phrase when the table does not say.
    pub fn token_dialog_phrase(&self) -> String {
        match (&self.provider, &self.token_dialog) {
            (Some(p), Some(d)) => format!("{p}'s token dialog ({d})"),
            (Some(p), None) => format!("{p}'s token dialog"),
            (None, Some(d)) => format!("the token dialog ({d})"),
            (None, None) => "the API's token settings".to_owned(),
        }
    }

    /// "the token in Texter (gear icon → …)": where the real token is changed.
    pub fn token_in_provider(&self) -> String {
        match (&self.provider, &self.token_dialog) {
            (Some(p), Some(d)) => format!("the token in {p} ({d})"),
            (Some(p), None) => format!("the token in {p}"),
            _ => "the real token".to_owned(),
        }
    }
}

/// A loaded, validated scope table.
#[derive(Debug)]
pub struct Table {
    pub api: String,
    pub title: String,
    pub base_url: Option<String>,
    pub source: Option<String>,
    pub retrieved: Option<String>,
    /// The product where the API's tokens are made and their scopes ticked ("Texter"): API
    /// phrases in findings come from the table, never from code.
    pub provider: Option<String>,
    /// Where in the provider's interface the token dialog is ("gear icon → Developers → API
    /// Tokens").
    pub token_dialog: Option<String>,
    pub scopes: Vec<Scope>,
    pub areas: Vec<Area>,
    pub endpoints: Vec<Endpoint>,
    /// The file the table was read from, kept for `table --format yaml` and diagnostics.
    pub file: SourceFile,
    pub(crate) endpoint_names: HashMap<String, EndpointId>,
    pub(crate) scope_names: HashMap<String, ScopeId>,
    /// Did-you-mean answers already computed: the same typo in thousands of manifests (a
    /// copied template) costs one fuzzy search.
    pub(crate) suggestions: std::sync::Mutex<HashMap<String, Vec<String>>>,
}

impl Table {
    pub fn scope(&self, id: ScopeId) -> &Scope {
        &self.scopes[id.0]
    }

    pub fn endpoint(&self, id: EndpointId) -> &Endpoint {
        &self.endpoints[id.0]
    }

    pub fn area(&self, id: AreaId) -> &Area {
        &self.areas[id.0]
    }

    pub fn endpoint_ids(&self) -> impl Iterator<Item = EndpointId> + '_ {
        (0..self.endpoints.len()).map(EndpointId)
    }

    pub fn scope_ids(&self) -> impl Iterator<Item = ScopeId> + '_ {
        (0..self.scopes.len()).map(ScopeId)
    }

    /// Scope names of a set, in table order.
    pub fn scope_names(&self, set: &ScopeSet) -> Vec<String> {
        set.iter().map(|&s| self.scope(s).name.clone()).collect()
    }

    pub fn area_by_id(&self, id: &str) -> Option<AreaId> {
        self.areas.iter().position(|a| a.id == id).map(AreaId)
    }
}
