//! YAML text → a tree of located nodes.
//!
//! The tree is deliberately untyped: reading into it succeeds for any
//! well-formed YAML, so [`super::bank`] can then report *every* structural
//! problem of a bank in one run instead of stopping at serde's first error.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use crate::source::{SourceFile, Span};

/// A YAML node and where it is.
#[derive(Debug, Clone)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Its byte span in the file.
    pub span: Span,
    /// A scalar YAML reads as a number or a boolean (`10`, `1.5`, `true`),
    /// not as text (`"10"`): what a `crowdanki:` value needs to know.
    pub typed: bool,
}

/// What a [`Node`] holds.
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// `~`, `null` or nothing.
    Null,
    /// Any other scalar. Its text is the resolved value for strings, and the
    /// source spelling for numbers and booleans (so `answer: 1.50` stays "1.50").
    Scalar(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, keys in file order, duplicates kept for the validator to report.
    Map(Vec<(Node, Node)>),
}

impl NodeKind {
    /// Names the kind for "expected text, found a list" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            NodeKind::Null => "nothing",
            NodeKind::Scalar(_) => "text",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// The YAML parser's own complaint, located.
#[derive(Debug, Clone)]
pub struct YamlError {
    /// The parser's message, without its snippet.
    pub message: String,
    /// 1-based line, when known.
    pub line: usize,
    /// 1-based column, when known.
    pub column: usize,
    /// Whether a size or nesting budget was exceeded (rather than bad syntax).
    pub limit: bool,
}

/// Parses `source` into a node tree. Large banks are allowed; budgets still
/// bound alias bombs and runaway nesting.
pub fn parse(source: &SourceFile) -> Result<Node, YamlError> {
    let raw: Spanned<RawNode> = serde_saphyr::from_str_with_options(
        source.text(),
        parse_options(true, source.text().len()),
    )
    .map_err(|e| yaml_error(&e))?;
    Ok(to_node(raw, source))
}

/// Parser options shared by both paths. Large banks are allowed; budgets still
/// bound alias bombs and runaway nesting. `keep_duplicates` passes repeated
/// keys through so the located tree can report them. The event and node
/// budgets grow with the text (`text_len` bytes): a YAML event takes at least
/// two bytes, so a bank of real cards never reaches them, while an alias
/// bomb, whose events come from a few bytes, still does.
pub(super) fn parse_options(keep_duplicates: bool, text_len: usize) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    // A card is ~25 parser events; 20M leaves room for 200k-card banks of
    // any size, and larger files get one event per two bytes.
    budget.max_events = 20_000_000.max(text_len / 2);
    budget.max_nodes = 10_000_000.max(text_len / 4);
    budget.max_total_scalar_bytes = 1 << 30;
    serde_saphyr::options! {
        budget: Some(budget),
        duplicate_keys: if keep_duplicates {
            serde_saphyr::DuplicateKeyPolicy::PassThrough
        } else {
            serde_saphyr::DuplicateKeyPolicy::Error
        },
        with_snippet: false,
        strict_booleans: true,
    }
}

/// The byte span of a located value.
fn span_of(location: &serde_saphyr::Location, source: &SourceFile) -> Span {
    let span = location.span();
    let start = match span.byte_offset() {
        Some(offset) => offset as usize,
        None => source.offset_of(location.line() as usize, location.column() as usize),
    };
    let end = start + span.byte_len().unwrap_or(0) as usize;
    Span::new(start, end.max(start))
}

fn yaml_error(error: &serde_saphyr::Error) -> YamlError {
    let location = error.location();
    let message = error.without_snippet().to_string();
    // The parser appends " at line L column C"; the diagnostic shows the place itself.
    let message = match message.find(" at line ") {
        Some(i) => tidy_quotes(&message[..i]),
        None => tidy_quotes(&message),
    };
    YamlError {
        limit: message.contains("budget") || message.contains("limit"),
        message,
        line: location.map_or(1, |l| l.line().max(1) as usize),
        column: location.map_or(1, |l| l.column().max(1) as usize),
    }
}

