//! The study sheet `<deck>.md`: title, description, contents by topic, then
//! every question followed by its answer, tags and references.

use std::fmt::Write as _;

use super::handout::{
    Item, header, push_sections, push_tags_and_references, question_heading, sections,
    sheet_capacity, write_sheet,
};
use super::rendered::sheet_cards::SheetCard;
use super::{Output, Rendered, WriteError, Writer};
use crate::markup::sheet::escape_text;

/// Writes the Markdown study sheet.
pub struct StudySheetWriter;

impl Writer for StudySheetWriter {
    fn write(&self, deck: &Rendered<'_>, out: &mut dyn Output) -> Result<(), WriteError> {
        let sections = sections(deck);
        let mut md = String::with_capacity(sheet_capacity(&sections, 64));
        header(&mut md, deck, "Study sheet");
        md.push_str("## Contents\n\n");
        for s in &sections {
            let _ = writeln!(
                md,
                "- [{}](#{}) ({})",
                escape_text(&s.topic),
                s.anchor,
                s.items.len()
            );
        }
        let cards = deck.sheet_cards();
        push_sections(&mut md, &sections, |item| {
            (card_block(item, &cards[item.index]), ())
        });
        write_sheet(deck, "md", md, out)?;
        Ok(())
    }
}

/// A card on the study sheet: its numbered question, answer, tags and references.
fn card_block(item: &Item<'_>, sheet: &SheetCard<'_>) -> String {
    let mut md = String::with_capacity(sheet.question.len() + sheet.answer.len() + 160);
    question_heading(&mut md, item.number, sheet);
    if !sheet.answer.is_empty() {
        md.push('\n');
        md.push_str(&sheet.answer);
        md.push('\n');
    }
    push_tags_and_references(&mut md, item.card);
    md
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::showcase_deck;

    #[test]
    fn study_sheet_snapshot() {
        let files = StudySheetWriter
            .files(&Rendered::new(&showcase_deck()))
            .unwrap();
        insta::assert_snapshot!(String::from_utf8(files[0].bytes.clone()).unwrap());
    }

    /// A converted deck's sheet: topics from its subdecks, tables, code
    /// and math as Markdown, no literal entity or backslash.
    #[test]
    fn study_sheet_of_a_converted_deck_snapshot() {
        let deck = crate::testing::converted_deck();
        insta::assert_snapshot!(crate::testing::first_file(&StudySheetWriter, &deck));
    }
}
