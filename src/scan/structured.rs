//! Structured inputs recognised by content: Postman collections, HAR files and OpenAPI 3
//! documents, read as data rather than searched as text.

use serde_json::Value;

use crate::source::SourceFile;
use crate::table::{API_PREFIX, request_segments};
use crate::yaml::{Limits, Node, NodeKind};

use super::extract::{Candidate, Kind};

/// The requests a structured document describes, or `None` when the file is not one.
pub fn extract(path: &str, text: &str) -> Option<Vec<Candidate>> {
    let trimmed = text.trim_start();
    let value: Value = if trimmed.starts_with('{') {
        serde_json::from_str(text).ok()?
    } else if (path.ends_with(".yaml") || path.ends_with(".yml")) && text.contains("openapi:") {
        yaml_to_json(
            &crate::yaml::parse(&SourceFile::new(path, text.to_owned()), Limits::TABLE).ok()?,
        )
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
        let servers_texter = value
            .get("servers")
            .and_then(Value::as_array)
            .is_some_and(|s| {
                s.iter()
                    .filter_map(|s| s.get("url").and_then(Value::as_str))
                    .any(|u| u.contains("texterchat.com") || u.contains(API_PREFIX))
            });
        if let Some(paths) = value.get("paths").and_then(Value::as_object) {
            for (p, ops) in paths {
                for method in ["get", "post", "put", "patch", "delete"] {
                    if ops.get(method).is_some() {
                        let url = if servers_texter {
                            format!("{API_PREFIX}{p}")
                        } else {
                            p.clone()
                        };
                        requests.push((method.to_ascii_uppercase(), url, p.clone()));
                    }
                }
            }
        }
    } else {
        return None;
    }
    let mut out = Vec::new();
    let mut search_from = 0;
    for (method, url, needle) in requests {
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
        let kind = if lower.contains("texterchat.com") || lower.contains(API_PREFIX) {
            Kind::Texter
        } else if lower.starts_with("http://") || lower.starts_with("https://") {
            // Another host: never Texter.
            continue;
        } else {
            Kind::Relative
        };
        let Some(segments) = request_segments(&without_base) else {
            continue;
        };
        // Locate the request in the text for the report (the first occurrence after the last one).
        let needle = needle.split('?').next().unwrap_or(&needle);
        let at = text[search_from..]
            .find(needle)
            .map(|i| i + search_from)
            .or_else(|| text.find(needle))
            .unwrap_or(0);
        search_from = at + needle.len().min(text.len() - at);
        let line = text[..at].matches('\n').count() + 1;
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        out.push(Candidate {
            line,
            column: text[line_start..at].chars().count() + 1,
            offset: at,
            length: if text[at..].starts_with(needle) {
                needle.len()
            } else {
                0
            },
            text: format!("{method} {url}"),
            segments,
            kind,
            method: Some(method),
            prose: false,
        });
    }
    Some(out)
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

    fn requests(path: &str, text: &str) -> Vec<String> {
        extract(path, text)
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
        assert!(extract("package.json", r#"{"name": "x"}"#).is_none());
    }
}
