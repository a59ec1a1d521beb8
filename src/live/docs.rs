//! Reading the published API reference: the `llms.txt` index and each page's Markdown.
//!
//! Pages are written by people, so every extraction is forgiving: a page that yields neither
//! scopes nor a method and path is simply not an endpoint page (guides, objects, webhooks).

use std::time::Instant;

use crate::table::{API_PREFIX, METHODS, Segment, parse_template, request_segments};

/// The work a page's parsing has done, in bytes looked at, and when it must stop. Every loop
/// over a page charges what it reads, so the count shows the parsing stays linear (each byte
/// is looked at a bounded number of times) and the run's deadline bounds parsing too.
#[derive(Debug)]
pub struct Meter {
    work: u64,
    deadline: Option<Instant>,
    next_check: u64,
}

/// The deadline came while a page was being parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopped;

impl Meter {
    /// How much work may pass between two looks at the clock.
    const CHECK_EVERY: u64 = 64 * 1024;

    /// A meter without a deadline.
    pub fn unbounded() -> Meter {
        Meter {
            work: 0,
            deadline: None,
            next_check: 0,
        }
    }

    /// A meter that stops the parse once `deadline` has passed.
    pub fn until(deadline: Instant) -> Meter {
        Meter {
            deadline: Some(deadline),
            ..Meter::unbounded()
        }
    }

    /// The bytes looked at so far.
    pub fn work(&self) -> u64 {
        self.work
    }

    /// Counts `bytes` more, and stops the parse when the deadline has passed.
    fn charge(&mut self, bytes: usize) -> Result<(), Stopped> {
        self.work = self.work.saturating_add(bytes as u64 + 1);
        if self.work >= self.next_check {
            self.next_check = self.work.saturating_add(Self::CHECK_EVERY);
            if self.deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(Stopped);
            }
        }
        Ok(())
    }
}

/// One `[Title](URL)` link of `llms.txt`, the URL as written (possibly relative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub title: String,
    pub url: String,
}

/// Every Markdown link of an `llms.txt` index, in order.
pub fn parse_index(text: &str) -> Vec<Link> {
    let mut links = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(open) = rest.find('[') {
            let after = &rest[open + 1..];
            let Some(close) = after.find("](") else {
                break;
            };
            let title = after[..close].trim();
            let tail = &after[close + 2..];
            let Some(end) = tail.find(')') else {
                break;
            };
            // `(url "title")` is allowed by Markdown: the URL is the first word.
            let target = tail[..end].split_whitespace().next().unwrap_or("");
            let target = target.trim_start_matches('<').trim_end_matches('>');
            if !title.is_empty() && !target.is_empty() {
                links.push(Link {
                    title: title.trim_start_matches('[').trim().to_owned(),
                    url: target.to_owned(),
                });
            }
            rest = &tail[end + 1..];
        }
    }
    links
}

/// What one page says about its endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageFacts {
    pub title: Option<String>,
    pub method: Option<String>,
    /// An API-relative path template such as `/chats/{chatId}`.
    pub path: Option<String>,
    /// The required scopes as written; `None` when the page does not say.
    pub scopes: Option<Vec<String>>,
}

impl PageFacts {
    /// Whether the page describes an endpoint (a guide or an object page does not).
    pub fn is_endpoint(&self) -> bool {
        self.scopes.is_some() || self.method.is_some()
    }
}

/// Extracts the title, the method and path, and the required scopes of a page.
pub fn parse_page(text: &str) -> PageFacts {
    // Without a deadline nothing stops the parse.
    parse_page_within(text, &mut Meter::unbounded()).unwrap_or_default()
}

/// [`parse_page`], charging `meter` for the work and stopping at its deadline. The work is
/// linear in the page's size: every line is looked at a bounded number of times.
pub fn parse_page_within(text: &str, meter: &mut Meter) -> Result<PageFacts, Stopped> {
    let lines: Vec<&str> = text.lines().collect();
    let signature = match declared_signature(&lines, meter)? {
        Some(found) => Some(found),
        None => curl_signature(&lines, meter)?,
    };
    let (method, path) = match signature {
        Some((m, p)) => (Some(m), Some(p)),
        None => (None, None),
    };
    Ok(PageFacts {
        title: title(text, &lines, meter)?,
        method,
        path,
        scopes: required_scopes_within(&lines, meter)?,
    })
}

