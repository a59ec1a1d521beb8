//! Input files and the spans that point into them.
//!
//! Every diagnostic tokenscope prints points at a byte range of a file the user wrote, so the
//! file's text travels with the findings (shared, never copied per finding).

use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

/// A loaded text file: the path as the user should see it, its full text, and where each line
/// starts (so locating a span costs a binary search, not a scan from the top).
#[derive(Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: FileText,
    /// Built on first use: a built-in table's file is only located when it is broken, and
    /// indexing its few hundred kilobytes would otherwise cost every run that loads it.
    lines: Arc<OnceLock<Lines>>,
}

/// A file's text: read at run time and shared, or borrowed from the binary (a built-in table's
/// YAML, megabytes for Microsoft Graph's, is never copied by a run that uses the table).
#[derive(Clone)]
pub enum FileText {
    Shared(Arc<str>),
    Static(&'static str),
}

impl std::ops::Deref for FileText {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            FileText::Shared(text) => text,
            FileText::Static(text) => text,
        }
    }
}

struct Lines {
    starts: Box<[usize]>,
    /// The text code frames show: the same, with lone CRs as LFs (same length, so every offset
    /// holds), so a frame breaks lines where YAML does.
    frame_text: FileText,
}

impl fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .field("len", &self.text.len())
            .finish()
    }
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Self {
            path: path.into(),
            text: FileText::Shared(text.into()),
            lines: Arc::new(OnceLock::new()),
        }
    }

    /// A file whose text is part of the binary: borrowed, not copied.
    pub fn from_static(path: impl Into<String>, text: &'static str) -> Self {
        Self {
            path: path.into(),
            text: FileText::Static(text),
            lines: Arc::new(OnceLock::new()),
        }
    }

    fn lines(&self) -> &Lines {
        self.lines.get_or_init(|| {
            // Lines end at LF, CRLF or a lone CR, as YAML counts them.
            let bytes = self.text.as_bytes();
            let starts: Box<[usize]> = std::iter::once(0)
                .chain(bytes.iter().enumerate().filter_map(|(i, &b)| match b {
                    b'\n' => Some(i + 1),
                    b'\r' if bytes.get(i + 1) != Some(&b'\n') => Some(i + 1),
                    _ => None,
                }))
                .collect();
            let frame_text = if starts.len() > 1 + bytes.iter().filter(|&&b| b == b'\n').count() {
                FileText::Shared(lone_cr_as_lf(&self.text).into())
            } else {
                self.text.clone()
            };
            Lines { starts, frame_text }
        })
    }

    /// The 0-based index of the line holding byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        self.lines()
            .starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// How many lines a code frame can show: a line break at the very end starts no line.
    pub fn displayable_lines(&self) -> usize {
        match self.lines().starts.last() {
            Some(&last) if last >= self.text.len() => self.lines().starts.len() - 1,
            _ => self.lines().starts.len(),
        }
    }

    /// A line's start, the end of its text, and its end after the line break (byte offsets).
    pub fn line_bounds(&self, line: usize) -> (usize, usize, usize) {
        let len = self.text.len();
        let start = self.lines().starts.get(line).copied().unwrap_or(len);
        let end = self.lines().starts.get(line + 1).copied().unwrap_or(len);
        let bytes = self.text.as_bytes();
        let mut content_end = end;
        if content_end > start && bytes[content_end - 1] == b'\n' {
            content_end -= 1;
        }
        if content_end > start && bytes[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        (start, content_end, end)
    }

    /// The length in bytes of a line's text, without its line break.
    pub fn line_len(&self, line: usize) -> usize {
        let (start, content_end, _) = self.line_bounds(line);
        content_end - start
    }

    /// The text code frames show (lone CRs as LFs, same offsets).
    pub fn frame_text(&self) -> &str {
        &self.lines().frame_text
    }

    /// A span from a byte range, with its 1-based line and column (in characters).
    pub fn span(&self, offset: usize, length: usize) -> Span {
        let offset = floor_char_boundary(&self.text, offset);
        let length = length.min(self.text.len() - offset);
        let line = self.line_index(offset);
        let column = self.text[self.lines().starts[line]..offset].chars().count() + 1;
        Span {
            offset,
            length,
            line: line + 1,
            column,
        }
    }

    /// The byte offset of a 1-based line and character column (clamped to the text).
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.lines().starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let line_text = &self.text[start..];
        let line_end = line_text.find(['\n', '\r']).unwrap_or(line_text.len());
        line_text[..line_end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(start + line_end, |(i, _)| start + i)
    }
}

/// Where a diagnostic points: byte offset and length in the file, 1-based line and column.
///
/// Columns count characters (Unicode scalar values), as editors and SARIF viewers do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub offset: usize,
    pub length: usize,
    pub line: usize,
    pub column: usize,
}

impl Span {
    /// The byte just past the span.
    pub fn end(&self) -> usize {
        self.offset + self.length
    }
}

/// A path as printed in reports: forward slashes, no leading `./`, so output is the same bytes
/// on every platform and however the path was typed.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let trimmed = text.trim_start_matches("./");
    if trimmed.is_empty() {
        ".".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The text with every CR that is not part of a CRLF turned into LF (same length).
fn lone_cr_as_lf(text: &str) -> String {
    let bytes = text.as_bytes();
    text.char_indices()
        .map(|(i, c)| {
            if c == '\r' && bytes.get(i + 1) != Some(&b'\n') {
                '\n'
            } else {
                c
            }
        })
        .collect()
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_count_lines_and_characters() {
        let file = SourceFile::new("m.yaml", "a: 1\né: x\n");
        let span = file.span(9, 1);
        assert_eq!((span.line, span.column), (2, 4));
        assert_eq!(file.offset_of(2, 4), 9);
        assert_eq!(file.offset_of(9, 1), file.text.len());
    }

    #[test]
    fn display_paths_are_stable() {
        assert_eq!(display_path(Path::new("./a/b.yaml")), "a/b.yaml");
        assert_eq!(display_path(Path::new(".")), ".");
    }
}
