//! Code frames: a diagnostic's message, the lines it points at with a label under each span,
//! and its help, in the layout rustc and miette made familiar.
//!
//! Drawn here rather than by miette's renderer so that what a frame costs and shows is bounded
//! whatever the file holds: a label points at one line; a long line is shown as a window around
//! the span (as rustc does), so a frame is a few hundred bytes even on a minified 2 MB line;
//! a finding shows a bounded number of places; every character a terminal would act on is
//! written as a visible escape. Frames of ordinary lines come out byte for byte as miette drew
//! them.

use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

use crate::sanitize::{is_unsafe_for_terminal, terminal, terminal_line};
use crate::source::{SourceFile, Span};

/// How loud a diagnostic is; picks its icon and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Advice,
}

/// A span with the short text printed under it.
#[derive(Clone, Copy, Debug)]
pub struct Label<'a> {
    pub span: Span,
    pub text: Option<&'a str>,
    pub primary: bool,
}

/// Where a diagnostic points.
pub enum Place<'a> {
    Nowhere,
    /// A position only, for a file whose text must not be shown (one that is not a manifest).
    Location {
        path: &'a str,
        line: usize,
        column: usize,
    },
    /// Lines of a file with labels under the spans.
    Frame {
        file: &'a SourceFile,
        labels: Vec<Label<'a>>,
    },
}

/// Everything a rendered diagnostic shows.
pub struct Report<'a> {
    /// `error[missing-scope]`, `input::invalid`, ...
    pub code: Option<&'a str>,
    pub level: Level,
    pub message: &'a str,
    pub place: Place<'a>,
    pub help: Option<&'a str>,
}

/// The most places one diagnostic shows; the rest are counted.
pub const MAX_LABELS: usize = 8;
/// Lines longer than this many bytes, or wider than [`LONG_COLUMNS`] once escaped, are shown as
/// a window around the span.
const LONG_LINE: usize = 256;
const LONG_COLUMNS: usize = 400;
/// Display columns of a long line shown before the first span of a frame.
const WINDOW_LEAD: usize = 40;
/// Display columns a window of a long line shows.
const WINDOW: usize = 160;
/// miette's tab stop.
const TAB_WIDTH: usize = 4;
/// The most characters of one line of a message or help shown: a message that quotes a
/// megabyte-long name says so instead of printing it (machine formats keep it whole).
const MAX_TEXT_LINE: usize = 1_000;

/// A line of a message cut to [`MAX_TEXT_LINE`] characters, saying how much was left out.
fn bounded(line: &str) -> std::borrow::Cow<'_, str> {
    // No more bytes than the limit, so no more characters either.
    if line.len() <= MAX_TEXT_LINE {
        return std::borrow::Cow::Borrowed(line);
    }
    match line.char_indices().nth(MAX_TEXT_LINE) {
        None => std::borrow::Cow::Borrowed(line),
        Some((cut, _)) => std::borrow::Cow::Owned(format!(
            "{}… ({} more bytes)",
            &line[..cut],
            line.len() - cut
        )),
    }
}

const RESET: &str = "\x1b[0m";
const LINUM: &str = "\x1b[2m";
const LINK: &str = "\x1b[36;1;4m";
const HELP: &str = "\x1b[36m";
const HIGHLIGHTS: [&str; 3] = ["\x1b[35;1m", "\x1b[33;1m", "\x1b[32;1m"];

/// Draws reports, with or without colour.
#[derive(Clone, Copy, Debug)]
pub struct FrameRenderer {
    color: bool,
}

impl FrameRenderer {
    pub fn new(color: bool) -> Self {
        FrameRenderer { color }
    }

    fn paint(&self, out: &mut String, style: &str, text: impl std::fmt::Display) {
        if self.color {
            let _ = write!(out, "{style}{text}{RESET}");
        } else {
            let _ = write!(out, "{text}");
        }
    }

