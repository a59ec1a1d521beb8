//! Microsoft Graph: `graph.microsoft.com/v1.0` and `/beta` come from the table; the convention
//! adds the JavaScript SDK's fluent calls, whose method is the chained call that sends the
//! request (`client.api("/me/messages").select("subject").top(5).get()`, possibly over several
//! lines), the request builders of the C# and Python SDKs on a Graph client
//! (`graphClient.Me.MailFolders["inbox"].Messages.GetAsync()`,
//! `graph_client.users.by_user_id(id).messages.get()`), and compares paths without regard to
//! case, as Graph does.

use crate::scan::expr::{mask_dollar_segments, read_expr, unmask_dollars};
use crate::scan::work;

use super::{Convention, SdkCall};

pub static MSGRAPH: Convention = Convention {
    api: "msgraph",
    base_urls: &[],
    // Not the word `graph` in identifiers: `paragraph`, `graphql` and `photograph` hold it.
    words: &[],
    markers: &[
        "graph.microsoft.com",
        "microsoft-graph-client",
        "msgraph",
        "graphclient",
        "graph_client",
        "graphserviceclient",
    ],
    triggers: &[
        ".api(",
        "graphClient",
        "GraphClient",
        "graph_client",
        "graphServiceClient",
        "GraphServiceClient",
    ],
    prefix_anywhere: false,
    project_wide: false,
    case_insensitive: true,
    calls: &[client_api, fluent_call],
    libraries: &[],
    rewrite: None,
};

/// Bytes of the chain after `.api(…)` read for the method, over at most this many lines.
const CHAIN: usize = 1024;
const CHAIN_LINES: usize = 8;
/// Bytes of a path literal read.
const PATH_WINDOW: usize = 1024;

/// The SDK's request senders and the methods they send.
const SENDERS: &[(&str, &str)] = &[
    ("get", "GET"),
    ("getStream", "GET"),
    ("post", "POST"),
    ("create", "POST"),
    ("put", "PUT"),
    ("putStream", "PUT"),
    ("patch", "PATCH"),
    ("update", "PATCH"),
    ("delete", "DELETE"),
    ("del", "DELETE"),
];

/// `.api("/me/messages")` (or a full Graph URL) and the sender chained after it.
fn client_api(lines: &[&str], index: usize, out: &mut Vec<SdkCall>) {
    let line = lines[index];
    for (at, _) in line.match_indices(".api(") {
        let open = at + ".api(".len();
        let quote_at = open + (line.len() - open - line[open..].trim_start().len());
        if !line[quote_at..].starts_with(['"', '\'', '`']) {
            continue;
        }
        let start = quote_at + 1;
        // OData segments (`$value`, `$count`, `$ref`) are literals, not shell variables: read
        // with their `$` masked (a byte for a byte, so offsets hold), then given it back.
        let tail = &line[start..line.floor_char_boundary(line.len().min(start + PATH_WINDOW))];
        let masked = mask_dollar_segments(tail, |w| {
            w.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic)
        });
        let (len, path) = read_expr(masked.as_deref().unwrap_or(tail), 0);
        let (end, path) = (start + len, unmask_dollars(path));
        if path.is_empty() {
            continue;
        }
        let path = if path.starts_with('/') || path.contains("://") {
            path
        } else {
            format!("/{path}")
        };
        out.push(SdkCall {
            start,
            end,
            method: chained_sender(lines, index, end),
            path,
        });
    }
}

