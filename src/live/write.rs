//! `table drift --write`: the docs' changes written into the table file in place.
//!
//! The file is edited as text, by byte ranges taken from the located YAML tree, so comments,
//! key order, quoting and blank lines stay as they were; the result is re-read with the
//! table loader before anything is written.

use std::collections::BTreeMap;

use crate::source::SourceFile;
use crate::suggest::write::yaml_scalar;
use crate::table::{AreaId, EndpointId, ScopeSet, Table};
use crate::textedit::{Edit as Splice, apply, line_start, next_line};
use crate::yaml::{self, Limits, Node, NodeKind};

use super::drift::{Change, Edit, NewEndpoint};
use super::error::LiveError;

/// The rewritten table text and what went into it.
#[derive(Debug)]
pub struct Written {
    pub text: String,
    /// Indices of the changes written.
    pub applied: Vec<usize>,
    /// Indices of the changes left for a person, with why.
    pub manual: Vec<(usize, String)>,
    /// Areas whose `bundle:` (the union of their endpoints' scopes) was brought along.
    pub bundles: Vec<String>,
}

/// A replacement of `text[start..end]`.
fn unsupported(why: impl Into<String>) -> LiveError {
    LiveError::TableRewrite { why: why.into() }
}

fn entries(node: &Node) -> Result<&[(Node, Node)], LiveError> {
    match &node.kind {
        NodeKind::Map(entries) => Ok(entries),
        _ => Err(unsupported("a mapping was expected")),
    }
}

fn items(node: &Node) -> Result<&[Node], LiveError> {
    match &node.kind {
        NodeKind::Seq(items) => Ok(items),
        _ => Err(unsupported("a list was expected")),
    }
}

fn entry<'n>(map: &'n [(Node, Node)], key: &str) -> Option<&'n (Node, Node)> {
    map.iter()
        .find(|(k, _)| matches!(&k.kind, NodeKind::Str(s) if s == key))
}

/// The `]` or `}` closing a flow collection, searching from `from` over blanks and commas.
fn flow_close(text: &str, from: usize, close: char) -> Option<usize> {
    for (i, c) in text[from..].char_indices() {
        match c {
            c if c == close => return Some(from + i),
            ',' => {}
            c if c.is_whitespace() => {}
            _ => return None,
        }
    }
    None
}

/// Where a value's text ends (a flow collection's span stops at its last child).
fn value_end(text: &str, node: &Node) -> Result<usize, LiveError> {
    let close = match (&node.kind, text[node.span.offset..].chars().next()) {
        (NodeKind::Seq(_), Some('[')) => ']',
        (NodeKind::Map(_), Some('{')) => '}',
        _ => return Ok(node.span.end()),
    };
    let from = node.span.end().max(node.span.offset + 1);
    flow_close(text, from, close)
        .map(|i| i + 1)
        .ok_or_else(|| unsupported("a flow list holds comments or text tokenscope cannot edit"))
}

/// Replaces a list value (flow or block) by a flow list, from just after the key's colon.
fn replace_list(
    text: &str,
    key: &Node,
    value: &Node,
    names: &[String],
) -> Result<Splice, LiveError> {
    let colon = text[key.span.end()..]
        .find(':')
        .map(|i| key.span.end() + i + 1)
        .ok_or_else(|| unsupported("a key without a colon"))?;
    let end = match value.kind {
        NodeKind::Null => colon,
        _ => value_end(text, value)?,
    };
    let items: Vec<String> = names.iter().map(|n| yaml_scalar(n, true)).collect();
    Ok(Splice {
        start: colon,
        end,
        text: format!(" [{}]", items.join(", ")),
    })
}

fn replace_value(value: &Node, with: String) -> Splice {
    Splice {
        start: value.span.offset,
        end: value.span.end(),
        text: with,
    }
}

/// A path as the table writes it: double-quoted when it holds `{parameters}`.
fn path_scalar(path: &str) -> String {
    if path.contains(['{', '}']) {
        serde_json::to_string(path).unwrap_or_else(|_| format!("\"{path}\""))
    } else {
        yaml_scalar(path, false)
    }
}

fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// What changes for one endpoint.
#[derive(Default)]
struct EndpointPlan {
    method: Option<String>,
    path: Option<String>,
    scopes: Option<ScopeSet>,
    documented: bool,
    remove: bool,
}

/// Applies every writable change to the table's text; `today` becomes `retrieved:`.
pub fn rewrite(table: &Table, changes: &[Change], today: &str) -> Result<Written, LiveError> {
    let text: &str = &table.file.text;
    let nl = newline(text);
    let root = yaml::parse(&table.file, Limits::TABLE)
        .map_err(|e| unsupported(format!("it does not parse: {e}")))?;
    let top = entries(&root)?;
    let endpoint_items = match entry(top, "endpoints") {
        Some((_, v)) => items(v)?,
        None => &[],
    };
    let area_items = match entry(top, "areas") {
        Some((_, v)) => items(v)?,
        None => &[],
    };
    if endpoint_items.len() != table.endpoints.len() || area_items.len() != table.areas.len() {
        return Err(unsupported("the file does not match the loaded table"));
    }

    let mut applied = Vec::new();
    let mut manual = Vec::new();
    let mut plans: BTreeMap<EndpointId, EndpointPlan> = BTreeMap::new();
    let mut adds: BTreeMap<AreaId, Vec<&NewEndpoint>> = BTreeMap::new();
    for (i, change) in changes.iter().enumerate() {
        match &change.edit {
            Edit::Manual(why) => {
                manual.push((i, why.clone()));
                continue;
            }
            Edit::SetMethod(id, m) => plans.entry(*id).or_default().method = Some(m.clone()),
            Edit::SetPath(id, p) => plans.entry(*id).or_default().path = Some(p.clone()),
            Edit::SetScopes(id, s) => plans.entry(*id).or_default().scopes = Some(s.clone()),
            Edit::SetDocumented(id) => plans.entry(*id).or_default().documented = true,
            Edit::Remove(id) => plans.entry(*id).or_default().remove = true,
            Edit::Add(new) => {
                if endpoint_items.is_empty() {
                    manual.push((i, "the table lists no endpoint to place it after".into()));
                    continue;
                }
                adds.entry(new.area).or_default().push(new);
            }
        }
        applied.push(i);
    }

    let mut splices = Vec::new();
    for (id, plan) in &plans {
        let item = &endpoint_items[id.0];
        if plan.remove {
            splices.push(remove_item(text, item)?);
            continue;
        }
        splices.extend(endpoint_splices(table, text, nl, item, plan)?);
    }
    for (area, new) in &mut adds {
        new.sort_by(|a, b| a.name.cmp(&b.name));
        splices.push(add_endpoints(table, text, nl, endpoint_items, *area, new)?);
    }

    // Bundles that were the union of their area's scopes stay so.
    let mut bundles = Vec::new();
    for (index, area) in table.areas.iter().enumerate() {
        let id = AreaId(index);
        let old: ScopeSet = table
            .endpoints
            .iter()
            .filter(|e| e.area == id)
            .flat_map(|e| e.scopes.iter().copied())
            .collect();
        let mut new = ScopeSet::new();
        for (i, ep) in table.endpoints.iter().enumerate() {
            let plan = plans.get(&EndpointId(i));
            if ep.area != id || plan.is_some_and(|p| p.remove) {
                continue;
            }
            match plan.and_then(|p| p.scopes.as_ref()) {
                Some(planned) => new.extend(planned.iter().copied()),
                None => new.extend(ep.scopes.iter().copied()),
            }
        }
        for added in adds.get(&id).into_iter().flatten() {
            new.extend(added.scopes.iter().copied());
        }
        if area.bundle == old
            && new != old
            && let Some((key, value)) = entries(&area_items[index])
                .ok()
                .and_then(|m| entry(m, "bundle"))
        {
            splices.push(replace_list(text, key, value, &table.scope_names(&new))?);
            bundles.push(area.id.clone());
        }
    }

    if !splices.is_empty() {
        match entry(top, "retrieved") {
            Some((_, value)) => splices.push(replace_value(value, today.to_owned())),
            None => {
                let at = entry(top, "scopes").map_or(0, |(k, _)| line_start(text, k.span.offset));
                splices.push(Splice {
                    start: at,
                    end: at,
                    text: format!("retrieved: {today}{nl}"),
                });
            }
        }
    }
    let new = apply(text, splices);
    if let Err(errors) = Table::load(SourceFile::new(table.file.path.clone(), new.clone())) {
        let first = errors.first().map_or_else(String::new, |e| {
            let at = e
                .line_column()
                .map(|(l, c)| format!(" (line {l}, column {c})"))
                .unwrap_or_default();
            format!("{e}{at}")
        });
        return Err(unsupported(format!(
            "the result would not pass `table check`: {first}"
        )));
    }
    Ok(Written {
        text: new,
        applied,
        manual,
        bundles,
    })
}

