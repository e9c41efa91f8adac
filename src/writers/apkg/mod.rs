//! The Anki package `<deck>.apkg`: a zip holding a legacy (schema 11)
//! `collection.anki2`, which every Anki since 2.1 imports, plus the media.
//! See `ARCHITECTURE.md` for how notes are matched on re-import.

mod collection;
pub mod fields;
pub mod ids;
pub mod notetypes;

use std::io::{Cursor, Write as _};
use std::path::PathBuf;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use super::{Format, OutputFile, WriteError, Writer};
use crate::transform::Deck;

/// Writes `<deck>.apkg`.
pub struct ApkgWriter {
    /// Modification time of the note types (Unix seconds), from the lock.
    pub notetype_modified: i64,
}

impl Writer for ApkgWriter {
    fn format(&self) -> Format {
        Format::Apkg
    }

    fn write(&self, deck: &Deck) -> Result<Vec<OutputFile>, WriteError> {
        let collection = collection::build(deck, self.notetype_modified)
            .map_err(|e| WriteError(format!("cannot build the Anki collection: {e}")))?;
        let bytes = package(&collection, deck)
            .map_err(|e| WriteError(format!("cannot write the Anki package: {e}")))?;
        Ok(vec![OutputFile {
            path: PathBuf::from(format!("{}.apkg", deck.id)),
            bytes,
        }])
    }
}

/// Zips the collection and media with fixed entry times and order, so the
/// same deck always gives the same bytes.
fn package(collection: &[u8], deck: &Deck) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    zip.start_file("collection.anki2", options)?;
    zip.write_all(collection)?;
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
    Ok(zip.finish()?.into_inner())
}
