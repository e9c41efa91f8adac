//! Rules for bank-declared note types and the cards that use them, plus the
//! GUID and deck keys every card may set. Resolving a note type (reading its
//! template and CSS files, parsing its templates) happens here once; the
//! build reuses the result.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::media::resolve_one;
use crate::anki::note_type::{CardTemplate, FieldValue, NoteType, NoteTypeField};
use crate::anki::template::{Template, TemplateError};
use crate::diagnostics::{Code, Diagnostic};
use crate::load::did_you_mean;
use crate::model::{Card, LoadedBank, Located, NoteKind, NoteTypeDef};
use crate::source::{SourceFile, Span};

/// Characters of Anki's GUIDs (base91, as Anki writes them).
const GUID_ALPHABET: &str =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&()*+,-./:;<=>?@[]^_`{|}~";

/// The longest GUID accepted (Anki's are 10 characters; older tools wrote longer ones).
const MAX_GUID_CHARS: usize = 100;

/// The largest template or CSS file read.
const MAX_TEMPLATE_BYTES: u64 = 1 << 20;

/// Keys a card of a bank-declared note type does not use.
const BUILT_IN_KEYS: [&str; 5] = ["question", "answer", "text", "extra", "references"];

/// Checks the bank's note types and returns them resolved (those that could
/// be read; a card naming a broken one is not checked further).
pub(super) fn check(loaded: &LoadedBank, report: &mut dyn FnMut(Diagnostic)) -> Vec<NoteType> {
    let source = &loaded.source;
    let mut resolved = Vec::new();
    let mut by_name: HashMap<&str, (usize, Span)> = HashMap::new();
    let declared_media: HashSet<String> = loaded
        .bank
        .media
        .iter()
        .filter_map(|m| Path::new(m.value.trim()).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    for def in &loaded.bank.note_types {
        let name = def.name.value.trim();
        if name.is_empty() {
            report(
                Diagnostic::new(
                    Code::EmptyField,
                    source,
                    def.name.span,
                    "the note type's `name` is empty",
                )
                .label("empty")
                .hint("name the note type; cards refer to it with `note-type:`"),
            );
            continue;
        }
        if let Some((_, first)) = by_name.get(name) {
            report(
                Diagnostic::new(
                    Code::DuplicateNoteType,
                    source,
                    def.name.span,
                    format!("note type `{name}` is declared twice"),
                )
                .label("declared again here")
                .related(source, *first, "first declared here")
                .hint("give each note type its own name, or merge the two"),
            );
            continue;
        }
        if let Some(note_type) = resolve(loaded, def, &declared_media, report) {
            by_name.insert(name, (resolved.len(), def.name.span));
            resolved.push(note_type);
        } else {
            // Reported; cards naming it are not checked against a guess.
            by_name.insert(name, (usize::MAX, def.name.span));
        }
    }
    check_cards(loaded, &resolved, &by_name, report);
    check_guids(loaded, report);
    resolved
}

fn invalid(source: &SourceFile, span: Span, message: String, hint: &str) -> Diagnostic {
    Diagnostic::new(Code::InvalidNoteType, source, span, message)
        .label("here")
        .hint(hint)
}

/// An Anki id written in the bank (`anki-id: 1342697561419`).
fn anki_id(
    source: &SourceFile,
    value: Option<&Located<String>>,
    report: &mut dyn FnMut(Diagnostic),
) -> Result<Option<i64>, ()> {
    let Some(value) = value else { return Ok(None) };
    match value.value.trim().parse::<i64>() {
        Ok(id) => Ok(Some(id)),
        Err(_) => {
            report(invalid(
                source,
                value.span,
                format!("`{}` is not an Anki id", value.value),
                "write the whole number Anki uses (`anki-id: 1342697561419`), or leave the key out",
            ));
            Err(())
        }
    }
}

/// Inline text or the text of a file beside the bank (exactly one of them).
fn text_or_file(
    loaded: &LoadedBank,
    inline: Option<&Located<String>>,
    file: Option<&Located<String>>,
    what: &str,
    at: Span,
    required: bool,
    report: &mut dyn FnMut(Diagnostic),
) -> Option<(String, Option<Span>)> {
    let source = &loaded.source;
    match (inline, file) {
        (Some(_), Some(file)) => {
            report(invalid(
                source,
                file.span,
                format!("`{what}` is given both inline and as a file"),
                "keep one of them",
            ));
            None
        }
        (Some(text), None) => Some((text.value.clone(), Some(text.span))),
        (None, Some(file)) => {
            let base =
                std::fs::canonicalize(&loaded.base_dir).unwrap_or_else(|_| loaded.base_dir.clone());
            let resolved = resolve_one(&base, file.value.trim(), file.span, loaded, report)?;
            match crate::input::read_file(&resolved.path, MAX_TEMPLATE_BYTES)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
            {
                Some(text) => Some((text, None)),
                None => {
                    report(
                        Diagnostic::new(
                            Code::Unreadable,
                            source,
                            file.span,
                            format!(
                                "cannot read `{}` as UTF-8 text of at most 1 MiB",
                                file.value
                            ),
                        )
                        .label("this file")
                        .hint("templates and CSS are UTF-8 text files"),
                    );
                    None
                }
            }
        }
        (None, None) if required => {
            report(
                Diagnostic::new(
                    Code::MissingField,
                    source,
                    at,
                    format!("the template has no `{what}`"),
                )
                .label("this template")
                .hint(format!(
                    "add `{what}:` (Anki template text) or `{what}-file:` (a file beside the bank)"
                )),
            );
            None
        }
        (None, None) => Some((String::new(), None)),
    }
}

fn resolve(
    loaded: &LoadedBank,
    def: &NoteTypeDef,
    declared_media: &HashSet<String>,
    report: &mut dyn FnMut(Diagnostic),
) -> Option<NoteType> {
    let source = &loaded.source;
    let kind = def.kind.as_ref().map_or(NoteKind::Standard, |k| k.value);
    let mut ok = true;
    // Fields: at least one, unique, names Anki accepts.
    let mut fields = Vec::new();
    let mut field_names: HashMap<String, Span> = HashMap::new();
    if def.fields.is_empty() {
        report(invalid(
            source,
            def.span,
            format!("note type `{}` has no fields", def.name.value),
            "list its fields in order: `fields: [Word, Meaning]`",
        ));
        ok = false;
    }
    for field in &def.fields {
        let name = field.name.value.trim();
        let bad_char = name
            .chars()
            .find(|c| matches!(c, ':' | '"' | '{' | '}') || c.is_control());
        if name.is_empty() || name.starts_with(['#', '^', '/']) || bad_char.is_some() {
            report(invalid(
                source,
                field.name.span,
                format!("`{name}` cannot be a field name"),
                "Anki field names are not empty, do not start with `#`, `^` or `/`, and hold no `:`, `\"`, `{` or `}`",
            ));
            ok = false;
            continue;
        }
        if let Some(first) = field_names.get(&name.to_lowercase()) {
            report(
                invalid(
                    source,
                    field.name.span,
                    format!("field `{name}` is listed twice"),
                    "field names must differ (Anki ignores case when comparing them)",
                )
                .related(source, *first, "first listed here"),
            );
            ok = false;
            continue;
        }
        field_names.insert(name.to_lowercase(), field.name.span);
        let Ok(id) = anki_id(source, field.anki_id.as_ref(), report) else {
            ok = false;
            continue;
        };
        fields.push(NoteTypeField {
            name: name.to_string(),
            anki_id: id,
            crowdanki: field.crowdanki.as_ref().map(|c| c.value.clone()),
        });
    }
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    // Templates.
    if def.templates.is_empty() {
        report(invalid(
            source,
            def.span,
            format!("note type `{}` has no templates", def.name.value),
            "add `templates:` with `- name: Card 1`, `front:` and `back:`",
        ));
        ok = false;
    }
    if kind == NoteKind::Cloze && def.templates.len() > 1 {
        report(invalid(
            source,
            def.templates[1].name.span,
            format!(
                "cloze note type `{}` has more than one template",
                def.name.value
            ),
            "a cloze note type has exactly one template: Anki makes one card per deletion number",
        ));
        ok = false;
    }
    let scripts = match &def.scripts {
        None => false,
        Some(v) => match v.value.trim() {
            "true" => true,
            "false" => false,
            _ => {
                report(invalid(
                    source,
                    v.span,
                    format!("`scripts` must be true or false, found `{}`", v.value),
                    "write `scripts: true` only if the templates need JavaScript",
                ));
                false
            }
        },
    };
    let mut templates = Vec::new();
    let mut template_names: HashMap<String, Span> = HashMap::new();
    for template in &def.templates {
        let name = template.name.value.trim();
        if name.is_empty() {
            report(invalid(
                source,
                template.name.span,
                "a template's `name` is empty".to_string(),
                "name each template (`Card 1`, `Recognition`)",
            ));
            ok = false;
            continue;
        }
        if let Some(first) = template_names.get(name) {
            report(
                invalid(
                    source,
                    template.name.span,
                    format!("template `{name}` is listed twice"),
                    "template names must differ",
                )
                .related(source, *first, "first listed here"),
            );
            ok = false;
            continue;
        }
        template_names.insert(name.to_string(), template.name.span);
        let front = text_or_file(
            loaded,
            template.front.as_ref(),
            template.front_file.as_ref(),
            "front",
            template.name.span,
            true,
            report,
        );
        let back = text_or_file(
            loaded,
            template.back.as_ref(),
            template.back_file.as_ref(),
            "back",
            template.name.span,
            true,
            report,
        );
        let Ok(id) = anki_id(source, template.anki_id.as_ref(), report) else {
            ok = false;
            continue;
        };
        let (Some((front, front_span)), Some((back, back_span))) = (front, back) else {
            ok = false;
            continue;
        };
        let file_span = |inline: Option<Span>, file: &Option<Located<String>>| {
            inline
                .or_else(|| file.as_ref().map(|f| f.span))
                .unwrap_or(template.name.span)
        };
        let front_at = file_span(front_span, &template.front_file);
        let back_at = file_span(back_span, &template.back_file);
        let parsed_front = parse_template(
            source,
            &front,
            front_at,
            front_span.is_some(),
            &names,
            report,
        );
        let parsed_back =
            parse_template(source, &back, back_at, back_span.is_some(), &names, report);
        for (text, at) in [(&front, front_at), (&back, back_at)] {
            if !scripts && text.to_ascii_lowercase().contains("<script") {
                report(
                    Diagnostic::new(
                        Code::TemplateScript,
                        source,
                        at,
                        format!("template `{name}` holds a `<script>`"),
                    )
                    .label("script in a template")
                    .hint("remove it, or set `scripts: true` on the note type if the deck really needs JavaScript"),
                );
            }
            check_static_media(source, text, at, declared_media, report);
        }
        let (Some(front_parsed), Some(back_parsed)) = (parsed_front, parsed_back) else {
            ok = false;
            continue;
        };
        if kind == NoteKind::Cloze && front_parsed.cloze_fields().is_empty() {
            report(
                Diagnostic::new(
                    Code::ClozeTemplateMissing,
                    source,
                    front_at,
                    format!("the front of cloze note type `{}` has no `{{{{cloze:…}}}}`", def.name.value),
                )
                .label("no cloze field")
                .hint("show the deletions with `{{cloze:Text}}` on both sides (Text being the field that holds them)"),
            );
            ok = false;
        }
        templates.push(CardTemplate {
            name: name.to_string(),
            front,
            back,
            front_parsed,
            back_parsed,
            anki_id: id,
            crowdanki: template.crowdanki.as_ref().map(|c| c.value.clone()),
        });
    }
    let css = text_or_file(
        loaded,
        def.css.as_ref(),
        def.css_file.as_ref(),
        "css",
        def.span,
        false,
        report,
    );
    if let Some((css, span)) = &css {
        let at = span
            .or_else(|| def.css_file.as_ref().map(|f| f.span))
            .unwrap_or(def.span);
        check_static_media(source, css, at, declared_media, report);
    }
    let sort_field = match &def.sort_field {
        None => 0,
        Some(name) => match names.iter().position(|n| *n == name.value.trim()) {
            Some(i) => i,
            None => {
                report(invalid(
                    source,
                    name.span,
                    format!("`{}` is not a field of this note type", name.value),
                    &format!("the fields are: {}", names.join(", ")),
                ));
                ok = false;
                0
            }
        },
    };
    let ids = (
        anki_id(source, def.anki_id.as_ref(), report),
        anki_id(source, def.original_stock_kind.as_ref(), report),
        anki_id(source, def.original_id.as_ref(), report),
    );
    let (Ok(id), Ok(stock), Ok(original)) = ids else {
        return None;
    };
    if !ok || css.is_none() {
        return None;
    }
    Some(NoteType {
        name: def.name.value.trim().to_string(),
        kind,
        fields,
        templates,
        css: css.map(|(c, _)| c).unwrap_or_default(),
        sort_field,
        anki_id: id,
        original_stock_kind: stock,
        original_id: original,
        kind_written: def.kind.is_some(),
        crowdanki_uuid: def
            .crowdanki_uuid
            .as_ref()
            .map(|u| u.value.trim().to_string()),
        crowdanki: def.crowdanki.as_ref().map(|c| c.value.clone()),
    })
}

