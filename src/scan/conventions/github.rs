//! GitHub REST: `api.github.com` comes from the table; the convention adds Octokit routes,
//! which carry their method (`octokit.request("POST /repos/{owner}/{repo}/issues", …)`,
//! `octokit.paginate('GET /user/repos')`), and the `gh api` command of shell scripts and
//! workflows. `octokit.graphql` and `gh api graphql` are not REST calls and are left alone.

use crate::scan::curl::{Word, Words};
use crate::scan::expr::read_expr;
use crate::scan::work;
use crate::table::METHODS;

use super::{Convention, SdkCall, ident_before};

pub static GITHUB: Convention = Convention {
    api: "github",
    base_urls: &[],
    words: &["github"],
    markers: &["octokit", "api.github.com"],
    triggers: &["gh api"],
    prefix_anywhere: false,
    project_wide: false,
    case_insensitive: false,
    calls: &[octokit_routes, gh_api],
    libraries: &[],
    rewrite: Some(repository_in_path),
};

/// Bytes of a line read after `gh api`, and lines a command is followed over.
const WINDOW: usize = 512;
const MAX_LINES: usize = 16;

/// Octokit methods whose first argument is a `METHOD /path` route.
const ROUTE_TAKERS: &[&str] = &["request", "paginate", "iterator"];

/// `octokit.request("GET /repos/{owner}/{repo}")`: a string that opens with a method and a
/// path, as the first argument of `request`/`paginate`, on the same line or the one before.
fn octokit_routes(lines: &[&str], index: usize, out: &mut Vec<SdkCall>) {
    let line = lines[index];
    let bytes = line.as_bytes();
    for (q, &b) in bytes.iter().enumerate() {
        work::add(1);
        if !matches!(b, b'"' | b'\'' | b'`') {
            continue;
        }
        let rest = &line[q + 1..];
        let Some(method) = METHODS
            .iter()
            .find(|m| rest.starts_with(**m) && rest[m.len()..].starts_with(" /"))
        else {
            continue;
        };
        let mut before = line[..q].trim_end();
        if before.is_empty() && index > 0 {
            let above = lines[index - 1].trim_end();
            before = &above[above.floor_char_boundary(above.len().saturating_sub(WINDOW))..];
        }
        let Some(callee) = before.strip_suffix('(') else {
            continue;
        };
        if !ROUTE_TAKERS.contains(&ident_before(callee.trim_end())) {
            continue;
        }
        let start = q + 1 + method.len() + 1;
        let (end, path) = read_expr(line, start);
        out.push(SdkCall {
            start,
            end,
            path,
            method: Some((*method).to_owned()),
        });
    }
}

/// `gh api repos/{owner}/{repo}/issues -f title=x`: GET unless `-X`/`--method` names the
/// method or a field or input is sent (`-f`, `-F`, `--field`, `--raw-field`, `--input`), which
/// makes it a POST. The endpoint must be on the line of `gh api`; flags may follow on lines
/// continued with `\`.
fn gh_api(lines: &[&str], index: usize, out: &mut Vec<SdkCall>) {
    let line = lines[index];
    for (at, _) in line.match_indices("gh api") {
        let starts = line[..at]
            .bytes()
            .last()
            .is_none_or(|b| b" \t(`|;&\"'$:-".contains(&b));
        let from = at + "gh api".len();
        if !starts || !line[from..].starts_with([' ', '\t']) {
            continue;
        }
        if let Some(call) = gh_command(lines, index, from) {
            out.push(call);
        }
    }
}

/// What a `gh api` flag does to the next word.
#[derive(Clone, Copy)]
enum Pending {
    Method,
    Skip,
}

fn gh_command(lines: &[&str], index: usize, from: usize) -> Option<SdkCall> {
    let mut explicit: Option<Option<String>> = None;
    let mut data = false;
    let mut endpoint: Option<(usize, &str)> = None;
    let mut pending: Option<Pending> = None;
    for (i, text) in lines.iter().enumerate().skip(index).take(MAX_LINES) {
        let begin = if i == index { from } else { 0 };
        let end = text.floor_char_boundary(text.len().min(begin + WINDOW));
        let part = &text[begin.min(end)..end];
        work::add(part.len());
        let mut ended = false;
        for word in Words::new(part) {
            let Word::Text(word) = word else {
                ended = true;
                break;
            };
            if word == "\\" || word == "^" || word == "`" {
                continue;
            }
            if let Some(p) = pending.take() {
                if let Pending::Method = p {
                    explicit = Some(method_word(word));
                }
                continue;
            }
            if let Some(long) = word.strip_prefix("--") {
                let (name, value) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (long, None),
                };
                match name {
                    "method" => match value {
                        Some(v) => explicit = Some(method_word(v)),
                        None => pending = Some(Pending::Method),
                    },
                    "field" | "raw-field" | "input" => {
                        data = true;
                        pending = value.is_none().then_some(Pending::Skip);
                    }
                    "header" | "jq" | "template" | "hostname" | "cache" | "preview" => {
                        pending = value.is_none().then_some(Pending::Skip);
                    }
                    _ => {}
                }
            } else if let Some(short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
                let (letter, value) = short.split_at(1);
                match letter {
                    "X" if value.is_empty() => pending = Some(Pending::Method),
                    "X" => explicit = Some(method_word(value)),
                    "f" | "F" => {
                        data = true;
                        pending = value.is_empty().then_some(Pending::Skip);
                    }
                    "H" | "q" | "t" | "p" => pending = value.is_empty().then_some(Pending::Skip),
                    _ => {}
                }
            } else if endpoint.is_none() && i == index {
                let offset = word.as_ptr() as usize - text.as_ptr() as usize;
                endpoint = Some((offset, endpoint_word(text, offset, end)));
            }
        }
        if ended || !text.trim_end().ends_with(['\\', '^', '`']) {
            break;
        }
    }
    let (offset, word) = endpoint?;
    let (start, inner) = match word.strip_prefix(['"', '\'']) {
        Some(inner) => (offset + 1, inner.trim_end_matches(['"', '\''])),
        None => (offset, word),
    };
    if inner.eq_ignore_ascii_case("graphql") || inner.is_empty() {
        return None;
    }
    // One variable for two segments, as workflows name the repository they run in.
    let spelled = repository_variables(inner);
    let (_, path) = read_expr(&spelled, 0);
    let path = if path.starts_with('/') || path.contains("://") {
        path
    } else {
        format!("/{path}")
    };
    let method = match explicit {
        Some(m) => m,
        None => Some(if data { "POST" } else { "GET" }.to_owned()),
    };
    Some(SdkCall {
        start,
        end: start + inner.len(),
        path,
        method,
    })
}

