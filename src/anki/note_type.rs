//! A bank-declared note type after validation: templates read (from the bank
//! or their files) and parsed, CSS read, Anki identity parsed. The writers
//! read these; cards of such a type carry a [`Note`].

use std::collections::HashSet;

use super::template::{Template, field_is_empty};
use crate::model::{Json, NoteKind};

/// A note type ready for the writers.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteType {
    /// The name Anki shows.
    pub name: String,
    /// Standard or cloze.
    pub kind: NoteKind,
    /// The fields, in order.
    pub fields: Vec<NoteTypeField>,
    /// The card templates, in order.
    pub templates: Vec<CardTemplate>,
    /// The cards' CSS.
    pub css: String,
    /// Index of the sort field.
    pub sort_field: usize,
    /// The id to keep in Anki (`None`: derived from the deck id and the name).
    pub anki_id: Option<i64>,
    /// Anki's original stock kind, kept as read.
    pub original_stock_kind: Option<i64>,
    /// Anki's original id, kept as read.
    pub original_id: Option<i64>,
    /// Whether the bank says `kind:` (CrowdAnki writes `type` then).
    pub kind_written: bool,
    /// The CrowdAnki uuid the bank keeps.
    pub crowdanki_uuid: Option<String>,
    /// CrowdAnki keys the bank keeps as they were (an object).
    pub crowdanki: Option<Json>,
}

/// One field of a [`NoteType`].
#[derive(Debug, Clone, PartialEq)]
pub struct NoteTypeField {
    /// Its name.
    pub name: String,
    /// Anki's field config id, when the bank keeps one.
    pub anki_id: Option<i64>,
    /// CrowdAnki keys the bank keeps as they were (an object).
    pub crowdanki: Option<Json>,
}

/// One card template of a [`NoteType`].
#[derive(Debug, Clone, PartialEq)]
pub struct CardTemplate {
    /// Its name.
    pub name: String,
    /// The question side as written.
    pub front: String,
    /// The answer side as written.
    pub back: String,
    /// `front`, parsed.
    pub front_parsed: Template,
    /// `back`, parsed.
    pub back_parsed: Template,
    /// Anki's template config id, when the bank keeps one.
    pub anki_id: Option<i64>,
    /// CrowdAnki keys the bank keeps as they were (an object).
    pub crowdanki: Option<Json>,
}

/// A card's note of a bank-declared type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Index into [`super::Deck::note_types`].
    pub note_type: usize,
    /// One value per field of the note type, in its order (missing ones empty).
    pub fields: Vec<FieldValue>,
}

/// One field's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldValue {
    /// Markdown, or HTML when `html`.
    pub text: String,
    /// HTML kept as written (sanitized), not Markdown.
    pub html: bool,
}

impl FieldValue {
    /// Whether Anki would count the field as empty. Markdown that is only
    /// whitespace renders to nothing; HTML follows Anki's rule.
    pub fn is_empty(&self) -> bool {
        if self.html {
            field_is_empty(&self.text)
        } else {
            self.text.trim().is_empty()
        }
    }
}

/// Anki's "original stock kind" of Image Occlusion note types (Anki 23.10+):
/// cloze note types whose masks are deletions of their Occlusion field.
pub const IMAGE_OCCLUSION: i64 = 6;

impl NoteType {
    /// Whether it is Anki's Image Occlusion note type (or a copy of it).
    pub fn is_image_occlusion(&self) -> bool {
        self.original_stock_kind == Some(IMAGE_OCCLUSION)
    }

    /// Whether notes of this type get one card per cloze number.
    pub fn is_cloze(&self) -> bool {
        self.kind == NoteKind::Cloze
    }

    /// The cards a note with these field values gets, as Anki generates them:
    /// for a standard type the ordinals of the templates whose front is not
    /// empty; for a cloze type the deletion numbers (minus one) of the
    /// fields the template uses with `{{cloze:…}}`.
    pub fn card_ords(&self, fields: &[FieldValue]) -> Vec<u32> {
        if self.is_cloze() {
            let Some(template) = self.templates.first() else {
                return Vec::new();
            };
            let cloze_fields = template.front_parsed.cloze_fields();
            let mut numbers: Vec<u32> = self
                .fields
                .iter()
                .zip(fields)
                .filter(|(f, _)| cloze_fields.contains(&f.name.as_str()))
                .flat_map(|(_, v)| crate::model::cloze::numbers(&v.text))
                .map(|n| n - 1)
                .collect();
            numbers.sort_unstable();
            numbers.dedup();
            return numbers;
        }
        let nonempty: HashSet<&str> = self
            .fields
            .iter()
            .zip(fields)
            .filter(|(_, v)| !v.is_empty())
            .map(|(f, _)| f.name.as_str())
            .collect();
        self.templates
            .iter()
            .enumerate()
            .filter(|(_, t)| t.front_parsed.renders_with(&nonempty))
            .map(|(ord, _)| ord as u32)
            .collect()
    }

    /// The fields a cloze note type's template reads with `{{cloze:…}}`
    /// (none for a standard note type).
    pub fn cloze_field_names(&self) -> Vec<&str> {
        if !self.is_cloze() {
            return Vec::new();
        }
        self.templates
            .first()
            .map(|t| t.front_parsed.cloze_fields())
            .unwrap_or_default()
    }