/// Special fields Anki fills in on every card.
const SPECIAL_FIELDS: [&str; 7] = [
    "FrontSide",
    "Tags",
    "Type",
    "Deck",
    "Subdeck",
    "Card",
    "CardFlag",
];

fn parse_template(
    source: &SourceFile,
    text: &str,
    at: Span,
    inline: bool,
    fields: &[&str],
    report: &mut dyn FnMut(Diagnostic),
) -> Option<Template> {
    // Inline text: point into it when it appears verbatim (block scalars do).
    let locate = |offset: usize, len: usize| {
        if !inline {
            return at;
        }
        let end = (offset + len).min(text.len());
        source
            .find_in(at, &text[offset..end])
            .map(|s| Span::new(s.start, s.end))
            .unwrap_or(at)
    };
    match Template::parse(text) {
        Err(err) => {
            let offset = err.offset();
            let len = text[offset..].find("}}").map_or(2, |i| i + 2);
            report(
                Diagnostic::new(
                    Code::TemplateSyntax,
                    source,
                    locate(offset, len),
                    err.message(),
                )
                .label(match err {
                    TemplateError::NotClosed { .. } => "opened here",
                    TemplateError::NotOpen { .. } => "closed here",
                })
                .hint(err.hint()),
            );
            None
        }
        Ok(template) => {
            let mut ok = true;
            for (key, offset) in template.references() {
                if key.is_empty() || fields.contains(&key) || SPECIAL_FIELDS.contains(&key) {
                    continue;
                }
                // `{{#c1}}`-style cloze conditionals are Anki's own.
                if key
                    .strip_prefix('c')
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                {
                    continue;
                }
                let len = text[offset..].find("}}").map_or(2, |i| i + 2);
                let mut d = Diagnostic::new(
                    Code::UnknownTemplateField,
                    source,
                    locate(offset, len),
                    format!("the template uses `{key}`, which is not a field of its note type"),
                )
                .label("no such field");
                d = match did_you_mean(key, fields) {
                    Some(best) => d.hint(format!(
                        "did you mean `{best}`? the fields are: {}",
                        fields.join(", ")
                    )),
                    None => d.hint(format!(
                        "the fields are: {}; add the field or fix the name",
                        fields.join(", ")
                    )),
                };
                report(d);
                ok = false;
            }
            ok.then_some(template)
        }
    }
}

