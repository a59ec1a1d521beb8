//! `tokenscope explain TOPIC`, as text: what a scope unlocks, what an endpoint needs, an area's bundle,
//! what a rule means.

use std::fmt::Write as _;

use crate::audit::{Rule, quoted_list, rule};
use crate::error::{InputError, did_you_mean};
use crate::finding::RuleId;
use crate::manifest::{Resolution, resolve_endpoint, resolve_scope};
use crate::table::{AreaId, EndpointId, Evidence, ScopeId, Table};
use crate::yaml::closest;

/// Explains a topic; an unknown topic is an error with the nearest topics as help.
pub fn explain(table: &Table, topic: &str) -> Result<String, InputError> {
    let topic = topic.trim();
    if let Some(id) = RuleId::parse(topic) {
        return Ok(explain_rule(rule(id)));
    }
    if let Some(area) = table.area_by_id(topic) {
        return Ok(explain_area(table, area));
    }
    if let Some(scope) = resolve_scope(table, topic) {
        return Ok(explain_scope(table, scope));
    }
    match resolve_endpoint(table, topic) {
        Resolution::Endpoint(id) => Ok(explain_endpoint(table, id)),
        Resolution::Ambiguous(ids) => {
            let mut out = format!("`{topic}` matches {} endpoints:\n\n", ids.len());
            for id in ids {
                out.push_str(&explain_endpoint(table, id));
                out.push('\n');
            }
            Ok(out)
        }
        Resolution::Unknown { hint } => {
            let suggestions = table.suggest_endpoints(topic.trim());
            // Scopes first: a known variant spelling is the likeliest meaning.
            let mut candidates = table.suggest_scopes(topic);
            candidates.extend(closest(
                topic,
                RuleId::ALL
                    .iter()
                    .map(|r| r.as_str())
                    .chain(table.areas.iter().map(|a| a.id.as_str())),
            ));
            candidates.extend(suggestions);
            candidates.truncate(5);
            Err(InputError::Unknown {
                what: "topic",
                name: topic.to_owned(),
                help: hint.or_else(|| did_you_mean(&candidates)).or_else(|| {
                    Some("a topic is a rule id, an area id, a scope or an endpoint; `tokenscope table` lists them".into())
                }),
            })
        }
    }
}

fn explain_rule(r: &Rule) -> String {
    format!(
        "{} (default severity: {})\n\n{}\n\n{}\n",
        r.id, r.default_severity, r.summary, r.explanation
    )
}

