//! Stage 2, validate: the rules a loaded bank must satisfy before anything is
//! written. Each rule module reports located [`Diagnostic`]s and never stops
//! early, so one `flashdeck check` run shows every problem.

mod answers;
mod cards;
pub mod crowdanki;
mod duplicates;
pub mod limits;
pub mod lints;
mod media;
mod note_types;
mod rules;
mod slug;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::model::LoadedBank;

pub use media::{MediaFile, resolve_media};
pub use rules::Rules;
pub use slug::{is_slug, suggest_slug};

/// What validation found, and the media it resolved on the way (the build
/// packages them, so they are resolved once).
#[derive(Debug, Default)]
pub struct Validation {
    /// Problems found.
    pub diagnostics: Diagnostics,
    /// Media files that resolved.
    pub media: Vec<MediaFile>,
    /// The bank's own note types, resolved (templates read and parsed).
    pub note_types: Vec<crate::anki::note_type::NoteType>,
}

/// Runs every rule over `bank`.
pub fn validate(bank: &LoadedBank, rules: &Rules) -> Validation {
    let mut diagnostics = Diagnostics::new();
    let mut report = |d: Diagnostic| diagnostics.push(d);
    cards::check(bank, &mut report);
    crowdanki::check(bank, &mut report);
    limits::check(bank, &mut report);
    lints::check(bank, &mut report);
    let media = resolve_media(bank, &mut report);
    let note_types = note_types::check(bank, &mut report);
    let levels = lints::levels(&bank.bank.lints, &rules.lint_levels);
    let allowed = |code| levels.get(&code) == Some(&crate::model::LintLevel::Allow);
    if !allowed(crate::diagnostics::Code::LongAnswer) {
        answers::check(bank, rules, &mut report);
    }
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
