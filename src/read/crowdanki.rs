//! CrowdAnki decks: a folder with `deck.json` (older exports name it after
//! the deck) and `media/`, as CrowdAnki's exporter writes them
//! (`crowd_anki/export/anki_exporter.py`, `representation/`).
//!
//! The top deck holds `note_models` and `deck_configurations`; every deck
//! holds its `notes` and its `children`, each child named by its last part
//! (`Verbs` under `Lang`). Notes become cards in the deck their JSON sits
//! in (`Lang::Verbs`), note models note types with their `crowdanki_uuid`,
//! and every key flashdeck does not model (`latexPre`, a field's `font`, a
//! note's `flags`, the deck options) is kept in the bank's `crowdanki:`
//! mappings, so `build --format crowdanki` writes the same `deck.json` back.
//! The bytes are given by `convert` (`deck.json` and the files of `media/`);
//! nothing here touches the disk.

use std::collections::HashMap;

use serde_json::Value;

use super::{
    Converted, ConvertedNote, ConvertedNoteType, CrowdAnkiExtras as Extras,
    CrowdAnkiNoteType as NoteTypeExtras, NoteTypeRef, ReadError, is_plain_file_name,
};
use crate::model::{Json, NoteKind};
use crate::validate::crowdanki::{
    DECK_KEYS, FIELD_KEYS, NOTE_KEYS, NOTE_TYPE_KEYS, SUBDECK_KEYS, TEMPLATE_KEYS,
};

/// The largest `deck.json` read.
pub const MAX_DECK_JSON_BYTES: u64 = 1 << 30;

fn invalid(what: impl Into<String>) -> ReadError {
    ReadError::new(
        format!("this is not a CrowdAnki deck: {}", what.into()),
        "export the deck again with CrowdAnki (File → Export → CrowdAnki JSON representation), or convert its folder as CrowdAnki wrote it",
    )
}

/// Whether `bytes` look like a CrowdAnki `deck.json` (an object whose
/// `__type__` is `Deck`), without parsing the whole file.
pub fn looks_like(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(1 << 16)).unwrap_or(bytes);
    let text = String::from_utf8_lossy(head);
    text.trim_start().starts_with('{')
        && (text.contains("\"__type__\": \"Deck\"") || text.contains("\"__type__\":\"Deck\""))
}

