//! Anki's "Notes in Plain Text" export: `#key:value` header lines
//! (`#separator:tab`, `#html:true`, `#guid column:1`, `#notetype column:2`,
//! `#deck column:3`, `#tags column:N`), then one note per record, quoted like
//! the Rust `csv` crate does (a field with the separator, a quote, a line
//! break or a `#` is quoted). A text export carries no note type
//! definitions, no media and no scheduling, and with `#html:false` its
//! fields lost their formatting: the report says so.

use std::collections::BTreeMap;

use super::quizlet::line_column;
use super::{Converted, ConvertedNote, ConvertedNoteType, NoteTypeRef, ReadError};
use crate::model::NoteKind;

/// Whether `text` starts like an Anki text export (a `#separator:` or
/// `#html:` header), as opposed to Quizlet's export.
pub fn looks_like(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines().take(8).any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("#separator:") || l.starts_with("#html:") || l.starts_with("#guid column:")
    })
}

fn separator(value: &str) -> Option<u8> {
    match value.trim().to_ascii_lowercase().as_str() {
        "tab" => Some(b'\t'),
        "comma" => Some(b','),
        "semicolon" => Some(b';'),
        "space" => Some(b' '),
        "pipe" => Some(b'|'),
        "colon" => Some(b':'),
        other if other.len() == 1 => other.bytes().next(),
        _ => None,
    }
}

/// Reads an Anki text export.
pub fn read(text: &str) -> Result<Converted, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut delimiter = b'\t';
    let mut html = true;
    let mut columns: BTreeMap<&str, usize> = BTreeMap::new();
    let mut body_start = 0;
    for line in text.split_inclusive('\n') {
        let Some(header) = line.strip_prefix('#') else {
            break;
        };
        let Some((key, value)) = header.trim_end().split_once(':') else {
            body_start += line.len();
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        match key.as_str() {
            "separator" => {
                delimiter = separator(value).ok_or_else(|| {
                    let (l, c) = line_column(text, body_start);
                    ReadError::new(
                        format!("unknown separator `{}`", value.trim()),
                        "Anki writes Tab, Comma, Semicolon, Space, Pipe or Colon",
                    )
                    .at(l, c)
                })?
            }
            "html" => html = value.trim() != "false",
            "guid column" | "notetype column" | "deck column" | "tags column" => {
                let n: usize = value.trim().parse().unwrap_or(0);
                if n > 0 {
                    columns.insert(
                        match key.as_str() {
                            "guid column" => "guid",
                            "notetype column" => "notetype",
                            "deck column" => "deck",
                            _ => "tags",
                        },
                        n - 1,
                    );
                }
            }
            _ => {}
        }
        body_start += line.len();
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(&text.as_bytes()[body_start..]);
    let special: Vec<usize> = columns.values().copied().collect();
    let mut converted = Converted::default();
    // Note type name → (index, widest field count seen).
    let mut types: BTreeMap<String, usize> = BTreeMap::new();
    let first_line = text[..body_start].matches('\n').count();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize) + first_line;
            ReadError::new(format!("this note cannot be read ({e})"), "a field holding the separator, a quote or a line break must be quoted, with quotes doubled").at(line, 1)
        })?;
        let get = |name: &str| columns.get(name).and_then(|&i| record.get(i)).unwrap_or("");
        let type_name = match get("notetype") {
            "" => "Basic".to_string(),
            name => name.to_string(),
        };
        let mut fields: Vec<String> = record
            .iter()
            .enumerate()
            .filter(|(i, _)| !special.contains(i))
            .map(|(_, v)| {
                if html {
                    v.to_string()
                } else {
                    html_escape::encode_text(v).replace('\n', "<br>")
                }
            })
            .collect();
        while fields.len() > 1 && fields.last().is_some_and(String::is_empty) {
            fields.pop(); // Padding to the widest note type's field count.
        }
        let index = match types.get(&type_name) {
            Some(&i) => i,
            None => {
                types.insert(type_name.clone(), converted.note_types.len());
                converted.note_types.push(ConvertedNoteType {
                    name: type_name.clone(),
                    kind: Some(if type_name.starts_with("Cloze") {
                        NoteKind::Cloze
                    } else {
                        NoteKind::Standard
                    }),
                    ..ConvertedNoteType::default()
                });
                converted.note_types.len() - 1
            }
        };
        let note_type = &mut converted.note_types[index];
        while note_type.fields.len() < fields.len() {
            let n = note_type.fields.len() + 1;
            note_type.fields.push((format!("Field {n}"), None));
        }
        converted.notes.push(ConvertedNote {
            // Not kept: with stand-in note types, Anki would match the GUID,
            // find another note type, and report the note as conflicting.
            guid: None,
            note_type: NoteTypeRef::Anki(index),
            fields,
            tags: get("tags").split_whitespace().map(str::to_string).collect(),
            decks: match get("deck") {
                "" => Vec::new(),
                deck => vec![(0, deck.to_string())],
            },
            modified: 0,
        });
    }
    if converted.notes.is_empty() {
        return Err(ReadError::new(
            "the file holds no notes",
            "export \"Notes in Plain Text\" from Anki's browser or File → Export",
        ));
    }
    // Each note type gets a plain template: the first field on the front,
    // the others on the back (the real templates are not in the file).
    for nt in &mut converted.note_types {
        let width = nt.fields.len();
        let front = if nt.kind == Some(NoteKind::Cloze) {
            "{{cloze:Field 1}}".to_string()
        } else {
            "{{Field 1}}".to_string()
        };
        let back: String = std::iter::once("{{FrontSide}}<hr id=answer>".to_string())
            .chain((2..=width).map(|n| format!("{{{{Field {n}}}}}<br>")))
            .collect();
        nt.templates.push(("Card 1".to_string(), front, back, None));
    }
    for note in &mut converted.notes {
        if let NoteTypeRef::Anki(i) = note.note_type {
            note.fields
                .resize(converted.note_types[i].fields.len(), String::new());
        }
    }
    converted.deck_name = converted
        .notes
        .iter()
        .find_map(|n| {
            n.decks
                .first()
                .map(|(_, d)| d.split("::").next().unwrap_or(d).to_string())
        })
        .unwrap_or_default();
    converted.remarks.push(
        "an Anki text export holds no note type definitions, media or scheduling: the note types here are plain stand-ins (fields `Field 1`…) and the GUIDs are left out (with other note types Anki would report every note as conflicting), so a package built from this bank adds new notes in Anki; convert the deck's .apkg to keep its users' history".to_string(),
    );
    if !html {
        converted.remarks.push(
            "the export was made with HTML off (`#html:false`): formatting, media references and line breaks inside fields were already lost when Anki wrote it".to_string(),
        );
    }
    Ok(converted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_headers_quoting_and_padding() {
        let text = "#separator:tab\n#html:true\n#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n\
                    g1\tBasic\tLang::Nouns\t<b>perro</b>\tdog\tanimals lang::es\n\
                    \"#a;b,c\"\tCloze\tLang\t\"{{c1::uno}}\n\"\"dos\"\"\"\t\t\n";
        assert!(looks_like(text));
        let c = read(text).unwrap();
        assert_eq!(c.notes.len(), 2);
        assert_eq!(c.notes[0].guid, None);
        assert_eq!(c.notes[0].fields, vec!["<b>perro</b>", "dog"]);
        assert_eq!(c.notes[0].tags, vec!["animals", "lang::es"]);
        assert_eq!(c.notes[1].fields[0], "{{c1::uno}}\n\"dos\"");
        assert_eq!(c.note_types.len(), 2);
        assert!(!looks_like("hola\thello\n"));
    }
}
