//! `table drift`: what differs between the scope table and the published API reference.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Value, json};

use crate::table::{AreaId, EndpointId, Evidence, ScopeId, ScopeSet, Segment, Table};
use crate::yaml::normalize;

use super::docs::PageFacts;
use super::error::LiveError;

/// An endpoint page of the docs, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// The page's address without `.md`, as a table's `source:` names it.
    pub source: String,
    pub title: String,
    pub method: Option<String>,
    pub path: Option<String>,
    pub scopes: Option<Vec<String>>,
}

impl Page {
    pub fn new(source: String, link_title: &str, facts: PageFacts) -> Page {
        Page {
            source,
            title: facts.title.unwrap_or_else(|| link_title.to_owned()),
            method: facts.method,
            path: facts.path,
            scopes: facts.scopes,
        }
    }
}

/// What was read from the docs.
#[derive(Debug, Default)]
pub struct Docs {
    /// Endpoint pages, sorted by address.
    pub pages: Vec<Page>,
    /// The path (no `.md`, no trailing `/`) of every page the index lists and that exists:
    /// an endpoint whose `source:` is among them was not removed, even when its page (a guide)
    /// does not describe it on its own.
    pub listed: BTreeSet<String>,
    /// Pages fetched and read.
    pub read: usize,
    /// Pages read that describe no endpoint, or that could not be used.
    pub skipped: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Added,
    Removed,
    Changed,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Added => "added",
            Kind::Removed => "removed",
            Kind::Changed => "changed",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    Method,
    Path,
    Scopes,
    Evidence,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Method => "method",
            Field::Path => "path",
            Field::Scopes => "scopes",
            Field::Evidence => "evidence",
        }
    }
}

/// An endpoint the docs have and the table lacks, as `--write` would add it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewEndpoint {
    pub name: String,
    pub method: Option<String>,
    pub path: Option<String>,
    pub area: AreaId,
    pub scopes: ScopeSet,
    pub source: String,
}

/// What `--write` does for a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    SetMethod(EndpointId, String),
    SetPath(EndpointId, String),
    SetScopes(EndpointId, ScopeSet),
    SetDocumented(EndpointId),
    Add(NewEndpoint),
    Remove(EndpointId),
    /// Cannot be written; says why.
    Manual(String),
}

/// One difference between the table and the docs.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub kind: Kind,
    pub name: String,
    pub field: Option<Field>,
    pub table: Value,
    pub docs: Value,
    pub edit: Edit,
}

impl Change {
    fn sort_key(&self) -> (String, Kind, Option<Field>) {
        (normalize(&self.name), self.kind, self.field)
    }
}

/// The shape of a path: its literal segments, with parameters whatever their names.
fn shape(path: &str) -> Option<Vec<Option<String>>> {
    crate::table::parse_template(path).ok().map(|segments| {
        segments
            .into_iter()
            .map(|s| match s {
                Segment::Literal(l) => Some(l.into_owned()),
                Segment::Param(_) => None,
            })
            .collect()
    })
}

/// The path part of an address (no scheme, host, `.md`, trailing `/`), for comparing a
/// table's `source:` with the docs' pages wherever the docs are served from.
pub fn page_key(url: &str) -> String {
    let mut rest = url.trim();
    if let Some(i) = rest.find("://") {
        let after = &rest[i + 3..];
        rest = after.find('/').map_or("", |j| &after[j..]);
    }
    if let Some(i) = rest.find(['?', '#']) {
        rest = &rest[..i];
    }
    let rest = rest.trim_end_matches('/');
    rest.strip_suffix(".md").unwrap_or(rest).to_owned()
}

