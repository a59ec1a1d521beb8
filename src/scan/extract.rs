//! Finding endpoint paths in source text: absolute URLs, relative paths built from a base,
//! interpolations and concatenations read as parameters.

use super::callsite::{built_on_base, is_call_site};
use super::conventions::{LibraryCall, SdkCall};
use super::expr::{read_expr, unmask_dollars};
use super::method::method_near;
use super::vocabulary::Vocabulary;
use super::work;
use crate::table::{EndpointId, Segment};

/// What kind of string a candidate is, which decides how far it can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An absolute URL on one of the API's hosts, or a path carrying a base path that names
    /// the API anywhere (Texter's `/server/api/v2`).
    Api,
    /// A call through the API's SDK or CLI (`octokit.request("GET /user")`, `gh api user`,
    /// `client.api("/me").get()`): the call names the API, and its method when it has one.
    Sdk,
    /// A call through a client library that names the method, not the path
    /// (`service.users().messages().list(…)` is `gmail.users.messages.list`): counts in a file
    /// that names the API.
    Library,
    /// A relative path whose first segment starts some table path (`/chats/...`).
    Relative,
    /// A path with an unknown first segment, quoted or built on a base; it may complete a base
    /// that ends inside a path (`.../server/api/v2/whatsapp` + `"/templates/send"`).
    Suffix,
    /// A path that starts with the rest of a base path (`/api/v2/labels`): it may complete a
    /// base URL that ends inside it (`https://P.texterchat.com/server`).
    Rooted,
}

/// A path found in a file, before it is matched against the table.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
    pub length: usize,
    /// The text as written.
    pub text: String,
    /// API-relative segments (host, base path, query and fragment removed).
    pub segments: Vec<Segment>,
    pub kind: Kind,
    pub method: Option<String>,
    /// In prose (Markdown, plain text), a comment or an example file: a mention, not a call.
    pub prose: bool,
    /// Where a request is made (see [`super::callsite`]); always for the API's URLs and SDK
    /// calls.
    pub call: bool,
    /// The endpoints a [`Kind::Library`] call names (more than one when its name is ambiguous);
    /// boxed, as few candidates have any and a tree of bundles holds many candidates.
    pub named: Option<Box<Named>>,
}

/// The endpoints a client-library call names.
#[derive(Clone, Debug)]
pub struct Named(pub Vec<EndpointId>);

fn is_prose_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".md", ".markdown", ".txt", ".rst", ".adoc", ".mdx"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Example and sample files (`.env.example`, `config.sample.json`, `settings.example.py`):
/// they tell which base a project uses, but nothing in them is a call.
fn is_example_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    lower.contains('.')
        && lower
            .split(['.', '-', '_'])
            .any(|part| part == "example" || part == "sample")
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    ["//", "#", "*", "/*", "--", "<!--", ";", "%"]
        .iter()
        .any(|p| t.starts_with(p))
        && !t.starts_with("#!")
}

/// Lowercase host of a URL expression (`https://{p}.texterchat.com/...` → `{p}.texterchat.com`).
fn host_of(expr: &str) -> Option<String> {
    let rest = &expr[expr.find("://")? + 3..];
    let end = rest.find('/').unwrap_or(rest.len());
    let host = &rest[..end];
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    Some(host.to_ascii_lowercase())
}

