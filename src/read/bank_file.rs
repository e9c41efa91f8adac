//! A [`Converted`] deck as the text of a bank people want to edit: stable
//! key order, block scalars for multi-line text, quotes only where YAML
//! needs them, card ids slugged from the first field's first words (unique
//! and stable across runs), media paths under `media/`, CSS that several
//! note types share in one file beside the bank. Each field is Markdown when
//! rendering that Markdown gives back the same HTML; otherwise it keeps its
//! HTML (`{html: …}`), so nothing is converted lossily.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use super::field_markdown::{Inline, markdown_for};
use super::yaml_text::{flow_item, key, quoted, scalar};
use super::{Converted, NoteTypeRef};
use crate::markup::{HtmlOptions, html_to_markdown, to_html};
use crate::model::{CardType, NoteKind};

/// The folder (beside the bank) that holds the converted media, one
/// subfolder per deck.
pub const MEDIA_DIR: &str = "media";

/// The bank text and what the lock needs.
#[derive(Debug, Clone, PartialEq)]
pub struct BankFile {
    /// The deck id (the bank is `<id>.yaml`).
    pub deck_id: String,
    /// The YAML.
    pub text: String,
    /// Each card's id and its note's modification time, in bank order.
    pub card_times: Vec<(String, i64)>,
    /// The newest note type modification time.
    pub note_types_modified: i64,
    /// How many fields kept their HTML.
    pub html_fields: usize,
    /// How many fields became Markdown.
    pub markdown_fields: usize,
    /// Media the notes name but the input does not hold, by card (their
    /// references are kept, as Anki keeps them).
    pub missing_media: Vec<String>,
    /// Note types whose templates hold scripts (written `scripts: true`).
    pub scripted_note_types: Vec<String>,
    /// CSS files beside the bank (name, text): each the CSS of several note
    /// types, which name it with `css-file:`.
    pub css_files: Vec<(String, String)>,
}

/// The largest CSS written to a file (what the loader reads from one);
/// larger CSS stays inline.
const MAX_CSS_FILE_BYTES: usize = 1 << 20;

/// The CSS files of a deck's note types: each CSS that two or more note
/// types hold byte for byte gets one, named after the deck (`<deck>.css`,
/// then `<deck>-<note type>.css` for further ones); the file each note type
/// names, by index.
fn shared_css(converted: &Converted, deck_id: &str) -> (Vec<(String, String)>, Vec<Option<usize>>) {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut of_type = vec![None; converted.note_types.len()];
    for (i, nt) in converted.note_types.iter().enumerate() {
        if nt.css.is_empty() || nt.css.len() > MAX_CSS_FILE_BYTES || of_type[i].is_some() {
            continue;
        }
        let sharing: Vec<usize> = (i..converted.note_types.len())
            .filter(|&j| converted.note_types[j].css == nt.css)
            .collect();
        if sharing.len() < 2 {
            continue;
        }
        let mut name = if files.is_empty() {
            format!("{deck_id}.css")
        } else {
            format!("{deck_id}-{}.css", crate::validate::suggest_slug(&nt.name))
        };
        let mut n = 1;
        while files.iter().any(|(taken, _)| *taken == name) {
            n += 1;
            name = format!("{deck_id}-{n}.css");
        }
        for j in sharing {
            of_type[j] = Some(files.len());
        }
        files.push((name, nt.css.clone()));
    }
    (files, of_type)
}

