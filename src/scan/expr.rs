//! Reading a path expression as written in code: literal text, with interpolations and string
//! concatenations turned into `{p}` parameters.

use super::work;

/// What stands in for a literal `$` while a path is read (see [`mask_dollar_segments`]).
const LITERAL_DOLLAR: char = '\u{1}';

/// `text` with the `$` of each segment `/$name` that `literal` accepts (given `$name`)
/// swapped for a placeholder, a byte for a byte so that offsets hold: [`read_expr`] then keeps
/// it a literal (Graph's OData `$value`) instead of reading a shell variable. `None` when no
/// segment was masked. [`unmask_dollars`] gives the `$` back to what was read.
pub fn mask_dollar_segments(text: &str, literal: impl Fn(&str) -> bool) -> Option<String> {
    if !text.contains("/$") {
        return None;
    }
    let bytes = text.as_bytes();
    let mut masked: Option<Vec<u8>> = None;
    for (at, _) in text.match_indices("/$") {
        let len = bytes[at + 2..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        if literal(&text[at + 1..at + 2 + len]) {
            masked.get_or_insert_with(|| bytes.to_vec())[at + 1] = LITERAL_DOLLAR as u8;
        }
    }
    // One ASCII byte for another: still UTF-8.
    masked.and_then(|m| String::from_utf8(m).ok())
}

/// A path read from text [`mask_dollar_segments`] masked, with its `$` given back.
pub fn unmask_dollars(path: String) -> String {
    if path.contains(LITERAL_DOLLAR) {
        path.replace(LITERAL_DOLLAR, "$")
    } else {
        path
    }
}

/// Reads a path expression starting at byte `start` of `line`: literal text, with
/// interpolations (`${x}`, `{x}`, `{{x}}`, `#{x}`, `%s`, `%name%`, `$VAR`) and string
/// concatenations (`" + id + "`) turned into `{p}` parameters. Returns the end of the raw text
/// and the normalised path.
pub fn read_expr(line: &str, start: usize) -> (usize, String) {
    let bytes = line.as_bytes();
    let mut out = String::new();
    let mut i = start;
    while i < bytes.len() {
        work::add(1);
        let c = bytes[i];
        match c {
            b'$' | b'#' if bytes.get(i + 1) == Some(&b'{') => {
                i = skip_braces(bytes, i + 1);
                out.push_str("{p}");
            }
            // `$(VAR)` in a Makefile, `$(cmd)` in shell.
            b'$' if bytes.get(i + 1) == Some(&b'(') => {
                i = skip_pair(bytes, i + 1, (b'(', b')'));
                out.push_str("{p}");
            }
            b'{' => {
                i = skip_braces(bytes, i);
                out.push_str("{p}");
            }
            b'$' if bytes
                .get(i + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_') =>
            {
                i += 1;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                out.push_str("{p}");
            }
            b'%' => {
                // %name% placeholders, then printf verbs (%s, %d, %v)
                if let Some(len) = percent_placeholder(&bytes[i + 1..]) {
                    i += len + 2;
                    out.push_str("{p}");
                } else if bytes.get(i + 1).is_some_and(|b| b"sdvfiuq".contains(b)) {
                    i += 2;
                    out.push_str("{p}");
                } else {
                    out.push('%');
                    i += 1;
                }
            }
            b'"' | b'\'' | b'`' => {
                // `"/chats/" + id + "/resolve"`: an expression between literals is a parameter.
                match concatenation(bytes, i) {
                    Some((next, ended)) => {
                        out.push_str("{p}");
                        if ended {
                            return (next, out);
                        }
                        i = next;
                    }
                    None => return (i, out),
                }
            }
            b' ' | b'\t' | b')' | b']' | b'>' | b'<' | b',' | b';' | b'\\' | b'|' | b'^' | b'*'
            | b'\r' => {
                return (i, out);
            }
            _ => {
                let ch_len = utf8_len(c);
                out.push_str(&line[i..(i + ch_len).min(line.len())]);
                i += ch_len;
            }
        }
    }
    (i, out)
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// `%chat:_id%`: the length of the name between the two `%`.
fn percent_placeholder(rest: &[u8]) -> Option<usize> {
    let len = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || b"_:.-".contains(b))
        .count();
    work::add(len);
    (len > 0 && rest.get(len) == Some(&b'%')).then_some(len)
}

/// Skips a balanced `{...}` (or `{{...}}`) starting at `open`; returns the index after it.
fn skip_braces(bytes: &[u8], open: usize) -> usize {
    skip_pair(bytes, open, (b'{', b'}'))
}

/// Skips a balanced pair of brackets starting at `open`; returns the index after it.
fn skip_pair(bytes: &[u8], open: usize, (left, right): (u8, u8)) -> usize {
    let mut depth = 0;
    let mut i = open;
    while i < bytes.len() {
        work::add(1);
        if bytes[i] == left {
            depth += 1;
        } else if bytes[i] == right {
            depth -= 1;
            if depth == 0 {
                return i + 1;
            }
        }
        i += 1;
    }
    bytes.len()
}

/// At a closing quote: when `+ expr` follows, where the path continues. `Some((i, false))`
/// resumes inside the next literal at `i`; `Some((i, true))` means the path ends with the
/// expression; `None` means the literal simply ends.
fn concatenation(bytes: &[u8], quote: usize) -> Option<(usize, bool)> {
    let mut i = quote + 1;
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    if !matches!(bytes.get(i), Some(b'+') | Some(b'.')) || bytes.get(i + 1) == Some(&b'=') {
        return None;
    }
    // `"{}/x".format(base)`, `'/x'.replace(…)`: a method of the string, not a concatenation.
    if bytes[i] == b'.' && is_string_method(&bytes[i + 1..]) {
        return None;
    }
    i += 1;
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    // The expression: up to the next `+`/`.` followed by a quote, or the end of the argument.
    let expr_start = i;
    let mut depth = 0i32;
    while i < bytes.len() {
        // Longer is not a value spliced into a path: the path ends with it. The bound keeps
        // a line of nested `'/x' + (` from being read again for every path on it.
        if i - expr_start >= MAX_SPLICED && !is_continuation(bytes[i]) {
            return Some((i, true));
        }
        work::add(1);
        match bytes[i] {
            b'(' | b'[' => depth += 1,
            b')' | b']' if depth == 0 => return (i > expr_start).then_some((i, true)),
            b')' | b']' => depth -= 1,
            b',' | b';' if depth == 0 => return (i > expr_start).then_some((i, true)),
            b'"' | b'\'' | b'`' if depth == 0 => return None,
            b'+' | b'.' if depth == 0 => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] == b' ' {
                    j += 1;
                }
                if matches!(bytes.get(j), Some(b'"') | Some(b'\'') | Some(b'`')) && i > expr_start {
                    return Some((j + 1, false));
                }
            }
            _ => {}
        }
        i += 1;
    }
    (i > expr_start).then_some((i, true))
}

/// Whether `rest` (after a `.` that follows a string literal) calls one of the string's own
/// methods: formatting and editing, which the path does not continue through.
fn is_string_method(rest: &[u8]) -> bool {
    const METHODS: &[&str] = &[
        "format",
        "format_map",
        "replace",
        "strip",
        "rstrip",
        "lstrip",
        "trim",
        "join",
        "encode",
        "lower",
        "upper",
        "concat",
        "toString",
        "split",
    ];
    let len = rest
        .iter()
        .take(16)
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    rest.get(len) == Some(&b'(') && METHODS.iter().any(|m| m.as_bytes() == &rest[..len])
}

/// Bytes of an expression spliced between two string literals (`" + id + "`) read at most.
const MAX_SPLICED: usize = 256;

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}