    /// The index of the field named `name`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

impl Note {
    /// The HTML of each field, in note type order: Markdown rendered (cloze
    /// fields with their non-cloze braces escaped, as for built-in cloze
    /// cards), HTML sanitized; media references point where `media_url` says.
    pub fn fields_html(
        &self,
        note_type: &NoteType,
        media_url: &dyn Fn(&str) -> Option<String>,
    ) -> Vec<String> {
        let cloze_fields = note_type.cloze_field_names();
        note_type
            .fields
            .iter()
            .zip(&self.fields)
            .map(|(field, value)| {
                if value.html {
                    crate::markup::html_field_for_anki(&value.text, media_url)
                } else if value.text.trim().is_empty() {
                    String::new()
                } else {
                    inline_paragraph(crate::markup::to_html(
                        &value.text,
                        &crate::markup::HtmlOptions {
                            media_url,
                            escape_braces: cloze_fields.contains(&field.name.as_str()),
                        },
                    ))
                }
            })
            .collect()
    }
}

/// A field that renders to one paragraph is written without its `<p>`:
/// Anki templates place fields inline (`<div class=word>{{Word}}</div>`),
/// and a word typed in Anki's editor has no paragraph around it either.
///
/// ```
/// use flashdeck::anki::note_type::inline_paragraph;
/// assert_eq!(inline_paragraph("<p>hablar</p>".into()), "hablar");
/// assert_eq!(inline_paragraph("<p>a</p>\n<p>b</p>".into()), "<p>a</p>\n<p>b</p>");
/// ```
pub fn inline_paragraph(html: String) -> String {
    match html
        .strip_prefix("<p>")
        .and_then(|rest| rest.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") && !inner.contains("</p>") => inner.to_string(),
        _ => html,
    }
}

/// One card of a note, rendered outside Anki.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedCard {
    /// The question side's HTML.
    pub question: String,
    /// The answer without the question above it: what follows Anki's
    /// `<hr id=answer>` marker, or the whole back rendered with an empty
    /// `{{FrontSide}}` when there is no marker.
    pub answer: String,
}

/// What a rendering outside Anki shows of a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cards {
    /// Every card Anki would make (a cloze note: one card with every
    /// deletion blanked); Quizlet gets one pair per card.
    Each,
    /// The first card only (a cloze note: every deletion blanked); the
    /// handouts show each note once.
    First,
}

impl NoteType {
    /// Renders a note's cards with Anki's template semantics. `fields_html`
    /// is [`Note::fields_html`]; `tags` and `deck` fill `{{Tags}}` and `{{Deck}}`.
    pub fn render_cards(
        &self,
        note: &Note,
        fields_html: &[String],
        tags: &[String],
        deck: &str,
        which: Cards,
    ) -> Vec<RenderedCard> {
        use super::template::{CardContext, ClozeCard};
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .zip(fields_html)
            .map(|(f, v)| (f.name.as_str(), v.as_str()))
            .collect();
        let tags = tags.join(" ");
        let subdeck = deck.rsplit("::").next().unwrap_or(deck);
        let ords: Vec<(usize, ClozeCard)> = if self.is_cloze() {
            vec![(0, ClozeCard::All)]
        } else {
            let ords = self.card_ords(&note.fields);
            let take = if which == Cards::First { 1 } else { ords.len() };
            ords.into_iter()
                .take(take)
                .map(|o| (o as usize, ClozeCard::Number(o + 1)))
                .collect()
        };
        ords.into_iter()
            .filter_map(|(index, cloze)| {
                let template = self.templates.get(index)?;
                let specials = [
                    ("Tags", tags.as_str()),
                    ("Type", self.name.as_str()),
                    ("Deck", deck),
                    ("Subdeck", subdeck),
                    ("Card", template.name.as_str()),
                    ("CardFlag", ""),
                ];
                let render = |side: &Template, question: bool| {
                    side.render(&CardContext {
                        fields: &fields,
                        specials: &specials,
                        cloze,
                        question,
                        // The answer is read below Anki's marker, so the
                        // question is not repeated through `{{FrontSide}}`.
                        front_side: "",
                    })
                };
                // LaTeX as Anki reads it from the rendered card (its
                // `extract_latex`), shown as math or source outside Anki.
                let question = latex_shown(render(&template.front_parsed, true));
                let back = render(&template.back_parsed, false);
                let answer = latex_shown(after_answer_marker(&back).trim().to_string());
                Some(RenderedCard { question, answer })
            })
            .collect()
    }
}

/// `html` with Anki's LaTeX markers shown ([`crate::markup::anki_latex`]).
fn latex_shown(html: String) -> String {
    let shown = match crate::markup::anki_latex(&html) {
        std::borrow::Cow::Owned(shown) => Some(shown),
        std::borrow::Cow::Borrowed(_) => None,
    };
    shown.unwrap_or(html)
}

/// What follows Anki's `<hr id=answer>` (any quoting), or all of `back`.
fn after_answer_marker(back: &str) -> &str {
    let lower = back.to_ascii_lowercase();
    for marker in ["<hr id=answer>", "<hr id=\"answer\">", "<hr id='answer'>"] {
        if let Some(at) = lower.find(marker) {
            return &back[at + marker.len()..];
        }
    }
    back
}
