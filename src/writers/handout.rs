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
    let card_topics = card_topics(deck.deck());
    // Cards grouped by topic in one pass, topics in order of first appearance.
    let mut topics: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (at_card, topic) in card_topics.iter().enumerate() {
        let topic = topic.unwrap_or(NO_TOPIC);
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

/// The topic each card is shown under: its `topic` when the bank gives
/// cards topics. A bank without (a deck converted from Anki, most often)
/// takes them from its subdecks, else from its tags: the level of each
/// card's deck (`Lang::Verbs`) or of its first tag (`grammar::verbs`; a
/// hierarchical tag before a flat one, Anki's `marked` and `leech` never)
/// just below what every card shares (`Verbs`). A card at that shared level
/// itself, or without a tag, is under [`NO_TOPIC`]. When neither gives any
/// card a topic, none has one.
pub fn card_topics(deck: &Deck) -> Vec<Option<&str>> {
    if deck.cards.iter().any(|c| c.topic.is_some()) {
        return deck.cards.iter().map(|c| c.topic.as_deref()).collect();
    }
    let decks: Vec<Option<&str>> = deck
        .cards
        .iter()
        .map(|c| Some(c.deck.as_deref().unwrap_or(&deck.name)))
        .collect();
    if let Some(topics) = topics_below_shared(&decks) {
        return topics;
    }
    let tags: Vec<Option<&str>> = deck.cards.iter().map(topic_tag_of).collect();
    topics_below_shared(&tags).unwrap_or_else(|| vec![None; deck.cards.len()])
}

/// The tag a card's topic is read from: its first hierarchical tag, else
/// its first tag (Anki's own `marked` and `leech` are no topic).
fn topic_tag_of(card: &DeckCard) -> Option<&str> {
    let candidates = || {
        card.tags
            .iter()
            .map(String::as_str)
            .filter(|t| !t.eq_ignore_ascii_case("marked") && !t.eq_ignore_ascii_case("leech"))
    };
    candidates()
        .find(|t| t.contains("::"))
        .or_else(|| candidates().next())
}

/// For `::`-separated paths, the part of each just below the parts every
/// path shares; `None` for a path that has no more parts (and for no path).
/// `None` as a whole when no path has such a part.
///
/// ```
/// use flashdeck::writers::handout::topics_below_shared;
/// let decks = [Some("Lang::Verbs"), Some("Lang::Nouns::Food"), Some("Lang")];
/// assert_eq!(topics_below_shared(&decks), Some(vec![Some("Verbs"), Some("Nouns"), None]));
/// assert_eq!(topics_below_shared(&[Some("Lang"), Some("Lang")]), None);
/// assert_eq!(topics_below_shared(&[Some("a::b"), None, Some("c")]), Some(vec![Some("a"), None, Some("c")]));
/// ```
pub fn topics_below_shared<'p>(paths: &[Option<&'p str>]) -> Option<Vec<Option<&'p str>>> {
    let split = |path: &'p str| path.split("::").map(str::trim);
    let mut shared: Option<Vec<&str>> = None;
    for path in paths.iter().flatten() {
        shared = Some(match shared {
            None => split(path).collect(),
            Some(mut parts) => {
                let same = parts
                    .iter()
                    .zip(split(path))
                    .take_while(|(a, b)| *a == b)
                    .count();
                parts.truncate(same);
                parts
            }
        });
    }
    let depth = shared?.len();
    let topics: Vec<Option<&str>> = paths
        .iter()
        .map(|path| {
            path.and_then(|p| split(p).nth(depth))
                .filter(|t| !t.is_empty())
        })
        .collect();
    topics.iter().any(Option::is_some).then_some(topics)
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

    #[test]
    fn a_bank_without_topics_takes_them_from_subdecks_else_tags() {
        let template = crate::testing::showcase_deck();
        let card = |deck: Option<&str>, tags: &[&str]| {
            let mut card = template.cards[0].clone();
            card.topic = None;
            card.deck = deck.map(str::to_string);
            card.tags = tags.iter().map(|t| t.to_string()).collect();
            card
        };
        let deck = |cards: Vec<crate::transform::DeckCard>| {
            let mut deck = template.clone();
            deck.name = "Lang".to_string();
            deck.cards = cards;
            deck
        };
        let subdecks = deck(vec![
            card(Some("Lang::Nouns"), &["a::b"]),
            card(Some("Lang::Verbs::Irregular"), &[]),
            card(None, &["x"]),
        ]);
        assert_eq!(card_topics(&subdecks), [Some("Nouns"), Some("Verbs"), None]);
        let tagged = deck(vec![
            card(None, &["marked", "rust::syntax"]),
            card(Some("Lang"), &["checklater", "math::geometry"]),
            card(None, &["02_forwards", "leech"]),
            card(None, &[]),
        ]);
        assert_eq!(
            card_topics(&tagged),
            [Some("rust"), Some("math"), Some("02_forwards"), None]
        );
        let one_tag = deck(vec![card(None, &["lang::es"]), card(None, &["lang::es"])]);
        assert_eq!(card_topics(&one_tag), [None, None]);
        // The bank's own topics win.
        let mut topics = deck(vec![card(Some("Lang::Nouns"), &[]), card(None, &[])]);
        topics.cards[1].topic = Some("Grammar".to_string());
        assert_eq!(card_topics(&topics), [None, Some("Grammar")]);
    }
}