fn explain_scope(table: &Table, id: ScopeId) -> String {
    let s = table.scope(id);
    let mut out = String::new();
    let risk = if s.levels.is_empty() {
        s.risk.to_string()
    } else {
        s.levels
            .iter()
            .zip(&s.level_risk)
            .map(|(l, r)| format!("{r} at {l}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        out,
        "{}  (scope; id: {}, area: {}, risk: {risk})",
        s.name,
        s.id,
        table.area(s.area).id,
    );
    let _ = writeln!(out, "\n{}.", s.summary);
    if !s.levels.is_empty() {
        let _ = writeln!(
            out,
            "Levels: {} (each grants the ones before it; write `{}:{}` in a manifest).",
            s.levels.join(" < "),
            s.id,
            s.levels.last().map_or("", String::as_str)
        );
    }
    if let Some(reason) = &s.risk_reason {
        let _ = writeln!(out, "Risk {}: {reason}.", s.risk);
    }
    if !s.implies.is_empty() {
        let implied: Vec<String> = s.implies.iter().map(|&g| table.grant_name(g)).collect();
        let _ = writeln!(out, "Holding it also grants {}.", quoted_list(&implied));
    }
    if !s.aliases.is_empty() {
        let _ = writeln!(
            out,
            "Also spelled in the docs as {} (use the name above).",
            quoted_list(&s.aliases)
        );
    }
    let users: Vec<EndpointId> = table
        .endpoint_ids()
        .filter(|&e| table.endpoint(e).scopes.contains(&id))
        .collect();
    if users.is_empty() {
        let _ = writeln!(out, "\nNo endpoint in the table needs it.");
    } else {
        let _ = writeln!(out, "\nEndpoints that need it:");
        for e in users {
            let ep = table.endpoint(e);
            let req = &ep.requires;
            let Some(alt) = req
                .alternatives
                .iter()
                .find(|alt| alt.iter().any(|g| g.scope == id))
            else {
                continue;
            };
            let level = alt
                .iter()
                .find(|g| g.scope == id)
                .and_then(|g| s.level_name(g.level))
                .map(|l| format!("  ({l})"))
                .unwrap_or_default();
            let others: Vec<String> = alt
                .iter()
                .filter(|g| g.scope != id)
                .map(|&g| table.grant_name(g))
                .collect();
            let with = if others.is_empty() {
                String::new()
            } else {
                format!("  (together with {})", quoted_list(&others))
            };
            let instead: Vec<String> = req
                .alternatives
                .iter()
                .filter(|a| !a.iter().any(|g| g.scope == id))
                .map(|a| crate::audit::rules::describe_alternative(table, a))
                .collect();
            let or = if instead.is_empty() {
                String::new()
            } else {
                format!("  (or instead {})", instead.join(" or "))
            };
            let _ = writeln!(
                out,
                "  {}  {}{level}{with}{or}",
                ep.name,
                signature(table, e)
            );
        }
    }
    out
}

fn signature(table: &Table, id: EndpointId) -> String {
    let ep = table.endpoint(id);
    match (&ep.method, &ep.path) {
        (Some(m), Some(p)) => format!("{m} {p}"),
        _ => "(method and path not published)".to_owned(),
    }
}

fn explain_endpoint(table: &Table, id: EndpointId) -> String {
    let ep = table.endpoint(id);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  (endpoint; area: {})",
        ep.name,
        table.area(ep.area).id
    );
    let _ = writeln!(out, "  {}", signature(table, id));
    let simple = !table.has_levels() && ep.requires.alternatives.len() == 1;
    if ep.requires.is_free() {
        let _ = writeln!(out, "  Needs: no scope; any valid token may call it");
    } else if simple {
        let names = table.scope_names(ep.scopes.iter());
        let together = if names.len() > 1 {
            " (all required together)"
        } else {
            ""
        };
        let _ = writeln!(out, "  Needs: {}{together}", names.join(", "));
    } else {
        let kind = table
            .token_kinds
            .first()
            .map(|k| format!(" (`{k}` token)"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  Needs{kind}: {}",
            super::requirement_text(table, &ep.requires)
        );
    }
    for (kind, req) in table.token_kinds.iter().zip(ep.requires_by_kind.iter()) {
        if let Some(req) = req {
            let _ = writeln!(
                out,
                "  Needs (`{kind}` token): {}",
                super::requirement_text(table, req)
            );
        }
    }
    let evidence = match (ep.evidence, &ep.evidence_reason) {
        (Evidence::Documented, _) => {
            "documented: the endpoint's own docs page lists its scopes".to_owned()
        }
        (Evidence::Inferred, Some(reason)) => format!("inferred: {reason}"),
        (Evidence::Inferred, None) => {
            "inferred: the endpoint's page does not list them; they follow the API's general scope table".to_owned()
        }
    };
    let _ = writeln!(out, "  Evidence: {evidence}");
    if let Some(source) = &ep.source {
        let _ = writeln!(out, "  Source: {source}");
    }
    out
}

fn explain_area(table: &Table, id: AreaId) -> String {
    let area = table.area(id);
    let mut out = String::new();
    let _ = writeln!(out, "{}  (area: {})", area.id, area.title);
    let _ = writeln!(
        out,
        "\nA token for the whole area needs: {}",
        table.scope_names(&area.bundle).join(", ")
    );
    let _ = writeln!(out, "\nEndpoints:");
    for e in table
        .endpoint_ids()
        .filter(|&e| table.endpoint(e).area == id)
    {
        let ep = table.endpoint(e);
        let needs = super::needs(table, e);
        let _ = writeln!(
            out,
            "  {}  {}  needs: {needs}",
            ep.name,
            signature(table, e)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> &'static Table {
        crate::table::texter()
    }

    #[test]
    fn explains_each_kind_of_topic() {
        let table = t();
        assert!(
            explain(table, "missing-scope")
                .unwrap()
                .starts_with("missing-scope (default severity: error)")
        );
        assert!(
            explain(table, "templates")
                .unwrap()
                .contains("Send Template Message  POST /whatsapp/templates/send")
        );
        let scope = explain(table, "view all files").unwrap();
        assert!(scope.contains("Generate Public Media URL  POST /files/share/{fileId}  (together with `View all chats`)"), "{scope}");
        let ep = explain(table, "GET /chats/search").unwrap();
        assert!(
            ep.starts_with("Search Chats") && ep.contains("Needs: List all chats"),
            "{ep}"
        );
        assert!(
            explain(table, "/labels")
                .unwrap()
                .starts_with("`/labels` matches 2 endpoints")
        );
    }

    #[test]
    fn unknown_topics_suggest() {
        let err = explain(t(), "missing-scopes").unwrap_err();
        assert_eq!(
            err.help_text().as_deref(),
            Some("did you mean `missing-scope`?")
        );
    }
}
