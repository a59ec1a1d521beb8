//! Reading and validating a scope table file.
//!
//! A custom table is user input like a manifest: every problem is a located error, all are
//! reported at once, and nothing is trusted until the cross-references check out.

use std::collections::{HashMap, HashSet};

use crate::error::{InputError, did_you_mean};
use crate::source::{SourceFile, Span};
use crate::yaml::{self, Fields, Limits, Node, Reader, Text, closest, normalize};

use super::matching::parse_template;
use super::model::{
    Area, AreaId, Endpoint, EndpointId, Evidence, Grant, Level, METHODS, NameIndex, Requirement,
    Risk, Scope, ScopeId, ScopeSet, Segment, Table,
};

const TOP_KEYS: &[&str] = &[
    "api",
    "title",
    "base_url",
    "source",
    "retrieved",
    "provider",
    "token_dialog",
    "token_kinds",
    "base_urls",
    "case_insensitive_paths",
    "always_granted",
    "scopes",
    "areas",
    "endpoints",
];
const SCOPE_KEYS: &[&str] = &[
    "name",
    "id",
    "area",
    "risk",
    "summary",
    "risk_reason",
    "aliases",
    "levels",
    "implies",
];
const AREA_KEYS: &[&str] = &["id", "title", "bundle"];
const ENDPOINT_KEYS: &[&str] = &[
    "name",
    "method",
    "path",
    "area",
    "scopes",
    "requires",
    "requires_by_kind",
    "least",
    "least_by_kind",
    "evidence",
    "evidence_reason",
    "source",
];
const GRANT_KEYS: &[&str] = &["scope", "level"];

/// The most levels a scope may have (levels are numbered in a byte).
const MAX_LEVELS: usize = 32;

impl Table {
    /// The table compiled into the binary (Texter's), from the static data the build made of
    /// it; should the build have failed to compile it, read from the YAML, whose errors have
    /// positions.
    pub fn embedded() -> Result<Table, Vec<InputError>> {
        super::builtin::default_builtin().load()
    }

    /// Parses and validates a table; every problem found is returned, each located.
    pub fn load(file: SourceFile) -> Result<Table, Vec<InputError>> {
        let root = yaml::parse_document(
            &file,
            Limits::TABLE,
            yaml::DocumentKind {
                what: "a scope table",
                keys: TOP_KEYS,
            },
        )
        .map_err(|e| vec![e])?;
        let mut reader = Reader::new(&file);
        let table = read_table(&mut reader, &root);
        match table {
            Some(table) if reader.errors.is_empty() => Ok(table),
            _ => Err(reader.errors),
        }
    }
}

struct PendingScope {
    name: Text,
    id: Text,
    area: Text,
    /// The lowest level's risk (the scope's class when it has no levels).
    risk: Risk,
    /// Per level, when `risk:` is a mapping.
    level_risk: Vec<(Text, Risk)>,
    summary: String,
    risk_reason: Option<String>,
    aliases: Vec<Text>,
    levels: Vec<Text>,
    implies: Vec<GrantRef>,
}

/// A scope reference as written in a table or a manifest: `contents`, `contents:write`,
/// `Contents: write`, or `{scope: contents, level: write}`.
#[derive(Clone, Debug)]
pub struct GrantRef {
    pub scope: Text,
    pub level: Option<Text>,
    pub span: Span,
}

impl GrantRef {
    /// Reads a reference from a node: a string, or a mapping with `scope` and `level`.
    pub fn read(r: &mut Reader<'_>, node: &Node, what: &str) -> Option<GrantRef> {
        if let yaml::NodeKind::Map(_) = node.kind {
            let f = r.map(node, what, GRANT_KEYS)?;
            let scope = f
                .require(r, "scope", what)
                .and_then(|n| r.required_text(n, "`scope`"))?;
            let level = f.get("level").and_then(|n| r.required_text(n, "`level`"));
            return Some(GrantRef {
                scope,
                level,
                span: node.span,
            });
        }
        let text = r.required_text(node, what)?;
        Some(GrantRef {
            span: text.span,
            scope: text,
            level: None,
        })
    }
}