/// The first `# Heading`, else the front matter's `title:`.
fn title(text: &str, lines: &[&str], meter: &mut Meter) -> Result<Option<String>, Stopped> {
    for line in lines {
        meter.charge(line.len())?;
        if let Some(h) = line.trim_start().strip_prefix("# ") {
            let h = h.trim().trim_end_matches('#').trim();
            if !h.is_empty() {
                return Ok(Some(h.to_owned()));
            }
            break;
        }
    }
    meter.charge(text.len())?;
    let Some(body) = text.strip_prefix("---") else {
        return Ok(None);
    };
    let Some(end) = body.find("\n---") else {
        return Ok(None);
    };
    Ok(body[..end].lines().find_map(|l| {
        let v = l.trim().strip_prefix("title:")?.trim();
        let v = v.trim_matches(|c| c == '"' || c == '\'').trim();
        (!v.is_empty()).then(|| v.to_owned())
    }))
}

/// `Required token scopes: A, B (both are required)` on one line, or `Required token scopes:`
/// followed by one bullet (`•`, `-`, `*`, `+`) per scope.
pub fn required_scopes(text: &str) -> Option<Vec<String>> {
    let lines: Vec<&str> = text.lines().collect();
    required_scopes_within(&lines, &mut Meter::unbounded()).unwrap_or_default()
}

/// What follows the colon of a line naming the required scopes, without markup (empty when a
/// list follows instead); `None` for any other line.
fn scopes_inline(line: &str) -> Option<String> {
    // ASCII lowercasing keeps byte offsets, so `at` indexes `line` too.
    let at = line.to_ascii_lowercase().find("required token scope")?;
    let rest = &line[at..];
    let colon = rest.find(':')?;
    Some(strip_markup(&rest[colon + 1..]))
}

/// [`required_scopes`] in one pass. The first line naming the scopes wins: its inline list, or
/// the bullets below it. When those bullets name nothing, the next such line is taken; one
/// inside the bullets is remembered while they are read (its own bullets would be the same
/// ones, so only its inline list can count), and reading resumes at the line that ended them.
fn required_scopes_within(
    lines: &[&str],
    meter: &mut Meter,
) -> Result<Option<Vec<String>>, Stopped> {
    let mut i = 0;
    while i < lines.len() {
        meter.charge(lines[i].len())?;
        let Some(inline) = scopes_inline(lines[i]) else {
            i += 1;
            continue;
        };
        if !inline.is_empty() {
            return Ok(Some(split_scopes(&inline)));
        }
        let mut items = Vec::new();
        let mut fallback: Option<String> = None;
        let mut j = i + 1;
        while let Some(next) = lines.get(j) {
            meter.charge(next.len())?;
            let t = next.trim();
            if t.is_empty() {
                if !items.is_empty() {
                    break;
                }
                j += 1;
                continue;
            }
            let Some(item) = bullet(t) else {
                break;
            };
            if fallback.is_none() {
                fallback = scopes_inline(next).filter(|s| !s.is_empty());
            }
            items.extend(split_scopes(item));
            j += 1;
        }
        if !items.is_empty() {
            return Ok(Some(items));
        }
        if let Some(inline) = fallback {
            return Ok(Some(split_scopes(&inline)));
        }
        i = j.max(i + 1);
    }
    Ok(None)
}

fn bullet(line: &str) -> Option<&str> {
    if let Some(rest) = line.strip_prefix('•') {
        return Some(rest);
    }
    ["- ", "* ", "+ "]
        .iter()
        .find_map(|marker| line.strip_prefix(marker))
}

/// Emphasis, code marks and quotes around a value, and surrounding blanks.
fn strip_markup(s: &str) -> String {
    s.trim()
        .trim_matches(|c: char| matches!(c, '*' | '_' | '`' | '"' | '\'') || c.is_whitespace())
        .to_owned()
}

/// `A, B and C (all required).` → `[A, B, C]`; `None` → `[]`.
fn split_scopes(s: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let items: Vec<String> = plain
        .replace(" and ", ",")
        .replace(" & ", ",")
        .split([',', ';'])
        .map(|item| {
            item.trim_matches(|c: char| {
                matches!(c, '*' | '_' | '`' | '"' | '\'' | '.' | ':') || c.is_whitespace()
            })
            .to_owned()
        })
        .filter(|item| !item.is_empty())
        .collect();
    let none = ["none", "no scopes", "none required", "any valid token", "-"];
    if items.len() == 1 && none.contains(&items[0].to_ascii_lowercase().as_str()) {
        return Vec::new();
    }
    items
}

