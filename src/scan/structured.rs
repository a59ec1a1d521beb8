//! Structured inputs recognised by content: Postman collections, HAR files and OpenAPI 3
//! documents, read as data rather than searched as text.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::source::SourceFile;
use crate::yaml::{Limits, Node, NodeKind};

use super::extract::{Candidate, Kind};
use super::vocabulary::Vocabulary;
use super::work;

/// The requests a structured document describes, or `None` when the file is not one.
pub fn extract(path: &str, text: &str, vocab: &Vocabulary) -> Option<Vec<Candidate>> {
    let trimmed = text.trim_start();
    let mut yaml = None;
    let value: Value = if trimmed.starts_with('{') {
        serde_json::from_str(text).ok()?
    } else if (path.ends_with(".yaml") || path.ends_with(".yml")) && text.contains("openapi:") {
        let root =
            crate::yaml::parse(&SourceFile::new(path, text.to_owned()), Limits::TABLE).ok()?;
        let value = yaml_to_json(&root);
        yaml = Some(root);
        value
    } else {
        return None;
    };
    // (method, url, text to locate it by)
    let mut requests: Vec<(String, String, String)> = Vec::new();
    if is_postman(&value) {
        postman_items(&value, &mut requests);
    } else if let Some(entries) = value.pointer("/log/entries").and_then(Value::as_array) {
        for e in entries {
            if let (Some(m), Some(u)) = (
                e.pointer("/request/method").and_then(Value::as_str),
                e.pointer("/request/url").and_then(Value::as_str),
            ) {
                requests.push((m.to_ascii_uppercase(), u.to_owned(), u.to_owned()));
            }
        }
    } else if value
        .get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v.starts_with('3'))
    {
        let servers_api = value
            .get("servers")
            .and_then(Value::as_array)
            .is_some_and(|s| {
                s.iter()
                    .filter_map(|s| s.get("url").and_then(Value::as_str))
                    .any(|u| is_api_url(&u.to_ascii_lowercase(), vocab))
            });
        if let Some(paths) = value.get("paths").and_then(Value::as_object) {
            for (p, ops) in paths {
                for method in ["get", "post", "put", "patch", "delete"] {
                    if ops.get(method).is_some() {
                        // A path under a server of the API is the API's, as a URL on it is.
                        let url = match (servers_api, &vocab.prefix) {
                            (true, Some(prefix)) => format!("{prefix}{p}"),
                            (true, None) => format!("https://{}{p}", API_SERVER),
                            (false, _) => p.clone(),
                        };
                        requests.push((method.to_ascii_uppercase(), url, p.clone()));
                    }
                }
            }
        }
    } else {
        return None;
    }
    let needles: HashSet<&str> = requests.iter().map(|(_, _, n)| n.as_str()).collect();
    let places = match &yaml {
        Some(root) => Places::of_yaml(root, text, &needles),
        None => Places::of_json(text, &needles),
    };
    let positions = Positions::new(text);
    let mut out = Vec::new();
    let mut search_from = 0;
    for (method, url, needle) in &requests {
        let Some((kind, segments)) = request_kind(url, vocab) else {
            continue;
        };
        // Locate the request in the text for the report (the first occurrence after the last one).
        let at = places
            .find(needle, search_from)
            .filter(|&at| text.is_char_boundary(at))
            .unwrap_or(0);
        let needle = needle.split('?').next().unwrap_or(needle);
        search_from = at + needle.len().min(text.len() - at);
        let (line, column) = positions.line_column(at);
        out.push(Candidate {
            line,
            column,
            offset: at,
            length: if text[at..].starts_with(needle) {
                needle.len()
            } else {
                0
            },
            text: format!("{method} {url}"),
            segments,
            kind,
            method: Some(method.clone()),
            prose: false,
            // A request in a collection, a recorded session or an API description.
            call: true,
            named: None,
        });
    }
    Some(out)
}