fn read_table(r: &mut Reader<'_>, root: &Node) -> Option<Table> {
    let top = r.map(root, "the scope table", TOP_KEYS)?;
    let api = top
        .require(r, "api", "the scope table")
        .and_then(|n| r.required_text(n, "`api`"));
    if let Some(api) = &api
        && !is_slug(&api.value)
    {
        r.error(
            api.span,
            "`api` must be a lowercase id (letters, digits, `-`)",
            "not a lowercase id",
            None,
        );
    }
    let title = top
        .require(r, "title", "the scope table")
        .and_then(|n| r.required_text(n, "`title`"));
    let base_url = optional(r, &top, "base_url");
    let source = optional(r, &top, "source");
    let retrieved = optional(r, &top, "retrieved");
    let provider = optional(r, &top, "provider");
    let token_dialog = optional(r, &top, "token_dialog");
    let token_kinds = text_list_opt(r, &top, "token_kinds");
    let base_urls: Vec<String> = text_list_opt(r, &top, "base_urls")
        .into_iter()
        .map(|t| t.value)
        .collect();
    let case_insensitive_paths = top
        .get("case_insensitive_paths")
        .and_then(|n| r.required_text(n, "`case_insensitive_paths`"))
        .and_then(|t| match t.value.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                r.error(
                    t.span,
                    "`case_insensitive_paths` is `true` or `false`",
                    "not a boolean",
                    None,
                );
                None
            }
        })
        .unwrap_or(false);
    for (i, k) in token_kinds.iter().enumerate() {
        if !is_slug(&k.value) {
            r.error(
                k.span,
                "a token kind must be a lowercase id",
                "not a lowercase id",
                None,
            );
        }
        if token_kinds[..i].iter().any(|o| o.value == k.value) {
            r.error(
                k.span,
                format!("token kind `{}` is listed twice", k.value),
                "duplicate",
                None,
            );
        }
    }

    let areas_raw = read_areas(r, &top);
    let area_index: HashMap<String, AreaId> = areas_raw
        .iter()
        .enumerate()
        .map(|(i, (id, _, _))| (id.value.clone(), AreaId(i)))
        .collect();

    let scopes_raw = read_scopes(r, &top);
    let mut pending_implies: Vec<Vec<GrantRef>> = Vec::new();
    let mut scope_names: HashMap<String, ScopeId> = HashMap::new();
    let mut scopes = Vec::new();
    let mut ids_seen: HashSet<String> = HashSet::new();
    for (i, s) in scopes_raw.into_iter().enumerate() {
        let key = normalize(&s.name.value);
        if scope_names.insert(key, ScopeId(i)).is_some() {
            r.error(
                s.name.span,
                format!("scope `{}` is listed twice", s.name.value),
                "duplicate",
                None,
            );
        }
        if !is_slug(&s.id.value) {
            r.error(
                s.id.span,
                "a scope `id` must be a lowercase slug (letters, digits, `-`)",
                "not a slug",
                None,
            );
        }
        if !ids_seen.insert(s.id.value.clone()) {
            r.error(
                s.id.span,
                format!("scope id `{}` is used twice", s.id.value),
                "duplicate",
                None,
            );
        }
        let area = resolve_area(r, &area_index, &s.area);
        let level_risk = level_risks(r, &s);
        scopes.push(Scope {
            name: s.name.value.clone(),
            id: s.id.value.clone(),
            area: area.unwrap_or(AreaId(0)),
            risk: level_risk.first().copied().unwrap_or(s.risk),
            summary: s.summary.clone(),
            risk_reason: s.risk_reason.clone(),
            aliases: s.aliases.iter().map(|a| a.value.clone()).collect(),
            levels: s.levels.iter().map(|l| l.value.clone()).collect(),
            level_risk,
            implies: Vec::new(),
        });
        pending_implies.push(s.implies.clone());
        for alias in &s.aliases {
            if scope_names.contains_key(&normalize(&alias.value)) {
                r.error(
                    alias.span,
                    "an alias must not be the name of a scope",
                    "is a scope name",
                    None,
                );
            }
        }
    }
    for (i, s) in scopes.iter().enumerate() {
        // Ids resolve like names; a clash with another scope's name would make a reference ambiguous.
        if let Some(&other) = scope_names.get(&s.id)
            && other.0 != i
        {
            r.error(
                top.span,
                format!("scope id `{}` equals another scope's name", s.id),
                "here",
                None,
            );
        }
        scope_names.entry(s.id.clone()).or_insert(ScopeId(i));
    }

    // Implications, resolved once every scope is known, then checked for cycles.
    let implies: Vec<Vec<(Grant, Span)>> = {
        let lookup = ScopeLookup {
            names: &scope_names,
            scopes: &scopes,
        };
        pending_implies
            .iter()
            .map(|refs| {
                refs.iter()
                    .filter_map(|g| Some((lookup.grant(r, g)?, g.span)))
                    .collect()
            })
            .collect()
    };
    let implies_spans: Vec<Vec<Span>> = implies
        .iter()
        .map(|grants| grants.iter().map(|(_, span)| *span).collect())
        .collect();
    for (scope, implied) in scopes.iter_mut().zip(implies) {
        scope.implies = implied.into_iter().map(|(g, _)| g).collect();
    }
    check_implication_cycles(r, &scopes, &implies_spans);
    let always_granted: super::model::GrantSet = {
        let lookup = ScopeLookup {
            names: &scope_names,
            scopes: &scopes,
        };
        let refs: Vec<GrantRef> = top
            .get("always_granted")
            .and_then(|n| r.seq(n, "`always_granted`"))
            .map(|items| {
                items
                    .iter()
                    .filter_map(|n| GrantRef::read(r, n, "an entry of `always_granted`"))
                    .collect()
            })
            .unwrap_or_default();
        refs.iter().filter_map(|g| lookup.grant(r, g)).collect()
    };

    let lookup = ScopeLookup {
        names: &scope_names,
        scopes: &scopes,
    };

    let mut areas = Vec::new();
    for (id, title, bundle) in areas_raw {
        let bundle = lookup.set(r, &bundle, "bundle");
        areas.push(Area {
            id: id.value,
            title: title.value,
            bundle,
        });
    }

    let mut endpoints = Vec::new();
    let mut endpoint_names = HashMap::new();
    let mut shapes: HashMap<(String, Vec<Option<String>>), String> = HashMap::new();
    if let Some(list) = top.require(r, "endpoints", "the scope table")
        && let Some(items) = r.seq(list, "`endpoints`")
    {
        for item in items {
            let Some(ep) = read_endpoint(r, item, &area_index, &lookup, &token_kinds) else {
                continue;
            };
            let id = EndpointId(endpoints.len());
            if endpoint_names.insert(normalize(&ep.name), id).is_some() {
                r.error(
                    ep.span,
                    format!("endpoint `{}` is listed twice", ep.name),
                    "duplicate name",
                    None,
                );
            }
            if let Some(method) = &ep.method {
                let shape: Vec<Option<String>> = ep
                    .segments
                    .iter()
                    .map(|s| match s {
                        Segment::Literal(l) if case_insensitive_paths => {
                            Some(l.to_ascii_lowercase())
                        }
                        Segment::Literal(l) => Some(l.to_string()),
                        Segment::Param(_) => None,
                    })
                    .collect();
                if let Some(other) = shapes.insert((method.to_string(), shape), ep.name.to_string())
                {
                    r.error(
                        ep.span,
                        format!("`{}` has the same method and path as `{other}`", ep.name),
                        "duplicate METHOD path",
                        Some(
                            "two endpoints must differ in method or in a literal path segment"
                                .into(),
                        ),
                    );
                }
            }
            endpoints.push(ep);
        }
    }

    Some(Table {
        api: api?.value,
        title: title?.value,
        base_url,
        source,
        retrieved,
        provider,
        token_dialog,
        token_kinds: token_kinds.into_iter().map(|t| t.value).collect(),
        base_urls,
        case_insensitive_paths,
        always_granted,
        scopes,
        areas,
        endpoints: endpoints.into(),
        file: r.file.clone(),
        endpoint_names: NameIndex::new(endpoint_names),
        scope_names: NameIndex::new(scope_names),
        path_index: Default::default(),
        suggestions: Default::default(),
    })
}

