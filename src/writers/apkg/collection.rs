//! The legacy `collection.anki2` (schema 11), built in memory with prepared
//! statements in one transaction, then serialized to bytes.

use rusqlite::{Connection, MAIN_DB, params};
use serde_json::{Value, json};

use super::fields::{note_fields, strip_html_preserving_media_filenames};
use super::ids::{IdAllocator, field_checksum, note_guid, stable_id};
use super::notetypes::{NOTE_TYPES, note_type};
use crate::model::{CardType, cloze};
use crate::transform::Deck;
use crate::transform::markup::{HtmlOptions, to_html};

const SCHEMA: &str = "
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

/// Builds the collection and returns the SQLite file's bytes.
pub fn build(deck: &Deck, notetype_modified: i64) -> rusqlite::Result<Vec<u8>> {
    let mut db = Connection::open_in_memory()?;
    db.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;",
    )?;
    db.execute_batch(SCHEMA)?;
    let did = anki_deck_id(deck);
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
        let mut insert_card =
            tx.prepare("INSERT INTO cards VALUES (?1, ?2, ?3, ?4, ?5, -1, 0, 0, ?6, 0, 0, 0, 0, 0, 0, 0, 0, '')")?;
        let mut note_ids = IdAllocator::default();
        let mut card_ids = IdAllocator::default();
        for (position, card) in deck.cards.iter().enumerate() {
            let nt = note_type(card.card_type);
            let fields = note_fields(deck, card);
            let first = strip_html_preserving_media_filenames(&fields[0]);
            let tags = if card.tags.is_empty() {
                String::new()
            } else {
                format!(" {} ", card.tags.join(" "))
            };
            let note_id = note_ids.allocate(&["flashdeck-note", &deck.id, &card.id]);
            insert_note.execute(params![
                note_id,
                note_guid(&deck.id, &card.id),
                nt.id(&deck.id),
                card.modified,
                tags,
                fields.join("\x1f"),
                first,
                field_checksum(&first),
            ])?;
            let ords: Vec<u32> = match card.card_type {
                CardType::Cloze => cloze::numbers(&card.text)
                    .into_iter()
                    .map(|n| n - 1)
                    .collect(),
                _ => (0..nt.templates.len() as u32).collect(),
            };
            for ord in ords {
                let card_id =
                    card_ids.allocate(&["flashdeck-card", &deck.id, &card.id, &ord.to_string()]);
                insert_card.execute(params![
                    card_id,
                    note_id,
                    did,
                    ord,
                    card.modified,
                    position as i64 + 1
                ])?;
            }
        }
    }
    tx.commit()?;
    db.execute_batch("VACUUM;")?;
    let data = db.serialize(MAIN_DB)?;
    Ok(data.to_vec())
}

fn conf_json(did: i64) -> Value {
    json!({
        "activeDecks": [did], "addToCur": true, "collapseTime": 1200, "curDeck": did,
        "curModel": null, "dueCounts": true, "estTimes": true, "newBury": true, "newSpread": 0,
        "nextPos": 1, "sortBackwards": false, "sortType": "noteFld", "timeLim": 0
    })
}

fn models_json(deck: &Deck, did: i64, modified: i64) -> Value {
    let mut models = serde_json::Map::new();
    for nt in &NOTE_TYPES {
        models.insert(
            nt.id(&deck.id).to_string(),
            nt.to_json(&deck.id, &deck.name, did, modified),
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
            to_html(
                d,
                &HtmlOptions {
                    media_url: &media_url,
                    escape_braces: false,
                },
            )
        })
        .unwrap_or_default();
    let mut decks = serde_json::Map::new();
    decks.insert("1".into(), deck_json(1, "Default", "", 0));
    decks.insert(
        did.to_string(),
        deck_json(did, &deck.name, &description, deck.updated),
    );
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