/// `METHOD /path` in a heading, on the opening line of a code block (as OpenAPI blocks have
/// it), or alone on a line.
fn declared_signature(
    lines: &[&str],
    meter: &mut Meter,
) -> Result<Option<(String, String)>, Stopped> {
    for line in lines {
        meter.charge(line.len())?;
        let t = line.trim();
        let heading = t.starts_with('#');
        let fence = t.starts_with("```") || t.starts_with("~~~");
        let body = t.trim_start_matches(['#', '`', '~']).trim();
        let words: Vec<&str> = body
            .split_whitespace()
            .map(|w| w.trim_matches(|c| c == '`' || c == '*'))
            .filter(|w| !w.is_empty())
            .collect();
        if !(heading || fence || words.len() == 2) {
            continue;
        }
        for pair in words.windows(2) {
            let method = pair[0].to_ascii_uppercase();
            if METHODS.contains(&method.as_str())
                && (pair[1].starts_with('/') || pair[1].starts_with("http"))
                && let Some(path) = api_path(pair[1])
            {
                return Ok(Some((method, path)));
            }
        }
    }
    Ok(None)
}

/// Whether a line starts a `curl` command.
fn is_curl(line: &str) -> bool {
    let start = line.trim_start();
    start.starts_with("curl ") || start == "curl" || start.starts_with("curl\\")
}

/// The method and path of the first `curl` sample. A command's lines are joined at trailing
/// `\`; each line belongs to one command at most, so a page of continuation lines is read
/// once, not once per line.
fn curl_signature(lines: &[&str], meter: &mut Meter) -> Result<Option<(String, String)>, Stopped> {
    let mut i = 0;
    while i < lines.len() {
        meter.charge(lines[i].len())?;
        if !is_curl(lines[i]) {
            i += 1;
            continue;
        }
        let mut command = String::new();
        let mut end = i;
        while let Some(l) = lines.get(end) {
            end += 1;
            let l = l.trim_end();
            match l.strip_suffix('\\') {
                Some(continued) => {
                    command.push_str(continued);
                    command.push(' ');
                }
                None => {
                    command.push_str(l);
                    break;
                }
            }
        }
        meter.charge(command.len())?;
        if let Some(found) = curl_command(&command) {
            return Ok(Some(found));
        }
        i = end.max(i + 1);
    }
    Ok(None)
}

/// The method and path of one `curl` command line, when it calls the API.
fn curl_command(command: &str) -> Option<(String, String)> {
    let words = shell_words(command);
    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut data = false;
    let mut it = words.iter().skip(1);
    while let Some(w) = it.next() {
        match w.as_str() {
            "-X" | "--request" => method = it.next().cloned(),
            "--url" => url = it.next().cloned(),
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-urlencode" | "--json"
            | "-F" | "--form" => {
                data = true;
                it.next();
            }
            "-H" | "--header" | "-u" | "--user" | "-o" | "--output" | "-A" | "--user-agent" => {
                it.next();
            }
            _ => {
                if let Some(m) = w.strip_prefix("--request=") {
                    method = Some(m.to_owned());
                } else if let Some(u) = w.strip_prefix("--url=") {
                    url = Some(u.to_owned());
                } else if let Some(m) = w.strip_prefix("-X").filter(|m| !m.is_empty()) {
                    method = Some(m.to_owned());
                } else if url.is_none() && (w.starts_with("https://") || w.starts_with("http://")) {
                    url = Some(w.clone());
                }
            }
        }
    }
    let method = method
        .map(|m| m.to_ascii_uppercase())
        .unwrap_or_else(|| if data { "POST" } else { "GET" }.to_owned());
    if !METHODS.contains(&method.as_str()) {
        return None;
    }
    let path = url.as_deref().and_then(api_path)?;
    Some((method, path))
}

/// Splits a command line into words, honouring single and double quotes.
fn shell_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => current.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            None => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

