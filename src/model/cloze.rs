//! Cloze deletions (`{{c1::answer}}`, `{{c2::answer::hint}}`, and nested
//! `{{c1::a {{c2::b}} c}}`, which Anki reads since 2.1.56), read exactly as
//! Anki reads them (its `rslib/src/cloze.rs`): a marker `{{c` + numbers +
//! `::` opens a deletion, `}}` closes the innermost open one, a `}}` with
//! nothing open is text, a deletion never closed is dropped with its text,
//! at most ten are open at once. Card generation, the template renderer and
//! every writer use this reading; [`problems`] names what is valid to Anki
//! but likely a slip in a hand-written bank (the `cloze-*` lints).

use std::ops::Range;

/// A piece of a text with deletions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Text outside any deletion (or inside one, between nested ones).
    Text(Range<usize>),
    /// A deletion.
    Deletion(Deletion),
}

/// One `{{cN::…}}` deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// The numbers it is on, as Anki reads them: deduplicated and sorted;
    /// 0 makes no card.
    pub numbers: Vec<u32>,
    /// What it hides: text and nested deletions, its hint left out.
    pub nodes: Vec<Node>,
    /// The hint after `::`, as a byte range of the text.
    pub hint: Option<Range<usize>>,
    /// Byte range of the whole deletion, markers included.
    pub range: Range<usize>,
    /// Byte range of its opening marker (`{{c1::`).
    pub open: Range<usize>,
}

impl Deletion {
    /// The hidden text with nested markers taken out (Anki's "clozed text").
    pub fn answer(&self, text: &str) -> String {
        let mut out = String::new();
        push_plain(&self.nodes, text, &mut out);
        out
    }

    /// The hint, if any.
    pub fn hint<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.hint.clone().and_then(|r| text.get(r))
    }

    /// Whether it is on card `number`.
    pub fn is_on(&self, number: u32) -> bool {
        self.numbers.contains(&number)
    }
}

fn push_plain(nodes: &[Node], text: &str, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(r) => out.push_str(text.get(r.clone()).unwrap_or("")),
            Node::Deletion(d) => push_plain(&d.nodes, text, out),
        }
    }
}

/// Why a hand-written text's deletions are probably not what its author
/// meant, though Anki reads them (each a lint, an error unless allowed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClozeProblem {
    /// `{{` that opens no deletion inside one, or a `}` or `}}` right after
    /// one's end, at this byte offset: Anki ends the deletion at the first
    /// `}}` (Django's `{{ var }}` and `{% tag %}`, or TeX braces, are the
    /// usual cause).
    Braces(usize),
    /// The deletion opened at this byte offset is never closed: Anki drops
    /// it and everything after it.
    Unclosed(usize),
    /// The marker at this byte offset has a number Anki cannot make a card
    /// of: 0, above [`MAX_NUMBER`] (the marker is then text to Anki), or an
    /// empty item in a list (`c1,,2`).
    BadNumber(usize),
    /// The deletion at this byte offset hides nothing (`{{c1::}}`).
    Empty(usize),
}

/// The largest cloze number Anki accepts: its card numbers are 16-bit.
pub const MAX_NUMBER: u32 = 65_535;

/// How many deletions Anki keeps open at once; deeper markers are dropped.
const MAX_DEPTH: usize = 10;

/// A token of Anki's cloze tokenizer.
enum Token {
    Open(Vec<u32>, Range<usize>),
    Close(Range<usize>),
    Text(Range<usize>),
}

/// The opening marker at byte `at` of `text`, if one starts there: its
/// numbers (as Anki keeps them) and where it ends.
fn open_marker(text: &str, at: usize) -> Option<(Vec<u32>, usize)> {
    let rest = text.get(at..)?.strip_prefix("{{c")?;
    let digits = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b',')
        .count();
    let after = rest.get(digits..)?;
    if !after.starts_with("::") {
        return None;
    }
    let mut numbers: Vec<u32> = rest[..digits]
        .split(',')
        .filter_map(|n| n.parse::<u16>().ok())
        .map(u32::from)
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    (!numbers.is_empty()).then_some((numbers, at + 3 + digits + 2))
}

fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut at = 0;
    let bytes = text.as_bytes();
    while at < bytes.len() {
        // Markers start with `{` or `}`: jump to the next one (ASCII, so
        // always a character boundary).
        let Some(next) = bytes[at..].iter().position(|b| *b == b'{' || *b == b'}') else {
            break;
        };
        at += next;
        let token = if let Some((numbers, end)) = open_marker(text, at) {
            Some((Token::Open(numbers, at..end), end))
        } else if bytes[at..].starts_with(b"}}") {
            Some((Token::Close(at..at + 2), at + 2))
        } else {
            None
        };
        match token {
            Some((token, end)) => {
                if text_start < at {
                    out.push(Token::Text(text_start..at));
                }
                out.push(token);
                at = end;
                text_start = end;
            }
            None => at += 1,
        }
    }
    if text_start < text.len() {
        out.push(Token::Text(text_start..text.len()));
    }
    out
}

