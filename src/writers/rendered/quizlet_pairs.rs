//! Quizlet's term/definition pairs of a deck: each card flattened to plain
//! text. The Quizlet file, the CSV and the build's Quizlet checks all read
//! them, made once through [`super::Rendered::quizlet_pairs`].

use crate::anki::note_type::Cards;
use crate::markup::{Layout, html_to_plain, to_plain};
use crate::model::CardType;
use crate::model::cloze;
use crate::transform::{Deck, DeckCard};

/// One Quizlet term/definition pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// Id of the card it came from.
    pub card_id: String,
    /// The term side.
    pub term: String,
    /// The definition side.
    pub definition: String,
}

/// The layout of fields for the chosen separators: one line with the default
/// New line between cards; lines (no blank ones) when cards are separated by
/// something else, so multi-line definitions survive.
pub fn layout_for(term_sep: &str, card_sep: &str) -> Layout {
    if card_sep == "\n" || term_sep.contains('\n') {
        Layout::OneLine
    } else {
        Layout::Lines
    }
}

/// The pairs a deck gives: one per card, two for reversed cards (one each
/// way), in card order. Writers read them through [`Rendered::quizlet_pairs`],
/// which makes them once. The cards are flattened on every core.
pub fn pairs(deck: &Deck, layout: Layout) -> Vec<Pair> {
    crate::parallel_map(&deck.cards, |card| card_pairs(deck, card, layout))
        .into_iter()
        .flatten()
        .collect()
}

/// `text` without the control characters a deck from Anki may hold (a
/// bank allows them with `control-character: allow`): invisible, and a
/// U+2028 would end a Quizlet card early. Tabs and line breaks are the
/// layout's own.
fn without_controls(text: String) -> String {
    use crate::model::is_invisible_control;
    if text.contains(is_invisible_control) {
        text.chars().filter(|c| !is_invisible_control(*c)).collect()
    } else {
        text
    }
}

/// The pairs of one card.
fn card_pairs(deck: &Deck, card: &DeckCard, layout: Layout) -> Vec<Pair> {
    let to_plain_text = |md: &str| to_plain(md, layout);
    let pair = |term: String, definition: String| Pair {
        card_id: card.id.clone(),
        term: without_controls(term),
        definition: without_controls(definition),
    };
    if let Some(note) = &card.note
        && let Some(note_type) = deck.note_types.get(note.note_type)
    {
        // Image Occlusion masks hide parts of a picture: Quizlet's text
        // cannot (convert's report says so).
        if note_type.is_image_occlusion() {
            return Vec::new();
        }
        // A card of the bank's own note type: each card Anki would
        // make, rendered from its templates, flattened.
        let fields = note.fields_html(note_type, &|w| deck.media_name(w).map(str::to_string));
        let deck_name = card.deck.as_deref().unwrap_or(&deck.name);
        return note_type
            .render_cards(note, &fields, &card.tags, deck_name, Cards::Each)
            .into_iter()
            .map(|rendered| {
                pair(
                    html_to_plain(&rendered.question, layout),
                    html_to_plain(&rendered.answer, layout),
                )
            })
            .collect();
    }
    match card.card_type {
        CardType::Cloze => {
            let (term, definition) = cloze_pair(card, layout);
            vec![pair(term, definition)]
        }
        CardType::Reversed => {
            let (q, a) = (to_plain_text(&card.question), to_plain_text(&card.answer));
            vec![
                pair(q.clone(), with_extra(a.clone(), card, layout)),
                pair(a, q),
            ]
        }
        CardType::Basic | CardType::TypeIn => vec![pair(
            to_plain_text(&card.question),
            with_extra(to_plain_text(&card.answer), card, layout),
        )],
    }
}

fn with_extra(answer: String, card: &DeckCard, layout: Layout) -> String {
    match (&card.extra, layout) {
        // A dash, not parentheses: extras often hold parentheses of their own.
        (Some(extra), Layout::OneLine) => format!("{answer} — {}", to_plain(extra, layout)),
        (Some(extra), Layout::Lines) => format!("{answer}\n{}", to_plain(extra, layout)),
        (None, _) => answer,
    }
}

/// The sentence with a blank (or the hint) for each deletion, and the answers.
fn cloze_pair(card: &DeckCard, layout: Layout) -> (String, String) {
    // Each deletion blanked (a nested one inside its own), as a card that
    // asks for all of them at once shows them.
    let text = card.text.as_str();
    let deletions = cloze::deletions(text);
    let mut blanked = String::with_capacity(text.len());
    let mut last = 0;
    for d in &deletions {
        blanked.push_str(&text[last..d.range.start]);
        match d.hint(text) {
            Some(hint) => blanked.push_str(&format!("_____ ({hint})")),
            None => blanked.push_str("_____"),
        }
        last = d.range.end;
    }
    blanked.push_str(&text[last..]);
    let answers: Vec<String> = deletions
        .iter()
        .map(|d| to_plain(&d.answer(text), Layout::OneLine))
        .collect();
    let definition = with_extra(answers.join("; "), card, layout);
    (to_plain(&blanked, layout), definition)
}
