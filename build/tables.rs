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
    /// `METHOD /path` when absent (the loader's default).
    name: Option<String>,
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
pub fn compile(yaml: &str, name: &str) -> Option<Compiled> {
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
        "    use crate::source::SourceFile;\n\
         \x20   use crate::table::model::{Grant, Level, Risk, ScopeId, Table};\n\
         \x20   use super::{AreaRow, ScopeRow};\n",
    );

    // Endpoints and name indexes: pointer-free records (see `src/table/packed.rs`), decoded on
    // first use. Statics full of references would each need a relocation at every start-up,
    // whichever table the run uses: Graph's would add over 100,000 of them.
    let mut p = Packer::default();
    let mut endpoint_names: Vec<(String, usize)> = Vec::new();
    let mut templates: Vec<(usize, Vec<Option<&str>>)> = Vec::new();
    let kinds = doc.token_kinds.len();
    for (i, e) in doc.endpoints.iter().enumerate() {
        let e_name = match (&e.name, &e.method, &e.path) {
            (Some(n), _, _) => n.clone(),
            (None, Some(m), Some(path)) => format!("{m} {path}"),
            _ => return None,
        };
        endpoint_names.push((normalize(&e_name), i));
        let segments = match &e.path {
            Some(path) => template(path)?,
            None => Vec::new(),
        };
        let requires = match (&e.scopes, &e.requires) {
            (Some(scopes), None) => vec![names.set(scopes)?.into_iter().map(|s| (s, 0)).collect()],
            (None, Some(alts)) => names.requirement(alts)?,
            _ => return None,
        };
        let mut by_kind: Vec<Option<(Vec<Vec<Grant>>, usize)>> = vec![None; kinds];
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
        let evidence = EVIDENCE.iter().position(|(k, _)| *k == e.evidence)?;
        let name = p.string(&e_name);
        let method = match &e.method {
            Some(m) => METHOD_NAMES.iter().position(|k| k == m)? as u32,
            None => NONE,
        };
        let path = p.opt_string(e.path.as_deref());
        if e.method.is_some() {
            templates.push((
                i,
                segments
                    .iter()
                    .map(|&(param, t)| (!param).then_some(t))
                    .collect(),
            ));
        }
        let seg_start = p.path_segments(&segments);
        let scope_start = p.scope_ids.len();
        p.scope_ids.extend(scopes.iter().map(|&s| s as u32));
        let req = p.requirement(&requires, e.least);
        let kind_start = p.kind_refs.len();
        for r in &by_kind {
            let index = match r {
                Some((alts, least)) => p.requirement(alts, *least),
                None => NONE,
            };
            p.kind_refs.push(index);
        }
        let reason = p.opt_string(e.evidence_reason.as_deref());
        let source = p.opt_string(e.source.as_deref());
        p.endpoints.extend([
            name.0,
            name.1,
            method,
            path.0,
            path.1,
            seg_start as u32,
            segments.len() as u32,
            *area_ids.get(e.area.as_str())? as u32,
            scope_start as u32,
            scopes.len() as u32,
            req,
            kind_start as u32,
            evidence as u32,
            reason.0,
            reason.1,
            source.0,
            source.1,
        ]);
    }
    let endpoint_names = p.names(endpoint_names);
    let scope_names = p.names(scope_names.iter().map(|(k, &v)| (k.clone(), v)).collect());
    let data = p.finish(kinds, endpoint_names, scope_names);
    let index: Vec<u8> =
        super::index::PathIndex::pack(templates, doc.case_insensitive_paths, &mut |k: &str| {
            p.string(k)
        })
        .iter()
        .flat_map(|w| w.to_le_bytes())
        .collect();
    let _ = writeln!(
        w,
        "    static DATA: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}.bin\"));\n\
         \x20   static INDEX: &[u8] = include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{name}.idx\"));\n\
         \x20   static STRINGS: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/{name}.txt\"));\n\
         \x20   const CASE_INSENSITIVE: bool = {};",
        doc.case_insensitive_paths
    );

    // Scopes and areas: built on first use.
    w.push_str(TABLE_FN);
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
    let _ = writeln!(w, "            case_insensitive_paths: CASE_INSENSITIVE,");
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
    // Scopes and areas as static rows, turned into the table's owned values by a loop: a
    // function that built each one in place would grow with the table (Graph has hundreds),
    // and the optimiser is slow on long functions.
    let mut rows = String::from("    static SCOPE_ROWS: &[ScopeRow] = &[\n");
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
            rows,
            "        ScopeRow {{ name: {:?}, id: {:?}, area: {}, summary: {:?}, risk_reason: {:?}, \
             aliases: &[{}], levels: &[{}], level_risk: &[{}], implies: &[{}] }},",
            s.name,
            s.id,
            area_ids.get(s.area.as_str())?,
            s.summary,
            s.risk_reason,
            list(&s.aliases),
            list(&s.levels),
            level_risk
                .iter()
                .map(|r| format!("Risk::{r}"))
                .collect::<Vec<_>>()
                .join(", "),
            grants(&implies),
        );
    }
    rows.push_str("    ];\n    static AREA_ROWS: &[AreaRow] = &[\n");
    for a in &doc.areas {
        let bundle = names.set(&a.bundle)?;
        let _ = writeln!(
            rows,
            "        AreaRow {{ id: {:?}, title: {:?}, bundle: &[{}] }},",
            a.id,
            a.title,
            bundle
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    rows.push_str("    ];\n");
    let at = w.find(TABLE_FN).unwrap_or(w.len());
    w.insert_str(at, &rows);
    w.push_str(
        "            scopes: SCOPE_ROWS.iter().map(ScopeRow::scope).collect(),\n\
         \x20           areas: AREA_ROWS.iter().map(AreaRow::area).collect(),\n",
    );
    w.push_str(
        "            endpoints: packed.endpoints,\n\
         \x20           file,\n\
         \x20           endpoint_names: packed.endpoint_names,\n\
         \x20           scope_names: packed.scope_names,\n\
         \x20           path_index: std::sync::OnceLock::from(crate::table::index::PathIndex::packed(\
         INDEX, STRINGS, CASE_INSENSITIVE)),\n\
         \x20           suggestions: Default::default(),\n\
         \x20       }\n    }\n}\n",
    );
    Some(Compiled {
        rust: out,
        data,
        index,
        strings: p.strings,
    })
}

/// A compiled table: its Rust module, and the records and strings it includes from `OUT_DIR`
/// as `<module>.bin` and `<module>.txt`.
pub struct Compiled {
    pub rust: String,
    pub data: Vec<u8>,
    /// The path trie (`src/table/index.rs`), keys in `strings`.
    pub index: Vec<u8>,
    pub strings: String,
}

/// `u32::MAX`: no value (no method, no path, no per-kind requirement).
const NONE: u32 = u32::MAX;

/// The methods, numbered as `src/table/packed.rs` reads them (the loader's `METHODS`).
const METHOD_NAMES: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Builds the records `src/table/packed.rs` decodes: little-endian `u32`s, sections in the
/// order of its header, text as (offset, length) into one string of every distinct text.
#[derive(Default)]
struct Packer {
    strings: String,
    seen: HashMap<String, (u32, u32)>,
    paths: HashMap<Vec<(bool, String)>, usize>,
    seen_requirements: HashMap<(Vec<Vec<Grant>>, usize), u32>,
    endpoints: Vec<u32>,
    segments: Vec<u32>,
    requirements: Vec<u32>,
    alternatives: Vec<u32>,
    grants: Vec<u32>,
    kind_refs: Vec<u32>,
    scope_ids: Vec<u32>,
}

impl Packer {
    fn string(&mut self, s: &str) -> (u32, u32) {
        if let Some(&at) = self.seen.get(s) {
            return at;
        }
        let at = (self.strings.len() as u32, s.len() as u32);
        self.strings.push_str(s);
        self.seen.insert(s.to_owned(), at);
        at
    }

    fn opt_string(&mut self, s: Option<&str>) -> (u32, u32) {
        s.map_or((NONE, 0), |s| self.string(s))
    }

    /// Where a path's segments start; endpoints with the same path share them.
    fn path_segments(&mut self, segments: &[(bool, &str)]) -> usize {
        let key: Vec<(bool, String)> = segments.iter().map(|&(p, t)| (p, t.to_owned())).collect();
        if let Some(&at) = self.paths.get(&key) {
            return at;
        }
        let at = self.segments.len() / 3;
        for &(param, text) in segments {
            let (off, len) = self.string(text);
            self.segments.extend([u32::from(param), off, len]);
        }
        self.paths.insert(key, at);
        at
    }

    /// A requirement's index; equal requirements are stored once.
    fn requirement(&mut self, alts: &[Vec<Grant>], least: usize) -> u32 {
        if let Some(&at) = self.seen_requirements.get(&(alts.to_vec(), least)) {
            return at;
        }
        let index = self.requirements.len() / 3;
        self.seen_requirements
            .insert((alts.to_vec(), least), index as u32);
        self.requirements.extend([
            (self.alternatives.len() / 2) as u32,
            alts.len() as u32,
            least as u32,
        ]);
        for alt in alts {
            self.alternatives
                .extend([(self.grants.len() / 2) as u32, alt.len() as u32]);
            for &(scope, level) in alt {
                self.grants.extend([scope as u32, level as u32]);
            }
        }
        index as u32
    }

    /// A sorted name index: (offset, length, id); of equal names the first stays.
    fn names(&mut self, mut pairs: Vec<(String, usize)>) -> Vec<u32> {
        pairs.sort();
        pairs.dedup_by(|later, first| later.0 == first.0);
        let mut out = Vec::with_capacity(pairs.len() * 3);
        for (k, v) in pairs {
            let (off, len) = self.string(&k);
            out.extend([off, len, v as u32]);
        }
        out
    }

    /// The header (token kinds, then each section's length in `u32`s) and the sections.
    fn finish(&self, kinds: usize, endpoint_names: Vec<u32>, scope_names: Vec<u32>) -> Vec<u8> {
        let sections = [
            &self.endpoints,
            &self.segments,
            &self.requirements,
            &self.alternatives,
            &self.grants,
            &self.kind_refs,
            &self.scope_ids,
            &endpoint_names,
            &scope_names,
        ];
        let mut words = vec![kinds as u32];
        words.extend(sections.iter().map(|s| s.len() as u32));
        for s in sections {
            words.extend(s.iter().copied());
        }
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }
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

fn lookup(names: &[(&str, &'static str)], value: &str) -> Option<&'static str> {
    names.iter().find(|(k, _)| *k == value).map(|(_, v)| *v)
}

fn grants(grants: &[Grant]) -> String {
    grants
        .iter()
        .map(|(s, l)| format!("Grant::new(ScopeId({s}), Level({l}))"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where the generated `table` function starts (the rows go before it).
const TABLE_FN: &str = "    pub(super) fn table(file: SourceFile) -> Table {\n        \
     let packed = crate::table::packed::Packed::decode(DATA, STRINGS);\n        Table {\n";

/// `"a", "b"` for a static `&[&str]`.
fn list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
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
