//! The `crowdanki:` mappings a converted CrowdAnki deck keeps, and note
//! types' `crowdanki-uuid`: a mapping may hold any JSON but no key that
//! `--format crowdanki` writes from the bank itself (which would say two
//! things about one key), and two note types never share a uuid (CrowdAnki
//! finds note types by it).

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Json, LoadedBank, Located};
use crate::source::{SourceFile, Span};

/// Keys of the top deck `--format crowdanki` always writes from the bank.
/// (Keys CrowdAnki itself never exports, such as `id`, `mod` and `conf`,
/// pass through like any other.)
pub const DECK_KEYS: [&str; 7] = [
    "__type__",
    "children",
    "desc",
    "media_files",
    "name",
    "note_models",
    "notes",
];
/// Keys of a subdeck flashdeck writes itself (a subdeck's `desc` is kept
/// in its `crowdanki:` keys: a bank describes only its top deck).
pub const SUBDECK_KEYS: [&str; 5] = ["__type__", "children", "media_files", "name", "notes"];
/// Keys of a note model flashdeck writes itself (`type` and the original
/// kind and id when the bank says them).
pub const NOTE_TYPE_KEYS: [&str; 10] = [
    "__type__",
    "crowdanki_uuid",
    "name",
    "css",
    "flds",
    "tmpls",
    "sortf",
    "type",
    "originalStockKind",
    "originalId",
];
/// Keys of a field flashdeck writes itself (`id` when the bank keeps one).
pub const FIELD_KEYS: [&str; 3] = ["name", "ord", "id"];
/// Keys of a template flashdeck writes itself (`id` when the bank keeps one).
pub const TEMPLATE_KEYS: [&str; 5] = ["name", "ord", "qfmt", "afmt", "id"];
/// Keys of a note flashdeck writes itself.
pub const NOTE_KEYS: [&str; 5] = ["__type__", "fields", "guid", "note_model_uuid", "tags"];

pub(super) fn check(loaded: &LoadedBank, report: &mut dyn FnMut(Diagnostic)) {
    let source = &loaded.source;
    let bank = &loaded.bank;
    if let Some(crowdanki) = &bank.deck.crowdanki {
        let at = crowdanki.span;
        if let Some(deck) = crowdanki.value.get("deck") {
            reserved(source, deck, at, &DECK_KEYS, "the deck", report);
        }
        for (name, subdeck) in crowdanki
            .value
            .get("subdecks")
            .map(Json::entries)
            .unwrap_or_default()
        {
            reserved(
                source,
                subdeck,
                at,
                &SUBDECK_KEYS,
                &format!("subdeck `{name}`"),
                report,
            );
        }
        if let Some(notes) = crowdanki.value.get("notes") {
            reserved(source, notes, at, &NOTE_KEYS, "every note", report);
        }
    }
    let mut uuids: HashMap<&str, Span> = HashMap::new();
    for def in &bank.note_types {
        let name = def.name.value.trim();
        check_mapping(
            source,
            def.crowdanki.as_ref(),
            &NOTE_TYPE_KEYS,
            name,
            report,
        );
        for field in &def.fields {
            check_mapping(
                source,
                field.crowdanki.as_ref(),
                &FIELD_KEYS,
                &format!("field `{}`", field.name.value.trim()),
                report,
            );
        }
        for template in &def.templates {
            check_mapping(
                source,
                template.crowdanki.as_ref(),
                &TEMPLATE_KEYS,
                &format!("template `{}`", template.name.value.trim()),
                report,
            );
        }
        let Some(uuid) = &def.crowdanki_uuid else {
            continue;
        };
        let value = uuid.value.trim();
        if value.is_empty() || value.chars().any(char::is_control) {
            report(
                Diagnostic::new(
                    Code::InvalidCrowdAnki,
                    source,
                    uuid.span,
                    "`crowdanki-uuid` is empty or holds a control character",
                )
                .label("here")
                .hint("keep the uuid CrowdAnki wrote, or leave the key out (one is derived)"),
            );
        } else if let Some(first) = uuids.get(value) {
            report(
                Diagnostic::new(
                    Code::InvalidCrowdAnki,
                    source,
                    uuid.span,
                    format!("note type `{name}` has the `crowdanki-uuid` of another"),
                )
                .label("used again here")
                .related(source, *first, "first used here")
                .hint("CrowdAnki finds note types by their uuid: give one of them a new uuid, or none (one is derived from its name)"),
            );
        } else {
            uuids.insert(value, uuid.span);
        }
    }
    for card in &bank.cards {
        check_mapping(
            source,
            card.crowdanki.as_ref(),
            &NOTE_KEYS,
            &format!("card `{}`", card.id.value),
            report,
        );
    }
}

fn check_mapping(
    source: &SourceFile,
    mapping: Option<&Located<Json>>,
    keys: &[&str],
    what: &str,
    report: &mut dyn FnMut(Diagnostic),
) {
    if let Some(mapping) = mapping {
        reserved(source, &mapping.value, mapping.span, keys, what, report);
    }
}

/// Reports each key of `value` that flashdeck writes itself.
fn reserved(
    source: &SourceFile,
    value: &Json,
    at: Span,
    keys: &[&str],
    what: &str,
    report: &mut dyn FnMut(Diagnostic),
) {
    for (key, _) in value.entries() {
        if keys.contains(&key.as_str()) {
            report(
                Diagnostic::new(
                    Code::InvalidCrowdAnki,
                    source,
                    at,
                    format!("`crowdanki:` of {what} sets `{key}`, which flashdeck writes from the bank"),
                )
                .label("in this mapping")
                .hint(format!(
                    "remove `{key}` from `crowdanki:`; the keys flashdeck writes itself here are: {}",
                    keys.join(", ")
                )),
            );
        }
    }
}
