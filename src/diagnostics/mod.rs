//! Located problems found in a bank, and how they are shown.
//!
//! Every rule reports a [`Diagnostic`]: a stable [`Code`], a one-line message,
//! the place (`file:line:column` plus the byte span for the snippet) and a hint
//! that says how to fix it. [`render`] prints them in the style of rustc and
//! cargo; [`json`] prints the same data for tools.

mod code;
pub mod json;
pub mod render;

pub use code::Code;

use std::path::{Path, PathBuf};

use crate::source::{SourceFile, Span};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The bank cannot be built.
    Error,
    /// The bank builds, but something is probably wrong; fails with `--deny-warnings`.
    Warning,
}

impl Severity {
    /// "error" or "warning".
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// A second place that explains the first, e.g. where a duplicate id was first used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    /// Where, in the same file.
    pub span: Span,
    /// 1-based line of `span`.
    pub line: usize,
    /// 1-based column of `span`.
    pub column: usize,
    /// What is there.
    pub label: String,
}

impl Related {
    /// The place `span` of `source`, located, with its label.
    fn at(source: &SourceFile, span: Span, label: impl Into<String>) -> Related {
        let (line, column) = source.line_column(span.start);
        Related {
            span,
            line,
            column,
            label: label.into(),
        }
    }
}

/// One problem at one place in one bank file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable identifier of the rule that fired.
    pub code: Code,
    /// One line saying what is wrong.
    pub message: String,
    /// The bank file.
    pub file: PathBuf,
    /// Byte span in the file; `None` when the problem is the whole file.
    pub span: Option<Span>,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Short label drawn under the snippet.
    pub label: Option<String>,
    /// How to fix it.
    pub hint: Option<String>,
    /// Other places that explain this one.
    pub related: Vec<Related>,
    /// Every member of a group this diagnostic stands for (all near-duplicate
    /// questions, say), in the JSON form; the human form shows `related`.
    pub members: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic of `code`'s default severity at `span` of `source`.
    pub fn new(code: Code, source: &SourceFile, span: Span, message: impl Into<String>) -> Self {
        let (line, column) = source.line_column(span.start);
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            file: source.path().to_path_buf(),
            span: Some(span),
            line,
            column,
            label: None,
            hint: None,
            related: Vec::new(),
            members: Vec::new(),
        }
    }

    /// A diagnostic about a whole file (unreadable, empty), at line 1 column 1
    /// unless `at` says otherwise.
    pub fn for_file(code: Code, file: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: code.severity(),
            code,
            message: message.into(),
            file: file.to_path_buf(),
            span: None,
            line: 1,
            column: 1,
            label: None,
            hint: None,
            related: Vec::new(),
            members: Vec::new(),
        }
    }

    /// Sets the label drawn under the snippet.
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the hint that says how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a second place in the same file.
    pub fn related(mut self, source: &SourceFile, span: Span, label: impl Into<String>) -> Self {
        self.related.push(Related::at(source, span, label));
        self
    }

    /// Adds a member of the group this diagnostic stands for.
    pub fn member(mut self, source: &SourceFile, span: Span, label: impl Into<String>) -> Self {
        self.members.push(Related::at(source, span, label));
        self
    }

    /// `file:line:column`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// Diagnostics collected over a run, kept in the order they were found.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// No diagnostics yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Records all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many are errors and how many warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self
            .items
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        (errors, self.items.len() - errors)
    }

    /// Turns every warning into an error (`--deny-warnings`).
    pub fn deny_warnings(&mut self) {
        for d in &mut self.items {
            d.severity = Severity::Error;
        }
    }

    /// Applies lint levels: `level_of(code)` says what a code's diagnostics
    /// become (dropped, warnings or errors); `None` leaves them as they are.
    /// Only warnings can be allowed or kept as warnings: an error stays one.
    pub fn apply_levels(&mut self, level_of: impl Fn(Code) -> Option<crate::model::LintLevel>) {
        use crate::model::LintLevel;
        self.items.retain_mut(|d| {
            let lowerable = d.code.is_lowerable();
            match level_of(d.code) {
                Some(LintLevel::Allow) if lowerable => false,
                Some(LintLevel::Warn) if lowerable => {
                    d.severity = Severity::Warning;
                    true
                }
                Some(LintLevel::Deny) => {
                    d.severity = Severity::Error;
                    true
                }
                _ => true,
            }
        });
    }

    /// Sorts by file, then position, so output is stable however rules ran.
    pub fn sort(&mut self) {
        self.items
            .sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    }

    /// The diagnostics, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.items.len()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}