fn optional(r: &mut Reader<'_>, fields: &Fields<'_>, key: &str) -> Option<String> {
    fields
        .get(key)
        .and_then(|n| r.optional_text(n, &format!("`{key}`")))
        .map(|t| t.value)
}

fn read_areas(r: &mut Reader<'_>, top: &Fields<'_>) -> Vec<(Text, Text, Vec<Text>)> {
    let mut out: Vec<(Text, Text, Vec<Text>)> = Vec::new();
    let Some(list) = top.require(r, "areas", "the scope table") else {
        return out;
    };
    let Some(items) = r.seq(list, "`areas`") else {
        return out;
    };
    for item in items {
        let Some(f) = r.map(item, "an area", AREA_KEYS) else {
            continue;
        };
        let id = f
            .require(r, "id", "an area")
            .and_then(|n| r.required_text(n, "an area `id`"));
        let title = f
            .require(r, "title", "an area")
            .and_then(|n| r.required_text(n, "an area `title`"));
        let bundle = f
            .get("bundle")
            .map(|n| text_list(r, n, "`bundle`"))
            .unwrap_or_default();
        if let (Some(id), Some(title)) = (id, title) {
            if !is_slug(&id.value) {
                r.error(
                    id.span,
                    "an area `id` must be a lowercase slug",
                    "not a slug",
                    None,
                );
            }
            if out.iter().any(|(other, _, _)| other.value == id.value) {
                r.error(
                    id.span,
                    format!("area `{}` is listed twice", id.value),
                    "duplicate",
                    None,
                );
            }
            out.push((id, title, bundle));
        }
    }
    out
}

