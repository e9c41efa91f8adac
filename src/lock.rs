//! The lock file beside each bank (`<bank>.lock`, like `Cargo.lock`): each
//! card's content hash and modification time, and the note types'.
//!
//! Anki updates a note on re-import only when the package's modification time
//! is newer than its own. So a card's time must rise exactly when its content
//! changes, while rebuilding an unchanged bank gives identical bytes. `build`
//! updates the lock; `build --locked` fails instead (for CI).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha1::{Digest, Sha1};

use crate::model::CardType;
use crate::transform::{Deck, DeckCard};

/// The lock's format version.
const VERSION: u32 = 1;

/// The latest modification time a lock may hold: the last second of the
/// year 9999. Anki keeps times as 64-bit seconds, but a time near `i64::MAX`
/// would overflow when the next edit moves it forward.
pub const MAX_TIME: i64 = 253_402_300_799;

/// One locked entry: what the content was, and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// SHA-1 of the content, hex.
    pub hash: [u8; 20],
    /// Unix seconds of the last change.
    pub modified: i64,
    /// A card's type when it was locked (Anki cannot change an imported
    /// note's type, so a change must be caught); `None` for note types.
    pub card_type: Option<CardType>,
}

/// Why a lock file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockError {
    /// Reading it failed (permissions, I/O).
    Unreadable(String),
    /// It was read, but is not a lock flashdeck can use.
    Invalid(String),
}

impl std::fmt::Display for LockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LockError::Unreadable(message) | LockError::Invalid(message) => f.write_str(message),
        }
    }
}

/// How a card's lock line changes in a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LockChange {
    /// A card new to the lock.
    Added,
    /// Its content (hash, time or type) changed.
    Changed,
    /// A card that left the bank.
    Removed,
}

impl LockChange {
    /// `added`, `changed`, `removed`.
    pub fn as_str(self) -> &'static str {
        match self {
            LockChange::Added => "added",
            LockChange::Changed => "changed",
            LockChange::Removed => "removed",
        }
    }
}

/// A bank's lock.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Lock {
    /// The note types' entry.
    pub notetypes: Option<Entry>,
    /// Each card's entry, by id.
    pub cards: BTreeMap<String, Entry>,
}

/// Where the lock of `bank` lives: `source/x.yaml` → `source/x.lock`.
pub fn lock_path(bank: &Path) -> PathBuf {
    bank.with_extension("lock")
}

/// Hex SHA-1 over parts separated by a unit separator.
pub fn content_hash(parts: &[&str]) -> String {
    hex(&hash_bytes(parts))
}

fn hash_bytes(parts: &[&str]) -> [u8; 20] {
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0x1f]);
    }
    hasher.finalize().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 20]> {
    let mut out = [0u8; 20];
    if text.len() != 40 {
        return None;
    }
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The hash of what a card shows in Anki: type, fields, tags, references;
/// for a card of a bank-declared note type also its note type, field values
/// and their media; and the GUID and decks when the bank sets them. (The
/// extra parts are added only when present, so built-in cards hash as before.)
fn card_hash(card: &DeckCard, note_type: Option<&str>, media: &dyn Fn(&str) -> String) -> [u8; 20] {
    let note_fields = card
        .note
        .iter()
        .flat_map(|n| n.fields.iter().map(|f| f.text.as_str()));
    let mut media_hashes = String::new();
    for field in [&card.question, &card.answer, &card.text]
        .into_iter()
        .map(String::as_str)
        .chain(note_fields)
    {
        for written in crate::markup::media_destinations(field) {
            media_hashes.push_str(&media(&written));
        }
    }
    let tags = card.tags.join(" ");
    let references = card.references.join(" ");
    let mut parts: Vec<&str> = vec![
        card.card_type.as_str(),
        &card.question,
        &card.answer,
        &card.text,
        card.extra.as_deref().unwrap_or(""),
        &tags,
        &references,
        &media_hashes,
    ];
    if let Some(note) = &card.note {
        parts.push("note-type");
        parts.push(note_type.unwrap_or(""));
        for field in &note.fields {
            parts.push(if field.html { "html" } else { "markdown" });
            parts.push(&field.text);
        }
    }
    if let Some(guid) = &card.guid {
        parts.push("guid");
        parts.push(guid);
    }
    if let Some(deck) = &card.deck {
        parts.push("deck");
        parts.push(deck);
    }
    for (template, deck) in &card.template_decks {
        parts.push("template-deck");
        parts.push(template);
        parts.push(deck);
    }
    hash_bytes(&parts)
}

/// "Now" for new modification times: `SOURCE_DATE_EPOCH` when set (the
/// reproducible-builds convention), else the clock.
pub fn now() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .map(|v| v.clamp(0, MAX_TIME))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        })
}

