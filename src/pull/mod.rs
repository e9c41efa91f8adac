//! `flashdeck pull`: an export from Anki (a package, or a CrowdAnki folder)
//! merges into the bank it was built from. Notes are matched by GUID; the
//! lock says what the last build put into Anki (each card's hash and time):
//!
//! - a note whose fields or tags differ from what the bank builds, and whose
//!   modification time is later than the card's in the lock, was edited in
//!   Anki. If the bank's card is unchanged since the last build, the bank
//!   takes Anki's text; if it changed too, that is a conflict (the card is
//!   left as it is, unless `--theirs` or `--ours` says which side wins);
//! - a note older than the lock is from an earlier build: the next build
//!   updates it, nothing is pulled;
//! - a note the bank lacks, of one of the bank's note types, is appended as
//!   a new card keeping its GUID; a card whose note is not in the export is
//!   reported, never removed;
//! - tags merge both ways: what Anki added is added, what Anki removed is
//!   removed from the card's own tags (a default or topic tag is reported).
//!
//! The bank's text changes only where cards changed ([`yaml_edit`]); the
//! merged bank must check, and its lock moves so the next build gives Anki
//! back the very notes it holds. Layers: reader → merge with the bank
//! (this module) → bank text, as `convert` is reader → bank text.

mod field_text;
pub mod yaml_edit;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::built_notes::{BuiltNote, built_notes, dated_deck};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::lock::{Lock, lock_path};
use crate::model::{Bank, CardType};
use crate::pipeline::{CheckReport, check};
use crate::read::yaml_text::{flow_item, quoted, scalar};
use crate::read::{Converted, ConvertedNote, NoteTypeRef, ReadError};
use crate::transform::{Deck, DeckCard, topic_tag};
use crate::validate::Rules;
use crate::writers::apkg::notetypes::{custom_id, note_type, style_fingerprint};

use field_text::{FieldKind, FieldText, field_text};
use yaml_edit::{CardBlock, Edits, Mapping, card_at, nested};

/// Which side wins a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Resolve {
    /// Neither: the card is left as it is and reported.
    #[default]
    Report,
    /// Anki's text.
    Theirs,
    /// The bank's text.
    Ours,
}

/// What `pull` is asked to do.
#[derive(Debug, Clone)]
pub struct PullOptions {
    /// The export: an `.apkg`/`.colpkg`, or a CrowdAnki folder or its JSON.
    pub export: PathBuf,
    /// The bank it came from.
    pub bank: PathBuf,
    /// How conflicts are settled.
    pub resolve: Resolve,
    /// Report only; write nothing.
    pub dry_run: bool,
}

/// What a pull did (or, with `--dry-run`, would do).
#[derive(Default)]
pub struct PullReport {
    /// The bank.
    pub bank: PathBuf,
    /// Cards that took Anki's text.
    pub changed: Vec<String>,
    /// Cards whose tags changed only.
    pub retagged: Vec<String>,
    /// Cards added from notes new in Anki.
    pub added: Vec<String>,
    /// Cards changed on both sides, left as they are.
    pub conflicts: Vec<String>,
    /// Conflicts settled by `--theirs`/`--ours`: (card, side).
    pub resolved: Vec<(String, &'static str)>,
    /// Cards whose note is not in the export (kept).
    pub missing: Vec<String>,
    /// Notes from an earlier build than the lock's (left to the next build).
    pub older: usize,
    /// Remarks: tags that could not be removed, notes of other note types,
    /// fields whose bank text does not build Anki's HTML exactly.
    pub remarks: Vec<String>,
    /// Located conflicts and warnings, against the bank as written.
    pub check: CheckReport,
    /// Whether the bank and lock were written.
    pub written: bool,
}

/// Why a pull failed (nothing was written).
pub enum PullFailure {
    /// The bank does not check, or the merged bank would not (exit 1).
    Invalid(Box<CheckReport>, String),
    /// The export cannot be read (exit 1).
    Input(ReadError),
    /// The bank has no lock, or a file cannot be read or written (exit 2).
    Io(String),
}

/// The bank's own fields of a built-in card, in the note type's order, with
/// how each is rendered.
fn built_in_fields(card_type: CardType) -> &'static [(&'static str, FieldKind)] {
    const MD: FieldKind = FieldKind::Markdown { cloze: false };
    match card_type {
        CardType::Basic | CardType::Reversed => &[
            ("question", MD),
            ("answer", MD),
            ("extra", MD),
            ("references", MD),
        ],
        CardType::TypeIn => &[
            ("question", MD),
            ("answer", FieldKind::TypedAnswer),
            ("extra", MD),
            ("references", MD),
        ],
        CardType::Cloze => &[
            ("text", FieldKind::Markdown { cloze: true }),
            ("extra", MD),
            ("references", MD),
        ],
    }
}

