//! `convert` of a package flashdeck built: the bank it carries
//! (`flashdeck.json`, see [`BankSources`]) comes back as it was built,
//! comments and layout included, with its lock, CSS and template files and
//! media beside it, once the package's own notes are checked against it.
//!
//! A carried bank is used only when building it gives exactly the notes
//! the package holds (GUIDs, fields, tags, modification times): a package
//! whose collection was changed after flashdeck built it is converted from
//! its notes instead, and the report says why.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::built_notes::{built_notes, dated_deck};
use crate::lock::{Lock, lock_path};
use crate::pipeline::{CheckReport, check};
use crate::read::Converted;
use crate::transform::BankSources;
use crate::validate::Rules;

/// A bank given back from the package that carried it.
pub struct Restored {
    /// The bank written.
    pub bank: PathBuf,
    /// Its deck id.
    pub deck_id: String,
    /// Its text.
    pub text: String,
    /// The check of the bank as written (warnings only).
    pub check: CheckReport,
    /// Every file written (bank, lock, CSS and template files, media).
    pub files: Vec<PathBuf>,
    /// How many notes were checked against the package's.
    pub notes: usize,
}

/// Why a carried bank was not written.
pub enum RestoreError {
    /// A file it would write exists (and `--force` was not given).
    Exists(PathBuf),
    /// The disk failed.
    Io(String),
}

/// Writes the bank `carried` into `out_dir` when it builds the very notes
/// of `converted`; `Ok(None)` (with a remark in `converted`) when it does
/// not, so the caller converts the notes instead.
pub fn restore(
    converted: &mut Converted,
    carried: &BankSources,
    out_dir: &Path,
    force: bool,
) -> Result<Option<Restored>, RestoreError> {
    let media: HashMap<&str, &[u8]> = converted
        .media
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice()))
        .collect();
    let mut files: Vec<(&str, &[u8])> = carried
        .files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_bytes()))
        .collect();
    for (path, name) in &carried.media {
        let Some(bytes) = media.get(name.as_str()) else {
            converted.remarks.push(format!(
                "the package carries the bank it was built from, but not its media file `{name}`: converted from its notes"
            ));
            return Ok(None);
        };
        files.push((path.as_str(), bytes));
    }
    let mut seen = std::collections::HashSet::new();
    if files.iter().any(|(path, _)| !seen.insert(*path)) {
        converted.remarks.push(
            "the bank the package carries names a file twice: converted from its notes".into(),
        );
        return Ok(None);
    }
    if !force
        && let Some((existing, _)) = files.iter().find(|(path, _)| out_dir.join(path).exists())
    {
        return Err(RestoreError::Exists(out_dir.join(existing)));
    }
    let io = |what: &Path, e: std::io::Error| {
        RestoreError::Io(format!("cannot write {}: {e}", what.display()))
    };
    std::fs::create_dir_all(out_dir).map_err(|e| io(out_dir, e))?;
    let staging = tempfile::Builder::new()
        .prefix(".flashdeck-convert-")
        .tempdir_in(out_dir)
        .map_err(|e| io(out_dir, e))?;
    for (path, bytes) in &files {
        let staged = staging.path().join(path);
        if let Some(parent) = staged.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::write(&staged, bytes).map_err(|e| io(&staged, e))?;
    }
    let staged_bank = staging.path().join(&carried.bank);
    let mut report = check(std::slice::from_ref(&staged_bank), &Rules::default());
    let Some(checked) = report
        .banks
        .pop()
        .filter(|_| !report.diagnostics.has_errors())
    else {
        converted.remarks.push(
            "the package carries the bank it was built from, but that bank does not check here: converted from its notes".into(),
        );
        return Ok(None);
    };
    let lock = carried
        .files
        .iter()
        .find(|(path, _)| Path::new(path) == lock_path(Path::new(&carried.bank)))
        .and_then(|(_, text)| Lock::parse(text).ok())
        .unwrap_or_default();
    let deck = dated_deck(checked, &lock).map_err(|e| io(&staged_bank, e))?;
    let differing = differing_notes(&deck, converted);
    if let Some(first) = differing.first() {
        converted.remarks.push(format!(
            "the package carries the bank it was built from, but {} of its notes differ from what that bank builds (first: {first}): the package was changed after flashdeck built it, so it is converted from its notes; to bring edits made in Anki into the bank, use `flashdeck pull`",
            differing.len()
        ));
        return Ok(None);
    }
    // Into place: everything else first, the bank last (a bank never sits
    // beside a missing lock or media).
    let bank = out_dir.join(&carried.bank);
    let mut written = Vec::new();
    for (path, _) in files.iter().rev() {
        let target = out_dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
        }
        std::fs::rename(staging.path().join(path), &target).map_err(|e| io(&target, e))?;
        written.push(target);
    }
    written.reverse();
    report.rename_file(&staged_bank, &bank);
    Ok(Some(Restored {
        bank,
        deck_id: deck.id.clone(),
        text: carried
            .files
            .first()
            .map(|(_, text)| text.clone())
            .unwrap_or_default(),
        check: report,
        files: written,
        notes: deck.cards.len(),
    }))
}

/// The notes where `deck` and the package differ, named for the report:
/// a card the package lacks or holds otherwise, a note the bank lacks.
fn differing_notes(deck: &crate::transform::Deck, converted: &Converted) -> Vec<String> {
    let in_package = converted.notes_by_guid();
    let built = built_notes(deck);
    let mut differing = Vec::new();
    for note in &built {
        let id = &deck.cards[note.card].id;
        match in_package.get(note.guid.as_str()) {
            None => differing.push(format!("card `{id}` is not in the package")),
            Some(held) => {
                let mut held_tags = held.tags.clone();
                let mut tags = note.tags.clone();
                held_tags.sort();
                tags.sort();
                if held.fields != note.fields || held_tags != tags || held.modified != note.modified
                {
                    differing.push(format!("card `{id}`"));
                }
            }
        }
    }
    let guids: std::collections::HashSet<&str> = built.iter().map(|n| n.guid.as_str()).collect();
    for note in &converted.notes {
        if !note.guid.as_deref().is_some_and(|g| guids.contains(g)) {
            differing.push(format!(
                "a note the bank has no card for ({})",
                note.fields
                    .first()
                    .map(|f| f.chars().take(60).collect::<String>())
                    .unwrap_or_default()
            ));
        }
    }
    differing
}
