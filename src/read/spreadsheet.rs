//! A spreadsheet saved as CSV or TSV: a header row, then one card per row.
//! Columns are mapped by `--columns` (`question,answer,tags`, `-` to skip
//! one) or, without it, by their header names (Question/Front/Term,
//! Answer/Back/Definition, Tags, Extra/Notes). Quoted cells may hold commas,
//! quotes and line breaks (RFC 4180); a byte-order mark and CRLF line ends
//! are fine.

use super::{Converted, ConvertedNote, NoteTypeRef, ReadError};
use crate::model::CardType;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The prompt.
    Question,
    /// The answer.
    Answer,
    /// Tags, separated by spaces or commas.
    Tags,
    /// Notes shown under the answer.
    Extra,
    /// Not read.
    Skip,
}

impl Role {
    /// The role `--columns` names, or a header suggests.
    pub fn parse(name: &str) -> Option<Role> {
        match name.trim().to_lowercase().as_str() {
            "question" | "front" | "term" | "prompt" => Some(Role::Question),
            "answer" | "back" | "definition" => Some(Role::Answer),
            "tags" | "tag" => Some(Role::Tags),
            "extra" | "notes" | "note" => Some(Role::Extra),
            "-" | "skip" | "" => Some(Role::Skip),
            _ => None,
        }
    }
}

/// Reads CSV (`delimiter` `,`) or TSV (`\t`).
pub fn read(text: &str, delimiter: u8, columns: Option<&[Role]>) -> Result<Converted, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            ReadError::new(
                format!("the header row cannot be read ({e})"),
                "save the sheet as CSV (UTF-8) with a header row",
            )
        })?
        .clone();
    let roles: Vec<Role> = match columns {
        Some(roles) => roles.to_vec(),
        None => headers
            .iter()
            .map(|h| Role::parse(h).unwrap_or(Role::Skip))
            .collect(),
    };
    let find = |role| roles.iter().position(|r| *r == role);
    let (Some(question), Some(answer)) = (find(Role::Question), find(Role::Answer)) else {
        let names: Vec<&str> = headers.iter().collect();
        return Err(ReadError::new(
            format!("no question and answer columns among the headers {names:?}"),
            "name the columns Question and Answer (or Front/Back, Term/Definition), or map them with `--columns question,answer,tags`",
        )
        .at(1, 1));
    };
    let tags = find(Role::Tags);
    let extra = find(Role::Extra);
    let mut converted = Converted::default();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            ReadError::new(
                format!("this row cannot be read ({e})"),
                "check the quoting: a quote inside a quoted cell is written twice (\"\")",
            )
            .at(line, 1)
        })?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        let cell = |i: usize| record.get(i).unwrap_or("").trim().to_string();
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let (q, a) = (cell(question), cell(answer));
        if q.is_empty() || a.is_empty() {
            let (what, column) = if q.is_empty() {
                ("question", question)
            } else {
                ("answer", answer)
            };
            return Err(ReadError::new(
                format!("this row has no {what}"),
                "fill the cell or delete the row",
            )
            .at(line, column + 1));
        }
        let mut fields = vec![q, a];
        if let Some(extra) = extra.map(cell).filter(|e| !e.is_empty()) {
            fields.push(extra);
        }
        converted.notes.push(ConvertedNote {
            note_type: NoteTypeRef::BuiltIn(CardType::Basic),
            fields,
            tags: tags
                .map(cell)
                .unwrap_or_default()
                .split([' ', ','])
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect(),
            ..ConvertedNote::default()
        });
    }
    if converted.notes.is_empty() {
        return Err(ReadError::new(
            "the sheet has no rows under its header",
            "add one card per row",
        ));
    }
    Ok(converted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_quoted_multiline_cells_bom_and_crlf() {
        let text =
            "\u{feff}Front,Back,Tags\r\n\"What, exactly?\",\"Line one\nline \"\"two\"\"\",a b\r\n";
        let c = read(text, b',', None).unwrap();
        assert_eq!(
            c.notes[0].fields,
            vec!["What, exactly?", "Line one\nline \"two\""]
        );
        assert_eq!(c.notes[0].tags, vec!["a", "b"]);
        let err = read("q,a\n,x\n", b',', Some(&[Role::Question, Role::Answer])).unwrap_err();
        assert_eq!(err.place, Some((2, 1)));
        assert!(read("x,y\n1,2\n", b',', None).is_err());
    }
}
