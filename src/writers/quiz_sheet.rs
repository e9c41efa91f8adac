//! The quiz sheet `<deck>.quiz.md`: the numbered questions with room to
//! answer, then an answer key with the same numbers, on a new page in print.

use std::fmt::Write as _;

use super::handout::{
    Item, header, push_sections, question_heading, sections, sheet_capacity, write_sheet,
};
use super::rendered::sheet_cards::SheetCard;
use super::{Output, Rendered, WriteError, Writer};
use crate::markup::sheet::escape_text;

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
        let cards = deck.sheet_cards();
        push_sections(&mut md, &sections, |item| {
            (question_block(item, &cards[item.index]), ())
        });
        let _ = write!(md, "\n{PAGE_BREAK}\n\n## Answer key\n");
        for item in sections.iter().flat_map(|s| &s.items) {
            key_block(&mut md, item, &cards[item.index]);
        }
        write_sheet(deck, "quiz.md", md, out)?;
        Ok(())
    }
}

/// A card's question with lines to write on.
fn question_block(item: &Item<'_>, card: &SheetCard<'_>) -> String {
    let mut block = String::new();
    question_heading(&mut block, item.number, card);
    block.push_str("\nAnswer:\n");
    // Thematic breaks: ruled lines to write on, in every renderer
    // (GitHub, CommonMark, Python-Markdown, pandoc) and on paper.
    for _ in 0..answer_lines(card.answer_words) {
        block.push_str("\n___\n");
    }
    block
}

/// A card's entry in the answer key.
fn key_block(md: &mut String, item: &Item<'_>, card: &SheetCard<'_>) {
    let _ = writeln!(
        md,
        "\n### {}. {}",
        item.number,
        escape_text(&short_question(&card.question_plain))
    );
    if !card.answer.is_empty() {
        let _ = writeln!(md, "\n{}", card.answer);
    }
}

/// Words a handwritten line holds, about.
const WORDS_PER_LINE: usize = 10;

/// Lines of room for an answer of `words` words: about one per ten,
/// between 2 and 12.
fn answer_lines(words: usize) -> usize {
    words.div_ceil(WORDS_PER_LINE).clamp(2, 12)
}

/// The question (its plain text) as one short line for the answer key's
/// heading, cut at a word boundary after about 80 characters.
fn short_question(question: &str) -> String {
    const MAX: usize = 80;
    let plain = question.trim();
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
        assert_eq!(answer_lines(1), 2);
        assert_eq!(answer_lines(100), 10);
        assert_eq!(answer_lines(1000), 12);
        assert_eq!(
            short_question("What is reverse() for?"),
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

    /// A converted deck's sheet: topics from its subdecks, tables, code
    /// and math as Markdown, no literal entity or backslash.
    #[test]
    fn quiz_sheet_of_a_converted_deck_snapshot() {
        let deck = crate::testing::converted_deck();
        insta::assert_snapshot!(crate::testing::first_file(&QuizSheetWriter, &deck));
    }
}
