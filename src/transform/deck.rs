//! The deck model the writers read.

use std::collections::BTreeMap;

use super::Filter;
use crate::anki::note_type::{FieldValue, Note, NoteType};
use crate::model::{Bank, CardType, Json, Located};
use crate::source::Span;
use crate::validate::MediaFile;

/// A deck ready to be written: Markdown fields, final tags, media bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    /// Stable slug from `deck.id`.
    pub id: String,
    /// Display name; `::` separates subdecks.
    pub name: String,
    /// Markdown description (HTML when `description_html`).
    pub description: Option<String>,
    /// The description is HTML kept as written (sanitized on output).
    pub description_html: bool,
    /// What a deck converted from CrowdAnki keeps (`deck`, `subdecks`, `notes`).
    pub crowdanki: Option<Json>,
    /// The selected cards, in bank order.
    pub cards: Vec<DeckCard>,
    /// Media files, sorted by name, each once.
    pub media: Vec<Media>,
    /// Media path as written in the bank → packaged basename.
    pub media_names: BTreeMap<String, String>,
    /// The bank's own note types (cards with a [`Note`] point into it).
    pub note_types: Vec<NoteType>,
    /// The newest card modification time (Unix seconds), for dating handouts
    /// without reading the clock; 0 when no lock exists yet.
    pub updated: i64,
    /// The bank's own text files, for the .apkg to carry so that `convert`
    /// gives the bank back; set by `build` for a whole deck (not a selection).
    pub sources: Option<BankSources>,
}

/// The text files a bank is made of, paths relative to the bank's folder:
/// the bank, its lock, the CSS and template files it names. The .apkg
/// carries them in a member Anki does not read (`flashdeck.json`), with the
/// bank-relative path of each media file it packages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BankSources {
    /// The bank's file name (`django-interview.yaml`).
    pub bank: String,
    /// Each file (the bank and lock first) and its text.
    pub files: Vec<(String, String)>,
    /// Each media file the deck packages: its path beside the bank
    /// (`media/diagram.png`) and its packaged name (`diagram.png`).
    pub media: Vec<(String, String)>,
}

impl BankSources {
    /// The .apkg member that carries them. Anki reads only its own members
    /// (`collection.*`, `media`, `meta` and the numbered media files) and
    /// ignores this one; `flashdeck convert` reads it to give the bank back.
    pub const PACKAGE_MEMBER: &'static str = "flashdeck.json";
}

/// One card of a [`Deck`].
#[derive(Debug, Clone, PartialEq)]
pub struct DeckCard {
    /// Stable slug.
    pub id: String,
    /// Type after defaults (`Basic` for a card of a bank-declared note
    /// type, which has a [`DeckCard::note`] instead: writers look there first).
    pub card_type: CardType,
    /// The note of a bank-declared note type: its type and field values.
    pub note: Option<Note>,
    /// The Anki GUID the bank gives (else derived from the deck and card ids).
    pub guid: Option<String>,
    /// The Anki deck of the card's cards (else the bank's deck).
    pub deck: Option<String>,
    /// Template name → deck, for cards of one note in different decks.
    pub template_decks: Vec<(String, String)>,
    /// Topic, if any.
    pub topic: Option<String>,
    /// Markdown prompt (empty for cloze).
    pub question: String,
    /// Markdown answer (empty for cloze).
    pub answer: String,
    /// Markdown cloze text (empty otherwise).
    pub text: String,
    /// Markdown shown under the answer.
    pub extra: Option<String>,
    /// Defaults' tags, the card's, and the topic's, each once.
    pub tags: Vec<String>,
    /// Links to where the answer can be checked.
    pub references: Vec<String>,
    /// When the card's content last changed (Unix seconds), from the lock.
    pub modified: i64,
    /// Where the card's id is in the bank, for diagnostics about this card.
    pub id_span: Span,
    /// The note's own CrowdAnki keys, when they differ from the deck's.
    pub crowdanki: Option<Json>,
}

/// A media file's packaged name and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// Basename, as fields reference it.
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl Deck {
    /// Sets each card's modification time (from the lock) and the deck's
    /// `updated` date, the newest of them.
    pub fn stamp(&mut self, modified: &dyn Fn(&str) -> i64) {
        for card in &mut self.cards {
            card.modified = modified(&card.id);
        }
        self.updated = self.cards.iter().map(|c| c.modified).max().unwrap_or(0);
    }

    /// Keeps only the cards `filter` selects.
    pub fn retain(&mut self, filter: &Filter) {
        self.cards.retain(|c| filter.selects(&c.id, &c.tags));
    }

    /// The packaged basename of a media path as written in the bank.
    pub fn media_name(&self, written: &str) -> Option<&str> {
        self.media_names.get(written).map(String::as_str)
    }

    /// The bytes of a packaged media file.
    pub fn media_bytes(&self, name: &str) -> Option<&[u8]> {
        self.media
            .binary_search_by(|m| m.name.as_str().cmp(name))
            .ok()
            .map(|i| self.media[i].bytes.as_slice())
    }
}

/// A topic as a tag under the `topic::` parent, in the style of the bank's
/// own tags: lowercase, words joined by `-`, punctuation dropped (Anki tags
/// cannot hold spaces). In Anki's browser the topics sit together under
/// `topic`, and `--tag topic` selects every card that has one.
///
/// ```
/// use flashdeck::transform::topic_tag;
/// assert_eq!(topic_tag("Models and the ORM"), "topic::models-and-the-orm");
/// assert_eq!(topic_tag("Views, URLs & forms"), "topic::views-urls-forms");
/// ```
pub fn topic_tag(topic: &str) -> String {
    let words: Vec<String> = topic
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        // A topic of punctuation only still gets a tag of its own.
        return "topic::other".to_string();
    }
    format!("topic::{}", words.join("-"))
}

