//! Anki's own rules, below every stage that needs them: its template
//! language ([`template`]), note types resolved from a bank and the cards
//! Anki makes of a note ([`note_type`]), and the ids and GUIDs of notes,
//! cards, decks and note types ([`ids`]). Validation, the writers and the
//! converter all read them; they read only the model and [`crate::markup`].

pub mod ids;
pub mod note_type;
pub mod template;
