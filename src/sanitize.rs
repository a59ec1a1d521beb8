//! Untrusted text made safe for the place it is printed.
//!
//! Manifests, source trees, file names and docs pages come from people tokenscope does not know.
//! Whatever they hold must reach a terminal without driving it (escape sequences that move the
//! cursor, set the title, write the clipboard or hide text) and reach a pull request comment
//! without becoming HTML, a mention or a broken table.

use std::borrow::Cow;
use std::io::{self, Write};

/// Whether a character must not reach a terminal as is: C0 controls other than tab and line
/// feed, DEL, C1 controls, and the bidirectional overrides that reorder what a reader sees.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// The text with every character a terminal would act on written as a visible escape
/// (`\u{1b}`), so the reader sees what the file holds. Line feeds and tabs stay.
pub fn terminal(text: &str) -> Cow<'_, str> {
    if safe_run(text.as_bytes()) == text.len() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_terminal_char(&mut out, c);
    }
    Cow::Owned(out)
}

/// Like [`terminal`], for one line: line feeds are escaped too.
pub fn terminal_line(text: &str) -> Cow<'_, str> {
    if safe_run(text.as_bytes()) == text.len() && !text.contains('\n') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c == '\n' {
            out.push_str("\\n");
        } else {
            push_terminal_char(&mut out, c);
        }
    }
    Cow::Owned(out)
}