    /// Appends one rendered report to `out`.
    pub fn render(&self, out: &mut String, report: &Report<'_>) {
        let (style, icon) = match report.level {
            Level::Error => ("\x1b[31m", "×"),
            Level::Warning => ("\x1b[33m", "⚠"),
            Level::Advice => ("\x1b[36m", "☞"),
        };
        if let Some(code) = report.code {
            self.paint(out, style, terminal_line(code));
            out.push_str("\n\n");
        }
        let message = terminal(report.message);
        for (i, line) in message.split_terminator('\n').enumerate() {
            out.push_str("  ");
            self.paint(out, style, if i == 0 { icon } else { "│" });
            if !line.trim().is_empty() {
                out.push(' ');
                out.push_str(&bounded(line));
            }
            out.push('\n');
        }
        if message.is_empty() {
            out.push_str("  ");
            self.paint(out, style, icon);
            out.push('\n');
        }
        match &report.place {
            Place::Nowhere => {}
            Place::Location { path, line, column } => {
                out.push_str("   ╭─[");
                self.paint(
                    out,
                    LINK,
                    format_args!("{}:{line}:{column}", terminal_line(path)),
                );
                out.push_str("]\n   ╰────\n");
            }
            Place::Frame { file, labels } => self.frames(out, file, labels),
        }
        if let Some(help) = report.help {
            let help = terminal(help);
            for (i, line) in help.split_terminator('\n').enumerate() {
                if i == 0 {
                    self.paint(out, HELP, "  help: ");
                } else if !line.trim().is_empty() {
                    out.push_str("        ");
                }
                out.push_str(&bounded(line));
                out.push('\n');
            }
        }
    }

    /// The frames of a file: labels grouped into contexts of nearby lines, one frame each.
    fn frames(&self, out: &mut String, file: &SourceFile, labels: &[Label<'_>]) {
        let mut labels: Vec<Label<'_>> = labels.to_vec();
        labels.sort_by_key(|l| l.span.offset);
        let omitted = labels.len().saturating_sub(MAX_LABELS);
        if omitted > 0 {
            // Keep the primary label and the first others.
            let primary = labels.iter().position(|l| l.primary).unwrap_or(0);
            let mut kept: Vec<Label<'_>> = Vec::with_capacity(MAX_LABELS);
            kept.push(labels[primary]);
            kept.extend(
                labels
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != primary)
                    .map(|(_, l)| *l)
                    .take(MAX_LABELS - 1),
            );
            kept.sort_by_key(|l| l.span.offset);
            labels = kept;
        }
        let marks: Vec<Mark> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| Mark::new(file, l, HIGHLIGHTS[i % HIGHLIGHTS.len()]))
            .collect();
        for context in contexts(file, &marks) {
            self.context(out, file, &marks, &context);
        }
        if omitted > 0 {
            let _ = writeln!(out, "  (and {omitted} more places not shown)");
        }
    }

    fn context(&self, out: &mut String, file: &SourceFile, marks: &[Mark], context: &Context) {
        let shown = file.displayable_lines();
        let first = context.first_line.saturating_sub(1);
        let last = (context.last_line + 1).min(shown.saturating_sub(1));
        let lines = if shown == 0 || first > last {
            1..1
        } else {
            first..last + 1
        };
        let width = if lines.is_empty() {
            1
        } else {
            digits(last + 1)
        };
        let in_context: Vec<&Mark> = context.marks.iter().map(|&i| &marks[i]).collect();
        let primary = in_context
            .iter()
            .find(|m| m.primary)
            .or_else(|| in_context.first())
            .copied();
        push_n(out, " ", width + 2);
        out.push_str("╭─[");
        match primary {
            Some(m) => self.paint(
                out,
                LINK,
                format_args!(
                    "{}:{}:{}",
                    terminal_line(&file.path),
                    m.span.line,
                    m.span.column
                ),
            ),
            None => self.paint(out, LINK, terminal_line(&file.path)),
        }
        out.push_str("]\n");
        for line in lines {
            let view = LineView::new(file, line, context.window);
            out.push(' ');
            if self.color {
                out.push_str(LINUM);
            }
            push_number(out, line + 1, width);
            if self.color {
                out.push_str(RESET);
            }
            out.push_str(" │ ");
            out.push_str(&view.text);
            out.push('\n');
            if in_context.iter().any(|m| m.line == line) {
                let on_line: Vec<&Mark> = in_context
                    .iter()
                    .filter(|m| m.line == line)
                    .copied()
                    .collect();
                self.underlines(out, &view, width, &on_line);
            }
        }
        push_n(out, " ", width + 2);
        out.push_str("╰────\n");
    }

    /// The underline row and the label rows of one line (miette's single-line highlights).
    fn underlines(&self, out: &mut String, view: &LineView, width: usize, marks: &[&Mark]) {
        let mut row = String::new();
        let mut highest = 0;
        let mut bars: Vec<(&Mark, usize)> = Vec::with_capacity(marks.len());
        for m in marks {
            let start = view.column(m.start).max(highest);
            let end = if m.len == 0 {
                start + 1
            } else {
                view.column(m.end).max(start + 1)
            };
            let bar = (start + end) / 2;
            let mid = if m.len == 0 {
                "▲"
            } else if m.text.is_some() {
                "┬"
            } else {
                "─"
            };
            if self.color {
                row.push_str(m.style);
            }
            push_n(&mut row, " ", start.saturating_sub(highest));
            push_n(&mut row, "─", bar - start);
            row.push_str(mid);
            push_n(&mut row, "─", end - bar - 1);
            if self.color {
                row.push_str(RESET);
            }
            highest = highest.max(end);
            bars.push((m, bar));
        }
        out.push(' ');
        push_n(out, " ", width);
        out.push_str(" · ");
        out.push_str(&row);
        out.push('\n');
        for m in marks.iter().rev() {
            let Some(text) = &m.text else { continue };
            out.push(' ');
            push_n(out, " ", width);
            out.push_str(" · ");
            let mut column = 1usize;
            for (other, bar) in &bars {
                while column < bar + 1 {
                    out.push(' ');
                    column += 1;
                }
                if std::ptr::eq(*other, *m) {
                    if self.color {
                        let _ = write!(out, "{0}╰── {0}{text}{RESET}{RESET}", m.style);
                    } else {
                        let _ = write!(out, "╰── {text}");
                    }
                    out.push('\n');
                    break;
                }
                self.paint(out, other.style, "│");
                column += 1;
            }
        }
    }
}

