//! The four note types, with fixed field names and templates. Their ids
//! derive from the deck id and the type; their modification time comes from
//! the lock and rises when [`style_fingerprint`] changes, so template and CSS
//! changes reach users on re-import.

use serde_json::{Value, json};

use crate::anki::ids::stable_id;
use crate::anki::note_type::NoteType as CustomNoteType;
use crate::model::CardType;
use crate::transform::Deck;

/// Study-friendly card styling: readable type, left-aligned code, night mode,
/// narrow screens.
pub const CSS: &str = include_str!("card.css");

/// One note type as flashdeck defines it.
pub struct NoteType {
    /// The card type it serves.
    pub card_type: CardType,
    /// Name suffix shown in Anki (`<deck name> · Basic`).
    pub label: &'static str,
    /// Field names, in order.
    pub fields: &'static [&'static str],
    /// Templates: (name, front, back).
    pub templates: &'static [(&'static str, &'static str, &'static str)],
}

/// What every back shows under the answer: the extra notes and the references.
macro_rules! back_extra {
    () => {
        "{{#Extra}}<div class=\"extra\">{{Extra}}</div>{{/Extra}}\n{{#References}}<div class=\"references\">{{References}}</div>{{/References}}"
    };
}

/// The note types, in [`CardType::ALL`] order.
pub const NOTE_TYPES: [NoteType; 4] = [
    NoteType {
        card_type: CardType::Basic,
        label: "Basic",
        fields: &["Front", "Back", "Extra", "References"],
        templates: &[(
            "Card 1",
            "<div class=\"front\">{{Front}}</div>",
            concat!(
                "<div class=\"front\">{{Front}}</div>\n<hr id=\"answer\">\n<div class=\"back\">{{Back}}</div>\n",
                back_extra!()
            ),
        )],
    },
    NoteType {
        card_type: CardType::Reversed,
        label: "Basic (and reversed card)",
        fields: &["Front", "Back", "Extra", "References"],
        templates: &[
            (
                "Card 1",
                "<div class=\"front\">{{Front}}</div>",
                concat!(
                    "<div class=\"front\">{{Front}}</div>\n<hr id=\"answer\">\n<div class=\"back\">{{Back}}</div>\n",
                    back_extra!()
                ),
            ),
            (
                "Card 2",
                "<div class=\"front\">{{Back}}</div>",
                concat!(
                    "<div class=\"front\">{{Back}}</div>\n<hr id=\"answer\">\n<div class=\"back\">{{Front}}</div>\n",
                    back_extra!()
                ),
            ),
        ],
    },
    NoteType {
        card_type: CardType::Cloze,
        label: "Cloze",
        fields: &["Text", "Extra", "References"],
        templates: &[(
            "Cloze",
            "<div class=\"cloze-text\">{{cloze:Text}}</div>",
            concat!(
                "<div class=\"cloze-text\">{{cloze:Text}}</div>\n",
                back_extra!()
            ),
        )],
    },
    NoteType {
        card_type: CardType::TypeIn,
        label: "Basic (type in the answer)",
        fields: &["Front", "Back", "Extra", "References"],
        templates: &[(
            "Card 1",
            "<div class=\"front\">{{Front}}</div>\n<div class=\"type-in\">{{type:Back}}</div>",
            concat!(
                "<div class=\"front\">{{Front}}</div>\n<hr id=\"answer\">\n<div class=\"type-in\">{{type:Back}}</div>\n",
                back_extra!()
            ),
        )],
    },
];

/// Legacy JSON of one field (`id`: Anki's field config id, only when kept).
fn field_json(name: &str, ord: usize, id: Option<i64>) -> Value {
    let mut field = json!({"name": name, "ord": ord, "sticky": false, "rtl": false,
           "font": "Arial", "size": 20, "media": [], "plainText": false,
           "collapsed": false, "excludeFromSearch": false});
    if let Some(id) = id {
        field["id"] = json!(id);
    }
    field
}

/// Legacy JSON of one card template (`id`: Anki's template config id, only when kept).
fn template_json(name: &str, ord: usize, front: &str, back: &str, id: Option<i64>) -> Value {
    let mut template = json!({"name": name, "ord": ord, "qfmt": front, "afmt": back,
           "bqfmt": "", "bafmt": "", "did": null, "bfont": "", "bsize": 0});
    if let Some(id) = id {
        template["id"] = json!(id);
    }
    template
}

/// Anki's default LaTeX preamble and postamble (unused unless a field holds `[latex]`).
const LATEX_PRE: &str = "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n";
const LATEX_POST: &str = "\\end{document}";

/// The note type serving `card_type`.
pub fn note_type(card_type: CardType) -> &'static NoteType {
    let index = CardType::ALL
        .iter()
        .position(|t| *t == card_type)
        .unwrap_or(0);
    &NOTE_TYPES[index]
}