fn endpoint_splices(
    table: &Table,
    text: &str,
    nl: &str,
    item: &Node,
    plan: &EndpointPlan,
) -> Result<Vec<Splice>, LiveError> {
    let map = entries(item)?;
    let mut out = Vec::new();
    let mut insert: Vec<(&str, String)> = Vec::new();
    if let Some(m) = &plan.method {
        match entry(map, "method") {
            Some((_, v)) => out.push(replace_value(v, m.clone())),
            None => insert.push(("method", m.clone())),
        }
    }
    if let Some(p) = &plan.path {
        match entry(map, "path") {
            Some((_, v)) => out.push(replace_value(v, path_scalar(p))),
            None => insert.push(("path", path_scalar(p))),
        }
    }
    if !insert.is_empty() {
        let (name_key, name_value) =
            entry(map, "name").ok_or_else(|| unsupported("an endpoint without `name:`"))?;
        let flow = text[item.span.offset..].starts_with('{');
        let after_name = value_end(text, name_value)?;
        if flow {
            let mut s = String::new();
            for (k, v) in &insert {
                s.push_str(&format!(", {k}: {v}"));
            }
            out.push(Splice {
                start: after_name,
                end: after_name,
                text: s,
            });
        } else {
            let ls = line_start(text, name_key.span.offset);
            let prefix = &text[ls..name_key.span.offset];
            if !prefix.chars().all(|c| c == ' ' || c == '-') {
                return Err(unsupported("an endpoint's `name:` does not start its line"));
            }
            let indent = " ".repeat(prefix.len());
            let at = next_line(text, after_name);
            let mut s = String::new();
            if at == text.len() && !text.ends_with('\n') {
                s.push_str(nl);
            }
            for (k, v) in &insert {
                s.push_str(&format!("{indent}{k}: {v}{nl}"));
            }
            out.push(Splice {
                start: at,
                end: at,
                text: s,
            });
        }
    }
    if let Some(scopes) = &plan.scopes {
        let (key, value) =
            entry(map, "scopes").ok_or_else(|| unsupported("an endpoint without `scopes:`"))?;
        out.push(replace_list(text, key, value, &table.scope_names(scopes))?);
    }
    if plan.documented {
        let (_, value) =
            entry(map, "evidence").ok_or_else(|| unsupported("an endpoint without `evidence:`"))?;
        out.push(replace_value(value, "documented".into()));
    }
    Ok(out)
}

/// Deletes a list item's lines (comments above it stay: they may head a group).
fn remove_item(text: &str, item: &Node) -> Result<Splice, LiveError> {
    let ls = line_start(text, item.span.offset);
    if text[ls..item.span.offset].trim() != "-" {
        return Err(unsupported("an endpoint does not start its own `- ` line"));
    }
    Ok(Splice {
        start: ls,
        end: next_line(text, value_end(text, item)?),
        text: String::new(),
    })
}