/// Builds the deck of a validated bank: every card (see [`Deck::retain`]),
/// modification times 0 until [`Deck::stamp`]. `media` comes from validation.
pub fn build_deck(
    bank: Bank,
    media: &[MediaFile],
    note_types: Vec<NoteType>,
) -> std::io::Result<Deck> {
    let default_note_type = bank
        .defaults
        .as_ref()
        .filter(|d| d.card_type.is_none())
        .and_then(|d| d.note_type.as_ref())
        .map(|n| n.value.trim().to_string());
    let default_type = bank
        .defaults
        .as_ref()
        .and_then(|d| d.card_type.as_ref())
        .map(|t| t.value);
    let default_tags: Vec<String> = bank
        .defaults
        .map(|d| d.tags.into_iter().map(|t| t.value).collect())
        .unwrap_or_default();
    // The bank's strings move into the deck: a 100k-card bank is not copied.
    let text =
        |field: Option<Located<String>>| field.map(|f| trim_end(f.value)).unwrap_or_default();
    let mut cards = Vec::with_capacity(bank.cards.len());
    for card in bank.cards {
        let note_type_name = match (&card.card_type, &card.note_type) {
            (Some(_), _) => None,
            (None, Some(name)) => Some(name.value.trim().to_string()),
            (None, None) => default_note_type.clone(),
        };
        let note = note_type_name.and_then(|name| {
            let index = note_types.iter().position(|t| t.name == name)?;
            let note_type = &note_types[index];
            let mut fields = vec![FieldValue::default(); note_type.fields.len()];
            for field in &card.fields {
                if let Some(i) = note_type.field_index(field.name.value.trim()) {
                    // An HTML field is kept byte for byte (an Anki field's
                    // bytes come back as they were); Markdown loses the
                    // newline a block scalar ends with.
                    let value = field.value.value.clone();
                    fields[i] = FieldValue {
                        text: if field.html { value } else { trim_end(value) },
                        html: field.html,
                    };
                }
            }
            Some(Note {
                note_type: index,
                fields,
            })
        });
        let mut tags: Vec<String> = Vec::with_capacity(default_tags.len() + card.tags.len() + 1);
        let candidates = default_tags
            .iter()
            .cloned()
            .chain(card.tags.into_iter().map(|t| t.value))
            .chain(card.topic.iter().map(|t| topic_tag(&t.value)));
        // Case-insensitive de-duplication in one pass (a card may carry
        // thousands of tags; comparing each with all before it was quadratic).
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for tag in candidates {
            if seen.insert(tag.to_ascii_lowercase()) {
                tags.push(tag);
            }
        }
        cards.push(DeckCard {
            card_type: card
                .card_type
                .map(|t| t.value)
                .or(default_type)
                .unwrap_or(CardType::Basic),
            topic: card.topic.map(|t| t.value.trim().to_string()),
            question: text(card.question),
            answer: text(card.answer),
            text: text(card.text),
            extra: card
                .extra
                .map(|e| trim_end(e.value))
                .filter(|e| !e.is_empty()),
            tags,
            references: card
                .references
                .into_iter()
                .map(|r| r.value.trim().to_string())
                .collect(),
            note,
            guid: card.guid.map(|g| g.value),
            deck: card.deck.map(|d| d.value.trim().to_string()),
            template_decks: card
                .decks
                .into_iter()
                .map(|d| {
                    (
                        d.template.value.trim().to_string(),
                        d.deck.value.trim().to_string(),
                    )
                })
                .collect(),
            modified: 0,
            id_span: card.id.span,
            crowdanki: card.crowdanki.map(|c| c.value),
            id: card.id.value,
        });
    }
    let mut files: BTreeMap<String, Media> = BTreeMap::new();
    let mut media_names = BTreeMap::new();
    let mut total = 0u64;
    for file in media {
        media_names.insert(file.written.clone(), file.name.clone());
        if !files.contains_key(&file.name) {
            let bytes = crate::input::read_file(&file.path, crate::input::MAX_MEDIA_BYTES)
                .map_err(|e| std::io::Error::other(format!("{}: {e}", file.path.display())))?;
            total += bytes.len() as u64;
            if total > crate::input::MAX_TOTAL_MEDIA_BYTES {
                return Err(std::io::Error::other(format!(
                    "the media add up to more than {}",
                    crate::input::human(crate::input::MAX_TOTAL_MEDIA_BYTES)
                )));
            }
            files.insert(
                file.name.clone(),
                Media {
                    name: file.name.clone(),
                    bytes,
                },
            );
        }
    }
    Ok(Deck {
        id: bank.deck.id.value,
        name: bank.deck.name.value.trim().to_string(),
        description: bank.deck.description.map(|d| {
            if bank.deck.description_html {
                trim_line_ends(d.value)
            } else {
                trim_end(d.value)
            }
        }),
        description_html: bank.deck.description_html,
        crowdanki: bank.deck.crowdanki.map(|c| c.value),
        cards,
        media: files.into_values().collect(),
        media_names,
        note_types,
        updated: 0,
        sources: None,
    })
}

/// Drops trailing ASCII whitespace (block scalars end in a newline) without
/// copying. A no-break space is content (`&nbsp;` in Anki), and stays.
fn trim_end(mut text: String) -> String {
    let len = text
        .trim_end_matches(|c: char| c.is_ascii_whitespace())
        .len();
    text.truncate(len);
    text
}

/// Drops the line ends a block scalar leaves at the end of a description
/// kept as HTML (`{html: …}`); its spaces are its own.
fn trim_line_ends(mut text: String) -> String {
    let len = text.trim_end_matches(['\n', '\r']).len();
    text.truncate(len);
    text
}