/// An API-relative path template from a URL or path: the host and `/server/api/v2` dropped,
/// no query or fragment, `:param` written `{param}`. `None` when it is not a valid template,
/// or is a full URL outside the API (a webhook receiver's, say).
pub fn api_path(raw: &str) -> Option<String> {
    let raw = raw
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '`');
    // A full URL counts only inside the API; `request_segments` does the rest of the reduction.
    if let Some(i) = raw.find("://") {
        let after = &raw[i + 3..];
        if !after
            .find('/')
            .is_some_and(|j| after[j..].starts_with(API_PREFIX))
        {
            return None;
        }
    }
    let segments = request_segments(raw)?;
    let mut path = String::new();
    for segment in segments {
        match segment {
            Segment::Literal(l) => path.push_str(&format!("/{l}")),
            Segment::Param(p) => path.push_str(&format!("/{{{p}}}")),
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    parse_template(&path).ok().map(|_| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(text: &str) -> Option<Vec<String>> {
        required_scopes(text)
    }

    fn v(items: &[&str]) -> Option<Vec<String>> {
        Some(items.iter().map(|s| (*s).to_owned()).collect())
    }

    #[test]
    fn one_line_scopes_with_a_parenthetical() {
        assert_eq!(
            scopes(
                "Intro.\n\nRequired token scopes: Create scenarios, Manage scenarios on behalf of user (both are required)\n"
            ),
            v(&["Create scenarios", "Manage scenarios on behalf of user"])
        );
        assert_eq!(
            scopes("**Required token scopes:** `View all chats` and `View all files`."),
            v(&["View all chats", "View all files"])
        );
        assert_eq!(
            scopes("Required token scope: Manage labels"),
            v(&["Manage labels"])
        );
        assert_eq!(scopes("Required token scopes: None"), v(&[]));
    }

    #[test]
    fn bullet_list_scopes_in_every_bullet_style() {
        for marker in ["•", "• ", "- ", "* ", "+ "] {
            let text = format!(
                "Required token scopes:\n\n{marker}Edit scenarios\n{marker}**Manage scenarios on behalf of user**\n\n## Path parameters\n- `chatId`\n"
            );
            assert_eq!(
                scopes(&text),
                v(&["Edit scenarios", "Manage scenarios on behalf of user"]),
                "{marker:?}"
            );
        }
        assert_eq!(
            scopes("**Required token scopes:**\n- Manage channels\nMore text\n- not a scope\n"),
            v(&["Manage channels"])
        );
        assert_eq!(scopes("No scopes mentioned here."), None);
        assert_eq!(scopes("Required token scopes:\n\nSome prose.\n"), None);
    }

    #[test]
    fn curl_samples_give_method_and_path() {
        let page = "# Delete Template\n\n```bash\ncurl --request DELETE \\\n  --url https://{projectID}.texterchat.com/server/api/v2/whatsapp/templates/{accountId}/{templateName} \\\n  --header 'Authorization: Bearer <token>'\n```\n";
        let facts = parse_page(page);
        assert_eq!(facts.title.as_deref(), Some("Delete Template"));
        assert_eq!(facts.method.as_deref(), Some("DELETE"));
        assert_eq!(
            facts.path.as_deref(),
            Some("/whatsapp/templates/{accountId}/{templateName}")
        );
        let short = parse_page(
            "curl -X post 'https://acme.texterchat.com/server/api/v2/chats/:chatId/resolve?x=1'",
        );
        assert_eq!(short.method.as_deref(), Some("POST"));
        assert_eq!(short.path.as_deref(), Some("/chats/{chatId}/resolve"));
        let default_get =
            parse_page("curl \"https://acme.texterchat.com/server/api/v2/labels\" -H 'a: b'");
        assert_eq!(default_get.method.as_deref(), Some("GET"));
    }

    #[test]
    fn headings_and_openapi_blocks_give_method_and_path() {
        let openapi = "# Assign Chat\n\n## OpenAPI\n\n````yaml api-reference/openapi.json post /chats/assign\nopenapi: 3.1.0\n````\n";
        let f = parse_page(openapi);
        assert_eq!(
            (f.method.as_deref(), f.path.as_deref()),
            (Some("POST"), Some("/chats/assign"))
        );
        let heading = parse_page("# Get Label Data\n\n## `GET /labels/{labelId}`\n");
        assert_eq!(
            (heading.method.as_deref(), heading.path.as_deref()),
            (Some("GET"), Some("/labels/{labelId}"))
        );
        let prose = parse_page("# Guide\n\nYou can call GET /labels to list them, and more.\n");
        assert!(!prose.is_endpoint(), "{prose:?}");
        let webhook = parse_page(
            "# New Incoming Message\n\n```http POST https://your-server.example/hook\n{}\n```\n",
        );
        assert!(!webhook.is_endpoint(), "{webhook:?}");
    }

    #[test]
    fn front_matter_titles() {
        let f = parse_page(
            "---\ntitle: \"Search Chats\"\n---\n\nRequired token scopes: List all chats\n",
        );
        assert_eq!(f.title.as_deref(), Some("Search Chats"));
        assert!(f.is_endpoint());
    }

    #[test]
    fn index_links() {
        let index = "# Texter\n\n## Docs\n\n- [Assign Chat](https://help.texterchat.com/api-reference/chats/assign-chat.md): Assign a chat\n- [Import Subscription (Subscribe to an Event)](/api-reference/subscribe-to-events/import.md)\n- [Broken](\n- not a link\n";
        let links = parse_index(index);
        assert_eq!(
            links,
            [
                Link {
                    title: "Assign Chat".into(),
                    url: "https://help.texterchat.com/api-reference/chats/assign-chat.md".into()
                },
                Link {
                    title: "Import Subscription (Subscribe to an Event)".into(),
                    url: "/api-reference/subscribe-to-events/import.md".into()
                },
            ]
        );
    }

    /// The first version of [`required_scopes`], which rescanned the bullets below every line
    /// naming the scopes: the one-pass version must agree with it everywhere.
    fn rescanning_required_scopes(text: &str) -> Option<Vec<String>> {
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(inline) = scopes_inline(line) else {
                continue;
            };
            if !inline.is_empty() {
                return Some(split_scopes(&inline));
            }
            let mut items = Vec::new();
            for next in &lines[i + 1..] {
                let t = next.trim();
                if t.is_empty() {
                    if items.is_empty() {
                        continue;
                    }
                    break;
                }
                let Some(item) = bullet(t) else {
                    break;
                };
                items.extend(split_scopes(item));
            }
            if !items.is_empty() {
                return Some(items);
            }
        }
        None
    }

    proptest::proptest! {
        #[test]
        fn one_pass_scopes_agree_with_rescanning(picks in proptest::collection::vec(0usize..12, 0..24)) {
            const LINES: [&str; 12] = [
                "Required token scopes:",
                "**Required token scopes:** Manage labels",
                "- (required token scope:",
                "- (required token scope: View all chats",
                "- required token scope: List all chats",
                "- Manage channels",
                "- none",
                "* (inside parentheses)",
                "",
                "Some prose.",
                "• Edit scenarios and View scenarios",
                "required token scope (no colon)",
            ];
            let text: Vec<&str> = picks.iter().map(|&i| LINES[i]).collect();
            let text = text.join("\n");
            proptest::prop_assert_eq!(required_scopes(&text), rescanning_required_scopes(&text));
        }
    }

    /// Pages that made the first parser quadratic, with `n` repetitions of their hostile part.
    fn hostile_pages(n: usize) -> Vec<String> {
        vec![
            "curl \\\n".repeat(n),
            format!("curl \\\n{}", "  -H 'x: y' \\\n".repeat(n)),
            "- (required token scope:\n".repeat(n),
            format!("Required token scopes:\n{}", "\n- (x)\n".repeat(n)),
            "curl \\\n- (required token scope: \\\n".repeat(n),
            format!("# {}\n", "GET /a ".repeat(n)),
            "[".repeat(n),
        ]
    }

    fn work(page: &str) -> u64 {
        let mut meter = Meter::unbounded();
        assert!(parse_page_within(page, &mut meter).is_ok());
        meter.work()
    }

    #[test]
    fn parsing_work_is_linear_in_the_page() {
        let n = 2000;
        for (small, large) in hostile_pages(n).iter().zip(hostile_pages(4 * n)) {
            let (w1, w4) = (work(small), work(&large));
            // Each byte is looked at a few times at most, whatever the page holds...
            assert!(
                w4 <= 8 * large.len() as u64 + 64,
                "{w4} for {} bytes",
                large.len()
            );
            // ...so four times the page is four times the work, not sixteen.
            assert!(
                w4 <= 4 * w1 + 64,
                "{w1} → {w4} for {:?}",
                &small[..20.min(small.len())]
            );
        }
    }

    #[test]
    fn a_parse_past_the_deadline_stops() {
        let page = "curl \\\n".repeat(10_000);
        let mut meter = Meter::until(Instant::now());
        assert_eq!(parse_page_within(&page, &mut meter), Err(Stopped));
        // With time left the same page parses (and has no signature).
        let mut meter = Meter::until(Instant::now() + std::time::Duration::from_secs(3600));
        assert_eq!(
            parse_page_within(&page, &mut meter),
            Ok(PageFacts::default())
        );
    }

    #[test]
    fn a_curl_line_inside_another_command_belongs_to_it() {
        let page = "curl \\\n  curl -X POST https://acme.texterchat.com/server/api/v2/labels\n\ncurl -X DELETE https://acme.texterchat.com/server/api/v2/labels/{id}\n";
        let facts = parse_page(page);
        assert_eq!(
            (facts.method.as_deref(), facts.path.as_deref()),
            (Some("POST"), Some("/labels"))
        );
    }

    #[test]
    fn api_paths() {
        assert_eq!(
            api_path("https://{projectID}.texterchat.com/server/api/v2/labels/").as_deref(),
            Some("/labels")
        );
        assert_eq!(api_path("/server/api/v2").as_deref(), Some("/"));
        assert_eq!(api_path("labels"), None);
        assert_eq!(api_path("https://receiver.example/hooks/texter"), None);
        assert_eq!(api_path("/a/{b"), None);
    }
}
