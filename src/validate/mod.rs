//! Stage 2, validate: the rules a loaded bank must satisfy before anything is
//! written. Each rule module reports located [`Diagnostic`]s and never stops
//! early, so one `flashdeck check` run shows every problem.

mod cards;
mod duplicates;
pub mod limits;
pub mod lints;
mod media;
mod note_types;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::LoadedBank;

pub use media::{MediaFile, resolve_media};

/// Knobs of the rules.
#[derive(Debug, Clone)]
pub struct Rules {
    /// A field longer than this many characters gets a `long-field` warning.
    pub max_field_chars: usize,
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
            near_duplicate_similarity: 0.9,
            lint_levels: std::collections::BTreeMap::new(),
        }
    }
}

/// What validation found, and the media it resolved on the way (the build
/// packages them, so they are resolved once).
#[derive(Debug, Default)]
pub struct Validation {
    /// Problems found.
    pub diagnostics: Diagnostics,
    /// Media files that resolved.
    pub media: Vec<MediaFile>,
    /// The bank's own note types, resolved (templates read and parsed).
    pub note_types: Vec<crate::transform::note_type::NoteType>,
}

/// Runs every rule over `bank`.
pub fn validate(bank: &LoadedBank, rules: &Rules) -> Validation {
    let mut diagnostics = Diagnostics::new();
    let mut report = |d: Diagnostic| diagnostics.push(d);
    cards::check(bank, &mut report);
    limits::check(bank, &mut report);
    lints::check(bank, &mut report);
    let media = resolve_media(bank, &mut report);
    let note_types = note_types::check(bank, &mut report);
    let levels = lints::levels(&bank.bank.lints, &rules.lint_levels);
    let allowed = |code| levels.get(&code) == Some(&crate::model::LintLevel::Allow);
    // A deck that allows both duplicate lints does not pay for the search.
    if !(allowed(crate::diagnostics::Code::DuplicateQuestion)
        && allowed(crate::diagnostics::Code::NearDuplicateQuestion))
    {
        duplicates::check(bank, rules, &mut report);
    }
    lints::apply(&mut diagnostics, &levels);
    Validation {
        diagnostics,
        media,
        note_types,
    }
}

/// Slugs: lowercase ASCII letters and digits in words joined by single hyphens.
///
/// ```
/// use flashdeck::validate::is_slug;
/// assert!(is_slug("what-is-django"));
/// assert!(!is_slug("What is Django"));
/// ```
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Turns free text into the nearest slug, for hints.
///
/// ```
/// assert_eq!(flashdeck::validate::suggest_slug("What is Django?"), "what-is-django");
/// ```
pub fn suggest_slug(s: &str) -> String {
    let lowered: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("what-is-django"));
        assert!(is_slug("q1"));
        assert!(!is_slug("What"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a_b"));
        assert_eq!(suggest_slug("What is Django?"), "what-is-django");
    }
}