/// `text` (a bank [`bank_file`] wrote) with a `lints:` table that allows
/// `codes`, each with the number of places it allows, after the `deck:`
/// block: what the source deck holds that Anki reads but a hand-written
/// bank would be told to fix.
pub fn with_allowed_lints(text: &str, codes: &[(&str, usize)]) -> String {
    if codes.is_empty() {
        return text.to_string();
    }
    let mut entries = String::new();
    for (code, count) in codes {
        let _ = writeln!(
            entries,
            "  {code}: allow  # {count} {}",
            if *count == 1 { "place" } else { "places" }
        );
    }
    const NOTE: &str =
        "# The source deck holds these; Anki reads them, so they are allowed here.\n";
    // Into the bank's `lints:` table when it has one, else a new table
    // after the `deck:` block (it ends at the first other top-level key).
    if let Some(at) = text.find("\nlints:\n") {
        let (head, tail) = text.split_at(at + "\nlints:\n".len());
        return format!("{head}{entries}{tail}");
    }
    let mut at = 0;
    let mut in_deck = false;
    for line in text.split_inclusive('\n') {
        if line.starts_with("deck:") {
            in_deck = true;
        } else if in_deck && !line.starts_with(' ') && !line.starts_with('#') {
            break;
        }
        at += line.len();
    }
    let (head, tail) = text.split_at(at);
    format!("{head}{NOTE}lints:\n{entries}{tail}")
}

