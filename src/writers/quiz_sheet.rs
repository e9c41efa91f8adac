//! The quiz sheet `<deck>.quiz.md`: the numbered questions with room to
//! answer, then an answer key with the same numbers, on a new page in print.

use std::fmt::Write as _;

use super::handout::{
    CARD_BATCH, Item, header, push_sections, question_heading, sections, sheet_capacity,
    write_sheet,
};
use super::{Output, Rendered, WriteError, Writer};
use crate::markup::{dollar_math, escape_markdown_text, to_plain_text};

/// Writes the Markdown quiz sheet with its answer key.
pub struct QuizSheetWriter;

/// Raw HTML that pandoc and browsers turn into a page break; GitHub ignores it.
const PAGE_BREAK: &str = "<div style=\"break-before:page;page-break-before:always\"></div>";

impl Writer for QuizSheetWriter {
    fn write(&self, deck: &Rendered<'_>, out: &mut dyn Output) -> Result<(), WriteError> {
        let sections = sections(deck);
        let mut md = String::with_capacity(sheet_capacity(&sections, 256));
        header(&mut md, deck, "Quiz");
        md.push_str("Write your answer on the lines under each question (there are about as many as the answer needs), then check it against the answer key at the end.\n");
        // Each card's question (with lines to write on), then each card's
        // answer-key entry.
        push_sections(&mut md, &sections, question_block);
        let _ = write!(md, "\n{PAGE_BREAK}\n\n## Answer key\n");
        let items: Vec<&Item<'_>> = sections.iter().flat_map(|s| &s.items).collect();
        for key in crate::parallel_map_batched(&items, CARD_BATCH, |item| key_block(item)) {
            md.push_str(&key);
        }
        write_sheet(deck, "quiz.md", md, out)?;
        Ok(())
    }
}

/// A card's question with lines to write on.
fn question_block(item: &Item<'_>) -> String {
    let mut question = String::new();
    question_heading(&mut question, item.number, &dollar_math(item.question));
    question.push_str("\nAnswer:\n");
    // Thematic breaks: ruled lines to write on, in every renderer
    // (GitHub, CommonMark, Python-Markdown, pandoc) and on paper.
    for _ in 0..answer_lines(item.answer) {
        question.push_str("\n___\n");
    }
    question
}

/// A card's entry in the answer key.
fn key_block(item: &Item<'_>) -> String {
    format!(
        "\n### {}. {}\n\n{}\n",
        item.number,
        escape_markdown_text(&short_question(item.question)),
        dollar_math(item.answer).trim()
    )
}

/// Words a handwritten line holds, about.
const WORDS_PER_LINE: usize = 10;

/// Lines of room for an answer: about one per ten words, between 2 and 12.
fn answer_lines(answer_markdown: &str) -> usize {
    let words = to_plain_text(answer_markdown).split_whitespace().count();
    words.div_ceil(WORDS_PER_LINE).clamp(2, 12)
}

/// The question as one short line for the answer key's heading: plain text,
/// cut at a word boundary after about 80 characters.
fn short_question(question_markdown: &str) -> String {
    const MAX: usize = 80;
    let plain = to_plain_text(question_markdown);
    let plain = plain.trim();
    if plain.chars().count() <= MAX {
        return plain.to_string();
    }
    let mut cut = String::new();
    for word in plain.split_whitespace() {
        if cut.chars().count() + word.chars().count() + 1 > MAX {
            break;
        }
        if !cut.is_empty() {
            cut.push(' ');
        }
        cut.push_str(word);
    }
    format!("{cut} …")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::showcase_deck;

    #[test]
    fn room_grows_with_the_answer_and_the_key_repeats_the_question() {
        assert_eq!(answer_lines("Yes."), 2);
        assert_eq!(answer_lines(&"word ".repeat(100)), 10);
        assert_eq!(answer_lines(&"word ".repeat(1000)), 12);
        assert_eq!(
            short_question("What is `reverse()` for?"),
            "What is reverse() for?"
        );
        let long = short_question(&"many words here ".repeat(20));
        assert!(long.ends_with(" …") && long.chars().count() <= 82, "{long}");
    }

    #[test]
    fn quiz_sheet_snapshot() {
        let files = QuizSheetWriter
            .files(&Rendered::new(&showcase_deck()))
            .unwrap();
        insta::assert_snapshot!(String::from_utf8(files[0].bytes.clone()).unwrap());
    }
}
