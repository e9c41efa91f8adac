//! What the three handouts share: cards grouped by topic and numbered once,
//! the sheets' media, their header and question headings.

use std::fmt::Write as _;
use std::path::PathBuf;

use super::output::Output;
use super::rendered::Rendered;
pub use super::rendered::handout_text::{
    HandoutText, Side, handout_text, markdown_media_path, without_typing_instruction,
};
use super::rendered::sheet_cards::SheetCard;
use crate::markup::is_safe_url;
use crate::markup::sheet::{escape_text, push_code_span};
use crate::transform::{Deck, DeckCard};

/// Cards whose handout blocks are rendered at a time (on every core) before
/// they join the sheet or page: enough to keep the cores busy, few enough
/// that one batch of text waits beside the output.
pub const CARD_BATCH: usize = 4096;

/// Cards without a topic are grouped under this heading, after the others.
pub const NO_TOPIC: &str = "Other";

/// A numbered card with its question and answer.
pub struct Item<'a> {
    /// 1-based number, the same on the study sheet, quiz and answer key.
    pub number: usize,
    /// The card's place in the deck.
    pub index: usize,
    /// The card.
    pub card: &'a DeckCard,
    /// The prompt (cloze: the text with blanks).
    pub question: &'a Side<'a>,
    /// The answer (cloze: the text with the deletions in bold).
    pub answer: &'a Side<'a>,
}

/// A topic and its cards.
pub struct Section<'a> {
    /// Topic name.
    pub topic: String,
    /// Anchor slug for links.
    pub anchor: String,
    /// Its cards, numbered.
    pub items: Vec<Item<'a>>,
}

/// Groups cards by topic in order of first appearance (untopiced last) and
/// numbers them consecutively in that order, with the deck's shared
/// [`HandoutText`].
pub fn sections<'a>(deck: &'a Rendered<'_>) -> Vec<Section<'a>> {
    let texts = deck.handout_text();
    // Cards grouped by topic in one pass, topics in order of first appearance.
    let mut topics: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (at_card, card) in deck.cards.iter().enumerate() {
        let topic = card.topic.as_deref().unwrap_or(NO_TOPIC);
        let at = *index.entry(topic).or_insert_with(|| {
            topics.push((topic, Vec::new()));
            topics.len() - 1
        });
        topics[at].1.push(at_card);
    }
    if let Some(i) = topics.iter().position(|(t, _)| *t == NO_TOPIC) {
        let other = topics.remove(i);
        topics.push(other);
    }
    let mut number = 0;
    topics
        .into_iter()
        .map(|(topic, cards)| {
            let topic = topic.to_string();
            let items = cards
                .into_iter()
                .map(|at_card| {
                    number += 1;
                    let text = &texts[at_card];
                    Item {
                        number,
                        index: at_card,
                        card: &deck.deck().cards[at_card],
                        question: &text.question,
                        answer: &text.answer,
                    }
                })
                .collect();
            Section {
                anchor: anchor(&topic),
                topic,
                items,
            }
        })
        .collect()
}

