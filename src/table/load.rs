//! Reading and validating a scope table file.
//!
//! A custom table is user input like a manifest: every problem is a located error, all are
//! reported at once, and nothing is trusted until the cross-references check out.

use std::collections::{HashMap, HashSet};

use crate::error::{InputError, did_you_mean};
use crate::source::SourceFile;
use crate::yaml::{self, Fields, Limits, Node, Reader, Text, closest, normalize};

use super::matching::parse_template;
use super::model::{
    Area, AreaId, Endpoint, EndpointId, Evidence, METHODS, Risk, Scope, ScopeId, ScopeSet, Segment,
    Table,
};

const TOP_KEYS: &[&str] = &[
    "api",
    "title",
    "base_url",
    "source",
    "retrieved",
    "provider",
    "token_dialog",
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
];
const AREA_KEYS: &[&str] = &["id", "title", "bundle"];
const ENDPOINT_KEYS: &[&str] = &[
    "name", "method", "path", "area", "scopes", "evidence", "source",
];

impl Table {
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

    /// The table compiled into the binary, read from the JSON form the build made of it (fast);
    /// should that ever fail, from the YAML, whose errors have positions.
    pub fn embedded() -> Result<Table, Vec<InputError>> {
        let file = SourceFile::new("scope-table.yaml (embedded)", super::EMBEDDED_TABLE);
        match serde_json::from_str::<embedded::TableDoc>(super::EMBEDDED_TABLE_JSON) {
            Ok(doc) => match doc.into_table(file.clone()) {
                Some(table) => Ok(table),
                None => Table::load(file),
            },
            Err(_) => Table::load(file),
        }
    }
}

struct PendingScope {
    name: Text,
    id: Text,
    area: Text,
    risk: Risk,
    summary: String,
    risk_reason: Option<String>,
    aliases: Vec<Text>,
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

    let areas_raw = read_areas(r, &top);
    let area_index: HashMap<String, AreaId> = areas_raw
        .iter()
        .enumerate()
        .map(|(i, (id, _, _))| (id.value.clone(), AreaId(i)))
        .collect();

    let scopes_raw = read_scopes(r, &top);
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
        scopes.push(Scope {
            name: s.name.value,
            id: s.id.value,
            area: area.unwrap_or(AreaId(0)),
            risk: s.risk,
            summary: s.summary,
            risk_reason: s.risk_reason,
            aliases: s.aliases.iter().map(|a| a.value.clone()).collect(),
        });
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
            let Some(ep) = read_endpoint(r, item, &area_index, &lookup) else {
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
                        Segment::Literal(l) => Some(l.clone()),
                        Segment::Param(_) => None,
                    })
                    .collect();
                if let Some(other) = shapes.insert((method.clone(), shape), ep.name.clone()) {
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
        scopes,
        areas,
        endpoints,
        file: r.file.clone(),
        endpoint_names,
        scope_names,
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
        let risk = f
            .require(r, "risk", "a scope")
            .and_then(|n| r.required_text(n, "`risk`"))
            .and_then(|t| enum_value(r, &t, Risk::parse, &Risk::NAMES, "risk"));
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
                summary: summary.value,
                risk_reason,
                aliases,
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
) -> Option<Endpoint> {
    let f = r.map(item, "an endpoint", ENDPOINT_KEYS)?;
    let name = f
        .require(r, "name", "an endpoint")
        .and_then(|n| r.required_text(n, "an endpoint `name`"));
    let method = f.get("method").and_then(|n| r.required_text(n, "`method`"));
    let path = f.get("path").and_then(|n| r.required_text(n, "`path`"));
    let area = f
        .require(r, "area", "an endpoint")
        .and_then(|n| r.required_text(n, "an endpoint `area`"))
        .and_then(|t| resolve_area(r, areas, &t));
    let scopes = match f.require(r, "scopes", "an endpoint") {
        Some(n) => {
            let list = text_list(r, n, "`scopes`");
            lookup.set(r, &list, "scopes")
        }
        None => ScopeSet::new(),
    };
    let evidence = f
        .require(r, "evidence", "an endpoint")
        .and_then(|n| r.required_text(n, "`evidence`"))
        .and_then(|t| enum_value(r, &t, Evidence::parse, &Evidence::NAMES, "evidence"));
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
        name: name?.value,
        method: method.map(|m| m.value),
        path: path.map(|p| p.value),
        segments,
        area: area.unwrap_or(AreaId(0)),
        scopes,
        evidence: evidence.unwrap_or(Evidence::Inferred),
        source,
    })
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
                        self.scopes.iter().map(|s| s.name.as_str()),
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

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The start-up path for the embedded table: its JSON form deserialised straight into typed
/// records. Anything unexpected (an unknown name, a bad path) returns `None`, and the caller
/// falls back to the validating YAML loader, which reports the problem with its location. The
/// `the_json_form_of_the_embedded_table_reads_like_the_yaml` test keeps both paths equal.
mod embedded {
    use std::collections::HashMap;