/// `text` as Anki reads it: text and deletions, nested ones inside theirs.
/// Deletions never closed are left out, as Anki leaves them out.
pub fn parse_nodes(text: &str) -> Vec<Node> {
    read(text).0
}

/// The nodes, and the openings of the deletions never closed.
fn read(text: &str) -> (Vec<Node>, Vec<usize>) {
    let mut output = Vec::new();
    let mut open: Vec<Deletion> = Vec::new();
    for token in tokens(text) {
        match token {
            Token::Open(numbers, range) => {
                if open.len() < MAX_DEPTH {
                    open.push(Deletion {
                        numbers,
                        nodes: Vec::new(),
                        hint: None,
                        range: range.clone(),
                        open: range,
                    });
                }
            }
            Token::Text(range) => match open.last_mut() {
                Some(deletion) => {
                    let piece = &text[range.clone()];
                    match piece.find("::") {
                        Some(at) if !piece.starts_with("image-occlusion:") => {
                            deletion
                                .nodes
                                .push(Node::Text(range.start..range.start + at));
                            deletion.hint = Some(range.start + at + 2..range.end);
                        }
                        _ => deletion.nodes.push(Node::Text(range)),
                    }
                }
                None => output.push(Node::Text(range)),
            },
            Token::Close(range) => match open.pop() {
                Some(mut deletion) => {
                    deletion.range = deletion.open.start..range.end;
                    match open.last_mut() {
                        Some(outer) => outer.nodes.push(Node::Deletion(deletion)),
                        None => output.push(Node::Deletion(deletion)),
                    }
                }
                None => output.push(Node::Text(range)),
            },
        }
    }
    let unclosed = open.iter().map(|d| d.open.start).collect();
    (output, unclosed)
}

/// The top-level deletions of `text` (nested ones inside them), in order.
pub fn deletions(text: &str) -> Vec<Deletion> {
    parse_nodes(text)
        .into_iter()
        .filter_map(|node| match node {
            Node::Deletion(d) => Some(d),
            Node::Text(_) => None,
        })
        .collect()
}

/// Every deletion of `nodes`, nested ones after theirs, in order.
pub fn all_deletions(nodes: &[Node]) -> Vec<&Deletion> {
    let mut out = Vec::new();
    fn walk<'n>(nodes: &'n [Node], out: &mut Vec<&'n Deletion>) {
        for node in nodes {
            if let Node::Deletion(d) = node {
                out.push(d);
                walk(&d.nodes, out);
            }
        }
    }
    walk(nodes, &mut out);
    out
}

/// The distinct cloze numbers of `text` that make cards (1 and up), at
/// every level, ascending: one Anki card each.
pub fn numbers(text: &str) -> Vec<u32> {
    let nodes = parse_nodes(text);
    let mut numbers: Vec<u32> = all_deletions(&nodes)
        .into_iter()
        .flat_map(|d| d.numbers.iter().copied())
        .filter(|&n| n > 0)
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// What in a hand-written `text` is probably a slip, in order (see
/// [`ClozeProblem`]). Anki reads all of it; a deck converted from Anki
/// allows these lints.
///
/// ```
/// use flashdeck::model::cloze::{self, ClozeProblem};
/// assert!(cloze::problems("Django follows {{c1::MTV::a pattern}}.").is_empty());
/// // Nested deletions are fine (Anki 2.1.56 and later).
/// assert!(cloze::problems("{{c1::Canberra, a {{c2::purpose-built}} city}}").is_empty());
/// // Template syntax inside a deletion would end it early in Anki.
/// assert!(matches!(cloze::problems("{{c1::{{ user }}}}")[0], ClozeProblem::Braces(_)));
/// ```
pub fn problems(text: &str) -> Vec<ClozeProblem> {
    let mut found = Vec::new();
    // Markers whose numbers Anki cannot use, wherever they are.
    let mut at = 0;
    while let Some(next) = text.get(at..).and_then(|rest| rest.find("{{c")) {
        let start = at + next;
        let rest = &text[start + 3..];
        let digits = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b',')
            .count();
        if digits > 0 && rest[digits..].starts_with("::") {
            let bad = rest[..digits].split(',').any(|n| {
                n.parse::<u32>()
                    .map_or(true, |n| !(1..=MAX_NUMBER).contains(&n))
            });
            if bad {
                found.push(ClozeProblem::BadNumber(start));
            }
        }
        at = start + 3;
    }
    let (nodes, unclosed) = read(text);
    found.extend(unclosed.into_iter().map(ClozeProblem::Unclosed));
    // Braces: `{{` inside a deletion's text, or `}` right after a deletion.
    fn walk(nodes: &[Node], text: &str, inside: bool, found: &mut Vec<ClozeProblem>) {
        for node in nodes {
            match node {
                Node::Text(r) => {
                    if inside && let Some(at) = text[r.clone()].find("{{") {
                        found.push(ClozeProblem::Braces(r.start + at));
                    }
                }
                Node::Deletion(d) => {
                    if d.answer(text).trim().is_empty()
                        && !d.nodes.iter().any(|n| matches!(n, Node::Deletion(_)))
                    {
                        found.push(ClozeProblem::Empty(d.open.start));
                    }
                    if text[d.range.end..].starts_with('}') {
                        found.push(ClozeProblem::Braces(d.range.end - 2));
                    }
                    walk(&d.nodes, text, true, found);
                }
            }
        }
    }
    walk(&nodes, text, false, &mut found);
    found.sort_by_key(|p| match p {
        ClozeProblem::Braces(at)
        | ClozeProblem::Unclosed(at)
        | ClozeProblem::BadNumber(at)
        | ClozeProblem::Empty(at) => *at,
    });
    found.dedup();
    found
}

