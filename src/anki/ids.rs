//! Every Anki id flashdeck writes, derived from stable names so rebuilding a
//! deck gives the same ids and re-imports match the same notes.

use sha1::{Digest, Sha1};

/// Anki ids are millisecond timestamps, and the importer rewrites ids more
/// than a day in the future. Ours are hashed into 2001-09-09 .. 2014-05-31,
/// always in the past.
const ID_BASE: i64 = 1_000_000_000_000;
const ID_RANGE: u64 = 400_000_000_000;

fn sha1(parts: &[&str]) -> [u8; 20] {
    let mut hasher = Sha1::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            hasher.update([0x1f]);
        }
        hasher.update(part.as_bytes());
    }
    hasher.finalize().into()
}

/// A deterministic, past id for the thing named by `parts`.
pub fn stable_id(parts: &[&str]) -> i64 {
    let digest = sha1(parts);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    ID_BASE + (u64::from_be_bytes(first) % ID_RANGE) as i64
}

/// Characters of Anki's base91 GUIDs (`rslib/src/notes/mod.rs`).
const BASE91: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~";

/// The note GUID of a card: from (deck id, card id), never from the text, so
/// an edited card updates its note instead of adding a new one. (A card's
/// type cannot change under the same id: the lock catches that, see
/// [`crate::lock::Lock::type_changes`].)
pub fn note_guid(deck_id: &str, card_id: &str) -> String {
    let digest = sha1(&["flashdeck-guid", deck_id, card_id]);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let mut n = u64::from_be_bytes(first);
    let mut out = Vec::new();
    while n > 0 {
        out.push(BASE91[(n % 91) as usize]);
        n /= 91;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Anki's field checksum: the first 4 bytes of SHA-1 of the stripped first
/// field, as an unsigned 32-bit number (`field_checksum` in rslib).
pub fn field_checksum(stripped: &str) -> i64 {
    let digest = sha1(&[stripped]);
    i64::from(u32::from_be_bytes([
        digest[0], digest[1], digest[2], digest[3],
    ]))
}

/// Hands out ids, bumping on the rare collision so each is unique.
#[derive(Default)]
pub struct IdAllocator {
    used: std::collections::HashSet<i64>,
}

impl IdAllocator {
    /// An allocator with room for `ids` ids, so a large deck's set is not
    /// rehashed as it grows.
    pub fn with_capacity(ids: usize) -> IdAllocator {
        IdAllocator {
            used: std::collections::HashSet::with_capacity(ids),
        }
    }

    /// A unique id near `stable_id(parts)`.
    pub fn allocate(&mut self, parts: &[&str]) -> i64 {
        let mut id = stable_id(parts);
        while !self.used.insert(id) {
            id += 1;
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_past_and_distinct() {
        let a = stable_id(&["deck", "a"]);
        assert_eq!(a, stable_id(&["deck", "a"]));
        assert_ne!(a, stable_id(&["deck", "b"]));
        assert!((ID_BASE..ID_BASE + ID_RANGE as i64).contains(&a));
        assert_eq!(note_guid("d", "c"), note_guid("d", "c"));
        assert_ne!(note_guid("d", "c"), note_guid("d", "c2"));
        // sha1("") starts da39a3ee.
        assert_eq!(field_checksum(""), 0xda39a3ee);
        let mut ids = IdAllocator::default();
        assert_ne!(ids.allocate(&["x"]), ids.allocate(&["x"]));
    }
}
