//! Whether a path that is not a whole URL of the API sits where an API call is made.
//!
//! A bare relative path such as `"/templates"` is just as often a page of the application
//! itself (`<a href="/templates">`, `<Route path="/labels">`, `navigate("/labels")`) as a
//! request. It counts only at a call site: built on a base (`${BASE}/labels`, `BASE + "/labels"`,
//! `"%s/labels" % BASE`, `…/labels` in prose), after a method (`GET /labels`), in a curl command,
//! under a `url`/`endpoint` key, or as an argument of a call that makes requests (`fetch`,
//! `axios.get`, `requests.post`, `client.PostAsync`, `callTexter('POST', …)`, a helper given a
//! method) and not of one that navigates (`navigate`, `router.push`, `redirect`, route
//! definitions).
//!
//! Every test reads a bounded window before the path, so a long line costs time in proportion
//! to its length whatever it holds.

use super::curl::curl_method;
use super::work;

/// Bytes read back from the path on its own line, and at the end of each earlier line.
const WINDOW: usize = 256;
/// Earlier lines an argument list or object is followed back over.
const MAX_LINES: usize = 3;

/// Whether the path starting at `lines[index][pos]` is at a call site; `has_method` says a
/// method was found for it (a helper called with a method builds a request), `prose` that it
/// is in prose or a comment.
pub fn is_call_site(
    lines: &[&str],
    index: usize,
    pos: usize,
    (has_method, prose): (bool, bool),
) -> bool {
    let Some(line) = lines.get(index) else {
        return false;
    };
    let floor = line.floor_char_boundary(pos.saturating_sub(WINDOW));
    let before = &line[floor..pos];
    work::add(before.len());
    if built_on_base(before, prose) {
        return true;
    }
    // The literal the path opens: its quote and any string prefix (`f"`, `$"`, `r'`, `@"`).
    let outside = before
        .strip_suffix(['"', '\'', '`'])
        .map(strip_string_prefix)
        .unwrap_or(before);
    let head = outside.trim_end();
    if is_concatenation(head) || after_method(before) || url_key(head) {
        return true;
    }
    if curl_method(lines, index, pos).is_some() {
        return true;
    }
    match enclosing_call(lines, index, floor, head) {
        Some(callee) => callee.is_request(has_method),
        None => false,
    }
}

/// Whether the text right before a path is a base it builds on: an interpolation (`${B}`,
/// `{base}`, `#{B}`, `{$b}`), a variable (`$B`, `$(B)`), a printf verb (`%s`, `%v`), or, in
/// prose, an ellipsis standing for the base (`…/labels`, `.../labels`).
pub fn built_on_base(before: &str, prose: bool) -> bool {
    let bytes = before.as_bytes();
    match bytes.last() {
        None => false,
        Some(b'}' | b'$') => true,
        Some(b's' | b'v') if bytes.len() >= 2 && bytes[bytes.len() - 2] == b'%' => true,
        Some(b')') => make_variable(before),
        Some(_) if prose && (before.ends_with('…') || before.ends_with("...")) => true,
        Some(_) => shell_variable(before),
    }
}

/// `$VAR` right before the path.
fn shell_variable(before: &str) -> bool {
    let ident = before
        .bytes()
        .rev()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    work::add(ident);
    ident > 0 && before[..before.len() - ident].ends_with('$')
}

/// `$(VAR)` right before the path (Makefiles, shell).
fn make_variable(before: &str) -> bool {
    let inner = &before[..before.len() - 1];
    let ident = inner
        .bytes()
        .rev()
        .take(64)
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
        .count();
    work::add(ident);
    ident > 0 && inner[..inner.len() - ident].ends_with("$(")
}

/// The text before a string literal without its prefix letters (`f`, `$`, `@`, `r`, `b`, `u`).
fn strip_string_prefix(before: &str) -> &str {
    let prefix = before
        .bytes()
        .rev()
        .take(3)
        .take_while(|b| b"fFrRbBuU$@".contains(b))
        .count();
    let rest = &before[..before.len() - prefix];
    // A prefix is a prefix only when no identifier goes on before it (`elif"` is not one).
    match rest.bytes().last() {
        Some(b) if prefix > 0 && (b.is_ascii_alphanumeric() || b == b'_') => before,
        _ => rest,
    }
}

/// `BASE + "/labels"`, `$base . '/labels'`, `base .. "/labels"`, `uri << "/labels"`: the
/// literal is appended to something.
fn is_concatenation(head: &str) -> bool {
    let Some(op) = head.bytes().last().filter(|b| b"+.<".contains(b)) else {
        return false;
    };
    let rest = head[..head.len() - 1].trim_end();
    let operand = rest.bytes().last();
    match op {
        b'+' => !rest.ends_with('+') && operand.is_some_and(is_operand_end),
        b'.' => !rest.ends_with("..") && operand.is_some_and(is_operand_end),
        b'<' => rest.ends_with('<') && !rest.ends_with("<<<"),
        _ => false,
    }
}

