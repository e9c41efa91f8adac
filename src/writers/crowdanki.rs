//! CrowdAnki's layout (`--format crowdanki`): `<deck-id>/deck.json` and
//! `<deck-id>/media/`, as CrowdAnki's exporter writes them
//! (`crowd_anki/export/anki_exporter.py`): the top deck with its
//! `note_models` and `deck_configurations`, each subdeck under `children`
//! named by its last part, every deck's `notes` and the `media_files` its
//! notes name; JSON with sorted keys and four spaces a level, non-ASCII as
//! it is, no newline at the end (Python's `json.dumps(…, sort_keys=True,
//! indent=4, ensure_ascii=False)`).
//!
//! A bank converted from CrowdAnki keeps what flashdeck does not model in
//! its `crowdanki:` mappings; they are written back around what the bank
//! says, so such a bank gives back the `deck.json` it came from. A bank
//! without them gets CrowdAnki's defaults and uuids derived from the deck id
//! (UUID v5), the same on every build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::apkg::fields::note_fields;
use super::apkg::notetypes::note_type as builtin_note_type;
use super::output::{Output, WriteError};
use super::rendered::Rendered;
use super::writer::Writer;
use crate::anki::ids::note_guid;
use crate::anki::note_type::NoteType;
use crate::markup::{HtmlOptions, html_field_for_anki, html_media_names, to_html};
use crate::model::{CardType, Json};
use crate::transform::{Deck, DeckCard};

/// Writes a deck as CrowdAnki does.
pub struct CrowdAnkiWriter;

impl Writer for CrowdAnkiWriter {
    fn write(&self, deck: &Rendered<'_>, out: &mut dyn Output) -> Result<(), WriteError> {
        let json = deck_json(deck)?;
        let mut text = String::new();
        json.write_pretty(&mut text, 0);
        drop(json);
        let folder = PathBuf::from(&deck.id);
        out.file(&folder.join("deck.json"), &mut |sink| {
            sink.write_all(text.as_bytes())
        })?;
        for media in &deck.media {
            out.file(&folder.join("media").join(&media.name), &mut |sink| {
                sink.write_all(&media.bytes)
            })?;
        }
        Ok(())
    }
}

/// Anki's default LaTeX preamble and postamble.
const LATEX_PRE: &str = "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n";
const LATEX_POST: &str = "\\end{document}";

/// A UUID (version 5, SHA-1) for `name` in flashdeck's CrowdAnki namespace:
/// the same deck id and name always give the same uuid.
pub fn stable_uuid(parts: &[&str]) -> String {
    use sha1::{Digest, Sha1};
    // RFC 4122's URL namespace, 6ba7b811-9dad-11d1-80b4-00c04fd430c8.
    const NAMESPACE_URL: [u8; 16] = [
        0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30,
        0xc8,
    ];
    let mut name = String::from("flashdeck:crowdanki");
    for part in parts {
        name.push(':');
        name.push_str(part);
    }
    let mut hasher = Sha1::new();
    hasher.update(NAMESPACE_URL);
    hasher.update(name.as_bytes());
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    for (b, d) in bytes.iter_mut().zip(digest.iter()) {
        *b = *d;
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x50;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        hex.get(0..8).unwrap_or_default(),
        hex.get(8..12).unwrap_or_default(),
        hex.get(12..16).unwrap_or_default(),
        hex.get(16..20).unwrap_or_default(),
        hex.get(20..32).unwrap_or_default()
    )
}

/// Sets `key` of an object (replacing a kept value).
fn set(object: &mut Vec<(String, Json)>, key: &str, value: Json) {
    match object.iter_mut().find(|(k, _)| k == key) {
        Some(entry) => entry.1 = value,
        None => object.push((key.to_string(), value)),
    }
}

/// The entries of a kept `crowdanki:` object, or `defaults` without one.
fn base(
    kept: Option<&Json>,
    defaults: impl FnOnce() -> Vec<(String, Json)>,
) -> Vec<(String, Json)> {
    match kept {
        Some(json) => json.entries().to_vec(),
        None => defaults(),
    }
}

