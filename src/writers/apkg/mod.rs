//! The Anki package `<deck>.apkg`: a zip holding a legacy (schema 11)
//! `collection.anki2`, which every Anki since 2.1 imports, plus the media.
//! See `ARCHITECTURE.md` for how notes are matched on re-import.

mod collection;

pub use collection::{INDEXES, PRAGMAS, TABLES};
pub mod fields;
pub mod notetypes;

use std::io::{Cursor, Write as _};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{Output, Rendered, WriteError, Writer};
use crate::transform::Deck;

/// Writes `<deck>.apkg`.
pub struct ApkgWriter {
    /// Modification time of the note types (Unix seconds), from the lock.
    pub notetype_modified: i64,
}

impl Writer for ApkgWriter {
    fn write(&self, deck: &Rendered<'_>, out: &mut dyn Output) -> Result<(), WriteError> {
        let rendered = deck;
        let deck = deck.deck();
        // A scratch file, not memory: SQLite pages for 100k notes would
        // otherwise sit in memory next to their zipped copy.
        let scratch = out
            .scratch()
            .map_err(|e| WriteError::Render(format!("cannot create a scratch folder: {e}")))?;
        let path = scratch.path().join("collection.anki2");
        // Once the notes are rendered (on every core), the rest (SQLite's
        // inserts and indexes, the zip) runs on one: the other core makes
        // the renderings later writers share meanwhile.
        let bytes = std::thread::scope(|scope| {
            let (notes_done, wait) = std::sync::mpsc::channel::<()>();
            scope.spawn(move || {
                if wait.recv().is_ok() {
                    rendered.prepare_later();
                }
            });
            collection::build(rendered, self.notetype_modified, &path, &|| {
                let _ = notes_done.send(());
            })
            .map_err(|e| WriteError::Render(format!("cannot build the Anki collection: {e}")))?;
            let collection = std::fs::File::open(&path)
                .map_err(|e| WriteError::Render(format!("cannot read the Anki collection: {e}")))?;
            // The zip is made in memory (it seeks back to write sizes), a
            // third of the collection's size: zipping into a scratch file and
            // copying it out wrote every byte twice, which cost more than the
            // memory.
            package(collection, deck)
                .map_err(|e| WriteError::Render(format!("cannot write the Anki package: {e}")))
        })?;
        out.file(Path::new(&format!("{}.apkg", deck.id)), &mut |sink| {
            sink.write_all(&bytes)
        })?;
        Ok(())
    }
}

/// Zips the collection and media with fixed entry times and order, so the
/// same deck always gives the same bytes.
fn package(mut collection: std::fs::File, deck: &Deck) -> zip::result::ZipResult<Vec<u8>> {
    // Room for the worst case (nothing compresses), reserved once: growing
    // by doubling copied a 1M-card package several times and touched fresh
    // pages each time, while room never written costs no memory.
    let carried: u64 = deck.sources.as_ref().map_or(0, |s| {
        s.files
            .iter()
            .map(|(_, text)| text.len() as u64)
            .sum::<u64>()
    });
    let stored: u64 = collection.metadata()?.len()
        + deck.media.iter().map(|m| m.bytes.len() as u64).sum::<u64>()
        + carried;
    let room = stored + stored / 64 + (1 << 20);
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(
        usize::try_from(room).unwrap_or(0),
    )));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        // Level 1: a 100k-card collection zips in a fraction of the time for ~10% more bytes.
        .compression_level(Some(1))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    zip.start_file("collection.anki2", options)?;
    std::io::copy(&mut collection, &mut zip)?;
    let mut media_map = serde_json::Map::new();
    for (index, media) in deck.media.iter().enumerate() {
        media_map.insert(
            index.to_string(),
            serde_json::Value::String(media.name.clone()),
        );
    }
    zip.start_file("media", options)?;
    zip.write_all(serde_json::Value::Object(media_map).to_string().as_bytes())?;
    for (index, media) in deck.media.iter().enumerate() {
        zip.start_file(index.to_string(), options)?;
        zip.write_all(&media.bytes)?;
    }
    if let Some(sources) = &deck.sources {
        zip.start_file(crate::transform::BankSources::PACKAGE_MEMBER, options)?;
        // Written straight into the zip: a large bank's text is not copied.
        serde_json::to_writer(&mut zip, &CarriedJson::of(sources)).map_err(std::io::Error::from)?;
    }
    Ok(zip.finish()?.into_inner())
}