/// A label placed in a file: on one line, clamped to it.
struct Mark<'a> {
    /// 0-based line index.
    line: usize,
    /// Byte offsets in the file, within the line.
    start: usize,
    end: usize,
    len: usize,
    /// Bytes from the line's start to the label's start.
    column_bytes: usize,
    span: Span,
    /// Escaped for the terminal and bounded; borrowed when that changes nothing.
    text: Option<std::borrow::Cow<'a, str>>,
    primary: bool,
    style: &'static str,
}

impl<'a> Mark<'a> {
    fn new(file: &SourceFile, label: &Label<'a>, style: &'static str) -> Mark<'a> {
        let text_len = file.text.len();
        let start = label.span.offset.min(text_len);
        let line = file.line_index(start);
        let (line_start, content_end, line_end) = file.line_bounds(line);
        // A span that runs past its first line is shown on that line only.
        let mut end = label.span.end().min(text_len).max(start);
        if end > line_end {
            end = content_end.max(start);
        }
        Mark {
            line,
            start,
            end,
            len: end - start,
            column_bytes: start - line_start,
            span: label.span,
            text: label
                .text
                .filter(|t| !t.is_empty())
                .map(|t| match terminal_line(t) {
                    std::borrow::Cow::Borrowed(t) => bounded(t),
                    std::borrow::Cow::Owned(t) => std::borrow::Cow::Owned(bounded(&t).into_owned()),
                }),
            primary: label.primary,
            style,
        }
    }
}

/// Labels on nearby lines share a frame, as miette groups them; on long lines only labels close
/// enough to share a window do.
struct Context {
    /// Indices of the marks drawn in this frame.
    marks: Vec<usize>,
    first_line: usize,
    last_line: usize,
    /// For long lines: the byte (from each line's start) a window starts at.
    window: Option<usize>,
}