fn push_terminal_char(out: &mut String, c: char) {
    match c {
        '\r' => out.push_str("\\r"),
        c if is_unsafe_for_terminal(c) => {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// A writer for human-readable output that lets through only text and, when `colors` is on, the
/// colour sequences (`ESC [ … m`) tokenscope itself writes; any other control character is
/// written as a visible escape. It is the last line of defence: renderers already escape the
/// values they embed, so a colour sequence smuggled inside a value never gets this far intact.
pub struct TerminalWriter<W: Write> {
    inner: W,
    colors: bool,
    /// Bytes of an escape sequence or a UTF-8 character split across two writes.
    pending: Vec<u8>,
}

impl<W: Write> TerminalWriter<W> {
    pub fn new(inner: W, colors: bool) -> Self {
        TerminalWriter {
            inner,
            colors,
            pending: Vec::new(),
        }
    }

    pub fn into_inner(mut self) -> io::Result<W> {
        self.flush_pending()?;
        Ok(self.inner)
    }

    fn flush_pending(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let text = String::from_utf8_lossy(&pending);
        let mut out = String::new();
        for c in text.chars() {
            push_terminal_char(&mut out, c);
        }
        self.inner.write_all(out.as_bytes())
    }

    /// Writes `bytes` escaped, keeping back an incomplete trailing sequence or character.
    fn write_escaped(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut start = 0;
        let mut i = 0;
        let mut out: Vec<u8> = Vec::new();
        while i < bytes.len() {
            let b = bytes[i];
            if b == 0x1b {
                // A colour sequence of ours: ESC [ digits and semicolons, then `m`.
                if self.colors {
                    match sgr_len(&bytes[i..]) {
                        Some(Some(len)) => {
                            i += len;
                            continue;
                        }
                        Some(None) => {
                            // Possibly split across writes: keep it for the next one.
                            out.extend_from_slice(&bytes[start..i]);
                            self.inner.write_all(&out)?;
                            self.pending.extend_from_slice(&bytes[i..]);
                            return Ok(());
                        }
                        None => {}
                    }
                }
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(b"\\u{1b}");
                i += 1;
                start = i;
                continue;
            }
            // Skip the run of text that passes as it is in one go.
            let run = safe_run(&bytes[i..]);
            if run > 0 {
                i += run;
                continue;
            }
            if b < 0x80 {
                if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
                    out.extend_from_slice(&bytes[start..i]);
                    if b == b'\r' {
                        out.extend_from_slice(b"\\r");
                    } else {
                        out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes());
                    }
                    i += 1;
                    start = i;
                } else {
                    i += 1;
                }
                continue;
            }
            let width = utf8_width(b);
            if i + width > bytes.len() {
                out.extend_from_slice(&bytes[start..i]);
                self.inner.write_all(&out)?;
                self.pending.extend_from_slice(&bytes[i..]);
                return Ok(());
            }
            match std::str::from_utf8(&bytes[i..i + width])
                .ok()
                .and_then(|s| s.chars().next())
            {
                Some(c) if is_unsafe_for_terminal(c) => {
                    out.extend_from_slice(&bytes[start..i]);
                    out.extend_from_slice(format!("\\u{{{:x}}}", c as u32).as_bytes());
                    i += width;
                    start = i;
                }
                Some(_) => i += width,
                None => {
                    // Not UTF-8: written as the replacement character.
                    out.extend_from_slice(&bytes[start..i]);
                    out.extend_from_slice("\u{FFFD}".as_bytes());
                    i += 1;
                    start = i;
                }
            }
        }
        if out.is_empty() {
            // Nothing escaped (the usual case): no copy.
            return self.inner.write_all(&bytes[start..]);
        }
        out.extend_from_slice(&bytes[start..]);
        self.inner.write_all(&out)
    }
}

/// Whether `text` is printable ASCII only (no tabs, no line breaks): one byte, one column.
pub fn is_printable_ascii(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut words = bytes.chunks_exact(8);
    words.all(|w| all_printable_ascii(u64::from_le_bytes(w.try_into().unwrap_or_default())))
        && words.remainder().iter().all(|b| (0x20..0x7f).contains(b))
}

/// Whether every byte of `word` is printable ASCII (`0x20`–`0x7e`), tested on all eight at once.
fn all_printable_ascii(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes of 0x80 and above, bytes below 0x20, and 0x7f (the exact "has a byte less than n"
    // and "has a zero byte" tests).
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let del = word ^ (ONES * 0x7f);
    let is_del = del.wrapping_sub(ONES) & !del & HIGH;
    (word & HIGH) | below_space | is_del == 0
}

/// The length of the longest prefix of `bytes` that a terminal may be given as it is: printable
/// ASCII, line feeds, tabs and complete UTF-8 characters that [`is_unsafe_for_terminal`] lets
/// through. Decided from the bytes, without decoding: the only unsafe characters past ASCII are
/// the C1 controls (`C2 80`–`C2 9F`), U+061C (`D8 9C`) and the bidirectional controls at
/// U+200E–U+200F, U+202A–U+202E and U+2066–U+2069 (`E2 80 ..`, `E2 81 ..`). Everything else —
/// an escape, a control, an unsafe or invalid or unfinished character — stops the run and is
/// the caller's to handle.
fn safe_run(bytes: &[u8]) -> usize {
    let cont = |i: usize| bytes.get(i).is_some_and(|b| (0x80..=0xBF).contains(b));
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // Eight bytes of printable ASCII at a time: most of every report.
        if let Some(word) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
            if all_printable_ascii(word) {
                i += 8;
                continue;
            }
        }
        let width = match b {
            0x20..=0x7e | b'\n' | b'\t' => 1,
            0xC2 => match bytes.get(i + 1) {
                Some(0xA0..=0xBF) => 2,
                _ => break,
            },
            0xD8 if bytes.get(i + 1) == Some(&0x9C) => break,
            0xC3..=0xDF if cont(i + 1) => 2,
            0xE2 => match (bytes.get(i + 1), bytes.get(i + 2)) {
                (Some(0x80), Some(0x8E | 0x8F | 0xAA..=0xAE)) => break,
                (Some(0x81), Some(0xA6..=0xA9)) => break,
                (Some(0x80..=0xBF), Some(0x80..=0xBF)) => 3,
                _ => break,
            },
            0xE0 if matches!(bytes.get(i + 1), Some(0xA0..=0xBF)) && cont(i + 2) => 3,
            0xED if matches!(bytes.get(i + 1), Some(0x80..=0x9F)) && cont(i + 2) => 3,
            0xE1 | 0xE3..=0xEC | 0xEE | 0xEF if cont(i + 1) && cont(i + 2) => 3,
            0xF0 if matches!(bytes.get(i + 1), Some(0x90..=0xBF)) && cont(i + 2) && cont(i + 3) => {
                4
            }
            0xF4 if matches!(bytes.get(i + 1), Some(0x80..=0x8F)) && cont(i + 2) && cont(i + 3) => {
                4
            }
            0xF1..=0xF3 if cont(i + 1) && cont(i + 2) && cont(i + 3) => 4,
            _ => break,
        };
        i += width;
    }
    i
}