fn read_scopes(r: &mut Reader<'_>, top: &Fields<'_>) -> Vec<PendingScope> {
    let mut out = Vec::new();
    let Some(list) = top.require(r, "scopes", "the scope table") else {
        return out;
    };
    let Some(items) = r.seq(list, "`scopes`") else {
        return out;
    };
    for item in items {
        let Some(f) = r.map(item, "a scope", SCOPE_KEYS) else {
            continue;
        };
        let name = f
            .require(r, "name", "a scope")
            .and_then(|n| r.required_text(n, "a scope `name`"));
        let id = f
            .require(r, "id", "a scope")
            .and_then(|n| r.required_text(n, "a scope `id`"));
        let area = f
            .require(r, "area", "a scope")
            .and_then(|n| r.required_text(n, "a scope `area`"));
        let levels_node = f.get("levels");
        let levels = levels_node
            .map(|n| text_list(r, n, "`levels`"))
            .unwrap_or_default();
        if let Some(n) = levels_node
            && levels.len() > MAX_LEVELS
        {
            r.error(
                n.span,
                format!(
                    "a scope has at most {MAX_LEVELS} levels; this one lists {}",
                    levels.len()
                ),
                "too many levels",
                None,
            );
        }
        let (risk, level_risk) = match f.require(r, "risk", "a scope") {
            Some(n) if matches!(n.kind, yaml::NodeKind::Map(_)) => {
                let entries = r.named_map(n, "`risk`").unwrap_or_default();
                if entries.is_empty() {
                    r.error(
                        n.span,
                        "`risk:` gives no risk",
                        "empty mapping",
                        Some("write one class (`risk: high`) or one per level".into()),
                    );
                }
                let per_level: Vec<(Text, Risk)> = entries
                    .into_iter()
                    .filter_map(|(level, v)| {
                        let t = r.required_text(v, "a risk")?;
                        enum_value(r, &t, Risk::parse, &Risk::NAMES, "risk").map(|k| (level, k))
                    })
                    .collect();
                (per_level.first().map(|(_, k)| *k), per_level)
            }
            Some(n) => (
                r.required_text(n, "`risk`")
                    .and_then(|t| enum_value(r, &t, Risk::parse, &Risk::NAMES, "risk")),
                Vec::new(),
            ),
            None => (None, Vec::new()),
        };
        let implies = f
            .get("implies")
            .and_then(|n| r.seq(n, "`implies`"))
            .map(|items| {
                items
                    .iter()
                    .filter_map(|n| GrantRef::read(r, n, "an entry of `implies`"))
                    .collect()
            })
            .unwrap_or_default();
        let summary = f
            .require(r, "summary", "a scope")
            .and_then(|n| r.required_text(n, "a scope `summary`"));
        let risk_reason = optional(r, &f, "risk_reason");
        let aliases = f
            .get("aliases")
            .map(|n| text_list(r, n, "`aliases`"))
            .unwrap_or_default();
        if let (Some(name), Some(id), Some(area), Some(risk), Some(summary)) =
            (name, id, area, risk, summary)
        {
            out.push(PendingScope {
                name,
                id,
                area,
                risk,
                level_risk,
                summary: summary.value,
                risk_reason,
                aliases,
                levels,
                implies,
            });
        }
    }
    out
}