/// The parser quotes a character TeX-style (``unexpected character: `x'``),
/// which reads as garbage when the character is itself a backtick
/// (``unexpected character: ``'``): each such quote becomes a code span as
/// the rest of flashdeck's messages write them (`` `x` ``, and `` ` `` for
/// a backtick).
fn tidy_quotes(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 4);
    let mut rest = message;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        // The quoted text: at least one character (the first may be a
        // backtick), short, no spaces, up to the closing `'`.
        let first_len = after.chars().next().map_or(0, char::len_utf8);
        let close = after
            .get(first_len..)
            .and_then(|tail| tail.find('\''))
            .map(|i| i + first_len)
            .filter(|&close| close <= 12 && !after[..close].contains(char::is_whitespace));
        match close {
            Some(close) => {
                let quoted = &after[..close];
                out.push_str(&rest[..open]);
                if quoted.contains('`') {
                    out.push_str(&format!("`` {quoted} ``"));
                } else {
                    out.push_str(&format!("`{quoted}`"));
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[..open + 1]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    // "unexpected character: `x`" reads better without the colon.
    out.replace("unexpected character: ", "unexpected character ")
}

fn to_node(raw: Spanned<RawNode>, source: &SourceFile) -> Node {
    let span = span_of(&raw.referenced, source);
    let typed = matches!(raw.value, RawNode::Other(_));
    let kind = match raw.value {
        RawNode::Null => NodeKind::Null,
        RawNode::String(s) => NodeKind::Scalar(s),
        // Numbers and booleans keep the spelling the author wrote.
        RawNode::Other(fallback) => {
            let spelled = source.slice(span).trim();
            NodeKind::Scalar(if spelled.is_empty() {
                fallback
            } else {
                spelled.to_string()
            })
        }
        RawNode::Seq(items) => {
            NodeKind::Seq(items.into_iter().map(|n| to_node(n, source)).collect())
        }
        RawNode::Map(entries) => NodeKind::Map(
            entries
                .into_iter()
                .map(|(k, v)| (to_node(k, source), to_node(v, source)))
                .collect(),
        ),
    };
    Node { kind, span, typed }
}

/// What serde hands us, before spans are turned into byte offsets.
enum RawNode {
    Null,
    String(String),
    Other(String),
    Seq(Vec<Spanned<RawNode>>),
    Map(Vec<(Spanned<RawNode>, Spanned<RawNode>)>),
}

impl<'de> Deserialize<'de> for RawNode {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> Visitor<'de> for RawVisitor {
    type Value = RawNode;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_none<E>(self) -> Result<RawNode, E> {
        Ok(RawNode::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<RawNode, D::Error> {
        RawNode::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<RawNode, E> {
        Ok(RawNode::Other(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<RawNode, E> {
        Ok(RawNode::Other(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<RawNode, E> {
        Ok(RawNode::Other(v.to_string()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<RawNode, E> {
        Ok(RawNode::Other(v.to_string()))
    }
    fn visit_u128<E>(self, v: u128) -> Result<RawNode, E> {
        Ok(RawNode::Other(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<RawNode, E> {
        Ok(RawNode::Other(v.to_string()))
    }
    fn visit_char<E>(self, v: char) -> Result<RawNode, E> {
        Ok(RawNode::String(v.to_string()))
    }
    fn visit_str<E>(self, v: &str) -> Result<RawNode, E> {
        Ok(RawNode::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<RawNode, E> {
        Ok(RawNode::String(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<RawNode, E> {
        Ok(RawNode::String(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawNode, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<RawNode>>()? {
            items.push(item);
        }
        Ok(RawNode::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawNode, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<Spanned<RawNode>, Spanned<RawNode>>()? {
            entries.push(entry);
        }
        Ok(RawNode::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::tidy_quotes;

    #[test]
    fn tex_quotes_become_code_spans() {
        assert_eq!(
            tidy_quotes("unexpected character: ``'"),
            "unexpected character `` ` ``"
        );
        assert_eq!(
            tidy_quotes("unexpected character: `@'"),
            "unexpected character `@`"
        );
        assert_eq!(
            tidy_quotes("unexpected character: `\\t'"),
            "unexpected character `\\t`"
        );
        // Other quoting, and lone backticks, are left alone.
        assert_eq!(
            tidy_quotes("did not find expected ',' or '}'"),
            "did not find expected ',' or '}'"
        );
        assert_eq!(tidy_quotes("a ` alone"), "a ` alone");
        assert_eq!(tidy_quotes("`"), "`");
    }
}