/// The endpoint word at `text[offset..]`: to the first blank outside quotes and a workflow's
/// `${{ … }}` expressions, which hold blanks.
fn endpoint_word(text: &str, offset: usize, limit: usize) -> &str {
    let bytes = text.as_bytes();
    let (mut i, mut quote, mut expression) = (offset, None, false);
    while i < limit {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if !expression && bytes[i..].starts_with(b"${{") => expression = true,
            None if expression && bytes[i..].starts_with(b"}}") => expression = false,
            None if !expression && matches!(b, b' ' | b'\t' | b'\r' | b'|' | b';' | b')') => break,
            None => {}
        }
        i += 1;
    }
    &text[offset..i]
}

/// A path that names the repository a workflow runs in, with it as two segments.
fn repository_in_path(raw: &str) -> Option<String> {
    (raw.contains("GITHUB_REPOSITORY") || raw.contains("github.repository"))
        .then(|| repository_variables(raw))
}

/// `${{ github.repository }}` and `$GITHUB_REPOSITORY` hold `owner/repo`: two segments.
fn repository_variables(text: &str) -> String {
    let mut out = text.to_owned();
    for variable in [
        "${{ github.repository }}",
        "${{github.repository}}",
        "${GITHUB_REPOSITORY}",
        "$GITHUB_REPOSITORY",
    ] {
        out = out.replace(variable, "{owner}/{repo}");
    }
    out
}

fn method_word(word: &str) -> Option<String> {
    let w = word.trim_matches(['"', '\'']);
    (!w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic())).then(|| w.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::calls_found as calls;

    fn call(path: &str, method: &str) -> (String, Option<String>) {
        (path.to_owned(), Some(method.to_owned()))
    }

    #[test]
    fn octokit_routes_carry_their_method() {
        let text = [
            "await octokit.request(\"POST /repos/{owner}/{repo}/issues\", { owner, repo })",
            "const { data } = await octokit.request('GET /user')",
            "for await (const r of octokit.paginate.iterator(`GET /repos/${o}/${r}/pulls`)) {}",
            "await github.request(",
            "  'DELETE /repos/{owner}/{repo}/labels/{name}',",
            "await octokit.graphql(`query { viewer { login } }`)",
            "log('GET /user')",
            "const route = \"GET /user\"",
        ]
        .join("\n");
        assert_eq!(
            calls(octokit_routes, &text),
            [
                call("/repos/{p}/{p}/issues", "POST"),
                call("/user", "GET"),
                call("/repos/{p}/{p}/pulls", "GET"),
                call("/repos/{p}/{p}/labels/{p}", "DELETE"),
            ]
        );
    }

    #[test]
    fn gh_api_is_get_unless_it_sends_fields_or_names_a_method() {
        let text = [
            "gh api repos/{owner}/{repo}/issues",
            "gh api /repos/OWNER/REPO/issues -f title=Bug -f body=x",
            "gh api --method PATCH repos/:owner/:repo/issues/1 -F state=closed",
            "gh api -X DELETE \"repos/$OWNER/$REPO/labels/bug\"",
            "  run: gh api repos/${{ github.repository }}/releases --jq '.[0].tag_name'",
            "gh api graphql -f query='{ viewer { login } }'",
            "gh api repos/o/r/issues \\",
            "  --field title=x",
            "gh api user --input body.json",
            "echo gh apiary",
        ]
        .join("\n");
        assert_eq!(
            calls(gh_api, &text),
            [
                call("/repos/{p}/{p}/issues", "GET"),
                call("/repos/OWNER/REPO/issues", "POST"),
                call("/repos/:owner/:repo/issues/1", "PATCH"),
                call("/repos/{p}/{p}/labels/bug", "DELETE"),
                call("/repos/{p}/{p}/releases", "GET"),
                call("/repos/o/r/issues", "POST"),
                call("/user", "POST"),
            ]
        );
    }
}
