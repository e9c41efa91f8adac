//! The legacy `collection.anki2` (schema 11), written with prepared
//! statements in one transaction.

use rusqlite::{Connection, params};
use serde_json::{Value, json};

use super::fields::{note_fields, strip_html_preserving_media_filenames};
use super::notetypes::{NOTE_TYPES, custom_id, custom_to_json, note_type};
use crate::anki::ids::{IdAllocator, field_checksum, note_guid, stable_id};
use crate::markup::{HtmlOptions, to_html};
use crate::model::{CardType, cloze};
use crate::transform::{Deck, DeckCard};
use crate::writers::rendered::{CardHtml, Rendered};

/// How the scratch collection is written: no journal and no syncing (the
/// file is thrown away if the build fails), a 16 MB page cache.
pub const PRAGMAS: &str = "PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16000;";

/// The tables of an Anki collection (schema 11), as Anki creates them.
pub const TABLES: &str = "
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
  ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
  models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
  usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
  flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
  mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
  ivl integer not null, factor integer not null, reps integer not null, lapses integer not null, left integer not null,
  odue integer not null, odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
  ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null, type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
";

/// Anki's indexes, created after the rows are in (faster than keeping them
/// up to date row by row).
pub const INDEXES: &str = "
CREATE INDEX ix_notes_usn on notes (usn);
CREATE INDEX ix_cards_usn on cards (usn);
CREATE INDEX ix_revlog_usn on revlog (usn);
CREATE INDEX ix_cards_nid on cards (nid);
CREATE INDEX ix_cards_sched on cards (did, queue, due);
CREATE INDEX ix_revlog_cid on revlog (cid);
CREATE INDEX ix_notes_csum on notes (csum);
";

/// Collection creation time: fixed, so builds are reproducible.
const CREATED: i64 = 1_420_070_400; // 2015-01-01

/// The deck's Anki id.
pub fn anki_deck_id(deck: &Deck) -> i64 {
    stable_id(&["flashdeck-deck", &deck.id])
}

/// One row of `notes`.
struct NoteRow {
    id: i64,
    guid: String,
    notetype_id: i64,
    modified: i64,
    tags: String,
    fields: String,
    sort_field: String,
    checksum: i64,
    /// The question and answer HTML, when kept for the print page.
    html: Option<CardHtml>,
}

/// One row of `cards`.
struct CardRow {
    id: i64,
    note_id: i64,
    deck_id: i64,
    ord: u32,
    modified: i64,
    due: i64,
}

/// The note type id of a card's note.
fn notetype_id(deck: &Deck, card: &DeckCard) -> i64 {
    match card
        .note
        .as_ref()
        .and_then(|n| deck.note_types.get(n.note_type))
    {
        Some(custom) => custom_id(&deck.id, custom),
        None => note_type(card.card_type).id(&deck.id),
    }
}

/// Renders one note (HTML fields, sort field, checksum).
fn render_note(deck: &Deck, card: &DeckCard, id: i64, keep_html: bool) -> NoteRow {
    let fields = note_fields(deck, card);
    // Built-in cards' question and answer, for the print page to reuse.
    let html = match (keep_html, &card.note, card.card_type) {
        (true, None, CardType::Basic | CardType::Reversed) => Some(CardHtml {
            question: fields[0].clone(),
            answer: Some(fields[1].clone()),
        }),
        (true, None, CardType::TypeIn) => Some(CardHtml {
            question: fields[0].clone(),
            answer: None,
        }),
        _ => None,
    };
    let custom = card
        .note
        .as_ref()
        .and_then(|n| deck.note_types.get(n.note_type));
    // Anki sorts by the sort field and checks duplicates on the first.
    let sort_index = custom
        .map_or(0, |t| t.sort_field)
        .min(fields.len().saturating_sub(1));
    let sort_field = strip_html_preserving_media_filenames(&fields[sort_index]);
    let checksum = if sort_index == 0 {
        field_checksum(&sort_field)
    } else {
        field_checksum(&strip_html_preserving_media_filenames(&fields[0]))
    };
    NoteRow {
        id,
        guid: card
            .guid
            .clone()
            .unwrap_or_else(|| note_guid(&deck.id, &card.id)),
        notetype_id: notetype_id(deck, card),
        modified: card.modified,
        tags: if card.tags.is_empty() {
            String::new()
        } else {
            format!(" {} ", card.tags.join(" "))
        },
        fields: fields.join("\x1f"),
        checksum,
        sort_field,
        html,
    }
}