/// The order keys are written in a card, for placing a new one.
const KEY_ORDER: [&str; 12] = [
    "id",
    "topic",
    "type",
    "note-type",
    "question",
    "answer",
    "text",
    "fields",
    "extra",
    "tags",
    "references",
    "guid",
];

fn keys_before(key: &str) -> &'static [&'static str] {
    let at = KEY_ORDER
        .iter()
        .position(|k| *k == key)
        .unwrap_or(KEY_ORDER.len());
    &KEY_ORDER[..at]
}

/// Merges `options.export` into `options.bank`.
pub fn pull(options: &PullOptions) -> Result<PullReport, PullFailure> {
    let mut report = check(std::slice::from_ref(&options.bank), &Rules::default());
    if report.diagnostics.has_errors() {
        return Err(PullFailure::Invalid(
            Box::new(report),
            format!(
                "{} does not check: fix it first, so that what Anki changed can be told from what the bank changed",
                options.bank.display()
            ),
        ));
    }
    let Some(checked) = report.banks.pop() else {
        return Err(PullFailure::Io(format!(
            "cannot read {}",
            options.bank.display()
        )));
    };
    let lock = checked.lock.clone();
    if lock.cards.is_empty() {
        return Err(PullFailure::Io(format!(
            "{} has no lock file ({}): pull compares Anki's notes with what the last build gave Anki; build the bank and import that package first",
            options.bank.display(),
            lock_path(&options.bank).display()
        )));
    }
    let text = checked.loaded.source.text().to_string();
    let bank: Bank = checked.loaded.bank.clone();
    let deck = dated_deck(checked, &lock)
        .map_err(|e| PullFailure::Io(format!("cannot read the bank's media: {e}")))?;
    let export = read_export(&options.export)?;
    let merge = Merge::new(&deck, &bank, &lock, &text, &export, options.resolve);
    let mut out = merge.run();
    out.report.bank = options.bank.clone();
    if out.edits.is_empty() {
        out.report.check = located(&options.bank, &text, &bank, &out.report, Diagnostics::new());
        return Ok(out.report);
    }
    let edits = std::mem::take(&mut out.edits);
    let merged = edits.apply(&text).ok_or_else(|| {
        PullFailure::Io("two changes to the bank overlap (a bug): nothing was written".into())
    })?;
    write_merged(options, &merged, &lock, &export, out)
}

/// Reads the export: a package, or a CrowdAnki folder or JSON.
fn read_export(path: &Path) -> Result<Converted, PullFailure> {
    let folder = path.is_dir();
    let json = if folder {
        crate::convert::crowdanki_json(path).map_err(from_convert)?
    } else {
        path.to_path_buf()
    };
    let name = json.to_string_lossy().to_ascii_lowercase();
    let crowdanki = folder || name.ends_with(".json");
    let limit = if crowdanki {
        crate::read::crowdanki::MAX_DECK_JSON_BYTES
    } else {
        crate::convert::MAX_INPUT_BYTES
    };
    let bytes = crate::input::read_file(&json, limit)
        .map_err(|e| PullFailure::Io(format!("cannot read {}: {e}", json.display())))?;
    if crowdanki {
        let (media, _) = crate::convert::crowdanki_media(&json).map_err(from_convert)?;
        crate::read::crowdanki::read(&bytes, media).map_err(PullFailure::Input)
    } else {
        crate::read::anki_package::read(&bytes, None).map_err(PullFailure::Input)
    }
}

fn from_convert(failure: crate::convert::ConvertFailure) -> PullFailure {
    match failure {
        crate::convert::ConvertFailure::Input(e) => PullFailure::Input(e),
        crate::convert::ConvertFailure::Io(message) => PullFailure::Io(message),
        crate::convert::ConvertFailure::Invalid(_, message) => PullFailure::Io(message),
    }
}

