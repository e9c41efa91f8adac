//! The study sheet `<deck>.md`: title, description, contents by topic, then
//! every question followed by its answer, tags and references.

use std::fmt::Write as _;

use super::handout::{
    Item, autolink, code_span, header, push_sections, question_heading, sections, sheet_capacity,
    write_sheet,
};
use super::{Output, Rendered, WriteError, Writer};
use crate::markup::{dollar_math, escape_markdown_text};

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
                escape_markdown_text(&s.topic),
                s.anchor,
                s.items.len()
            );
        }
        push_sections(&mut md, &sections, card_block);
        write_sheet(deck, "md", md, out)?;
        Ok(())
    }
}

/// A card on the study sheet: its numbered question, answer, tags and references.
fn card_block(item: &Item<'_>) -> String {
    let mut md = String::new();
    question_heading(&mut md, item.number, &dollar_math(item.question));
    let _ = write!(md, "\n{}\n", dollar_math(item.answer).trim_end());
    let card = item.card;
    let tags: Vec<String> = card.tags.iter().map(|t| code_span(t)).collect();
    let _ = write!(md, "\n*Tags:* {}", tags.join(" "));
    if !card.references.is_empty() {
        let links: Vec<String> = card.references.iter().map(|r| autolink(r)).collect();
        let _ = write!(md, "  \n*References:* {}", links.join(" · "));
    }
    md.push('\n');
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
}
