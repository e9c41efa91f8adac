//! The fast path for well-formed banks: YAML straight into typed structs, as
//! serde does best (about half the time of building the located tree).
//!
//! It reports nothing. At the first thing that is not plainly right (a syntax
//! error, an unknown or repeated key, a wrong type, an unknown card type, an
//! empty deck id) it gives up, and [`super::bank`] reads the file again through
//! the located tree, which explains every problem. A unit test checks that
//! both paths give the same [`Bank`] for valid banks.

use serde::Deserialize;
use serde::de::{Deserializer, Error as _, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use super::yaml::parse_options;
use crate::model::{Bank, Card, CardType, DeckMeta, Defaults, Located};
use crate::source::{SourceFile, Span};

/// An optional text field: absent (location unknown), null, or text.
type OptionalText = Spanned<Option<String>>;

fn absent() -> OptionalText {
    Spanned::new(None, Location::UNKNOWN, Location::UNKNOWN)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBank {
    deck: RawDeck,
    #[serde(default)]
    defaults: Option<RawDefaults>,
    #[serde(deserialize_with = "cards_one_by_one")]
    cards: Vec<Card>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeck {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default = "absent")]
    description: OptionalText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    #[serde(rename = "type", default = "absent")]
    card_type: OptionalText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCard {
    id: Spanned<String>,
    #[serde(default = "absent")]
    topic: OptionalText,
    #[serde(rename = "type", default = "absent")]
    card_type: OptionalText,
    #[serde(default = "absent")]
    question: OptionalText,
    #[serde(default = "absent")]
    answer: OptionalText,
    #[serde(default = "absent")]
    text: OptionalText,
    #[serde(default = "absent")]
    extra: OptionalText,
    #[serde(default)]
    tags: Vec<Spanned<String>>,
    #[serde(default)]
    references: Vec<Spanned<String>>,
}

/// The byte span of a located value; `from_str` input always has byte offsets.
fn byte_span(location: &Location) -> Option<Span> {
    let span = location.span();
    let start = span.byte_offset()? as usize;
    Some(Span::new(start, start + span.byte_len()? as usize))
}

fn located(s: Spanned<String>) -> Option<Located<String>> {
    Some(Located::new(s.value, byte_span(&s.referenced)?))
}

/// Absent is `None`; present but null reads as empty text, as on the slow path.
fn optional(s: OptionalText) -> Option<Option<Located<String>>> {
    if s.referenced.line() == 0 {
        return Some(None);
    }
    Some(Some(Located::new(
        s.value.unwrap_or_default(),
        byte_span(&s.referenced)?,
    )))
}

/// `None` for an unknown card type (the slow path reports it).
fn card_type(s: OptionalText) -> Option<Option<Located<CardType>>> {
    match optional(s)? {
        None => Some(None),
        Some(name) => CardType::parse(name.value.trim()).map(|t| Some(Located::new(t, name.span))),
    }
}

impl RawCard {
    fn into_card(self) -> Option<Card> {
        Some(Card {
            id: located(self.id)?,
            topic: optional(self.topic)?,
            card_type: card_type(self.card_type)?,
            question: optional(self.question)?,
            answer: optional(self.answer)?,
            text: optional(self.text)?,
            extra: optional(self.extra)?,
            tags: self.tags.into_iter().map(located).collect::<Option<_>>()?,
            references: self
                .references
                .into_iter()
                .map(located)
                .collect::<Option<_>>()?,
            malformed: false,
        })
    }
}

/// Converts each card as soon as it is read, so the located-but-bulky raw
/// form of a 100k-card bank never exists all at once.
fn cards_one_by_one<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Card>, D::Error> {
    struct Cards;
    impl<'de> Visitor<'de> for Cards {
        type Value = Vec<Card>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of cards")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Card>, A::Error> {
            let mut cards = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(raw) = seq.next_element::<RawCard>()? {
                cards.push(
                    raw.into_card()
                        .ok_or_else(|| A::Error::custom("not a plain card"))?,
                );
            }
            Ok(cards)
        }
    }
    deserializer.deserialize_seq(Cards)
}

/// Reads a well-formed bank, or `None` when the slow path must explain it.
pub(super) fn read_bank(source: &SourceFile) -> Option<Bank> {
    let raw: RawBank =
        serde_saphyr::from_str_with_options(source.text(), parse_options(false)).ok()?;
    let deck = DeckMeta {
        id: located(raw.deck.id)?,
        name: located(raw.deck.name)?,
        description: optional(raw.deck.description)?,
    };
    if deck.id.value.trim().is_empty() || deck.name.value.trim().is_empty() || raw.cards.is_empty()
    {
        return None;
    }
    let defaults = match raw.defaults {
        Some(d) => Some(Defaults {
            tags: d.tags.into_iter().map(located).collect::<Option<_>>()?,
            card_type: card_type(d.card_type)?,
        }),
        None => None,
    };
    Some(Bank {
        deck,
        defaults,
        cards: raw.cards,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Diagnostics;

    fn slow(text: &str) -> Option<Bank> {
        let source = SourceFile::new("t.yaml", text.to_string());
        let root = super::super::yaml::parse(&source).ok()?;
        let mut diagnostics = Diagnostics::new();
        let bank = super::super::bank::read_bank(&root, &source, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        bank
    }

    fn fast(text: &str) -> Option<Bank> {
        read_bank(&SourceFile::new("t.yaml", text.to_string()))
    }

    #[test]
    fn both_paths_read_valid_banks_identically() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts: Vec<String> = [
            "source/django-interview.yaml",
            "source/examples/showcase.yaml",
            "src/starter.yaml",
        ]
        .iter()
        .map(|p| std::fs::read_to_string(root.join(p)).unwrap())
        .collect();
        texts.push(
            "deck: {id: d, name: D, description: ~}\ndefaults: {tags: [a]}\ncards:\n  - id: c\n    question: 42\n    answer: 1.50\n    extra:\n    topic: \"T\"\n    tags: [x, 'y::z']\n  - {id: e, type: cloze, text: \"{{c1::a}}\"}\n".into(),
        );
        for text in &texts {
            let fast = fast(text).expect("the fast path reads a valid bank");
            assert_eq!(Some(fast), slow(text));
        }
    }

    #[test]
    fn anything_odd_goes_to_the_slow_path() {
        let cases = [
            "deck: {id: d, name: D}\ncards: []\n",
            "deck: {id: d, name: D}\ncards:\n  - {id: c, qustion: Q}\n",
            "deck: {id: d, name: D}\ncards:\n  - {id: c, type: flip}\n",
            "deck: {id: d, name: D}\ncards:\n  - {id: c, id: e}\n",
            "deck: {id: '', name: D}\ncards:\n  - {id: c}\n",
            "deck: {id: d, name: D}\ncards:\n  - {id: c, tags: x}\n",
            "deck: {id: d, name: D}\ncards:\n  - {question: Q}\n",
        ];
        for text in cases {
            assert!(fast(text).is_none(), "{text}");
        }
    }
}
