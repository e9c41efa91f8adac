//! Fixtures for unit tests: the showcase bank run through load, validate and
//! transform, with a fixed modification time.

use std::path::Path;

use crate::load::load_bank;
use crate::transform::{Deck, build_deck};
use crate::validate::{Rules, validate};

/// 2025-11-25, the modification time every fixture card gets.
pub const FIXED_TIME: i64 = 1_764_028_800;

/// The deck of `source/examples/showcase.yaml`.
pub fn showcase_deck() -> Deck {
    deck_of("source/examples/showcase.yaml")
}

/// The deck of `tests/corpus/converted/lang.yaml`: what `flashdeck convert`
/// made of a deck Anki built (`tests/anki/anki_deck.py make --html-notes`):
/// stock and custom note types, fields of HTML, code, tables, math, LaTeX,
/// a type-in answer in lines, subdecks and hierarchical tags.
pub fn converted_deck() -> Deck {
    deck_of("tests/corpus/converted/lang.yaml")
}

/// The text of the first file `writer` makes of `deck` (a sheet, the
/// Quizlet file), for snapshots.
pub fn first_file(writer: &dyn crate::writers::Writer, deck: &Deck) -> String {
    let files = writer
        .files(&crate::writers::Rendered::new(deck))
        .expect("the writer writes");
    let first = files.into_iter().next().expect("a file");
    String::from_utf8(first.bytes).expect("UTF-8")
}

fn deck_of(bank: &str) -> Deck {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(bank);
    let outcome = load_bank(&path);
    let loaded = outcome.bank.expect("the bank loads");
    let validation = validate(&loaded, &Rules::default());
    assert!(
        validation.diagnostics.is_empty(),
        "{bank} is valid: {:?}",
        validation.diagnostics
    );
    let mut deck =
        build_deck(loaded.bank, &validation.media, validation.note_types).expect("media readable");
    deck.stamp(&|_| FIXED_TIME);
    deck
}
