//! An Anki collection's SQLite (schema 11 or 18), read from memory: note
//! types (fields, templates, CSS, ids), notes, the deck of each card, and a
//! summary of scheduling for the report (scheduling is never converted).

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use rusqlite::Connection;

use super::protobuf;
use super::{Converted, ConvertedNote, ConvertedNoteType, NoteTypeRef, ReadError};
use crate::model::NoteKind;

fn not_a_collection(why: impl std::fmt::Display) -> ReadError {
    ReadError::new(
        format!("the package's database is not an Anki collection ({why})"),
        "export the deck again from Anki; this file may be damaged or made by another program",
    )
}

fn db_error(e: rusqlite::Error) -> ReadError {
    not_a_collection(e)
}

/// Reads a collection (the SQLite file's bytes).
pub(super) fn read_collection(
    mut bytes: Vec<u8>,
    deck_filter: Option<&str>,
) -> Result<Converted, ReadError> {
    if !bytes.starts_with(b"SQLite format 3\0") {
        return Err(not_a_collection("it is not a SQLite database"));
    }
    // Anki saves collections in WAL mode (header bytes 18 and 19 are 2); a
    // database opened from memory cannot be, so it is read as a rollback
    // journal database, which the pages are identical to.
    if bytes.len() > 19 && bytes[18] == 2 {
        bytes[18] = 1;
        bytes[19] = 1;
    }
    let mut db = Connection::open_in_memory().map_err(db_error)?;
    let size = bytes.len();
    db.deserialize_read_exact("main", Cursor::new(bytes), size, true)
        .map_err(db_error)?;
    // Schema 18 declares its text columns `COLLATE unicase`: without the
    // collation, ORDER BY and comparisons on them fail.
    db.create_collation("unicase", |a: &str, b: &str| {
        a.to_lowercase().cmp(&b.to_lowercase())
    })
    .map_err(db_error)?;
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(db_error)?;
    for needed in ["col", "notes", "cards"] {
        if !tables.iter().any(|t| t == needed) {
            return Err(not_a_collection(format!("it has no `{needed}` table")));
        }
    }
    let schema18 = tables.iter().any(|t| t == "notetypes");
    let (note_types, decks) = if schema18 {
        (note_types_18(&db)?, decks_18(&db)?)
    } else {
        (note_types_11(&db)?, decks_11(&db)?)
    };
    read_notes(&db, note_types, &decks, deck_filter)
}

/// A note type with its Anki id, as read.
struct ReadNoteType {
    id: i64,
    note_type: ConvertedNoteType,
}

fn kind(value: i64) -> NoteKind {
    if value == 1 {
        NoteKind::Cloze
    } else {
        NoteKind::Standard
    }
}

fn note_types_18(db: &Connection) -> Result<Vec<ReadNoteType>, ReadError> {
    let mut out = Vec::new();
    let mut by_id: HashMap<i64, usize> = HashMap::new();
    let mut stmt = db
        .prepare("SELECT id, name, mtime_secs, config FROM notetypes ORDER BY id")
        .map_err(db_error)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })
        .map_err(db_error)?;
    for row in rows {
        let (id, name, modified, config) = row.map_err(db_error)?;
        let f = protobuf::fields(&config)
            .map_err(|e| not_a_collection(format!("note type `{name}`: {}", e.0)))?;
        let css = protobuf::string_field(&f, 3)
            .map_err(|e| not_a_collection(format!("note type `{name}`: {}", e.0)))?;
        let stock = protobuf::varint_field(&f, 9) as i64;
        by_id.insert(id, out.len());
        out.push(ReadNoteType {
            id,
            note_type: ConvertedNoteType {
                name,
                kind: Some(kind(protobuf::varint_field(&f, 1) as i64)),
                css,
                sort_field: protobuf::varint_field(&f, 2) as usize,
                anki_id: Some(id),
                original_stock_kind: (stock != 0).then_some(stock),
                original_id: protobuf::optional_varint(&f, 10).map(|v| v as i64),
                modified,
                ..ConvertedNoteType::default()
            },
        });
    }
    // Fields and templates of deleted note types may linger: only those of
    // note types that exist are read.
    for_each_config(db, "fields", &mut |ntid, name, f| {
        let Some(&i) = by_id.get(&ntid) else {
            return Ok(());
        };
        let id = protobuf::optional_varint(f, 9).map(|v| v as i64);
        out[i].note_type.fields.push((name, id));
        Ok(())
    })?;
    for_each_config(db, "templates", &mut |ntid, name, f| {
        let Some(&i) = by_id.get(&ntid) else {
            return Ok(());
        };
        let text = |n| {
            protobuf::string_field(f, n)
                .map_err(|e| not_a_collection(format!("template `{name}`: {}", e.0)))
        };
        let (front, back) = (text(1)?, text(2)?);
        let id = protobuf::optional_varint(f, 8).map(|v| v as i64);
        out[i].note_type.templates.push((name, front, back, id));
        Ok(())
    })?;
    Ok(out)
}