/// The method of the first sender in the chain that follows the `.api(` literal ending at
/// `lines[index][end..]`: over its closing parenthesis and calls such as `.select(…)`,
/// `.filter(…)`, `.top(5)`, `.header(…)`, across line breaks, within a bounded window.
fn chained_sender(lines: &[&str], index: usize, end: usize) -> Option<String> {
    let mut window = String::new();
    for (i, text) in lines.iter().enumerate().skip(index).take(CHAIN_LINES) {
        let from = if i == index { end } else { 0 };
        let room = CHAIN.saturating_sub(window.len());
        let to = text.floor_char_boundary(text.len().min(from + room));
        window.push_str(&text[from.min(to)..to]);
        window.push('\n');
        if window.len() >= CHAIN {
            break;
        }
    }
    work::add(window.len());
    let bytes = window.as_bytes();
    // The rest of the literal and the `)` closing `.api(`.
    let mut i = bytes.iter().position(|&b| b == b')')? + 1;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'.') {
            return None;
        }
        i += 1;
        let name_len = bytes[i..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let name = &window[i..i + name_len];
        i += name_len;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if bytes.get(i) != Some(&b'(') {
            return None;
        }
        if let Some((_, method)) = SENDERS.iter().find(|(n, _)| *n == name) {
            return Some((*method).to_owned());
        }
        // Over the call's arguments.
        let mut depth = 0usize;
        while i < bytes.len() {
            match bytes[i] {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
}

/// The senders of the C# and Python SDKs' request builders.
const BUILDER_SENDERS: &[(&str, &str)] = &[
    ("GetAsync", "GET"),
    ("PostAsync", "POST"),
    ("PatchAsync", "PATCH"),
    ("PutAsync", "PUT"),
    ("DeleteAsync", "DELETE"),
    ("get", "GET"),
    ("post", "POST"),
    ("patch", "PATCH"),
    ("put", "PUT"),
    ("delete", "DELETE"),
];

/// Bytes of a request-builder chain read back from its sender.
const BUILDER_WINDOW: usize = 512;

/// `graphClient.Me.Messages["id"].GetAsync()`, `graph_client.me.messages.by_message_id(i).get()`:
/// a chain of properties from a Graph client to a sender; each property is a segment (in any
/// case, `_` dropped), an indexer or a `by_…_id(…)`/`ByIdAsync`-style selector a parameter.
fn fluent_call(lines: &[&str], index: usize, out: &mut Vec<SdkCall>) {
    let line = lines[index];
    for &(sender, method) in BUILDER_SENDERS {
        let needle = format!(".{sender}(");
        for (dot, _) in line.match_indices(&needle) {
            if let Some((start, path)) = builder_chain(line, dot) {
                out.push(SdkCall {
                    start,
                    end: dot,
                    path,
                    method: Some(method.to_owned()),
                });
            }
        }
    }
}

/// The path of the chain that ends at `line[..dot]` and where it starts (after the client),
/// or `None` when it does not start at a Graph client.
fn builder_chain(line: &str, dot: usize) -> Option<(usize, String)> {
    let bytes = line.as_bytes();
    let floor = line.floor_char_boundary(dot.saturating_sub(BUILDER_WINDOW));
    let mut segments: Vec<String> = Vec::new();
    let mut i = dot;
    loop {
        work::add(1);
        // An indexer or a selector's arguments: a parameter.
        let mut param = false;
        if i > floor && matches!(bytes[i - 1], b']' | b')') {
            let close = bytes[i - 1];
            let open = if close == b']' { b'[' } else { b'(' };
            let mut depth = 0usize;
            let mut j = i;
            while j > floor {
                j -= 1;
                work::add(1);
                if bytes[j] == close {
                    depth += 1;
                } else if bytes[j] == open {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
            if depth != 0 {
                return None;
            }
            param = close == b']' || j + 1 < i - 1;
            if close == b']' {
                segments.push("{p}".to_owned());
            }
            i = j;
        }
        let name = super::ident_before(&line[floor..i]);
        if name.is_empty() {
            return None;
        }
        let lower = name.to_ascii_lowercase();
        let start = i - name.len();
        let before_dot = start > floor && bytes[start - 1] == b'.';
        // The client: what follows it is the path.
        if lower.contains("graph") && (lower.contains("client") || lower.contains("service")) {
            segments.reverse();
            let path = format!("/{}", segments.join("/"));
            return (!segments.is_empty()).then_some((i + 1, path));
        }
        if !before_dot {
            return None;
        }
        if bytes[i..].first() == Some(&b'(') {
            // `ByMessageId(id)`, `by_user_id(id)`, `Item(id)`: a parameter; `Request()` (v4): nothing.
            if lower.starts_with("by") || lower == "item" {
                segments.push("{p}".to_owned());
            } else if lower != "request" || param {
                return None;
            }
        } else {
            segments.push(lower.replace('_', ""));
        }
        i = start - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::calls_found;

    fn calls(text: &str) -> Vec<(String, Option<String>)> {
        calls_found(client_api, text)
    }

    #[test]
    fn a_window_never_starts_inside_a_character() {
        // The builder window reaches back 512 bytes; here that lands inside `龇`.
        for pad in 490..500 {
            let line = format!("var x = 龇{} graphClient.Me.GetAsync();", "b".repeat(pad));
            let mut found = Vec::new();
            fluent_call(&[line.as_str()], 0, &mut found);
            assert_eq!(found.len(), 1, "{line}");
        }
    }

    #[test]
    fn request_builders_on_a_graph_client_are_calls() {
        let text = [
            "var messages = await graphClient.Me.MailFolders[\"inbox\"].Messages.GetAsync();",
            "await _graphClient.Users[userId].SendMail.PostAsync(body);",
            "await graphServiceClient.Me.Events.ByEventId(id).PatchAsync(ev);",
            "user = await self.graph_client.users.by_user_id(uid).get()",
            "await graph_client.me.send_mail.post(body)",
            "var legacy = await graphClient.Me.Messages.Request().GetAsync();",
            "var r = await http.GetAsync(url);",
            "data = requests.get(url).json()",
            "cache.me.messages.get()",
        ]
        .join("\n");
        let got: Vec<(String, String)> = calls_found(fluent_call, &text)
            .into_iter()
            .map(|(path, method)| (path, method.unwrap_or_default()))
            .collect();
        let m = |p: &str, m: &str| (p.to_owned(), m.to_owned());
        assert_eq!(
            got,
            [
                m("/me/mailfolders/{p}/messages", "GET"),
                m("/users/{p}/sendmail", "POST"),
                m("/me/events/{p}", "PATCH"),
                m("/users/{p}", "GET"),
                m("/me/sendmail", "POST"),
                m("/me/messages", "GET"),
            ]
        );
    }

    #[test]
    fn the_chained_sender_is_the_method() {
        let text = [
            "const me = await client.api('/me').get();",
            "await client.api(`/me/messages/${id}`).delete();",
            "const r = await client",
            "  .api(\"/me/mailFolders/inbox/messages\")",
            "  .select(\"subject,from\")",
            "  .filter(`receivedDateTime ge ${since}`)",
            "  .top(10)",
            "  .get();",
            "await graph.api(\"me/sendMail\").post({ message });",
            "await client.api('/me/events/' + id).header('Prefer', 'x').patch(event);",
            "await client.api('/me/photo/$value').putStream(stream);",
            "const req = client.api('/me/drive/root/children');",
            "await client.api(path).get();",
            "await client.api('/me/messages').del();",
        ]
        .join("\n");
        let got = calls(&text);
        let m = |p: &str, m: Option<&str>| (p.to_owned(), m.map(str::to_owned));
        assert_eq!(
            got,
            [
                m("/me", Some("GET")),
                m("/me/messages/{p}", Some("DELETE")),
                m("/me/mailFolders/inbox/messages", Some("GET")),
                m("/me/sendMail", Some("POST")),
                m("/me/events/{p}", Some("PATCH")),
                m("/me/photo/$value", Some("PUT")),
                m("/me/drive/root/children", None),
                m("/me/messages", Some("DELETE")),
            ]
        );
    }
}