/// The merge of one export into one bank.
struct Merge<'a> {
    deck: &'a Deck,
    bank: &'a Bank,
    lock: &'a Lock,
    text: &'a str,
    export: &'a Converted,
    resolve: Resolve,
    built: Vec<BuiltNote>,
    /// Hash of each card as the bank is now.
    hashes: Lock,
    /// Each card as written, by id.
    written: HashMap<&'a str, &'a crate::model::Card>,
    /// The topics the bank's cards have, by their tag (`topic::models`).
    topics: HashMap<String, &'a str>,
}

/// The merge's result: the edits and what they are.
struct Merged {
    edits: Edits,
    report: PullReport,
    /// Card id → the Anki note it now matches exactly (its time is kept).
    pulled: Vec<(String, String, i64)>,
}

impl<'a> Merge<'a> {
    fn new(
        deck: &'a Deck,
        bank: &'a Bank,
        lock: &'a Lock,
        text: &'a str,
        export: &'a Converted,
        resolve: Resolve,
    ) -> Merge<'a> {
        Merge {
            built: built_notes(deck),
            hashes: Lock::default().updated(deck, &style_fingerprint(deck), 0),
            written: bank
                .cards
                .iter()
                .map(|c| (c.id.value.as_str(), c))
                .collect(),
            topics: bank
                .cards
                .iter()
                .filter_map(|c| c.topic.as_ref())
                .map(|t| (topic_tag(&t.value), t.value.as_str()))
                .collect(),
            deck,
            bank,
            lock,
            text,
            export,
            resolve,
        }
    }

    fn media_url(&self) -> impl Fn(&str) -> Option<String> + '_ {
        |written: &str| self.deck.media_name(written).map(str::to_string)
    }

    fn run(&self) -> Merged {
        let mut merged = Merged {
            edits: Edits::default(),
            report: PullReport::default(),
            pulled: Vec::new(),
        };
        let by_guid = self.export.notes_by_guid();
        for built in &self.built {
            let card = &self.deck.cards[built.card];
            let Some(note) = by_guid.get(built.guid.as_str()) else {
                merged.report.missing.push(card.id.clone());
                continue;
            };
            self.merge_note(card, built, note, &mut merged);
        }
        let known: HashSet<&str> = self.built.iter().map(|b| b.guid.as_str()).collect();
        let mut ids: HashSet<String> = self.deck.cards.iter().map(|c| c.id.clone()).collect();
        ids.extend(self.lock.cards.keys().cloned());
        let mut appended = String::new();
        for note in &self.export.notes {
            if note.guid.as_deref().is_some_and(|g| known.contains(g)) {
                continue;
            }
            if let Some((id, yaml)) = self.new_card(note, &mut ids, &mut merged.report) {
                appended.push_str(&yaml);
                merged.report.added.push(id.clone());
                merged
                    .pulled
                    .push((id, note.guid.clone().unwrap_or_default(), note.modified));
            }
        }
        if !appended.is_empty() {
            let end = self.last_card_end();
            merged.edits.insert(end, appended);
        }
        merged
    }

    /// Where the last card's text ends (new cards go after it).
    fn last_card_end(&self) -> usize {
        self.bank
            .cards
            .last()
            .and_then(|c| card_at(self.text, c.id.span.start))
            .map_or(self.text.trim_end().len(), |b| b.range.end)
    }

    fn merge_note(
        &self,
        card: &DeckCard,
        built: &BuiltNote,
        note: &ConvertedNote,
        merged: &mut Merged,
    ) {
        let fields_differ = note.fields != built.fields;
        let anki_tags: Vec<&str> = note.tags.iter().map(String::as_str).collect();
        let built_tags: Vec<&str> = built.tags.iter().map(String::as_str).collect();
        let added: Vec<&str> = anki_tags
            .iter()
            .copied()
            .filter(|t| !built_tags.contains(t))
            .collect();
        let removed: Vec<&str> = built_tags
            .iter()
            .copied()
            .filter(|t| !anki_tags.contains(t))
            .collect();
        if !fields_differ && added.is_empty() && removed.is_empty() {
            return;
        }
        // A note Anki stamped no later than the last build is from that
        // build or an older one. An export without times (CrowdAnki's)
        // cannot tell: its differences count as edits.
        if note.modified > 0 && note.modified <= self.lock.modified(&card.id) {
            merged.report.older += 1;
            return;
        }
        let bank_changed = self.lock.cards.get(&card.id).map(|e| e.hash)
            != self.hashes.cards.get(&card.id).map(|e| e.hash);
        let Some(block) = self.block_of(card) else {
            merged.report.remarks.push(format!(
                "card `{}` is not written in block style (`- id: …` with one key a line): edit it by hand",
                card.id
            ));
            return;
        };
        let mut take_fields = fields_differ;
        if bank_changed && fields_differ {
            match self.resolve {
                Resolve::Report => {
                    merged.report.conflicts.push(card.id.clone());
                    return;
                }
                Resolve::Theirs => merged.report.resolved.push((card.id.clone(), "Anki's")),
                Resolve::Ours => {
                    merged.report.resolved.push((card.id.clone(), "the bank's"));
                    take_fields = false;
                }
            }
        }
        let mut exact = true;
        if take_fields {
            exact = self.take_fields(
                card,
                built,
                note,
                &block,
                &mut merged.edits,
                &mut merged.report,
            );
            merged.report.changed.push(card.id.clone());
        }
        // After a change in the bank, what Anki lacks may be what the bank
        // added: only Anki's additions are taken then.
        let removed = if bank_changed { Vec::new() } else { removed };
        let retagged = self.merge_tags(
            card,
            &added,
            &removed,
            &block,
            &mut merged.edits,
            &mut merged.report,
        );
        if retagged && !take_fields {
            merged.report.retagged.push(card.id.clone());
        }
        if exact && !bank_changed {
            merged
                .pulled
                .push((card.id.clone(), built.guid.clone(), note.modified));
        }
    }

    fn block_of(&self, card: &DeckCard) -> Option<CardBlock> {
        card_at(self.text, card.id_span.start)
    }

    /// Sets each field Anki changed; false when one does not build Anki's HTML exactly.
    fn take_fields(
        &self,
        card: &DeckCard,
        built: &BuiltNote,
        note: &ConvertedNote,
        block: &CardBlock,
        edits: &mut Edits,
        report: &mut PullReport,
    ) -> bool {
        let media_url = self.media_url();
        let mut exact = true;
        if let Some(n) = &card.note {
            let Some(note_type) = self.deck.note_types.get(n.note_type) else {
                return false;
            };
            let cloze_fields = note_type.cloze_field_names();
            let fields_entry = block.mapping.get("fields");
            let Some(fields) = fields_entry.and_then(|e| nested(self.text, e)) else {
                report.remarks.push(format!(
                    "card `{}`: its `fields:` is not a block mapping: edit it by hand",
                    card.id
                ));
                return false;
            };
            for (i, field) in note_type.fields.iter().enumerate() {
                let (Some(anki), Some(was_built), Some(value)) =
                    (note.fields.get(i), built.fields.get(i), n.fields.get(i))
                else {
                    continue;
                };
                if anki == was_built {
                    continue;
                }
                let found = if value.html {
                    FieldText {
                        text: anki.clone(),
                        html: true,
                        exact: true,
                        paragraph: false,
                    }
                } else {
                    let kind = FieldKind::NoteField {
                        cloze: cloze_fields.contains(&field.name.as_str()),
                    };
                    field_text(kind, anki, &value.text, was_built, &media_url)
                };
                exact &= found.exact;
                if !found.exact {
                    report.remarks.push(format!(
                        "card `{}`: no Markdown builds Anki's `{}` exactly; the nearest was written (the next build updates the note)",
                        card.id, field.name
                    ));
                }
                let yaml = if found.html {
                    format!("{{html: {}}}", quoted(&found.text))
                } else {
                    value_yaml(&found.text, fields.indent)
                };
                yaml_edit::set(edits, &fields, &field.name, &yaml, &[]);
            }
            return exact;
        }
        let names = built_in_fields(card.card_type);
        for (i, &(key, kind)) in names.iter().enumerate() {
            let (Some(anki), Some(was_built)) = (note.fields.get(i), built.fields.get(i)) else {
                continue;
            };
            if anki == was_built {
                continue;
            }
            if key == "references" {
                set_list(edits, self.text, &block.mapping, key, &links_of(anki));
                continue;
            }
            let was = match key {
                "question" => card.question.as_str(),
                "answer" => card.answer.as_str(),
                "text" => card.text.as_str(),
                _ => card.extra.as_deref().unwrap_or(""),
            };
            let found = field_text(kind, anki, was, was_built, &media_url);
            exact &= found.exact;
            if !found.exact && !found.paragraph {
                report.remarks.push(format!(
                    "card `{}`: no Markdown builds Anki's {key} exactly; the nearest was written (the next build updates the note)",
                    card.id
                ));
            }
            if found.text.is_empty() && key == "extra" {
                yaml_edit::remove(edits, self.text, &block.mapping, key);
            } else {
                let yaml = value_yaml(&found.text, block.mapping.indent);
                yaml_edit::set(edits, &block.mapping, key, &yaml, keys_before(key));
            }
        }
        exact
    }

    /// Applies Anki's tag changes to the card's own `tags:`; whether they changed.
    fn merge_tags(
        &self,
        card: &DeckCard,
        added: &[&str],
        removed: &[&str],
        block: &CardBlock,
        edits: &mut Edits,
        report: &mut PullReport,
    ) -> bool {
        let Some(written) = self.written.get(card.id.as_str()) else {
            return false;
        };
        let own: Vec<String> = written.tags.iter().map(|t| t.value.clone()).collect();
        let mut tags: Vec<String> = own
            .iter()
            .filter(|t| !removed.contains(&t.as_str()))
            .cloned()
            .collect();
        for tag in removed {
            if !own.iter().any(|t| t == tag) {
                report.remarks.push(format!(
                    "card `{}`: tag `{tag}` was removed in Anki, but it comes from the bank's topic or `defaults:`; kept",
                    card.id
                ));
            }
        }
        for tag in added {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_string());
            }
        }
        if tags == own {
            return false;
        }
        set_list(edits, self.text, &block.mapping, "tags", &tags);
        true
    }

    /// The YAML of a card for a note new in Anki, if it has one of the
    /// bank's note types: `(id, text)`, the text starting with a line break.
    fn new_card(
        &self,
        note: &ConvertedNote,
        ids: &mut HashSet<String>,
        report: &mut PullReport,
    ) -> Option<(String, String)> {
        let NoteTypeRef::Anki(index) = note.note_type else {
            return None;
        };
        let anki_type = self.export.note_types.get(index)?;
        let anki_id = anki_type.anki_id?;
        let built_in = CardType::ALL
            .into_iter()
            .find(|&t| note_type(t).id(&self.deck.id) == anki_id);
        let custom = self
            .deck
            .note_types
            .iter()
            .find(|t| custom_id(&self.deck.id, t) == anki_id);
        if built_in.is_none() && custom.is_none() {
            report.remarks.push(format!(
                "a note of note type `{}` is not this bank's: not added ({})",
                anki_type.name,
                preview(note.fields.first().map_or("", String::as_str))
            ));
            return None;
        }
        let first = note.fields.first().map_or("", String::as_str);
        let id = unique_id(
            &crate::markup::html_to_plain(first, crate::markup::Layout::OneLine),
            ids,
        );
        let (dash, indent) = self
            .bank
            .cards
            .last()
            .and_then(|c| card_at(self.text, c.id.span.start))
            .map_or((2, 4), |b| (b.dash, b.mapping.indent));
        let pad = " ".repeat(indent);
        let media_url = self.media_url();
        let mut yaml = format!("\n\n{}- id: {id}", " ".repeat(dash));
        let defaults = self.bank.defaults.as_ref();
        let default_tags: Vec<&str> = defaults
            .map(|d| d.tags.iter().map(|t| t.value.as_str()).collect())
            .unwrap_or_default();
        let topic = note
            .tags
            .iter()
            .find_map(|tag| self.topics.get(tag).map(|name| (tag, *name)));
        if let Some((_, name)) = topic {
            yaml.push_str(&format!("\n{pad}topic: {}", value_yaml(name, indent)));
        }
        if let Some(card_type) = built_in {
            let default_type = defaults
                .and_then(|d| d.card_type.as_ref())
                .map_or(CardType::Basic, |t| t.value);
            if card_type != default_type {
                yaml.push_str(&format!("\n{pad}type: {}", card_type.as_str()));
            }
            let mut references = Vec::new();
            for (&(key, kind), html) in built_in_fields(card_type).iter().zip(&note.fields) {
                if key == "references" {
                    references = links_of(html);
                    continue;
                }
                let found = field_text(kind, html, "", "", &media_url);
                if found.text.is_empty() && key == "extra" {
                    continue;
                }
                if !found.exact && !found.paragraph {
                    report.remarks.push(format!(
                        "card `{id}`: no Markdown builds Anki's {key} exactly; the nearest was written"
                    ));
                }
                yaml.push_str(&format!(
                    "\n{pad}{key}: {}",
                    value_yaml(&found.text, indent)
                ));
            }
            if !references.is_empty() {
                yaml.push_str(&format!("\n{pad}references: {}", flow_list(&references)));
            }
        } else if let Some(custom) = custom {
            yaml.push_str(&format!(
                "\n{pad}note-type: {}",
                value_yaml(&custom.name, indent)
            ));
            yaml.push_str(&format!("\n{pad}fields:"));
            let inner = indent + 2;
            for (field, html) in custom.fields.iter().zip(&note.fields) {
                let kind = FieldKind::NoteField { cloze: false };
                let found = field_text(kind, html, "", "", &media_url);
                let value = if found.html {
                    format!("{{html: {}}}", quoted(&found.text))
                } else {
                    value_yaml(&found.text, inner)
                };
                yaml.push_str(&format!(
                    "\n{}{}: {value}",
                    " ".repeat(inner),
                    crate::read::yaml_text::key(&field.name)
                ));
            }
        }
        let tags: Vec<&String> = note
            .tags
            .iter()
            .filter(|t| {
                !default_tags.contains(&t.as_str()) && topic.is_none_or(|(tag, _)| tag != *t)
            })
            .collect();
        if !tags.is_empty() {
            yaml.push_str(&format!("\n{pad}tags: {}", flow_list(&tags)));
        }
        yaml.push_str(&format!(
            "\n{pad}guid: {}",
            value_yaml(note.guid.as_deref().unwrap_or(""), indent)
        ));
        Some((id, yaml))
    }
}

