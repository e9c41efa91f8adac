//! Edits to a bank's text that touch only what changed: one card's value
//! replaced, a key added after its neighbour, a card appended after the
//! last. Everything else (comments, blank lines, quoting, key order) stays
//! byte for byte, so `git diff` after a pull shows only the cards it changed.
//!
//! Reads the block style banks are written in (`- id: …` items, `key: value`
//! entries, nested mappings indented under their key); a card written
//! otherwise (flow style) is not edited, and the caller says so.

use std::ops::Range;

/// One `key: value` entry of a block mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The key as YAML reads it.
    pub key: String,
    /// Where the entry's line starts (for the first entry of a list item,
    /// where its key starts).
    pub start: usize,
    /// The value: from just after the `:` to the end of its last line (no
    /// line break), nested lines included.
    pub value: Range<usize>,
}

/// A block mapping: its entries, all at `indent` columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    /// The column of its keys.
    pub indent: usize,
    /// Its entries, in order.
    pub entries: Vec<Entry>,
}

impl Mapping {
    /// The entry with `key`.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// A card: a `- ` item of the `cards:` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardBlock {
    /// The column of its `-`.
    pub dash: usize,
    /// Its text: from its line's start to the end of its last line.
    pub range: Range<usize>,
    /// Its keys.
    pub mapping: Mapping,
}

/// The lines of `text` within `range`: (start, end without the line break).
fn lines(text: &str, range: Range<usize>) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = range.start;
    std::iter::from_fn(move || {
        if at >= range.end {
            return None;
        }
        let rest = text.get(at..range.end).unwrap_or("");
        let len = rest.find('\n').unwrap_or(rest.len());
        let line = (at, at + len);
        at += len + 1;
        Some(line)
    })
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The key at the start of `line` (after its indentation) and the offset
/// just after its `:`, if the line starts an entry.
fn key_of(line: &str) -> Option<(String, usize)> {
    let body = line.trim_start_matches(' ');
    let lead = line.len() - body.len();
    let (key, after) = if let Some(rest) = body.strip_prefix('"') {
        let end = closing_quote(rest, '"')?;
        let raw = body.get(..end + 2)?;
        (serde_json::from_str::<String>(raw).ok()?, end + 2)
    } else if let Some(rest) = body.strip_prefix('\'') {
        let end = closing_quote(rest, '\'')?;
        (rest.get(..end)?.replace("''", "'"), end + 2)
    } else {
        let colon = body.find(':')?;
        let key = body.get(..colon)?;
        if key.is_empty() || key.starts_with(['#', '-', '[', '{']) {
            return None;
        }
        (key.trim_end().to_string(), colon)
    };
    let rest = body.get(after..)?;
    let rest_trimmed = rest.trim_start_matches(' ');
    let colon_at = after + (rest.len() - rest_trimmed.len());
    let after_colon = rest_trimmed.strip_prefix(':')?;
    if !(after_colon.is_empty() || after_colon.starts_with([' ', '\t'])) {
        return None;
    }
    Some((key, lead + colon_at + 1))
}

/// Where the quote that closes a quoted key is (`\"` and `''` skipped).
fn closing_quote(rest: &str, quote: char) -> Option<usize> {
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                chars.next();
            } else {
                return Some(i);
            }
        }
    }
    None
}

/// The entries at `indent` among `lines` (the first may start at
/// `first_key`, mid-line, for a list item).
fn entries(
    text: &str,
    lines: &[(usize, usize)],
    indent: usize,
    first_key: Option<usize>,
) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for (n, &(start, end)) in lines.iter().enumerate() {
        let line = text.get(start..end).unwrap_or("");
        let (key_start, key_line) = match (n, first_key) {
            (0, Some(at)) => (at, text.get(at..end).unwrap_or("")),
            _ => (start, line),
        };
        let blank = line.trim().is_empty();
        let at_indent = n == 0 && first_key.is_some() || (!blank && indent_of(line) == indent);
        if at_indent && let Some((key, colon)) = key_of(key_line) {
            let colon_end = key_start + colon;
            out.push(Entry {
                key,
                start: key_start,
                value: colon_end..end,
            });
            continue;
        }
        // A continuation line (deeper than the keys) extends the value; a
        // comment at the keys' column or a blank line does not.
        if !blank
            && indent_of(line) > indent
            && let Some(last) = out.last_mut()
        {
            last.value.end = end;
        }
    }
    out
}

/// The card whose text contains `at` (e.g. its id's offset).
pub fn card_at(text: &str, at: usize) -> Option<CardBlock> {
    // Back to the card's `- ` line: the offset may be on a later line.
    let mut start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    loop {
        let line = text.get(start..).unwrap_or("");
        let line = line.split('\n').next().unwrap_or("");
        let body = line.trim_start_matches(' ');
        if body.starts_with("- ") || body == "-" {
            break;
        }
        if start == 0 || (!body.is_empty() && !body.starts_with('#') && indent_of(line) == 0) {
            return None;
        }
        start = text.get(..start - 1)?.rfind('\n').map_or(0, |i| i + 1);
    }
    let line = text.get(start..).unwrap_or("");
    let dash = indent_of(line);
    let after_dash = line.get(dash + 1..)?;
    let key_col = dash + 1 + indent_of(after_dash);
    let mut card_lines = Vec::new();
    for (s, e) in lines(text, start..text.len()) {
        let l = text.get(s..e).unwrap_or("");
        if s != start && !l.trim().is_empty() && indent_of(l) <= dash {
            break;
        }
        card_lines.push((s, e));
    }
    while card_lines
        .last()
        .is_some_and(|&(s, e)| text.get(s..e).unwrap_or("").trim().is_empty())
    {
        card_lines.pop();
    }
    let end = card_lines.last()?.1;
    let mapping = Mapping {
        indent: key_col,
        entries: entries(text, &card_lines, key_col, Some(start + key_col)),
    };
    (!mapping.entries.is_empty()).then_some(CardBlock {
        dash,
        range: start..end,
        mapping,
    })
}