fn read_endpoint(
    r: &mut Reader<'_>,
    item: &Node,
    areas: &HashMap<String, AreaId>,
    lookup: &ScopeLookup<'_>,
    kinds: &[Text],
) -> Option<Endpoint> {
    let f = r.map(item, "an endpoint", ENDPOINT_KEYS)?;
    let method = f.get("method").and_then(|n| r.required_text(n, "`method`"));
    let path = f.get("path").and_then(|n| r.required_text(n, "`path`"));
    // Without `name`, an endpoint with a method and a path is named `METHOD /path`.
    let name = match (f.get("name"), &method, &path) {
        (Some(n), _, _) => r.required_text(n, "an endpoint `name`"),
        (None, Some(m), Some(p)) => Some(Text {
            value: format!("{} {}", m.value, p.value),
            span: m.span,
        }),
        (None, _, _) => f
            .require(r, "name", "an endpoint")
            .and_then(|n| r.required_text(n, "an endpoint `name`")),
    };
    let area = f
        .require(r, "area", "an endpoint")
        .and_then(|n| r.required_text(n, "an endpoint `area`"))
        .and_then(|t| resolve_area(r, areas, &t));
    let requires = match (f.get("scopes"), f.get("requires")) {
        (Some(n), None) => {
            let list = text_list(r, n, "`scopes`");
            Requirement::all_of(&lookup.set(r, &list, "scopes"))
        }
        (None, Some(n)) => lookup.requirement(r, n),
        (Some(_), Some(_)) => {
            r.error(
                f.span,
                "an endpoint has `scopes:` or `requires:`, not both",
                "both here",
                Some("`scopes: [a, b]` is short for `requires: [[a, b]]`".into()),
            );
            Requirement::default()
        }
        (None, None) => {
            r.error(
                f.span,
                "an endpoint needs `scopes:` or `requires:`",
                "neither here",
                Some("`scopes: []` says any valid token may call it".into()),
            );
            Requirement::default()
        }
    };
    let mut requires = requires;
    let mut requires_by_kind = vec![None; kinds.len()];
    if let Some(n) = f.get("requires_by_kind") {
        for (kind, node) in r.named_map(n, "`requires_by_kind`").unwrap_or_default() {
            if let Some(i) = kind_index(r, kinds, &kind) {
                requires_by_kind[i] = Some(lookup.requirement(r, node));
            }
        }
    }
    if let Some(n) = f.get("least") {
        requires.least = least_count(r, n, &requires);
    }
    if let Some(n) = f.get("least_by_kind") {
        for (kind, node) in r.named_map(n, "`least_by_kind`").unwrap_or_default() {
            let Some(i) = kind_index(r, kinds, &kind) else {
                continue;
            };
            // A kind without its own requirement has the default one, with its own marks.
            let req = requires_by_kind[i].get_or_insert_with(|| Requirement {
                alternatives: requires.alternatives.clone(),
                least: 0,
            });
            req.least = least_count(r, node, req);
        }
    }
    let scopes = requires.scopes();
    let evidence = f
        .require(r, "evidence", "an endpoint")
        .and_then(|n| r.required_text(n, "`evidence`"))
        .and_then(|t| enum_value(r, &t, Evidence::parse, &Evidence::NAMES, "evidence"));
    let evidence_reason = f
        .get("evidence_reason")
        .and_then(|n| r.optional_text(n, "`evidence_reason`"))
        .map(|t| t.value);
    let source = optional(r, &f, "source");

    if let Some(m) = &method
        && !METHODS.contains(&m.value.as_str())
    {
        let help = did_you_mean(&closest(&m.value, METHODS.iter().copied()));
        r.error(
            m.span,
            format!("`{}` is not an HTTP method", m.value),
            "unknown method",
            help,
        );
    }
    let segments = match &path {
        Some(p) => match parse_template(&p.value) {
            Ok(segments) => segments,
            Err(why) => {
                r.error(
                    p.span,
                    format!("invalid path `{}`: {why}", p.value),
                    "invalid path",
                    None,
                );
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    if method.is_some() != path.is_some() {
        r.error(
            f.span,
            "an endpoint needs both `method` and `path`, or neither",
            "only one of them here",
            Some("omit both when the method and path are not known; the endpoint stays referable by name".into()),
        );
    }
    // An endpoint with a bad area or evidence is still read (the table is refused for those
    // errors anyway), so the checks across endpoints — duplicate names, duplicate `METHOD
    // path` — report everything in one run.
    Some(Endpoint {
        span: name.as_ref().map_or(f.span, |n| n.span),
        name: name?.value.into(),
        method: method.map(|m| m.value.into()),
        path: path.map(|p| p.value.into()),
        segments: segments.into(),
        area: area.unwrap_or(AreaId(0)),
        scopes: scopes.into_iter().collect(),
        requires,
        requires_by_kind: requires_by_kind.into(),
        evidence: evidence.unwrap_or(Evidence::Inferred),
        evidence_reason: evidence_reason.map(Into::into),
        source: source.map(Into::into),
    })
}

/// `least: N`: how many of the first alternatives are the provider's least-privileged choice;
/// at most as many as there are.
/// A token kind's index in the table's `token_kinds`, reported when it is not one of them.
fn kind_index(r: &mut Reader<'_>, kinds: &[Text], kind: &Text) -> Option<usize> {
    let found = kinds.iter().position(|k| k.value == kind.value);
    if found.is_none() {
        r.error(
            kind.span,
            format!("unknown token kind `{}`", kind.value),
            "not listed under `token_kinds:`",
            did_you_mean(&closest(
                &kind.value,
                kinds.iter().map(|k| k.value.as_str()),
            )),
        );
    }
    found
}

fn least_count(r: &mut Reader<'_>, node: &Node, req: &Requirement) -> usize {
    let Some(t) = r.required_text(node, "`least`") else {
        return 0;
    };
    match t.value.parse::<usize>() {
        Ok(n) if n <= req.alternatives.len() => n,
        Ok(n) => {
            r.error(
                t.span,
                format!(
                    "`least: {n}` marks more alternatives than the {} listed",
                    req.alternatives.len()
                ),
                "too many",
                Some("`least: N` marks the first N alternatives as least-privileged".into()),
            );
            0
        }
        Err(_) => {
            r.error(
                t.span,
                "`least` is a count of alternatives",
                "not a number",
                Some("`least: N` marks the first N alternatives as least-privileged".into()),
            );
            0
        }
    }
}

fn text_list(r: &mut Reader<'_>, node: &Node, what: &str) -> Vec<Text> {
    let Some(items) = r.seq(node, what) else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|n| r.required_text(n, &format!("an entry of {what}")))
        .collect()
}

fn enum_value<T>(
    r: &mut Reader<'_>,
    t: &Text,
    parse: fn(&str) -> Option<T>,
    names: &[&str],
    what: &str,
) -> Option<T> {
    let value = parse(&t.value);
    if value.is_none() {
        r.error(
            t.span,
            format!("`{}` is not a valid {what}", t.value),
            &format!("expected one of: {}", names.join(", ")),
            did_you_mean(&closest(&t.value, names.iter().copied())),
        );
    }
    value
}

fn resolve_area(r: &mut Reader<'_>, areas: &HashMap<String, AreaId>, t: &Text) -> Option<AreaId> {
    let found = areas.get(&t.value).copied();
    if found.is_none() {
        let mut ids: Vec<&str> = areas.keys().map(String::as_str).collect();
        ids.sort_unstable();
        r.error(
            t.span,
            format!("unknown area `{}`", t.value),
            "not listed under `areas:`",
            did_you_mean(&closest(&t.value, ids.into_iter())),
        );
    }
    found
}

struct ScopeLookup<'a> {
    names: &'a HashMap<String, ScopeId>,
    scopes: &'a [Scope],
}

impl ScopeLookup<'_> {
    /// Resolves a scope reference (name or id, with an optional level) to a grant.
    fn grant(&self, r: &mut Reader<'_>, g: &GrantRef) -> Option<Grant> {
        let (name, level) = split_level(
            self.names,
            &g.scope.value,
            g.level.as_ref().map(|l| l.value.as_str()),
        );
        let Some(&id) = self.names.get(&normalize(name)) else {
            let help = did_you_mean(&closest(name, self.scopes.iter().map(|s| s.name.as_ref())));
            r.error(
                g.span,
                format!("unknown scope `{name}`"),
                "not listed under `scopes:`",
                help,
            );
            return None;
        };
        let scope = &self.scopes[id.0];
        let level = match level {
            None => Level(0),
            Some(l) => match scope.levels.iter().position(|x| x.eq_ignore_ascii_case(l)) {
                // `levels:` holds at most MAX_LEVELS (checked where it is read).
                Some(i) => Level(u8::try_from(i).unwrap_or(u8::MAX)),
                None => {
                    let msg = if scope.levels.is_empty() {
                        format!("scope `{}` has no levels, so `{l}` is not one", scope.name)
                    } else {
                        format!("`{l}` is not a level of `{}`", scope.name)
                    };
                    let help = (!scope.levels.is_empty())
                        .then(|| format!("its levels: {}", scope.levels.join(", ")));
                    r.error(g.span, msg, "unknown level", help);
                    return None;
                }
            },
        };
        Some(Grant::new(id, level))
    }

    /// Reads `requires:`: a list of alternatives, each a list of scope references.
    fn requirement(&self, r: &mut Reader<'_>, node: &Node) -> Requirement {
        let Some(alternatives) = r.seq(node, "`requires`") else {
            return Requirement::default();
        };
        let mut out = Vec::new();
        for alt in alternatives {
            let Some(items) = r.seq(alt, "an alternative of `requires`") else {
                continue;
            };
            let mut grants: Vec<Grant> = Vec::new();
            for item in items {
                if let Some(g) =
                    GrantRef::read(r, item, "a scope of `requires`").and_then(|g| self.grant(r, &g))
                {
                    if grants.iter().any(|x| x.scope == g.scope) {
                        r.error(
                            item.span,
                            "a scope is listed twice in one alternative",
                            "duplicate",
                            None,
                        );
                    } else {
                        grants.push(g);
                    }
                }
            }
            grants.sort();
            out.push(grants);
        }
        // `requires: []`: no token (of this kind) may call the endpoint.
        Requirement::new(out)
    }

    fn set(&self, r: &mut Reader<'_>, list: &[Text], what: &str) -> ScopeSet {
        let mut set = ScopeSet::new();
        for t in list {
            match self.names.get(&normalize(&t.value)) {
                Some(&id) => {
                    if !set.insert(id) {
                        r.error(
                            t.span,
                            format!("scope `{}` is listed twice in {what}", t.value),
                            "duplicate",
                            None,
                        );
                    }
                }
                None => {
                    let help = did_you_mean(&closest(
                        &t.value,
                        self.scopes.iter().map(|s| s.name.as_ref()),
                    ));
                    r.error(
                        t.span,
                        format!("unknown scope `{}`", t.value),
                        "not listed under `scopes:`",
                        help,
                    );
                }
            }
        }
        set
    }
}