/// `[a, b]`: a flow list of YAML items.
fn flow_list(items: &[impl AsRef<str>]) -> String {
    let items: Vec<String> = items.iter().map(|i| flow_item(i.as_ref())).collect();
    format!("[{}]", items.join(", "))
}

/// Sets a list-valued key of a card, or removes it when `items` is empty.
fn set_list(edits: &mut Edits, text: &str, mapping: &Mapping, key: &str, items: &[String]) {
    if items.is_empty() {
        yaml_edit::remove(edits, text, mapping, key);
    } else {
        yaml_edit::set(edits, mapping, key, &flow_list(items), keys_before(key));
    }
}

/// A value after `key: ` in a mapping whose keys sit at `indent`.
fn value_yaml(text: &str, indent: usize) -> String {
    if text.is_empty() {
        return "\"\"".to_string();
    }
    // Multi-line text as banks write it: a `|` block, its last line ended
    // (the build drops the line break either way).
    if text.contains('\n') && !text.ends_with('\n') {
        return scalar(&format!("{text}\n"), indent + 2);
    }
    scalar(text, indent + 2)
}

/// The `href` of each link of a References field.
fn links_of(html: &str) -> Vec<String> {
    crate::markup::html_tokens::tokenize(html)
        .into_iter()
        .filter_map(|piece| match piece {
            crate::markup::html_tokens::Piece::Start {
                name, attributes, ..
            } if name == "a" => attributes
                .into_iter()
                .find(|(k, _)| k == "href")
                .map(|(_, v)| v),
            _ => None,
        })
        .collect()
}