/// Each byte range of `text` that is part of a deletion marker Anki reads
/// (`{{c1::` and the `}}` that closes it), at every level, in order.
pub fn marker_ranges(text: &str) -> Vec<Range<usize>> {
    let nodes = parse_nodes(text);
    let mut ranges: Vec<Range<usize>> = all_deletions(&nodes)
        .into_iter()
        .flat_map(|d| [d.open.clone(), d.range.end - 2..d.range.end])
        .collect();
    ranges.sort_by_key(|r| r.start);
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_answers_and_hints() {
        let text = "A {{c1::model}} and {{c2,3::view::V…}}.";
        let d = deletions(text);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].answer(text), "model");
        assert_eq!(d[1].numbers, vec![2, 3]);
        assert_eq!(d[1].hint(text), Some("V…"));
        assert_eq!(numbers("{{c2::a}} {{c1::b}} {{c2::c}}"), vec![1, 2]);
    }

    #[test]
    fn nested_deletions_are_read_as_anki_reads_them() {
        let text = "{{c1::Canberra, a {{c2::purpose-built}} city,}} is the capital";
        let d = deletions(text);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].answer(text), "Canberra, a purpose-built city,");
        assert_eq!(numbers(text), vec![1, 2]);
        assert!(problems(text).is_empty());
        // TeX braces before a deletion's end: Anki closes at the first `}}`.
        let tex = r"\(\sqrt{{{c1::n}}}\)";
        assert_eq!(deletions(tex)[0].answer(tex), "n");
        assert_eq!(
            problems(tex),
            vec![ClozeProblem::Braces(tex.find("}}").unwrap())]
        );
        // A close with nothing open is text; an open never closed is dropped.
        assert_eq!(
            parse_nodes("a }} b"),
            vec![Node::Text(0..2), Node::Text(2..4), Node::Text(4..6)]
        );
        assert!(deletions("x {{c1::open").is_empty());
        assert_eq!(problems("x {{c1::open"), vec![ClozeProblem::Unclosed(2)]);
    }

    #[test]
    fn slips_a_hand_written_bank_is_warned_of() {
        assert!(matches!(
            problems("{{c1::{{ user.name }}}}")[0],
            ClozeProblem::Braces(_)
        ));
        assert!(matches!(
            problems("{{c1::{% csrf_token %}}}")[0],
            ClozeProblem::Braces(_)
        ));
        assert_eq!(
            problems("{{c0::x}} {{c1::y}}"),
            vec![ClozeProblem::BadNumber(0)]
        );
        assert_eq!(problems("{{c65536::x}}"), vec![ClozeProblem::BadNumber(0)]);
        assert_eq!(
            problems("{{c99999999999::x}}"),
            vec![ClozeProblem::BadNumber(0)]
        );
        assert_eq!(problems("{{c1,,2::x}}"), vec![ClozeProblem::BadNumber(0)]);
        assert_eq!(problems("a {{c1::  ::hint}}"), vec![ClozeProblem::Empty(2)]);
        assert_eq!(problems("a {{c1::}}"), vec![ClozeProblem::Empty(2)]);
        assert_eq!(deletions("{{c65535::x}}")[0].numbers, vec![65_535]);
        // Anki reads `c65536` as text, and `c0` makes no card.
        assert!(deletions("{{c65536::x}}").is_empty());
        assert!(numbers("{{c0::x}}").is_empty());
        // Template syntax outside deletions is fine.
        assert!(problems("{{ var }} is {{c1::a variable}}").is_empty());
        assert_eq!(deletions("{{ var }} is {{c1::a variable}}").len(), 1);
    }

    #[test]
    fn deep_nesting_and_odd_text_never_panic() {
        let deep = "{{c1::".repeat(12) + "x" + &"}}".repeat(12);
        let nodes = parse_nodes(&deep);
        assert_eq!(all_deletions(&nodes).len(), 10);
        for text in [
            "{{c",
            "{{c1:",
            "{{c1::",
            "}}}}",
            "{{c1::é}}ü}}",
            "{{c١::x}}",
            "{{{{c1::x}}}}",
        ] {
            let _ = (
                parse_nodes(text),
                problems(text),
                numbers(text),
                marker_ranges(text),
            );
        }
    }
}