/// Reads `deck.json` and the files of `media/` (name, bytes).
pub fn read(json: &[u8], media: Vec<(String, Vec<u8>)>) -> Result<Converted, ReadError> {
    let text = std::str::from_utf8(json).map_err(|e| {
        invalid(format!(
            "the JSON is not UTF-8 text (at byte {})",
            e.valid_up_to()
        ))
    })?;
    let root: Value = serde_json::from_str(text).map_err(|e| {
        ReadError::new(
            format!("the deck's JSON cannot be read: {e}"),
            "CrowdAnki writes valid JSON: the file may have been edited by hand or cut short; fix the JSON at that place",
        )
        .at(e.line(), e.column())
    })?;
    let Some(top) = root.as_object() else {
        return Err(invalid("the JSON is not an object"));
    };
    if top.get("__type__").and_then(Value::as_str) != Some("Deck") {
        return Err(invalid("the JSON's `__type__` is not `Deck`"));
    }
    for (name, _) in &media {
        if !is_plain_file_name(name) {
            return Err(ReadError::new(
                format!(
                    "the media folder holds `{}`, which is not a plain file name",
                    name.escape_debug()
                ),
                "Anki keeps media in one folder by file name; rename or remove the file",
            ));
        }
    }
    let mut converted = Converted {
        deck_name: text_of(top, "name", "the deck")?.to_string(),
        media,
        ..Converted::default()
    };
    let mut extras = Extras::default();
    // Note models, by uuid.
    let mut by_uuid: HashMap<String, usize> = HashMap::new();
    for (i, model) in array_of(top, "note_models", "the deck")?.iter().enumerate() {
        let Some(model) = model.as_object() else {
            return Err(invalid(format!("note model {} is not an object", i + 1)));
        };
        let (note_type, more) = note_type(model, i)?;
        if let Some(uuid) = &more.uuid {
            if by_uuid.contains_key(uuid) {
                return Err(invalid(format!(
                    "two note models have the crowdanki_uuid `{uuid}`"
                )));
            }
            by_uuid.insert(uuid.clone(), converted.note_types.len());
        }
        converted.note_types.push(note_type);
        extras.note_types.push(more);
    }
    let description = top.get("desc").and_then(Value::as_str).unwrap_or_default();
    if !description.is_empty() {
        converted.description = Some(description.to_string());
    }
    extras.deck = other_keys(top, &DECK_KEYS);
    if let Some(configs) = top.get("deck_configurations").and_then(Value::as_array) {
        let names: Vec<String> = configs
            .iter()
            .map(|c| {
                c.get("name")
                    .and_then(Value::as_str)
                    .map(|n| format!("`{n}`"))
                    .unwrap_or_else(|| "(unnamed)".to_string())
            })
            .collect();
        if !names.is_empty() {
            converted.remarks.push(format!(
                "deck options ({} preset{}: {}) are not content: kept in the bank's `crowdanki:` for `--format crowdanki`, used by no other output",
                names.len(),
                if names.len() == 1 { "" } else { "s" },
                names.join(", ")
            ));
        }
    }
    let mut reader = Notes {
        by_uuid: &by_uuid,
        converted: &mut converted,
        extras: &mut extras,
        first_keys: None,
        seen: HashMap::new(),
    };
    let name = reader.converted.deck_name.clone();
    reader.deck(top, &name, 0)?;
    let notes_keys = reader.first_keys.take().unwrap_or(Json::Object(Vec::new()));
    // Notes whose keys are the first note's keep none of their own.
    for keys in &mut extras.note_keys {
        if keys.as_ref() == Some(&notes_keys) {
            *keys = None;
        }
    }
    extras.notes = notes_keys;
    if !converted.notes.is_empty() {
        converted.remarks.push(
            "CrowdAnki matches note types by `crowdanki_uuid`, and its decks hold no Anki note type ids: the bank allows `guid-without-note-type-id`. Share new versions with `build --format crowdanki`: an .apkg of this bank cannot update the notes of a collection that imported the CrowdAnki deck (Anki skips notes whose note type differs)".to_string(),
        );
    }
    converted.keep_missing_media = true;
    converted.crowdanki = Some(Box::new(extras));
    Ok(converted)
}

/// The notes of a deck and its children, depth first, each deck's own
/// notes before its children's.
struct Notes<'a> {
    by_uuid: &'a HashMap<String, usize>,
    converted: &'a mut Converted,
    extras: &'a mut Extras,
    first_keys: Option<Json>,
    /// GUIDs read so far, and the deck they are in.
    seen: HashMap<String, String>,
}

