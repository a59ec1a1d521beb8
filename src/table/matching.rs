//! Finding table entries from what a user wrote: endpoint names, `METHOD /path` pairs, URLs,
//! scope names and ids.

use std::cmp::Ordering;

use crate::yaml::{closest, normalize};

use super::model::{EndpointId, ScopeId, Segment, Table};

/// How many did-you-mean answers a table remembers (bounded, so hostile input cannot grow it).
const SUGGESTION_CACHE_LIMIT: usize = 4096;
/// The longest text whose suggestions are remembered, so the cache stays small whatever the
/// manifests hold.
const MAX_CACHED_INPUT: usize = 256;

/// The prefix every Texter API path carries in a full URL; references may include or omit it.
pub const API_PREFIX: &str = "/server/api/v2";

/// Parses a table path template such as `/chats/{chatId}/resolve`.
pub fn parse_template(path: &str) -> Result<Vec<Segment>, String> {
    if !path.starts_with('/') {
        return Err("a path starts with `/`".into());
    }
    if path.contains(['?', '#']) {
        return Err("a path template has no query string or fragment".into());
    }
    let mut segments = Vec::new();
    for raw in path.split('/').skip(1) {
        if raw.is_empty() {
            continue;
        }
        if let Some(inner) = raw.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            if inner.is_empty() || inner.contains(['{', '}']) {
                return Err(format!("`{raw}` is not a valid `{{parameter}}`"));
            }
            segments.push(Segment::Param(inner.to_owned().into()));
        } else if raw.contains(['{', '}']) {
            return Err(format!("`{raw}`: a parameter must be a whole segment"));
        } else {
            segments.push(Segment::Literal(raw.to_owned().into()));
        }
    }
    Ok(segments)
}

/// A request path as written by a user (a template, a concrete path or a full URL), reduced to
/// its API-relative segments: scheme and host, the `/server/api/v2` prefix, the query string,
/// the fragment and trailing slashes are dropped; `{x}` and `:x` are parameters.
pub fn request_segments(input: &str) -> Option<Vec<Segment>> {
    let mut rest = input.trim();
    let lower = rest.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let after_scheme = &rest[rest.find("://")? + 3..];
        rest = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    }
    if let Some(i) = rest.find(['?', '#']) {
        rest = &rest[..i];
    }
    if !rest.starts_with('/') {
        return None;
    }
    if let Some(stripped) = rest.strip_prefix(API_PREFIX)
        && (stripped.is_empty() || stripped.starts_with('/'))
    {
        rest = stripped;
    }
    let segments = rest
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let param = s
                .strip_prefix('{')
                .and_then(|r| r.strip_suffix('}'))
                .or_else(|| s.strip_prefix(':'))
                .filter(|p| !p.is_empty());
            match param {
                Some(p) => Segment::Param(p.to_owned().into()),
                None => Segment::Literal(s.to_owned().into()),
            }
        })
        .collect();
    Some(segments)
}

/// The outcome of matching a request path against the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathMatch {
    One(EndpointId),
    /// Several endpoints match equally well (e.g. a path without a method, used by GET and POST).
    Many(Vec<EndpointId>),
    None,
}

/// How specifically a template matched: one flag per segment, `true` where a literal matched a
/// literal. Compared lexicographically, so a literal beats a parameter at the first difference.
type Specificity = Vec<bool>;

fn specificity(request: &[Segment], template: &[Segment]) -> Option<Specificity> {
    if request.len() != template.len() {
        return None;
    }
    request
        .iter()
        .zip(template)
        .map(|(req, tpl)| match (req, tpl) {
            (Segment::Literal(a), Segment::Literal(b)) => (a == b).then_some(true),
            (Segment::Literal(_), Segment::Param(_)) => Some(false),
            (Segment::Param(_), Segment::Param(_)) => Some(false),
            // `{id}` in a reference stands for any value; it cannot be the literal `search`.
            (Segment::Param(_), Segment::Literal(_)) => None,
        })
        .collect()
}

impl Table {
    /// An endpoint by name, compared case- and whitespace-insensitively.
    pub fn endpoint_by_name(&self, name: &str) -> Option<EndpointId> {
        self.endpoint_names.get(&normalize(name))
    }

    /// A scope by its exact name (case-insensitive) or its slug id.
    pub fn scope_by_name(&self, name: &str) -> Option<ScopeId> {
        self.scope_names.get(&normalize(name))
    }

