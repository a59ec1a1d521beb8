//! The scope table's data model: scopes, areas and endpoints, addressed by index.

use std::borrow::Cow;
use std::collections::BTreeSet;
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

/// A level of a scope, as an index into its `levels` (`read` < `write` < `admin`): a level
/// grants every lower one. A scope without levels has one, 0.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Level(pub u8);

/// Text of a table: borrowed from the binary for a built-in table (compiled to static data at
/// build time, so a run never parses it), owned for a table read from a file.
pub type Str = Cow<'static, str>;

/// A list in a table, borrowed or owned like [`Str`].
pub type List<T> = Cow<'static, [T]>;

/// A table's endpoints, in table order (`EndpointId` indexes them): a built-in table's are
/// decoded as a run uses them.
pub type Endpoints = super::chunked::ChunkedList<Endpoint>;

/// A set of grants needed together: one alternative of a [`Requirement`].
pub type Alternative = List<Grant>;

/// A scope at a level: what a token holds, or what an endpoint needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Grant {
    pub scope: ScopeId,
    pub level: Level,
}

impl Grant {
    pub const fn new(scope: ScopeId, level: Level) -> Grant {
        Grant { scope, level }
    }
}

/// What a token holds or needs: at most one level per scope (a level grants every lower one).
/// Iterates in table order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct GrantSet(std::collections::BTreeMap<ScopeId, Level>);

impl GrantSet {
    pub fn new() -> GrantSet {
        GrantSet::default()
    }

    /// Adds a grant; a scope already held keeps the higher of the two levels.
    pub fn insert(&mut self, grant: Grant) {
        let level = self.0.entry(grant.scope).or_insert(grant.level);
        *level = (*level).max(grant.level);
    }

    /// Sets a scope's level, lower or higher than before.
    pub fn set(&mut self, scope: ScopeId, level: Option<Level>) {
        match level {
            Some(l) => {
                self.0.insert(scope, l);
            }
            None => {
                self.0.remove(&scope);
            }
        }
    }

    pub fn level(&self, scope: ScopeId) -> Option<Level> {
        self.0.get(&scope).copied()
    }

    /// Whether the set holds `grant`'s scope at its level or higher (implications aside).
    pub fn covers(&self, grant: Grant) -> bool {
        self.level(grant.scope).is_some_and(|l| l >= grant.level)
    }

    pub fn contains_scope(&self, scope: ScopeId) -> bool {
        self.0.contains_key(&scope)
    }

    pub fn iter(&self) -> impl Iterator<Item = Grant> + '_ {
        self.0.iter().map(|(&scope, &level)| Grant { scope, level })
    }

    pub fn scopes(&self) -> ScopeSet {
        self.0.keys().copied().collect()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<Grant> for GrantSet {
    fn from_iter<I: IntoIterator<Item = Grant>>(iter: I) -> GrantSet {
        let mut set = GrantSet::new();
        for g in iter {
            set.insert(g);
        }
        set
    }
}

/// What an endpoint needs: any one of the alternatives, each a set of grants needed together.
/// `[[]]` is any valid token; Texter's tables have one alternative per endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Requirement {
    pub alternatives: List<Alternative>,
    /// How many of the first alternatives the provider marks as its least-privileged choice
    /// (Microsoft Graph's `least=`); 0 when it marks none. The minimal set prefers them.
    pub least: usize,
}

impl Requirement {
    /// A requirement from its alternatives.
    pub fn new(alternatives: Vec<Vec<Grant>>) -> Requirement {
        Requirement {
            alternatives: alternatives.into_iter().map(Cow::Owned).collect(),
            least: 0,
        }
    }

    /// The alternatives the provider marks least-privileged.
    pub fn least_alternatives(&self) -> &[Alternative] {
        &self.alternatives[..self.least.min(self.alternatives.len())]
    }

    /// An all-of requirement: the given scopes at their lowest level.
    pub fn all_of(scopes: &ScopeSet) -> Requirement {
        Requirement::new(vec![
            scopes.iter().map(|&s| Grant::new(s, Level(0))).collect(),
        ])
    }

    /// Whether any valid token may call the endpoint.
    pub fn is_free(&self) -> bool {
        self.alternatives.iter().any(|alt| alt.is_empty())
    }

    /// Every scope any alternative names, in table order.
    pub fn scopes(&self) -> ScopeSet {
        self.alternatives
            .iter()
            .flat_map(|alt| alt.iter())
            .map(|g| g.scope)
            .collect()
    }
}

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
    /// Ordered levels (`read`, `write`, `admin`); empty for a scope without levels.
    pub levels: Vec<String>,
    /// The risk of holding the scope at each level (one entry when it has no levels).
    pub level_risk: Vec<Risk>,
    /// What holding this scope (at its lowest level) also grants.
    pub implies: Vec<Grant>,
}

impl Scope {
    /// The risk of holding this scope at `level`.
    pub fn risk_at(&self, level: Level) -> Risk {
        self.level_risk
            .get(usize::from(level.0))
            .or(self.level_risk.last())
            .copied()
            .unwrap_or(self.risk)
    }