/// Renders the notes of `batch` (card index, note id) on the available
/// cores: field rendering is most of the work and each note is independent.
/// The result keeps the batch's order. Threads start from a few dozen notes:
/// a small deck's code blocks take milliseconds each to highlight.
fn render_batch(deck: &Deck, batch: &[(usize, i64)], keep_html: bool) -> Vec<NoteRow> {
    crate::parallel_map_from(32, batch, |&(i, id)| {
        render_note(deck, &deck.cards[i], id, keep_html)
    })
}

/// Notes are rendered and inserted this many at a time, so memory stays flat
/// however large the deck.
const BATCH: usize = 8192;

/// Builds the collection in `path` (a scratch file: a 100k-card collection is
/// too big to hold in memory next to its zipped copy).
/// `notes_done` is called when the notes are rendered: what follows runs on
/// one core.
pub fn build(
    rendered: &Rendered<'_>,
    notetype_modified: i64,
    path: &std::path::Path,
    notes_done: &dyn Fn(),
) -> rusqlite::Result<()> {
    let deck = rendered.deck();
    let did = anki_deck_id(deck);
    // Ids first, in bank order, so they never depend on threads or batches.
    let mut notes: Vec<(usize, i64)> = Vec::with_capacity(deck.cards.len());
    let mut cards = Vec::with_capacity(deck.cards.len());
    let mut note_ids = IdAllocator::with_capacity(deck.cards.len());
    let mut card_ids = IdAllocator::with_capacity(deck.cards.len());
    for (position, card) in deck.cards.iter().enumerate() {
        let note_id = note_ids.allocate(&["flashdeck-note", &deck.id, &card.id]);
        notes.push((position, note_id));
        let custom = card
            .note
            .as_ref()
            .and_then(|n| Some((n, deck.note_types.get(n.note_type)?)));
        let ords: Vec<u32> = match (custom, card.card_type) {
            (Some((note, custom)), _) => custom.card_ords(&note.fields),
            (None, CardType::Cloze) => cloze::numbers(&card.text)
                .into_iter()
                .map(|n| n - 1)
                .collect(),
            (None, _) => (0..note_type(card.card_type).templates.len() as u32).collect(),
        };
        for ord in ords {
            let template = custom.and_then(|(_, t)| {
                let index = if t.is_cloze() { 0 } else { ord as usize };
                t.templates.get(index).map(|t| t.name.as_str())
            });
            let deck_name = template
                .and_then(|name| {
                    card.template_decks
                        .iter()
                        .find(|(t, _)| t == name)
                        .map(|(_, d)| d.as_str())
                })
                .or(card.deck.as_deref());
            cards.push(CardRow {
                id: card_ids.allocate(&["flashdeck-card", &deck.id, &card.id, &ord.to_string()]),
                note_id,
                deck_id: deck_name.map_or(did, |name| subdeck_id(deck, name)),
                ord,
                modified: card.modified,
                due: position as i64 + 1,
            });
        }
    }
    // Rows in id order append to the tables' B-trees instead of splitting pages.
    notes.sort_unstable_by_key(|&(_, id)| id);
    cards.sort_unstable_by_key(|c| c.id);

    let mut db = Connection::open(path)?;
    db.execute_batch(PRAGMAS)?;
    db.execute_batch(TABLES)?;
    let collection_mod = deck.updated.max(notetype_modified).max(CREATED);
    let tx = db.transaction()?;
    tx.execute(
        "INSERT INTO col VALUES (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![
            CREATED,
            collection_mod * 1000,
            conf_json(did).to_string(),
            models_json(deck, did, notetype_modified).to_string(),
            decks_json(deck, did).to_string(),
            dconf_json().to_string(),
        ],
    )?;
    {
        let mut insert_note =
            tx.prepare("INSERT INTO notes VALUES (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')")?;
        let keep_html = rendered.wants_card_html();
        let mut kept_html: Vec<Option<CardHtml>> = Vec::new();
        if keep_html {
            kept_html.resize(deck.cards.len(), None);
        }
        for batch in notes.chunks(BATCH) {
            for (n, &(card_index, _)) in render_batch(deck, batch, keep_html).into_iter().zip(batch)
            {
                if let Some(html) = n.html {
                    kept_html[card_index] = Some(html);
                }
                insert_note.execute(params![
                    n.id,
                    n.guid,
                    n.notetype_id,
                    n.modified,
                    n.tags,
                    n.fields,
                    n.sort_field,
                    n.checksum
                ])?;
            }
        }
        if keep_html {
            rendered.keep_card_html(kept_html);
        }
        notes_done();
        let mut insert_card =
            tx.prepare("INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')")?;
        for c in &cards {
            insert_card.execute(params![
                c.id, c.note_id, c.deck_id, c.ord, c.modified, c.due
            ])?;
        }
    }
    tx.execute_batch(INDEXES)?;
    tx.commit()?;
    db.close().map_err(|(_, e)| e)
}