/// The host standing for "a server of the API" in an OpenAPI document's paths.
const API_SERVER: &str = "api.server.invalid";

/// Whether a lowercase URL is on one of the API's hosts or carries its prefix.
fn is_api_url(lower: &str, vocab: &Vocabulary) -> bool {
    let host = lower
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .map(|h| h.rsplit('@').next().unwrap_or(h))
        .map(|h| h.split(':').next().unwrap_or(h));
    host.is_some_and(|h| h == API_SERVER || vocab.is_api_host(h))
        || vocab
            .prefix
            .as_ref()
            .is_some_and(|p| lower.contains(p.as_str()))
        || vocab.host_literals().any(|h| {
            // Texter's test: the host named anywhere in the URL (`{{host}}.texterchat.com`).
            vocab.convention.prefix_anywhere && lower.contains(h.as_str())
        })
}

/// What a request's URL is to scan, or `None` when it is on another host or not a path.
fn request_kind(url: &str, vocab: &Vocabulary) -> Option<(Kind, Vec<crate::table::Segment>)> {
    // Postman variables: `{{baseUrl}}/chats/search` — the variable is the base.
    let normalised = url.replace("{{", "{").replace("}}", "}");
    let without_base = match normalised
        .strip_prefix('{')
        .and_then(|r| r.find('}').map(|i| &r[i + 1..]))
    {
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => normalised.clone(),
    };
    let lower = without_base.to_ascii_lowercase();
    if is_api_url(&lower, vocab) {
        Some((Kind::Api, vocab.url_segments(&without_base)?))
    } else if lower.starts_with("http://") || lower.starts_with("https://") {
        // Another host: never the API's.
        None
    } else {
        Some((Kind::Relative, vocab.path_segments(&without_base)?))
    }
}

/// Where each wanted string stands in the document as a whole string value or key, in order:
/// one pass over the text, so a document of many requests is not searched once per request.
struct Places<'t> {
    at: HashMap<&'t str, Vec<usize>>,
}

impl<'t> Places<'t> {
    /// The string literals of a JSON text (content start offsets) whose value is wanted.
    fn of_json(text: &str, wanted: &HashSet<&'t str>) -> Self {
        let bytes = text.as_bytes();
        let mut at: HashMap<&'t str, Vec<usize>> = HashMap::new();
        let mut i = 0;
        while let Some(open) = bytes[i..].iter().position(|&b| b == b'"').map(|p| p + i) {
            let Some(close) = string_end(bytes, open) else {
                break;
            };
            work::add(close + 1 - i);
            let raw = &text[open + 1..close];
            // Unescaped only when it holds an escape: most strings are taken as written.
            let value: Option<Cow<'_, str>> = if raw.contains('\\') {
                serde_json::from_str::<String>(&text[open..=close])
                    .ok()
                    .map(Cow::Owned)
            } else {
                Some(Cow::Borrowed(raw))
            };
            if let Some(key) = value.and_then(|v| wanted.get(v.as_ref()).copied()) {
                at.entry(key).or_default().push(open + 1);
            }
            i = close + 1;
        }
        Places { at }
    }

    /// The scalars of a YAML tree (keys and values) whose value is wanted, in document order.
    fn of_yaml(root: &Node, text: &str, wanted: &HashSet<&'t str>) -> Self {
        let mut at: HashMap<&'t str, Vec<usize>> = HashMap::new();
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match &node.kind {
                NodeKind::Str(s) => {
                    if let Some(key) = wanted.get(s.as_str()).copied() {
                        // A quoted scalar's text starts after its quote.
                        let quoted = text
                            .get(node.span.offset..)
                            .is_some_and(|t| t.starts_with(['"', '\'']));
                        at.entry(key)
                            .or_default()
                            .push(node.span.offset + usize::from(quoted));
                    }
                }
                NodeKind::Seq(items) => stack.extend(items.iter().rev()),
                NodeKind::Map(entries) => {
                    for (k, v) in entries.iter().rev() {
                        stack.push(v);
                        stack.push(k);
                    }
                }
                NodeKind::Null | NodeKind::Typed { .. } => {}
            }
        }
        for list in at.values_mut() {
            list.sort_unstable();
        }
        Places { at }
    }

    /// The first place of `wanted` at or after `from`, else its first place.
    fn find(&self, wanted: &str, from: usize) -> Option<usize> {
        let list = self.at.get(wanted)?;
        let i = list.partition_point(|&p| p < from);
        list.get(i).or(list.first()).copied()
    }
}

