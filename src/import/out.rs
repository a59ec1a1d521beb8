//! The table file an importer writes: a serde model of the format `table::load` reads, in the
//! key order a person reads it in (what the API is, then scopes, areas, endpoints).
//!
//! Every collection here is a `Vec` filled in an order the importer chose explicitly, so the
//! same input always serializes to the same bytes.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_saphyr::{FlowMap, FlowSeq};

#[derive(Debug, serde::Serialize)]
pub struct TableFile {
    pub api: String,
    pub title: String,
    /// Empty when the source does not say (a generic OpenAPI import).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub provider: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub token_dialog: String,
    pub source: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retrieved: Option<String>,
    pub base_urls: FlowSeq<Vec<String>>,
    /// `case_insensitive_paths: true` for an API whose paths ignore case (Microsoft Graph).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_insensitive_paths: Option<bool>,
    #[serde(skip_serializing_if = "flow_seq_is_empty")]
    pub token_kinds: FlowSeq<Vec<String>>,
    /// Grants every token of the API holds whatever was ticked (GitHub's `metadata:read`).
    #[serde(skip_serializing_if = "flow_seq_is_empty")]
    pub always_granted: FlowSeq<Vec<String>>,
    pub scopes: Vec<ScopeOut>,
    pub areas: Vec<AreaOut>,
    pub endpoints: Vec<EndpointOut>,
}

#[derive(Debug, serde::Serialize)]
pub struct ScopeOut {
    pub name: String,
    pub id: String,
    pub area: String,
    #[serde(skip_serializing_if = "flow_seq_is_empty")]
    pub levels: FlowSeq<Vec<String>>,
    pub risk: RiskOut,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk_reason: Option<String>,
    /// Other spellings people write (`gmail.send`), for did-you-mean only.
    #[serde(skip_serializing_if = "flow_seq_is_empty")]
    pub aliases: FlowSeq<Vec<String>>,
}

/// A scope's risk: one class for every level, or a class per level in level order.
#[derive(Debug)]
pub enum RiskOut {
    One(&'static str),
    PerLevel(FlowMap<Ordered>),
}

impl Serialize for RiskOut {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RiskOut::One(class) => s.serialize_str(class),
            RiskOut::PerLevel(map) => map.serialize(s),
        }
    }
}

/// A mapping written in the order of its entries (levels are ordered; a `BTreeMap` would sort
/// `admin` before `read`).
#[derive(Debug)]
pub struct Ordered(pub Vec<(String, &'static str)>);

impl Serialize for Ordered {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        InOrder(&self.0).serialize(s)
    }
}

#[derive(Debug, serde::Serialize)]
pub struct AreaOut {
    pub id: String,
    pub title: String,
}

/// What an endpoint needs: alternatives, each a list of `id:level` references needed together.
pub type Alternatives = FlowSeq<Vec<Vec<String>>>;

#[derive(Debug, serde::Serialize)]
pub struct EndpointOut {
    /// Left out when it would be `METHOD /path` (the loader's default name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Method and path are both empty for an endpoint the table can only name (its path is
    /// not a template the table can match).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub method: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
    pub area: String,
    pub requires: Alternatives,
    /// How many of the first alternatives are the provider's least-privileged choice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub least: Option<usize>,
    #[serde(skip_serializing_if = "ByKind::is_empty")]
    pub requires_by_kind: ByKind,
    #[serde(skip_serializing_if = "LeastByKind::is_empty")]
    pub least_by_kind: LeastByKind,
    pub evidence: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// `evidence:` for an endpoint with this `evidence_reason`: a requirement with a reason is
/// inferred, one without is documented (the loader wants a reason for every inferred one).
pub fn evidence(reason: Option<&str>) -> &'static str {
    if reason.is_some() {
        "inferred"
    } else {
        "documented"
    }
}

/// `requires` and `requires_by_kind` from each token kind's alternatives, kinds in the table's
/// order: the first kind's are `requires`; another kind is listed only where its differ.
pub fn requires_per_kind<'k>(
    kinds: impl IntoIterator<Item = &'k str>,
    alternatives: impl IntoIterator<Item = Alternatives>,
) -> (Alternatives, ByKind) {
    let mut alternatives = alternatives.into_iter();
    let requires = alternatives.next().unwrap_or_else(|| FlowSeq(Vec::new()));
    let mut by_kind = ByKind::default();
    for (kind, alts) in kinds.into_iter().skip(1).zip(alternatives) {
        if alts.0 != requires.0 {
            by_kind.0.push((kind.to_owned(), alts));
        }
    }
    (requires, by_kind)
}

/// `requires_by_kind`: token kind → alternatives, in the table's token-kind order.
#[derive(Debug, Default)]
pub struct ByKind(pub Vec<(String, Alternatives)>);

impl ByKind {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for ByKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        InOrder(&self.0).serialize(s)
    }
}