fn conf_json(did: i64) -> Value {
    json!({
        "activeDecks": [did], "addToCur": true, "collapseTime": 1200, "curDeck": did,
        "curModel": null, "dueCounts": true, "estTimes": true, "newBury": true, "newSpread": 0,
        "nextPos": 1, "sortBackwards": false, "sortType": "noteFld", "timeLim": 0
    })
}

/// The Anki id of a deck a card names (`deck:`); the bank's own deck keeps
/// [`anki_deck_id`]. Anki matches decks by name on import, so these only
/// need to be stable and distinct.
fn subdeck_id(deck: &Deck, name: &str) -> i64 {
    if name == deck.name {
        anki_deck_id(deck)
    } else {
        stable_id(&["flashdeck-deck", &deck.id, name])
    }
}

fn models_json(deck: &Deck, did: i64, modified: i64) -> Value {
    let mut models = serde_json::Map::new();
    // The built-in types are written when a card uses one (or the bank has
    // no types of its own, as before they existed).
    if deck.note_types.is_empty() || deck.cards.iter().any(|c| c.note.is_none()) {
        for nt in &NOTE_TYPES {
            models.insert(
                nt.id(&deck.id).to_string(),
                nt.to_json(&deck.id, &deck.name, did, modified),
            );
        }
    }
    for custom in &deck.note_types {
        models.insert(
            custom_id(&deck.id, custom).to_string(),
            custom_to_json(&deck.id, custom, did, modified),
        );
    }
    Value::Object(models)
}

fn deck_json(id: i64, name: &str, description: &str, modified: i64) -> Value {
    json!({
        "id": id, "name": name, "desc": description, "mod": modified, "usn": -1,
        "collapsed": false, "browserCollapsed": false, "dyn": 0, "conf": 1,
        "extendNew": 0, "extendRev": 0,
        "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0]
    })
}

fn decks_json(deck: &Deck, did: i64) -> Value {
    let media_url = |written: &str| deck.media_name(written).map(str::to_string);
    let description = deck
        .description
        .as_deref()
        .map(|d| {
            if deck.description_html {
                crate::markup::html_field_to_html(d, &media_url)
            } else {
                to_html(
                    d,
                    &HtmlOptions {
                        media_url: &media_url,
                        escape_braces: false,
                    },
                )
            }
        })
        .unwrap_or_default();
    let mut decks = serde_json::Map::new();
    decks.insert("1".into(), deck_json(1, "Default", "", 0));
    decks.insert(
        did.to_string(),
        deck_json(did, &deck.name, &description, deck.updated),
    );
    let named = deck
        .cards
        .iter()
        .flat_map(|c| c.deck.iter().chain(c.template_decks.iter().map(|(_, d)| d)));
    for name in named {
        let id = subdeck_id(deck, name);
        if !decks.contains_key(&id.to_string()) {
            decks.insert(id.to_string(), deck_json(id, name, "", deck.updated));
        }
    }
    Value::Object(decks)
}

fn dconf_json() -> Value {
    json!({"1": {
        "id": 1, "name": "Default", "mod": 0, "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
        "replayq": true, "dyn": false,
        "new": {"bury": true, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 7], "order": 1,
                "perDay": 20, "separate": true},
        "lapse": {"delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0},
        "rev": {"bury": true, "ease4": 1.3, "fuzz": 0.05, "ivlFct": 1.0, "maxIvl": 36500, "minSpace": 1,
                "perDay": 200, "hardFactor": 1.2}
    }})
}
