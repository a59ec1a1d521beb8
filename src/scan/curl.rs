//! The method of a curl command from its flags. `-X`/`--request` names it; without it curl
//! sends POST when the command carries data (`-d`, `--data*`, `--json`, `-F`, `--form*`), PUT
//! with `-T`, HEAD with `-I`, and GET otherwise (also with `-G`, which moves data into the URL).
//!
//! The command is read from the `curl` word before the path, over lines continued with `\`
//! (shell), `^` (cmd) or a backtick (PowerShell), within bounds, so a long line or script
//! costs time in proportion to its length.

use super::work;

/// Bytes read of the command on the path's line after the path (and before it, for `curl`);
/// other lines are read up to four times this.
const WINDOW: usize = 256;
/// Lines before and after the path's line a command is followed over.
const MAX_LINES: usize = 16;

/// What a command's flags say about its method.
#[derive(Default)]
struct Flags {
    /// `-X` given: the method it names, `None` when it is not written out (`-X "$1"`).
    explicit: Option<Option<String>>,
    data: bool,
    get: bool,
    upload: bool,
    head: bool,
}

impl Flags {
    /// The method curl sends; `None` for HEAD (no table endpoint has it) and for a method
    /// that is not written out.
    fn method(self) -> Option<String> {
        if let Some(m) = self.explicit {
            return m;
        }
        let method = if self.head {
            return None;
        } else if self.upload {
            "PUT"
        } else if self.data && !self.get {
            "POST"
        } else {
            "GET"
        };
        Some(method.to_owned())
    }
}

/// When the path at `lines[index][start..]` is an argument of a curl command, the method that
/// command sends (`Some(None)` for a HEAD request); `None` when it is not in a curl command.
pub fn curl_method(lines: &[&str], index: usize, start: usize) -> Option<Option<String>> {
    let line = lines.get(index)?;
    let floor = line.floor_char_boundary(start.saturating_sub(WINDOW));
    let (first, from) = match curl_word(&line[floor..start]) {
        Some(at) => (index, floor + at),
        None => command_start_above(lines, index)?,
    };
    let mut flags = Flags::default();
    let mut args = Args::default();
    let last = index + MAX_LINES;
    for (i, text) in lines.iter().enumerate().take(last + 1).skip(first) {
        let begin = if i == first { from } else { 0 };
        let end = if i == index {
            text.ceil_char_boundary(start.saturating_add(WINDOW).min(text.len()))
        } else {
            text.floor_char_boundary(text.len().min(begin + 4 * WINDOW))
        };
        work::add(end.saturating_sub(begin));
        let ended = args.read(&text[begin.min(end)..end], &mut flags);
        if ended || (i >= index && !continues(text)) {
            break;
        }
    }
    Some(flags.method())
}

/// Whether a line continues on the next one: `\`, `^` or a backtick at its end.
fn continues(line: &str) -> bool {
    line.trim_end().ends_with(['\\', '^', '`'])
}

/// The `curl` of a command in `lines[index]`'s continued lines above it.
fn command_start_above(lines: &[&str], index: usize) -> Option<(usize, usize)> {
    let mut i = index;
    for _ in 0..MAX_LINES {
        i = i.checked_sub(1)?;
        let line = lines[i];
        if !continues(line) {
            return None;
        }
        let end = line.floor_char_boundary(line.len().min(4 * WINDOW));
        work::add(end);
        if let Some(at) = curl_word(&line[..end]) {
            return Some((i, at));
        }
    }
    None
}

/// The last `curl` in `text` that starts a command: a whole word (or `curl.exe`) followed by
/// a flag, a quote, a variable or a URL, so prose such as "use curl to …" is not one.
fn curl_word(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    work::add(text.len());
    text.rmatch_indices("curl").map(|(at, _)| at).find(|&at| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let starts = before.is_none_or(|b| b" \t(`|;&\"'$".contains(&b));
        let rest = &text[at + 4..];
        let rest = rest.strip_prefix(".exe").unwrap_or(rest);
        let Some(arg) = rest.strip_prefix([' ', '\t']) else {
            return false;
        };
        let arg = arg.trim_start();
        starts
            && (arg.is_empty()
                || arg.starts_with(['-', '"', '\'', '$', '{'])
                || arg.starts_with("http"))
    })
}

/// Reads a command's words across lines: `pending` is a flag waiting for its value.
#[derive(Default)]
struct Args {
    pending: Option<Pending>,
}

/// What the next word is the value of.
#[derive(Clone, Copy)]
enum Pending {
    Method,
    Skip,
}

impl Args {
    /// Reads the words of `text` into `flags`; `true` when the command ends in it (a pipe,
    /// `;`, `&`, `)`, a redirect or a comment).
    fn read(&mut self, text: &str, flags: &mut Flags) -> bool {
        for word in Words::new(text) {
            let Word::Text(word) = word else {
                return true;
            };
            if let Some(pending) = self.pending.take() {
                if let Pending::Method = pending {
                    flags.explicit = Some(method_word(word));
                }
                continue;
            }
            self.pending = flag(word, flags);
        }
        false
    }
}