    use serde::Deserialize;

    use super::super::matching::parse_template;
    use super::super::model::{
        Area, AreaId, Endpoint, EndpointId, Evidence, Risk, Scope, ScopeId, ScopeSet, Table,
    };
    use crate::source::{SourceFile, Span};
    use crate::yaml::normalize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct TableDoc {
        api: String,
        title: String,
        base_url: Option<String>,
        source: Option<String>,
        retrieved: Option<String>,
        provider: Option<String>,
        token_dialog: Option<String>,
        scopes: Vec<ScopeDoc>,
        areas: Vec<AreaDoc>,
        endpoints: Vec<EndpointDoc>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ScopeDoc {
        name: String,
        id: String,
        area: String,
        risk: String,
        summary: String,
        risk_reason: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
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
        scopes: Vec<String>,
        evidence: String,
        source: Option<String>,
    }

    impl TableDoc {
        pub fn into_table(self, file: SourceFile) -> Option<Table> {
            let area_ids: HashMap<&str, AreaId> = self
                .areas
                .iter()
                .enumerate()
                .map(|(i, a)| (a.id.as_str(), AreaId(i)))
                .collect();
            let mut scope_names: HashMap<String, ScopeId> = HashMap::new();
            for (i, s) in self.scopes.iter().enumerate() {
                scope_names.insert(normalize(&s.name), ScopeId(i));
                scope_names.insert(s.id.clone(), ScopeId(i));
            }
            let set = |names: &[String]| -> Option<ScopeSet> {
                names
                    .iter()
                    .map(|n| scope_names.get(&normalize(n)).copied())
                    .collect()
            };
            let areas = self
                .areas
                .iter()
                .map(|a| {
                    Some(Area {
                        id: a.id.clone(),
                        title: a.title.clone(),
                        bundle: set(&a.bundle)?,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            let mut endpoint_names = HashMap::new();
            let mut endpoints = Vec::with_capacity(self.endpoints.len());
            for (i, e) in self.endpoints.into_iter().enumerate() {
                endpoint_names.insert(normalize(&e.name), EndpointId(i));
                let segments = match &e.path {
                    Some(p) => parse_template(p).ok()?,
                    None => Vec::new(),
                };
                endpoints.push(Endpoint {
                    scopes: set(&e.scopes)?,
                    area: *area_ids.get(e.area.as_str())?,
                    evidence: Evidence::parse(&e.evidence)?,
                    name: e.name,
                    method: e.method,
                    path: e.path,
                    segments,
                    source: e.source,
                    span: Span::default(),
                });
            }
            let scopes = self
                .scopes
                .into_iter()
                .map(|s| {
                    Some(Scope {
                        area: *area_ids.get(s.area.as_str())?,
                        risk: Risk::parse(&s.risk)?,
                        name: s.name,
                        id: s.id,
                        summary: s.summary,
                        risk_reason: s.risk_reason,
                        aliases: s.aliases,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(Table {
                api: self.api,
                title: self.title,
                base_url: self.base_url,
                source: self.source,
                retrieved: self.retrieved,
                provider: self.provider,
                token_dialog: self.token_dialog,
                scopes,
                areas,
                endpoints,
                file,
                endpoint_names,
                scope_names,
                suggestions: Default::default(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_table_takes_the_fast_path() {
        let doc: embedded::TableDoc = serde_json::from_str(super::super::EMBEDDED_TABLE_JSON)
            .unwrap_or_else(|e| panic!("{e}"));
        let table = doc.into_table(SourceFile::new("t", super::super::EMBEDDED_TABLE));
        assert!(table.is_some_and(|t| t.endpoints.len() == 41));
    }
}