/// The block mapping nested under `entry` (`fields:` of a card).
pub fn nested(text: &str, entry: &Entry) -> Option<Mapping> {
    let rest = text.get(entry.value.clone())?;
    if !rest.trim_start_matches(' ').starts_with('\n') && !rest.trim().is_empty() {
        return None; // A value on the key's own line: not a block mapping.
    }
    let first_line = entry.value.start + rest.find('\n')? + 1;
    let inner: Vec<(usize, usize)> = lines(text, first_line..entry.value.end).collect();
    let indent = inner
        .iter()
        .map(|&(s, e)| text.get(s..e).unwrap_or(""))
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(indent_of)?;
    Some(Mapping {
        indent,
        entries: entries(text, &inner, indent, None),
    })
}

/// Replacements of ranges of one text, applied together.
#[derive(Debug, Default)]
pub struct Edits {
    changes: Vec<(Range<usize>, String)>,
}

impl Edits {
    /// Replaces `range` with `with`.
    pub fn replace(&mut self, range: Range<usize>, with: String) {
        self.changes.push((range, with));
    }

    /// Inserts `with` at `at`.
    pub fn insert(&mut self, at: usize, with: String) {
        self.changes.push((at..at, with));
    }

    /// Whether nothing is to change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// `text` with every change made; `None` when two changes overlap.
    pub fn apply(mut self, text: &str) -> Option<String> {
        self.changes
            .sort_by_key(|(range, _)| (range.start, range.end));
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (range, with) in &self.changes {
            if range.start < at || range.end > text.len() {
                return None;
            }
            out.push_str(text.get(at..range.start)?);
            out.push_str(with);
            at = range.end;
        }
        out.push_str(text.get(at..)?);
        Some(out)
    }
}

/// Sets `key` of `mapping` to `value` (already YAML, without the space
/// after the colon): its value replaced, or a new entry after the last of
/// `after` that the mapping has (else after its last entry).
pub fn set(edits: &mut Edits, mapping: &Mapping, key: &str, value: &str, after: &[&str]) {
    if let Some(entry) = mapping.get(key) {
        edits.replace(entry.value.clone(), format!(" {value}"));
        return;
    }
    let anchor = after
        .iter()
        .rev()
        .find_map(|k| mapping.get(k))
        .or(mapping.entries.last());
    if let Some(anchor) = anchor {
        let pad = " ".repeat(mapping.indent);
        edits.insert(anchor.value.end, format!("\n{pad}{key}: {value}"));
    }
}

/// Removes `key` and its value from `mapping` (never the first entry of a
/// list item, which carries its `- `).
pub fn remove(edits: &mut Edits, text: &str, mapping: &Mapping, key: &str) {
    let Some(entry) = mapping.get(key) else {
        return;
    };
    let line_start = text.get(..entry.start).and_then(|t| t.rfind('\n'));
    if let Some(newline) = line_start
        && text
            .get(newline + 1..entry.start)
            .is_some_and(|pad| pad.trim().is_empty())
    {
        edits.replace(newline..entry.value.end, String::new());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BANK: &str = "deck:\n  id: d\ncards:\n  # the first\n  - id: one\n    question: What?\n    answer: |\n      Line one.\n\n      Line two.\n    # a comment about tags\n    tags: [a, b]\n\n  - id: two\n    note-type: V\n    fields:\n      Word: casa\n      \"Other word\": x\n";

    #[test]
    fn cards_and_their_entries_are_found() {
        let at = BANK.find("one").unwrap();
        let card = card_at(BANK, at).unwrap();
        let keys: Vec<&str> = card
            .mapping
            .entries
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(keys, ["id", "question", "answer", "tags"]);
        let answer = card.mapping.get("answer").unwrap();
        assert_eq!(
            &BANK[answer.value.clone()],
            " |\n      Line one.\n\n      Line two."
        );
        assert!(BANK[card.range.clone()].ends_with("tags: [a, b]"));
        let two = card_at(BANK, BANK.find("id: two").unwrap()).unwrap();
        let fields = nested(BANK, two.mapping.get("fields").unwrap()).unwrap();
        let keys: Vec<&str> = fields.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["Word", "Other word"]);
    }

    #[test]
    fn edits_touch_only_their_values() {
        let card = card_at(BANK, BANK.find("one").unwrap()).unwrap();
        let mut edits = Edits::default();
        set(&mut edits, &card.mapping, "answer", "Changed.", &[]);
        set(
            &mut edits,
            &card.mapping,
            "extra",
            "More.",
            &["question", "answer"],
        );
        let out = edits.apply(BANK).unwrap();
        assert_eq!(
            out,
            BANK.replace(
                " |\n      Line one.\n\n      Line two.",
                " Changed.\n    extra: More."
            )
        );
        let mut edits = Edits::default();
        remove(&mut edits, BANK, &card.mapping, "tags");
        assert_eq!(
            edits.apply(BANK).unwrap(),
            BANK.replace("\n    tags: [a, b]", "")
        );
    }
}
