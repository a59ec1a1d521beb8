//! Finding the HTTP method of a call from the code around a path.

use std::sync::LazyLock;

use regex::Regex;

/// Method spellings, tried in order on a line; the first that matches wins for that line.
static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        // method: "POST", "method": 'patch', method = 'DELETE'
        r#"(?i)\bmethod["']?\s*[:=]\s*["'`]?(get|post|put|patch|delete)\b"#,
        // Go net/http and C# HttpMethod constants; Ruby Net::HTTP::Post
        r"\b(?:http\.Method|HttpMethod\.|Net::HTTP::)(Get|Post|Put|Patch|Delete)\b",
        // curl -X POST / --request PATCH
        r#"(?:^|\s)(?:-X|--request)(?:\s+|=)["']?(?i:(get|post|put|patch|delete))\b"#,
        // axios.post(, requests.patch(, client.PostAsync(, $http->delete(, HttpRequest...POST(
        r"(?i)(?:\.|->|::)(get|post|put|patch|delete)(?:async|json)?\s*(?:<[^>]*>)?\s*\(",
        // requestViaProxy('GET', ...), http.NewRequest("PATCH", ...)
        r#"["'`](GET|POST|PUT|PATCH|DELETE)["'`]"#,
        // prose and HTTP files: "POST https://...", "PATCH /chats/{id}"
        r"\b(GET|POST|PUT|PATCH|DELETE)\s+(?:https?://|/|\$|\{)",
        // helper names: postJson(, getJSON(, doPost(, httpDelete(
        r"\b(get|post|put|patch|delete)[A-Z_][A-Za-z0-9_]*\s*\(",
        r"\b[a-z][A-Za-z0-9_]*(Get|Post|Put|Patch|Delete)\s*\(",
        // a bare helper: get("/labels/" + id)
        r"\b(get|post|put|patch|delete)\s*\(",
    ]
    .iter()
    .filter_map(|p| Regex::new(p).ok())
    .collect()
});

/// The method named on one line, if any.
pub fn method_on_line(line: &str) -> Option<String> {
    PATTERNS.iter().find_map(|re| {
        re.captures(line)
            .and_then(|c| c.get(1))
            .map(|m| m.as_str().to_ascii_uppercase())
    })
}

/// The method of a call whose path starts on line `index`: that line first, then up to three
/// following lines (options objects, curl continuations), then up to three lines before; the
/// search stops at a line holding another call's path (`stop`).
pub fn method_near(lines: &[&str], index: usize, stop: &dyn Fn(usize) -> bool) -> Option<String> {
    if let Some(m) = lines.get(index).and_then(|l| method_on_line(l)) {
        return Some(m);
    }
    for (i, line) in lines.iter().enumerate().take(index + 4).skip(index + 1) {
        if stop(i) {
            break;
        }
        if let Some(m) = method_on_line(line) {
            return Some(m);
        }
    }
    for i in (index.saturating_sub(3)..index).rev() {
        if stop(i) {
            break;
        }
        if let Some(m) = method_on_line(lines[i]) {
            return Some(m);
        }
    }
    None
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
        ];
        for (line, method) in cases {
            assert_eq!(method_on_line(line).as_deref(), Some(method), "{line}");
        }
        assert_eq!(method_on_line("const url = `${BASE}/chats/search`"), None);
    }

    #[test]
    fn looks_at_nearby_lines_but_not_past_another_call() {
        let lines = ["fetch(`${BASE}/chats/${id}`, {", "  method: 'PATCH',", "})"];
        assert_eq!(method_near(&lines, 0, &|_| false).as_deref(), Some("PATCH"));
        assert_eq!(method_near(&lines, 0, &|i| i == 1), None);
    }
}