    /// The endpoints a request path matches best; `method` (any case) narrows the candidates.
    pub fn match_path(&self, method: Option<&str>, request: &[Segment]) -> PathMatch {
        let mut best: Option<Specificity> = None;
        let mut found: Vec<EndpointId> = Vec::new();
        for id in self.endpoint_ids() {
            let ep = self.endpoint(id);
            let Some(ep_method) = &ep.method else {
                continue;
            };
            if method.is_some_and(|m| !m.eq_ignore_ascii_case(ep_method)) {
                continue;
            }
            let Some(spec) = specificity(request, &ep.segments) else {
                continue;
            };
            match best.as_ref().map(|b| spec.cmp(b)) {
                None | Some(Ordering::Greater) => {
                    best = Some(spec);
                    found = vec![id];
                }
                Some(Ordering::Equal) => found.push(id),
                Some(Ordering::Less) => {}
            }
        }
        match found.len() {
            0 => PathMatch::None,
            1 => PathMatch::One(found[0]),
            _ => PathMatch::Many(found),
        }
    }

    /// Endpoints whose name or `METHOD /path` is close to what was written, as `Name (METHOD /path)`.
    pub fn suggest_endpoints(&self, reference: &str) -> Vec<String> {
        if let Some(found) = self
            .suggestions
            .lock()
            .ok()
            .and_then(|c| c.get(reference).cloned())
        {
            return found;
        }
        let found = self.compute_endpoint_suggestions(reference);
        if reference.len() <= MAX_CACHED_INPUT
            && let Ok(mut cache) = self.suggestions.lock()
            && cache.len() < SUGGESTION_CACHE_LIMIT
        {
            cache.insert(reference.to_owned(), found.clone());
        }
        found
    }

    fn compute_endpoint_suggestions(&self, reference: &str) -> Vec<String> {
        let mut keys: Vec<(String, EndpointId)> = Vec::new();
        for id in self.endpoint_ids() {
            let ep = self.endpoint(id);
            keys.push((ep.name.to_string(), id));
            if let (Some(m), Some(p)) = (&ep.method, &ep.path) {
                keys.push((format!("{m} {p}"), id));
                keys.push((p.to_string(), id));
            }
        }
        let cleaned = strip_url(reference);
        let picked = closest(&cleaned, keys.iter().map(|(k, _)| k.as_str()));
        let mut out: Vec<String> = Vec::new();
        for key in picked {
            if let Some((_, id)) = keys.iter().find(|(k, _)| *k == key) {
                let described = self.endpoint(*id).describe();
                if !out.contains(&described) {
                    out.push(described);
                }
            }
        }
        out
    }

    /// Scopes close to what was written, including known variant spellings (aliases).
    pub fn suggest_scopes(&self, name: &str) -> Vec<String> {
        // Remembered beside the endpoint suggestions, under keys no reference can have (text
        // read from a file never holds a NUL).
        let key = format!("\0{name}");
        if let Some(found) = self
            .suggestions
            .lock()
            .ok()
            .and_then(|c| c.get(&key).cloned())
        {
            return found;
        }
        let found = self.compute_scope_suggestions(name);
        if name.len() <= MAX_CACHED_INPUT
            && let Ok(mut cache) = self.suggestions.lock()
            && cache.len() < SUGGESTION_CACHE_LIMIT
        {
            cache.insert(key, found.clone());
        }
        found
    }

    fn compute_scope_suggestions(&self, name: &str) -> Vec<String> {
        let wanted = normalize(name);
        let by_alias: Vec<String> = self
            .scopes
            .iter()
            .filter(|s| s.aliases.iter().any(|a| normalize(a) == wanted))
            .map(|s| s.name.clone())
            .collect();
        if !by_alias.is_empty() {
            return by_alias;
        }
        closest(name, self.scopes.iter().map(|s| s.name.as_ref()))
    }
}