/// Writes the bank. `source` names the input for the header comment;
/// `fallback_id` is used when the deck's name gives no slug.
pub fn bank_file(converted: &Converted, source: &str, fallback_id: &str) -> BankFile {
    let mut deck_id = crate::validate::suggest_slug(&converted.deck_name);
    if deck_id.is_empty() {
        deck_id = crate::validate::suggest_slug(fallback_id);
    }
    if deck_id.is_empty() {
        deck_id = "converted".to_string();
    }
    let deck_name = if converted.deck_name.trim().is_empty() {
        "Converted".to_string()
    } else {
        converted.deck_name.clone()
    };
    let media: HashSet<&str> = converted.media.iter().map(|(n, _)| n.as_str()).collect();
    // Media go to `media/<deck id>/` beside the bank: banks converted into
    // one folder keep their files apart.
    let media_dir = format!("{MEDIA_DIR}/{deck_id}");
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Converted by `flashdeck convert` from {}.\n# Edit freely; keep each card's `guid` and each note type's ids so Anki updates its notes.",
        source.replace('\n', " ")
    );
    let _ = writeln!(
        y,
        "deck:\n  id: {deck_id}\n  name: {}",
        scalar(&deck_name, 4)
    );
    if let Some(description) = &converted.description {
        let _ = writeln!(y, "  description:\n    html: {}", scalar(description, 6));
    }
    let crowdanki = converted.crowdanki.as_deref();
    if let Some(extras) = crowdanki {
        write_deck_crowdanki(&mut y, extras);
    }
    if crowdanki.is_some() {
        // CrowdAnki matches note types by uuid: no Anki id to keep.
        y.push_str("lints:\n  guid-without-note-type-id: allow\n");
    }
    let mut note_types_modified = 0;
    let mut scripted = Vec::new();
    let (css_files, css_file_of) = shared_css(converted, &deck_id);
    if !converted.note_types.is_empty() {
        y.push_str("note-types:\n");
    }
    for (index, nt) in converted.note_types.iter().enumerate() {
        let extras = crowdanki.and_then(|c| c.note_types.get(index));
        note_types_modified = note_types_modified.max(nt.modified);
        let _ = writeln!(y, "  - name: {}", scalar(&nt.name, 6));
        if nt.kind == Some(NoteKind::Cloze) {
            y.push_str("    kind: cloze\n");
        } else if extras.is_some_and(|e| e.kind_written) {
            y.push_str("    kind: standard\n");
        }
        if let Some(uuid) = extras.and_then(|e| e.uuid.as_deref()) {
            let _ = writeln!(y, "    crowdanki-uuid: {}", quoted(uuid));
        }
        y.push_str("    fields:\n");
        for (i, (name, id)) in nt.fields.iter().enumerate() {
            let keys = extras
                .and_then(|e| e.fields.get(i))
                .filter(|k| !k.is_empty_object());
            if id.is_none() && keys.is_none() {
                let _ = writeln!(y, "      - {}", scalar(name, 8));
                continue;
            }
            let _ = write!(y, "      - {{name: {}", quoted(name));
            if let Some(id) = id {
                let _ = write!(y, ", anki-id: {id}");
            }
            if let Some(keys) = keys {
                y.push_str(", crowdanki: ");
                keys.write_compact(&mut y);
            }
            y.push_str("}\n");
        }
        if let Some((name, _)) = nt.fields.get(nt.sort_field)
            && nt.sort_field != 0
        {
            let _ = writeln!(y, "    sort-field: {}", scalar(name, 6));
        }
        if let Some((file, _)) = css_file_of[index].and_then(|f| css_files.get(f)) {
            let _ = writeln!(y, "    css-file: {}", scalar(file, 6));
        } else if !nt.css.is_empty() {
            let _ = writeln!(y, "    css: {}", scalar(&nt.css, 6));
        }
        y.push_str("    templates:\n");
        for (i, (name, front, back, id)) in nt.templates.iter().enumerate() {
            let _ = writeln!(y, "      - name: {}", scalar(name, 10));
            let _ = writeln!(y, "        front: {}", scalar(front, 10));
            let _ = writeln!(y, "        back: {}", scalar(back, 10));
            if let Some(id) = id {
                let _ = writeln!(y, "        anki-id: {id}");
            }
            if let Some(keys) = extras
                .and_then(|e| e.templates.get(i))
                .filter(|k| !k.is_empty_object())
            {
                y.push_str("        crowdanki: ");
                keys.write_compact(&mut y);
                y.push('\n');
            }
        }
        // A deck's own templates keep their scripts (a multiple-choice
        // or type-hint deck needs them): only the .apkg carries them.
        if nt.templates.iter().any(|(_, front, back, _)| {
            [front, back]
                .iter()
                .any(|t| t.to_ascii_lowercase().contains("<script"))
        }) {
            y.push_str("    scripts: true\n");
            scripted.push(nt.name.clone());
        }
        if let Some(id) = nt.anki_id {
            let _ = writeln!(y, "    anki-id: {id}");
        }
        if let Some(kind) = nt.original_stock_kind {
            let _ = writeln!(y, "    original-stock-kind: {kind}");
        }
        if let Some(id) = nt.original_id {
            let _ = writeln!(y, "    original-id: {id}");
        }
        if let Some(keys) = extras.map(|e| &e.keys).filter(|k| !k.is_empty_object()) {
            y.push_str("    crowdanki: ");
            keys.write_compact(&mut y);
            y.push('\n');
        }
    }
    // Media no field names (fonts and images of templates and CSS) are listed.
    let mut referenced: HashSet<String> = HashSet::new();
    for note in &converted.notes {
        for value in note.fields.iter().filter(|v| names_media(v)) {
            for name in crate::markup::media_destinations(value) {
                referenced.insert(name);
            }
        }
    }
    let unreferenced: Vec<&str> = {
        let mut v: Vec<&str> = converted
            .media
            .iter()
            .map(|(n, _)| n.as_str())
            .filter(|n| !referenced.contains(*n))
            .collect();
        v.sort_unstable();
        v
    };
    if !unreferenced.is_empty() {
        y.push_str("media:\n");
        for name in &unreferenced {
            let _ = writeln!(y, "  - {}", scalar(&format!("{media_dir}/{name}"), 4));
        }
    }
    // Media the notes name that the input lacks, kept as written.
    let mut absent: Vec<String> = Vec::new();
    if converted.keep_missing_media {
        for name in &referenced {
            if !media.contains(name.as_str())
                && super::is_plain_file_name(name)
                && !name.contains("://")
            {
                absent.push(name.clone());
            }
        }
        absent.sort_unstable();
    }
    if !absent.is_empty() {
        y.push_str("missing-media:\n");
        for name in &absent {
            let _ = writeln!(y, "  - {}", scalar(name, 4));
        }
    }
    let absent: HashSet<&str> = absent.iter().map(String::as_str).collect();
    // The build's media URLs: a bank path of a file the input holds → its name.
    let media_prefix = format!("{media_dir}/");
    let media_url = |written: &str| {
        written
            .strip_prefix(&media_prefix)
            .filter(|name| media.contains(name))
            .map(str::to_string)
    };
    y.push_str("cards:\n");
    let mut ids = Ids::default();
    let mut card_times = Vec::with_capacity(converted.notes.len());
    let (mut html_fields, mut markdown_fields) = (0, 0);
    let mut missing_media = Vec::new();
    for (note_index, note) in converted.notes.iter().enumerate() {
        let first = note.fields.first().map(String::as_str).unwrap_or("");
        let id = ids.next(first);
        let _ = writeln!(y, "  - id: {id}");
        card_times.push((id.clone(), note.modified));
        match &note.note_type {
            NoteTypeRef::Anki(i) => {
                let nt = &converted.note_types[*i];
                let _ = writeln!(y, "    note-type: {}", scalar(&nt.name, 6));
                if let Some(guid) = &note.guid {
                    let _ = writeln!(y, "    guid: {}", quoted(guid));
                }
                write_decks(&mut y, note, &deck_name, nt);
                write_tags(&mut y, &note.tags);
                if let Some(keys) = crowdanki
                    .and_then(|c| c.note_keys.get(note_index))
                    .and_then(Option::as_ref)
                {
                    y.push_str("    crowdanki: ");
                    keys.write_compact(&mut y);
                    y.push('\n');
                }
                y.push_str("    fields:\n");
                let cloze_fields = cloze_field_names(nt);
                for ((name, _), original) in nt.fields.iter().zip(&note.fields) {
                    let (value, missing) = point_media(original, &media, &absent, &media_dir);
                    missing_media.extend(
                        missing
                            .into_iter()
                            .map(|m| format!("card `{id}`: `{m}` is not in the input")),
                    );
                    let cloze = cloze_fields.iter().any(|f| f == name);
                    match as_markdown(&value, original, cloze, &media_url) {
                        Some(markdown) => {
                            markdown_fields += 1;
                            let _ = writeln!(y, "      {}: {}", key(name), scalar(&markdown, 8));
                        }
                        None => {
                            html_fields += 1;
                            let _ = writeln!(
                                y,
                                "      {}:\n        html: {}",
                                key(name),
                                scalar(&value, 10)
                            );
                        }
                    }
                }
            }
            NoteTypeRef::BuiltIn(card_type) => {
                if *card_type != CardType::Basic {
                    let _ = writeln!(y, "    type: {}", card_type.as_str());
                }
                if let Some(guid) = &note.guid {
                    let _ = writeln!(y, "    guid: {}", quoted(guid));
                }
                write_tags(&mut y, &note.tags);
                let keys: &[&str] = if *card_type == CardType::Cloze {
                    &["text", "extra"]
                } else {
                    &["question", "answer", "extra"]
                };
                for (key, value) in keys.iter().zip(&note.fields) {
                    if value.is_empty() && *key == "extra" {
                        continue;
                    }
                    markdown_fields += 1;
                    let _ = writeln!(y, "    {key}: {}", scalar(&plain_text_markdown(value), 6));
                }
            }
        }
    }
    BankFile {
        deck_id,
        text: y,
        card_times,
        note_types_modified,
        html_fields,
        scripted_note_types: scripted,
        markdown_fields,
        missing_media,
        css_files,
    }
}