/// The length of an SGR sequence at the start of `bytes`: `Some(Some(n))` when complete,
/// `Some(None)` when it may still complete, `None` when it is not one.
fn sgr_len(bytes: &[u8]) -> Option<Option<usize>> {
    const MAX: usize = 32;
    match bytes.get(1) {
        None => return Some(None),
        Some(b'[') => {}
        Some(_) => return None,
    }
    for (i, &b) in bytes.iter().enumerate().skip(2).take(MAX) {
        match b {
            b'0'..=b'9' | b';' => {}
            b'm' => return Some(Some(i + 1)),
            _ => return None,
        }
    }
    if bytes.len() < MAX { Some(None) } else { None }
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

impl<W: Write> Write for TerminalWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            self.write_escaped(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(buf);
            self.write_escaped(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.flush_pending()?;
        self.inner.flush()
    }
}

/// Text for a Markdown table cell that may hold code spans (`` `name` ``), as tokenscope's
/// messages do: code spans are found exactly as CommonMark finds them, so whatever a value
/// holds only moves where code starts and ends. Outside code, every character Markdown or HTML
/// would act on is escaped and `@mentions` are broken; inside, only the pipe (which GitHub's
/// tables split on even there). Line breaks are folded.
pub fn markdown_cell(text: &str) -> String {
    let text = text.replace("\r\n", " ").replace(['\n', '\r'], " ");
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut i = 0;
    let mut plain_start = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|&&b| b == b'`').count();
        // The closing run: the next run of exactly the same length.
        let mut j = i + run;
        let mut close = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let len = bytes[j..].iter().take_while(|&&b| b == b'`').count();
                if len == run {
                    close = Some(j);
                    break;
                }
                j += len;
            } else {
                j += 1;
            }
        }
        match close {
            Some(close) => {
                out.push_str(&markdown_text(&text[plain_start..i]));
                out.push_str(&text[i..i + run]);
                out.push_str(&text[i + run..close].replace('|', "\\|"));
                out.push_str(&text[close..close + run]);
                i = close + run;
                plain_start = i;
            }
            None => {
                // No closer: these backticks are literal text.
                i += run;
            }
        }
    }
    out.push_str(&markdown_text(&text[plain_start..]));
    out
}

