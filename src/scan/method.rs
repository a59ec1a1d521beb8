//! Finding the HTTP method of a call from the code around a path.
//!
//! Only a bounded window around each path is searched: a minified line holding thousands of
//! paths then costs time in proportion to its length, not its length times its paths.

use std::sync::LazyLock;

use regex::Regex;

use super::curl::curl_method;
use super::work;

/// Bytes searched on the path's own line before its start and after its end; neighbouring
/// lines are searched this far from the path's side (their start after it, their end before).
pub const WINDOW: usize = 256;
/// Lines searched after the path's line, then before it.
const NEIGHBOURS: usize = 3;

/// Method spellings, tried in order on a window; the first that matches wins for that window.
/// Word boundaries are ASCII (`(?-u:\b)`) so the fast DFA engines apply to any text.
static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // method: "POST", "method": 'patch', method = 'DELETE'
        r#"(?i)(?-u:\b)method["']?\s*[:=]\s*["'`]?(get|post|put|patch|delete)(?-u:\b)"#,
        // Go net/http and C# HttpMethod constants; Ruby Net::HTTP::Post
        r"(?-u:\b)(?:http\.Method|HttpMethod\.|Net::HTTP::)(Get|Post|Put|Patch|Delete)(?-u:\b)",
        // curl -X POST / --request PATCH
        r#"(?:^|\s)(?:-X|--request)(?:\s+|=)["']?(?i:(get|post|put|patch|delete))(?-u:\b)"#,
        // axios.post(, requests.patch(, client.PostAsync(, $http->delete(, HttpRequest...POST(
        r"(?i)(?:\.|->|::)(get|post|put|patch|delete)(?:async|json)?\s*(?:<[^>]*>)?\s*\(",
        // requestViaProxy('GET', ...), http.NewRequest("PATCH", ...)
        r#"["'`](GET|POST|PUT|PATCH|DELETE)["'`]"#,
        // prose and HTTP files: "POST https://...", "PATCH /chats/{id}", "POST …/import"
        r"(?-u:\b)(GET|POST|PUT|PATCH|DELETE)\s+(?:https?://|/|\$|\{|…|\.\.\./)",
        // helper names: postJson(, getJSON(, doPost(, httpDelete(
        r"(?-u:\b)(get|post|put|patch|delete)[A-Z_][A-Za-z0-9_]*\s*\(",
        r"(?-u:\b)[a-z][A-Za-z0-9_]*(Get|Post|Put|Patch|Delete)\s*\(",
        // a bare helper: get("/labels/" + id)
        r"(?-u:\b)(get|post|put|patch|delete)\s*\(",
    ]
    .iter()
    .filter_map(|p| Regex::new(p).ok())
    .collect()
});

/// The method named in `line[lo..hi]`, if any. The text before `lo` is context only (`^` and
/// `\b` see it), so a window never invents a line start or a word boundary.
fn method_in(line: &str, lo: usize, hi: usize) -> Option<String> {
    let hi = line.ceil_char_boundary(hi.min(line.len()));
    let lo = line.floor_char_boundary(lo.min(hi));
    work::add(hi - lo);
    let haystack = &line[..hi];
    PATTERNS.iter().find_map(|re| {
        re.captures_at(haystack, lo)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_ascii_uppercase())
    })
}

/// The method named anywhere on one line, if any.
#[cfg(test)]
fn method_on_line(line: &str) -> Option<String> {
    method_in(line, 0, line.len())
}

/// The method of a call whose path is `lines[index][start..end]`: a curl command's, from its
/// flags; otherwise near the path on its line first, then the start of up to three following
/// lines (options objects), then the end of up to three lines before; the search stops at a
/// line holding another call's path (`stop`).
pub fn method_near(
    lines: &[&str],
    index: usize,
    (start, end): (usize, usize),
    stop: &dyn Fn(usize) -> bool,
) -> Option<String> {
    if let Some(method) = curl_method(lines, index, start) {
        return method;
    }
    let line = lines.get(index)?;
    if let Some(m) = method_in(
        line,
        start.saturating_sub(WINDOW),
        end.saturating_add(WINDOW),
    ) {
        return Some(m);
    }
    // Whether the call's argument list is seen to end (for `fetch`, below).
    let mut depth = Depth::default();
    let rest = &line[line.ceil_char_boundary(end.min(line.len()))..];
    let mut closed = depth.closes(&rest[..rest.floor_char_boundary(WINDOW.min(rest.len()))]);
    for (i, line) in lines
        .iter()
        .enumerate()
        .take(index + 1 + NEIGHBOURS)
        .skip(index + 1)
    {
        if stop(i) {
            break;
        }
        if let Some(m) = method_in(line, 0, WINDOW) {
            return Some(m);
        }
        closed = closed || depth.closes(&line[..line.floor_char_boundary(WINDOW.min(line.len()))]);
    }
    for i in (index.saturating_sub(NEIGHBOURS)..index).rev() {
        if stop(i) {
            break;
        }
        let line = lines[i];
        if let Some(m) = method_in(line, line.len().saturating_sub(WINDOW), line.len()) {
            return Some(m);
        }
    }
    // `fetch(url)` and `fetch(url, { headers })` name no method: the Fetch standard's default
    // is GET. Only when the whole call was seen: options that run on past the lines searched
    // may still name one.
    (closed && fetch_argument(line, start)).then(|| "GET".to_owned())
}