fn is_operand_end(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_)]}\"'`".contains(&b)
}

/// `GET /labels`, `POST "…"`: an HTTP method word right before the path or its quote.
fn after_method(before: &str) -> bool {
    let t = before.trim_end_matches(['"', '\'', '`']).trim_end();
    if t.len() == before.len() {
        return false;
    }
    let word_len = t.bytes().rev().take_while(u8::is_ascii_uppercase).count();
    let word = &t[t.len() - word_len..];
    let starts = t[..t.len() - word_len]
        .bytes()
        .last()
        .is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'_');
    starts && crate::table::METHODS.contains(&word)
}

/// `url: "/labels"`, `"endpoint": "/labels"`, `requestUri = "/labels"`: a key or variable
/// whose name says it holds a request URL.
fn url_key(head: &str) -> bool {
    let Some(head) = head.strip_suffix([':', '=']) else {
        return false;
    };
    if head.ends_with(['=', '!', '<', '>']) {
        return false;
    }
    let head = head.trim_end().trim_end_matches(['"', '\'']);
    let name_len = head
        .bytes()
        .rev()
        .take(64)
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    let name = head[head.len() - name_len..].to_ascii_lowercase();
    ["url", "uri", "endpoint"].iter().any(|k| name.ends_with(k))
}

/// The callee of the call whose argument list holds the path: read back from the literal over
/// other arguments and objects or arrays it sits in, on its line and on up to three earlier
/// lines that end inside the argument list (`fetch(\n  "/labels",`). A statement boundary
/// (`;`, or a line that does not continue) ends the search.
fn enclosing_call<'a>(
    lines: &[&'a str],
    index: usize,
    floor: usize,
    head: &str,
) -> Option<Callee<'a>> {
    let mut depth = 0usize;
    let mut text: &'a str = &lines[index][floor..floor + head.len()];
    let mut at_line = index;
    for step in 0..=MAX_LINES {
        work::add(text.len());
        let bytes = text.as_bytes();
        let mut i = bytes.len();
        while i > 0 {
            i -= 1;
            match bytes[i] {
                b')' | b']' | b'}' => depth += 1,
                b'(' if depth == 0 => return Some(Callee::before(&text[..i])),
                b'(' | b'[' | b'{' => depth = depth.saturating_sub(1),
                b';' if depth == 0 => return None,
                _ => {}
            }
        }
        if step == MAX_LINES {
            break;
        }
        at_line = at_line.checked_sub(1)?;
        let above = lines[at_line];
        let trimmed = above.trim_end();
        if !trimmed.ends_with(['(', '{', '[', ',']) {
            return None;
        }
        let from = trimmed.floor_char_boundary(trimmed.len().saturating_sub(WINDOW));
        text = &trimmed[from..];
    }
    None
}

/// The name called and the name it is called on (`axios.get` → `axios`, `get`).
struct Callee<'a> {
    receiver: &'a str,
    name: &'a str,
    /// A decorator (`@app.get("/labels")`): a route the application serves.
    decorator: bool,
}

/// Calls that navigate or define routes, never requests (lowercase, whole names).
const NAVIGATION: &[&str] = &[
    "navigate",
    "push",
    "replace",
    "redirect",
    "redirect_to",
    "goto",
    "go",
    "path",
    "re_path",
    "url_for",
    "reverse",
    "link_to",
    "visit",
    "render",
    "render_template",
    "open",
    "require",
    "import",
    "include",
    "t",
    "translate",
    "assign",
    "if",
    "while",
    "for",
    "return",
    "switch",
];

/// Parts of a name that mark navigation or routing.
const NAVIGATION_PARTS: &[&str] = &[
    "router", "route", "navigat", "history", "location", "redirect", "link", "handle",
];

/// Objects whose `get`/`post` define the routes a server answers (Express, Flask, Gin…).
const SERVERS: &[&str] = &[
    "app",
    "router",
    "server",
    "blueprint",
    "bp",
    "mux",
    "express",
];

/// Parts of a name that mark a call making a request.
const REQUEST_PARTS: &[&str] = &[
    "fetch", "request", "http", "ajax", "axios", "curl", "call", "send", "invoke", "api", "texter",
    "client", "url", "uri", "rest", "get", "post", "put", "patch", "delete", "query", "swr", "got",
    "wretch", "needle", "faraday", "guzzle", "resty",
];

