//! Note types a bank declares itself (`note-types:`), and the cards that use
//! them: what lets a bank hold any Anki deck (its own fields, templates, CSS,
//! and the Anki identity a deck that came from Anki must keep).

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::{Json, Located};
use crate::source::Span;

/// Standard (one card per template) or cloze (one card per deletion number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoteKind {
    /// One card per template whose front is not empty.
    Standard,
    /// One template; one card per `{{cN::…}}` number in the `{{cloze:…}}` fields.
    Cloze,
}

impl NoteKind {
    /// Parses `standard` or `cloze`.
    pub fn parse(name: &str) -> Option<NoteKind> {
        match name {
            "standard" => Some(NoteKind::Standard),
            "cloze" => Some(NoteKind::Cloze),
            _ => None,
        }
    }
}

/// A note type declared in the bank.
#[derive(Debug, Clone, Default, PartialEq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct NoteTypeDef {
    /// The name cards use in `note-type:` and Anki shows (`Vocabulary`).
    pub name: Located<String>,
    /// `standard` (default) or `cloze`.
    pub kind: Option<Located<NoteKind>>,
    /// The fields, in order: a name, or `{name, anki-id}`.
    #[schemars(with = "Vec<FieldDefSchema>")]
    pub fields: Vec<FieldDef>,
    /// The card templates, in order (a cloze note type has exactly one).
    pub templates: Vec<TemplateDef>,
    /// The cards' CSS, inline.
    pub css: Option<Located<String>>,
    /// The cards' CSS, from a file beside the bank (instead of `css`).
    #[serde(rename = "css-file")]
    pub css_file: Option<Located<String>>,
    /// The field Anki's browser sorts by (default: the first).
    #[serde(rename = "sort-field")]
    pub sort_field: Option<Located<String>>,
    /// `true` lets templates hold `<script>` (some shared decks need them);
    /// fields never may.
    #[schemars(with = "Option<bool>")]
    pub scripts: Option<Located<String>>,
    /// The note type's id in Anki. Keep it when the deck came from Anki, so
    /// its users' notes update instead of being duplicated; without it the id
    /// derives from `deck.id` and the name.
    #[serde(rename = "anki-id")]
    #[schemars(with = "Option<i64>")]
    pub anki_id: Option<Located<String>>,
    /// Anki's "original stock kind" of a note type cloned from a stock one (kept as read).
    #[serde(rename = "original-stock-kind")]
    #[schemars(with = "Option<i64>")]
    pub original_stock_kind: Option<Located<String>>,
    /// Anki's "original id" (the note type this one was copied from; kept as read).
    #[serde(rename = "original-id")]
    #[schemars(with = "Option<i64>")]
    pub original_id: Option<Located<String>>,
    /// The note type's `crowdanki_uuid`, kept from a CrowdAnki deck (without
    /// it `--format crowdanki` derives one from `deck.id` and the name).
    #[serde(rename = "crowdanki-uuid")]
    pub crowdanki_uuid: Option<Located<String>>,
    /// CrowdAnki keys of the note type that flashdeck does not model
    /// (`latexPre`, `req`, `vers`, …), written back as they are.
    #[schemars(with = "Option<JsonObjectSchema>")]
    pub crowdanki: Option<Located<Json>>,
    /// Where the entry starts (not part of the format).
    #[schemars(skip)]
    pub span: Span,
}

/// A field of the note type: its name (`Word`), or `{name, anki-id}` to keep
/// its Anki id. (The schema of one entry of `fields:`, as the loader reads it.)
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Only its schema is used.
pub(crate) enum FieldDefSchema {
    /// The field's name (`Word`).
    Name(String),
    /// `{name: Word, anki-id: 3360520230583135743}`.
    WithId(FieldDef),
}

/// One field of a note type.
#[derive(Debug, Clone, Default, PartialEq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FieldDef {
    /// The field's name (`Word`).
    pub name: Located<String>,
    /// Anki's field config id, kept from a deck that came from Anki; never invent one.
    #[serde(rename = "anki-id")]
    #[schemars(with = "Option<i64>")]
    pub anki_id: Option<Located<String>>,
    /// CrowdAnki keys of the field that flashdeck does not model (`font`, `size`, …).
    #[schemars(with = "Option<JsonObjectSchema>")]
    pub crowdanki: Option<Located<Json>>,
}

/// One card template of a note type, in Anki's template syntax.
#[derive(Debug, Clone, Default, PartialEq, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TemplateDef {
    /// The template's name (`Recognition`).
    pub name: Located<String>,
    /// The question side, inline (`{{Word}}`).
    pub front: Option<Located<String>>,
    /// The question side, from a file beside the bank (instead of `front`).
    #[serde(rename = "front-file")]
    pub front_file: Option<Located<String>>,
    /// The answer side, inline (`{{FrontSide}}<hr id=answer>{{Meaning}}`).
    pub back: Option<Located<String>>,
    /// The answer side, from a file beside the bank (instead of `back`).
    #[serde(rename = "back-file")]
    pub back_file: Option<Located<String>>,
    /// Anki's template config id, kept from a deck that came from Anki; never invent one.
    #[serde(rename = "anki-id")]
    #[schemars(with = "Option<i64>")]
    pub anki_id: Option<Located<String>>,
    /// CrowdAnki keys of the template that flashdeck does not model (`bafmt`, `did`, …).
    #[schemars(with = "Option<JsonObjectSchema>")]
    pub crowdanki: Option<Located<Json>>,
}

/// A card's value for one field of its note type.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoteField {
    /// The field's name as written.
    pub name: Located<String>,
    /// Its text: Markdown, or HTML when `html` is set.
    pub value: Located<String>,
    /// Written as `{html: …}`: HTML kept as written (sanitized).
    pub html: bool,
}

/// The schema of one field value: Markdown text, or `{html: …}`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)] // Only its schema is used.
pub(crate) enum FieldValueSchema {
    /// Markdown, rendered to HTML like every other field.
    Markdown(String),
    /// HTML kept as written (sanitized with the same rules).
    Html(HtmlFieldSchema),
}

/// `{html: …}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)] // Only its schema is used.
pub(crate) struct HtmlFieldSchema {
    /// The field's HTML, kept as written.
    html: String,
}

/// The schema of a `crowdanki:` mapping: JSON values by key, kept as written.
pub(crate) type JsonObjectSchema = BTreeMap<String, serde_json::Value>;

/// The schema of the deck's `crowdanki:` mapping.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[allow(dead_code)] // Only its schema is used.
pub(crate) struct DeckCrowdAnkiSchema {
    /// The top deck's keys (`crowdanki_uuid`, `deck_configurations`, `extendNew`, …).
    deck: Option<JsonObjectSchema>,
    /// Each subdeck's keys, by its full name (`Lang::Verbs`).
    subdecks: Option<BTreeMap<String, JsonObjectSchema>>,
    /// The keys of every note that has no `crowdanki:` of its own (`flags`, `data`).
    notes: Option<JsonObjectSchema>,
}

/// The schema of a card's `fields:` mapping.
pub(crate) type FieldsSchema = BTreeMap<String, FieldValueSchema>;

/// The schema of a card's `decks:` mapping (template name → deck).
pub(crate) type TemplateDecksSchema = BTreeMap<String, String>;

/// A card's deck for one of its templates (`decks: {Production: Lang::Verbs}`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TemplateDeck {
    /// The template's name.
    pub template: Located<String>,
    /// The deck its card goes to.
    pub deck: Located<String>,
}