/// The quote closing the JSON string opened at `open`.
fn string_end(bytes: &[u8], open: usize) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Lines and columns of byte offsets in any order, each found in bounded time: line starts
/// for a binary search, and character counts every `BLOCK` bytes for the column.
struct Positions<'t> {
    bytes: &'t [u8],
    line_starts: Vec<usize>,
    chars_before_block: Vec<usize>,
}

const BLOCK: usize = 256;

impl<'t> Positions<'t> {
    fn new(text: &'t str) -> Self {
        let bytes = text.as_bytes();
        let line_starts = std::iter::once(0).chain(line_breaks(bytes)).collect();
        let mut chars_before_block = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut chars = 0;
        for block in bytes.chunks(BLOCK) {
            chars_before_block.push(chars);
            chars += count_chars(block);
        }
        chars_before_block.push(chars);
        Positions {
            bytes,
            line_starts,
            chars_before_block,
        }
    }

    /// The 1-based line and column (in characters) of byte `at`.
    fn line_column(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.bytes.len());
        let line = self.line_starts.partition_point(|&s| s <= at);
        let start = self.line_starts[line.saturating_sub(1)];
        (line, self.chars_before(at) - self.chars_before(start) + 1)
    }

    fn chars_before(&self, at: usize) -> usize {
        let block = at / BLOCK;
        work::add(at - block * BLOCK);
        self.chars_before_block[block] + count_chars(&self.bytes[block * BLOCK..at])
    }
}

/// Characters in a byte range of UTF-8 text: the bytes that start one.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Offsets just past each line feed: where lines after the first start.
fn line_breaks(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .map(|(i, _)| i + 1)
}

fn is_postman(v: &Value) -> bool {
    v.pointer("/info/schema")
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("getpostman.com"))
        && v.get("item").is_some()
}

fn postman_items(v: &Value, out: &mut Vec<(String, String, String)>) {
    for item in v
        .get("item")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if item.get("item").is_some() {
            postman_items(item, out);
        }
        let Some(request) = item.get("request") else {
            continue;
        };
        // v2.1: request is an object; v2.0 also allows a bare URL string (GET).
        let (method, url) = match request {
            Value::String(u) => ("GET".to_owned(), Some(u.clone())),
            Value::Object(_) => (
                request
                    .get("method")
                    .and_then(Value::as_str)
                    .unwrap_or("GET")
                    .to_ascii_uppercase(),
                match request.get("url") {
                    Some(Value::String(u)) => Some(u.clone()),
                    Some(u @ Value::Object(_)) => u
                        .get("raw")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .or_else(|| {
                            u.get("path").and_then(Value::as_array).map(|parts| {
                                let joined: Vec<&str> =
                                    parts.iter().filter_map(Value::as_str).collect();
                                format!("/{}", joined.join("/"))
                            })
                        }),
                    _ => None,
                },
            ),
            _ => continue,
        };
        if let Some(url) = url {
            out.push((method, url.clone(), url));
        }
    }
}