impl<'a> Callee<'a> {
    /// The callee named by the text before an opening parenthesis.
    fn before(text: &'a str) -> Callee<'a> {
        let t = skip_generics(text.trim_end());
        let name = ident_before(t);
        let mut rest = t[..t.len() - name.len()].trim_end();
        let mut receiver = "";
        for sep in ["?.", ".", "->", "::"] {
            if let Some(r) = rest.strip_suffix(sep) {
                let r = skip_call_parens(r.trim_end());
                receiver = ident_before(r);
                rest = &r[..r.len() - receiver.len()];
                break;
            }
        }
        // `@app.get(`, and `@Get(` in Nest or Spring.
        let decorator = rest.ends_with('@');
        Callee {
            receiver,
            name,
            decorator,
        }
    }

    fn is_request(&self, has_method: bool) -> bool {
        let name = self.name.to_ascii_lowercase();
        let receiver = self.receiver.to_ascii_lowercase();
        if name.is_empty() || self.decorator || NAVIGATION.contains(&name.as_str()) {
            return false;
        }
        let navigates = |w: &str| NAVIGATION_PARTS.iter().any(|p| w.contains(p));
        if navigates(&name) || navigates(&receiver) || SERVERS.contains(&receiver.as_str()) {
            return false;
        }
        let requests = |w: &str| REQUEST_PARTS.iter().any(|p| w.contains(p));
        has_method || requests(&name) || requests(&receiver)
    }
}

/// The identifier (letters, digits, `_`, `$`) that ends `text`, at most 64 bytes of it: the
/// name a callee ends with before `(` (`octokit.request` → `request`).
pub(super) fn ident_before(text: &str) -> &str {
    let len = text
        .bytes()
        .rev()
        .take(64)
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'$')
        .count();
    &text[text.len() - len..]
}

/// `get<Label[]>` → `get`: type arguments between a name and its parenthesis.
fn skip_generics(text: &str) -> &str {
    if !text.ends_with('>') {
        return text;
    }
    let window = text.floor_char_boundary(text.len().saturating_sub(64));
    match text[window..].rfind('<') {
        Some(at) => text[..window + at].trim_end(),
        None => text,
    }
}

/// `client.R()` → `client.R`: the call a receiver is the result of.
fn skip_call_parens(text: &str) -> &str {
    match text.strip_suffix("()") {
        Some(r) => r,
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(text: &str) -> bool {
        let lines: Vec<&str> = text.split('\n').collect();
        let index = lines.len() - 1;
        let pos = lines[index]
            .find("/labels")
            .unwrap_or_else(|| panic!("{text}"));
        is_call_site(&lines, index, pos, (false, false))
    }

    #[test]
    fn requests_are_call_sites() {
        for text in [
            "fetch('/labels')",
            "await axios.get(\"/labels\", { params })",
            "const r = await api.get<Label[]>('/labels')",
            "requests.get(f\"/labels/{id}\")",
            "client.R().Get(\"/labels\")",
            "$client->get('/labels')",
            "callTexter('POST', '/labels')",
            "axios({ method: 'get', url: '/labels' })",
            "useSWR('/labels', fetcher)",
            "fetch(\n  '/labels',",
            "axios({\n  method: 'get',\n  url: '/labels',",
            "const url = `${base}/labels`",
            "url = BASE + \"/labels\"",
            "$u = $base . '/labels';",
            "GET /labels",
            "  endpoint: \"/labels\"",
            "curl -s \"/labels\"",
            "fmt.Sprintf(\"%s/labels\", base)",
            "url = \"$(B)/labels\"",
        ] {
            assert!(call(text), "{text}");
        }
    }

    #[test]
    fn navigation_and_routes_are_not() {
        for text in [
            "<a href=\"/labels\">Labels</a>",
            "<Link to=\"/labels\">Labels</Link>",
            "<Route path=\"/labels\" element={<Labels />} />",
            "const routes = [{ path: '/labels', component: Labels }]",
            "navigate('/labels')",
            "this.$router.push('/labels')",
            "return redirect(url_for('/labels'))",
            "app.get('/labels', handler)",
            "router.post('/labels', create)",
            "@app.get(\"/labels\")",
            "const LABELS = '/labels';",
            "createBrowserRouter([\n  { path: '/labels',",
            "x = foo();\n  '/labels'",
            "onClick={() => history.push('/labels')}",
            "http.HandleFunc(\"/labels\", list)",
            "t('/labels')",
        ] {
            assert!(!call(text), "{text}");
        }
    }

    #[test]
    fn a_helper_given_a_method_builds_a_request() {
        let line = "doIt('PATCH', '/labels')";
        let pos = line.find("/labels").unwrap_or(0);
        assert!(!is_call_site(&[line], 0, pos, (false, false)));
        assert!(is_call_site(&[line], 0, pos, (true, false)));
        let nav = "navigate('/labels', { method: 'POST' })";
        let pos = nav.find("/labels").unwrap_or(0);
        assert!(!is_call_site(&[nav], 0, pos, (true, false)));
    }

    #[test]
    fn wide_characters_before_a_path_are_read_whole() {
        for text in [
            "é`/labels",
            "é+`/labels",
            "é.\"/labels",
            "fé(é'/labels",
            "é…/labels",
        ] {
            assert!(!call(text), "{text}");
        }
        assert!(call("fetch(é, '/labels'"));
    }

    #[test]
    fn ellipses_stand_for_a_base_in_prose_only() {
        assert!(built_on_base("`POST …", true));
        assert!(built_on_base("GET ...", true));
        assert!(!built_on_base("x = …", false));
    }
}
