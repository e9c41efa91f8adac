//! The fast path on several cores: a large bank's `cards:` list is cut at the
//! lines where its entries start, and the pieces are parsed in parallel.
//!
//! A cut is only ever made at a line holding nothing but the list's own `- `
//! at the list's own indentation. Such a line cannot be inside a block
//! scalar (its text is indented deeper) and ends any plain scalar; if it sits
//! inside a quoted string, a flow collection or refers to an anchor defined
//! in another piece, the piece before or after it fails to parse. Any
//! failure, any line this reader is unsure of, and anything over the pieces'
//! share of the parser's limits sends the bank to the serial reader, which
//! decides. A test checks that both give the same [`Bank`].

use serde::Deserialize;
use serde::de::{DeserializeSeed, IgnoredAny};

use super::fast::{CardsInto, RawDeck, RawDefaults, bank_from_parts, shift_spans};
use super::yaml::parse_options;
use crate::model::{Bank, Card};

/// Banks smaller than this are read on one core: threads would cost more
/// than they save.
pub(super) const MIN_BYTES: usize = 1 << 20;

/// The bank without its cards: `cards:` is the last key, and its value is
/// parsed separately.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHead {
    deck: RawDeck,
    #[serde(default)]
    defaults: Option<RawDefaults>,
    #[serde(default)]
    #[allow(dead_code)] // Present for deny_unknown_fields; always null here.
    cards: Option<IgnoredAny>,
}

/// Where the `cards:` list is and where each of its entries starts.
struct CardsList {
    /// Byte offset just past the `cards:` line: everything before is the head.
    start: usize,
    /// Byte offset of each entry's `-` line.
    entries: Vec<usize>,
    /// The column of the entries' `-`.
    indent: usize,
}

/// Finds the `cards:` list when the file's layout is the plain one: a
/// single top-level `cards:` key, last in the file, holding a block list.
fn find_cards_list(text: &str) -> Option<CardsList> {
    let mut offset = 0;
    let mut start = None;
    let mut indent: Option<usize> = None;
    let mut entries = Vec::new();
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if start.is_none() {
            if is_cards_key(content) {
                start = Some(offset);
            }
            continue;
        }
        let trimmed = content.trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with('\t') {
            return None;
        }
        let depth = content.len() - trimmed.len();
        let is_entry = trimmed == "-" || trimmed.starts_with("- ");
        match indent {
            None if is_entry => indent = Some(depth),
            None => return None,
            Some(list) if depth == list && is_entry => {}
            // Anything else at or left of the list's column (another key,
            // a document marker, a string continued too far left): unsure.
            Some(list) if depth <= list => return None,
            Some(_) => continue,
        }
        entries.push(at);
    }
    let start = start?;
    let indent = indent?;
    Some(CardsList {
        start,
        entries,
        indent,
    })
}

/// `cards:` at the start of a line, with nothing after it but a comment.
fn is_cards_key(line: &str) -> bool {
    line.strip_prefix("cards:").is_some_and(|rest| {
        let rest = rest.trim_start_matches([' ', '\t']);
        rest.is_empty() || rest.starts_with('#')
    })
}

/// Reads `text` on `threads` cores, or `None` when the serial reader must.
pub(super) fn read_bank(source: &crate::source::SourceFile, threads: usize) -> Option<Bank> {
    let text = source.text();
    let list = find_cards_list(text)?;
    let pieces = pieces(text.len(), &list, threads.max(1));
    let parts = pieces.len() + 1;
    let options = || parse_options_shared(parts, text.len());

    // The head typed when it holds only `deck:` and `defaults:`; with
    // `note-types:`, `media:` or `lints:`, through the located tree (it is
    // small; the cards, the bulk, are still read typed).
    let head = match serde_saphyr::from_str_with_options::<RawHead>(&text[..list.start], options())
    {
        Ok(head) => Head::Typed(head),
        Err(_) => Head::Located(super::bank::read_head(source, list.start)?),
    };
    let mut cards = vec![Card::default(); list.entries.len()];
    let parsed = std::thread::scope(|scope| {
        let mut rest = cards.as_mut_slice();
        let mut handles = Vec::new();
        for piece in &pieces {
            let (slots, tail) = rest.split_at_mut(piece.cards);
            rest = tail;
            let piece_text = &text[piece.bytes.clone()];
            let base = piece.bytes.start;
            handles.push(scope.spawn(move || {
                let read = serde_saphyr::with_deserializer_from_str_with_options(
                    piece_text,
                    options(),
                    |deserializer| CardsInto(&mut *slots).deserialize(deserializer),
                )
                .ok()?;
                if read != slots.len() {
                    return None;
                }
                for card in slots.iter_mut() {
                    shift_spans(card, base);
                }
                Some(())
            }));
        }
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .all(|ok| ok.is_some())
    });
    if !parsed {
        return None;
    }
    match head {
        Head::Typed(head) => bank_from_parts(head.deck, head.defaults, cards),
        Head::Located(head) => {
            let head_ok = !head.deck.id.value.trim().is_empty()
                && !head.deck.name.value.trim().is_empty()
                && !cards.is_empty();
            head_ok.then_some(Bank {
                deck: head.deck,
                defaults: head.defaults,
                lints: head.lints,
                note_types: head.note_types,
                media: head.media,
                missing_media: head.missing_media,
                cards,
            })
        }
    }
}

/// A bank's head, read typed or through the located tree.
enum Head {
    Typed(RawHead),
    Located(super::bank::Head),
}

