//! Limits and text hygiene: characters no output can carry safely, ids short
//! enough to be file names, fields small enough to render, and a bank whose
//! aliases do not multiply it into something far larger than its file.

use crate::diagnostics::{Code, Diagnostic};
use crate::input::human;
use crate::model::{LoadedBank, Located, is_invisible_control};
use crate::source::Span;

/// The longest deck or card id, in bytes: the deck id names output files
/// (`<id>.quizlet.csv`, within the usual 255-byte file-name limit) and the
/// card id names HTML anchors and lock entries.
pub const MAX_ID_LEN: usize = 100;

/// The largest Markdown field, in bytes (1 MiB, about 500 printed pages).
/// Rendering multiplies a field's size several times over.
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// The text of all values may exceed the file's size by this factor (plus
/// [`EXPANSION_SLACK`]) before the bank counts as alias-amplified.
pub const MAX_EXPANSION: usize = 2;

/// Extra room for small banks: 1 MiB.
pub const EXPANSION_SLACK: usize = 1 << 20;

/// Runs the checks of this module.
pub(super) fn check(loaded: &LoadedBank, report: &mut dyn FnMut(Diagnostic)) {
    let source = &loaded.source;
    let bank = &loaded.bank;
    let mut total = 0usize;
    let mut text = |value: &Located<String>, what: &str, single_line: bool| {
        total = total.saturating_add(value.value.len());
        let bad = value
            .value
            .char_indices()
            .find(|&(_, c)| is_invisible_control(c) || (single_line && c.is_control()));
        if let Some((_, c)) = bad {
            report(
                Diagnostic::new(
                    Code::ControlCharacter,
                    source,
                    value.span,
                    format!("{what} contains the control character U+{:04X}", c as u32),
                )
                .label("invisible character in this value")
                .hint(if single_line {
                    "write it on one line, without tabs or control characters (a `\\x..` or `\\u....` escape in a quoted string makes one)"
                } else {
                    "remove it; for a line break use a new line in a `|` block (a `\\0`, `\\v`, `\\f`, `\\N` or `\\L` escape in a quoted string makes one)"
                }),
            );
        }
    };
    let deck = &bank.deck;
    text(&deck.id, "the deck id", true);
    text(&deck.name, "the deck name", true);
    if let Some(description) = &deck.description {
        text(description, "the deck description", false);
    }
    for tag in bank.defaults.iter().flat_map(|d| &d.tags) {
        text(tag, "a default tag", true);
    }
    for card in &bank.cards {
        text(&card.id, "a card id", true);
        if let Some(topic) = &card.topic {
            text(topic, "a topic", true);
        }
        for (name, field) in card.markdown_fields() {
            text(field, &format!("`{name}`"), false);
        }
        for tag in &card.tags {
            text(tag, "a tag", true);
        }
        for reference in &card.references {
            text(reference, "a reference", true);
        }
    }
    check_sizes(loaded, report);
    let file = source.text().len();
    let budget = file
        .saturating_mul(MAX_EXPANSION)
        .saturating_add(EXPANSION_SLACK);
    if total > budget {
        report(
            Diagnostic::new(
                Code::TooLarge,
                source,
                Span::new(0, 0),
                format!(
                    "the bank's values add up to {} although the file is {}: aliases repeat text more than {MAX_EXPANSION} times its size",
                    human(total as u64),
                    human(file as u64)
                ),
            )
            .label("this bank")
            .hint("write the repeated text once per card instead of repeating an `&anchor` through `*aliases`"),
        );
    }
}

fn check_sizes(loaded: &LoadedBank, report: &mut dyn FnMut(Diagnostic)) {
    let source = &loaded.source;
    let bank = &loaded.bank;
    let ids = std::iter::once((&bank.deck.id, "deck id"))
        .chain(bank.cards.iter().map(|c| (&c.id, "card id")));
    for (id, what) in ids {
        if id.value.len() > MAX_ID_LEN {
            report(
                Diagnostic::new(
                    Code::InvalidId,
                    source,
                    id.span,
                    format!("the {what} is {} characters long", id.value.len()),
                )
                .label(format!("longer than {MAX_ID_LEN} characters"))
                .hint("ids name files, anchors and lock entries: shorten it to a few words"),
            );
        }
    }
    let fields = bank
        .deck
        .description
        .iter()
        .map(|d| ("description", d))
        .chain(bank.cards.iter().flat_map(|c| c.markdown_fields()));
    for (name, field) in fields {
        if field.value.len() > MAX_FIELD_BYTES {
            report(
                Diagnostic::new(
                    Code::TooLarge,
                    source,
                    field.span,
                    format!(
                        "`{name}` is {}, more than the limit of {}",
                        human(field.value.len() as u64),
                        human(MAX_FIELD_BYTES as u64)
                    ),
                )
                .label("this field")
                .hint("a card is studied in one look: split it into several cards, or link to the long text in `references:`"),
            );
        }
    }
}