    /// The name of a level (`write`), or `None` for a scope without levels.
    pub fn level_name(&self, level: Level) -> Option<&str> {
        self.levels.get(usize::from(level.0)).map(String::as_str)
    }
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
    Literal(Str),
    Param(Str),
}

#[derive(Clone, Debug)]
pub struct Endpoint {
    pub name: Str,
    pub method: Option<Str>,
    /// As written in the table, e.g. `/chats/{chatId}`.
    pub path: Option<Str>,
    pub segments: List<Segment>,
    pub area: AreaId,
    /// Every scope the requirement names, in table order (for an all-of requirement, all of
    /// them are needed together; empty means any valid token).
    pub scopes: List<ScopeId>,
    /// What the endpoint needs: alternatives, each an all-of set of grants.
    pub requires: Requirement,
    /// Per token kind (in the table's `token_kinds` order), a requirement that overrides
    /// `requires` for that kind.
    pub requires_by_kind: List<Option<Requirement>>,
    pub evidence: Evidence,
    /// Why an inferred requirement is what it is (what the source leaves unclear).
    pub evidence_reason: Option<Str>,
    pub source: Option<Str>,
    /// Where the endpoint is defined in the table file.
    pub span: Span,
}

impl Endpoint {
    /// `METHOD /path`, or the name when either is unknown.
    pub fn signature(&self) -> String {
        match (&self.method, &self.path) {
            (Some(m), Some(p)) => format!("{m} {p}"),
            _ => self.name.to_string(),
        }
    }

    /// `Name (METHOD /path)` for messages that list candidates; just the name when it is
    /// `METHOD /path` already (Microsoft Graph's endpoints have no other name).
    pub fn describe(&self) -> String {
        match (&self.method, &self.path) {
            (Some(m), Some(p))
                if self
                    .name
                    .strip_prefix(m.as_ref())
                    .and_then(|r| r.strip_prefix(' '))
                    == Some(p.as_ref()) =>
            {
                self.name.to_string()
            }
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
    /// Kinds of token with their own requirements (`fine-grained-pat`, `github-app`); the first
    /// is the default. Empty when the API has one kind.
    pub token_kinds: Vec<String>,
    /// Where the API is served (`https://api.github.com`); `{placeholders}` allowed. A
    /// reference may start with a base URL's path (`/v1.0/me`): it is dropped before matching.
    pub base_urls: Vec<String>,
    /// Whether literal path segments match in any ASCII case (`case_insensitive_paths: true`,
    /// for APIs such as Microsoft Graph whose paths are case-insensitive).
    pub case_insensitive_paths: bool,
    /// Grants every token of the API holds whatever was chosen (GitHub's mandatory `Metadata:
    /// read`): never missing, never excess.
    pub always_granted: GrantSet,
    pub scopes: Vec<Scope>,
    pub areas: Vec<Area>,
    /// In table order; a built-in table's are decoded as a run uses them.
    pub endpoints: Endpoints,
    /// The file the table was read from, kept for `table --format yaml` and diagnostics.
    pub file: SourceFile,
    /// Endpoints by normalized name.
    pub(crate) endpoint_names: NameIndex<EndpointId>,
    /// Scopes by normalized name and by id.
    pub(crate) scope_names: NameIndex<ScopeId>,
    /// The segment trie `match_path` uses, built on first use.
    pub(crate) path_index: std::sync::OnceLock<super::index::PathIndex>,
    /// Did-you-mean answers already computed: the same typo in thousands of manifests (a
    /// copied template) costs one fuzzy search.
    pub(crate) suggestions: std::sync::Mutex<std::collections::HashMap<String, Vec<String>>>,
}

/// Names to indices, sorted by name: a lookup is a binary search. A built-in table's index is
/// searched where the build packed it, so a run decodes the few entries a search visits, not
/// Microsoft Graph's ten thousand.
pub struct NameIndex<T: Copy + 'static>(Names<T>);

/// The `i`th `(name, value)` pair of a sorted index kept elsewhere.
pub type NameAt<T> = Box<dyn Fn(usize) -> (&'static str, T) + Send + Sync>;

enum Names<T: Copy + 'static> {
    Listed(Vec<(Str, T)>),
    /// `len` sorted pairs, read by the function.
    Sorted {
        len: usize,
        at: NameAt<T>,
    },
}

impl<T: Copy + 'static> NameIndex<T> {
    /// An index of `(name, value)` pairs; for a name given twice, the first pair wins.
    pub fn new(pairs: impl IntoIterator<Item = (String, T)>) -> NameIndex<T> {
        let mut pairs: Vec<(Str, T)> = pairs.into_iter().map(|(k, v)| (k.into(), v)).collect();
        // Stable: the first of equal names stays first, and dedup keeps it.
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.dedup_by(|later, first| later.0 == first.0);
        NameIndex(Names::Listed(pairs))
    }

    /// An index of `len` pairs already sorted by name, each name once, read by `at`.
    pub fn sorted(len: usize, at: NameAt<T>) -> NameIndex<T> {
        NameIndex(Names::Sorted { len, at })
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Names::Listed(pairs) => pairs.len(),
            Names::Sorted { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `i`th pair in name order.
    fn pair(&self, i: usize) -> (&str, T) {
        match &self.0 {
            Names::Listed(pairs) => (pairs[i].0.as_ref(), pairs[i].1),
            Names::Sorted { at, .. } => at(i),
        }
    }

    pub fn get(&self, name: &str) -> Option<T> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let (key, value) = self.pair(mid);
            match key.cmp(name) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(value),
            }
        }
        None
    }