/// The method a `-X` value names, in upper case.
fn method_word(word: &str) -> Option<String> {
    let w = word.trim_matches(['"', '\'']);
    (!w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic())).then(|| w.to_ascii_uppercase())
}

/// Long options that decide the method; every other takes its value with `=` or is ignored.
fn long_flag(name: &str, value: Option<&str>, flags: &mut Flags) -> Option<Pending> {
    match name {
        "request" => match value {
            Some(v) => flags.explicit = Some(method_word(v)),
            None => return Some(Pending::Method),
        },
        "get" => flags.get = true,
        "head" => flags.head = true,
        "upload-file" => flags.upload = true,
        "json" | "form" | "form-string" => flags.data = true,
        n if n.starts_with("data") => flags.data = true,
        _ => {}
    }
    None
}

/// Short options that take a value (the rest of the word, or the next word).
const SHORT_WITH_VALUE: &[u8] = b"AbcCdDeEFHKmoPQrTtuUwxXyYz";

/// Reads one word: a flag sets `flags` and may wait for its value.
fn flag(word: &str, flags: &mut Flags) -> Option<Pending> {
    if let Some(long) = word.strip_prefix("--") {
        let (name, value) = match long.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (long, None),
        };
        return long_flag(name, value, flags);
    }
    let short = word.strip_prefix('-')?;
    for (i, letter) in short.bytes().enumerate() {
        match letter {
            b'G' => flags.get = true,
            b'I' => flags.head = true,
            b'd' | b'F' => flags.data = true,
            b'T' => flags.upload = true,
            _ => {}
        }
        if SHORT_WITH_VALUE.contains(&letter) {
            let value = &short[i + 1..];
            return match (letter, value.is_empty()) {
                (b'X', false) => {
                    flags.explicit = Some(method_word(value));
                    None
                }
                (b'X', true) => Some(Pending::Method),
                (_, true) => Some(Pending::Skip),
                (_, false) => None,
            };
        }
    }
    None
}

/// A shell word, or the end of the command.
pub(crate) enum Word<'a> {
    Text(&'a str),
    End,
}

/// The words of a command line, quotes kept whole.
pub(crate) struct Words<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Words { text, at: 0 }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() && matches!(bytes[self.at], b' ' | b'\t' | b'\r') {
            self.at += 1;
        }
        let start = self.at;
        let first = *bytes.get(start)?;
        if b"|;&)<>#".contains(&first) {
            self.at = bytes.len();
            return Some(Word::End);
        }
        let mut quote = None;
        let mut depth = 0usize;
        while self.at < bytes.len() {
            let b = bytes[self.at];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if matches!(b, b' ' | b'\t' | b'\r' | b'|' | b';') => break,
                None if b == b'(' => depth += 1,
                // `$(curl …)`: an unmatched `)` ends the command; `$(B)/x` is one word.
                None if b == b')' => match depth.checked_sub(1) {
                    Some(d) => depth = d,
                    None => break,
                },
                None => {}
            }
            self.at += 1;
        }
        Some(Word::Text(&self.text[start..self.at]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn method(text: &str) -> Option<Option<String>> {
        let lines: Vec<&str> = text.split('\n').collect();
        let index = lines.iter().position(|l| l.contains("/labels"))?;
        curl_method(&lines, index, lines[index].find("/labels")?)
    }

    #[test]
    fn curl_without_x_sends_get_or_post_by_its_flags() {
        let get = Some(Some("GET".to_owned()));
        let post = Some(Some("POST".to_owned()));
        for (text, expected) in [
            (
                "curl https://a/labels -H \"Authorization: Bearer x\"",
                get.clone(),
            ),
            ("curl -sSf \"$B/labels\"", get.clone()),
            ("curl -d '{\"name\":\"x\"}' https://a/labels", post.clone()),
            ("curl https://a/labels --data-raw '{}'", post.clone()),
            ("curl -F file=@a.png https://a/labels", post.clone()),
            ("curl --json '{}' https://a/labels", post.clone()),
            ("curl -G -d q=1 https://a/labels", get.clone()),
            (
                "curl -XPATCH https://a/labels",
                Some(Some("PATCH".to_owned())),
            ),
            (
                "curl --request=DELETE https://a/labels",
                Some(Some("DELETE".to_owned())),
            ),
            ("curl -X POST https://a/labels", post.clone()),
            ("curl -I https://a/labels", Some(None)),
            (
                "curl -T a.json https://a/labels",
                Some(Some("PUT".to_owned())),
            ),
            ("curl -H 'X: -d' https://a/labels", get.clone()),
            ("curl -s \\\n  \"$B/labels\" \\\n  -d '{}'", post.clone()),
            ("curl https://a/labels | jq . -d", get.clone()),
            ("out=$(curl -s https://a/labels) -d", get.clone()),
            ("use curl to read https://a/labels", None),
            ("fetch('/labels')", None),
            (
                "curl -s \"$B/x\"\ncurl \"$B/labels\"\n  -d '{}'",
                get.clone(),
            ),
            ("curl -X \"$1\" \"$B/labels\" -d x", Some(None)),
        ] {
            assert_eq!(method(text), expected, "{text}");
        }
    }
}
