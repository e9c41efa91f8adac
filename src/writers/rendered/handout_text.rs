//! Each card's question and answer as the handouts show them: cloze cards
//! turned into question and answer, cards of a bank's own note type rendered
//! from their templates. The two Markdown sheets and the print page all read
//! them, made once through [`super::Rendered::handout_text`].

use std::borrow::Cow;

use crate::anki::note_type::Cards;
use crate::markup::{html_to_markdown, to_handout_markdown};
use crate::model::CardType;
use crate::model::cloze;
use crate::transform::{Deck, DeckCard};

/// A card's question and answer as handout Markdown; borrowed from the
/// deck where it is the card's own text (most cards), so sharing it costs
/// no second copy of the deck's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoutText<'d> {
    /// Markdown of the prompt (cloze: the text with blanks).
    pub question: Cow<'d, str>,
    /// Markdown of the answer (cloze: the text with the deletions in bold).
    pub answer: Cow<'d, str>,
}

/// Every card's [`HandoutText`], in card order, with media pointing under
/// `media/<deck>/` (where the Markdown sheets ship them; the print page
/// swaps in data URIs as it renders). Made on every core: the cards are
/// independent.
pub fn handout_text(deck: &Deck) -> Vec<HandoutText<'_>> {
    let media_url = |name: &str| Some(markdown_media_path(deck, name));
    // By reference, so each text may borrow from its card.
    let cards: Vec<&DeckCard> = deck.cards.iter().collect();
    crate::parallel_map(&cards, |card| question_answer(deck, card, &media_url))
}

fn question_answer<'d>(
    deck: &'d Deck,
    card: &'d DeckCard,
    media_url: &dyn Fn(&str) -> Option<String>,
) -> HandoutText<'d> {
    let handout_url = |written: &str| deck.media_name(written).and_then(media_url);
    // The handout Markdown of text the card holds (borrowed when nothing
    // changes) or of text made here.
    let media = |md: Cow<'d, str>| match md {
        Cow::Borrowed(md) => to_handout_markdown(md, &handout_url),
        Cow::Owned(md) => {
            let edited = match to_handout_markdown(&md, &handout_url) {
                Cow::Owned(edited) => Some(edited),
                Cow::Borrowed(_) => None,
            };
            Cow::Owned(edited.unwrap_or(md))
        }
    };
    if let Some(note) = &card.note
        && let Some(note_type) = deck.note_types.get(note.note_type)
    {
        // A card of the bank's own note type: its first card as Anki
        // renders it, as Markdown like every other card.
        let fields = note.fields_html(note_type, &handout_url);
        let deck_name = card.deck.as_deref().unwrap_or(&deck.name);
        let rendered = note_type.render_cards(note, &fields, &card.tags, deck_name, Cards::First);
        return rendered
            .into_iter()
            .next()
            .map(|r| HandoutText {
                question: html_to_markdown(&r.question).into(),
                answer: html_to_markdown(&r.answer).into(),
            })
            .unwrap_or(HandoutText {
                question: Cow::Borrowed(""),
                answer: Cow::Borrowed(""),
            });
    }
    let (question, answer): (Cow<'d, str>, Cow<'d, str>) = match card.card_type {
        CardType::Cloze => {
            let deletions = cloze::parse(&card.text).unwrap_or_default();
            let mut q = String::new();
            let mut a = String::new();
            let mut last = 0;
            for d in &deletions {
                q.push_str(&card.text[last..d.range.start]);
                a.push_str(&card.text[last..d.range.start]);
                q.push_str(&match &d.hint {
                    Some(hint) => format!("\\_\\_\\_\\_\\_ ({hint})"),
                    None => "\\_\\_\\_\\_\\_".to_string(),
                });
                a.push_str(&format!("**{}**", d.answer.trim()));
                last = d.range.end;
            }
            q.push_str(&card.text[last..]);
            a.push_str(&card.text[last..]);
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
        question: media(question),
        answer: media(answer),
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
