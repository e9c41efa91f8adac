//! A spreadsheet saved as CSV or TSV: one card per row, under a header row
//! or not. Columns are mapped by `--columns` (`question,answer,tags`, `-` to
//! skip one) or, without it, by their header names (Question/Front/Term,
//! Answer/Back/Definition, Tags, Extra/Notes). Whether the first row is a
//! header is declared (`--header`, `--no-header`) or recognised (its cells
//! name columns); the report says which row was taken as the header, so no
//! card is ever dropped silently. Quoted cells may hold commas,
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

/// Whether a sheet's first row is a header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Header {
    /// A header when its cells name columns (Question, Answer, …), or
    /// when no `--columns` maps them.
    #[default]
    Recognise,
    /// The first row is a header.
    Yes,
    /// The first row is a card.
    No,
}

/// Reads CSV (`delimiter` `,`) or TSV (`\t`).
pub fn read(
    text: &str,
    delimiter: u8,
    columns: Option<&[Role]>,
    header: Header,
) -> Result<Converted, ReadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let first = match reader.records().next() {
        Some(Ok(record)) => record,
        Some(Err(e)) => {
            return Err(ReadError::new(
                format!("the first row cannot be read ({e})"),
                "save the sheet as CSV (UTF-8)",
            )
            .at(1, 1));
        }
        None => {
            return Err(ReadError::new("the sheet is empty", "add one card per row"));
        }
    };
    let names_columns = first
        .iter()
        .any(|cell| Role::parse(cell).is_some_and(|r| r != Role::Skip));
    let first_is_header = match header {
        Header::Yes => true,
        Header::No => false,
        Header::Recognise => columns.is_none() || names_columns,
    };
    let mut converted = Converted::default();
    let headers = if first_is_header {
        let shown: Vec<&str> = first.iter().collect();
        converted.remarks.push(format!(
            "line 1 ({}) was taken as the header row, not a card{}",
            shown.join(", "),
            if header == Header::Yes {
                ""
            } else {
                "; pass --no-header if it is a card"
            }
        ));
        first.clone()
    } else {
        if header == Header::Recognise {
            converted.remarks.push(
                "line 1 names no columns, so it is read as a card (no header row); pass --header if it is one"
                    .to_string(),
            );
        }
        csv::StringRecord::new()
    };
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
            if first_is_header {
                format!("no question and answer columns among the headers {names:?}")
            } else {
                "no question and answer columns: the sheet has no header row to name them".to_string()
            },
            "name the columns Question and Answer (or Front/Back, Term/Definition), or map them with `--columns question,answer,tags`",
        )
        .at(1, 1));
    };
    let tags = find(Role::Tags);
    let extra = find(Role::Extra);
    let first_card = (!first_is_header).then(|| Ok(first.clone()));
    for record in first_card.into_iter().chain(reader.records()) {
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
        let c = read(text, b',', None, Header::Recognise).unwrap();
        assert_eq!(
            c.notes[0].fields,
            vec!["What, exactly?", "Line one\nline \"two\""]
        );
        assert_eq!(c.notes[0].tags, vec!["a", "b"]);
        let roles = [Role::Question, Role::Answer];
        let err = read("q,a\n,x\n", b',', Some(&roles), Header::Yes).unwrap_err();
        assert_eq!(err.place, Some((2, 1)));
        assert!(read("x,y\n1,2\n", b',', None, Header::Recognise).is_err());
    }

    /// A sheet without a header row loses no card (a real vocabulary file
    /// once lost its first one), and the report names the row it took as
    /// the header when it took one.
    #[test]
    fn the_first_row_is_a_card_unless_it_names_columns() {
        let roles = [Role::Question, Role::Answer];
        let words = "hund\tdog\nkatze\tcat\n";
        let c = read(words, b'\t', Some(&roles), Header::Recognise).unwrap();
        assert_eq!(c.notes.len(), 2);
        assert_eq!(c.notes[0].fields, vec!["hund", "dog"]);
        assert!(c.remarks[0].contains("--header"), "{:?}", c.remarks);
        let c = read(words, b'\t', Some(&roles), Header::Yes).unwrap();
        assert_eq!(c.notes.len(), 1);
        assert!(c.remarks[0].starts_with("line 1 (hund, dog) was taken as the header"));
        let named = "Front\tBack\nhund\tdog\n";
        let c = read(named, b'\t', Some(&roles), Header::Recognise).unwrap();
        assert_eq!(c.notes.len(), 1);
        assert!(c.remarks[0].contains("--no-header"), "{:?}", c.remarks);
        let c = read(named, b'\t', Some(&roles), Header::No).unwrap();
        assert_eq!(c.notes.len(), 2);
    }
}