/// What [`for_each_config`] calls per row: note type id, name, config fields.
type ConfigRow<'a> =
    dyn FnMut(i64, String, &[(u32, protobuf::Value<'_>)]) -> Result<(), ReadError> + 'a;

/// Each row of schema 18's `fields` or `templates` table, in note type and
/// ordinal order: (note type id, name, decoded protobuf config).
fn for_each_config(
    db: &Connection,
    table: &str,
    each: &mut ConfigRow<'_>,
) -> Result<(), ReadError> {
    let mut stmt = db
        .prepare(&format!(
            "SELECT ntid, name, config FROM {table} ORDER BY ntid, ord"
        ))
        .map_err(db_error)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })
        .map_err(db_error)?;
    for row in rows {
        let (ntid, name, config) = row.map_err(db_error)?;
        let fields = protobuf::fields(&config)
            .map_err(|e| not_a_collection(format!("{table} row `{name}`: {}", e.0)))?;
        each(ntid, name, &fields)?;
    }
    Ok(())
}

fn col_json(db: &Connection, column: &str) -> Result<serde_json::Value, ReadError> {
    let text: String = db
        .query_row(&format!("SELECT {column} FROM col"), [], |r| r.get(0))
        .map_err(db_error)?;
    if text.trim().is_empty() {
        return Ok(serde_json::Value::Object(Default::default()));
    }
    serde_json::from_str(&text).map_err(|e| not_a_collection(format!("`col.{column}`: {e}")))
}

fn note_types_11(db: &Connection) -> Result<Vec<ReadNoteType>, ReadError> {
    let models = col_json(db, "models")?;
    let mut out = Vec::new();
    for model in models.as_object().into_iter().flat_map(|m| m.values()) {
        let int = |v: &serde_json::Value| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        };
        let Some(id) = int(&model["id"]) else {
            return Err(not_a_collection("a note type without an id"));
        };
        let by_ord = |list: &serde_json::Value| {
            let mut items: Vec<serde_json::Value> = list.as_array().cloned().unwrap_or_default();
            items.sort_by_key(|v| v["ord"].as_i64().unwrap_or(0));
            items
        };
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        let stock = int(&model["originalStockKind"]).unwrap_or(0);
        out.push(ReadNoteType {
            id,
            note_type: ConvertedNoteType {
                name: text(&model["name"]),
                kind: Some(kind(int(&model["type"]).unwrap_or(0))),
                fields: by_ord(&model["flds"])
                    .iter()
                    .map(|f| (text(&f["name"]), int(&f["id"])))
                    .collect(),
                templates: by_ord(&model["tmpls"])
                    .iter()
                    .map(|t| {
                        (
                            text(&t["name"]),
                            text(&t["qfmt"]),
                            text(&t["afmt"]),
                            int(&t["id"]),
                        )
                    })
                    .collect(),
                css: text(&model["css"]),
                sort_field: int(&model["sortf"]).unwrap_or(0).max(0) as usize,
                anki_id: Some(id),
                original_stock_kind: (stock != 0).then_some(stock),
                original_id: int(&model["originalId"]),
                modified: int(&model["mod"]).unwrap_or(0),
            },
        });
    }
    out.sort_by_key(|t| t.id);
    Ok(out)
}

fn decks_18(db: &Connection) -> Result<HashMap<i64, String>, ReadError> {
    let mut stmt = db.prepare("SELECT id, name FROM decks").map_err(db_error)?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .map_err(db_error)?;
    rows.map(|r| {
        r.map(|(id, name)| (id, name.replace('\x1f', "::")))
            .map_err(db_error)
    })
    .collect()
}

fn decks_11(db: &Connection) -> Result<HashMap<i64, String>, ReadError> {
    let decks = col_json(db, "decks")?;
    Ok(decks
        .as_object()
        .into_iter()
        .flat_map(|m| m.iter())
        .filter_map(|(id, d)| Some((id.parse().ok()?, d["name"].as_str()?.to_string())))
        .collect())
}