impl Notes<'_> {
    fn deck(
        &mut self,
        deck: &serde_json::Map<String, Value>,
        full_name: &str,
        depth: usize,
    ) -> Result<(), ReadError> {
        if depth > 64 {
            return Err(invalid("the decks are nested more than 64 deep"));
        }
        let what = format!("deck `{full_name}`");
        for (i, note) in array_of(deck, "notes", &what)?.iter().enumerate() {
            let Some(note) = note.as_object() else {
                return Err(invalid(format!(
                    "note {} of {what} is not an object",
                    i + 1
                )));
            };
            self.note(note, full_name, i)?;
        }
        let children = match deck.get("children") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(items)) => items.as_slice(),
            Some(_) => return Err(invalid(format!("`children` of {what} is not a list"))),
        };
        for (i, child) in children.iter().enumerate() {
            let Some(child) = child.as_object() else {
                return Err(invalid(format!(
                    "child {} of {what} is not an object",
                    i + 1
                )));
            };
            let leaf = text_of(child, "name", &format!("child {} of {what}", i + 1))?;
            if leaf.trim().is_empty() {
                return Err(invalid(format!("child {} of {what} has no name", i + 1)));
            }
            let name = format!("{full_name}::{leaf}");
            self.extras
                .subdecks
                .push((name.clone(), other_keys(child, &SUBDECK_KEYS)));
            self.deck(child, &name, depth + 1)?;
        }
        Ok(())
    }

    fn note(
        &mut self,
        note: &serde_json::Map<String, Value>,
        deck: &str,
        index: usize,
    ) -> Result<(), ReadError> {
        let what = format!("note {} of deck `{deck}`", index + 1);
        let guid = note.get("guid").and_then(Value::as_str).map(str::to_string);
        let uuid = note
            .get("note_model_uuid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(&nt) = self.by_uuid.get(uuid) else {
            self.converted.skipped.push(format!(
                "{what}: its note model `{uuid}` is not in the deck's `note_models`"
            ));
            return Ok(());
        };
        if let Some(guid) = &guid {
            if let Some(first) = self.seen.get(guid) {
                self.converted.skipped.push(format!(
                    "{what}: GUID `{guid}` is already a note of deck `{first}` (CrowdAnki lists a note in each deck holding one of its cards; its first deck is kept)"
                ));
                return Ok(());
            }
            self.seen.insert(guid.clone(), deck.to_string());
        }
        let mut fields = Vec::new();
        for value in array_of(note, "fields", &what)? {
            match value.as_str() {
                Some(text) => fields.push(text.to_string()),
                None => return Err(invalid(format!("a field of {what} is not text"))),
            }
        }
        let expected = self.converted.note_types[nt].fields.len();
        if fields.len() != expected {
            self.converted.skipped.push(format!(
                "{what}: it has {} fields, its note model `{}` {expected}",
                fields.len(),
                self.converted.note_types[nt].name
            ));
            return Ok(());
        }
        let mut tags = Vec::new();
        for tag in array_of(note, "tags", &what)? {
            match tag.as_str() {
                Some(tag) => tags.push(tag.to_string()),
                None => return Err(invalid(format!("a tag of {what} is not text"))),
            }
        }
        let keys = other_keys(note, &NOTE_KEYS);
        if self.first_keys.is_none() {
            self.first_keys = Some(keys.clone());
        }
        self.extras.note_keys.push(Some(keys));
        self.converted.notes.push(ConvertedNote {
            guid,
            note_type: NoteTypeRef::Anki(nt),
            fields,
            tags,
            decks: vec![(0, deck.to_string())],
            modified: 0,
        });
        Ok(())
    }
}

/// A note model as a note type, and what flashdeck does not model of it.
fn note_type(
    model: &serde_json::Map<String, Value>,
    index: usize,
) -> Result<(ConvertedNoteType, NoteTypeExtras), ReadError> {
    let name = text_of(model, "name", &format!("note model {}", index + 1))?.to_string();
    let what = format!("note model `{name}`");
    let int = |key: &str| -> Result<Option<i64>, ReadError> {
        match model.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| invalid(format!("`{key}` of {what} is not a whole number"))),
        }
    };
    let kind = int("type")?;
    let mut fields = Vec::new();
    let mut field_keys = Vec::new();
    for field in by_ord(array_of(model, "flds", &what)?, &what, "field")? {
        let name = text_of(field, "name", &format!("a field of {what}"))?;
        fields.push((name.to_string(), field.get("id").and_then(Value::as_i64)));
        field_keys.push(other_keys(field, &FIELD_KEYS));
    }
    let mut templates = Vec::new();
    let mut template_keys = Vec::new();
    for template in by_ord(array_of(model, "tmpls", &what)?, &what, "template")? {
        let of = format!("a template of {what}");
        templates.push((
            text_of(template, "name", &of)?.to_string(),
            text_of(template, "qfmt", &of)?.to_string(),
            text_of(template, "afmt", &of)?.to_string(),
            template.get("id").and_then(Value::as_i64),
        ));
        template_keys.push(other_keys(template, &TEMPLATE_KEYS));
    }
    let sort_field = int("sortf")?.unwrap_or(0);
    let note_type = ConvertedNoteType {
        kind: Some(if kind == Some(1) {
            NoteKind::Cloze
        } else {
            NoteKind::Standard
        }),
        fields,
        templates,
        css: model
            .get("css")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        sort_field: usize::try_from(sort_field).unwrap_or(0),
        anki_id: None,
        original_stock_kind: int("originalStockKind")?,
        original_id: int("originalId")?,
        modified: 0,
        name,
    };
    let extras = NoteTypeExtras {
        uuid: model
            .get("crowdanki_uuid")
            .and_then(Value::as_str)
            .map(str::to_string),
        kind_written: kind.is_some(),
        keys: other_keys(model, &NOTE_TYPE_KEYS),
        fields: field_keys,
        templates: template_keys,
    };
    Ok((note_type, extras))
}