/// Media a template or CSS names by file (`url("_font.woff2")`,
/// `<img src="_logo.png">`, `[sound:_tick.mp3]`) must be declared in the
/// bank's `media:` so it is packaged.
fn check_static_media(
    source: &SourceFile,
    text: &str,
    at: Span,
    declared: &HashSet<String>,
    report: &mut dyn FnMut(Diagnostic),
) {
    for name in static_media_names(text) {
        if declared.contains(&name) {
            continue;
        }
        report(
            Diagnostic::new(
                Code::MediaMissing,
                source,
                at,
                format!("`{name}` is used by a template or the CSS, but is not in the bank's `media:`"),
            )
            .label("used here")
            .hint(format!(
                "add the file beside the bank and list it: `media: [media/{name}]` (Anki keeps files that only templates use when their names start with `_`)"
            )),
        );
    }
}

/// File names referred to by `url(…)`, `src=…` and `[sound:…]` in template
/// or CSS text; remote URLs, `data:` and field references are left out.
pub(crate) fn static_media_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut push = |raw: &str| {
        let name = raw.trim().trim_matches(['"', '\'']).trim();
        if name.is_empty() || name.contains("{{") || name.contains(':') || name.starts_with('#') {
            return;
        }
        let name = name.rsplit('/').next().unwrap_or(name).to_string();
        if !out.contains(&name) {
            out.push(name);
        }
    };
    let lower = text.to_ascii_lowercase();
    for (start, _) in lower.match_indices("url(") {
        let rest = &text[start + 4..];
        if let Some(end) = rest.find(')') {
            push(&rest[..end]);
        }
    }
    for (start, _) in lower.match_indices("src=") {
        let rest = &text[start + 4..];
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => rest[1..].split(q).next().unwrap_or(""),
            _ => rest.split([' ', '>']).next().unwrap_or(""),
        };
        push(value);
    }
    for (start, _) in text.match_indices("[sound:") {
        let rest = &text[start + 7..];
        if let Some(end) = rest.find(']') {
            push(&rest[..end]);
        }
    }
    out
}