fn next(previous: Option<&Entry>, hash: [u8; 20], card_type: Option<CardType>, now: i64) -> Entry {
    let modified = match previous {
        Some(e) if e.hash == hash => e.modified,
        // Strictly later than before, even for two edits in one second.
        Some(e) => now.max(e.modified.saturating_add(1)).min(MAX_TIME),
        None => now,
    };
    Entry {
        hash,
        modified,
        card_type,
    }
}

impl Lock {
    /// The lock after building `deck` (all cards, before filtering): entries
    /// of unchanged content keep their time, changed ones move forward,
    /// removed cards are dropped.
    pub fn updated(&self, deck: &Deck, notetype_fingerprint: &str, now: i64) -> Lock {
        let media = |written: &str| {
            deck.media_name(written)
                .and_then(|n| deck.media_bytes(n))
                .map(|b| hex(&Sha1::digest(b)))
                .unwrap_or_default()
        };
        let cards = deck
            .cards
            .iter()
            .map(|c| {
                let note_type = c
                    .note
                    .as_ref()
                    .and_then(|n| deck.note_types.get(n.note_type))
                    .map(|t| t.name.as_str());
                // Only built-in types are recorded: a bank-declared note
                // type's identity is its Anki id, not a name in the lock.
                let card_type = c.note.is_none().then_some(c.card_type);
                let entry = next(
                    self.cards.get(&c.id),
                    card_hash(c, note_type, &media),
                    card_type,
                    now,
                );
                (c.id.clone(), entry)
            })
            .collect();
        let notetypes = Some(next(
            self.notetypes.as_ref(),
            hash_bytes(&[notetype_fingerprint]),
            None,
            now,
        ));
        Lock { notetypes, cards }
    }

    /// A new lock for a converted deck: each card dated as `card_time` says
    /// (its note's time in the source; 0 means `now`), the note types at
    /// `notetypes_time`. A package built from it then carries the source's
    /// own times, so Anki sees unedited notes as unchanged.
    pub fn seeded(
        deck: &Deck,
        notetype_fingerprint: &str,
        card_time: &dyn Fn(&str) -> i64,
        notetypes_time: i64,
        now: i64,
    ) -> Lock {
        let dated = |t: i64| if t > 0 { t.min(MAX_TIME) } else { now };
        let mut lock = Lock::default().updated(deck, notetype_fingerprint, now);
        for (id, entry) in &mut lock.cards {
            entry.modified = dated(card_time(id));
        }
        if let Some(entry) = &mut lock.notetypes {
            entry.modified = dated(notetypes_time);
        }
        lock
    }

    /// Cards whose type differs from the locked one, given `(id, type, where)`
    /// of each card: `(id, where, locked type, new type)`. Anki cannot change an
    /// imported note's type (it reports the note as conflicting on every
    /// import), so these need a new id.
    pub fn type_changes<'a, P>(
        &self,
        cards: impl Iterator<Item = (&'a str, CardType, P)>,
    ) -> Vec<(String, P, CardType, CardType)> {
        cards
            .filter_map(|(id, card_type, place)| {
                let locked = self.cards.get(id)?.card_type?;
                (locked != card_type).then(|| (id.to_string(), place, locked, card_type))
            })
            .collect()
    }

    /// A card's modification time, 0 when unknown.
    pub fn modified(&self, card_id: &str) -> i64 {
        self.cards.get(card_id).map_or(0, |e| e.modified)
    }

    /// Reads a lock; a missing file is an empty lock.
    pub fn read(path: &Path) -> Result<Lock, LockError> {
        let bytes = match crate::input::read_file(path, crate::input::MAX_LOCK_BYTES) {
            Ok(bytes) => bytes,
            Err(crate::input::ReadError::NotFound) => return Ok(Lock::default()),
            Err(e @ crate::input::ReadError::TooLarge { .. }) => {
                return Err(LockError::Invalid(format!(
                    "the lock file is too large: {e}"
                )));
            }
            Err(e) => {
                return Err(LockError::Unreadable(format!(
                    "cannot read the lock file: {e}"
                )));
            }
        };
        let text = String::from_utf8(bytes)
            .map_err(|_| LockError::Invalid("the lock file is not UTF-8".to_string()))?;
        Lock::parse(&text)
            .map_err(|e| LockError::Invalid(format!("the lock file is not usable: {e}")))
    }

