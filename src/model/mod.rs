//! The bank as flashdeck understands it: a deck, defaults, and cards.
//!
//! These types are filled by [`crate::load`], checked by [`crate::validate`],
//! and their JSON Schema (`flashdeck schema`) is derived from them, so the
//! editor schema and the loader cannot drift apart.

pub mod cloze;
pub mod json;
mod located;
pub mod note_type;
pub mod schema;

use std::path::PathBuf;

use schemars::JsonSchema;

pub use json::Json;

/// Characters no output carries safely: C0 controls other than tab and line
/// breaks, DEL, C1 controls (U+0085 among them), and the Unicode line and
/// paragraph separators. They reach outputs invisibly and break them: a NUL
/// in SQLite text, U+2028 or a form feed as a line break inside a Quizlet
/// card, a vertical tab in a Markdown heading. A bank refuses them
/// (`control-character`) unless it allows them, as a deck from Anki may.
pub fn is_invisible_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{2028}' | '\u{2029}')
}
pub use located::Located;
pub use note_type::{FieldDef, NoteField, NoteKind, NoteTypeDef, TemplateDeck, TemplateDef};

use crate::source::SourceFile;

/// A bank file: one deck of cards.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[schemars(deny_unknown_fields, title = "flashdeck bank")]
pub struct Bank {
    /// The deck every card of this bank belongs to.
    pub deck: DeckMeta,
    /// Values applied to every card that does not set its own.
    #[schemars(default)]
    pub defaults: Option<Defaults>,
    /// Lint levels this deck always wants, by diagnostic code
    /// (`near-duplicate-question: allow`); the command line's `--allow`,
    /// `--warn` and `--deny` override them.
    #[schemars(default, with = "std::collections::BTreeMap<String, LintLevel>")]
    pub lints: Vec<LintSetting>,
    /// Note types of the bank's own (fields, templates, CSS), for cards
    /// that set `note-type:`; the four built-in types need none.
    #[serde(rename = "note-types")]
    #[schemars(default)]
    pub note_types: Vec<NoteTypeDef>,
    /// Media that only templates or CSS use (fonts, `_style.css`), paths
    /// relative to the bank, so they are packaged.
    #[schemars(default)]
    pub media: Vec<Located<String>>,
    /// Media files the deck's notes name that the deck it was converted
    /// from did not hold (written by `flashdeck convert`): references to
    /// them are kept as written and nothing is packaged for them; the bank
    /// checks with one warning (`media-not-in-source`), not an error per reference.
    #[serde(rename = "missing-media")]
    #[schemars(default)]
    pub missing_media: Vec<Located<String>>,
    /// The cards, in study order.
    pub cards: Vec<Card>,
}

/// What the deck is called and how it is identified.
#[derive(Debug, Clone, PartialEq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DeckMeta {
    /// Stable slug (`[a-z0-9]+(-[a-z0-9]+)*`). Every Anki id derives from it:
    /// never change it once the deck is published.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: Located<String>,
    /// Deck name shown in Anki; `::` makes subdecks (`Languages::Django`).
    pub name: Located<String>,
    /// Markdown describing the deck (Anki's deck description, the handouts'
    /// introduction), or `{html: …}` for HTML kept as written (sanitized).
    #[schemars(with = "Option<note_type::FieldValueSchema>")]
    pub description: Option<Located<String>>,
    /// The description was written as `{html: …}` (not part of the format).
    #[schemars(skip)]
    pub description_html: bool,
    /// What a deck converted from CrowdAnki keeps that flashdeck does not
    /// model (written by `flashdeck convert`, read by `--format crowdanki`):
    /// the deck's own keys, its subdecks' keys by full name, and the keys
    /// every note has. Not needed in banks written by hand.
    #[schemars(with = "Option<note_type::DeckCrowdAnkiSchema>")]
    pub crowdanki: Option<Located<Json>>,
}

/// Defaults applied to every card.
#[derive(Debug, Clone, Default, PartialEq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Defaults {
    /// Tags added to every card.
    #[schemars(default)]
    pub tags: Vec<Located<String>>,
    /// Card type of cards that do not set `type`.
    #[serde(rename = "type")]
    pub card_type: Option<Located<CardType>>,
    /// Note type (declared under `note-types:`) of cards that set neither
    /// `type` nor `note-type`.
    #[serde(rename = "note-type")]
    pub note_type: Option<Located<String>>,
}

/// What a lint does: nothing (`allow`), a warning (`warn`), or an error
/// that fails the check (`deny`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum LintLevel {
    /// The diagnostic is not reported.
    Allow,
    /// Reported as a warning.
    Warn,
    /// Reported as an error.
    Deny,
}

impl LintLevel {
    /// `allow`, `warn` or `deny`.
    pub fn parse(name: &str) -> Option<LintLevel> {
        match name {
            "allow" => Some(LintLevel::Allow),
            "warn" => Some(LintLevel::Warn),
            "deny" => Some(LintLevel::Deny),
            _ => None,
        }
    }
}

/// One entry of a bank's `lints:` table, as written (checked by validation).
#[derive(Debug, Clone, PartialEq)]
pub struct LintSetting {
    /// The diagnostic code, e.g. `near-duplicate-question`.
    pub code: Located<String>,
    /// The level as written: `allow`, `warn` or `deny`.
    pub level: Located<String>,
}