/// The objects of a `flds` or `tmpls` list in `ord` order (the list's own
/// order where `ord` is missing or ties).
fn by_ord<'a>(
    items: &'a [Value],
    what: &str,
    item: &str,
) -> Result<Vec<&'a serde_json::Map<String, Value>>, ReadError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, value) in items.iter().enumerate() {
        let Some(object) = value.as_object() else {
            return Err(invalid(format!(
                "{item} {} of {what} is not an object",
                i + 1
            )));
        };
        out.push(object);
    }
    out.sort_by_key(|o| o.get("ord").and_then(Value::as_i64).unwrap_or(i64::MAX));
    Ok(out)
}

/// Every key of `object` but `reserved`, as read.
fn other_keys(object: &serde_json::Map<String, Value>, reserved: &[&str]) -> Json {
    Json::Object(
        object
            .iter()
            .filter(|(k, _)| !reserved.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), Json::from_serde(v)))
            .collect(),
    )
}

fn text_of<'a>(
    object: &'a serde_json::Map<String, Value>,
    key: &str,
    what: &str,
) -> Result<&'a str, ReadError> {
    object
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(format!("{what} has no `{key}` text")))
}

fn array_of<'a>(
    object: &'a serde_json::Map<String, Value>,
    key: &str,
    what: &str,
) -> Result<&'a [Value], ReadError> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(invalid(format!("`{key}` of {what} is not a list"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::bank_file::bank_file;

    const DECK: &[u8] = include_bytes!("../../tests/corpus/crowdanki/languages/deck.json");

    fn media() -> Vec<(String, Vec<u8>)> {
        vec![
            ("_vocab.woff".into(), b"font".to_vec()),
            ("casa.png".into(), b"png".to_vec()),
        ]
    }

    #[test]
    fn reads_nested_decks_models_and_notes() {
        let converted = read(DECK, media()).unwrap();
        assert_eq!(converted.deck_name, "Languages");
        assert_eq!(converted.note_types.len(), 2);
        assert_eq!(converted.note_types[1].kind, Some(NoteKind::Cloze));
        let decks: Vec<&str> = converted
            .notes
            .iter()
            .map(|n| n.decks[0].1.as_str())
            .collect();
        assert_eq!(
            decks,
            [
                "Languages",
                "Languages",
                "Languages::Verbs",
                "Languages::Verbs::Irregular"
            ]
        );
        let extras = converted.crowdanki.as_deref().unwrap();
        let subdecks: Vec<&str> = extras.subdecks.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            subdecks,
            [
                "Languages::Empty",
                "Languages::Verbs",
                "Languages::Verbs::Irregular"
            ]
        );
        // Only the note whose keys differ from the first note's keeps its own.
        let own: Vec<bool> = extras.note_keys.iter().map(Option::is_some).collect();
        assert_eq!(own, [false, false, true, false]);
        assert!(extras.deck.get("deck_configurations").is_some());
        assert!(extras.deck.get("media_files").is_none());
    }

    #[test]
    fn converted_crowdanki_bank_snapshot() {
        let converted = read(DECK, media()).unwrap();
        let file = bank_file(&converted, "deck.json", "languages");
        assert_eq!(file.missing_media.len(), 1);
        insta::assert_snapshot!(file.text);
    }

    #[test]
    fn refuses_what_is_not_a_deck() {
        for (json, says) in [
            (&b"[]"[..], "not an object"),
            (b"{\"__type__\": \"Deck\"}", "has no `name` text"),
            (b"\xff", "not UTF-8"),
        ] {
            let err = read(json, Vec::new()).unwrap_err();
            assert!(err.message.contains(says), "{}", err.message);
        }
        let err = read(DECK, vec![("../x".into(), Vec::new())]).unwrap_err();
        assert!(
            err.message.contains("not a plain file name"),
            "{}",
            err.message
        );
    }
}
