//! Quizlet's export text: each card is a term and a definition, separated by
//! the "between term and definition" choice of Quizlet's Export dialog (Tab
//! by default) and cards by the "between rows" choice (New line by default).
//! Quizlet quotes nothing, so a card that does not split into exactly two
//! parts is an error at its line: the file is ambiguous there.

use super::{Converted, ConvertedNote, NoteTypeRef, ReadError};
use crate::model::CardType;

/// Reads Quizlet export text with the given separators.
pub fn read(text: &str, term_sep: &str, card_sep: &str) -> Result<Converted, ReadError> {
    if term_sep.is_empty() || card_sep.is_empty() {
        return Err(ReadError::new(
            "a separator is empty",
            "give the separators Quizlet's Export dialog used (`--term-sep TAB --card-sep NEWLINE` by default)",
        ));
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut converted = Converted::default();
    let mut offset = 0;
    for raw in text.split(card_sep) {
        let start = offset;
        offset += raw.len() + card_sep.len();
        // Windows line ends, when cards end at a new line.
        let card = if card_sep == "\n" {
            raw.strip_suffix('\r').unwrap_or(raw)
        } else {
            raw
        };
        if card.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = card.split(term_sep).collect();
        if parts.len() != 2 {
            // Located only here: counting lines for every card was quadratic.
            let (line, column) = line_column(text, start);
            let shown = if term_sep == "\t" {
                "a Tab".to_string()
            } else {
                format!("`{term_sep}`")
            };
            return Err(ReadError::new(
                format!(
                    "this card splits into {} parts at {shown}, not a term and a definition",
                    parts.len()
                ),
                "Quizlet's export has no quoting: if the text holds the separator, export again with a custom separator that never appears in it (and pass it with --term-sep / --card-sep)",
            )
            .at(line, column));
        }
        converted.notes.push(ConvertedNote {
            note_type: NoteTypeRef::BuiltIn(CardType::Basic),
            fields: vec![parts[0].trim().to_string(), parts[1].trim().to_string()],
            ..ConvertedNote::default()
        });
    }
    if converted.notes.is_empty() {
        return Err(ReadError::new(
            "the file holds no cards",
            "export the set from Quizlet (⋯ → Export) and copy all of the text into the file",
        ));
    }
    converted.remarks.push(
        "Quizlet sets carry no ids: importing the set into Quizlet again always adds new cards"
            .to_string(),
    );
    Ok(converted)
}

/// 1-based line and column of a byte offset.
pub(super) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pairs_and_locates_ambiguous_lines() {
        let c = read("\u{feff}hola\thello\r\nadiós\tgoodbye\n\n", "\t", "\n").unwrap();
        assert_eq!(c.notes.len(), 2);
        assert_eq!(c.notes[1].fields, vec!["adiós", "goodbye"]);
        let err = read("a\tb\nc\td\te\n", "\t", "\n").unwrap_err();
        assert_eq!(err.place, Some((2, 1)));
        let custom = read("a => b;;c => d", " => ", ";;").unwrap();
        assert_eq!(custom.notes[1].fields, vec!["c", "d"]);
    }
}
