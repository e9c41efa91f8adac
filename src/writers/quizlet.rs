//! Quizlet: a text file the user pastes into Quizlet's Import box.
//!
//! Quizlet splits pasted text literally on its separators (Tab and New line by
//! default) and honours no quoting, so every field is flattened to one line of
//! plain text. A CSV variant serves users who go through a spreadsheet.

use std::path::PathBuf;

pub use super::rendered::quizlet_pairs::{Pair, layout_for, pairs};
use super::{Output, Rendered, WriteError, Writer};
use crate::markup::Layout;

/// Something about a card that the Quizlet file cannot carry as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A side contains a separator, or runs into one, so Quizlet would split
    /// the card in the wrong place.
    Separator {
        /// The card.
        card_id: String,
        /// "term" or "definition".
        side: &'static str,
        /// The separator found.
        separator: String,
    },
    /// A side is longer than the configured limit (it is written whole).
    TooLong {
        /// The card.
        card_id: String,
        /// "term" or "definition".
        side: &'static str,
        /// Its length in characters.
        chars: usize,
    },
}

/// Checks every pair against the separators and the length limit.
pub fn problems(
    deck: &Rendered<'_>,
    term_sep: &str,
    card_sep: &str,
    max_chars: usize,
) -> Vec<Problem> {
    // Each pair is checked on its own, on every core.
    let per_pair =
        crate::parallel_map(deck.quizlet_pairs(layout_for(term_sep, card_sep)), |pair| {
            let mut found = Vec::new();
            if let Some((side, separator)) = misplaced_separator(pair, term_sep, card_sep) {
                found.push(Problem::Separator {
                    card_id: pair.card_id.clone(),
                    side,
                    separator: separator.to_string(),
                });
            }
            for (side, text) in [("term", &pair.term), ("definition", &pair.definition)] {
                // A text has no more characters than bytes: most are counted
                // without being read.
                if text.len() <= max_chars {
                    continue;
                }
                let chars = text.chars().count();
                if chars > max_chars {
                    found.push(Problem::TooLong {
                        card_id: pair.card_id.clone(),
                        side,
                        chars,
                    });
                }
            }
            found
        });
    per_pair.into_iter().flatten().collect()
}

/// Where splitting the pair's record the way Quizlet does (cards on
/// `card_sep`, then term from definition on `term_sep`, leftmost first)
/// would cut it elsewhere than intended: a side that contains a separator,
/// or ends in part of one (`x |` followed by `|||` splits one character
/// early). Returns the side and the separator.
fn misplaced_separator<'s>(
    pair: &Pair,
    term_sep: &'s str,
    card_sep: &'s str,
) -> Option<(&'static str, &'s str)> {
    let (term, definition) = (&pair.term, &pair.definition);
    // Most pairs hold no character of either separator: then nothing can
    // split them early (unless the card separator is inside the other).
    let separator_char = |c: char| term_sep.contains(c) || card_sep.contains(c);
    if !term_sep.contains(card_sep)
        && !term.contains(separator_char)
        && !definition.contains(separator_char)
    {
        return None;
    }
    let record = format!("{term}{term_sep}{definition}{card_sep}");
    let body_len = record.len() - card_sep.len();
    let definition_start = term.len() + term_sep.len();
    let side = |at: usize| {
        if at < definition_start {
            "term"
        } else {
            "definition"
        }
    };
    match record.find(card_sep) {
        Some(at) if at != body_len => return Some((side(at), card_sep)),
        _ => {}
    }
    let body = &record[..body_len];
    match body.find(term_sep) {
        Some(at) if at != term.len() => return Some(("term", term_sep)),
        _ => {}
    }
    body[definition_start..]
        .contains(term_sep)
        .then_some(("definition", term_sep))
}

/// Writes `<deck>.quizlet.txt`.
pub struct QuizletWriter {
    /// Between term and definition (Tab by default).
    pub term_sep: String,
    /// Between cards (New line by default).
    pub card_sep: String,
}