fn check_cards(
    loaded: &LoadedBank,
    note_types: &[NoteType],
    by_name: &HashMap<&str, (usize, Span)>,
    report: &mut dyn FnMut(Diagnostic),
) {
    let source = &loaded.source;
    let defaults = loaded.bank.defaults.as_ref();
    let names: Vec<&str> = by_name.keys().copied().collect();
    for card in &loaded.bank.cards {
        check_deck_names(source, card, report);
        let Some(wanted) = card.resolved_note_type(defaults) else {
            if let Some(first) = card.fields.first() {
                report(
                    Diagnostic::new(Code::FieldNotUsed, source, first.name.span, "`fields:` needs a `note-type:`")
                        .label("fields without a note type")
                        .hint("set `note-type:` to one of the bank's `note-types:`, or use `question:`/`answer:` for a built-in card"),
                );
            }
            continue;
        };
        if let Some(card_type) = &card.card_type {
            report(
                Diagnostic::new(
                    Code::FieldNotUsed,
                    source,
                    card_type.span,
                    "a card has either `type:` or `note-type:`, not both",
                )
                .label("built-in type")
                .hint("remove `type:` to use the note type, or `note-type:` for a built-in card"),
            );
            continue;
        }
        let Some(&(index, _)) = by_name.get(wanted.value.trim()) else {
            let mut d = Diagnostic::new(
                Code::UnknownNoteType,
                source,
                wanted.span,
                format!("note type `{}` is not declared in this bank", wanted.value),
            )
            .label("unknown note type");
            d = match did_you_mean(wanted.value.trim(), &names) {
                Some(best) => d.hint(format!("did you mean `{best}`?")),
                None if names.is_empty() => {
                    d.hint("declare it under `note-types:` at the top of the bank")
                }
                None => d.hint(format!("the bank's note types are: {}", names.join(", "))),
            };
            report(d);
            continue;
        };
        let Some(note_type) = note_types.get(index) else {
            continue; // A broken note type, already reported.
        };
        for (key, value) in [
            ("question", &card.question),
            ("answer", &card.answer),
            ("text", &card.text),
            ("extra", &card.extra),
        ] {
            if let Some(value) = value {
                report(unused_key(source, value.span, key, note_type));
            }
        }
        if let Some(first) = card.references.first() {
            report(unused_key(source, first.span, BUILT_IN_KEYS[4], note_type));
        }
        if let Some(guid) = &card.guid
            && note_type.anki_id.is_none()
        {
            report(
                Diagnostic::new(
                    Code::GuidWithoutNoteTypeId,
                    source,
                    guid.span,
                    format!("this card keeps an Anki GUID, but note type `{}` keeps no `anki-id`", note_type.name),
                )
                .label("matched by GUID in Anki")
                .hint("if the note came from Anki, copy its note type's id (`anki-id:`) too, or Anki reports the note as conflicting and updates nothing; if the GUID is new, ignore this or allow the lint"),
            );
        }
        check_note_fields(source, card, note_type, report);
    }
}