/// Plain Markdown text: every ASCII punctuation character Markdown or HTML acts on is
/// backslash-escaped, `@` is kept from mentioning anyone, line breaks are folded.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            // A zero-width space after `@` keeps GitHub from notifying anyone.
            '@' => out.push_str("@&#8203;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A value as a Markdown code span that nothing inside can end early: the fence is longer than
/// any run of backticks in the value, pipes are escaped, line breaks folded.
pub fn markdown_code(value: &str) -> String {
    let value = value.replace("\r\n", " ").replace(['\n', '\r'], " ");
    let longest = value.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if value.starts_with('`') || value.ends_with('`') || value.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", value.replace('|', "\\|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_controls_and_bidi_but_keeps_text() {
        assert_eq!(
            terminal("plain ünïcode\tand\nlines"),
            "plain ünïcode\tand\nlines"
        );
        assert_eq!(terminal("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(terminal("x\ry"), "x\\ry");
        assert_eq!(terminal("\u{202e}evil"), "\\u{202e}evil");
        assert_eq!(terminal("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(terminal_line("a\nb"), "a\\nb");
    }

    fn through_writer(colors: bool, chunks: &[&[u8]]) -> String {
        let mut w = TerminalWriter::new(Vec::new(), colors);
        for c in chunks {
            w.write_all(c).unwrap_or_else(|e| panic!("{e}"));
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn the_writer_passes_our_colours_and_escapes_everything_else() {
        assert_eq!(
            through_writer(true, &[b"\x1b[31merror\x1b[0m ok\n"]),
            "\x1b[31merror\x1b[0m ok\n"
        );
        assert_eq!(through_writer(false, &[b"\x1b[31mx"]), "\\u{1b}[31mx");
        // Title, clipboard and cursor sequences never pass, colours on or off.
        assert_eq!(
            through_writer(true, &[b"\x1b]0;title\x07"]),
            "\\u{1b}]0;title\\u{7}"
        );
        assert_eq!(through_writer(true, &[b"\x1b[2J"]), "\\u{1b}[2J");
        // Split across writes: a colour sequence and a multi-byte character.
        assert_eq!(through_writer(true, &[b"a\x1b[3", b"1mb"]), "a\x1b[31mb");
        let e = "é".as_bytes();
        assert_eq!(through_writer(false, &[&e[..1], &e[1..]]), "é");
        let rlo = "\u{202e}".as_bytes();
        assert_eq!(through_writer(false, &[&rlo[..2], &rlo[2..]]), "\\u{202e}");
        assert_eq!(through_writer(false, &[b"a\rb\x7f"]), "a\\rb\\u{7f}");
    }

    #[test]
    fn printable_ascii_words_are_told_apart_byte_by_byte() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut bytes = [b'a'; 8];
                bytes[at] = b;
                assert_eq!(
                    all_printable_ascii(u64::from_le_bytes(bytes)),
                    (0x20..=0x7e).contains(&b),
                    "{b:#x} at {at}"
                );
            }
        }
    }

    /// [`safe_run`] by decoding: the valid UTF-8 prefix, up to its first unsafe character.
    fn safe_run_by_decoding(bytes: &[u8]) -> usize {
        let valid = match std::str::from_utf8(bytes) {
            Ok(s) => s.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = std::str::from_utf8(&bytes[..valid]).unwrap_or_default();
        text.char_indices()
            .find(|&(_, c)| is_unsafe_for_terminal(c))
            .map_or(valid, |(i, _)| i)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        /// Any bytes, and text rich in the characters whose first bytes the unsafe ones share.
        #[test]
        fn safe_run_stops_where_decoding_finds_the_first_unsafe_character(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
            text in "[a\\n\\t\\r\\x1b\\x7f\\x{80}-\\x{a0}\\x{61b}-\\x{61d}\\x{2000}-\\x{2070}\\x{2500}-\\x{2570}é🦀\\x{fffd}\\x{10ffff}]{0,24}",
            cut in 0usize..8,
        ) {
            proptest::prop_assert_eq!(safe_run(&bytes), safe_run_by_decoding(&bytes));
            proptest::prop_assert_eq!(
                is_printable_ascii(&text),
                text.bytes().all(|b| (0x20..0x7f).contains(&b))
            );
            let ascii: Vec<u8> = bytes.iter().map(|b| b & 0x7f).collect();
            proptest::prop_assert_eq!(safe_run(&ascii), safe_run_by_decoding(&ascii));
            let t = text.as_bytes();
            proptest::prop_assert_eq!(safe_run(t), safe_run_by_decoding(t));
            // A character cut short at the end of a write.
            let end = t.len().saturating_sub(cut);
            proptest::prop_assert_eq!(safe_run(&t[..end]), safe_run_by_decoding(&t[..end]));
        }
    }

    #[test]
    fn markdown_cells_keep_code_spans_and_escape_the_rest() {
        assert_eq!(
            markdown_cell("token `bot` lacks `Manage labels`"),
            "token `bot` lacks `Manage labels`"
        );
        assert_eq!(
            markdown_cell("`a|b` and <img src=x> by @octocat"),
            "`a\\|b` and \\<img src=x\\> by @&#8203;octocat"
        );
        // A backtick inside a value only moves the code span; HTML outside stays escaped.
        assert_eq!(markdown_cell("`x` <b>`y"), "`x` \\<b\\>\\`y");
        assert_eq!(markdown_cell("line\nbreak"), "line break");
    }

    #[test]
    fn markdown_code_spans_cannot_be_closed_from_inside() {
        assert_eq!(markdown_code("plain"), "`plain`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x``"), "``` `x`` ```");
        assert_eq!(markdown_code("a|b"), "`a\\|b`");
    }
}