impl Writer for QuizletWriter {
    fn write(&self, deck: &Rendered<'_>, out: &mut dyn Output) -> Result<(), WriteError> {
        let pairs = deck.quizlet_pairs(layout_for(&self.term_sep, &self.card_sep));
        let path = PathBuf::from(format!("{}.quizlet.txt", deck.id));
        out.file(&path, &mut |sink| {
            for pair in pairs {
                sink.write_all(pair.term.as_bytes())?;
                sink.write_all(self.term_sep.as_bytes())?;
                sink.write_all(pair.definition.as_bytes())?;
                sink.write_all(self.card_sep.as_bytes())?;
            }
            Ok(())
        })?;
        Ok(())
    }
}

/// A cell that a spreadsheet would run as a formula (it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP's CSV
/// injection guidance says: spreadsheets show the text and do not evaluate it.
pub fn formula_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// Writes `<deck>.quizlet.csv`: RFC 4180 with a `term,definition` header.
pub struct QuizletCsvWriter;

impl Writer for QuizletCsvWriter {
    fn write(&self, deck: &Rendered<'_>, out: &mut dyn Output) -> Result<(), WriteError> {
        // Spreadsheet cells may hold line breaks; one line keeps rows easy to paste.
        let pairs = deck.quizlet_pairs(Layout::OneLine);
        let path = PathBuf::from(format!("{}.quizlet.csv", deck.id));
        out.file(&path, &mut |sink| {
            let mut csv = csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(sink);
            csv.write_record(["term", "definition"])?;
            for pair in pairs {
                csv.write_record([&*formula_safe(&pair.term), &*formula_safe(&pair.definition)])?;
            }
            csv.flush()
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::showcase_deck;

    fn text(files: Vec<crate::writers::OutputFile>) -> String {
        String::from_utf8(files.into_iter().next().unwrap().bytes).unwrap()
    }

    /// The Quizlet file with the default separators.
    fn quizlet_file(deck: &crate::transform::Deck) -> String {
        let writer = QuizletWriter {
            term_sep: "\t".into(),
            card_sep: "\n".into(),
        };
        crate::testing::first_file(&writer, deck)
    }

    #[test]
    fn quizlet_file_snapshot() {
        insta::assert_snapshot!(quizlet_file(&showcase_deck()));
    }

    /// A converted deck's cards (HTML of its own note types) as Quizlet
    /// gets them: tables as rows, code, math and LaTeX as text, a type-in
    /// answer's lines apart, entities decoded.
    #[test]
    fn quizlet_file_of_a_converted_deck_snapshot() {
        insta::assert_snapshot!(quizlet_file(&crate::testing::converted_deck()));
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert!(formula_safe(cell).starts_with('\''), "{cell}");
        }
        assert_eq!(formula_safe("1 - 1"), "1 - 1");
    }

    #[test]
    fn quizlet_csv_snapshot() {
        insta::assert_snapshot!(text(
            QuizletCsvWriter
                .files(&Rendered::new(&showcase_deck()))
                .unwrap()
        ));
    }

    #[test]
    fn reversed_cards_give_both_directions_and_cloze_gives_blanks() {
        let pairs = pairs(&showcase_deck(), Layout::OneLine);
        let reversed: Vec<&Pair> = pairs
            .iter()
            .filter(|p| p.card_id == "reversed-term")
            .collect();
        assert_eq!(reversed.len(), 2);
        assert_eq!(reversed[0].term, reversed[1].definition);
        let cloze = pairs
            .iter()
            .find(|p| p.card_id == "cloze-two-deletions")
            .unwrap();
        assert!(
            cloze.term.contains("_____ (a kind of SQL clause)"),
            "{}",
            cloze.term
        );
        assert!(
            cloze
                .definition
                .starts_with("foreign keys; JOIN; a separate query"),
            "{}",
            cloze.definition
        );
    }
}