fn unused_key(source: &SourceFile, span: Span, key: &str, note_type: &NoteType) -> Diagnostic {
    let fields: Vec<&str> = note_type.fields.iter().map(|f| f.name.as_str()).collect();
    Diagnostic::new(
        Code::FieldNotUsed,
        source,
        span,
        format!(
            "a card of note type `{}` does not use `{key}`",
            note_type.name
        ),
    )
    .label("not a field of this note type")
    .hint(format!(
        "put the text under `fields:`, in one of: {}",
        fields.join(", ")
    ))
}

fn check_note_fields(
    source: &SourceFile,
    card: &Card,
    note_type: &NoteType,
    report: &mut dyn FnMut(Diagnostic),
) {
    let names: Vec<&str> = note_type.fields.iter().map(|f| f.name.as_str()).collect();
    let mut values = vec![FieldValue::default(); names.len()];
    for field in &card.fields {
        let Some(index) = note_type.field_index(field.name.value.trim()) else {
            let mut d = Diagnostic::new(
                Code::UnknownNoteField,
                source,
                field.name.span,
                format!(
                    "`{}` is not a field of note type `{}`",
                    field.name.value, note_type.name
                ),
            )
            .label("unknown field");
            d = match did_you_mean(field.name.value.trim(), &names) {
                Some(best) => d.hint(format!(
                    "did you mean `{best}`? the fields are: {}",
                    names.join(", ")
                )),
                None => d.hint(format!("the fields are: {}", names.join(", "))),
            };
            report(d);
            continue;
        };
        values[index] = FieldValue {
            text: field.value.value.clone(),
            html: field.html,
        };
        if field.html {
            check_sanitized(source, &field.value, report);
        }
    }
    if !card.fields.iter().any(|f| f.name.value.trim() == names[0]) {
        report(
            Diagnostic::new(
                Code::MissingField,
                source,
                card.id.span,
                format!(
                    "card `{}` has no `{}`, the first field of `{}`",
                    card.id.value, names[0], note_type.name
                ),
            )
            .label("this card")
            .hint(format!(
                "add `{}:` under `fields:` (Anki sorts and finds duplicates by the first field)",
                names[0]
            )),
        );
        return;
    }
    if note_type.is_cloze() {
        let cloze_fields = note_type.templates[0].front_parsed.cloze_fields();
        let mut unreadable = false;
        for field in &card.fields {
            if cloze_fields.contains(&field.name.value.trim()) {
                super::cards::check_cloze(source, &field.value, !field.html, report);
                unreadable |= !crate::model::cloze::problems(&field.value.value).is_empty();
            }
        }
        if unreadable {
            return; // Its deletions were reported; "no card" would only repeat it.
        }
    }
    for entry in &card.decks {
        if !note_type
            .templates
            .iter()
            .any(|t| t.name == entry.template.value.trim())
        {
            let templates: Vec<&str> = note_type
                .templates
                .iter()
                .map(|t| t.name.as_str())
                .collect();
            report(
                Diagnostic::new(
                    Code::UnknownTemplate,
                    source,
                    entry.template.span,
                    format!(
                        "`{}` is not a template of note type `{}`",
                        entry.template.value, note_type.name
                    ),
                )
                .label("unknown template")
                .hint(format!("the templates are: {}", templates.join(", "))),
            );
        }
    }
    if note_type.card_ords(&values).is_empty() {
        let hint = if note_type.is_cloze() {
            "add a `{{c1::…}}` deletion to a field the template shows with `{{cloze:…}}`"
                .to_string()
        } else {
            let needed: Vec<String> = note_type
                .templates
                .iter()
                .map(|t| {
                    let used: Vec<&str> = t
                        .front_parsed
                        .references()
                        .into_iter()
                        .map(|(k, _)| k)
                        .filter(|k| names.contains(k))
                        .collect();
                    format!("`{}` shows {}", t.name, used.join(", "))
                })
                .collect();
            format!(
                "fill a field a front template shows ({})",
                needed.join("; ")
            )
        };
        report(
            Diagnostic::new(
                Code::EmptyFront,
                source,
                card.id.span,
                format!(
                    "card `{}` gives no Anki card: every template's front would be empty",
                    card.id.value
                ),
            )
            .label("this card")
            .hint(hint),
        );
    }
}