fn text(s: &str) -> Json {
    Json::String(s.to_string())
}

fn int(n: i64) -> Json {
    Json::from_i64(n)
}

/// One deck of the tree, by full name.
#[derive(Default)]
struct DeckNode {
    notes: Vec<Json>,
    media: BTreeSet<String>,
}

fn deck_json(deck: &Deck) -> Result<Json, WriteError> {
    let kept = deck.crowdanki.as_ref();
    let kept_deck = kept.and_then(|k| k.get("deck"));
    let kept_subdecks = kept.and_then(|k| k.get("subdecks"));
    let kept_notes = kept.and_then(|k| k.get("notes"));
    let config_uuid = kept_deck
        .and_then(|d| d.get("deck_config_uuid"))
        .and_then(Json::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| stable_uuid(&[&deck.id, "deck-config"]));
    // Note models: the bank's own types, then the built-in types its cards use.
    let mut models: Vec<Json> = Vec::new();
    let mut custom_uuids: Vec<String> = Vec::new();
    let mut model_texts: Vec<String> = Vec::new();
    for nt in &deck.note_types {
        let uuid = nt
            .crowdanki_uuid
            .clone()
            .unwrap_or_else(|| stable_uuid(&[&deck.id, "notetype", &nt.name]));
        models.push(custom_model(nt, &uuid));
        custom_uuids.push(uuid);
        model_texts.push(nt.css.clone());
        for t in &nt.templates {
            model_texts.push(t.front.clone());
            model_texts.push(t.back.clone());
        }
    }
    let mut builtin_uuids: Vec<(CardType, String)> = Vec::new();
    for card_type in CardType::ALL {
        if deck
            .cards
            .iter()
            .any(|c| c.note.is_none() && c.card_type == card_type)
        {
            let (model, uuid) = builtin_model(deck, card_type);
            models.push(model);
            builtin_uuids.push((card_type, uuid));
            let nt = builtin_note_type(card_type);
            model_texts.push(super::apkg::notetypes::CSS.to_string());
            for (_, front, back) in nt.templates {
                model_texts.push((*front).to_string());
                model_texts.push((*back).to_string());
            }
        }
    }
    // Media only templates or CSS name (Anki's `_` files) go to every deck.
    let model_media: BTreeSet<String> = deck
        .media
        .iter()
        .filter(|m| m.name.starts_with('_') && model_texts.iter().any(|t| t.contains(&m.name)))
        .map(|m| m.name.clone())
        .collect();
    // The deck tree: the top deck, each kept subdeck, each card's decks.
    let top = deck.name.clone();
    let mut tree: BTreeMap<String, DeckNode> = BTreeMap::new();
    tree.insert(top.clone(), DeckNode::default());
    let add_deck = |tree: &mut BTreeMap<String, DeckNode>, name: &str| {
        let mut at = top.clone();
        for part in name
            .strip_prefix(top.as_str())
            .and_then(|rest| rest.strip_prefix("::"))
            .unwrap_or_default()
            .split("::")
            .filter(|p| !p.is_empty())
        {
            at = format!("{at}::{part}");
            tree.entry(at.clone()).or_default();
        }
    };
    for (name, _) in kept_subdecks.map(Json::entries).unwrap_or_default() {
        add_deck(&mut tree, name);
    }
    for card in &deck.cards {
        let note = note_json(deck, card, &custom_uuids, &builtin_uuids, kept_notes);
        let mut names: Vec<&str> = Vec::new();
        for name in card
            .deck
            .iter()
            .chain(card.template_decks.iter().map(|(_, d)| d))
            .map(String::as_str)
            .chain(std::iter::once(top.as_str()).filter(|_| card.deck.is_none()))
        {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        for name in names {
            if name != top && !name.starts_with(&format!("{top}::")) {
                return Err(WriteError::Render(format!(
                    "card `{}` is in deck `{name}`, which is not `{top}` or under it: a CrowdAnki deck is one deck and its subdecks; name the card's deck `{top}::…`, or build that card in a bank of its own",
                    card.id
                )));
            }
            add_deck(&mut tree, name);
            if let Some(node) = tree.get_mut(name) {
                if let Some(fields) = note.get("fields") {
                    for field in fields_of(fields) {
                        node.media.extend(
                            html_media_names(field)
                                .into_iter()
                                .filter(|n| !n.contains("://") && !n.starts_with("data:")),
                        );
                    }
                }
                node.notes.push(note.clone());
            }
        }
    }
    let description = match deck.description.as_deref() {
        None => String::new(),
        Some(d) => {
            let media_url = |written: &str| deck.media_name(written).map(str::to_string);
            if deck.description_html {
                html_field_for_anki(d, &media_url)
            } else {
                to_html(
                    d,
                    &HtmlOptions {
                        media_url: &media_url,
                        escape_braces: false,
                    },
                )
            }
        }
    };
    let mut nodes: Vec<(String, DeckNode)> = tree.into_iter().collect();
    // Children before parents: each subdeck's JSON goes into its parent's.
    let mut built: BTreeMap<String, Json> = BTreeMap::new();
    while let Some((name, node)) = nodes.pop() {
        let prefix = format!("{name}::");
        // Direct children, in name order (as CrowdAnki sorts them).
        let child_names: Vec<String> = built
            .keys()
            .filter(|k| {
                k.strip_prefix(prefix.as_str())
                    .is_some_and(|rest| !rest.contains("::"))
            })
            .cloned()
            .collect();
        let children: Vec<Json> = child_names.iter().filter_map(|k| built.remove(k)).collect();
        let mut media = node.media;
        media.extend(model_media.iter().cloned());
        let media_files = Json::Array(media.into_iter().map(Json::String).collect());
        let is_top = name == top;
        let mut object = if is_top {
            base(kept_deck, || {
                vec![
                    (
                        "crowdanki_uuid".into(),
                        text(&stable_uuid(&[&deck.id, "deck"])),
                    ),
                    ("deck_config_uuid".into(), text(&config_uuid)),
                    (
                        "deck_configurations".into(),
                        Json::Array(vec![Json::Object(vec![
                            ("__type__".into(), text("DeckConfig")),
                            ("crowdanki_uuid".into(), text(&config_uuid)),
                            ("name".into(), text(&deck.name)),
                        ])]),
                    ),
                    ("dyn".into(), int(0)),
                    ("extendNew".into(), int(10)),
                    ("extendRev".into(), int(50)),
                ]
            })
        } else {
            let kept_keys = kept_subdecks.and_then(|s| s.get(&name));
            base(kept_keys, || {
                vec![
                    (
                        "crowdanki_uuid".into(),
                        text(&stable_uuid(&[&deck.id, "deck", &name])),
                    ),
                    ("deck_config_uuid".into(), text(&config_uuid)),
                    ("desc".into(), text("")),
                    ("dyn".into(), int(0)),
                    ("extendNew".into(), int(10)),
                    ("extendRev".into(), int(50)),
                ]
            })
        };
        set(&mut object, "__type__", text("Deck"));
        set(&mut object, "children", Json::Array(children));
        set(&mut object, "media_files", media_files);
        set(&mut object, "notes", Json::Array(node.notes));
        if is_top {
            set(&mut object, "desc", text(&description));
            set(&mut object, "name", text(&name));
            set(
                &mut object,
                "note_models",
                Json::Array(std::mem::take(&mut models)),
            );
        } else {
            let leaf = name.rsplit("::").next().unwrap_or(&name);
            set(&mut object, "name", text(leaf));
        }
        built.insert(name, Json::Object(object));
    }
    built
        .remove(&top)
        .ok_or_else(|| WriteError::Render(format!("deck `{top}` was not built")))
}

/// The field texts of a note's `fields` array.
fn fields_of(fields: &Json) -> Vec<&str> {
    match fields {
        Json::Array(items) => items.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    }
}

fn custom_model(nt: &NoteType, uuid: &str) -> Json {
    let mut object = base(nt.crowdanki.as_ref(), || {
        vec![
            ("latexPost".into(), text(LATEX_POST)),
            ("latexPre".into(), text(LATEX_PRE)),
            ("latexsvg".into(), Json::Bool(false)),
            ("tags".into(), Json::Array(Vec::new())),
            ("vers".into(), Json::Array(Vec::new())),
        ]
    });
    let fields: Vec<Json> = nt
        .fields
        .iter()
        .enumerate()
        .map(|(ord, field)| {
            let mut f = base(field.crowdanki.as_ref(), default_field);
            set(&mut f, "name", text(&field.name));
            set(&mut f, "ord", int(ord as i64));
            if let Some(id) = field.anki_id {
                set(&mut f, "id", int(id));
            }
            Json::Object(f)
        })
        .collect();
    let templates: Vec<Json> = nt
        .templates
        .iter()
        .enumerate()
        .map(|(ord, template)| {
            let mut t = base(template.crowdanki.as_ref(), default_template);
            set(&mut t, "afmt", text(&template.back));
            set(&mut t, "name", text(&template.name));
            set(&mut t, "ord", int(ord as i64));
            set(&mut t, "qfmt", text(&template.front));
            if let Some(id) = template.anki_id {
                set(&mut t, "id", int(id));
            }
            Json::Object(t)
        })
        .collect();
    set(&mut object, "__type__", text("NoteModel"));
    set(&mut object, "crowdanki_uuid", text(uuid));
    set(&mut object, "css", text(&nt.css));
    set(&mut object, "flds", Json::Array(fields));
    set(&mut object, "name", text(&nt.name));
    set(&mut object, "sortf", int(nt.sort_field as i64));
    set(&mut object, "tmpls", Json::Array(templates));
    // A model converted without `type` is written without it.
    if nt.kind_written || nt.crowdanki.is_none() {
        set(&mut object, "type", int(i64::from(nt.is_cloze())));
    }
    if let Some(kind) = nt.original_stock_kind {
        set(&mut object, "originalStockKind", int(kind));
    }
    if let Some(id) = nt.original_id {
        set(&mut object, "originalId", int(id));
    }
    Json::Object(object)
}

fn default_field() -> Vec<(String, Json)> {
    vec![
        ("font".into(), text("Arial")),
        ("media".into(), Json::Array(Vec::new())),
        ("rtl".into(), Json::Bool(false)),
        ("size".into(), int(20)),
        ("sticky".into(), Json::Bool(false)),
    ]
}

fn default_template() -> Vec<(String, Json)> {
    vec![
        ("bafmt".into(), text("")),
        ("bqfmt".into(), text("")),
        ("did".into(), Json::Null),
    ]
}

/// A built-in type as a note model (the .apkg's, without collection ids).
fn builtin_model(deck: &Deck, card_type: CardType) -> (Json, String) {
    let nt = builtin_note_type(card_type);
    let name = nt.name(&deck.name);
    let uuid = stable_uuid(&[&deck.id, "notetype", card_type.as_str()]);
    let value = nt.to_json(&deck.id, &deck.name, 0, 0);
    let mut object: Vec<(String, Json)> = Json::from_serde(&value)
        .entries()
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "id" | "mod" | "usn" | "did"))
        .cloned()
        .collect();
    set(&mut object, "__type__", text("NoteModel"));
    set(&mut object, "crowdanki_uuid", text(&uuid));
    set(&mut object, "name", text(&name));
    (Json::Object(object), uuid)
}