/// A short id from a note's first field, unique among `ids` (which it joins).
fn unique_id(text: &str, ids: &mut HashSet<String>) -> String {
    let slug = crate::validate::suggest_slug(text);
    let short: Vec<&str> = slug.split('-').filter(|w| !w.is_empty()).take(5).collect();
    let base = if short.is_empty() {
        "card".to_string()
    } else {
        short.join("-")
    };
    let mut id = base.clone();
    let mut n = 2;
    while ids.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    ids.insert(id.clone());
    id
}

fn preview(html: &str) -> String {
    let text = crate::markup::html_to_plain(html, crate::markup::Layout::OneLine);
    let short: String = text.chars().take(50).collect();
    if short.len() < text.len() {
        format!("{short}…")
    } else {
        short
    }
}

/// Conflicts and missing cards as diagnostics at their cards in `text`.
fn located(
    path: &Path,
    text: &str,
    bank: &Bank,
    report: &PullReport,
    mut diagnostics: Diagnostics,
) -> CheckReport {
    let source = crate::source::SourceFile::new(path.to_path_buf(), text.to_string());
    let conflicts: HashSet<&String> = report.conflicts.iter().collect();
    let missing: HashSet<&String> = report.missing.iter().collect();
    for card in &bank.cards {
        let id = &card.id.value;
        if conflicts.contains(id) {
            diagnostics.push(
                Diagnostic::new(
                    Code::PullConflict,
                    &source,
                    card.id.span,
                    format!("card `{id}` changed in the bank and in Anki since the last build"),
                )
                .label("left as the bank has it")
                .hint("compare the two, then pull again with --theirs (Anki's text wins) or --ours (the bank's text wins), or edit the card by hand and build"),
            );
        } else if missing.contains(id) {
            diagnostics.push(
                Diagnostic::new(
                    Code::NotInExport,
                    &source,
                    card.id.span,
                    format!("card `{id}` has no note in the export"),
                )
                .label("kept")
                .hint("deleted in Anki, or left out of the export: delete the card from the bank if it should go"),
            );
        }
    }
    let mut check = CheckReport::default();
    check.sources.insert(path.to_path_buf(), source);
    check.diagnostics = diagnostics;
    check
}

