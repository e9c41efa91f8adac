//! What a build puts into each Anki note of a bank: its GUID, field HTML,
//! tags and modification time. `convert` checks the bank a package carries
//! against the package's notes with it, and `pull` tells what changed in
//! Anki by comparing an export's notes with it.

use crate::anki::ids::note_guid;
use crate::lock::Lock;
use crate::pipeline::CheckedBank;
use crate::transform::{Deck, build_deck};
use crate::writers::apkg::fields::note_fields;

/// One note as the bank's .apkg holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltNote {
    /// The card's index in [`Deck::cards`] (a card of the bank is one note).
    pub card: usize,
    /// The note's GUID.
    pub guid: String,
    /// Each field's HTML, in the note type's order.
    pub fields: Vec<String>,
    /// Its tags (topic and default tags included), in the bank's order.
    pub tags: Vec<String>,
    /// Its modification time, from the lock.
    pub modified: i64,
}

/// The deck a checked bank builds, dated by `lock`.
pub fn dated_deck(checked: CheckedBank, lock: &Lock) -> std::io::Result<Deck> {
    let mut deck = build_deck(checked.loaded.bank, &checked.media, checked.note_types)?;
    deck.stamp(&|id| lock.modified(id));
    Ok(deck)
}

/// Every note of `deck`, in card order.
pub fn built_notes(deck: &Deck) -> Vec<BuiltNote> {
    crate::parallel::parallel_map(&deck.cards, |card| note_fields(deck, card))
        .into_iter()
        .zip(&deck.cards)
        .enumerate()
        .map(|(index, (fields, card))| BuiltNote {
            card: index,
            guid: card
                .guid
                .clone()
                .unwrap_or_else(|| note_guid(&deck.id, &card.id)),
            fields,
            tags: card.tags.clone(),
            modified: card.modified,
        })
        .collect()
}
