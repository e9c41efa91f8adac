//! Anki packages (`.apkg`) and whole collections (`.colpkg`), in all three
//! layouts Anki has written:
//!
//! | layout | collection | media map, media |
//! |---|---|---|
//! | v3 (`meta` = 3, Anki ≥ 2.1.50) | `collection.anki21b`: zstd, schema 18 | protobuf `MediaEntries`, each file zstd |
//! | v2 (`meta` = 2, or no `meta` and a `collection.anki21`) | `collection.anki21`, schema 11 | JSON, raw |
//! | v1 (no `meta`) | `collection.anki2`, schema 11 | JSON, raw |
//!
//! A v3 package also holds a `collection.anki2`: a dummy saying "please
//! update Anki". It is never read when the real collection is there.
//! Every size is bounded before it is read, so a zip bomb or a declared size
//! of terabytes is an error, not an exhausted machine.

use std::io::{Cursor, Read};

use super::anki_collection::read_collection;
use super::protobuf;
use super::{Converted, ReadError, is_plain_file_name};
use crate::transform::BankSources;

/// The largest collection read (decompressed).
pub const MAX_COLLECTION_BYTES: u64 = 2 << 30;

/// The most media bytes read in all (decompressed).
const MAX_TOTAL_MEDIA_BYTES: u64 = crate::input::MAX_TOTAL_MEDIA_BYTES;

/// Which of Anki's package layouts a file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Anki ≤ 2.1.49 and other tools: `collection.anki2`.
    V1,
    /// "Support older Anki versions": `collection.anki21`.
    V2,
    /// Current Anki: zstd, schema 18, protobuf media map.
    V3,
}

fn corrupt(what: impl Into<String>) -> ReadError {
    ReadError::new(
        format!("this is not a readable Anki package: {}", what.into()),
        "export the deck again from Anki (File → Export → Anki Deck Package); a download may have been cut short",
    )
}

/// Reads at most `limit` bytes of `reader`; more is an error (a zip bomb, or
/// a declared size that lies).
fn read_bounded(mut reader: impl Read, limit: u64, what: &str) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    (&mut reader)
        .take(limit + 1)
        .read_to_end(&mut out)
        .map_err(|e| corrupt(format!("{what} cannot be read ({e})")))?;
    if out.len() as u64 > limit {
        return Err(ReadError::new(
            format!(
                "{what} is larger than {} once unpacked",
                crate::input::human(limit)
            ),
            "flashdeck refuses packages that unpack to more than it can hold (a damaged or malicious file); split a huge deck in Anki before exporting",
        ));
    }
    Ok(out)
}

fn zstd_decode(bytes: &[u8], limit: u64, what: &str) -> Result<Vec<u8>, ReadError> {
    // A frame may ask for a window of gigabytes; Anki's are a few MB.
    let decoder =
        ruzstd::decoding::StreamingDecoder::new_with_max_window_size(Cursor::new(bytes), 1 << 27)
            .map_err(|e| corrupt(format!("{what} is not zstd data ({e})")))?;
    read_bounded(decoder, limit, what)
}

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn entry(zip: &mut Archive<'_>, name: &str, limit: u64) -> Result<Option<Vec<u8>>, ReadError> {
    match zip.by_name(name) {
        Ok(file) => read_bounded(file, limit, &format!("`{name}`")).map(Some),
        Err(zip::result::ZipError::FileNotFound) => Ok(None),
        Err(e) => Err(corrupt(format!("`{name}` cannot be read ({e})"))),
    }
}

/// The package's layout, from its `meta` entry and file names.
pub fn layout(zip: &mut Archive<'_>) -> Result<Layout, ReadError> {
    if let Some(meta) = entry(zip, "meta", 1 << 16)? {
        let fields = protobuf::fields(&meta).map_err(|e| corrupt(format!("`meta`: {}", e.0)))?;
        return match protobuf::varint_field(&fields, 1) {
            1 => Ok(Layout::V1),
            2 => Ok(Layout::V2),
            3 => Ok(Layout::V3),
            v => Err(ReadError::new(
                format!("this package was made by a newer Anki (package version {v})"),
                "update flashdeck, or export the deck from Anki with \"Support older Anki versions\" ticked",
            )),
        };
    }
    if zip.index_for_name("collection.anki21").is_some() {
        Ok(Layout::V2)
    } else {
        Ok(Layout::V1)
    }
}

/// Reads a package's notes, note types, decks and media. `deck_filter`
/// keeps only cards of decks whose name starts with it (a whole collection
/// holds every deck of its owner).
pub fn read(bytes: &[u8], deck_filter: Option<&str>) -> Result<Converted, ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(format!("not a zip file ({e})")))?;
    let layout = layout(&mut zip)?;
    let collection = match layout {
        Layout::V3 => {
            let packed = entry(&mut zip, "collection.anki21b", MAX_COLLECTION_BYTES)?
                .ok_or_else(|| corrupt("`collection.anki21b` is missing"))?;
            zstd_decode(&packed, MAX_COLLECTION_BYTES, "the collection")?
        }
        Layout::V2 => entry(&mut zip, "collection.anki21", MAX_COLLECTION_BYTES)?
            .ok_or_else(|| corrupt("`collection.anki21` is missing"))?,
        Layout::V1 => entry(&mut zip, "collection.anki2", MAX_COLLECTION_BYTES)?
            .ok_or_else(|| corrupt("`collection.anki2` is missing"))?,
    };
    let mut converted = read_collection(collection, deck_filter)?;
    converted.media = read_media(&mut zip, layout)?;
    converted.carried_bank = carried_bank(&mut zip, &mut converted.remarks)?;
    Ok(converted)
}