/// The deck's `crowdanki:` mapping: the top deck's keys, each subdeck's
/// (every subdeck is listed, so empty ones are kept), and every note's.
fn write_deck_crowdanki(y: &mut String, extras: &super::CrowdAnkiExtras) {
    if extras.deck.is_empty_object() && extras.subdecks.is_empty() && extras.notes.is_empty_object()
    {
        return;
    }
    y.push_str("  crowdanki:\n");
    if !extras.deck.is_empty_object() {
        y.push_str("    deck: ");
        extras.deck.write_compact(y);
        y.push('\n');
    }
    if !extras.subdecks.is_empty() {
        y.push_str("    subdecks:\n");
        for (name, keys) in &extras.subdecks {
            let _ = write!(y, "      {}: ", quoted(name));
            keys.write_compact(y);
            y.push('\n');
        }
    }
    if !extras.notes.is_empty_object() {
        y.push_str("    notes: ");
        extras.notes.write_compact(y);
        y.push('\n');
    }
}

fn cloze_field_names(nt: &super::ConvertedNoteType) -> Vec<String> {
    if nt.kind != Some(NoteKind::Cloze) {
        return Vec::new();
    }
    nt.templates
        .first()
        .and_then(|(_, front, _, _)| crate::anki::template::Template::parse(front).ok())
        .map(|t| t.cloze_fields().into_iter().map(str::to_string).collect())
        .unwrap_or_default()
}