/// A URL or prefixed path without its host and API prefix, for similarity comparisons.
fn strip_url(reference: &str) -> String {
    let (method, rest) = match reference.trim().split_once(char::is_whitespace) {
        Some((m, rest)) if super::model::METHODS.contains(&m.to_ascii_uppercase().as_str()) => {
            (Some(m.to_ascii_uppercase()), rest.trim())
        }
        _ => (None, reference.trim()),
    };
    let path = match request_segments(rest) {
        Some(segs) => {
            let mut p = String::new();
            for s in segs {
                p.push('/');
                match s {
                    Segment::Literal(l) => p.push_str(&l),
                    Segment::Param(n) => {
                        p.push('{');
                        p.push_str(&n);
                        p.push('}');
                    }
                }
            }
            if p.is_empty() { "/".to_owned() } else { p }
        }
        None => rest.to_owned(),
    };
    match method {
        Some(m) => format!("{m} {path}"),
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> &'static Table {
        crate::table::texter()
    }

    fn name_of(t: &Table, m: PathMatch) -> Vec<String> {
        match m {
            PathMatch::One(id) => vec![t.endpoint(id).name.to_string()],
            PathMatch::Many(ids) => ids
                .into_iter()
                .map(|i| t.endpoint(i).name.to_string())
                .collect(),
            PathMatch::None => vec![],
        }
    }

    fn find(t: &Table, method: Option<&str>, path: &str) -> Vec<String> {
        name_of(t, t.match_path(method, &request_segments(path).unwrap()))
    }

    #[test]
    fn literal_segments_beat_parameters() {
        let t = table();
        assert_eq!(find(t, Some("GET"), "/chats/search"), ["Search Chats"]);
        assert_eq!(find(t, None, "/chats/search"), ["Search Chats"]);
        assert_eq!(
            find(t, Some("POST"), "/whatsapp/templates/send"),
            ["Send Template Message"]
        );
        assert_eq!(
            find(t, Some("post"), "/whatsapp/templates/unsubscribe"),
            ["Unsubscribe from Templates"]
        );
        assert_eq!(
            find(t, Some("POST"), "/whatsapp/templates/972501234567"),
            ["Create New Template"]
        );
    }

    #[test]
    fn templates_concrete_paths_and_urls_resolve_alike() {
        let t = table();
        for path in [
            "/chats/{id}",
            "/chats/{chatId}",
            "/chats/64f0c2a9e1",
            "/chats/:id",
            "/server/api/v2/chats/64f0c2a9e1/",
            "https://acme.texterchat.com/server/api/v2/chats/64f0c2a9e1?x=1#frag",
        ] {
            assert_eq!(
                find(t, Some("PATCH"), path),
                ["Update Chat Properties"],
                "{path}"
            );
        }
    }

    #[test]
    fn a_parameter_never_matches_a_literal() {
        let t = table();
        // `{x}` stands for any chat id; it must not be read as the literal `search`.
        assert_eq!(find(t, Some("GET"), "/chats/{x}"), ["Get Chat by Chat ID"]);
    }

    #[test]
    fn paths_without_method_are_ambiguous_when_several_endpoints_share_them() {
        let t = table();
        assert_eq!(
            find(t, None, "/labels"),
            ["List All Labels", "Create Label"]
        );
        assert_eq!(
            find(t, None, "/chats/abc"),
            ["Get Chat by Chat ID", "Update Chat Properties"]
        );
        assert!(find(t, Some("DELETE"), "/labels").is_empty());
    }

    #[test]
    fn templates_are_validated() {
        assert!(parse_template("chats").is_err());
        assert!(parse_template("/chats?x").is_err());
        assert!(parse_template("/chats/{}").is_err());
        assert!(parse_template("/chats/a{b}").is_err());
        assert_eq!(parse_template("/").unwrap(), vec![]);
    }

    #[test]
    fn scope_lookup_by_name_case_or_id_and_suggestions() {
        let t = table();
        assert!(t.scope_by_name("manage ALL  chats").is_some());
        assert!(t.scope_by_name("manage-all-chats").is_some());
        assert!(t.scope_by_name("Send Session Messages").is_none());
        assert_eq!(
            t.suggest_scopes("Send Session Messages"),
            ["Send session message"]
        );
        assert_eq!(
            t.suggest_scopes("Manage Template Messages"),
            ["Manage WhatsApp templates"]
        );
        assert_eq!(t.suggest_scopes("Manage labelz")[0], "Manage labels");
    }

    #[test]
    fn endpoint_suggestions_cover_names_and_paths() {
        let t = table();
        assert_eq!(
            t.suggest_endpoints("Send Template Mesage")[0],
            "Send Template Message (POST /whatsapp/templates/send)"
        );
        assert!(
            t.suggest_endpoints("GET /chat/search")
                .iter()
                .any(|s| s.starts_with("Search Chats"))
        );
    }
}