fn yaml_to_json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null => Value::Null,
        NodeKind::Str(s) => Value::String(s.clone()),
        NodeKind::Typed { raw, .. } => Value::String(raw.clone()),
        NodeKind::Seq(items) => items.iter().map(yaml_to_json).collect(),
        NodeKind::Map(entries) => entries
            .iter()
            .filter_map(|(k, v)| match &k.kind {
                NodeKind::Str(s) => Some((s.clone(), yaml_to_json(v))),
                NodeKind::Typed { raw, .. } => Some((raw.clone(), yaml_to_json(v))),
                _ => None,
            })
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        Vocabulary::texter(&["chats", "labels", "whatsapp"])
    }

    fn requests(path: &str, text: &str) -> Vec<String> {
        extract(path, text, &vocab())
            .unwrap_or_default()
            .into_iter()
            .map(|c| format!("{} L{}", c.text, c.line))
            .collect()
    }

    #[test]
    fn postman_har_and_openapi() {
        let postman = r#"{"info": {"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
 "item": [{"name": "chats", "item": [{"request": {"method": "GET", "url": {"raw": "{{baseUrl}}/chats/search?search=1"}}}]},
          {"request": {"method": "post", "url": "https://acme.texterchat.com/server/api/v2/whatsapp/templates/send"}}]}"#;
        assert_eq!(
            requests("c.json", postman),
            [
                "GET {{baseUrl}}/chats/search?search=1 L2",
                "POST https://acme.texterchat.com/server/api/v2/whatsapp/templates/send L3"
            ]
        );
        let har = r#"{"log": {"entries": [{"request": {"method": "PATCH", "url": "https://acme.texterchat.com/server/api/v2/chats/1"}}, {"request": {"method": "GET", "url": "https://example.com/chats/1"}}]}}"#;
        assert_eq!(
            requests("x.har", har),
            ["PATCH https://acme.texterchat.com/server/api/v2/chats/1 L1"]
        );
        let openapi = "openapi: 3.0.3\nservers:\n  - url: https://{projectID}.texterchat.com/server/api/v2\npaths:\n  /labels:\n    get: {}\n    post: {}\n";
        assert_eq!(
            requests("api.yaml", openapi),
            [
                "GET /server/api/v2/labels L5",
                "POST /server/api/v2/labels L5"
            ]
        );
        assert!(extract("package.json", r#"{"name": "x"}"#, &vocab()).is_none());
    }

    proptest::proptest! {
        /// Whatever a HAR holds, reading it never panics and every location lies inside it.
        #[test]
        fn any_har_is_read_without_panicking(
            urls in proptest::collection::vec(r#"(https://a\.texterchat\.com|\\/|/|é|\\u00e9|\?|labels|chats|\n| )*"#, 0..6),
            pretty in proptest::bool::ANY,
        ) {
            let entries: Vec<String> = urls
                .iter()
                .map(|u| format!(r#"{{"request": {{"method": "GET", "url": "{}"}}}}"#, u.replace('\n', "\\n")))
                .collect();
            let sep = if pretty { ",\n" } else { "," };
            let har = format!(r#"{{"log": {{"entries": [{}]}}}}"#, entries.join(sep));
            for c in extract("s.har", &har, &vocab()).unwrap_or_default() {
                proptest::prop_assert!(har.is_char_boundary(c.offset));
                proptest::prop_assert!(c.offset + c.length <= har.len());
                proptest::prop_assert!(c.line >= 1 && c.column >= 1);
            }
        }
    }

    #[test]
    fn requests_are_located_in_any_order_and_spelling() {
        // Paths come out of the parsed document sorted; each is found where it is written,
        // escaped slashes included.
        let openapi = "{\"openapi\": \"3.0.0\", \"paths\": {\n\"\\/quick-replies\": {\"get\": {}},\n\"/labels\": {\"post\": {}}}}";
        assert_eq!(
            requests("api.json", openapi),
            ["POST /labels L3", "GET /quick-replies L2"]
        );
        let har = "{\"log\": {\"entries\": [\n{\"request\": {\"method\": \"GET\", \"url\": \"https:\\/\\/a.texterchat.com\\/labels\"}}]}}";
        let found = extract("s.har", har, &vocab()).unwrap_or_default();
        assert_eq!((found[0].line, found[0].column), (2, 39));
    }
}