/// `least_by_kind`: token kind → how many first alternatives are least-privileged, in the
/// table's token-kind order (a flow mapping: it is short).
#[derive(Debug, Default)]
pub struct LeastByKind(pub Vec<(String, usize)>);

impl LeastByKind {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for LeastByKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        FlowMap(InOrder(&self.0)).serialize(s)
    }
}

/// Entries written as a mapping in the order they stand in (the one way every ordered mapping
/// of a table file is written).
struct InOrder<'a, V>(&'a [(String, V)]);

impl<V: Serialize> Serialize for InOrder<'_, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

fn flow_seq_is_empty(seq: &FlowSeq<Vec<String>>) -> bool {
    seq.0.is_empty()
}

/// The file's text: block style with indented lists, like the hand-written tables, and long
/// strings on one line (a folded scalar would re-wrap whenever a reason changes).
pub fn to_yaml(table: &TableFile) -> Result<String, String> {
    let options = serde_saphyr::ser_options! {
        compact_list_indent: false,
        prefer_block_scalars: false,
    };
    serde_saphyr::to_string_with_options(table, options).map_err(|e| e.to_string())
}

/// What the importers' unit tests look up in a table they made.
#[cfg(test)]
pub(crate) mod testing {
    use super::{EndpointOut, TableFile};

    /// The endpoint at `method` `path`; a test fails without it.
    pub fn endpoint<'t>(t: &'t TableFile, method: &str, path: &str) -> &'t EndpointOut {
        t.endpoints
            .iter()
            .find(|e| e.method == method && e.path == path)
            .unwrap_or_else(|| panic!("no {method} {path}"))
    }

    /// An endpoint's alternatives, each a list of grants.
    pub fn requires(e: &EndpointOut) -> Vec<Vec<String>> {
        e.requires.0.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_after_the_first_are_listed_where_they_differ() {
        let alts = |s: &str| FlowSeq(vec![vec![s.to_owned()]]);
        let (requires, by_kind) =
            requires_per_kind(["a", "b", "c"], [alts("x"), alts("x"), alts("y")]);
        assert_eq!(requires.0, alts("x").0);
        let listed: Vec<(&str, &Vec<Vec<String>>)> =
            by_kind.0.iter().map(|(k, a)| (k.as_str(), &a.0)).collect();
        assert_eq!(listed, [("c", &alts("y").0)]);
        let (requires, by_kind) = requires_per_kind([], []);
        assert!(requires.0.is_empty() && by_kind.0.is_empty());
        assert_eq!(evidence(Some("why")), "inferred");
        assert_eq!(evidence(None), "documented");
    }

    #[test]
    fn collections_that_matter_are_flow_style_and_order_is_kept() {
        let table = TableFile {
            api: "demo".into(),
            title: "Demo".into(),
            provider: "Demo".into(),
            token_dialog: "Settings".into(),
            source: "here".into(),
            retrieved: None,
            base_urls: FlowSeq(vec!["https://api.example.com".into()]),
            case_insensitive_paths: None,
            token_kinds: FlowSeq(vec!["a".into(), "b".into()]),
            always_granted: FlowSeq(Vec::new()),
            scopes: vec![ScopeOut {
                name: "Contents".into(),
                id: "contents".into(),
                area: "repository".into(),
                levels: FlowSeq(vec!["read".into(), "write".into(), "admin".into()]),
                risk: RiskOut::PerLevel(FlowMap(Ordered(vec![
                    ("read".into(), "low"),
                    ("write".into(), "high"),
                    ("admin".into(), "high"),
                ]))),
                summary: "s".into(),
                risk_reason: None,
                aliases: FlowSeq(Vec::new()),
            }],
            areas: vec![AreaOut {
                id: "repository".into(),
                title: "Repository permissions".into(),
            }],
            endpoints: vec![EndpointOut {
                name: Some("Get".into()),
                method: "GET".into(),
                path: "/x".into(),
                area: "repository".into(),
                requires: FlowSeq(vec![vec!["contents:read".into()]]),
                least: None,
                requires_by_kind: ByKind(vec![("b".into(), FlowSeq(vec![]))]),
                least_by_kind: LeastByKind::default(),
                evidence: "documented",
                evidence_reason: None,
                source: None,
            }],
        };
        let text = to_yaml(&table).unwrap_or_else(|e| panic!("{e}"));
        assert!(text.contains("levels: [read, write, admin]\n"), "{text}");
        assert!(
            text.contains("risk: {read: low, write: high, admin: high}\n"),
            "{text}"
        );
        assert!(text.contains("token_kinds: [a, b]\n"), "{text}");
        assert!(text.contains("requires: [[contents:read]]\n"), "{text}");
        assert!(text.contains("      b: []\n"), "{text}");
        assert!(!text.contains("retrieved"), "{text}");
    }
}
