//! Card text → the Markdown of the sheets, written by flashdeck itself.
//!
//! A Markdown sheet is read by many renderers (GitHub, pandoc's readers,
//! Python-Markdown and MkDocs, markdown-it in VS Code, CommonMark crates),
//! and each has its own extensions: raw HTML, raw attributes (`` `x`{=html} ``),
//! math that is or is not parsed, bare-URL autolinks, definition lists. So
//! no text of a card reaches a sheet as written. A card's Markdown (or the
//! HTML of a card rendered from a template, or an `{html: …}` field) is
//! parsed into a small document tree ([`build`]), and the tree is written out
//! again ([`emit`]) with only constructs flashdeck chose: paragraphs,
//! headings, lists, quotes, tables, fenced code, emphasis, code spans, math,
//! links to safe URLs and images of the deck's own media. Every character
//! of text is written in a form that no renderer reads as markup, and no
//! HTML is ever written, so what a renderer does with the rest of the sheet
//! cannot turn a card's text into a tag. Safety holds card by card; the
//! sheet needs no proof as a whole.

mod build;
mod emit;
mod tree;

pub use tree::MediaPath;
use tree::{Block, Inline};

use std::borrow::Cow;

/// A card's text as a document tree, ready to be written as sheet Markdown.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetText {
    blocks: Vec<Block>,
}

impl SheetText {
    /// Parses bank Markdown (the bank dialect, MathJax delimiters, raw HTML).
    pub fn from_markdown(markdown: &str, media: &MediaPath<'_>) -> SheetText {
        SheetText {
            blocks: build::from_markdown(markdown, media),
        }
    }

    /// Parses HTML: a card rendered from its note type's templates, or an
    /// `{html: …}` field.
    pub fn from_html(html: &str, media: &MediaPath<'_>) -> SheetText {
        SheetText {
            blocks: build::from_html(html, media),
        }
    }

    /// The text as sheet Markdown: blocks separated by blank lines, no line
    /// break at the end.
    pub fn to_markdown(&self) -> String {
        emit::blocks(&self.blocks)
    }

    /// The text as one line of sheet Markdown when it is a single paragraph
    /// (line breaks become spaces), for a heading; `None` otherwise.
    pub fn single_line(&self) -> Option<String> {
        match self.blocks.as_slice() {
            [Block::Paragraph(inlines)] => Some(emit::heading_line(inlines)),
            _ => None,
        }
    }

    /// The text as a reader sees it, on one line: for counting words and for
    /// short titles. Math is shown as Unicode text where it can be.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        plain_blocks(&self.blocks, &mut out);
        let words: Vec<&str> = out.split_whitespace().collect();
        words.join(" ")
    }

    /// Whether the text is one paragraph (it fits a heading line).
    pub fn is_one_paragraph(&self) -> bool {
        matches!(self.blocks.as_slice(), [Block::Paragraph(_)])
    }

    /// How many words a reader sees (as [`SheetText::plain`] splits them),
    /// counted without making the text.
    pub fn word_count(&self) -> usize {
        let mut counter = WordCounter::default();
        count_blocks(&self.blocks, &mut counter);
        counter.words
    }

    /// Whether the text holds nothing to show.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

/// Counts words across pieces of text: a word may continue from one
/// piece into the next (`**a**b` is one).
#[derive(Default)]
struct WordCounter {
    words: usize,
    in_word: bool,
}

impl WordCounter {
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            let space = c.is_whitespace();
            if !space && !self.in_word {
                self.words += 1;
            }
            self.in_word = !space;
        }
    }

    fn gap(&mut self) {
        self.in_word = false;
    }
}

fn count_blocks(blocks: &[Block], counter: &mut WordCounter) {
    for block in blocks {
        match block {
            Block::Paragraph(inlines) | Block::Heading(_, inlines) => {
                count_inlines(inlines, counter);
            }
            Block::Quote(inner) => count_blocks(inner, counter),
            Block::List { items, .. } => {
                for item in items {
                    count_blocks(item, counter);
                    counter.gap();
                }
            }
            Block::Code { text, .. } => counter.text(text),
            Block::Table { rows, .. } => {
                for cell in rows.iter().flatten() {
                    count_inlines(cell, counter);
                    counter.gap();
                }
            }
            Block::Rule => {}
        }
        counter.gap();
    }
}

fn count_inlines(inlines: &[Inline], counter: &mut WordCounter) {
    for inline in inlines {
        match inline {
            Inline::Text(text) | Inline::Code(text) => counter.text(text),
            Inline::Math { tex, .. } => match super::tex_to_text(tex) {
                Some(text) => counter.text(&text),
                None => counter.text(tex),
            },
            Inline::Emphasis(inner) | Inline::Strong(inner) | Inline::Strike(inner) => {
                count_inlines(inner, counter);
            }
            Inline::Link { content, .. } => count_inlines(content, counter),
            Inline::Image { alt, .. } => counter.text(alt),
            Inline::Media { .. } => {}
            Inline::Break | Inline::SoftBreak => counter.gap(),
        }
    }
}

fn plain_blocks(blocks: &[Block], out: &mut String) {
    for block in blocks {
        match block {
            Block::Paragraph(inlines) | Block::Heading(_, inlines) => plain_inlines(inlines, out),
            Block::Quote(inner) => plain_blocks(inner, out),
            Block::List { items, .. } => {
                for item in items {
                    plain_blocks(item, out);
                    out.push(' ');
                }
            }
            Block::Code { text, .. } => out.push_str(text),
            Block::Table { rows, .. } => {
                for cell in rows.iter().flatten() {
                    plain_inlines(cell, out);
                    out.push(' ');
                }
            }
            Block::Rule => {}
        }
        out.push(' ');
    }
}

fn plain_inlines(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text) | Inline::Code(text) => out.push_str(text),
            Inline::Math { tex, .. } => {
                let text = super::tex_to_text(tex).map_or(Cow::Borrowed(tex.as_str()), Cow::Owned);
                out.push_str(&text);
            }
            Inline::Emphasis(inner) | Inline::Strong(inner) | Inline::Strike(inner) => {
                plain_inlines(inner, out);
            }
            Inline::Link { content, .. } => plain_inlines(content, out),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::Media { .. } => {}
            Inline::Break | Inline::SoftBreak => out.push(' '),
        }
    }
}

pub use emit::{escape_text, push_code_span};

#[cfg(test)]
mod tests;
