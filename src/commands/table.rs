//! `tokenscope table`: print the table in use as YAML (verbatim), JSON or Markdown.

use std::fmt::Write as _;

use serde::Serialize;

use crate::render::markdown::{cell, code};

use crate::table::{Risk, Table};

#[derive(Serialize)]
struct TableJson<'a> {
    schema_version: u32,
    api: &'a str,
    title: &'a str,
    base_url: Option<&'a str>,
    source: Option<&'a str>,
    retrieved: Option<&'a str>,
    scopes: Vec<ScopeJson<'a>>,
    areas: Vec<AreaJson<'a>>,
    endpoints: Vec<EndpointJson<'a>>,
}

#[derive(Serialize)]
struct ScopeJson<'a> {
    name: &'a str,
    id: &'a str,
    area: &'a str,
    risk: Risk,
    summary: &'a str,
    risk_reason: Option<&'a str>,
    aliases: &'a [String],
}

#[derive(Serialize)]
struct AreaJson<'a> {
    id: &'a str,
    title: &'a str,
    bundle: Vec<String>,
}

#[derive(Serialize)]
struct EndpointJson<'a> {
    name: &'a str,
    method: Option<&'a str>,
    path: Option<&'a str>,
    area: &'a str,
    scopes: Vec<String>,
    evidence: crate::table::Evidence,
    source: Option<&'a str>,
}

pub fn to_json(t: &Table) -> String {
    let doc = TableJson {
        schema_version: crate::render::json::SCHEMA_VERSION,
        api: &t.api,
        title: &t.title,
        base_url: t.base_url.as_deref(),
        source: t.source.as_deref(),
        retrieved: t.retrieved.as_deref(),
        scopes: t
            .scopes
            .iter()
            .map(|s| ScopeJson {
                name: &s.name,
                id: &s.id,
                area: &t.area(s.area).id,
                risk: s.risk,
                summary: &s.summary,
                risk_reason: s.risk_reason.as_deref(),
                aliases: &s.aliases,
            })
            .collect(),
        areas: t
            .areas
            .iter()
            .map(|a| AreaJson {
                id: &a.id,
                title: &a.title,
                bundle: t.scope_names(&a.bundle),
            })
            .collect(),
        endpoints: t
            .endpoints
            .iter()
            .map(|e| EndpointJson {
                name: &e.name,
                method: e.method.as_deref(),
                path: e.path.as_deref(),
                area: &t.area(e.area).id,
                scopes: t.scope_names(&e.scopes),
                evidence: e.evidence,
                source: e.source.as_deref(),
            })
            .collect(),
    };
    crate::render::json::to_string(&doc)
}

pub fn to_markdown(t: &Table) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {} scope table\n", cell(&t.title));
    if let Some(retrieved) = &t.retrieved {
        let _ = writeln!(out, "Checked against the docs on {retrieved}.\n");
    }
    let _ = writeln!(
        out,
        "## Scopes\n\n| Scope | Id | Area | Risk | Unlocks |\n|---|---|---|---|---|"
    );
    for s in &t.scopes {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} | {} |",
            cell(&s.name),
            s.id,
            t.area(s.area).id,
            s.risk,
            cell(&s.summary)
        );
    }
    let _ = writeln!(
        out,
        "\n## Areas\n\n| Area | Title | Bundle |\n|---|---|---|"
    );
    for a in &t.areas {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            a.id,
            cell(&a.title),
            cell(&t.scope_names(&a.bundle).join(", "))
        );
    }
    let _ = writeln!(
        out,
        "\n## Endpoints\n\n| Endpoint | Method and path | Area | Scopes (all required) | Evidence |\n|---|---|---|---|---|"
    );
    for e in &t.endpoints {
        let sig = match (&e.method, &e.path) {
            (Some(m), Some(p)) => code(&format!("{m} {p}")),
            _ => "not published".to_owned(),
        };
        let scopes = if e.scopes.is_empty() {
            "any valid token".to_owned()
        } else {
            t.scope_names(&e.scopes).join(", ")
        };
        let _ = writeln!(
            out,
            "| {} | {sig} | {} | {} | {} |",
            cell(&e.name),
            t.area(e.area).id,
            cell(&scopes),
            e.evidence.as_str()
        );
    }
    out
}
