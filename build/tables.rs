//! Compiles a built-in scope table to Rust statics, so a run never parses one: the endpoints and
//! the name indexes become static data the table borrows, and the few dozen scopes and areas
//! are built by a generated function on first use.
//!
//! This is not a validator. What it cannot read (an unknown name, a bad path, a key it does
//! not know) makes [`compile`] return `None`, and the run falls back to the validating YAML
//! loader, which reports the problem with its location; but it does not repeat the loader's
//! checks across entries (duplicate names, implication cycles, falling risks). The
//! `every_built_in_compiles_like_the_yaml_reads` test in `src/table/builtin.rs` loads every
//! built-in with the validating loader and compares: a built-in table that does not validate
//! fails the tests.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write;

use serde::Deserialize;

use super::names::normalize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TableDoc {
    api: String,
    title: String,
    base_url: Option<String>,
    source: Option<String>,
    retrieved: Option<String>,
    provider: Option<String>,
    token_dialog: Option<String>,
    #[serde(default)]
    token_kinds: Vec<String>,
    #[serde(default)]
    base_urls: Vec<String>,
    #[serde(default)]
    case_insensitive_paths: bool,
    #[serde(default)]
    always_granted: Vec<GrantDoc>,
    scopes: Vec<ScopeDoc>,
    areas: Vec<AreaDoc>,
    endpoints: Vec<EndpointDoc>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RiskDoc {
    One(String),
    /// Per level; levels are looked up by name, so the mapping's order does not matter.
    PerLevel(BTreeMap<String, String>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum GrantDoc {
    Text(String),
    Map(GrantMap),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantMap {
    scope: String,
    level: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeDoc {
    name: String,
    id: String,
    area: String,
    risk: RiskDoc,
    summary: String,
    risk_reason: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    levels: Vec<String>,
    #[serde(default)]
    implies: Vec<GrantDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaDoc {
    id: String,
    title: String,
    #[serde(default)]
    bundle: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EndpointDoc {
    name: String,
    method: Option<String>,
    path: Option<String>,
    area: String,
    scopes: Option<Vec<String>>,
    requires: Option<Vec<Vec<GrantDoc>>>,
    #[serde(default)]
    requires_by_kind: BTreeMap<String, Vec<Vec<GrantDoc>>>,
    #[serde(default)]
    least: usize,
    #[serde(default)]
    least_by_kind: BTreeMap<String, usize>,
    evidence: String,
    evidence_reason: Option<String>,
    source: Option<String>,
}

const RISKS: [(&str, &str); 3] = [("low", "Low"), ("medium", "Medium"), ("high", "High")];
const EVIDENCE: [(&str, &str); 2] = [("documented", "Documented"), ("inferred", "Inferred")];

/// A grant resolved: (scope index, level index).
type Grant = (usize, usize);

/// Scope names and levels, for resolving references as the run-time loader does.
struct Names<'a> {
    ids: &'a HashMap<String, usize>,
    levels: Vec<&'a [String]>,
}

impl Names<'_> {
    fn scope(&self, name: &str) -> Option<usize> {
        self.ids.get(&normalize(name)).copied()
    }

    /// `contents`, `contents:write`, `Contents: write` or `{scope:, level:}`.
    fn grant(&self, g: &GrantDoc) -> Option<Grant> {
        let (name, level) = match g {
            GrantDoc::Map(GrantMap { scope, level }) => {
                (scope.trim(), level.as_deref().map(str::trim))
            }
            GrantDoc::Text(t) if self.ids.contains_key(&normalize(t)) => (t.trim(), None),
            GrantDoc::Text(t) => match t.rsplit_once(':') {
                Some((name, level)) if !level.trim().is_empty() => {
                    (name.trim(), Some(level.trim()))
                }
                _ => (t.trim(), None),
            },
        };
        let id = self.scope(name)?;
        let level = match level {
            None => 0,
            // Levels are numbered in a byte; the loader refuses more than that.
            Some(l) => self.levels[id]
                .iter()
                .position(|x| x.eq_ignore_ascii_case(l))
                .filter(|&i| i <= usize::from(u8::MAX))?,
        };
        Some((id, level))
    }

    fn requirement(&self, alts: &[Vec<GrantDoc>]) -> Option<Vec<Vec<Grant>>> {
        alts.iter()
            .map(|alt| {
                let mut grants = alt
                    .iter()
                    .map(|g| self.grant(g))
                    .collect::<Option<Vec<_>>>()?;
                grants.sort();
                Some(grants)
            })
            .collect()
    }

    fn set(&self, names: &[String]) -> Option<BTreeSet<usize>> {
        names.iter().map(|n| self.scope(n)).collect()
    }
}

/// A table file's Rust: a module `name` with `pub(super) fn table(file: SourceFile) -> Table`,
/// or `None` when the table does not read cleanly.
pub fn compile(yaml: &str, name: &str) -> Option<String> {
    // The repository's own files: a budget for the largest table (Microsoft Graph's), not for
    // hostile input; the run-time loader keeps its own limits.
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = 4_000_000;
    budget.max_events = 16_000_000;
    budget.max_total_scalar_bytes = 256 * 1024 * 1024;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    let doc: TableDoc = match serde_saphyr::from_str_with_options(yaml, options) {
        Ok(doc) => doc,
        Err(e) => {
            // The run-time loader reports the table's problems; this says why it is not static.
            println!(
                "cargo::warning={name}: not compiled: {}",
                e.to_string().lines().next().unwrap_or("")
            );
            return None;
        }
    };
    let area_ids: HashMap<&str, usize> = doc
        .areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    // As the loader: every scope's normalized name, then each id unless a name took it.
    let mut scope_names: HashMap<String, usize> = HashMap::new();
    for (i, s) in doc.scopes.iter().enumerate() {
        scope_names.insert(normalize(&s.name), i);
    }
    for (i, s) in doc.scopes.iter().enumerate() {
        scope_names.entry(s.id.clone()).or_insert(i);
    }
    let names = Names {
        ids: &scope_names,
        levels: doc.scopes.iter().map(|s| s.levels.as_slice()).collect(),
    };

    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(
        w,
        "#[allow(clippy::all, clippy::pedantic, unused_imports)]\nmod {name} {{"
    );
    w.push_str(
        "    use std::borrow::Cow::Borrowed as B;\n\
         \x20   use crate::source::{SourceFile, Span};\n\
         \x20   use crate::table::model::{AreaId, Endpoint, EndpointId, Evidence, Grant, Level, \
         NameIndex, Requirement, Risk, ScopeId, Segment, Table, Area, Scope, Str};\n\
         \x20   const NO_SPAN: Span = Span { offset: 0, length: 0, line: 0, column: 0 };\n",
    );

    // Endpoints: static.
    w.push_str("    static ENDPOINTS: &[Endpoint] = &[\n");
    let mut endpoint_names: Vec<(String, usize)> = Vec::new();
    for (i, e) in doc.endpoints.iter().enumerate() {
        endpoint_names.push((normalize(&e.name), i));
        let segments = match &e.path {
            Some(p) => template(p)?,
            None => Vec::new(),
        };
        let requires = match (&e.scopes, &e.requires) {
            (Some(scopes), None) => vec![names.set(scopes)?.into_iter().map(|s| (s, 0)).collect()],
            (None, Some(alts)) => names.requirement(alts)?,
            _ => return None,
        };
        let mut by_kind: Vec<Option<(Vec<Vec<Grant>>, usize)>> = vec![None; doc.token_kinds.len()];
        for (kind, alts) in &e.requires_by_kind {
            let k = doc.token_kinds.iter().position(|x| x == kind)?;
            by_kind[k] = Some((names.requirement(alts)?, 0));
        }
        // As the loader: a kind marked without its own requirement gets the default one.
        for (kind, &least) in &e.least_by_kind {
            let k = doc.token_kinds.iter().position(|x| x == kind)?;
            let req = by_kind[k].get_or_insert_with(|| (requires.clone(), 0));
            (least <= req.0.len()).then_some(())?;
            req.1 = least;
        }
        (e.least <= requires.len()).then_some(())?;
        let scopes: BTreeSet<usize> = requires.iter().flatten().map(|g| g.0).collect();
        let evidence = lookup(&EVIDENCE, &e.evidence)?;
        let _ = writeln!(
            w,
            "        Endpoint {{ name: B({name:?}), method: {method}, path: {path}, segments: B(&[{segments}]), \
             area: AreaId({area}), scopes: B(&[{scopes}]), requires: {requires}, requires_by_kind: B(&[{by_kind}]), \
             evidence: Evidence::{evidence}, evidence_reason: {reason}, source: {source}, span: NO_SPAN }},",
            name = e.name,
            method = opt_str(e.method.as_deref()),
            path = opt_str(e.path.as_deref()),
            segments = segments
                .iter()
                .map(|(param, s)| format!(
                    "Segment::{}(B({s:?}))",
                    if *param { "Param" } else { "Literal" }
                ))
                .collect::<Vec<_>>()
                .join(", "),
            area = area_ids.get(e.area.as_str())?,
            scopes = scopes
                .iter()
                .map(|s| format!("ScopeId({s})"))
                .collect::<Vec<_>>()
                .join(", "),
            requires = requirement(&requires, e.least),
            by_kind = by_kind
                .iter()
                .map(
                    |r| r.as_ref().map_or("None".to_owned(), |(r, least)| format!(
                        "Some({})",
                        requirement(r, *least)
                    ))
                )
                .collect::<Vec<_>>()
                .join(", "),
            reason = opt_str(e.evidence_reason.as_deref()),
            source = opt_str(e.source.as_deref()),
        );
    }
    w.push_str("    ];\n");
    name_index(w, "ENDPOINT_NAMES", "EndpointId", endpoint_names);
    let scope_pairs: Vec<(String, usize)> =
        scope_names.iter().map(|(k, &v)| (k.clone(), v)).collect();
    name_index(w, "SCOPE_NAMES", "ScopeId", scope_pairs);

    // Scopes and areas: built on first use.
    let _ = writeln!(
        w,
        "    pub(super) fn table(file: SourceFile) -> Table {{\n        Table {{"
    );
    let _ = writeln!(w, "            api: {:?}.into(),", doc.api);
    let _ = writeln!(w, "            title: {:?}.into(),", doc.title);
    for (field, value) in [
        ("base_url", &doc.base_url),
        ("source", &doc.source),
        ("retrieved", &doc.retrieved),
        ("provider", &doc.provider),
        ("token_dialog", &doc.token_dialog),
    ] {
        let _ = writeln!(w, "            {field}: {},", opt_string(value.as_deref()));
    }
    let _ = writeln!(
        w,
        "            token_kinds: vec![{}],",
        strings(&doc.token_kinds)
    );
    let _ = writeln!(
        w,
        "            base_urls: vec![{}],",
        strings(&doc.base_urls)
    );
    let _ = writeln!(
        w,
        "            case_insensitive_paths: {},",
        doc.case_insensitive_paths
    );
    let always = doc
        .always_granted
        .iter()
        .map(|g| names.grant(g))
        .collect::<Option<Vec<_>>>()?;
    let _ = writeln!(
        w,
        "            always_granted: [{}].into_iter().collect(),",
        grants(&always)
    );
    w.push_str("            scopes: vec![\n");
    for s in &doc.scopes {
        let level_risk: Vec<&str> = match &s.risk {
            RiskDoc::One(r) => vec![lookup(&RISKS, r)?; s.levels.len().max(1)],
            RiskDoc::PerLevel(map) => s
                .levels
                .iter()
                .map(|l| map.get(l).and_then(|r| lookup(&RISKS, r)))
                .collect::<Option<Vec<_>>>()?,
        };
        let implies = s
            .implies
            .iter()
            .map(|g| names.grant(g))
            .collect::<Option<Vec<_>>>()?;
        let _ = writeln!(
            w,
            "                Scope {{ name: {:?}.into(), id: {:?}.into(), area: AreaId({}), risk: Risk::{}, \
             summary: {:?}.into(), risk_reason: {}, aliases: vec![{}], levels: vec![{}], \
             level_risk: vec![{}], implies: vec![{}] }},",
            s.name,
            s.id,
            area_ids.get(s.area.as_str())?,
            level_risk.first()?,
            s.summary,
            opt_string(s.risk_reason.as_deref()),
            strings(&s.aliases),
            strings(&s.levels),
            level_risk
                .iter()
                .map(|r| format!("Risk::{r}"))
                .collect::<Vec<_>>()
                .join(", "),
            grants(&implies),
        );
    }
    w.push_str("            ],\n            areas: vec![\n");
    for a in &doc.areas {
        let bundle = names.set(&a.bundle)?;
        let _ = writeln!(
            w,
            "                Area {{ id: {:?}.into(), title: {:?}.into(), bundle: [{}].into_iter().collect() }},",
            a.id,
            a.title,
            bundle
                .iter()
                .map(|s| format!("ScopeId({s})"))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    w.push_str(
        "            ],\n\
         \x20           endpoints: B(ENDPOINTS),\n\
         \x20           file,\n\
         \x20           endpoint_names: NameIndex(B(ENDPOINT_NAMES)),\n\
         \x20           scope_names: NameIndex(B(SCOPE_NAMES)),\n\
         \x20           path_index: Default::default(),
         \x20           suggestions: Default::default(),\n\
         \x20       }\n    }\n}\n",
    );
    Some(out)
}

/// A path template's segments, `(is_parameter, text)`, as `parse_template` reads them.
fn template(path: &str) -> Option<Vec<(bool, &str)>> {
    if !path.starts_with('/') || path.contains(['?', '#']) {
        return None;
    }
    path.split('/')
        .filter(|raw| !raw.is_empty())
        .map(
            |raw| match raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
                Some(inner) if !inner.is_empty() && !inner.contains(['{', '}']) => {
                    Some((true, inner))
                }
                Some(_) => None,
                None if raw.contains(['{', '}']) => None,
                None => Some((false, raw)),
            },
        )
        .collect()
}

/// A sorted static `NameIndex` slice; of equal names the first stays.
fn name_index(w: &mut String, name: &str, id_type: &str, mut pairs: Vec<(String, usize)>) {
    pairs.sort();
    pairs.dedup_by(|later, first| later.0 == first.0);
    let _ = writeln!(w, "    static {name}: &[(Str, {id_type})] = &[");
    for (k, v) in pairs {
        let _ = writeln!(w, "        (B({k:?}), {id_type}({v})),");
    }
    w.push_str("    ];\n");
}

fn lookup(names: &[(&str, &'static str)], value: &str) -> Option<&'static str> {
    names.iter().find(|(k, _)| *k == value).map(|(_, v)| *v)
}

fn requirement(alts: &[Vec<Grant>], least: usize) -> String {
    let alts: Vec<String> = alts
        .iter()
        .map(|alt| format!("B(&[{}])", grants(alt)))
        .collect();
    format!(
        "Requirement {{ alternatives: B(&[{}]), least: {least} }}",
        alts.join(", ")
    )
}

fn grants(grants: &[Grant]) -> String {
    grants
        .iter()
        .map(|(s, l)| format!("Grant::new(ScopeId({s}), Level({l}))"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn opt_str(s: Option<&str>) -> String {
    s.map_or("None".to_owned(), |s| format!("Some(B({s:?}))"))
}

fn opt_string(s: Option<&str>) -> String {
    s.map_or("None".to_owned(), |s| format!("Some({s:?}.into())"))
}

fn strings(list: &[String]) -> String {
    list.iter()
        .map(|s| format!("{s:?}.into()"))
        .collect::<Vec<_>>()
        .join(", ")
}