/// Every path candidate of a text file. `hits` (sorted byte offsets where the prefilter
/// matched) limits the work to the lines that can hold a candidate; `None` reads every line.
pub fn extract(
    path: &str,
    text: &str,
    vocab: &Vocabulary,
    hits: Option<&[usize]>,
) -> Vec<Candidate> {
    let prose_file = is_prose_file(path) || is_example_file(path);
    let lines: Vec<&str> = text.split('\n').collect();
    let mut line_starts: Vec<usize> = Vec::with_capacity(lines.len());
    let mut found: Vec<Candidate> = Vec::new();
    let mut offset = 0;
    let mut next_hit = 0;
    for (index, line) in lines.iter().enumerate() {
        let line_start = offset;
        line_starts.push(line_start);
        offset += line.len() + 1;
        if let Some(hits) = hits {
            while next_hit < hits.len() && hits[next_hit] < line_start {
                next_hit += 1;
            }
            if next_hit >= hits.len() || hits[next_hit] >= offset {
                continue;
            }
        }
        let sdk = sdk_calls(&lines, index, vocab);
        let library = library_calls(&lines, index, vocab);
        if !line.contains('/') && sdk.is_empty() && library.is_empty() {
            continue;
        }
        let at = LineAt {
            line,
            masked: vocab.mask_dollar_literals(line),
            index,
            start: line_start,
            prose: prose_file || is_comment(line),
        };
        let mut columns = Columns::new(line);
        for (call, named) in library {
            let mut c = at.candidate(
                &mut columns,
                (call.start, call.end),
                Vec::new(),
                Kind::Library,
            );
            c.named = Some(Box::new(Named(named)));
            found.push(c);
        }
        for call in &sdk {
            let segments = if call.path.contains("://") {
                vocab.url_segments(&call.path)
            } else {
                vocab.path_segments(&call.path)
            };
            if let Some(segments) = segments {
                let mut c = at.candidate(&mut columns, (call.start, call.end), segments, Kind::Sdk);
                c.method = call.method.clone();
                found.push(c);
            }
        }
        let sdk: Vec<(usize, usize)> = sdk.iter().map(|c| (c.start, c.end)).collect();
        let urls = urls_on_line(&at, vocab, &sdk, &mut found);
        paths_on_line(&at, vocab, &urls, &mut found);
    }
    // Methods, now that every candidate line is known (a search stops at another call).
    let candidate_lines: std::collections::HashSet<usize> =
        found.iter().map(|c| c.line - 1).collect();
    for c in &mut found {
        if matches!(c.kind, Kind::Sdk | Kind::Library) {
            c.call = true;
            continue;
        }
        let index = c.line - 1;
        let start = c.offset - line_starts[index];
        c.method = method_near(&lines, index, (start, start + c.length), &|i| {
            i != index && candidate_lines.contains(&i)
        });
        c.call = c.kind == Kind::Api
            || is_call_site(&lines, index, start, (c.method.is_some(), c.prose));
    }
    found
}

/// The SDK calls of the API's convention starting on `lines[index]`, in order, the first of
/// overlapping ones kept.
fn sdk_calls(lines: &[&str], index: usize, vocab: &Vocabulary) -> Vec<SdkCall> {
    let mut calls = Vec::new();
    for finder in vocab.convention.calls {
        finder(lines, index, &mut calls);
    }
    calls.sort_by_key(|c| (c.start, c.end));
    let mut end = 0;
    calls.retain(|c| {
        let keep = c.start >= end && c.start < c.end;
        if keep {
            end = c.end;
        }
        keep
    });
    calls
}

/// The client-library calls starting on `lines[index]` that name endpoints of the table, with
/// those endpoints, in order, the first of overlapping ones kept (the longest chain: `.list(`
/// after `.users().messages()`).
fn library_calls(
    lines: &[&str],
    index: usize,
    vocab: &Vocabulary,
) -> Vec<(LibraryCall, Vec<EndpointId>)> {
    let mut calls: Vec<LibraryCall> = Vec::new();
    for finder in vocab.convention.libraries {
        finder(lines, index, &mut calls);
    }
    let mut named: Vec<(LibraryCall, Vec<EndpointId>)> = calls
        .into_iter()
        .filter_map(|c| {
            let ids = vocab.library_endpoints(&c.chain)?;
            Some((c, ids))
        })
        .collect();
    named.sort_by_key(|(c, _)| (c.start, std::cmp::Reverse(c.end)));
    let mut end = 0;
    named.retain(|(c, _)| {
        let keep = c.start >= end && c.start < c.end;
        if keep {
            end = c.end;
        }
        keep
    });
    named
}

/// The line being read and where it is.
struct LineAt<'a> {
    line: &'a str,
    /// The line with the table's `$` literals masked, when it has any (see
    /// [`Vocabulary::mask_dollar_literals`]): what paths are read from.
    masked: Option<String>,
    /// 0-based line number.
    index: usize,
    /// Byte offset of the line in the file.
    start: usize,
    prose: bool,
}