fn read_notes(
    db: &Connection,
    note_types: Vec<ReadNoteType>,
    decks: &HashMap<i64, String>,
    deck_filter: Option<&str>,
) -> Result<Converted, ReadError> {
    // Each note's cards: (ord, deck), in ord order.
    let mut cards: BTreeMap<i64, Vec<(u32, String)>> = BTreeMap::new();
    let (mut studied, mut total) = (0usize, 0usize);
    {
        let mut stmt = db
            .prepare("SELECT nid, ord, did, odid, type FROM cards ORDER BY nid, ord")
            .map_err(db_error)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .map_err(db_error)?;
        for row in rows {
            let (nid, ord, did, odid, card_type) = row.map_err(db_error)?;
            // A card in a filtered deck belongs to its original deck.
            let did = if odid != 0 { odid } else { did };
            let deck = decks
                .get(&did)
                .cloned()
                .unwrap_or_else(|| "Default".to_string());
            if let Some(filter) = deck_filter
                && !(deck == filter || deck.starts_with(&format!("{filter}::")))
            {
                continue;
            }
            total += 1;
            studied += usize::from(card_type != 0);
            cards
                .entry(nid)
                .or_default()
                .push((u32::try_from(ord).unwrap_or(0), deck));
        }
    }
    let index: HashMap<i64, usize> = note_types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id, i))
        .collect();
    let mut used = vec![false; note_types.len()];
    // Anki keeps a reference to a file it lacks (Check Media lists it):
    // the bank does too, under `missing-media:`.
    let mut converted = Converted {
        keep_missing_media: true,
        ..Converted::default()
    };
    let mut stmt = db
        .prepare("SELECT id, guid, mid, mod, tags, flds FROM notes ORDER BY id")
        .map_err(db_error)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })
        .map_err(db_error)?;
    let mut image_occlusion = 0;
    for row in rows {
        let (nid, guid, mid, modified, tags, fields) = row.map_err(db_error)?;
        let Some(note_cards) = cards.remove(&nid) else {
            continue; // No card in the chosen decks (or an orphan note).
        };
        let first = fields.split('\x1f').next().unwrap_or_default();
        let describe = || {
            let text = crate::anki::template::strip_html(first);
            let short: String = text.chars().take(40).collect();
            format!("note {guid} (\"{short}\")")
        };
        let Some(&nt) = index.get(&mid) else {
            converted.skipped.push(format!(
                "{}: its note type is missing from the package",
                describe()
            ));
            continue;
        };
        let note_type = &note_types[nt].note_type;
        if note_type.original_stock_kind == Some(crate::anki::note_type::IMAGE_OCCLUSION) {
            image_occlusion += 1;
        }
        let mut values: Vec<String> = fields.split('\x1f').map(str::to_string).collect();
        if values.len() != note_type.fields.len() {
            converted.remarks.push(format!(
                "{}: {} field values for the {} fields of `{}` (padded or cut to fit)",
                describe(),
                values.len(),
                note_type.fields.len(),
                note_type.name
            ));
            values.resize(note_type.fields.len(), String::new());
        }
        used[nt] = true;
        converted.notes.push(ConvertedNote {
            guid: Some(guid),
            note_type: NoteTypeRef::Anki(nt),
            fields: values,
            tags: tags.split_whitespace().map(str::to_string).collect(),
            decks: note_cards,
            modified,
        });
    }
    if converted.notes.is_empty() {
        return Err(match deck_filter {
            Some(deck) => ReadError::new(
                format!("no note of the package is in the deck `{deck}`"),
                "check the deck's name (`::` between levels), or leave out --deck",
            ),
            None => ReadError::new(
                "the package holds no notes",
                "export a deck with cards in it (Anki exports an empty deck as a package with no notes)",
            ),
        });
    }
    if image_occlusion > 0 {
        converted.remarks.push(format!(
            "{image_occlusion} Image Occlusion note{} kept as Anki has them (the masks are deletions of the Occlusion field): the .apkg gives them back, the handouts show the image and name the hidden areas, the Quizlet files leave them out",
            if image_occlusion == 1 { "" } else { "s" }
        ));
    }
    // Only the note types the notes use, renumbered.
    let mut renumber = vec![usize::MAX; note_types.len()];
    for (i, t) in note_types.into_iter().enumerate() {
        if used[i] && (t.note_type.templates.is_empty() || t.note_type.fields.is_empty()) {
            return Err(not_a_collection(format!(
                "note type `{}` has no {}, so Anki could make no card of its notes",
                t.note_type.name,
                if t.note_type.fields.is_empty() {
                    "fields"
                } else {
                    "templates"
                }
            )));
        }
        if used[i] {
            renumber[i] = converted.note_types.len();
            converted.note_types.push(t.note_type);
        }
    }
    for note in &mut converted.notes {
        if let NoteTypeRef::Anki(i) = note.note_type {
            note.note_type = NoteTypeRef::Anki(renumber[i]);
        }
    }
    converted.deck_name = common_deck(
        converted
            .notes
            .iter()
            .flat_map(|n| n.decks.iter().map(|(_, d)| d.as_str())),
    );
    let revlog: i64 = db
        .query_row("SELECT count() FROM revlog", [], |r| r.get(0))
        .unwrap_or(0);
    converted.scheduling = Some(format!(
        "{studied} of {total} cards studied, {revlog} review log entries: scheduling stays in the collection, it is not part of a bank"
    ));
    Ok(converted)
}

/// The deepest deck every card is in or under; the most common top-level
/// deck when there is none.
fn common_deck<'a>(decks: impl Iterator<Item = &'a str>) -> String {
    let mut common: Option<Vec<&str>> = None;
    let mut tops: BTreeMap<&str, usize> = BTreeMap::new();
    for deck in decks {
        let parts: Vec<&str> = deck.split("::").collect();
        *tops.entry(parts[0]).or_default() += 1;
        common = Some(match common {
            None => parts,
            Some(c) => c
                .iter()
                .zip(&parts)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    match common {
        Some(c) if !c.is_empty() => c.join("::"),
        _ => tops
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .map_or_else(|| "Imported".to_string(), |(d, _)| d.to_string()),
    }
}