/// Resolves the docs' scope names (exact names, ids or the table's known variant spellings).
fn resolve_scopes(table: &Table, names: &[String]) -> (ScopeSet, Vec<String>) {
    let mut set = ScopeSet::new();
    let mut unknown = Vec::new();
    for name in names {
        let wanted = normalize(name);
        let found = table.scope_by_name(name).or_else(|| {
            table
                .scopes
                .iter()
                .position(|s| s.aliases.iter().any(|a| normalize(a) == wanted))
                .map(ScopeId)
        });
        match found {
            Some(id) => {
                set.insert(id);
            }
            None => unknown.push(name.clone()),
        }
    }
    (set, unknown)
}

fn names<'s>(table: &Table, set: impl IntoIterator<Item = &'s ScopeId>) -> Value {
    json!(table.scope_names(set))
}

/// The area a new page belongs to: that of the table's endpoints documented in the same docs
/// section, else the area named like the section, else that of the endpoints under the same
/// first path segment.
fn infer_area(table: &Table, page: &Page) -> Option<AreaId> {
    let key = page_key(&page.source);
    let section = key.rsplit_once('/').map_or("", |(dir, _)| dir);
    let most_common = |ids: Vec<AreaId>| -> Option<AreaId> {
        let mut counts: BTreeMap<AreaId, usize> = BTreeMap::new();
        for id in ids {
            *counts.entry(id).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(id, _)| id)
    };
    let same_section: Vec<AreaId> = table
        .endpoints
        .iter()
        .filter(|e| {
            e.source.as_deref().is_some_and(|s| {
                let k = page_key(s);
                !section.is_empty() && k.rsplit_once('/').map(|(d, _)| d) == Some(section)
            })
        })
        .map(|e| e.area)
        .collect();
    if let Some(area) = most_common(same_section) {
        return Some(area);
    }
    if let Some(area) = section.rsplit('/').next().and_then(|s| table.area_by_id(s)) {
        return Some(area);
    }
    let first = page
        .path
        .as_deref()
        .and_then(shape)
        .and_then(|s| s.into_iter().next().flatten())?;
    most_common(
        table
            .endpoints
            .iter()
            .filter(|e| matches!(e.segments.first(), Some(Segment::Literal(l)) if *l == first))
            .map(|e| e.area)
            .collect(),
    )
}

/// Every difference between the table and the docs, sorted by endpoint name, kind and field.
pub fn compare(table: &Table, docs: &Docs) -> Vec<Change> {
    let mut pages: Vec<&Page> = docs.pages.iter().collect();
    pages.sort_by(|a, b| (&a.source, &a.title).cmp(&(&b.source, &b.title)));
    let mut claimed: BTreeMap<EndpointId, usize> = BTreeMap::new();
    let mut matched: Vec<Option<EndpointId>> = vec![None; pages.len()];
    // By name first, so a page cannot lose its endpoint to another page's method and path.
    for (i, page) in pages.iter().enumerate() {
        if let Some(id) = table.endpoint_by_name(&page.title)
            && !claimed.contains_key(&id)
        {
            claimed.insert(id, i);
            matched[i] = Some(id);
        }
    }
    for (i, page) in pages.iter().enumerate() {
        if matched[i].is_some() || table.endpoint_by_name(&page.title).is_some() {
            continue;
        }
        let (Some(method), Some(path)) = (&page.method, &page.path) else {
            continue;
        };
        let wanted = shape(path);
        let found = table.endpoint_ids().find(|id| {
            let ep = table.endpoint(*id);
            !claimed.contains_key(id)
                && ep.method.as_deref() == Some(method.as_str())
                && ep.path.as_deref().and_then(shape) == wanted
        });
        if let Some(id) = found {
            claimed.insert(id, i);
            matched[i] = Some(id);
        }
    }

    let mut changes = Vec::new();
    let mut added_names: BTreeSet<String> = BTreeSet::new();
    for (i, page) in pages.iter().enumerate() {
        match matched[i] {
            Some(id) => changes.extend(endpoint_changes(table, id, page)),
            None => {
                // A page whose title names an endpoint another page already matched is a
                // duplicate, not a new endpoint; a page with neither a method and path nor
                // scopes the table knows is prose that mentions scopes (a guide).
                let known_scopes = page
                    .scopes
                    .as_ref()
                    .is_some_and(|raw| resolve_scopes(table, raw).1.is_empty());
                // A second page showing a known endpoint's method and path (the Authentication
                // page's sample request, say) is not a new endpoint either.
                let known_signature = match (&page.method, &page.path) {
                    (Some(method), Some(path)) => {
                        let wanted = shape(path);
                        table.endpoints.iter().any(|ep| {
                            ep.method.as_deref() == Some(method.as_str())
                                && ep.path.as_deref().and_then(shape) == wanted
                        })
                    }
                    _ => false,
                };
                if table.endpoint_by_name(&page.title).is_some()
                    || known_signature
                    || (page.method.is_none() && !known_scopes)
                    || !added_names.insert(normalize(&page.title))
                {
                    continue;
                }
                changes.push(added(table, page));
            }
        }
    }
    for id in table.endpoint_ids() {
        let ep = table.endpoint(id);
        let listed = ep
            .source
            .as_deref()
            .is_some_and(|s| docs.listed.contains(&page_key(s)));
        if claimed.contains_key(&id) || listed {
            continue;
        }
        changes.push(Change {
            kind: Kind::Removed,
            name: ep.name.to_string(),
            field: None,
            table: json!({
                "method": ep.method,
                "path": ep.path,
                "scopes": table.scope_names(ep.scopes.iter()),
                "source": ep.source,
            }),
            docs: Value::Null,
            edit: Edit::Remove(id),
        });
    }
    changes.sort_by_key(Change::sort_key);
    changes
}