fn write_decks(
    y: &mut String,
    note: &super::ConvertedNote,
    deck_name: &str,
    nt: &super::ConvertedNoteType,
) {
    let Some((_, first)) = note.decks.first() else {
        return;
    };
    if first != deck_name {
        let _ = writeln!(y, "    deck: {}", scalar(first, 6));
    }
    let others: Vec<&(u32, String)> = note.decks.iter().filter(|(_, d)| d != first).collect();
    if others.is_empty() || nt.kind == Some(NoteKind::Cloze) {
        return;
    }
    y.push_str("    decks:\n");
    for (ord, deck) in others {
        if let Some((template, ..)) = nt.templates.get(*ord as usize) {
            let _ = writeln!(y, "      {}: {}", key(template), scalar(deck, 8));
        }
    }
}

fn write_tags(y: &mut String, tags: &[String]) {
    if tags.is_empty() {
        return;
    }
    let items: Vec<String> = tags.iter().map(|t| flow_item(t)).collect();
    let _ = writeln!(y, "    tags: [{}]", items.join(", "));
}

/// The most words of the first field a card id takes.
const ID_WORDS: usize = 5;
/// The most characters a card id takes before its `-n` (whole words; a
/// single longer word is cut).
const ID_CHARS: usize = 40;

/// Card ids slugged from the first field's first words: short, unique, and
/// the same on every run (the n-th repeat of a slug gets `-n`).
#[derive(Default)]
struct Ids {
    used: HashMap<String, usize>,
    taken: HashSet<String>,
}