/// New endpoints, after the last endpoint of their area (or of the list).
fn add_endpoints(
    table: &Table,
    text: &str,
    nl: &str,
    items: &[Node],
    area: AreaId,
    new: &[&NewEndpoint],
) -> Result<Splice, LiveError> {
    let anchor = table
        .endpoints
        .iter()
        .rposition(|e| e.area == area)
        .unwrap_or(items.len() - 1);
    let first = &items[0];
    let ls = line_start(text, first.span.offset);
    let prefix = &text[ls..first.span.offset];
    let Some(dash) = prefix.find('-') else {
        return Err(unsupported("the endpoints are not a `- ` list"));
    };
    if !prefix[..dash].chars().all(|c| c == ' ') {
        return Err(unsupported("the endpoints are not a `- ` list"));
    }
    let dash_indent = &prefix[..dash];
    let key_indent = " ".repeat(prefix.len().max(dash + 2));
    let at = next_line(text, value_end(text, &items[anchor])?);
    let mut s = String::new();
    if at == text.len() && !text.ends_with('\n') {
        s.push_str(nl);
    }
    for ep in new {
        s.push_str(&format!(
            "{dash_indent}- name: {}{nl}",
            yaml_scalar(&ep.name, false)
        ));
        if let (Some(m), Some(p)) = (&ep.method, &ep.path) {
            s.push_str(&format!("{key_indent}method: {m}{nl}"));
            s.push_str(&format!("{key_indent}path: {}{nl}", path_scalar(p)));
        }
        let scopes: Vec<String> = table
            .scope_names(ep.scopes.iter())
            .iter()
            .map(|n| yaml_scalar(n, true))
            .collect();
        s.push_str(&format!("{key_indent}area: {}{nl}", table.area(area).id));
        s.push_str(&format!("{key_indent}scopes: [{}]{nl}", scopes.join(", ")));
        s.push_str(&format!("{key_indent}evidence: documented{nl}"));
        s.push_str(&format!(
            "{key_indent}source: {}{nl}",
            yaml_scalar(&ep.source, false)
        ));
    }
    Ok(Splice {
        start: at,
        end: at,
        text: s,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::live::drift::Kind;

    const MINI: &str = "# A demo table.\napi: demo\ntitle: Demo\nscopes:\n  - {name: Read, id: read, area: a, risk: low, summary: reads}\n  - {name: Write, id: write, area: a, risk: low, summary: writes}\nareas:\n  - {id: a, title: A, bundle: [Read]}\n  - {id: b, title: B, bundle: []}\nendpoints:\n  - {name: Get, method: GET, path: /x, area: a, scopes: [Read], evidence: inferred}\n  - {name: Named, area: a, scopes: [], evidence: documented}  # no path yet\n  - name: Block\n    area: b\n    scopes:\n      - Read\n    evidence: inferred\n    source: https://docs.test/api-reference/b/block\n";

    fn change(edit: Edit) -> Change {
        Change {
            kind: Kind::Changed,
            name: String::new(),
            field: None,
            table: Value::Null,
            docs: Value::Null,
            edit,
        }
    }

    fn load(text: &str) -> Table {
        Table::load(SourceFile::new("t.yaml", text.to_owned())).expect("table")
    }

    #[test]
    fn edits_keep_comments_and_styles() {
        let t = load(MINI);
        let read = t.scope_by_name("Read").expect("scope");
        let write = t.scope_by_name("Write").expect("scope");
        let both: ScopeSet = [read, write].into_iter().collect();
        let named = t.endpoint_by_name("Named").expect("endpoint");
        let block = t.endpoint_by_name("Block").expect("endpoint");
        let get = t.endpoint_by_name("Get").expect("endpoint");
        let changes = vec![
            change(Edit::SetScopes(get, both.clone())),
            change(Edit::SetDocumented(get)),
            change(Edit::SetMethod(named, "GET".into())),
            change(Edit::SetPath(named, "/x/{id}".into())),
            change(Edit::SetScopes(block, both.clone())),
            change(Edit::SetMethod(block, "DELETE".into())),
            change(Edit::SetPath(block, "/b".into())),
            change(Edit::Add(NewEndpoint {
                name: "New: one".into(),
                method: Some("POST".into()),
                path: Some("/x".into()),
                area: AreaId(0),
                scopes: [write].into_iter().collect(),
                source: "https://docs.test/api-reference/a/new".into(),
            })),
            change(Edit::Manual("cannot".into())),
        ];
        let w = rewrite(&t, &changes, "2027-01-02").expect("rewrite");
        assert_eq!(
            w.text,
            "# A demo table.\napi: demo\ntitle: Demo\nretrieved: 2027-01-02\nscopes:\n  - {name: Read, id: read, area: a, risk: low, summary: reads}\n  - {name: Write, id: write, area: a, risk: low, summary: writes}\nareas:\n  - {id: a, title: A, bundle: [Read, Write]}\n  - {id: b, title: B, bundle: []}\nendpoints:\n  - {name: Get, method: GET, path: /x, area: a, scopes: [Read, Write], evidence: documented}\n  - {name: Named, method: GET, path: \"/x/{id}\", area: a, scopes: [], evidence: documented}  # no path yet\n  - name: \"New: one\"\n    method: POST\n    path: /x\n    area: a\n    scopes: [Write]\n    evidence: documented\n    source: https://docs.test/api-reference/a/new\n  - name: Block\n    method: DELETE\n    path: /b\n    area: b\n    scopes: [Read, Write]\n    evidence: inferred\n    source: https://docs.test/api-reference/b/block\n"
        );
        assert_eq!(w.applied, (0..8).collect::<Vec<_>>());
        assert_eq!(w.manual, [(8, "cannot".to_owned())]);
        // `a`'s bundle was the union of its endpoints' scopes and stays so; `b`'s was set by
        // hand (empty, against [Read]) and is left alone.
        assert_eq!(w.bundles, ["a"]);
    }

    #[test]
    fn removal_and_bundles_follow_the_union() {
        let text = "api: demo\ntitle: Demo\nretrieved: \"2020-01-01\"\nscopes:\n  - {name: Read, id: read, area: a, risk: low, summary: reads}\n  - {name: Write, id: write, area: a, risk: low, summary: writes}\nareas:\n  - id: a\n    title: A\n    bundle: [Read, Write]\nendpoints:\n  # reads\n  - name: Get\n    area: a\n    scopes: [Read]\n    evidence: documented\n  # writes\n  - name: Put\n    area: a\n    scopes: [Write]\n    evidence: documented";
        let t = load(text);
        let put = t.endpoint_by_name("Put").expect("endpoint");
        let w = rewrite(&t, &[change(Edit::Remove(put))], "2027-01-02").expect("rewrite");
        assert_eq!(
            w.text,
            "api: demo\ntitle: Demo\nretrieved: 2027-01-02\nscopes:\n  - {name: Read, id: read, area: a, risk: low, summary: reads}\n  - {name: Write, id: write, area: a, risk: low, summary: writes}\nareas:\n  - id: a\n    title: A\n    bundle: [Read]\nendpoints:\n  # reads\n  - name: Get\n    area: a\n    scopes: [Read]\n    evidence: documented\n  # writes\n"
        );
        assert_eq!(w.bundles, ["a"]);
    }

    #[test]
    fn nothing_to_write_leaves_the_text_alone() {
        let t = load(MINI);
        let w = rewrite(&t, &[change(Edit::Manual("x".into()))], "2027-01-02").expect("rewrite");
        assert_eq!(w.text, MINI);
    }

    #[test]
    fn a_result_that_would_not_load_is_refused() {
        let t = load(MINI);
        let named = t.endpoint_by_name("Named").expect("endpoint");
        let changes = [
            change(Edit::SetMethod(named, "GET".into())),
            change(Edit::SetPath(named, "/x".into())),
        ];
        assert!(matches!(
            rewrite(&t, &changes, "2027-01-02"),
            Err(LiveError::TableRewrite { .. })
        ));
    }
}
