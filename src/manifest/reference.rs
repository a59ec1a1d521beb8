//! Resolving what a manifest writes (`Send Template Message`, `GET /chats/{id}`, a URL, a scope
//! name or id) to table entries.

use crate::table::{
    EndpointId, Grant, Level, METHODS, PathMatch, ScopeId, Table, request_segments,
};

use super::Entry;

/// What an endpoint reference resolved to. Resolution is total: every reference gets exactly one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    Endpoint(EndpointId),
    /// No endpoint matches; near misses are left to whoever reports it
    /// ([`Table::suggest_endpoints`]), since edit distance is costly and not always wanted.
    Unknown {
        /// A more specific explanation, e.g. the path exists under another method.
        hint: Option<String>,
    },
    Ambiguous(Vec<EndpointId>),
}

impl Resolution {
    pub fn endpoint(&self) -> Option<EndpointId> {
        match self {
            Resolution::Endpoint(id) => Some(*id),
            _ => None,
        }
    }
}

/// The parts of a reference: an optional method and a path, or a plain name.
#[derive(Debug, PartialEq, Eq)]
enum Reference<'a> {
    Name(&'a str),
    Path {
        method: Option<&'a str>,
        path: &'a str,
    },
}

fn classify(raw: &str) -> Reference<'_> {
    let raw = raw.trim();
    if let Some((first, rest)) = raw.split_once(char::is_whitespace) {
        let rest = rest.trim_start();
        if METHODS.contains(&first.to_ascii_uppercase().as_str()) && looks_like_path(rest) {
            return Reference::Path {
                method: Some(first),
                path: rest,
            };
        }
    }
    if looks_like_path(raw) {
        Reference::Path {
            method: None,
            path: raw,
        }
    } else {
        Reference::Name(raw)
    }
}

fn looks_like_path(s: &str) -> bool {
    let lower = s.get(..8).unwrap_or(s).to_ascii_lowercase();
    s.starts_with('/') || lower.starts_with("http://") || lower.starts_with("https://")
}

/// Resolves an endpoint reference against the table.
pub fn resolve_endpoint(table: &Table, raw: &str) -> Resolution {
    match classify(raw) {
        Reference::Name(name) => match table.endpoint_by_name(name) {
            Some(id) => Resolution::Endpoint(id),
            None => Resolution::Unknown { hint: None },
        },
        Reference::Path { method, path } => {
            let Some(segments) = request_segments(path) else {
                return Resolution::Unknown { hint: None };
            };
            match table.match_path(method, &segments) {
                PathMatch::One(id) => Resolution::Endpoint(id),
                PathMatch::Many(ids) => Resolution::Ambiguous(ids),
                PathMatch::None => {
                    let hint = method.and_then(|m| other_methods_hint(table, m, &segments));
                    Resolution::Unknown { hint }
                }
            }
        }
    }
}

/// "this path exists as GET /… (Name)" when only the method is wrong.
fn other_methods_hint(
    table: &Table,
    method: &str,
    segments: &[crate::table::Segment],
) -> Option<String> {
    let ids = match table.match_path(None, segments) {
        PathMatch::One(id) => vec![id],
        PathMatch::Many(ids) => ids,
        PathMatch::None => return None,
    };
    let others: Vec<String> = ids
        .iter()
        .map(|&id| table.endpoint(id).describe())
        .collect();
    Some(format!(
        "no {} endpoint has this path; it exists as: {}",
        method.to_ascii_uppercase(),
        others.join(", ")
    ))
}

/// Resolves a scope by exact name (any case) or slug id, with an optional level after a
/// colon (`contents:write`, `Contents: write`); the level is ignored here.
pub fn resolve_scope(table: &Table, raw: &str) -> Option<ScopeId> {
    table
        .scope_by_name(raw)
        .or_else(|| table.split_level(raw, None).0)
}

/// Why a scope entry names no grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GrantProblem {
    /// No scope by that name.
    UnknownScope,
    /// The scope exists, but has no such level.
    UnknownLevel { scope: ScopeId, level: String },
}

/// Resolves a `scopes:` entry to a grant: `contents:write`, `Contents: write`, or the long
/// form's `level:`. Without a level, the scope's lowest.
pub fn resolve_grant(table: &Table, entry: &Entry) -> Result<Grant, GrantProblem> {
    let explicit = entry.level.as_ref().map(|l| l.value.as_str());
    let (scope, level) = table.split_level(&entry.value.value, explicit);
    let Some(scope) = scope else {
        return Err(GrantProblem::UnknownScope);
    };
    let Some(level) = level else {
        return Ok(Grant::new(scope, Level(0)));
    };
    match table.level_by_name(scope, level) {
        Some(l) => Ok(Grant::new(scope, l)),
        None => Err(GrantProblem::UnknownLevel {
            scope,
            level: level.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static Table {
        crate::table::texter()
    }

    fn name(t: &Table, raw: &str) -> String {
        match resolve_endpoint(t, raw) {
            Resolution::Endpoint(id) => t.endpoint(id).name.to_string(),
            Resolution::Ambiguous(ids) => format!(
                "ambiguous: {}",
                ids.iter()
                    .map(|&i| t.endpoint(i).name.as_ref())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Resolution::Unknown { hint, .. } => format!(
                "unknown{}",
                hint.map(|h| format!(": {h}")).unwrap_or_default()
            ),
        }
    }

    #[test]
    fn names_are_case_and_whitespace_insensitive() {
        let t = table();
        assert_eq!(
            name(t, "  send   template MESSAGE "),
            "Send Template Message"
        );
        assert_eq!(
            name(t, "Import Subscription (Subscribe to an Event)"),
            "Import Subscription (Subscribe to an Event)"
        );
        assert_eq!(name(t, "Delete Revision"), "Delete Revision");
    }

    #[test]
    fn method_and_path_forms() {
        let t = table();
        assert_eq!(name(t, "GET /whatsapp/templates"), "List All Templates");
        assert_eq!(name(t, "get /whatsapp/templates/"), "List All Templates");
        assert_eq!(name(t, "POST /chats/64f0c2a9e1/resolve"), "Resolve Chat");
        assert_eq!(
            name(
                t,
                "POST https://acme.texterchat.com/server/api/v2/whatsapp/templates/send"
            ),
            "Send Template Message"
        );
        assert_eq!(
            name(
                t,
                "https://acme.texterchat.com/server/api/v2/chats/search?search=9725"
            ),
            "Search Chats"
        );
        assert_eq!(name(t, "PATCH /chats/{id}"), "Update Chat Properties");
        assert_eq!(
            name(t, "POST /whatsapp/templates/unsubscribe"),
            "Unsubscribe from Templates"
        );
        assert_eq!(
            name(t, "/whatsapp/templates/unsubscribed/{accountId}"),
            "Unsubscribed from Specific Account"
        );
    }

    #[test]
    fn ambiguity_and_unknowns_explain_themselves() {
        let t = table();
        assert_eq!(
            name(t, "/labels"),
            "ambiguous: List All Labels, Create Label"
        );
        assert_eq!(
            name(t, "DELETE /labels/{id}"),
            "unknown: no DELETE endpoint has this path; it exists as: Get Label Data (GET /labels/{labelId}), Update Existing Label (PATCH /labels/{labelId})"
        );
        assert_eq!(name(t, "Send Tempate Message"), "unknown");
        assert_eq!(name(t, "GET /nothing/here"), "unknown");
        assert_eq!(name(t, "GET"), "unknown");
    }
}
