//! Stage 3, transform: a validated bank becomes a [`Deck`], the model every
//! writer reads. Defaults and topics turn into tags, filters pick the cards,
//! media files are read, and the lock supplies each card's modification time.
//!
//! Markdown rendering lives in [`crate::markup`], Anki's note types and
//! template language in [`crate::anki`]; writers call them with the options
//! their format needs.

mod deck;
mod filter;

pub use deck::{BankSources, Deck, DeckCard, Media, build_deck, topic_tag};
pub use filter::Filter;