/// The four kinds of card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CardType {
    /// Question on the front, answer on the back.
    Basic,
    /// Like basic, plus a second card asking the answer's side first.
    Reversed,
    /// A `text` with `{{c1::…}}` deletions; one card per deletion number.
    Cloze,
    /// Question on the front; the learner types the answer, which is compared.
    TypeIn,
}

impl CardType {
    /// Every type, in the order of the documentation.
    pub const ALL: [CardType; 4] = [
        CardType::Basic,
        CardType::Reversed,
        CardType::Cloze,
        CardType::TypeIn,
    ];

    /// The name used in banks (`type-in`).
    pub fn as_str(self) -> &'static str {
        match self {
            CardType::Basic => "basic",
            CardType::Reversed => "reversed",
            CardType::Cloze => "cloze",
            CardType::TypeIn => "type-in",
        }
    }

    /// Parses a bank's `type:` value.
    pub fn parse(name: &str) -> Option<CardType> {
        CardType::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// One flashcard as written in the bank.
#[derive(Debug, Clone, Default, PartialEq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Card {
    /// Stable slug, unique in the bank. The Anki note's GUID derives from
    /// (deck.id, card.id), so edits to the text keep the learner's history.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: Located<String>,
    /// Groups the handouts; also added as a tag.
    pub topic: Option<Located<String>>,
    /// Card type; defaults to `defaults.type`, else `basic`.
    #[serde(rename = "type")]
    pub card_type: Option<Located<CardType>>,
    /// Markdown prompt (basic, reversed, type-in).
    pub question: Option<Located<String>>,
    /// Markdown answer (basic, reversed, type-in).
    pub answer: Option<Located<String>>,
    /// Markdown with `{{c1::…}}` deletions (cloze only).
    pub text: Option<Located<String>>,
    /// Optional Markdown shown on the back, under the answer.
    pub extra: Option<Located<String>>,
    /// Tags; `::` makes a hierarchy. No spaces.
    #[schemars(default)]
    pub tags: Vec<Located<String>>,
    /// http(s) links to where the answer can be checked.
    #[schemars(default)]
    pub references: Vec<Located<String>>,
    /// A note type declared under `note-types:` (instead of `type`).
    #[serde(rename = "note-type")]
    pub note_type: Option<Located<String>>,
    /// The note's field values by field name (with `note-type`): Markdown
    /// text, or `{html: …}` for HTML kept as written.
    #[schemars(default, with = "note_type::FieldsSchema")]
    pub fields: Vec<NoteField>,
    /// The Anki note's GUID, kept from a deck that came from Anki (any of
    /// Anki's GUID characters, unique in the bank). Without it the GUID
    /// derives from `deck.id` and the card's `id`.
    pub guid: Option<Located<String>>,
    /// The Anki deck of the card (`Lang::Verbs`); default: the bank's deck.
    pub deck: Option<Located<String>>,
    /// A deck per template, for notes whose cards sit in different decks
    /// (`decks: {Production: Lang::Verbs}`); overrides `deck`.
    #[schemars(default, with = "note_type::TemplateDecksSchema")]
    pub decks: Vec<TemplateDeck>,
    /// CrowdAnki keys of this note that flashdeck does not model (`flags`,
    /// `data`), when they differ from the deck's `crowdanki.notes`.
    #[schemars(with = "Option<note_type::JsonObjectSchema>")]
    pub crowdanki: Option<Located<Json>>,
    /// Whether a field was present but unreadable (wrong type, unknown card
    /// type); already reported, so type-dependent checks are skipped
    /// (not part of the format).
    #[schemars(skip)]
    pub malformed: bool,
}

impl Card {
    /// The card's type after defaults.
    pub fn resolved_type(&self, defaults: Option<&Defaults>) -> CardType {
        self.card_type
            .as_ref()
            .map(|t| t.value)
            .or_else(|| defaults.and_then(|d| d.card_type.as_ref()).map(|t| t.value))
            .unwrap_or(CardType::Basic)
    }

    /// The note type the card names, after defaults (`None`: a built-in type).
    pub fn resolved_note_type<'a>(
        &'a self,
        defaults: Option<&'a Defaults>,
    ) -> Option<&'a Located<String>> {
        if self.card_type.is_some() {
            return self.note_type.as_ref();
        }
        self.note_type
            .as_ref()
            .or_else(|| defaults.and_then(|d| d.note_type.as_ref()))
    }

    /// Every text field the card has, named as in the bank: the built-in
    /// Markdown fields, then the note fields (Markdown or HTML).
    pub fn markdown_fields(&self) -> impl Iterator<Item = (&str, &Located<String>)> {
        [
            ("question", self.question.as_ref()),
            ("answer", self.answer.as_ref()),
            ("text", self.text.as_ref()),
            ("extra", self.extra.as_ref()),
        ]
        .into_iter()
        .filter_map(|(name, field)| field.map(|f| (name, f)))
        .chain(
            self.fields
                .iter()
                .map(|f| (f.name.value.as_str(), &f.value)),
        )
    }
}

/// A bank together with the file it came from.
#[derive(Debug, Clone)]
pub struct LoadedBank {
    /// The file's text, for diagnostics.
    pub source: SourceFile,
    /// The folder media paths are relative to.
    pub base_dir: PathBuf,
    /// The parsed bank.
    pub bank: Bank,
}
