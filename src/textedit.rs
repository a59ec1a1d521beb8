//! Byte-range edits of a text file, for the commands that rewrite YAML in place (`suggest
//! --write`, `table drift --write`): everything outside the edited ranges stays as it was.

/// A replacement of `text[start..end]` (an insertion when `start == end`).
#[derive(Debug)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// Applies non-overlapping edits; insertions at one place keep the order they were planned in.
pub fn apply(text: &str, mut edits: Vec<Edit>) -> String {
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for e in edits {
        // Edits never overlap by construction; clamp defensively rather than panic.
        let start = e.start.max(at).min(text.len());
        out.push_str(&text[at..start]);
        out.push_str(&e.text);
        at = e.end.max(start).min(text.len());
    }
    out.push_str(&text[at..]);
    out
}

/// The start of the line holding `pos`.
pub fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// The start of the line after the one holding `pos` (or the end of the text).
pub fn next_line(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// The end of the line holding `pos`, before its line break.
pub fn line_end(text: &str, pos: usize) -> usize {
    let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
    if end > pos && text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    }
}

/// The file's line break, so inserted lines match it.
pub fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_order() {
        let text = "a\nb\nc\n";
        let edits = vec![
            Edit {
                start: 4,
                end: 6,
                text: String::new(),
            },
            Edit {
                start: 2,
                end: 2,
                text: "x\n".into(),
            },
            Edit {
                start: 2,
                end: 2,
                text: "y\n".into(),
            },
        ];
        assert_eq!(apply(text, edits), "a\nx\ny\nb\n");
        assert_eq!(
            (line_start(text, 3), next_line(text, 3), line_end(text, 2)),
            (2, 4, 3)
        );
        assert_eq!(newline("a\r\nb"), "\r\n");
    }
}