/// `{"flashdeck": 1, "bank": …, "files": [{path, text}], "media": [{path, name}]}`:
/// the bank's text files, and where each packaged media file sits beside
/// the bank (a path as the bank writes it → its name in the package).
#[derive(serde::Serialize)]
struct CarriedJson<'a> {
    flashdeck: u32,
    bank: &'a str,
    files: Vec<CarriedFile<'a>>,
    media: Vec<CarriedMedia<'a>>,
}

#[derive(serde::Serialize)]
struct CarriedFile<'a> {
    path: &'a str,
    text: &'a str,
}

#[derive(serde::Serialize)]
struct CarriedMedia<'a> {
    path: &'a str,
    name: &'a str,
}

impl<'a> CarriedJson<'a> {
    fn of(sources: &'a crate::transform::BankSources) -> CarriedJson<'a> {
        CarriedJson {
            flashdeck: 1,
            bank: &sources.bank,
            files: sources
                .files
                .iter()
                .map(|(path, text)| CarriedFile { path, text })
                .collect(),
            media: sources
                .media
                .iter()
                .map(|(path, name)| CarriedMedia { path, name })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;
    use crate::testing::showcase_deck;

    /// The package's notes, cards and note types as readable text. Whether
    /// Anki accepts them is proven by tests/integration/anki_import.rs in real Anki.
    fn describe(apkg: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(apkg)).unwrap();
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index(i).unwrap().name().unwrap().to_string())
            .collect();
        let mut collection = Vec::new();
        zip.by_name("collection.anki2")
            .unwrap()
            .read_to_end(&mut collection)
            .unwrap();
        let mut media = String::new();
        zip.by_name("media")
            .unwrap()
            .read_to_string(&mut media)
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.anki2");
        std::fs::write(&path, collection).unwrap();
        let db = rusqlite::Connection::open(&path).unwrap();
        let mut out = format!("entries: {names:?}\nmedia: {media}\n");
        let models: String = db
            .query_row("SELECT models FROM col", [], |r| r.get(0))
            .unwrap();
        let models: serde_json::Value = serde_json::from_str(&models).unwrap();
        let mut model_lines: Vec<String> = models
            .as_object()
            .unwrap()
            .values()
            .map(|m| {
                let fields: Vec<&str> = m["flds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["name"].as_str().unwrap())
                    .collect();
                let templates: Vec<&str> = m["tmpls"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t["name"].as_str().unwrap())
                    .collect();
                format!(
                    "model {} type={} fields={fields:?} templates={templates:?}",
                    m["name"], m["type"]
                )
            })
            .collect();
        model_lines.sort();
        out.push_str(&model_lines.join("\n"));
        let mut notes = db.prepare("SELECT n.guid, n.mod, n.tags, n.flds, n.sfld, n.csum, (SELECT group_concat(ord) FROM cards c WHERE c.nid = n.id) FROM notes n ORDER BY n.sfld").unwrap();
        let rows = notes
            .query_map([], |r| {
                Ok(format!(
                    "\n\nnote guid={} mod={} tags={:?} sfld={:?} csum={} card-ords={}\n{}",
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(3)?.replace('\x1f', "\n--- field ---\n"),
                ))
            })
            .unwrap();
        for row in rows {
            out.push_str(&row.unwrap());
        }
        out
    }

    #[test]
    fn apkg_contents_snapshot() {
        let files = ApkgWriter {
            notetype_modified: 1_764_028_800,
        }
        .files(&Rendered::new(&showcase_deck()))
        .unwrap();
        insta::assert_snapshot!(describe(&files[0].bytes));
    }

    #[test]
    fn apkg_is_byte_identical_across_writes() {
        let deck = showcase_deck();
        let deck = Rendered::new(&deck);
        let writer = ApkgWriter {
            notetype_modified: 1,
        };
        assert_eq!(writer.files(&deck).unwrap(), writer.files(&deck).unwrap());
    }
}
