//! The fast path for well-formed banks: YAML straight into typed structs, as
//! serde does best (about half the time of building the located tree).
//!
//! It reports nothing. At the first thing that is not plainly right (a syntax
//! error, an unknown or repeated key, a wrong type, an unknown card type, an
//! empty deck id) it gives up, and [`super::bank`] reads the file again through
//! the located tree, which explains every problem. A unit test checks that
//! both paths give the same [`Bank`] for valid banks.

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, Error as _, IgnoredAny, SeqAccess, Visitor};
use serde_saphyr::{Location, Spanned};

use super::yaml::parse_options;
use crate::model::{Bank, Card, CardType, DeckMeta, Defaults, Located, NoteField, TemplateDeck};
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
pub(super) struct RawDeck {
    id: Spanned<String>,
    name: Spanned<String>,
    #[serde(default = "absent")]
    description: OptionalText,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDefaults {
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
    #[serde(rename = "note-type", default = "absent")]
    note_type: OptionalText,
    #[serde(default = "absent")]
    guid: OptionalText,
    #[serde(default = "absent")]
    deck: OptionalText,
    #[serde(default)]
    fields: RawFields,
    #[serde(default)]
    decks: RawDecks,
}

/// A card's `fields:`: name → text or `{html: text}`, each located. A
/// repeated name or anything else unusual fails (the slow path explains).
#[derive(Default)]
struct RawFields(Vec<NoteField>);

/// One field value: text (spanned by the caller) or `{html: …}`.
enum RawValue {
    Text(Option<String>),
    Html(Spanned<String>),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("text or {html: text}")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Text(Some(v.to_string())))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<RawValue, E> {
                Ok(RawValue::Text(None))
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<RawValue, E> {
                Ok(RawValue::Text(None))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawValue, A::Error> {
                let key: Option<String> = map.next_key()?;
                if key.as_deref() != Some("html") {
                    return Err(A::Error::custom("not {html: …}"));
                }
                let value: Spanned<String> = map.next_value()?;
                if map.next_key::<IgnoredAny>()?.is_some() {
                    return Err(A::Error::custom("more than html"));
                }
                Ok(RawValue::Html(value))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for RawFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping of fields")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawFields, A::Error> {
                let mut out: Vec<NoteField> = Vec::new();
                while let Some(name) = map.next_key::<Spanned<String>>()? {
                    let value: Spanned<RawValue> = map.next_value()?;
                    let bad = || A::Error::custom("unlocated field");
                    let name = located(name).ok_or_else(bad)?;
                    if out.iter().any(|f| f.name.value == name.value) {
                        return Err(A::Error::custom("a field set twice"));
                    }
                    let (value, html) = match value.value {
                        RawValue::Text(text) => (
                            Located::new(
                                text.unwrap_or_default(),
                                byte_span(&value.referenced).ok_or_else(bad)?,
                            ),
                            false,
                        ),
                        RawValue::Html(inner) => (located(inner).ok_or_else(bad)?, true),
                    };
                    out.push(NoteField { name, value, html });
                }
                Ok(RawFields(out))
            }
        }
        deserializer.deserialize_map(V)
    }
}

/// A card's `decks:`: template name → deck, each located.
#[derive(Default)]
struct RawDecks(Vec<TemplateDeck>);

impl<'de> Deserialize<'de> for RawDecks {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawDecks;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping of template names to decks")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawDecks, A::Error> {
                let mut out = Vec::new();
                while let Some(template) = map.next_key::<Spanned<String>>()? {
                    let deck: Spanned<String> = map.next_value()?;
                    let bad = || A::Error::custom("unlocated deck");
                    out.push(TemplateDeck {
                        template: located(template).ok_or_else(bad)?,
                        deck: located(deck).ok_or_else(bad)?,
                    });
                }
                Ok(RawDecks(out))
            }
        }
        deserializer.deserialize_map(V)
    }
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
            note_type: optional(self.note_type)?,
            fields: self.fields.0,
            guid: optional(self.guid)?,
            deck: optional(self.deck)?,
            decks: self.decks.0,
            // A card with `crowdanki:` is read by the located path.
            crowdanki: None,
            malformed: false,
        })
    }
}

