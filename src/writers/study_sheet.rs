//! The study sheet `<deck>.md`: title, description, contents by topic, then
//! every question followed by its answer, tags and references.

use std::fmt::Write as _;

use super::handout::{
    Item, iso_date, markdown_media_path, push_sections, sections, sheet_capacity, single_line,
    write_sheet,
};
use super::{Output, Rendered, WriteError, Writer};
use crate::transform::Deck;
use crate::transform::markup::{
    dollar_math, escape_markdown_text, is_safe_url, to_handout_markdown,
};

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

/// `text` as an inline code span, fenced with more backticks than it holds
/// (so a backtick in a tag cannot end the span and start Markdown or HTML).
pub(super) fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// A reference as an autolink when it is a plain http(s) URL, else as code.
pub(super) fn autolink(url: &str) -> String {
    let plain = is_safe_url(url)
        && url.contains("://")
        && !url.contains(|c: char| c.is_whitespace() || c.is_control() || c == '<' || c == '>');
    if plain {
        format!("<{url}>")
    } else {
        code_span(url)
    }
}

/// `# Title`, the date line and the description, shared by both Markdown sheets.
pub(super) fn header(md: &mut String, deck: &Deck, kind: &str) {
    let _ = writeln!(md, "# {}\n", escape_markdown_text(&deck.name));
    let count = deck.cards.len();
    let mut line = format!(
        "*{kind} · {count} card{}",
        if count == 1 { "" } else { "s" }
    );
    if deck.updated > 0 {
        let _ = write!(line, " · updated {}", iso_date(deck.updated));
    }
    let _ = writeln!(md, "{line}*\n");
    if let Some(description) = &deck.description {
        let description = to_handout_markdown(description, &|name| {
            deck.media_name(name)
                .map(|name| markdown_media_path(deck, name))
        });
        let _ = writeln!(md, "{}\n", dollar_math(&description).trim_end());
    }
}

/// `### N. Question` when the question fits a heading, else `### Question N`
/// followed by the full Markdown.
pub(super) fn question_heading(md: &mut String, number: usize, question: &str) {
    match single_line(question) {
        Some(line) => {
            let _ = writeln!(md, "\n### {number}. {line}");
        }
        None => {
            let _ = writeln!(md, "\n### Question {number}\n\n{}", question.trim_end());
        }
    }
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