/// Brackets opened since the path, read text after text: the call holding the path ends at
/// the first `)` that closes nothing opened after it (`fetch(url, { headers: {…} })`).
#[derive(Default)]
struct Depth(usize);

impl Depth {
    /// Whether `text` holds the `)` that ends the call.
    fn closes(&mut self, text: &str) -> bool {
        for b in text.bytes() {
            match b {
                b'(' | b'{' | b'[' => self.0 += 1,
                b')' if self.0 == 0 => return true,
                b')' | b'}' | b']' => self.0 = self.0.saturating_sub(1),
                _ => {}
            }
        }
        false
    }
}

/// Whether the path at `start` is the first argument of a `fetch(` call (`fetch("…`,
/// `await fetch(\`…`, `window.fetch('…`), possibly after the base it is built on
/// (`fetch(\`${BASE}/…`, `fetch(BASE + "/…`), not of `prefetch(` or `myfetch(`.
fn fetch_argument(line: &str, start: usize) -> bool {
    const LOOK_BACK: usize = 128;
    let head = &line[..line.floor_char_boundary(start.min(line.len()))];
    let mut before = &head[head.floor_char_boundary(head.len().saturating_sub(LOOK_BACK))..];
    // Step back over the argument's opening quote and the base in front of the path.
    loop {
        let trimmed = before.trim_end().trim_end_matches(['"', '\'', '`', '+']);
        let trimmed = trimmed.trim_end();
        let stripped = if trimmed.ends_with('}') {
            trimmed.rfind("${").map_or(trimmed, |at| &trimmed[..at])
        } else {
            trimmed.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || "_.$".contains(c))
        };
        if stripped.len() == before.len() {
            break;
        }
        before = stripped;
    }
    let Some(callee) = before.strip_suffix('(') else {
        return false;
    };
    let Some(rest) = callee.trim_end().strip_suffix("fetch") else {
        return false;
    };
    !rest
        .bytes()
        .last()
        .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_common_spellings() {
        let cases = [
            (
                r#"await axios.post(`${BASE}/whatsapp/templates/send`, body)"#,
                "POST",
            ),
            (
                r#"requests.patch(f"{BASE}/chats/{chat_id}", json=data)"#,
                "PATCH",
            ),
            (
                r#"req, _ := http.NewRequest(http.MethodDelete, url, nil)"#,
                "DELETE",
            ),
            (r#"fetch(url, { method: 'patch' })"#, "PATCH"),
            (
                r#"curl -X POST https://acme.texterchat.com/server/api/v2/chats/assign"#,
                "POST",
            ),
            (r#"curl --request GET --url https://x"#, "GET"),
            (r#"return requestViaProxy('GET', `/labels/${id}`)"#, "GET"),
            (
                r#"POST https://{projectID}.texterchat.com/server/api/v2/files/share/{fileId}"#,
                "POST",
            ),
            (
                r#"const res = await postJson(`${BASE}/chats/assign`, payload)"#,
                "POST",
            ),
            (
                r#"var response = await client.PostAsync(url, content);"#,
                "POST",
            ),
            (r#"$response = $client->delete($base . '/x');"#, "DELETE"),
            (r#"req = Net::HTTP::Patch.new(uri)"#, "PATCH"),
            (r#""method": "POST","#, "POST"),
            ("`PATCH …/labels/{labelId}`", "PATCH"),
            ("GET .../scenarios/manage", "GET"),
        ];
        for (line, method) in cases {
            assert_eq!(method_on_line(line).as_deref(), Some(method), "{line}");
        }
        assert_eq!(method_on_line("const url = `${BASE}/chats/search`"), None);
    }

    #[test]
    fn looks_near_the_path_only() {
        let far = " ".repeat(WINDOW + 10);
        let before = format!("axios.post({far}`${{B}}/chats/assign`)");
        let start = before.find('`').unwrap_or(0);
        let path = (start, start + 20);
        assert_eq!(method_near(&[before.as_str()], 0, path, &|_| false), None);
        let after = format!("fetch(`${{B}}/chats/${{id}}`,{far}{{method: 'PATCH'}})");
        assert_eq!(method_near(&[after.as_str()], 0, (6, 26), &|_| false), None);
        let near = format!("fetch(`${{B}}/chats/${{id}}`, {{method: 'PATCH'}}){far}");
        assert_eq!(
            method_near(&[near.as_str()], 0, (6, 26), &|_| false).as_deref(),
            Some("PATCH")
        );
        // A neighbouring line counts only near the path: its start after it, its end before it.
        let lines = [
            "fetch(`${B}/chats/${id}`, {",
            &format!("{far}method: 'PATCH',"),
        ];
        assert_eq!(method_near(&lines, 0, (6, 26), &|_| false), None);
    }

    #[test]
    fn a_window_keeps_the_context_before_it() {
        // `-X` must follow whitespace or the line start; the window's start is neither.
        let line = format!("x-X POST{}\"/chats/assign\"", " ".repeat(WINDOW - 8));
        let path = line.find('/').unwrap_or(0);
        assert_eq!(path - WINDOW, 1, "the window starts at `-X`");
        assert_eq!(
            method_near(&[line.as_str()], 0, (path, path + 13), &|_| false),
            None
        );
        // ASCII word boundaries still hold next to non-ASCII text.
        assert_eq!(method_on_line("é.post(url)").as_deref(), Some("POST"));
        assert_eq!(method_on_line("éxGET /chats"), None);
    }

    #[test]
    fn looks_at_nearby_lines_but_not_past_another_call() {
        let lines = ["fetch(`${BASE}/chats/${id}`, {", "  method: 'PATCH',", "})"];
        assert_eq!(
            method_near(&lines, 0, (6, 26), &|_| false).as_deref(),
            Some("PATCH")
        );
        assert_eq!(method_near(&lines, 0, (6, 26), &|i| i == 1), None);
    }

    #[test]
    fn fetch_without_a_method_is_a_get_when_the_whole_call_is_seen() {
        let get = |lines: &[&str], at: &str| {
            let start = lines[0].find(at).unwrap_or(0);
            method_near(lines, 0, (start, start + at.len()), &|_| false)
        };
        for line in [
            r#"const r = await fetch("https://x.test/labels");"#,
            "return window.fetch(`${B}/labels`).then(r => r.json());",
            "fetch( '/labels' )",
            r#"fetch(BASE + "/labels")"#,
            "fetch(`${cfg.base}/labels`, { headers: { a: `b ${c}` } });",
        ] {
            let at = ["https://x.test/labels", "${B}/labels", "/labels"]
                .into_iter()
                .find(|a| line.contains(a))
                .unwrap_or_default();
            assert_eq!(get(&[line], at).as_deref(), Some("GET"), "{line}");
        }
        let url = "https://x.test/labels";
        let with_headers = [
            r#"fetch("https://x.test/labels", {"#,
            "  headers: { a: b },",
            "});",
        ];
        assert_eq!(get(&with_headers, url).as_deref(), Some("GET"));
        let inline = [r#"await fetch("https://x.test/labels", { headers: { a: b } });"#];
        assert_eq!(get(&inline, url).as_deref(), Some("GET"));
        let open = [r#"await fetch("https://x.test/labels", { headers: { a: b }, ...more"#];
        assert_eq!(get(&open, url), None);
        // Options that run past the lines searched may name a method further down.
        let long = [
            r#"fetch("https://x.test/labels", {"#,
            "  headers: {",
            "    a: b,",
            "  },",
            "  method: 'POST',",
            "});",
        ];
        assert_eq!(get(&long, url), None);
        for line in [
            r#"prefetch("https://x.test/labels")"#,
            r#"myfetch("https://x.test/labels")"#,
            r#"link("https://x.test/labels")"#,
            r#"fetch(other, "/labels")"#,
        ] {
            let at = if line.contains(url) { url } else { "/labels" };
            assert_eq!(get(&[line], at), None, "{line}");
        }
    }
}