/// An HTML field is sanitized like every other; what that removes is named.
fn check_sanitized(
    source: &SourceFile,
    value: &Located<String>,
    report: &mut dyn FnMut(Diagnostic),
) {
    let removed = crate::markup::removed_by_sanitizing(&value.value);
    if removed.is_empty() {
        return;
    }
    report(
        Diagnostic::new(
            Code::HtmlSanitized,
            source,
            value.span,
            format!("sanitizing this HTML field removes {}", removed.join(", ")),
        )
        .label("changed when built")
        .hint("scripts, event handlers, frames and unsafe links never reach a deck; remove them from the field to silence this"),
    );
}

fn check_deck_names(source: &SourceFile, card: &Card, report: &mut dyn FnMut(Diagnostic)) {
    let decks = card.deck.iter().chain(card.decks.iter().map(|d| &d.deck));
    for deck in decks {
        if deck.value.split("::").any(|part| part.trim().is_empty()) {
            report(
                Diagnostic::new(
                    Code::InvalidDeckName,
                    source,
                    deck.span,
                    format!("`{}` is not a deck name", deck.value),
                )
                .label("empty `::` part")
                .hint("write the full deck name, `::` between levels (`Languages::Spanish`)"),
            );
        }
    }
}

fn check_guids(loaded: &LoadedBank, report: &mut dyn FnMut(Diagnostic)) {
    let source = &loaded.source;
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for card in &loaded.bank.cards {
        let Some(guid) = &card.guid else { continue };
        let value = guid.value.as_str();
        let bad = value.chars().find(|c| !GUID_ALPHABET.contains(*c));
        if value.is_empty() || value.chars().count() > MAX_GUID_CHARS || bad.is_some() {
            let why = match bad {
                Some(c) => format!("`{}` holds {c:?}, which Anki's GUIDs never do", value),
                None if value.is_empty() => "the GUID is empty".to_string(),
                None => format!("the GUID is longer than {MAX_GUID_CHARS} characters"),
            };
            report(
                Diagnostic::new(Code::InvalidGuid, source, guid.span, why)
                    .label("not a GUID")
                    .hint("copy the note's GUID exactly as Anki has it, or remove `guid:` to derive one from the card id"),
            );
            continue;
        }
        if let Some(first) = seen.get(value) {
            report(
                Diagnostic::new(
                    Code::DuplicateGuid,
                    source,
                    guid.span,
                    format!("GUID `{value}` is used by two cards"),
                )
                .label("used again here")
                .related(source, *first, "first used here")
                .hint("Anki matches notes by GUID: each card needs its own"),
            );
        } else {
            seen.insert(value, guid.span);
        }
    }
    if seen.is_empty() {
        return;
    }
    // A derived GUID may not fall on a written one either.
    for card in &loaded.bank.cards {
        if card.guid.is_some() || card.id.value.is_empty() {
            continue;
        }
        let derived = crate::anki::ids::note_guid(&loaded.bank.deck.id.value, &card.id.value);
        if let Some(first) = seen.get(derived.as_str()) {
            report(
                Diagnostic::new(
                    Code::DuplicateGuid,
                    source,
                    card.id.span,
                    format!(
                        "this card's GUID (`{derived}`, from its id) is written on another card"
                    ),
                )
                .label("this card")
                .related(source, *first, "written here")
                .hint("give one of the two cards another GUID or id"),
            );
        }
    }
}