/// Checks the merged text, moves the lock, and writes both.
fn write_merged(
    options: &PullOptions,
    merged_text: &str,
    old_lock: &Lock,
    export: &Converted,
    merged: Merged,
) -> Result<PullReport, PullFailure> {
    let Merged {
        mut report, pulled, ..
    } = merged;
    let folder = options
        .bank
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let io =
        |e: std::io::Error| PullFailure::Io(format!("cannot write into {}: {e}", folder.display()));
    let staged = tempfile::Builder::new()
        .prefix(".flashdeck-pull-")
        .suffix(".yaml")
        .tempfile_in(folder)
        .map_err(io)?;
    std::fs::write(staged.path(), merged_text).map_err(io)?;
    let mut check_report = check(&[staged.path().to_path_buf()], &Rules::default());
    check_report.rename_file(staged.path(), &options.bank);
    if check_report.diagnostics.has_errors() {
        return Err(PullFailure::Invalid(
            Box::new(check_report),
            "the merged bank would not check: nothing was written".into(),
        ));
    }
    let Some(checked) = check_report.banks.pop() else {
        return Err(PullFailure::Io(
            "the merged bank could not be read back".into(),
        ));
    };
    let bank = checked.loaded.bank.clone();
    let mut deck = dated_deck(checked, &Lock::default())
        .map_err(|e| PullFailure::Io(format!("cannot read the bank's media: {e}")))?;
    // Only the cards pulled from Anki move in the lock, to their new hash
    // and Anki's time, when they build the very note Anki holds: the next
    // build gives Anki nothing to update, and other users get the edit.
    // Every other entry stays, so the build still sees what the bank changed.
    let fresh = Lock::default().updated(&deck, &style_fingerprint(&deck), crate::lock::now());
    deck.stamp(&|id| fresh.modified(id));
    let rebuilt: HashMap<String, Vec<String>> = built_notes(&deck)
        .into_iter()
        .map(|b| (b.guid, b.fields))
        .collect();
    let by_guid = export.notes_by_guid();
    let mut lock = old_lock.clone();
    for (id, guid, modified) in &pulled {
        let same = by_guid
            .get(guid.as_str())
            .zip(rebuilt.get(guid))
            .is_some_and(|(note, fields)| note.fields == *fields);
        if let Some(entry) = fresh.cards.get(id)
            && same
        {
            let mut entry = *entry;
            // Without a time (CrowdAnki), now: Anki then takes the note as edited.
            if *modified > 0 {
                entry.modified = (*modified).min(crate::lock::MAX_TIME);
            }
            lock.cards.insert(id.clone(), entry);
        }
    }
    let source_text = merged_text.to_string();
    report.check = located(
        &options.bank,
        &source_text,
        &bank,
        &report,
        check_report.diagnostics,
    );
    if options.dry_run {
        return Ok(report);
    }
    let lock_file = lock_path(&options.bank);
    let staged_lock = tempfile::Builder::new()
        .prefix(".flashdeck-pull-")
        .suffix(".lock")
        .tempfile_in(folder)
        .map_err(io)?;
    std::fs::write(staged_lock.path(), lock.to_text()).map_err(io)?;
    staged_lock.persist(&lock_file).map_err(|e| {
        PullFailure::Io(format!("cannot write {}: {}", lock_file.display(), e.error))
    })?;
    staged.persist(&options.bank).map_err(|e| {
        PullFailure::Io(format!(
            "cannot write {}: {}",
            options.bank.display(),
            e.error
        ))
    })?;
    report.written = true;
    Ok(report)
}