/// The most endpoints one `--write` may remove: a tenth of the table, at least 1, at most 5.
pub fn removal_limit(endpoints: usize) -> usize {
    (endpoints / 10).clamp(1, 5)
}

/// Refuses a write that would remove more endpoints than [`removal_limit`] allows. An index
/// that suddenly lists far fewer pages is much more likely a broken, partial or hostile docs
/// site than an API that dropped that many endpoints at once.
pub fn check_removals(table: &Table, changes: &[Change]) -> Result<(), LiveError> {
    let removed = changes.iter().filter(|c| c.kind == Kind::Removed).count();
    let limit = removal_limit(table.endpoints.len());
    if removed > limit {
        return Err(LiveError::DocsShrank {
            removed,
            total: table.endpoints.len(),
            limit,
        });
    }
    Ok(())
}

fn endpoint_changes(table: &Table, id: EndpointId, page: &Page) -> Vec<Change> {
    let ep = table.endpoint(id);
    let mut out = Vec::new();
    let change = |field: Field, table_value: Value, docs_value: Value, edit: Edit| Change {
        kind: Kind::Changed,
        name: ep.name.to_string(),
        field: Some(field),
        table: table_value,
        docs: docs_value,
        edit,
    };
    if let (Some(method), Some(path)) = (&page.method, &page.path) {
        if ep.method.as_deref() != Some(method.as_str()) {
            out.push(change(
                Field::Method,
                json!(ep.method),
                json!(method),
                Edit::SetMethod(id, method.clone()),
            ));
        }
        if ep.path.as_deref().and_then(shape) != shape(path) {
            out.push(change(
                Field::Path,
                json!(ep.path),
                json!(path),
                Edit::SetPath(id, path.clone()),
            ));
        }
    }
    if let Some(raw) = &page.scopes {
        let (set, unknown) = resolve_scopes(table, raw);
        if !unknown.is_empty() {
            let list: Vec<String> = unknown.iter().map(|u| format!("`{u}`")).collect();
            out.push(change(
                Field::Scopes,
                names(table, ep.scopes.iter()),
                json!(raw),
                Edit::Manual(format!(
                    "the docs name {} that the table's `scopes:` does not list",
                    list.join(", ")
                )),
            ));
        } else {
            if !set.iter().eq(ep.scopes.iter()) {
                out.push(change(
                    Field::Scopes,
                    names(table, ep.scopes.iter()),
                    names(table, &set),
                    Edit::SetScopes(id, set),
                ));
            }
            if ep.evidence == Evidence::Inferred {
                out.push(change(
                    Field::Evidence,
                    json!(Evidence::Inferred.as_str()),
                    json!(Evidence::Documented.as_str()),
                    Edit::SetDocumented(id),
                ));
            }
        }
    }
    out
}