fn contexts(file: &SourceFile, marks: &[Mark]) -> Vec<Context> {
    let mut out: Vec<Context> = Vec::new();
    for (index, m) in marks.iter().enumerate() {
        let long = is_long(file, m.line);
        if let Some(last) = out.last_mut() {
            // miette merges a label into the frame before when their context lines touch.
            let reach = if last.first_line >= 2 { 4 } else { 3 };
            let near = m.line <= last.last_line + reach;
            let fits = match last.window {
                None => !long,
                Some(from) => {
                    m.column_bytes >= from
                        && columns_between(file, m.line, from, m.column_bytes) < WINDOW - 16
                }
            };
            if near && fits {
                last.last_line = last.last_line.max(m.line);
                last.marks.push(index);
                continue;
            }
        }
        out.push(Context {
            marks: vec![index],
            first_line: m.line,
            last_line: m.line,
            window: long.then(|| lead_start(file, m.line, m.column_bytes)),
        });
    }
    // Lines around the labels may be long although no label's line is.
    for c in &mut out {
        let shown = file.displayable_lines();
        if c.window.is_none()
            && (c.first_line.saturating_sub(1)..=c.last_line + 1)
                .any(|l| l < shown && is_long(file, l))
        {
            let first = c
                .marks
                .iter()
                .map(|&i| &marks[i])
                .min_by_key(|m| m.column_bytes);
            c.window = Some(first.map_or(0, |m| lead_start(file, m.line, m.column_bytes)));
        }
    }
    out
}

/// The display width of a character as a frame shows it (escaped if unsafe; tabs count as
/// one stop, which is all a bound needs).
fn shown_width(c: char) -> usize {
    if c == '\t' {
        TAB_WIDTH
    } else if is_unsafe_for_terminal(c) {
        terminal(c.encode_utf8(&mut [0; 4])).chars().count()
    } else {
        c.width().unwrap_or(0)
    }
}

/// Whether a line is too long to show whole: looked at no further than needed to tell.
fn is_long(file: &SourceFile, line: usize) -> bool {
    let (start, content_end, _) = file.line_bounds(line);
    if content_end - start > LONG_LINE {
        return true;
    }
    let content = &file.frame_text()[start..content_end];
    if is_plain(content) {
        return content.len() > LONG_COLUMNS;
    }
    content.chars().map(shown_width).sum::<usize>() > LONG_COLUMNS
}

/// Display columns between two byte offsets of a line (from its start), counted up to a cap.
fn columns_between(file: &SourceFile, line: usize, from: usize, to: usize) -> usize {
    let (start, content_end, _) = file.line_bounds(line);
    let content = &file.frame_text()[start..content_end];
    let (from, to) = (
        floor_boundary(content, from.min(content.len())),
        floor_boundary(content, to.min(content.len())),
    );
    let mut width = 0;
    for c in content[from..to.max(from)].chars() {
        width += shown_width(c);
        if width >= WINDOW {
            break;
        }
    }
    width
}

/// Where a window starts so that about [`WINDOW_LEAD`] columns precede `anchor` (bytes from
/// the line's start): found by walking back at most that many characters.
fn lead_start(file: &SourceFile, line: usize, anchor: usize) -> usize {
    let (start, content_end, _) = file.line_bounds(line);
    let content = &file.frame_text()[start..content_end];
    let anchor = floor_boundary(content, anchor.min(content.len()));
    let mut width = 0;
    let mut from = anchor;
    for (i, c) in content[..anchor].char_indices().rev() {
        width += shown_width(c);
        if width > WINDOW_LEAD {
            break;
        }
        from = i;
    }
    from
}

/// One line as shown: escaped, tabs expanded, and cut to the frame's window when long.
struct LineView<'f> {
    /// Borrowed from the file when the line is shown as it is.
    text: std::borrow::Cow<'f, str>,
    /// Where each shown character is drawn.
    columns: Columns,
    /// The line's last content byte, so a span past it shows one column further.
    content_end: usize,
    /// Whether the view ends before the line does.
    cut_end: bool,
}

