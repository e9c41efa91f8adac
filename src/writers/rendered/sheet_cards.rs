//! Each card's question and answer as the Markdown sheets write them, made
//! once for both sheets (the study sheet and the quiz read the same text),
//! through [`super::Rendered::sheet_cards`].

use std::borrow::Cow;

use super::handout_text::{HandoutText, Side};
use crate::markup::sheet::SheetText;
use crate::transform::Deck;

/// A card's question and answer as sheet Markdown (see
/// [`crate::markup::sheet`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetCard<'d> {
    /// The question's blocks; borrowed from the card where the sheet writes
    /// the card's own text unchanged (most cards), so keeping it for the
    /// second sheet costs no copy.
    pub question: Cow<'d, str>,
    /// Whether the question is one paragraph, which fits a heading line.
    pub question_is_line: bool,
    /// The answer's blocks (borrowed likewise).
    pub answer: Cow<'d, str>,
    /// The words a reader sees in the answer.
    pub answer_words: usize,
    /// The question as plain text, for the answer key's headings.
    pub question_plain: String,
}

impl SheetCard<'_> {
    /// The question on one line (line breaks as spaces), when it is one
    /// paragraph.
    pub fn question_line(&self) -> Option<String> {
        self.question_is_line
            .then(|| self.question.replace("  \n", " ").replace('\n', " "))
    }
}

/// Every card's [`SheetCard`], in card order, made on every core.
pub fn sheet_cards<'d>(deck: &'d Deck, texts: &[HandoutText<'d>]) -> Vec<SheetCard<'d>> {
    sheet_cards_on(deck, texts, crate::worker_threads())
}

/// [`sheet_cards`] on at most `threads` threads.
pub fn sheet_cards_on<'d>(
    deck: &'d Deck,
    texts: &[HandoutText<'d>],
    threads: usize,
) -> Vec<SheetCard<'d>> {
    crate::parallel_map_on(threads, texts, |text| {
        let question = text.question.sheet_text(deck);
        let answer = text.answer.sheet_text(deck);
        SheetCard {
            question: markdown_of(&text.question, &question),
            question_is_line: question.is_one_paragraph(),
            answer: markdown_of(&text.answer, &answer),
            answer_words: answer.word_count(),
            question_plain: question.plain(),
        }
    })
}

/// The sheet Markdown of `side`, borrowed from the card's own text when it
/// is the same.
fn markdown_of<'d>(side: &Side<'d>, text: &SheetText) -> Cow<'d, str> {
    let markdown = text.to_markdown();
    if let Side::Markdown(Cow::Borrowed(source)) = side {
        let trimmed = source.trim();
        if trimmed == markdown {
            return Cow::Borrowed(trimmed);
        }
    }
    Cow::Owned(markdown)
}