fn added(table: &Table, page: &Page) -> Change {
    let resolved = page.scopes.as_ref().map(|raw| resolve_scopes(table, raw));
    let docs_scopes = match &resolved {
        Some((set, unknown)) if unknown.is_empty() => names(table, set),
        _ => json!(page.scopes),
    };
    let edit = match (&resolved, infer_area(table, page)) {
        (None, _) => Edit::Manual("its page lists no required scopes".into()),
        (Some((_, unknown)), _) if !unknown.is_empty() => {
            let list: Vec<String> = unknown.iter().map(|u| format!("`{u}`")).collect();
            Edit::Manual(format!(
                "the docs name {} that the table's `scopes:` does not list",
                list.join(", ")
            ))
        }
        (Some(_), None) => Edit::Manual("its area cannot be told from the docs".into()),
        (Some((set, _)), Some(area)) => Edit::Add(NewEndpoint {
            name: page.title.clone(),
            method: page.method.clone(),
            path: page.path.clone(),
            area,
            scopes: set.clone(),
            source: page.source.clone(),
        }),
    };
    Change {
        kind: Kind::Added,
        name: page.title.clone(),
        field: None,
        table: Value::Null,
        docs: json!({
            "method": page.method,
            "path": page.path,
            "scopes": docs_scopes,
            "source": page.source,
        }),
        edit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static Table {
        crate::table::texter()
    }

    /// Docs that agree with the table: one page per endpoint that has its own page.
    fn agreeing_docs(t: &Table) -> Docs {
        let mut docs = Docs::default();
        for ep in t.endpoints.iter() {
            let Some(source) = &ep.source else { continue };
            docs.listed.insert(page_key(source));
            if ep.evidence == Evidence::Inferred || source.ends_with("webhooks-guide") {
                continue;
            }
            docs.pages.push(Page {
                source: source.to_string(),
                title: ep.name.to_string(),
                method: ep.method.as_deref().map(str::to_owned),
                path: ep.path.as_deref().map(str::to_owned),
                scopes: (!ep.scopes.is_empty()).then(|| t.scope_names(ep.scopes.iter())),
            });
        }
        docs
    }

    fn summary(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c.kind.as_str(),
                    c.name,
                    c.field.map_or("-", Field::as_str)
                )
            })
            .collect()
    }

    #[test]
    fn agreeing_docs_are_no_drift() {
        let t = table();
        assert_eq!(
            summary(&compare(t, &agreeing_docs(t))),
            Vec::<String>::new()
        );
    }

    #[test]
    fn planted_differences_are_reported() {
        let t = table();
        let mut docs = agreeing_docs(t);
        for page in &mut docs.pages {
            match page.title.as_str() {
                // A renamed page still matches by method and path.
                "Search Chats" => {
                    page.title = "Search All Chats".into();
                    page.scopes = Some(vec!["List All Chats".into(), "View all chats".into()]);
                }
                "List Channel Health Problems" => {
                    page.method = Some("GET".into());
                    page.path = Some("/channels/health-problems".into());
                }
                "Create New Template" => {
                    page.scopes = Some(vec!["Manage Template Messages".into()]);
                }
                _ => {}
            }
        }
        docs.pages.retain(|p| p.title != "Resolve Chat");
        docs.listed.remove(&page_key(
            "https://help.texterchat.com/api-reference/chats/resolve-chat",
        ));
        docs.pages.push(Page {
            source: "https://help.texterchat.com/api-reference/labels/delete-label".into(),
            title: "Delete Label".into(),
            method: Some("DELETE".into()),
            path: Some("/labels/{id}".into()),
            scopes: Some(vec!["Manage labels".into()]),
        });
        docs.pages.push(Page {
            source: "https://help.texterchat.com/api-reference/labels/create-label".into(),
            title: "Create Label".into(),
            method: Some("POST".into()),
            path: Some("/labels".into()),
            scopes: Some(vec!["Manage labels".into()]),
        });
        let changes = compare(t, &docs);
        assert_eq!(
            summary(&changes),
            [
                "changed Create Label evidence",
                "added Delete Label -",
                "changed List Channel Health Problems method",
                "changed List Channel Health Problems path",
                "removed Resolve Chat -",
                "changed Search Chats scopes",
            ]
        );
        let Edit::Add(new) = &changes[1].edit else {
            panic!("{:?}", changes[1].edit)
        };
        assert_eq!(t.area(new.area).id, "labels");
        assert_eq!(changes[5].docs, json!(["List all chats", "View all chats"]));
    }

    #[test]
    fn guides_quoting_known_endpoints_or_prose_are_not_new_endpoints() {
        let t = table();
        let mut docs = agreeing_docs(t);
        docs.pages.push(Page {
            source: "https://help.texterchat.com/api-reference/authentication".into(),
            title: "Authentication".into(),
            method: Some("GET".into()),
            path: Some("/labels".into()),
            scopes: Some(vec!["see each endpoint's page".into()]),
        });
        docs.pages.push(Page {
            source: "https://help.texterchat.com/api-reference/scopes-guide".into(),
            title: "Scopes guide".into(),
            method: None,
            path: None,
            scopes: Some(vec!["listed on each page".into()]),
        });
        assert_eq!(summary(&compare(t, &docs)), Vec::<String>::new());
    }

    #[test]
    fn unknown_scope_names_cannot_be_written() {
        let t = table();
        let mut docs = agreeing_docs(t);
        for page in &mut docs.pages {
            if page.title == "Assign Chat" {
                page.scopes = Some(vec!["Manage everything".into()]);
            }
        }
        let changes = compare(t, &docs);
        assert_eq!(changes.len(), 1);
        assert!(matches!(changes[0].edit, Edit::Manual(_)));
    }

    #[test]
    fn a_write_may_remove_a_tenth_of_the_table_at_most_five() {
        assert_eq!([3, 10, 41, 50, 400].map(removal_limit), [1, 1, 4, 5, 5]);
        let t = table();
        let change = |kind: Kind, i: usize| Change {
            kind,
            name: format!("endpoint {i}"),
            field: None,
            table: Value::Null,
            docs: Value::Null,
            edit: Edit::Remove(EndpointId(i)),
        };
        let removals = |n: usize| -> Vec<Change> {
            let mut list: Vec<Change> = (0..n).map(|i| change(Kind::Removed, i)).collect();
            // Additions and changes never count against the limit.
            list.extend((0..20).map(|i| change(Kind::Added, i)));
            list
        };
        assert_eq!(removal_limit(t.endpoints.len()), 4);
        assert!(check_removals(t, &removals(4)).is_ok());
        assert!(check_removals(t, &removals(5)).is_err());
        let err = check_removals(t, &compare(t, &Docs::default())).expect_err("all gone");
        assert!(
            matches!(err, LiveError::DocsShrank { limit: 4, .. }),
            "{err}"
        );
    }

    #[test]
    fn page_keys_ignore_host_and_extension() {
        assert_eq!(
            page_key("https://help.texterchat.com/api-reference/chats/assign-chat.md"),
            "/api-reference/chats/assign-chat"
        );
        assert_eq!(
            page_key("http://127.0.0.1:9/api-reference/chats/assign-chat/"),
            "/api-reference/chats/assign-chat"
        );
    }
}
