//! Quizlet's export text: each card is a term and a definition, separated by
//! the "between term and definition" choice of Quizlet's Export dialog (Tab
//! by default) and cards by the "between rows" choice (New line by default).
//! Quizlet quotes nothing: a card with the separator more than once (a
//! definition holding a comma, with `,` between term and definition) is
//! split at the first one, with a located remark per card, since the
//! export cannot always be redone (the set may be someone else's); a card
//! without the separator is an error at its line.

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
    let mut ambiguous = Vec::new();
    // The line each card starts on, counted as the cards go by.
    let mut next_line = 1;
    for raw in text.split(card_sep) {
        let start = offset;
        offset += raw.len() + card_sep.len();
        let line = next_line;
        next_line += raw.matches('\n').count() + card_sep.matches('\n').count();
        // Windows line ends, when cards end at a new line.
        let card = if card_sep == "\n" {
            raw.strip_suffix('\r').unwrap_or(raw)
        } else {
            raw
        };
        if card.trim().is_empty() {
            continue;
        }
        let shown = || {
            if term_sep == "\t" {
                "a Tab".to_string()
            } else {
                format!("`{term_sep}`")
            }
        };
        let Some((term, definition)) = card.split_once(term_sep) else {
            // Located only here: counting lines for every card was quadratic.
            let (line, column) = line_column(text, start);
            return Err(ReadError::new(
                format!("this card has no term separator ({}) between a term and a definition", shown()),
                "Quizlet's export has no quoting: check the separators Quizlet's Export dialog used (and pass them with --term-sep / --card-sep)",
            )
            .at(line, column));
        };
        if definition.contains(term_sep) {
            ambiguous.push(line);
        }
        converted.notes.push(ConvertedNote {
            note_type: NoteTypeRef::BuiltIn(CardType::Basic),
            fields: vec![term.trim().to_string(), definition.trim().to_string()],
            ..ConvertedNote::default()
        });
    }
    if converted.notes.is_empty() {
        return Err(ReadError::new(
            "the file holds no cards",
            "export the set from Quizlet (⋯ → Export) and copy all of the text into the file",
        ));
    }
    for line in &ambiguous {
        converted.remarks.push(format!(
            "line {line}: the card holds the term separator more than once; split at the first, the definition keeps the rest (check the card, or export again with a separator the text never holds)"
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
        let err = read("a\tb\nc d\n", "\t", "\n").unwrap_err();
        assert_eq!(err.place, Some((2, 1)));
        // A definition holding the separator: split at the first, located.
        let c = read("a, b\nterm, one, two\nx, y\nt, u, v\n", ", ", "\n").unwrap();
        assert_eq!(c.notes.len(), 4);
        assert_eq!(c.notes[1].fields, vec!["term", "one, two"]);
        assert!(c.remarks[0].starts_with("line 2:"), "{:?}", c.remarks);
        assert!(c.remarks[1].starts_with("line 4:"), "{:?}", c.remarks);
        let custom = read("a => b;;c => d", " => ", ";;").unwrap();
        assert_eq!(custom.notes[1].fields, vec!["c", "d"]);
    }
}