/// The bank a package built by flashdeck carries, if it carries one that
/// can be used: every path a plain relative path (no `..`, no absolute or
/// hidden path), since `convert` writes the files beside the bank.
fn carried_bank(
    zip: &mut Archive<'_>,
    remarks: &mut Vec<String>,
) -> Result<Option<BankSources>, ReadError> {
    let member = BankSources::PACKAGE_MEMBER;
    let Some(bytes) = entry(zip, member, crate::input::MAX_BANK_BYTES.saturating_mul(2))? else {
        return Ok(None);
    };
    let parsed = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|json| parse_carried_bank(&json));
    if parsed.is_none() {
        remarks.push(format!(
            "the package's `{member}` is not a bank flashdeck can use: converted from its notes"
        ));
    }
    Ok(parsed)
}

fn parse_carried_bank(json: &serde_json::Value) -> Option<BankSources> {
    if json.get("flashdeck")?.as_u64()? != 1 {
        return None;
    }
    let bank = json.get("bank")?.as_str()?.to_string();
    let pairs = |key: &str, value: &str| -> Option<Vec<(String, String)>> {
        json.get(key)?
            .as_array()?
            .iter()
            .map(|item| {
                let path = item.get("path")?.as_str()?;
                let value = item.get(value)?.as_str()?;
                plain_relative_path(path).then(|| (path.to_string(), value.to_string()))
            })
            .collect()
    };
    let files = pairs("files", "text")?;
    let media = pairs("media", "name")?;
    let bank_is_first = files.first().is_some_and(|(path, _)| *path == bank);
    (bank_is_first && !bank.contains('/') && plain_relative_path(&bank)).then_some(BankSources {
        bank,
        files,
        media,
    })
}

/// `a/b.css`: parts that are names (not `.`, `..`, hidden or empty), no
/// backslash, colon or control character, so it stays inside the folder it
/// is written into on every system.
fn plain_relative_path(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 1024
        && path.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && !part.chars().any(|c| {
                    c.is_control() || matches!(c, '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
                })
        })
}

/// The media files, by name, in the map's order.
fn read_media(zip: &mut Archive<'_>, layout: Layout) -> Result<Vec<(String, Vec<u8>)>, ReadError> {
    let Some(map) = entry(zip, "media", 64 << 20)? else {
        return Ok(Vec::new());
    };
    // (zip entry, file name)
    let names: Vec<(String, String)> = match layout {
        Layout::V3 => {
            let map = zstd_decode(&map, 256 << 20, "the media list")?;
            let fields =
                protobuf::fields(&map).map_err(|e| corrupt(format!("the media list: {}", e.0)))?;
            protobuf::repeated(&fields, 1)
                .into_iter()
                .enumerate()
                .map(|(i, entry)| {
                    let f = protobuf::fields(entry)
                        .map_err(|e| corrupt(format!("the media list: {}", e.0)))?;
                    let name = protobuf::string_field(&f, 1)
                        .map_err(|e| corrupt(format!("the media list: {}", e.0)))?;
                    Ok((i.to_string(), name))
                })
                .collect::<Result<_, ReadError>>()?
        }
        Layout::V1 | Layout::V2 => {
            let text =
                std::str::from_utf8(&map).map_err(|_| corrupt("the media list is not UTF-8"))?;
            let json: serde_json::Map<String, serde_json::Value> = if text.trim().is_empty() {
                serde_json::Map::new()
            } else {
                serde_json::from_str(text).map_err(|e| corrupt(format!("the media list ({e})")))?
            };
            let mut pairs: Vec<(String, String)> = json
                .into_iter()
                .map(|(k, v)| (k, v.as_str().unwrap_or_default().to_string()))
                .collect();
            pairs.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(u64::MAX));
            pairs
        }
    };
    let mut media = Vec::with_capacity(names.len());
    let mut total = 0u64;
    for (index, name) in names {
        if !is_plain_file_name(&name) {
            return Err(ReadError::new(
                format!(
                    "the package names a media file `{}`, which is not a plain file name",
                    name.escape_debug()
                ),
                "Anki keeps media in one folder by file name; a name with `/`, `\\`, `..` or control characters comes from a damaged or malicious package",
            ));
        }
        let Some(raw) = entry(zip, &index, crate::input::MAX_MEDIA_BYTES)? else {
            // Anki's own exporter leaves out files it could not find.
            continue;
        };
        let bytes = match layout {
            Layout::V3 => zstd_decode(
                &raw,
                crate::input::MAX_MEDIA_BYTES,
                &format!("media `{name}`"),
            )?,
            _ => raw,
        };
        total += bytes.len() as u64;
        if total > MAX_TOTAL_MEDIA_BYTES {
            return Err(ReadError::new(
                format!(
                    "the media add up to more than {}",
                    crate::input::human(MAX_TOTAL_MEDIA_BYTES)
                ),
                "a deck's media must fit a package flashdeck can build; remove large files in Anki first",
            ));
        }
        media.push((name, bytes));
    }
    Ok(media)
}