impl LineAt<'_> {
    /// The path expression at `pos` and where it ends, `$` literals kept as written.
    fn read_expr(&self, pos: usize) -> (usize, String) {
        match &self.masked {
            Some(masked) => {
                let (end, expr) = read_expr(masked, pos);
                (end, unmask_dollars(expr))
            }
            None => read_expr(self.line, pos),
        }
    }

    fn candidate(
        &self,
        columns: &mut Columns<'_>,
        (start, end): (usize, usize),
        segments: Vec<Segment>,
        kind: Kind,
    ) -> Candidate {
        Candidate {
            line: self.index + 1,
            column: columns.at(start),
            offset: self.start + start,
            length: end - start,
            text: self.line[start..end].to_owned(),
            segments,
            kind,
            method: None,
            prose: self.prose,
            call: false,
            named: None,
        }
    }
}

/// 1-based character columns of byte offsets asked for in increasing order, counted once
/// across the line rather than from its start for every candidate.
struct Columns<'a> {
    line: &'a str,
    byte: usize,
    column: usize,
}

impl<'a> Columns<'a> {
    fn new(line: &'a str) -> Self {
        Columns {
            line,
            byte: 0,
            column: 1,
        }
    }

    fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            *self = Columns::new(self.line);
        }
        let counted = self.line[self.byte..byte].chars().count();
        work::add(byte - self.byte);
        self.byte = byte;
        self.column += counted;
        self.column
    }
}