/// Converts each card as soon as it is read, so the located-but-bulky raw
/// form of a 100k-card bank never exists all at once.
pub(super) fn cards_one_by_one<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Card>, D::Error> {
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

/// Reads a list of cards into `slots`, in order, as each is read (no second
/// copy of the cards exists at any time). Fails on more cards than slots;
/// gives the number read.
pub(super) struct CardsInto<'a>(pub(super) &'a mut [Card]);

impl<'de> DeserializeSeed<'de> for CardsInto<'_> {
    type Value = usize;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CardsInto<'_> {
    type Value = usize;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list of cards")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let mut read = 0;
        for slot in self.0.iter_mut() {
            let Some(raw) = seq.next_element::<RawCard>()? else {
                return Ok(read);
            };
            *slot = raw
                .into_card()
                .ok_or_else(|| A::Error::custom("not a plain card"))?;
            read += 1;
        }
        match seq.next_element::<IgnoredAny>()? {
            Some(_) => Err(A::Error::custom("more cards than expected")),
            None => Ok(read),
        }
    }
}

/// Reads a well-formed bank in one parse of the whole file, or `None` when
/// the slow path must explain it.
pub(super) fn read_bank_serial(source: &SourceFile) -> Option<Bank> {
    let raw: RawBank = serde_saphyr::from_str_with_options(
        source.text(),
        parse_options(false, source.text().len()),
    )
    .ok()?;
    bank_from_parts(raw.deck, raw.defaults, raw.cards)
}

/// Assembles a bank, or `None` for what the slow path must explain (an empty
/// deck id or name, no cards).
pub(super) fn bank_from_parts(
    deck: RawDeck,
    defaults: Option<RawDefaults>,
    cards: Vec<Card>,
) -> Option<Bank> {
    let deck = DeckMeta {
        id: located(deck.id)?,
        name: located(deck.name)?,
        description: optional(deck.description)?,
        // `{html: …}` and `crowdanki:` are read by the located path.
        description_html: false,
        crowdanki: None,
    };
    if deck.id.value.trim().is_empty() || deck.name.value.trim().is_empty() || cards.is_empty() {
        return None;
    }
    let defaults = match defaults {
        Some(d) => Some(Defaults {
            tags: d.tags.into_iter().map(located).collect::<Option<_>>()?,
            card_type: card_type(d.card_type)?,
            note_type: None,
        }),
        None => None,
    };
    Some(Bank {
        deck,
        defaults,
        // A bank with `lints:` is read by the slow path (unknown key here).
        lints: Vec::new(),
        note_types: Vec::new(),
        media: Vec::new(),
        missing_media: Vec::new(),
        cards,
    })
}

/// Moves every span of `card` `by` bytes later: a card parsed from a piece of
/// the file has offsets into that piece.
pub(super) fn shift_spans(card: &mut Card, by: usize) {
    let shift = |span: &mut Span| {
        span.start += by;
        span.end += by;
    };
    // Destructured so that a new field cannot be missed here.
    let Card {
        id,
        topic,
        card_type,
        question,
        answer,
        text,
        extra,
        tags,
        references,
        note_type,
        fields,
        guid,
        deck,
        decks,
        crowdanki,
        malformed: _,
    } = card;
    shift(&mut id.span);
    for field in [topic, question, answer, text, extra, note_type, guid, deck]
        .into_iter()
        .flatten()
    {
        shift(&mut field.span);
    }
    for field in fields {
        shift(&mut field.name.span);
        shift(&mut field.value.span);
    }
    for entry in decks {
        shift(&mut entry.template.span);
        shift(&mut entry.deck.span);
    }
    if let Some(t) = card_type {
        shift(&mut t.span);
    }
    if let Some(c) = crowdanki {
        shift(&mut c.span);
    }
    for item in tags.iter_mut().chain(references.iter_mut()) {
        shift(&mut item.span);
    }
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
        read_bank_serial(&SourceFile::new("t.yaml", text.to_string()))
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