/// Appends each section to a Markdown sheet: its `## topic` heading, then
/// the block `block` makes of each of its cards. The blocks are made on
/// every core, a batch at a time, and join the sheet in order; what else
/// `block` gives for each card (the quiz's answer-key entry) is returned,
/// in order.
pub fn push_sections<T: Send>(
    md: &mut String,
    sections: &[Section<'_>],
    block: impl Fn(&Item<'_>) -> (String, T) + Sync,
) -> Vec<T> {
    let items: Vec<&Item<'_>> = sections.iter().flat_map(|s| &s.items).collect();
    let mut blocks = crate::parallel_map_batched(&items, CARD_BATCH, |item| block(item));
    let mut kept = Vec::with_capacity(items.len());
    for s in sections {
        md.push_str("\n## ");
        md.push_str(&escape_text(&s.topic));
        md.push('\n');
        for (block, also) in blocks.by_ref().take(s.items.len()) {
            md.push_str(&block);
            kept.push(also);
        }
    }
    kept
}

/// Room for a Markdown sheet of `sections`: the cards' text, tags and
/// references, plus `per_card` bytes each, and a quarter more. Reserved up
/// front, a sheet never moves as it grows (a move holds two copies of tens
/// of MB for a moment); room it does not use is never touched, so the
/// system gives it no memory.
pub fn sheet_capacity(sections: &[Section<'_>], per_card: usize) -> usize {
    let text: usize = sections
        .iter()
        .flat_map(|s| &s.items)
        .map(|item| {
            let card = item.card;
            let listed: usize = card
                .tags
                .iter()
                .chain(&card.references)
                .map(String::len)
                .sum();
            item.question.len() + item.answer.len() + listed + per_card
        })
        .sum();
    text + text / 4 + (1 << 16)
}

/// Writes a Markdown sheet, `<deck>.<suffix>`, and the media files it
/// references (both sheets ship them; the output keeps the first). The
/// sheet is safe as it is: every card's text went through [`SheetText`].
pub fn write_sheet(
    deck: &Deck,
    suffix: &str,
    markdown: String,
    out: &mut dyn Output,
) -> std::io::Result<()> {
    let path = PathBuf::from(format!("{}.{suffix}", deck.id));
    out.file(&path, &mut |sink| sink.write_all(markdown.as_bytes()))?;
    for media in &deck.media {
        let path = PathBuf::from(markdown_media_path(deck, &media.name));
        out.file(&path, &mut |sink| sink.write_all(&media.bytes))?;
    }
    Ok(())
}

/// A card's tags as code spans and its references (plain http(s) URLs as
/// autolinks, others as code), on two lines, for the sheets.
pub fn push_tags_and_references(md: &mut String, card: &DeckCard) {
    if !card.tags.is_empty() {
        md.push_str("\n*Tags:*");
        for tag in &card.tags {
            md.push(' ');
            push_code_span(md, tag, false);
        }
    }
    if !card.references.is_empty() {
        md.push_str(if card.tags.is_empty() { "\n" } else { "  \n" });
        md.push_str("*References:*");
        for (i, url) in card.references.iter().enumerate() {
            md.push_str(if i == 0 { " " } else { " · " });
            let plain = is_safe_url(url)
                && url.contains("://")
                && !url.contains(|c: char| {
                    c.is_whitespace() || c.is_control() || c == '<' || c == '>'
                });
            if plain {
                md.push('<');
                md.push_str(url);
                md.push('>');
            } else {
                push_code_span(md, url, false);
            }
        }
    }
    if !card.tags.is_empty() || !card.references.is_empty() {
        md.push('\n');
    }
}

/// `# Title`, the date line and the description, shared by both Markdown sheets.
pub fn header(md: &mut String, deck: &Deck, kind: &str) {
    let _ = writeln!(md, "# {}\n", escape_text(&deck.name));
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
        let side = if deck.description_html {
            // By packaged names, as an HTML side holds its media.
            Side::Html(crate::markup::html_field_to_html(description, &|written| {
                deck.media_name(written).map(str::to_string)
            }))
        } else {
            Side::Markdown(description.as_str().into())
        };
        let description = side.sheet_text(deck);
        if !description.is_empty() {
            let _ = writeln!(md, "{}\n", description.to_markdown());
        }
    }
}

/// `### N. Question` when the question is one paragraph, else
/// `### Question N` followed by the question's blocks.
pub fn question_heading(md: &mut String, number: usize, card: &SheetCard<'_>) {
    match card.question_line() {
        Some(line) => {
            let _ = writeln!(md, "\n### {number}. {line}");
        }
        None => {
            let _ = writeln!(md, "\n### Question {number}\n\n{}", card.question);
        }
    }
}

/// GitHub's heading anchor: lowercase, spaces to hyphens, punctuation dropped.
pub fn anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Formats Unix seconds as `YYYY-MM-DD` (UTC), for the handouts' date line.
pub fn iso_date(unix_seconds: i64) -> String {
    // Howard Hinnant's days-to-civil algorithm.
    let z = unix_seconds.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_anchors() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(1_764_028_800), "2025-11-25");
        assert_eq!(anchor("Models and the ORM"), "models-and-the-orm");
    }
}