impl<'f> LineView<'f> {
    fn new(file: &'f SourceFile, line: usize, window: Option<usize>) -> LineView<'f> {
        LineView::build(file, line, window, true)
    }

    /// `fast`: printable ASCII takes the shortcut (the tests compare it with the general way).
    fn build(file: &'f SourceFile, line: usize, window: Option<usize>, fast: bool) -> LineView<'f> {
        let (start, content_end, _) = file.line_bounds(line);
        let content = &file.frame_text()[start..content_end];
        let (from, limit) = match window {
            Some(from) if is_long(file, line) => {
                (floor_boundary(content, from.min(content.len())), WINDOW)
            }
            _ => (0, usize::MAX),
        };
        let mut text = String::new();
        let mut column = 0usize;
        if from > 0 {
            text.push('…');
            column += 1;
        }
        let rest = &content[from..];
        if fast && is_plain(rest) {
            // One byte, one column: shown as it is, columns by arithmetic.
            let shown = rest.len().min(limit.saturating_sub(column));
            let cut_end = shown < rest.len();
            let text = if from == 0 && !cut_end {
                std::borrow::Cow::Borrowed(rest)
            } else {
                text.push_str(&rest[..shown]);
                if cut_end {
                    text.push('…');
                }
                std::borrow::Cow::Owned(text)
            };
            return LineView {
                text,
                columns: Columns::Plain {
                    offset: start + from,
                    column,
                    len: shown,
                },
                content_end: start + content.len(),
                cut_end,
            };
        }
        let mut columns = Vec::new();
        let mut to = content.len();
        for (i, c) in content[from..].char_indices() {
            if column >= limit {
                to = from + i;
                break;
            }
            columns.push((start + from + i, column));
            if c == '\t' {
                let w = TAB_WIDTH - column % TAB_WIDTH;
                push_n(&mut text, " ", w);
                column += w;
            } else if is_unsafe_for_terminal(c) {
                let escaped = terminal(c.encode_utf8(&mut [0; 4])).into_owned();
                column += escaped.chars().count();
                text.push_str(&escaped);
            } else {
                text.push(c);
                column += c.width().unwrap_or(0);
            }
        }
        columns.push((start + to, column));
        let cut_end = to < content.len();
        if cut_end {
            text.push('…');
        }
        LineView {
            text: std::borrow::Cow::Owned(text),
            columns: Columns::Mapped(columns),
            content_end: start + content.len(),
            cut_end,
        }
    }

    /// The display column of a byte offset on this line (clamped to what is shown).
    fn column(&self, offset: usize) -> usize {
        let columns = match &self.columns {
            Columns::Mapped(columns) => columns,
            &Columns::Plain {
                offset: first_offset,
                column,
                len,
            } => {
                let last_offset = first_offset + len;
                return if offset > last_offset {
                    if !self.cut_end && offset > self.content_end {
                        column + len + 1
                    } else {
                        column + len
                    }
                } else {
                    column + offset.saturating_sub(first_offset)
                };
            }
        };
        let first = columns.first().map_or(0, |c| c.1);
        let (last_offset, last_column) = columns.last().copied().unwrap_or((0, 0));
        if offset > last_offset {
            // Past the line's text (its line break): one column further, as miette draws it.
            return if !self.cut_end && offset > self.content_end {
                last_column + 1
            } else {
                last_column
            };
        }
        match columns.binary_search_by_key(&offset, |c| c.0) {
            Ok(i) => columns[i].1,
            Err(0) => first,
            Err(i) => columns[i - 1].1,
        }
    }
}

/// Where a line's shown characters are drawn.
enum Columns {
    /// Printable ASCII: the byte at `offset + i` is drawn at `column + i`, for `i <= len`.
    Plain {
        offset: usize,
        column: usize,
        len: usize,
    },
    /// (byte offset in the file, display column before it) for each shown character, and one
    /// past the last.
    Mapped(Vec<(usize, usize)>),
}

/// Printable ASCII only (no tabs, no controls): one byte is one column, shown as it is.
fn is_plain(s: &str) -> bool {
    crate::sanitize::is_printable_ascii(s)
}

fn digits(mut n: usize) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

/// Appends `n` right-aligned in `width` columns, as `{n:width$}` writes it.
fn push_number(out: &mut String, n: usize, width: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    push_n(out, " ", width.saturating_sub(digits.len() - at));
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// Appends `n` copies of `s` (a space, a rule) without building them first.
fn push_n(out: &mut String, s: &str, n: usize) {
    for _ in 0..n {
        out.push_str(s);
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(text: &str, labels: Vec<Label>) -> String {
        let file = SourceFile::new("f.yaml", text);
        let mut out = String::new();
        FrameRenderer::new(false).render(
            &mut out,
            &Report {
                code: Some("error[x]"),
                level: Level::Error,
                message: "msg",
                place: Place::Frame {
                    file: &file,
                    labels,
                },
                help: Some("do this"),
            },
        );
        out
    }

    fn label<'a>(file_text: &str, needle: &str, text: &'a str) -> Label<'a> {
        let file = SourceFile::new("f.yaml", file_text);
        let offset = file_text.find(needle).unwrap_or(0);
        Label {
            span: file.span(offset, needle.len()),
            text: Some(text),
            primary: true,
        }
    }

    #[test]
    fn printable_ascii_lines_are_drawn_as_the_general_way_draws_them() {
        let long = format!("key: {}value {}", "a".repeat(300), "b".repeat(300));
        let text = format!("short: line\n{long}\nx\n\nlast");
        let file = SourceFile::new("t.yaml", text.as_str());
        for line in 0..file.displayable_lines() {
            for window in [None, Some(0), Some(7), Some(300), Some(10_000)] {
                let fast = LineView::build(&file, line, window, true);
                let general = LineView::build(&file, line, window, false);
                assert_eq!(fast.text, general.text, "line {line}, window {window:?}");
                assert_eq!(fast.cut_end, general.cut_end);
                for offset in 0..text.len() + 2 {
                    assert_eq!(
                        fast.column(offset),
                        general.column(offset),
                        "line {line}, window {window:?}, offset {offset}"
                    );
                }
            }
        }
    }

    #[test]
    fn numbers_are_padded_as_format_pads_them() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX] {
            for width in 0..25 {
                let mut out = String::new();
                push_number(&mut out, n, width);
                assert_eq!(out, format!("{n:width$}"));
            }
        }
    }

