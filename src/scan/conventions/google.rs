//! Google APIs: every service is served from a `googleapis.com` host
//! (`gmail.googleapis.com`, `www.googleapis.com/drive/v3`), whatever hosts a table lists; and
//! Google's generated client libraries name the method instead of the path:
//! `service.users().messages().list(userId="me")` (Python, Java), `gmail.users.messages.list({…})`
//! (Node.js), `srv.Users.Messages.List("me")` (Go, .NET) are all `gmail.users.messages.list`,
//! the Discovery method id the table names the endpoint by. Such a call counts in a file that
//! imports a client, and with less confidence in any file of a project that does.

use super::{Convention, LibraryCall};
use crate::scan::work;

pub static GOOGLE: Convention = Convention {
    api: "google",
    base_urls: &["https://{service}.googleapis.com"],
    words: &["googleapis"],
    markers: &[
        "googleapis.com",
        // The client libraries: Python, Go, Java and .NET, Node.js (the package's name quoted).
        "googleapiclient",
        "google.golang.org/api/",
        "com.google.api.services",
        "google.apis.",
        "'googleapis'",
        "\"googleapis\"",
    ],
    // Python's and Java's resource calls (`().list(`) pass the gate too: the vocabulary
    // derives them from the table's method ids (see `Vocabulary::gate`).
    triggers: &[],
    prefix_anywhere: false,
    project_wide: false,
    case_insensitive: false,
    calls: &[],
    libraries: &[resource_chain],
    rewrite: None,
};

/// Lines read back for a chain broken over lines (`service.users()` / `.messages()` / `.list(…)`).
const CHAIN_LINES: usize = 8;
/// Bytes of each line read back for a chain.
const CHAIN_BYTES: usize = 256;

/// Every `.name(` on the line with the chain of names before it: names joined by `.`, each
/// maybe called with no arguments (`users()`), possibly over lines that start with `.`. The
/// chain stops at anything else — a call with arguments (`build("gmail", "v1")`), an index, an
/// operator — so what it holds is the resource path and the receiver before it.
fn resource_chain(lines: &[&str], index: usize, out: &mut Vec<LibraryCall>) {
    let line = lines[index];
    let bytes = line.as_bytes();
    for (paren, _) in line.match_indices('(') {
        work::add(1);
        let name = super::ident_before(&line[..paren]);
        let name_start = paren - name.len();
        if name.is_empty() || name_start == 0 || bytes[name_start - 1] != b'.' {
            continue;
        }
        // The chain on this line, back from the name; then over lines, while each one it
        // reaches the start of begins with the `.` before the chain so far.
        let mut chain = vec![name];
        let (over_lines, first) = walk_back(line, name_start - 1, &mut chain);
        let mut start = first.unwrap_or(name_start);
        if over_lines {
            start = line.len() - line.trim_start().len();
            for text in lines[index.saturating_sub(CHAIN_LINES)..index].iter().rev() {
                let end = text.trim_end().len();
                if end == 0 || !walk_back(text, end, &mut chain).0 {
                    break;
                }
            }
        }
        if chain.len() >= 2 {
            chain.reverse();
            out.push(LibraryCall {
                start: start.min(name_start),
                end: paren,
                chain: chain
                    .iter()
                    .map(|n| n.trim_end_matches('_').to_ascii_lowercase())
                    .collect(),
            });
        }
    }
}

/// Adds to `chain` the names before `text[..pos]`, within [`CHAIN_BYTES`]: whether the chain
/// goes on on the line before (it reached this line's start after a `.`), and where its first
/// name on this line starts.
fn walk_back<'a>(text: &'a str, pos: usize, chain: &mut Vec<&'a str>) -> (bool, Option<usize>) {
    let floor = text.floor_char_boundary(pos.saturating_sub(CHAIN_BYTES));
    let (mut pos, mut first) = (pos, None);
    loop {
        match previous_name(text, floor, pos) {
            Step::Name(name, at) => {
                chain.push(name);
                first = Some(at);
                if at > floor && text.as_bytes()[at - 1] == b'.' {
                    pos = at - 1;
                } else {
                    return (false, first);
                }
            }
            Step::LineStart => return (true, first),
            Step::Stop => return (false, first),
        }
    }
}

enum Step<'a> {
    /// A name and where it starts.
    Name(&'a str, usize),
    /// Only whitespace before `end`: the chain may go on on the line before.
    LineStart,
    /// Anything else: the chain ends.
    Stop,
}

/// The name before `text[..end]`, over whitespace and an empty call's `()`, not before `floor`.
fn previous_name(text: &str, floor: usize, end: usize) -> Step<'_> {
    let bytes = text.as_bytes();
    let mut i = end;
    while i > floor && bytes[i - 1].is_ascii_whitespace() {
        i -= 1;
    }
    if i == 0 || (i == floor && text[..i].trim().is_empty()) {
        return Step::LineStart;
    }
    if i > floor + 1 && bytes[i - 1] == b')' {
        i -= 1;
        while i > floor && bytes[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        if i == floor || bytes[i - 1] != b'(' {
            return Step::Stop;
        }
        i -= 1;
    }
    let name = super::ident_before(&text[floor..i]);
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Step::Stop;
    }
    Step::Name(name, i - name.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chains(text: &str) -> Vec<String> {
        super::super::chains_found(resource_chain, text)
    }

    #[test]
    fn chains_of_every_client_library() {
        let text = [
            "results = service.users().messages().list(userId='me').execute()",
            "const res = await gmail.users.labels.list({ userId: 'me' });",
            "r, err := srv.Users.Messages.List(\"me\").Do()",
            "var events = service.Events.List(\"primary\").Execute();",
            "build('drive', 'v3', credentials=c).files().import_(body=b)",
        ]
        .join("\n");
        assert_eq!(
            chains(&text),
            [
                "service.users",
                "service.users.messages",
                "service.users.messages.list",
                "gmail.users.labels.list",
                "srv.users.messages.list",
                "service.events.list",
                "files.import",
            ]
        );
    }

    #[test]
    fn a_chain_over_lines_is_read_back() {
        let text = [
            "    results = (",
            "        service.users()",
            "        .messages()",
            "        .list(userId=\"me\", maxResults=10)",
            "        .execute()",
            "    )",
        ]
        .join("\n");
        assert_eq!(
            chains(&text),
            [
                "service.users",
                "service.users.messages",
                "service.users.messages.list",
            ]
        );
    }

    #[test]
    fn calls_with_arguments_and_other_text_end_a_chain() {
        let text = [
            "x = cache[key].get(k)",
            "y = f(a).b(c)",
            "z = 3.5.toFixed(1)",
            "print(len(items))",
        ]
        .join("\n");
        assert_eq!(chains(&text), Vec::<String>::new());
    }

    #[test]
    fn a_window_never_starts_inside_a_character() {
        for pad in 240..260 {
            let line = format!(
                "x = 龇{} service.users().messages().list()",
                "b".repeat(pad)
            );
            let _ = chains(&line);
        }
    }
}