    /// How each card's lock line would change from `self` to `new`:
    /// `(card id, what)`, in id order.
    pub fn changes(&self, new: &Lock) -> Vec<(String, LockChange)> {
        let mut out = Vec::new();
        for (id, entry) in &new.cards {
            match self.cards.get(id) {
                None => out.push((id.clone(), LockChange::Added)),
                Some(old) if old != entry => out.push((id.clone(), LockChange::Changed)),
                Some(_) => {}
            }
        }
        for id in self.cards.keys() {
            if !new.cards.contains_key(id) {
                out.push((id.clone(), LockChange::Removed));
            }
        }
        out.sort();
        out
    }

    /// Reads a lock from its text (as [`Lock::to_text`] writes it).
    pub fn parse(text: &str) -> Result<Lock, String> {
        /// The file as written by [`Lock::to_text`]; read typed, which for a
        /// 100k-card lock is far lighter than a generic JSON value.
        #[derive(serde::Deserialize)]
        struct File {
            version: u32,
            notetypes: Option<FileEntry>,
            #[serde(default)]
            cards: BTreeMap<String, FileEntry>,
        }
        #[derive(serde::Deserialize)]
        struct FileEntry {
            hash: String,
            modified: i64,
            #[serde(rename = "type")]
            card_type: Option<String>,
        }
        let file: File =
            serde_json::from_str(text).map_err(|e| format!("not a valid lock file ({e})"))?;
        if file.version != VERSION {
            return Err(format!(
                "unsupported lock version {} (expected {VERSION})",
                file.version
            ));
        }
        let entry = |e: FileEntry| {
            let card_type = match e.card_type {
                Some(name) => Some(CardType::parse(&name)?),
                None => None,
            };
            if !(0..=MAX_TIME).contains(&e.modified) {
                return None;
            }
            unhex(&e.hash).map(|hash| Entry {
                hash,
                modified: e.modified,
                card_type,
            })
        };
        let mut cards = BTreeMap::new();
        for (id, e) in file.cards {
            let entry = entry(e).ok_or_else(|| format!("bad entry for card `{id}`"))?;
            cards.insert(id, entry);
        }
        Ok(Lock {
            notetypes: match file.notetypes {
                Some(e) => Some(entry(e).ok_or("bad entry for the note types")?),
                None => None,
            },
            cards,
        })
    }

    /// The file's text: JSON with one card per line, so diffs show which
    /// cards changed.
    pub fn to_text(&self) -> String {
        let entry = |e: &Entry| {
            let card_type = e
                .card_type
                .map(|t| format!(", \"type\": \"{}\"", t.as_str()))
                .unwrap_or_default();
            format!(
                "{{\"hash\": \"{}\", \"modified\": {}{card_type}}}",
                hex(&e.hash),
                e.modified
            )
        };
        let mut out = String::from(
            "{\n  \"//\": \"Generated by flashdeck build: card content hashes and modification times, for Anki updates. Commit it; do not edit.\",\n",
        );
        out.push_str(&format!("  \"version\": {VERSION},\n"));
        if let Some(nt) = &self.notetypes {
            out.push_str(&format!("  \"notetypes\": {},\n", entry(nt)));
        }
        out.push_str("  \"cards\": {");
        let lines: Vec<String> = self
            .cards
            .iter()
            .map(|(id, e)| {
                format!(
                    "\n    {}: {}",
                    serde_json::Value::String(id.clone()),
                    entry(e)
                )
            })
            .collect();
        out.push_str(&lines.join(","));
        out.push_str(if lines.is_empty() {
            "}\n}\n"
        } else {
            "\n  }\n}\n"
        });
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_moves_time_only_on_change() {
        let mut lock = Lock::default();
        lock.cards.insert(
            "a".into(),
            Entry {
                hash: hash_bytes(&["x"]),
                modified: 100,
                card_type: Some(CardType::TypeIn),
            },
        );
        assert_eq!(Lock::parse(&lock.to_text()).unwrap(), lock);
        let same = next(
            lock.cards.get("a"),
            hash_bytes(&["x"]),
            Some(CardType::TypeIn),
            500,
        );
        assert_eq!(same.modified, 100);
        // Changed within the same second as the last change: still later.
        let changed = next(
            lock.cards.get("a"),
            hash_bytes(&["y"]),
            Some(CardType::TypeIn),
            100,
        );
        assert_eq!(changed.modified, 101);
    }
}
