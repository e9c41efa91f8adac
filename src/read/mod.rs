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
pub mod crowdanki;
mod field_markdown;
mod protobuf;
pub mod quizlet;
pub mod spreadsheet;
pub mod yaml_text;

use crate::model::{CardType, Json, NoteKind};

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
    /// A CrowdAnki deck: its folder, or the folder's `deck.json`.
    #[value(name = "crowdanki")]
    CrowdAnki,
}

impl InputFormat {
    /// The format a file name suggests, if any.
    pub fn from_name(name: &str) -> Option<InputFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".apkg") || lower.ends_with(".colpkg") {
            Some(InputFormat::Anki)
        } else if lower.ends_with(".csv") || lower.ends_with(".tsv") {
            Some(InputFormat::Csv)
        } else if lower.ends_with(".json") {
            Some(InputFormat::CrowdAnki)
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
    /// The deck's description (HTML), when it has one.
    pub description: Option<String>,
    /// Media the notes name but the input lacks stay named as written (the
    /// bank lists them under `missing-media:`) instead of becoming visible
    /// text: for inputs whose media folder may be partial (CrowdAnki).
    pub keep_missing_media: bool,
    /// What a CrowdAnki deck keeps beyond notes and note types.
    pub crowdanki: Option<Box<CrowdAnkiExtras>>,
    /// The bank a package built by flashdeck carries (its text files, and
    /// where each media file sits beside it), when it carries one.
    pub carried_bank: Option<crate::transform::BankSources>,
}

impl Converted {
    /// The notes that have a GUID, by GUID.
    pub fn notes_by_guid(&self) -> std::collections::HashMap<&str, &ConvertedNote> {
        self.notes
            .iter()
            .filter_map(|n| Some((n.guid.as_deref()?, n)))
            .collect()
    }
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

/// What a CrowdAnki deck keeps beyond [`Converted`]'s notes and note
/// types: the keys flashdeck does not model, by the item they belong to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CrowdAnkiExtras {
    /// The top deck's other keys (`crowdanki_uuid`, `deck_configurations`, …).
    pub deck: Json,
    /// Each subdeck's other keys, by full name, in the JSON's order.
    pub subdecks: Vec<(String, Json)>,
    /// The other keys of the first note: what every note has unless it
    /// says otherwise.
    pub notes: Json,
    /// Per note type, in [`Converted::note_types`] order.
    pub note_types: Vec<CrowdAnkiNoteType>,
    /// Per note, in [`Converted::notes`] order: its other keys when they
    /// differ from [`CrowdAnkiExtras::notes`].
    pub note_keys: Vec<Option<Json>>,
}

/// A note model's `crowdanki_uuid` and the keys flashdeck does not model.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CrowdAnkiNoteType {
    /// Its `crowdanki_uuid`.
    pub uuid: Option<String>,
    /// Whether the model says its `type` (older exports always do).
    pub kind_written: bool,
    /// The model's other keys.
    pub keys: Json,
    /// Each field's other keys, in field order.
    pub fields: Vec<Json>,
    /// Each template's other keys, in template order.
    pub templates: Vec<Json>,
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