/// A fingerprint of everything users see of a deck's note types (names, CSS,
/// templates, fields). The lock records it; when it changes, the note types'
/// modification time rises so Anki updates them on import.
pub fn style_fingerprint(deck: &Deck) -> String {
    let deck_name = deck.name.as_str();
    let mut text = String::from(CSS);
    for nt in &NOTE_TYPES {
        text.push_str(&nt.name(deck_name));
        for f in nt.fields {
            text.push_str(f);
        }
        for (name, front, back) in nt.templates {
            text.push_str(name);
            text.push_str(front);
            text.push_str(back);
        }
    }
    // The bank's own note types, only when it has some (so a bank without
    // them keeps the fingerprint, and the time, it had before they existed).
    for custom in &deck.note_types {
        text.push_str(&custom_to_json(&deck.id, custom, 0, 0).to_string());
    }
    crate::lock::content_hash(&[&text])
}

/// The Anki id of a bank-declared note type: the kept one, else derived
/// from the deck id and the name.
pub fn custom_id(deck_id: &str, note_type: &CustomNoteType) -> i64 {
    note_type
        .anki_id
        .unwrap_or_else(|| stable_id(&["flashdeck-notetype", deck_id, "custom", &note_type.name]))
}

/// The legacy (schema 11) JSON of a bank-declared note type, with the
/// field and template config ids and original kind the bank keeps (and none
/// invented: without ids Anki matches fields and templates by name).
pub fn custom_to_json(
    deck_id: &str,
    nt: &CustomNoteType,
    anki_deck_id: i64,
    modified: i64,
) -> Value {
    let fields: Vec<Value> = nt
        .fields
        .iter()
        .enumerate()
        .map(|(ord, field)| field_json(&field.name, ord, field.anki_id))
        .collect();
    let field_ords: std::collections::HashMap<&str, usize> = nt
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.as_str(), i))
        .collect();
    let templates: Vec<Value> = nt
        .templates
        .iter()
        .enumerate()
        .map(|(ord, t)| template_json(&t.name, ord, &t.front, &t.back, t.anki_id))
        .collect();
    // `req` (legacy): the fields each front refers to; Anki recomputes it.
    let req: Vec<Value> = nt
        .templates
        .iter()
        .enumerate()
        .map(|(ord, t)| {
            let mut used: Vec<usize> = t
                .front_parsed
                .references()
                .into_iter()
                .filter_map(|(k, _)| field_ords.get(k).copied())
                .collect();
            used.sort_unstable();
            used.dedup();
            json!([ord, "any", used])
        })
        .collect();
    let mut value = json!({
        "id": custom_id(deck_id, nt),
        "name": nt.name,
        "type": if nt.is_cloze() { 1 } else { 0 },
        "mod": modified,
        "usn": -1,
        "sortf": nt.sort_field,
        "did": anki_deck_id,
        "tmpls": templates,
        "flds": fields,
        "css": nt.css,
        "latexPre": LATEX_PRE,
        "latexPost": LATEX_POST,
        "latexsvg": false,
        "req": req,
        "tags": [],
        "vers": [],
    });
    if let Some(kind) = nt.original_stock_kind {
        value["originalStockKind"] = json!(kind);
    }
    if let Some(id) = nt.original_id {
        value["originalId"] = json!(id);
    }
    value
}

impl NoteType {
    /// The note type's id for a deck.
    pub fn id(&self, deck_id: &str) -> i64 {
        stable_id(&["flashdeck-notetype", deck_id, self.card_type.as_str()])
    }

    /// The name shown in Anki.
    pub fn name(&self, deck_name: &str) -> String {
        let leaf = deck_name.rsplit("::").next().unwrap_or(deck_name);
        format!("{leaf} · {}", self.label)
    }

    /// The legacy (schema 11) JSON of the note type.
    pub fn to_json(
        &self,
        deck_id: &str,
        deck_name: &str,
        anki_deck_id: i64,
        modified: i64,
    ) -> Value {
        let is_cloze = self.card_type == CardType::Cloze;
        let fields: Vec<Value> = self
            .fields
            .iter()
            .enumerate()
            .map(|(ord, name)| field_json(name, ord, None))
            .collect();
        let templates: Vec<Value> = self
            .templates
            .iter()
            .enumerate()
            .map(|(ord, (name, front, back))| template_json(name, ord, front, back, None))
            .collect();
        // `req`: which fields a template needs to produce a card (legacy field).
        let req: Vec<Value> = (0..self.templates.len())
            .map(|ord| {
                json!([
                    ord,
                    "any",
                    [if self.card_type == CardType::Reversed {
                        ord
                    } else {
                        0
                    }]
                ])
            })
            .collect();
        json!({
            "id": self.id(deck_id),
            "name": self.name(deck_name),
            "type": if is_cloze { 1 } else { 0 },
            "mod": modified,
            "usn": -1,
            "sortf": 0,
            "did": anki_deck_id,
            "tmpls": templates,
            "flds": fields,
            "css": CSS,
            "latexPre": LATEX_PRE,
            "latexPost": LATEX_POST,
            "latexsvg": false,
            "req": req,
            "tags": [],
            "vers": [],
        })
    }
}