impl Ids {
    fn next(&mut self, first_field: &str) -> String {
        // A cloze text is slugged by what it says: its deletions' answers.
        let mut readable = first_field.to_string();
        for d in crate::model::cloze::deletions(first_field).iter().rev() {
            readable.replace_range(d.range.clone(), &d.answer(first_field));
        }
        let text = crate::anki::template::strip_html(&readable);
        let base = short_slug(&crate::validate::suggest_slug(&text));
        loop {
            let n = self.used.entry(base.clone()).or_insert(0);
            *n += 1;
            let candidate = if *n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// A slug's first [`ID_WORDS`] words, at most [`ID_CHARS`] characters cut
/// at a word's end (a first word longer than that is cut); `note` for none.
fn short_slug(slug: &str) -> String {
    let mut base = String::new();
    for word in slug.split('-').filter(|w| !w.is_empty()).take(ID_WORDS) {
        let len = base.chars().count();
        if len == 0 {
            base.extend(word.chars().take(ID_CHARS));
        } else if len + 1 + word.chars().count() <= ID_CHARS {
            base.push('-');
            base.push_str(word);
        } else {
            break;
        }
    }
    if base.is_empty() {
        base.push_str("note");
    }
    base
}

/// Whether a field may name a media file (most fields do not: no parse).
fn names_media(html: &str) -> bool {
    html.contains("src") || html.contains("[sound:") || html.contains("![")
}

/// Field HTML with each media reference (`src=…`, `[sound:…]`) pointed at
/// the bank's media folder, or, for a file the input does not hold (a text
/// export has none; Anki's exporter leaves out files it cannot find), made
/// visible text; and the names of those missing. One parse of the field.
fn point_media(
    html: &str,
    media: &HashSet<&str>,
    absent: &HashSet<&str>,
    media_dir: &str,
) -> (String, Vec<String>) {
    if !names_media(html) {
        return (html.to_string(), Vec::new());
    }
    let mut out = html.to_string();
    let mut missing: Vec<String> = Vec::new();
    for name in crate::markup::media_destinations(html) {
        let src = [
            format!("src=\"{name}\""),
            format!("src='{name}'"),
            format!("src={name}"),
        ];
        let sound = format!("[sound:{name}]");
        let (to_src, to_sound) = if media.contains(name.as_str()) {
            let target = format!("{media_dir}/{name}");
            (
                [
                    format!("src=\"{target}\""),
                    format!("src='{target}'"),
                    format!("src={target}"),
                ],
                format!("[sound:{target}]"),
            )
        } else if missing.contains(&name) {
            continue;
        } else if absent.contains(name.as_str()) {
            // Listed under `missing-media:`: kept as written, as Anki
            // keeps a reference to a file it lacks.
            missing.push(name.clone());
            continue;
        } else {
            let shown = html_escape::encode_double_quoted_attribute(&name).into_owned();
            let alt = format!("alt=\"missing: {shown}\"");
            let text = format!("[missing sound: {}]", html_escape::encode_text(&name));
            missing.push(name.clone());
            ([alt.clone(), alt.clone(), alt], text)
        };
        for (from, to) in src.iter().zip(&to_src) {
            out = out.replace(from, to);
        }
        out = out.replace(&sound, &to_sound);
    }
    (out, missing)
}

/// Markdown that renders back to exactly `original` (the field as the
/// package holds it) as a field of a bank-declared note type, if there is
/// one simple enough to find. `html` is the field with its media pointed at
/// the bank's folder; `media_url` maps those paths back, as the build does.
pub(super) fn as_markdown(
    html: &str,
    original: &str,
    cloze: bool,
    media_url: &dyn Fn(&str) -> Option<String>,
) -> Option<String> {
    // Most fields are plain words: Markdown shows them as they are, no
    // rendering needed to know it.
    let plain = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | ',' | '.' | '?' | ';' | ':' | '\'' | '"' | '/' | '(' | ')' | '%' | '@' | '='
            )
    };
    if !html.is_empty()
        && html == original
        && html.chars().all(plain)
        && !html.starts_with([' ', '-', '+', '=', '('])
        && !html.ends_with(' ')
        && !html.contains("  ")
        && !html.starts_with(|c: char| c.is_ascii_digit())
    {
        return Some(html.to_string());
    }
    let inline = crate::anki::note_type::inline_paragraph;
    // What the build writes of a Markdown field never is one paragraph in
    // its `<p>` (that is written without it): no candidate can match.
    if inline(original.to_string()) != original {
        return None;
    }
    // The media the checks find in a field must stay the same files, each
    // one the input holds (Markdown makes a missing `[sound:…]` inert).
    let media = |text: &str| {
        if names_media(text) {
            crate::markup::media_destinations(text)
        } else {
            Vec::new()
        }
    };
    let html_media = media(html);
    if html_media.iter().any(|name| media_url(name).is_none()) {
        return None;
    }
    let render = |md: &str| {
        let options = HtmlOptions {
            media_url,
            escape_braces: cloze,
        };
        inline(to_html(md, &options))
    };
    // Candidates, most readable first, each rendered once: the structure as
    // Markdown (emphasis, code, lists, tables, links), the same with inline
    // tags kept as HTML, the text with its entities decoded (raw HTML
    // passes through Markdown), the Markdown the handouts would write.
    let candidates = [
        markdown_for(html, Inline::Markdown),
        markdown_for(html, Inline::Raw),
        Some(html_escape::decode_html_entities(html).into_owned()),
        Some(html_to_markdown(html)),
    ];
    let mut tried: Vec<&str> = Vec::with_capacity(candidates.len());
    for markdown in candidates.iter().flatten() {
        if tried.contains(&markdown.as_str()) {
            continue;
        }
        if markdown.len() <= crate::validate::limits::MAX_FIELD_BYTES
            && render(markdown) == original
            && media(markdown) == html_media
            && (!cloze || same_deletions(markdown, html))
        {
            return Some(markdown.clone());
        }
        tried.push(markdown);
    }
    None
}

/// Whether two spellings of a cloze field hold the same deletions and the
/// same problems with them (the checks read the bank's text).
fn same_deletions(markdown: &str, html: &str) -> bool {
    use crate::model::cloze::{numbers, problems};
    numbers(markdown) == numbers(html) && problems(markdown).len() == problems(html).len()
}

/// Plain text (Quizlet, a spreadsheet) as Markdown that shows it as
/// written: as is when Markdown reads it as that very text, else escaped;
/// line breaks stay line breaks.
fn plain_text_markdown(text: &str) -> String {
    let options = HtmlOptions {
        media_url: &|_| None,
        escape_braces: false,
    };
    let expected = format!("<p>{}</p>", html_escape::encode_text(text));
    if !text.contains('\n') && to_html(text, &options) == expected {
        return text.to_string();
    }
    text.split('\n')
        .map(|line| crate::markup::escape_markdown_text(line.trim_end()))
        .collect::<Vec<_>>()
        .join("\\\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::{ConvertedNote, ConvertedNoteType};

    fn note_type(name: &str, css: &str) -> ConvertedNoteType {
        ConvertedNoteType {
            name: name.into(),
            kind: Some(NoteKind::Standard),
            fields: vec![("Word".into(), Some(-7)), ("Meaning".into(), None)],
            templates: vec![(
                "Card 1".into(),
                "{{Word}}".into(),
                "{{FrontSide}}\n\n<hr id=answer>\n\n{{Meaning}}".into(),
                Some(42),
            )],
            css: css.into(),
            anki_id: Some(1_700_000_000_000),
            original_stock_kind: Some(1),
            modified: 5,
            ..ConvertedNoteType::default()
        }
    }

    fn deck() -> Converted {
        const CSS: &str = ".card { color: black; }\n";
        Converted {
            deck_name: "Lang".into(),
            note_types: vec![
                note_type("Vocab", CSS),
                note_type("Other", ".card { color: blue; }"),
                note_type("Vocab (and reversed)", CSS),
            ],
            notes: vec![
                ConvertedNote {
                    guid: Some("true".into()),
                    note_type: NoteTypeRef::Anki(0),
                    fields: vec!["casa".into(), "house &amp; <b>home</b>".into()],
                    tags: vec!["lang::es".into(), "a,b".into()],
                    decks: vec![(0, "Lang::Nouns".into())],
                    modified: 9,
                },
                ConvertedNote {
                    guid: Some("0012345678".into()),
                    note_type: NoteTypeRef::Anki(0),
                    fields: vec![
                        "casa".into(),
                        "<img src=\"pic.png\"> [sound:gone.mp3]".into(),
                    ],
                    ..ConvertedNote::default()
                },
                ConvertedNote {
                    note_type: NoteTypeRef::Anki(2),
                    fields: vec![
                        "<p>What is the maximum power permitted on the 2200-meter band?</p>".into(),
                        "<p>Either <em>one</em>:</p>\n<ul>\n<li>1 W <code>EIRP</code></li>\n<li>5 W</li>\n</ul>"
                            .into(),
                    ],
                    ..ConvertedNote::default()
                },
                ConvertedNote {
                    note_type: NoteTypeRef::Anki(1),
                    fields: vec!["hola".into(), "hello<br>hi [sound:hola.mp3]".into()],
                    ..ConvertedNote::default()
                },
            ],
            media: vec![
                ("pic.png".into(), vec![1, 2, 3]),
                ("_font.woff".into(), vec![4]),
                ("hola.mp3".into(), vec![5]),
            ],
            ..Converted::default()
        }
    }

    #[test]
    fn converted_deck_as_bank_text() {
        let file = bank_file(&deck(), "deck.apkg", "deck");
        assert_eq!(file.deck_id, "lang");
        assert_eq!(
            file.card_times,
            vec![
                ("casa".to_string(), 9),
                ("casa-2".to_string(), 0),
                ("what-is-the-maximum-power".to_string(), 0),
                ("hola".to_string(), 0),
            ]
        );
        assert_eq!(file.missing_media.len(), 1);
        assert_eq!((file.markdown_fields, file.html_fields), (6, 2));
        insta::assert_snapshot!(file.text);
    }

    /// CSS that several note types hold byte for byte is written once, to
    /// a file beside the bank that each names; CSS of one stays inline.
    #[test]
    fn shared_css_is_one_file() {
        let file = bank_file(&deck(), "deck.apkg", "deck");
        assert_eq!(
            file.css_files,
            vec![(
                "lang.css".to_string(),
                ".card { color: black; }\n".to_string()
            )]
        );
        assert_eq!(file.text.matches("    css-file: lang.css\n").count(), 2);
        assert!(file.text.contains("    css: \".card { color: blue; }\"\n"));
        let mut three = deck();
        three.note_types[1].css = three.note_types[0].css.clone();
        three.note_types.push(note_type("Cloze", "x"));
        three.note_types.push(note_type("Cloze 2", "x"));
        let names: Vec<String> = bank_file(&three, "deck.apkg", "deck")
            .css_files
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(names, ["lang.css", "lang-cloze.css"]);
    }

    /// Ids take the first field's first words: at most five, at most 40
    /// characters at a word's end; repeats get `-2`, `-3`; every run the same.
    #[test]
    fn ids_are_short_unique_and_stable() {
        let firsts = [
            "Which <code>manage.py</code> command creates migration files from model changes?",
            "Which manage.py command creates migration files, again?",
            "Pneumonoultramicroscopicsilicovolcanoconiosis-and-more is long",
            "Internationalization considerations notwithstanding everything",
            "{{c1::Madrid}} is the capital of {{c2::Spain}}",
            "",
            "note",
        ];
        let run = || {
            let mut ids = Ids::default();
            firsts.iter().map(|f| ids.next(f)).collect::<Vec<_>>()
        };
        assert_eq!(
            run(),
            [
                "which-manage-py-command-creates",
                "which-manage-py-command-creates-2",
                "pneumonoultramicroscopicsilicovolcanocon",
                "internationalization-considerations",
                "madrid-is-the-capital-of",
                "note",
                "note-2",
            ]
        );
        assert_eq!(run(), run());
    }

    /// A field comes back as Markdown whenever Markdown renders to the same
    /// HTML as the build writes it (a single paragraph renders without its
    /// `<p>`, so a `<p>…</p>` field alone keeps its HTML); else as HTML.
    #[test]
    fn fields_are_markdown_when_markdown_renders_the_same() {
        let url = |w: &str| w.strip_prefix("media/d/").map(str::to_string);
        for (html, pointed, markdown) in [
            ("<p>a <em>b</em></p>\n<p>c</p>", None, Some("a *b*\n\nc")),
            (
                "a <strong>b</strong> <code>c</code>",
                None,
                Some("a **b** `c`"),
            ),
            ("<em>a </em>b", None, Some("<em>a </em>b")),
            (
                "to eat<br>to dine&nbsp;",
                None,
                Some("to eat<br>to dine&nbsp;"),
            ),
            (
                "[sound:x.mp3] hi",
                Some("[sound:media/d/x.mp3] hi"),
                Some("[sound:media/d/x.mp3] hi"),
            ),
            ("<p>one paragraph</p>", None, None),
            ("Python &lt;3 &quot;q&quot;", None, None),
            (
                "<img src=\"x.png\">",
                Some("<img src=\"media/d/x.png\">"),
                None,
            ),
        ] {
            let value = pointed.unwrap_or(html);
            assert_eq!(
                as_markdown(value, html, false, &url).as_deref(),
                markdown,
                "{html}"
            );
        }
    }

    #[test]
    fn scalars_read_back_as_written() {
        for text in [
            "true",
            "0012345678",
            "#a;b,c",
            "a: b",
            "- x",
            "plain words",
            "line\nnext\n",
            "x\n\n",
        ] {
            let yaml = format!("v: {}\n", scalar(text, 2));
            let value: std::collections::BTreeMap<String, String> =
                serde_saphyr::from_str(&yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
            assert_eq!(value["v"], text, "{yaml}");
        }
    }
}