    #[test]
    fn a_frame_looks_like_miettes() {
        let text = "a: 1\nscopes: [x]\nb: 2\n";
        assert_eq!(
            render(text, vec![label(text, "[x]", "here")]),
            "error[x]\n\n  × msg\n   ╭─[f.yaml:2:9]\n 1 │ a: 1\n 2 │ scopes: [x]\n   ·         ─┬─\n   ·          ╰── here\n 3 │ b: 2\n   ╰────\n  help: do this\n"
        );
    }

    #[test]
    fn long_lines_are_windowed_at_any_column() {
        for column in [0, 10, 1_000, 65_535, 65_536, 70_000, 1_000_000] {
            let text = format!("k: {}TARGET{}\n", "x".repeat(column), "y".repeat(5_000));
            let out = render(&text, vec![label(&text, "TARGET", "here")]);
            assert!(out.contains("TARGET"), "{column}: {out}");
            assert!(out.len() < 1_200, "{column}: {} bytes", out.len());
            assert!(out.contains(&format!("f.yaml:1:{}", column + 4)), "{out}");
        }
    }

    #[test]
    fn spans_over_several_lines_show_their_first_line_only() {
        let text = "-----BEGIN KEY-----\nsecret1\nsecret2\nsecret3\n-----END KEY-----\n";
        let out = render(
            text,
            vec![Label {
                span: SourceFile::new("f", text).span(0, text.len()),
                text: Some("expected a mapping"),
                primary: true,
            }],
        );
        assert!(
            !out.contains("secret2") && !out.contains("secret3"),
            "{out}"
        );
    }

    #[test]
    fn places_are_capped_and_escapes_shown() {
        let text: String = (0..50).map(|i| format!("- e{i}\n")).collect();
        let file = SourceFile::new("f", text.as_str());
        let labels = (0..50)
            .map(|i| Label {
                span: file.span(text.find(&format!("e{i}\n")).unwrap_or(0), 2),
                text: Some("\u{1b}[2Jx"),
                primary: i == 0,
            })
            .collect();
        let out = render(&text, labels);
        assert!(out.contains("and 42 more places not shown"), "{out}");
        assert!(!out.contains('\u{1b}'));
    }
}