fn note_json(
    deck: &Deck,
    card: &DeckCard,
    custom_uuids: &[String],
    builtin_uuids: &[(CardType, String)],
    kept_notes: Option<&Json>,
) -> Json {
    let media_url = |written: &str| deck.media_name(written).map(str::to_string);
    let (fields, uuid) = match &card.note {
        Some(note) => {
            let fields = match deck.note_types.get(note.note_type) {
                Some(nt) => {
                    let html = note.fields_html(nt, &media_url);
                    // HTML fields as written when that is as safe.
                    note.fields
                        .iter()
                        .zip(html)
                        .map(|(value, html)| {
                            if value.html {
                                html_field_for_anki(&value.text, &media_url)
                            } else {
                                html
                            }
                        })
                        .collect()
                }
                None => Vec::new(),
            };
            (
                fields,
                custom_uuids
                    .get(note.note_type)
                    .cloned()
                    .unwrap_or_default(),
            )
        }
        None => (
            note_fields(deck, card),
            builtin_uuids
                .iter()
                .find(|(t, _)| *t == card.card_type)
                .map(|(_, uuid)| uuid.clone())
                .unwrap_or_default(),
        ),
    };
    let mut object = base(card.crowdanki.as_ref().or(kept_notes), Vec::new);
    set(&mut object, "__type__", text("Note"));
    set(
        &mut object,
        "fields",
        Json::Array(fields.into_iter().map(Json::String).collect()),
    );
    set(
        &mut object,
        "guid",
        text(
            &card
                .guid
                .clone()
                .unwrap_or_else(|| note_guid(&deck.id, &card.id)),
        ),
    );
    set(&mut object, "note_model_uuid", text(&uuid));
    set(
        &mut object,
        "tags",
        Json::Array(card.tags.iter().map(|t| text(t)).collect()),
    );
    Json::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::showcase_deck;

    #[test]
    fn crowdanki_deck_snapshot() {
        let files = CrowdAnkiWriter
            .files(&Rendered::new(&showcase_deck()))
            .unwrap();
        let paths: Vec<String> = files
            .iter()
            .map(|f| f.path.to_string_lossy().replace('\\', "/"))
            .collect();
        assert_eq!(
            paths.first().map(String::as_str),
            Some("flashdeck-showcase/deck.json")
        );
        assert!(
            paths
                .iter()
                .skip(1)
                .all(|p| p.starts_with("flashdeck-showcase/media/"))
        );
        let text = String::from_utf8(files[0].bytes.clone()).unwrap();
        // What CrowdAnki's importer reads is JSON, and the same on every write.
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(value["__type__"], "Deck");
        assert_eq!(
            text,
            String::from_utf8(
                CrowdAnkiWriter
                    .files(&Rendered::new(&showcase_deck()))
                    .unwrap()[0]
                    .bytes
                    .clone()
            )
            .unwrap()
        );
        insta::assert_snapshot!(text);
    }

    #[test]
    fn html_fields_are_kept_as_written_unless_sanitizing_removes_something() {
        let url = |written: &str| (written == "media/d/a.png").then(|| "a.png".to_string());
        // Quotes and a self-closing slash are spelling: kept.
        assert_eq!(
            html_field_for_anki(
                "<img src='media/d/a.png' /> <a href='https://x.org'>x</a>",
                &url
            ),
            "<img src='a.png' /> <a href='https://x.org'>x</a>"
        );
        // A handler, a script, a javascript: link are content the sanitizer removes.
        for active in [
            "<img src=\"media/d/a.png\" onerror=\"alert(1)\">",
            "x<script>alert(1)</script>",
            "<a href=\"https://x.org\">a</a><a href=\"javascript:alert(1)\">b</a>",
        ] {
            let out = html_field_for_anki(active, &url);
            assert!(!out.contains("alert"), "{active} gave {out}");
        }
    }

    #[test]
    fn uuids_are_version_5() {
        // Python: uuid.uuid5(uuid.NAMESPACE_URL, "flashdeck:crowdanki:deck:notetype:Vocab")
        let uuid = stable_uuid(&["deck", "notetype", "Vocab"]);
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'5');
        assert_eq!(uuid, stable_uuid(&["deck", "notetype", "Vocab"]));
        assert_ne!(uuid, stable_uuid(&["deck", "notetype", "Other"]));
    }
}
