//! Stage 0 of `flashdeck convert`, read: the mirror of [`crate::writers`].
//! One module per input format, each a pure function from the input's bytes
//! to a [`Converted`] deck (no disk access of its own); [`bank_file`] turns
//! that into the text of a bank, which then goes through the same load →
//! validate path as a hand-written one (see `convert.rs`).
//!
//! To add an input format: a module with a `read(bytes, …) -> Result<Converted, ReadError>`,
//! a variant of [`InputFormat`], and a line in `convert::read_input`.

mod anki_collection;
pub mod anki_package;
pub mod anki_text;
pub mod bank_file;
mod protobuf;
pub mod quizlet;
pub mod spreadsheet;

use crate::model::{CardType, NoteKind};

/// The formats `convert` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// An Anki package (`.apkg`, any layout) or a whole collection (`.colpkg`).
    Anki,
    /// Anki's "Notes in Plain Text" export (`#separator:` headers).
    AnkiText,
    /// Quizlet's export text (term and definition on a line).
    Quizlet,
    /// A spreadsheet saved as CSV or TSV (a header row names the columns).
    Csv,
}

impl InputFormat {
    /// The format a file name suggests, if any.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".apkg") || lower.ends_with(".colpkg") {
            Some(InputFormat::Anki)
        } else if lower.ends_with(".csv") || lower.ends_with(".tsv") {
            Some(InputFormat::Csv)
        } else if lower.ends_with(".txt") {
            // Or Anki's text export: `convert` looks at the headers.
            Some(InputFormat::Quizlet)
        } else {
            None
        }
    }
}

/// Why an input cannot be converted; nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// 1-based line and column in a text input, when known.
    pub place: Option<(usize, usize)>,
}

impl ReadError {
    /// An error with a hint.
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> ReadError {
        ReadError {
            message: message.into(),
            hint: hint.into(),
            place: None,
        }
    }

    /// The same error at a line and column of a text input.
    pub fn at(mut self, line: usize, column: usize) -> ReadError {
        self.place = Some((line, column));
        self
    }
}

/// A deck read from another format, before it becomes a bank.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Converted {
    /// The deck's name (`::` between levels).
    pub deck_name: String,
    /// Note types that came with the deck (Anki); empty for inputs that
    /// carry none (their notes use the built-in types).
    pub note_types: Vec<ConvertedNoteType>,
    /// The notes, in the input's order.
    pub notes: Vec<ConvertedNote>,
    /// Media files by name (plain file names, checked).
    pub media: Vec<(String, Vec<u8>)>,
    /// What could not be represented, note by note (never dropped silently).
    pub skipped: Vec<String>,
    /// What the input said about scheduling (reported, never written).
    pub scheduling: Option<String>,
    /// Remarks for the report (a lossy input, a guessed separator).
    pub remarks: Vec<String>,
}

/// A note type as Anki had it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConvertedNoteType {
    /// Its name.
    pub name: String,
    /// Standard or cloze.
    pub kind: Option<NoteKind>,
    /// Field names and Anki's field config ids.
    pub fields: Vec<(String, Option<i64>)>,
    /// Templates: name, front, back, Anki's template config id.
    pub templates: Vec<(String, String, String, Option<i64>)>,
    /// The CSS.
    pub css: String,
    /// Index of the sort field.
    pub sort_field: usize,
    /// Anki's note type id.
    pub anki_id: Option<i64>,
    /// Anki's original stock kind (kept when not 0).
    pub original_stock_kind: Option<i64>,
    /// Anki's original id.
    pub original_id: Option<i64>,
    /// Modification time (Unix seconds).
    pub modified: i64,
}

/// Which type a note has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteTypeRef {
    /// One of the deck's note types, by index into [`Converted::note_types`].
    Anki(usize),
    /// A built-in card type (inputs without note types).
    BuiltIn(CardType),
}

impl Default for NoteTypeRef {
    fn default() -> Self {
        NoteTypeRef::BuiltIn(CardType::Basic)
    }
}

/// One note.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConvertedNote {
    /// Anki's GUID, kept.
    pub guid: Option<String>,
    /// Its type.
    pub note_type: NoteTypeRef,
    /// Field values in the type's order: HTML for Anki note types; for
    /// built-in types question then answer, as plain text.
    pub fields: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// (card ordinal, deck name) of each card.
    pub decks: Vec<(u32, String)>,
    /// Modification time (Unix seconds); 0 when the input has none.
    pub modified: i64,
}

/// Whether `name` is a plain file name Anki could have written: no folders,
/// no `..`, no control characters.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}
