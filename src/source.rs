//! A bank file's text, with the byte-offset ↔ line/column arithmetic that
//! diagnostics need.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A byte range in a [`SourceFile`]'s text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span covering `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `at`.
    pub fn point(at: usize) -> Self {
        Span { start: at, end: at }
    }
}

/// A bank's text as read from disk, with an index of line starts. Cloning is
/// cheap (shared), so diagnostics and the model can each hold one.
#[derive(Debug, Clone)]
pub struct SourceFile {
    path: PathBuf,
    // `Arc<String>`, not `Arc<str>`: wrapping a String does not copy its text.
    text: Arc<String>,
    line_starts: Arc<[usize]>,
}

impl SourceFile {
    /// Wraps `text` read from `path`.
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let line_starts: Arc<[usize]> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text: Arc::new(text),
            line_starts,
        }
    }

    /// The same text under another path (a file staged under a temporary
    /// name, reported under the name it is meant to have).
    pub fn renamed(&self, path: &Path) -> SourceFile {
        SourceFile {
            path: path.to_path_buf(),
            text: Arc::clone(&self.text),
            line_starts: Arc::clone(&self.line_starts),
        }
    }

    /// The path the text was read from, as given by the user.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text under `span`, or "" when the span is out of range.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let line_start = self.line_starts[line - 1];
        let column = self
            .text
            .get(line_start..offset)
            .map_or(offset - line_start, |s| s.chars().count())
            + 1;
        (line, column)
    }

    /// Byte offset of a 1-based line and 1-based character column.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&line_start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[line_start..];
        let line_text = rest.split('\n').next().unwrap_or("");
        line_start
            + line_text
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_text.len(), |(i, _)| i)
    }

    /// Finds `needle` inside `within`, returning its span; used to point at a
    /// Markdown link inside a multi-line field.
    pub fn find_in(&self, within: Span, needle: &str) -> Option<Span> {
        let hay = self.text.get(within.start..within.end)?;
        hay.find(needle)
            .map(|i| Span::new(within.start + i, within.start + i + needle.len()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_from_one() {
        let file = SourceFile::new("b.yaml", "ab\nçd: x\n".to_string());
        assert_eq!(file.line_column(0), (1, 1));
        assert_eq!(file.line_column(3), (2, 1));
        // 'ç' is two bytes but one column.
        assert_eq!(file.line_column(6), (2, 3));
        assert_eq!(file.offset_of(2, 3), 6);
    }
}
