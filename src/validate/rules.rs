//! The knobs of the rules, set from the command line.

/// Knobs of the rules.
#[derive(Debug, Clone)]
pub struct Rules {
    /// A field longer than this many characters gets a `long-field` warning.
    pub max_field_chars: usize,
    /// An answer of more words than this gets a `long-answer` warning.
    pub max_answer_words: usize,
    /// Questions at least this similar (0–1) get a `near-duplicate-question` warning.
    pub near_duplicate_similarity: f64,
    /// Lint levels from the command line (`--allow`, `--warn`, `--deny`),
    /// which override the bank's `lints:` table.
    pub lint_levels: std::collections::BTreeMap<crate::diagnostics::Code, crate::model::LintLevel>,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            max_field_chars: 2000,
            max_answer_words: 60,
            near_duplicate_similarity: 0.9,
            lint_levels: std::collections::BTreeMap::new(),
        }
    }
}