/// Absolute URLs on a line: the API's hosts count, other hosts never do, and neither does a
/// URL inside an SDK call (`sdk`, sorted and disjoint), which was read as that call. Returns the
/// byte ranges of every URL and SDK call read (sorted, disjoint), which relative paths must not
/// start inside.
fn urls_on_line(
    at: &LineAt<'_>,
    vocab: &Vocabulary,
    sdk: &[(usize, usize)],
    found: &mut Vec<Candidate>,
) -> Vec<(usize, usize)> {
    let line = at.line;
    let lower = line.to_ascii_lowercase();
    let mut columns = Columns::new(line);
    let mut urls = Vec::new();
    let mut search = 0;
    let mut next_sdk = 0;
    while let Some(pos) = lower[search..].find("http").map(|p| p + search) {
        search = pos + 4;
        let rest = &lower[pos..];
        if !(rest.starts_with("http://") || rest.starts_with("https://")) {
            continue;
        }
        let (end, expr) = at.read_expr(pos);
        let expr = vocab.rewritten(&line[pos..end]).unwrap_or(expr);
        urls.push((pos, end));
        search = end.max(search);
        while next_sdk < sdk.len() && sdk[next_sdk].1 <= pos {
            next_sdk += 1;
        }
        if sdk.get(next_sdk).is_some_and(|&(s, _)| s <= pos) {
            continue;
        }
        let Some(host) = host_of(&expr) else { continue };
        let api = vocab.is_api_host(&host)
            || vocab
                .prefix
                .as_ref()
                .is_some_and(|p| expr.contains(p.as_str()));
        if !api {
            continue;
        }
        if let Some(segments) = vocab.url_segments(&expr) {
            found.push(at.candidate(&mut columns, (pos, end), segments, Kind::Api));
        }
    }
    if sdk.is_empty() {
        return urls;
    }
    // One sorted, disjoint list: a URL inside an SDK call is covered by the call.
    let mut ranges: Vec<(usize, usize)> = urls.into_iter().chain(sdk.iter().copied()).collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Relative paths on a line: `/` + a known first segment, not inside a URL already read, and
/// not the tail of a longer path on some other base (`/api/chats/1`). Each byte is read a
/// bounded number of times: a path read is skipped whole, and what it is is decided before
/// it is read.
fn paths_on_line(
    at: &LineAt<'_>,
    vocab: &Vocabulary,
    urls: &[(usize, usize)],
    found: &mut Vec<Candidate>,
) {
    let line = at.line;
    let mut columns = Columns::new(line);
    let mut next_url = 0;
    let mut search = 0;
    while let Some(pos) = line[search..].find('/').map(|p| p + search) {
        work::add(pos + 1 - search);
        search = pos + 1;
        while next_url < urls.len() && urls[next_url].1 <= pos {
            next_url += 1;
        }
        if let Some(&(url_start, url_end)) = urls.get(next_url)
            && pos >= url_start
        {
            search = url_end.max(search);
            continue;
        }
        let Some(kind) = path_kind(line, pos, vocab, at.prose) else {
            continue;
        };
        let (end, expr) = at.read_expr(pos);
        let expr = vocab.rewritten(&line[pos..end]).unwrap_or(expr);
        search = end.max(search);
        let Some(segments) = vocab.path_segments(&expr) else {
            continue;
        };
        found.push(at.candidate(&mut columns, (pos, end), segments, kind));
    }
}

/// What a `/` at `pos` starts, judged from the text around it before the path is read:
/// `None` when it starts no candidate. In prose an ellipsis stands for a base (`…/labels`).
fn path_kind(line: &str, pos: usize, vocab: &Vocabulary, prose: bool) -> Option<Kind> {
    let before = line[..pos].chars().next_back();
    let window = line.floor_char_boundary(pos.saturating_sub(64));
    let base_var = built_on_base(&line[window..pos], prose);
    let quoted = before.is_none_or(|c| {
        matches!(
            c,
            '"' | '\'' | '`' | ' ' | '\t' | '(' | '=' | ':' | '[' | ','
        )
    });
    if !(base_var || quoted) {
        return None;
    }
    // A Markdown link target (`[Labels](/labels)`) is a page, not a request.
    if before == Some('(') && line[..pos - 1].ends_with(']') {
        return None;
    }
    let rest = &line[pos + 1..];
    let first_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .count();
    work::add(first_len);
    let first = &rest[..first_len];
    if first.is_empty() {
        return None;
    }
    // The prefix is plain text, so the path read from here starts with it exactly when the
    // line does.
    if vocab
        .prefix
        .as_ref()
        .is_some_and(|p| line[pos..].starts_with(p.as_str()))
    {
        Some(Kind::Api)
    } else if vocab
        .base_path_tails
        .iter()
        .any(|tail| vocab.starts_with(&line[pos..], tail))
    {
        Some(Kind::Rooted)
    } else if vocab.starts_table_path(first) {
        Some(Kind::Relative)
    } else if base_var || matches!(before, Some('"' | '\'' | '`')) {
        Some(Kind::Suffix)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_urls_and_texter_identifiers_not_the_word() {
        let v = vocab();
        assert!(v.has_marker("const TEXTER_BASE = process.env.X"));
        assert!(v.has_marker("let url = 'https://a.texterchat.com'"));
        assert!(v.has_marker("base = '/server/api/v2'"));
        assert!(!v.has_marker("// never talks to Texter"));
    }

    fn vocab() -> Vocabulary {
        Vocabulary::texter(&[
            "chats",
            "labels",
            "whatsapp",
            "messages",
            "files",
            "quick-replies",
            "scenarios",
        ])
    }

    fn paths(path: &str, text: &str) -> Vec<(String, Kind, Option<String>, bool)> {
        extract(path, text, &vocab(), None)
            .into_iter()
            .map(|c| {
                let p: Vec<String> = c
                    .segments
                    .iter()
                    .map(|s| match s {
                        Segment::Literal(l) => l.to_string(),
                        Segment::Param(_) => "{}".into(),
                    })
                    .collect();
                (format!("/{}", p.join("/")), c.kind, c.method, c.prose)
            })
            .collect()
    }

    proptest::proptest! {
        /// Whatever the text, extraction never panics and every candidate is a slice of it.
        #[test]
        fn candidates_are_slices_of_any_text(
            text in r#"([a-zé$%{}()\[\]'"`+., =:/#\n-]|/chats|/labels|https://a.texterchat.com|/server/api/v2|method: 'POST'){0,80}"#
        ) {
            for c in extract("a.js", &text, &vocab(), None) {
                let slice = text.get(c.offset..c.offset + c.length);
                proptest::prop_assert_eq!(slice, Some(c.text.as_str()));
                let line_start = text[..c.offset].rfind('\n').map_or(0, |i| i + 1);
                proptest::prop_assert_eq!(c.column, text[line_start..c.offset].chars().count() + 1);
            }
        }
    }

    proptest::proptest! {
        /// The same of the SDK finders: GitHub's and Graph's conventions on any text.
        #[test]
        fn sdk_candidates_are_slices_of_any_text(
            text in r#"([a-zé$%{}()\[\]'"`+., =:/#\n\\-]|gh api |octokit.request\(|'GET /|"POST /|\$\{\{ |\}\}|\.api\(|\.get\(\)|/repos|/me|-X |-f |https://api.github.com|https://graph.microsoft.com/v1.0|graphClient.Me|\.GetAsync\(|\.by_id\(){0,60}"#
        ) {
            for api in ["github", "msgraph"] {
                let vocab = Vocabulary::for_convention(api, &["repos", "me", "user"]);
                for c in extract("a.sh", &text, &vocab, None) {
                    let slice = text.get(c.offset..c.offset + c.length);
                    proptest::prop_assert_eq!(slice, Some(c.text.as_str()));
                    let line_start = text[..c.offset].rfind('\n').map_or(0, |i| i + 1);
                    proptest::prop_assert_eq!(c.column, text[line_start..c.offset].chars().count() + 1);
                }
            }
        }
    }

    #[test]
    fn a_long_spliced_expression_ends_the_path_on_a_character_boundary() {
        for pad in 0..4 {
            let text = format!("get('/labels/' + {}{})", "x".repeat(pad), "é".repeat(300));
            let found = extract("a.js", &text, &vocab(), None);
            assert_eq!(found.len(), 1, "{text}");
            assert!(found[0].length < 300, "{}", found[0].length);
            assert_eq!(found[0].segments.len(), 2);
        }
    }

    #[test]
    fn urls_on_texter_hosts_only() {
        let found = paths(
            "a.js",
            "fetch('https://acme.texterchat.com/server/api/v2/chats/search?q=1')\nfetch('https://example.com/api/chats/1')\nfetch('https://example.com/chats/1')\n",
        );
        assert_eq!(
            found,
            [("/chats/search".into(), Kind::Api, Some("GET".into()), false)]
        );
    }

    #[test]
    fn interpolations_and_concatenations_are_parameters() {
        let text = [
            "axios.post(`${BASE}/whatsapp/templates/send`, body)",
            "requests.patch(f\"{BASE}/chats/{chat_id}\", json=d)",
            "http.NewRequest(http.MethodPost, base+\"/chats/\"+id+\"/resolve\", nil)",
            "get(\"/labels/\" + encodeURIComponent(labelId))",
            "curl -X POST \"$TEXTER_BASE/chats/assign\"",
            "url = \"/messages/chat/%s\" % chat_id",
            "path: /files/share/%file:id%",
        ]
        .join("\n");
        let found = paths("a.txt.js", &text);
        let got: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|(p, _, m, _)| (p.as_str(), m.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("/whatsapp/templates/send", Some("POST")),
                ("/chats/{}", Some("PATCH")),
                ("/chats/{}/resolve", Some("POST")),
                ("/labels/{}", Some("GET")),
                ("/chats/assign", Some("POST")),
                ("/messages/chat/{}", None),
                ("/files/share/{}", None),
            ]
        );
    }

    #[test]
    fn lookalikes_prose_and_suffixes() {
        let found = paths(
            "a.py",
            "x = '/api/chats/1'\n# see /chats/search for details\ny = '/templates/send'\n",
        );
        // `/api/chats/1` is not a Texter path: at most a suffix, which counts only if it completes
        // a Texter base into a table path.
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].1, Kind::Suffix);
        assert_eq!(
            found[1],
            ("/chats/search".into(), Kind::Relative, None, true)
        );
        assert_eq!(found[2].1, Kind::Suffix);
        let md = paths(
            "README.md",
            "Call `POST https://{projectID}.texterchat.com/server/api/v2/files/share/{fileId}`\n",
        );
        assert_eq!(
            md,
            [(
                "/files/share/{}".into(),
                Kind::Api,
                Some("POST".into()),
                true
            )]
        );
    }

    #[test]
    fn curl_in_a_makefile_sends_get_without_data() {
        let text = "\tcurl -fsS https://$(P).texterchat.com/server/api/v2/labels -o labels.json\n\tcurl https://$(P).texterchat.com/server/api/v2/labels \\\n\t  --data name=vip\n";
        let found = paths("Makefile", text);
        let got: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|(p, _, m, _)| (p.as_str(), m.as_deref()))
            .collect();
        assert_eq!(got, [("/labels", Some("GET")), ("/labels", Some("POST"))]);
    }

    /// `(path, kind, call)` of every candidate.
    fn kinds(path: &str, text: &str) -> Vec<(String, Kind, bool)> {
        let found = extract(path, text, &vocab(), None);
        paths(path, text)
            .into_iter()
            .zip(found)
            .map(|((p, kind, _, _), c)| (p, kind, c.call))
            .collect()
    }

    #[test]
    fn paths_after_the_rest_of_the_api_prefix_are_rooted() {
        let text = [
            "callTexter('POST', '/api/v2/messages/send/' + chatId)",
            "requests.get(f\"{BASE}/api/v2/labels\")",
            "url := fmt.Sprintf(\"%s/api/v2/chats/assign\", base)",
            "const page = '/api/v2/labels'",
        ]
        .join("\n");
        assert_eq!(
            kinds("a.js", &text),
            [
                ("/api/v2/messages/send/{}".into(), Kind::Rooted, true),
                ("/api/v2/labels".into(), Kind::Rooted, true),
                ("/api/v2/chats/assign".into(), Kind::Rooted, true),
                ("/api/v2/labels".into(), Kind::Rooted, false),
            ]
        );
    }

    #[test]
    fn every_interpolation_form_builds_a_suffix_on_a_base() {
        let text = [
            "fetch(`${WA}/templates/send`)",
            "requests.get(f\"{WA}/templates\")",
            "requests.get(\"{}/templates/{}\".format(WA, a))",
            "requests.post(\"%s/templates/unsubscribe\" % WA)",
            "curl \"$WA/templates\"",
            "$client->post(\"{$this->wa}/templates/subscribe\");",
            "fmt.Sprintf(\"%s/templates/%s/submit\", wa, a)",
            "_http.PostAsync($\"{_wa}/templates/unsubscribe\", body);",
            "URI(\"#{WA}/templates/unsubscribed/#{a}\")",
            "\tcurl $(WA)/templates",
        ]
        .join("\n");
        let got: Vec<(String, Kind)> = kinds("a.txt.js", &text)
            .into_iter()
            .map(|(p, k, call)| {
                assert!(call, "{p}");
                (p, k)
            })
            .collect();
        let suffix = |p: &str| (p.to_owned(), Kind::Suffix);
        assert_eq!(
            got,
            [
                suffix("/templates/send"),
                suffix("/templates"),
                suffix("/templates/{}"),
                suffix("/templates/unsubscribe"),
                suffix("/templates"),
                suffix("/templates/subscribe"),
                suffix("/templates/{}/submit"),
                suffix("/templates/unsubscribe"),
                suffix("/templates/unsubscribed/{}"),
                suffix("/templates"),
            ]
        );
    }

    #[test]
    fn navigation_is_not_a_call_and_example_files_are_prose() {
        let jsx =
            "<a href=\"/templates\">T</a>\n<Link to=\"/labels\">L</Link>\napi.get(\"/labels\")\n";
        assert_eq!(
            kinds("App.jsx", jsx),
            [
                ("/templates".into(), Kind::Suffix, false),
                ("/labels".into(), Kind::Relative, false),
                ("/labels".into(), Kind::Relative, true),
            ]
        );
        let env = "TEXTER_URL=https://p.texterchat.com/server/api/v2/labels\n";
        assert!(paths(".env.example", env).iter().all(|c| c.3));
        assert!(paths("config.sample.json", env).iter().all(|c| c.3));
        assert!(paths(".env", env).iter().all(|c| !c.3));
    }

    #[test]
    fn an_ellipsis_stands_for_the_base_in_prose_only() {
        let md =
            "- `POST …/scenarios/manage/import`\n- `GET .../labels`\n- see [labels](/labels)\n";
        let got: Vec<(String, Option<String>, bool)> = extract("API.md", md, &vocab(), None)
            .into_iter()
            .map(|c| (c.text, c.method, c.call))
            .collect();
        assert_eq!(
            got,
            [
                ("/scenarios/manage/import".into(), Some("POST".into()), true),
                ("/labels".into(), Some("GET".into()), true),
            ]
        );
        assert_eq!(kinds("a.js", "x = …/labels\n"), []);
    }
}