/// A run of whole entries: its bytes and how many cards it holds.
struct Piece {
    bytes: std::ops::Range<usize>,
    cards: usize,
}

/// Cuts the entries into `count` runs of about the same size in bytes. A
/// run ends just before the next entry's `-`, as the parser sees it in the
/// whole file: a value's span reaches up to the next token.
fn pieces(len: usize, list: &CardsList, count: usize) -> Vec<Piece> {
    let entries = &list.entries;
    let first = entries[0];
    let target = (len - first).div_ceil(count);
    let mut pieces = Vec::new();
    let mut piece_start = 0; // index into entries
    for (index, &at) in entries.iter().enumerate().skip(1) {
        if at - entries[piece_start] >= target && pieces.len() + 1 < count {
            pieces.push(Piece {
                bytes: entries[piece_start]..at + list.indent,
                cards: index - piece_start,
            });
            piece_start = index;
        }
    }
    pieces.push(Piece {
        bytes: entries[piece_start]..len,
        cards: entries.len() - piece_start,
    });
    pieces
}

/// The parser's limits, shared out between `parts` parses, so the pieces
/// together stay within what one parse of the whole file may use.
fn parse_options_shared(parts: usize, text_len: usize) -> serde_saphyr::Options {
    let mut options = parse_options(false, text_len);
    if let Some(budget) = options.budget.as_mut() {
        budget.max_events /= parts;
        budget.max_nodes /= parts;
        budget.max_total_scalar_bytes /= parts;
        budget.max_aliases /= parts;
        budget.max_anchors /= parts;
        // A piece's list is the document's root, one level less deep.
        budget.max_depth = budget.max_depth.saturating_sub(1);
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn source(text: &str) -> SourceFile {
        SourceFile::new("t.yaml", text.to_string())
    }

    fn read_bank(text: &str, threads: usize) -> Option<Bank> {
        super::read_bank(&source(text), threads)
    }

    /// What the located tree reads (the reference for every path).
    fn slow(text: &str) -> Option<Bank> {
        let source = source(text);
        let root = super::super::yaml::parse(&source).ok()?;
        let mut diagnostics = crate::diagnostics::Diagnostics::new();
        let bank = super::super::bank::read_bank(&root, &source, &mut diagnostics);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        bank
    }

    fn bank(cards: &str) -> String {
        format!("deck:\n  id: d\n  name: D\ndefaults:\n  tags: [t]\ncards:\n{cards}")
    }

    #[test]
    fn pieces_give_the_same_bank_as_one_parse() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts: Vec<String> = [
            "source/django-interview.yaml",
            "source/examples/showcase.yaml",
            "source/examples/vocabulary.yaml",
        ]
        .iter()
        .map(|p| std::fs::read_to_string(root.join(p)).unwrap())
        .collect();
        texts.push(bank(
            "# a comment\n- id: a\n  question: |\n    Q\n\n    - not an entry\n  answer: A\n- id: b\n  question: \"multi\n    line\"\n  answer: >\n    folded\n- {id: c, question: Q, answer: A}\n",
        ));
        texts.push(format!(
            "deck:\n  id: d\n  name: D\nlints:\n  long-field: allow\nmedia: [m.png]\nnote-types:\n  - name: T\n    fields: [A, B]\n    templates:\n      - {{name: C, front: \"{{{{A}}}}\", back: \"{{{{B}}}}\"}}\ncards:\n{}",
            "  - id: a\n    note-type: T\n    guid: \"x#1\"\n    deck: D::E\n    decks: {C: D::F}\n    fields:\n      A: one\n      B: {html: \"<b>two</b>\"}\n  - id: b\n    note-type: T\n    fields:\n      A:\n      B: |\n        block\n        text\n"
        ));
        for text in &texts {
            let expected = slow(text).expect("a valid bank");
            if let Some(serial) = super::super::fast::read_bank_serial(&source(text)) {
                assert_eq!(serial, expected, "the serial fast path");
            }
            for threads in 1..=5 {
                if let Some(got) = read_bank(text, threads) {
                    for (a, b) in got.cards.iter().zip(&expected.cards) {
                        assert_eq!(a, b, "{threads} threads");
                    }
                }
                assert_eq!(
                    read_bank(text, threads).as_ref(),
                    Some(&expected),
                    "{threads} threads"
                );
            }
        }
    }

    #[test]
    fn anything_unsure_goes_to_the_serial_reader() {
        let cases = [
            // A quoted string holding a line that looks like an entry.
            bank(
                "  - id: a\n    question: \"x\n  - id: b\n    \"\n    answer: A\n  - id: c\n    question: Q\n    answer: A\n",
            ),
            // An alias to an anchor in another piece.
            bank(
                "  - id: a\n    question: &q Q\n    answer: A\n  - id: b\n    question: *q\n    answer: A\n",
            ),
            // A key after the cards.
            format!(
                "{}extra: 1\n",
                bank("  - id: a\n    question: Q\n    answer: A\n")
            ),
            // A flow list.
            "deck: {id: d, name: D}\ncards: [{id: a, question: Q, answer: A}]\n".to_string(),
            // Cards not last.
            "cards:\n  - id: a\n    question: Q\n    answer: A\ndeck: {id: d, name: D}\n"
                .to_string(),
        ];
        for text in &cases {
            assert!(read_bank(text, 2).is_none(), "{text}");
        }
    }
}
