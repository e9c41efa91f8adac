//! The fast path for well-formed banks: YAML straight into typed structs, as
//! serde does best (about half the time of building the located tree).
//!
//! It reports nothing. At the first thing that is not plainly right (a syntax
//! error, an unknown or repeated key, a wrong type, an unknown card type, an
//! empty deck id) it gives up, and [`super::bank`] reads the file again through
//! the located tree, which explains every problem. A unit test checks that
//! both paths give the same [`Bank`] for valid banks.

use serde::Deserialize;
use serde_saphyr::{Location, Spanned};

use super::yaml::{parse_options, span_of};
use crate::model::{Bank, Card, CardType, DeckMeta, Defaults, Located};
use crate::source::SourceFile;

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
    cards: Vec<RawCard>,
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

/// Reads a well-formed bank, or `None` when the slow path must explain it.
pub(super) fn read_bank(source: &SourceFile) -> Option<Bank> {
    let raw: RawBank =
        serde_saphyr::from_str_with_options(source.text(), parse_options(false)).ok()?;
    let located = |s: Spanned<String>| Located::new(s.value, span_of(&s.referenced, source));
    // Present but null reads as empty text, as on the slow path.
    let optional = |s: OptionalText| {
        (s.referenced.line() != 0)
            .then(|| Located::new(s.value.unwrap_or_default(), span_of(&s.referenced, source)))
    };
    let card_type = |s: OptionalText| -> Result<Option<Located<CardType>>, ()> {
        match optional(s) {
            None => Ok(None),
            Some(name) => CardType::parse(name.value.trim())
                .map(|t| Some(Located::new(t, name.span)))
                .ok_or(()),
        }
    };
    let deck = DeckMeta {
        id: located(raw.deck.id),
        name: located(raw.deck.name),
        description: optional(raw.deck.description),
    };
    if deck.id.value.trim().is_empty() || deck.name.value.trim().is_empty() || raw.cards.is_empty()
    {
        return None;
    }
    let defaults = match raw.defaults {
        Some(d) => Some(Defaults {
            tags: d.tags.into_iter().map(located).collect(),
            card_type: card_type(d.card_type).ok()?,
        }),
        None => None,
    };
    let mut cards = Vec::with_capacity(raw.cards.len());
    for c in raw.cards {
        cards.push(Card {
            id: located(c.id),
            topic: optional(c.topic),
            card_type: card_type(c.card_type).ok()?,
            question: optional(c.question),
            answer: optional(c.answer),
            text: optional(c.text),
            extra: optional(c.extra),
            tags: c.tags.into_iter().map(located).collect(),
            references: c.references.into_iter().map(located).collect(),
            malformed: false,
        });
    }
    Some(Bank {
        deck,
        defaults,
        cards,
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