/// A reference's scope name and level: `contents:write` and `Contents: write` split at the last
/// colon, unless the whole text is a scope's name (a name may hold a colon).
pub fn split_level<'a>(
    names: &HashMap<String, ScopeId>,
    text: &'a str,
    explicit: Option<&'a str>,
) -> (&'a str, Option<&'a str>) {
    if explicit.is_some() || names.contains_key(&normalize(text)) {
        return (text.trim(), explicit.map(str::trim));
    }
    match text.rsplit_once(':') {
        Some((name, level)) if !level.trim().is_empty() => (name.trim(), Some(level.trim())),
        _ => (text.trim(), None),
    }
}

/// The risk at each level: the mapping's, in level order, or the one class for every level.
fn level_risks(r: &mut Reader<'_>, s: &PendingScope) -> Vec<Risk> {
    if s.level_risk.is_empty() {
        return vec![s.risk; s.levels.len().max(1)];
    }
    let mut out = Vec::with_capacity(s.levels.len());
    for (level, _) in &s.level_risk {
        if !s.levels.iter().any(|l| l.value == level.value) {
            r.error(
                level.span,
                format!("`{}` is not a level of `{}`", level.value, s.name.value),
                "unknown level",
                None,
            );
        }
    }
    for level in &s.levels {
        match s.level_risk.iter().find(|(l, _)| l.value == level.value) {
            Some((_, risk)) => out.push(*risk),
            None => {
                r.error(
                    level.span,
                    format!("level `{}` of `{}` has no risk", level.value, s.name.value),
                    "no risk",
                    Some("give every level a risk: `risk: {read: low, write: high}`".into()),
                );
                out.push(s.risk);
            }
        }
    }
    if out.windows(2).any(|w| w[1] < w[0]) {
        r.error(
            s.name.span,
            format!("the risk of `{}` falls as its level rises", s.name.value),
            "risk must not fall with the level",
            Some(
                "a higher level grants everything a lower one does, so it is at least as risky"
                    .into(),
            ),
        );
    }
    if s.levels.is_empty() {
        r.error(
            s.name.span,
            format!(
                "`{}` gives a risk per level but has no `levels:`",
                s.name.value
            ),
            "no levels",
            None,
        );
        out.push(s.risk);
    }
    out
}

