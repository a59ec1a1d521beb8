//! Finding table entries from what a user wrote: endpoint names, `METHOD /path` pairs, URLs,
//! scope names and ids.

#[cfg(test)]
use std::cmp::Ordering;

use crate::yaml::{closest, normalize};

use super::index::{Part, PathIndex};
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
#[cfg(test)]
type Specificity = Vec<bool>;

#[cfg(test)]
fn specificity(request: &[Segment], template: &[Segment], any_case: bool) -> Option<Specificity> {
    if request.len() != template.len() {
        return None;
    }
    request
        .iter()
        .zip(template)
        .map(|(req, tpl)| match (req, tpl) {
            (Segment::Literal(a), Segment::Literal(b)) => {
                (a == b || (any_case && a.eq_ignore_ascii_case(b))).then_some(true)
            }
            (Segment::Literal(_), Segment::Param(_)) => Some(false),
            (Segment::Param(_), Segment::Param(_)) => Some(false),
            // `{id}` in a reference stands for any value; it cannot be the literal `search`.
            (Segment::Param(_), Segment::Literal(_)) => None,
        })
        .collect()
}

/// A segment as the index sees it.
fn part(segment: &Segment) -> Part<'_> {
    match segment {
        Segment::Literal(text) => Some(text),
        Segment::Param(_) => None,
    }
}