    /// Every pair in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, T)> + '_ {
        (0..self.len()).map(|i| self.pair(i))
    }
}

impl<T: Copy + fmt::Debug + 'static> fmt::Debug for NameIndex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
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
    pub fn scope_names<'s>(&self, set: impl IntoIterator<Item = &'s ScopeId>) -> Vec<String> {
        set.into_iter()
            .map(|&s| self.scope(s).name.clone())
            .collect()
    }

    /// What an endpoint needs from a token of `kind` (an index into `token_kinds`).
    pub fn requirement(&self, id: EndpointId, kind: usize) -> &Requirement {
        let ep = self.endpoint(id);
        ep.requires_by_kind
            .get(kind)
            .and_then(Option::as_ref)
            .unwrap_or(&ep.requires)
    }

    /// A grant as people read it: `Contents: write`, or the scope's name without levels.
    pub fn grant_name(&self, grant: Grant) -> String {
        let scope = self.scope(grant.scope);
        match scope.level_name(grant.level) {
            Some(level) => format!("{}: {level}", scope.name),
            None => scope.name.clone(),
        }
    }

    /// Names of a set of grants, in table order.
    pub fn grant_names(&self, set: &GrantSet) -> Vec<String> {
        set.iter().map(|g| self.grant_name(g)).collect()
    }

    /// How a grant is written into a manifest: the scope's name, or `id:level` for a scope with
    /// levels (a plain YAML scalar either way).
    pub fn grant_ref(&self, grant: Grant) -> String {
        let scope = self.scope(grant.scope);
        match scope.level_name(grant.level) {
            Some(level) => format!("{}:{level}", scope.id),
            None => scope.name.clone(),
        }
    }

    /// Whether any scope implies another: then a set's closure differs from the set.
    pub fn has_implications(&self) -> bool {
        self.scopes.iter().any(|s| !s.implies.is_empty())
    }

    /// What holding `set` grants: every level below a held one (implicitly) and everything the
    /// held scopes imply, transitively.
    pub fn closure(&self, set: &GrantSet) -> GrantSet {
        if !self.has_implications() {
            return set.clone();
        }
        let mut out = set.clone();
        let mut work: Vec<Grant> = set.iter().collect();
        while let Some(g) = work.pop() {
            for &implied in &self.scope(g.scope).implies {
                if !out.covers(implied) {
                    out.insert(implied);
                    work.push(implied);
                }
            }
        }
        out
    }

    /// Whether holding `closure` (see [`Table::closure`]) satisfies one alternative of `req`.
    pub fn satisfied(closure: &GrantSet, req: &Requirement) -> bool {
        req.alternatives
            .iter()
            .any(|alt| alt.iter().all(|&g| closure.covers(g)))
    }

    /// A token kind's index in `token_kinds` (0, the default, when the table has none).
    pub fn token_kind(&self, kind: &str) -> Option<usize> {
        self.token_kinds.iter().position(|k| k == kind)
    }

    /// A scope reference's scope and level: `contents:write` and `Contents: write` split at
    /// the last colon, unless the whole text names a scope (a name may hold a colon).
    /// `explicit` is a level given apart (a long-form entry's `level:`).
    pub fn split_level<'r>(
        &self,
        raw: &'r str,
        explicit: Option<&'r str>,
    ) -> (Option<ScopeId>, Option<&'r str>) {
        if let Some(id) = self.scope_by_name(raw) {
            return (Some(id), explicit.map(str::trim));
        }
        if explicit.is_none()
            && let Some((name, level)) = raw.rsplit_once(':')
            && !level.trim().is_empty()
            && let Some(id) = self.scope_by_name(name)
        {
            return (Some(id), Some(level.trim()));
        }
        (None, explicit)
    }

    /// A level of a scope by name (any case).
    pub fn level_by_name(&self, scope: ScopeId, name: &str) -> Option<Level> {
        self.scope(scope)
            .levels
            .iter()
            .position(|l| l.eq_ignore_ascii_case(name.trim()))
            .and_then(|i| u8::try_from(i).ok())
            .map(Level)
    }

    /// Whether any scope has levels (the table speaks of `Contents: write`, not `Contents`).
    pub fn has_levels(&self) -> bool {
        self.scopes.iter().any(|s| !s.levels.is_empty())
    }

    pub fn area_by_id(&self, id: &str) -> Option<AreaId> {
        self.areas.iter().position(|a| a.id == id).map(AreaId)
    }
}