/// An implication cycle (`a` implies `b` implies `a`) makes "broader" meaningless: reported.
fn check_implication_cycles(r: &mut Reader<'_>, scopes: &[Scope], spans: &[Vec<Span>]) {
    // Depth-first search with colours: 0 unvisited, 1 on the stack, 2 done. A cycle is
    // reported at the implication that closes it: (scope, index of the implication).
    fn visit(i: usize, scopes: &[Scope], colour: &mut [u8]) -> Option<(usize, usize)> {
        colour[i] = 1;
        for (k, g) in scopes[i].implies.iter().enumerate() {
            let j = g.scope.0;
            match colour[j] {
                1 => return Some((i, k)),
                0 => {
                    if let Some(edge) = visit(j, scopes, colour) {
                        return Some(edge);
                    }
                }
                _ => {}
            }
        }
        colour[i] = 2;
        None
    }
    let mut colour = vec![0u8; scopes.len()];
    for i in 0..scopes.len() {
        if colour[i] == 0
            && let Some((from, k)) = visit(i, scopes, &mut colour)
        {
            let to = scopes[from].implies[k].scope.0;
            r.error(
                spans[from][k],
                format!("`{}` implies itself through `implies:`", scopes[to].name),
                "implication cycle",
                Some("a scope may imply only narrower ones".into()),
            );
            return;
        }
    }
}

/// An optional list of strings under a top-level key.
fn text_list_opt(r: &mut Reader<'_>, top: &Fields<'_>, key: &str) -> Vec<Text> {
    top.get(key)
        .map(|n| text_list(r, n, &format!("`{key}`")))
        .unwrap_or_default()
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}
