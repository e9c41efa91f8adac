//! The document tree of a card's text on a sheet: the few constructs the
//! sheets write.

/// Maps a media reference as the input writes it to the path the sheet
/// uses, or `None` when it is not a file of the deck.
pub type MediaPath<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// A block of the tree.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Block {
    Paragraph(Vec<Inline>),
    Heading(u8, Vec<Inline>),
    Quote(Vec<Block>),
    List {
        /// The first number of an ordered list.
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Code {
        lang: String,
        text: String,
    },
    Table {
        align: Vec<Align>,
        /// The first row is the header.
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Rule,
}

/// A column's alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    None,
    Left,
    Center,
    Right,
}

/// Inline content.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Inline {
    Text(String),
    Code(String),
    Math {
        tex: String,
        display: bool,
    },
    Emphasis(Vec<Inline>),
    Strong(Vec<Inline>),
    Strike(Vec<Inline>),
    /// A link to a URL that may be followed.
    Link {
        url: String,
        content: Vec<Inline>,
    },
    /// An image of the deck (its path on the sheet).
    Image {
        url: String,
        alt: String,
    },
    /// A sound or video of the deck, shown as a link to the file.
    Media {
        url: String,
        name: String,
    },
    /// A hard line break.
    Break,
    /// A line break inside a paragraph as written (read as a space).
    SoftBreak,
}