/// The path part of a base URL (`https://graph.microsoft.com/v1.0` → `["v1.0"]`); empty when
/// it has none or is not a URL.
fn base_path(url: &str) -> Vec<String> {
    let Some((_, after_scheme)) = url.split_once("://") else {
        return Vec::new();
    };
    let path = after_scheme.find('/').map_or("", |i| &after_scheme[i..]);
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
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
    /// A request that starts with the path of one of the table's `base_urls` (`/v1.0/me`) is
    /// matched without it first.
    pub fn match_path(&self, method: Option<&str>, request: &[Segment]) -> PathMatch {
        let index = self.path_index.get_or_init(|| {
            let templates = self
                .endpoints
                .iter()
                .enumerate()
                .filter(|(_, ep)| ep.method.is_some())
                .map(|(i, ep)| (i, ep.segments.iter().map(part)));
            PathIndex::build(templates, self.case_insensitive_paths)
        });
        let accept = |id: usize| {
            self.endpoints[id]
                .method
                .as_ref()
                .is_some_and(|m| method.is_none_or(|want| want.eq_ignore_ascii_case(m)))
        };
        let parts: Vec<Part<'_>> = request.iter().map(part).collect();
        let mut found = Vec::new();
        for base in self.base_urls.iter().map(|u| base_path(u)) {
            if !base.is_empty() && self.starts_with_literals(request, &base) {
                found = index.lookup(&parts[base.len()..], &accept);
                if !found.is_empty() {
                    break;
                }
            }
        }
        if found.is_empty() {
            found = index.lookup(&parts, &accept);
        }
        match found.as_slice() {
            [] => PathMatch::None,
            [one] => PathMatch::One(EndpointId(*one)),
            _ => PathMatch::Many(found.into_iter().map(EndpointId).collect()),
        }
    }

    /// Whether `request` starts with the literal segments `prefix` (in the table's case rule).
    fn starts_with_literals(&self, request: &[Segment], prefix: &[String]) -> bool {
        request.len() >= prefix.len()
            && request.iter().zip(prefix).all(|(seg, want)| match seg {
                Segment::Literal(text) => {
                    text.as_ref() == want.as_str()
                        || (self.case_insensitive_paths && text.eq_ignore_ascii_case(want))
                }
                Segment::Param(_) => false,
            })
    }

    /// The linear scan the index replaces, kept as the reference the property test compares
    /// the index with (base URLs aside).
    #[cfg(test)]
    pub(crate) fn match_path_linear(&self, method: Option<&str>, request: &[Segment]) -> PathMatch {
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
            let Some(spec) = specificity(request, &ep.segments, self.case_insensitive_paths) else {
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

    /// A table from `(method, path)` pairs, for the index tests.
    fn table_of(endpoints: &[(&str, String)], any_case: bool, base_urls: &str) -> Table {
        let mut yaml = format!(
            "api: demo\ntitle: Demo\ncase_insensitive_paths: {any_case}\nbase_urls: [{base_urls}]\nscopes:\n  - {{name: S, id: s, area: a, risk: low, summary: s}}\nareas:\n  - {{id: a, title: A}}\nendpoints:\n"
        );
        for (i, (method, path)) in endpoints.iter().enumerate() {
            yaml.push_str(&format!(
                "  - {{name: e{i}, method: {method}, path: \"{path}\", area: a, scopes: [], evidence: documented}}\n"
            ));
        }
        Table::load(crate::source::SourceFile::new("t.yaml", yaml))
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    #[test]
    fn case_insensitive_tables_match_literals_in_any_case() {
        let t = table_of(
            &[
                ("GET", "/me/mailfolders/{id}/messages".into()),
                ("GET", "/me/mailfolders/inbox/messages".into()),
            ],
            true,
            "https://graph.microsoft.com/v1.0, https://graph.microsoft.com/beta",
        );
        for path in [
            "/me/mailFolders/{id}/messages",
            "/ME/MailFolders/AAMkAD/Messages",
            "https://graph.microsoft.com/v1.0/me/mailFolders/AAMkAD/messages",
            "https://graph.microsoft.com/beta/me/mailFolders/AAMkAD/messages?$top=5",
            "/v1.0/me/mailFolders/{id}/messages",
        ] {
            assert_eq!(find(&t, Some("GET"), path), ["e0"], "{path}");
        }
        assert_eq!(
            find(&t, Some("GET"), "/me/mailFolders/Inbox/messages"),
            ["e1"]
        );
        // Texter and GitHub keep exact literals.
        let exact = table_of(&[("GET", "/me/messages".into())], false, "");
        assert!(find(&exact, Some("GET"), "/ME/messages").is_empty());
        assert_eq!(find(&exact, Some("GET"), "/me/messages"), ["e0"]);
    }

    #[test]
    fn a_base_url_path_is_dropped_only_as_a_prefix() {
        let t = table_of(
            &[("GET", "/users".into()), ("GET", "/v2/users".into())],
            false,
            "https://api.example.com/v2",
        );
        // Without the prefix, `/users`; with it, still `/users` first.
        assert_eq!(
            find(&t, Some("GET"), "https://api.example.com/v2/users"),
            ["e0"]
        );
        assert_eq!(find(&t, Some("GET"), "/users"), ["e0"]);
        // Nothing under the prefix: the whole path is tried.
        let u = table_of(
            &[("GET", "/v2/other".into())],
            false,
            "https://api.example.com/v2",
        );
        assert_eq!(find(&u, Some("GET"), "/v2/other"), ["e0"]);
    }

    /// The tries the build packs into the binary answer like the linear scan too: every
    /// built-in's own templates (a sample of the big ones), with and without a method.
    #[test]
    fn built_in_tries_match_like_the_linear_scan() {
        for b in crate::table::builtins() {
            let t = b.load().unwrap_or_else(|e| panic!("{e:?}"));
            let step = (t.endpoints.len() / 400).max(1);
            for ep in t.endpoints.iter().step_by(step) {
                for method in [ep.method.as_deref(), None] {
                    assert_eq!(
                        t.match_path(method, &ep.segments),
                        t.match_path_linear(method, &ep.segments),
                        "{}: {}",
                        b.api,
                        ep.name
                    );
                }
            }
        }
    }

    proptest::proptest! {
        /// The index answers exactly as the linear scan it replaced, on random tables and
        /// requests: literals, parameters, methods, both case rules.
        #[test]
        fn the_index_matches_like_the_linear_scan(
            templates in proptest::collection::vec(
                (0usize..3, proptest::collection::vec(0usize..5, 0..4)), 1..24),
            requests in proptest::collection::vec(
                (0usize..4, proptest::collection::vec(0usize..6, 0..4)), 1..16),
            any_case in proptest::bool::ANY,
        ) {
            const WORDS: [&str; 5] = ["a", "b", "B", "{p}", "{q}"];
            const REQ: [&str; 6] = ["a", "b", "B", "A", "{x}", ":y"];
            const METHODS: [&str; 3] = ["GET", "POST", "get"];
            let mut seen = std::collections::HashSet::new();
            let mut endpoints = Vec::new();
            for (m, segs) in &templates {
                let path = format!("/{}", segs.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join("/"));
                let method = ["GET", "POST", "PUT"][*m];
                // The loader refuses two endpoints with one method and path shape.
                let shape: Vec<String> = segs
                    .iter()
                    .map(|&i| if WORDS[i].starts_with('{') { "{}".to_owned() } else if any_case { WORDS[i].to_ascii_lowercase() } else { WORDS[i].to_owned() })
                    .collect();
                if seen.insert((method, shape)) {
                    endpoints.push((method, path));
                }
            }
            let t = table_of(&endpoints, any_case, "");
            for (m, segs) in &requests {
                let path = format!("/{}", segs.iter().map(|&i| REQ[i]).collect::<Vec<_>>().join("/"));
                let request = request_segments(&path).unwrap_or_default();
                let method = METHODS.get(*m).copied();
                proptest::prop_assert_eq!(
                    t.match_path(method, &request),
                    t.match_path_linear(method, &request),
                    "{} {}", method.unwrap_or("-"), path
                );
            }
        }
    }
}
