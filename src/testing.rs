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
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("source/examples/showcase.yaml");
    let outcome = load_bank(&path);
    let loaded = outcome.bank.expect("the showcase bank loads");
    let validation = validate(&loaded, &Rules::default());
    assert!(
        validation.diagnostics.is_empty(),
        "the showcase bank is valid: {:?}",
        validation.diagnostics
    );
    let mut deck =
        build_deck(loaded.bank, &validation.media, validation.note_types).expect("media readable");
    deck.stamp(&|_| FIXED_TIME);
    deck
}
