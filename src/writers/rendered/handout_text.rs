//! Each card's question and answer as the handouts show them: cloze cards
//! turned into question and answer, cards of a bank's own note type rendered
//! from their templates. The two Markdown sheets and the print page all read
//! them, made once through [`super::Rendered::handout_text`]; each turns a
//! side into what it writes (sheet Markdown, or sanitized HTML for the page).

use std::borrow::Cow;

use crate::anki::note_type::Cards;
use crate::markup::sheet::SheetText;
use crate::model::CardType;
use crate::model::cloze;
use crate::transform::{Deck, DeckCard};

/// A card's question and answer as the handouts read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoutText<'d> {
    /// The prompt (cloze: the text with blanks).
    pub question: Side<'d>,
    /// The answer, with the card's `extra` below it (cloze: the text with
    /// the deletions in bold).
    pub answer: Side<'d>,
}

/// A question or an answer, as written or as rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side<'d> {
    /// Bank Markdown, media as the bank writes them: the card's own text
    /// (borrowed, so sharing it costs no second copy of the deck's text) or
    /// text made from it (a cloze card's blanks, an answer and its extra).
    Markdown(Cow<'d, str>),
    /// A card of the bank's own note type rendered from its templates: HTML
    /// with media by their packaged names. Not sanitized (templates may hold
    /// anything): every writer makes it safe for its own output.
    Html(String),
}

impl Side<'_> {
    /// The side as the Markdown sheets write it, media under
    /// `media/<deck>/` ([`markdown_media_path`]).
    pub fn sheet_text(&self, deck: &Deck) -> SheetText {
        match self {
            Side::Markdown(markdown) => SheetText::from_markdown(markdown, &|written| {
                deck.media_name(written)
                    .map(|name| markdown_media_path(deck, name))
            }),
            Side::Html(html) => SheetText::from_html(html, &|name| {
                deck.media_bytes(name)
                    .map(|_| markdown_media_path(deck, name))
            }),
        }
    }

    /// The length of its text in bytes.
    pub fn len(&self) -> usize {
        match self {
            Side::Markdown(markdown) => markdown.len(),
            Side::Html(html) => html.len(),
        }
    }

    /// Whether it holds no text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The Markdown, when the side is Markdown.
    pub fn markdown(&self) -> Option<&str> {
        match self {
            Side::Markdown(markdown) => Some(markdown),
            Side::Html(_) => None,
        }
    }
}

/// Every card's [`HandoutText`], in card order. Made on every core: the
/// cards are independent.
pub fn handout_text(deck: &Deck) -> Vec<HandoutText<'_>> {
    handout_text_on(deck, crate::worker_threads())
}

/// [`handout_text`] on at most `threads` threads.
pub fn handout_text_on(deck: &Deck, threads: usize) -> Vec<HandoutText<'_>> {
    // By reference, so each text may borrow from its card.
    let cards: Vec<&DeckCard> = deck.cards.iter().collect();
    crate::parallel_map_on(threads, &cards, |card| question_answer(deck, card))
}

fn question_answer<'d>(deck: &'d Deck, card: &'d DeckCard) -> HandoutText<'d> {
    if let Some(note) = &card.note
        && let Some(note_type) = deck.note_types.get(note.note_type)
    {
        // A card of the bank's own note type: its first card as Anki
        // renders it, media by their packaged names.
        let packaged = |written: &str| deck.media_name(written).map(str::to_string);
        let fields = note.fields_html(note_type, &packaged);
        let deck_name = card.deck.as_deref().unwrap_or(&deck.name);
        let rendered = note_type.render_cards(note, &fields, &card.tags, deck_name, Cards::First);
        return rendered
            .into_iter()
            .next()
            .map(|r| HandoutText {
                question: Side::Html(r.question),
                answer: Side::Html(r.answer),
            })
            .unwrap_or(HandoutText {
                question: Side::Markdown(Cow::Borrowed("")),
                answer: Side::Markdown(Cow::Borrowed("")),
            });
    }
    let (question, answer): (Cow<'d, str>, Cow<'d, str>) = match card.card_type {
        CardType::Cloze => {
            // Every deletion blanked at once (a nested one inside its own)
            // and revealed in bold.
            let text = card.text.as_str();
            let deletions = cloze::deletions(text);
            let mut q = String::new();
            let mut a = String::new();
            let mut last = 0;
            for d in &deletions {
                q.push_str(&text[last..d.range.start]);
                a.push_str(&text[last..d.range.start]);
                q.push_str(&match d.hint(text) {
                    Some(hint) => format!("\\_\\_\\_\\_\\_ ({hint})"),
                    None => "\\_\\_\\_\\_\\_".to_string(),
                });
                a.push_str(&format!("**{}**", d.answer(text).trim()));
                last = d.range.end;
            }
            q.push_str(&text[last..]);
            a.push_str(&text[last..]);
            (q.into(), a.into())
        }
        CardType::TypeIn => (
            without_typing_instruction(&card.question).into(),
            card.answer.as_str().into(),
        ),
        _ => (card.question.as_str().into(), card.answer.as_str().into()),
    };
    let answer = match &card.extra {
        Some(extra) => format!("{answer}\n\n{extra}").into(),
        None => answer,
    };
    HandoutText {
        question: Side::Markdown(question),
        answer: Side::Markdown(answer),
    }
}

/// A type-in question without its closing on-screen instruction: a final
/// parenthesis that starts with "Type" (`(Type the subcommand only.)`) tells
/// the learner what to type into Anki's box and means nothing on paper.
///
/// ```
/// use flashdeck::writers::handout::without_typing_instruction;
/// assert_eq!(without_typing_instruction("Which command? (Type the command only.)"), "Which command?");
/// assert_eq!(without_typing_instruction("What does (x) do?"), "What does (x) do?");
/// ```
pub fn without_typing_instruction(question: &str) -> &str {
    let trimmed = question.trim_end();
    if trimmed.ends_with(')')
        && let Some(open) = trimmed.rfind("(Type ")
        && !trimmed[open..].contains('\n')
    {
        return trimmed[..open].trim_end();
    }
    question
}

/// Where the Markdown sheets reference a media file: `media/<deck id>/<name>`
/// beside them, so banks built into one folder cannot overwrite each other's.
pub fn markdown_media_path(deck: &Deck, name: &str) -> String {
    format!("media/{}/{name}", deck.id)
}
