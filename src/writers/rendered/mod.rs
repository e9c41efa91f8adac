//! A deck with the renderings several writers share, each made at most once.
//!
//! The Quizlet file, the CSV and the build's Quizlet checks read the same
//! plain-text pairs; the two Markdown sheets and the print page read the same
//! handout text, and the two sheets the same sheet Markdown. Each is made on first use (on every core, in card order)
//! and kept for the other writers of the deck, so building all six outputs
//! renders each field once per target instead of once per writer. Code blocks
//! are highlighted once per run by the highlighter itself, whichever writer
//! asks first (the .apkg and the print page show the same blocks).

use std::ops::Deref;
use std::sync::OnceLock;

pub mod handout_text;
pub mod quizlet_pairs;
pub mod sheet_cards;

use super::format::Format;
use crate::markup::Layout;
use crate::transform::Deck;
use handout_text::HandoutText;
use quizlet_pairs::Pair;
use sheet_cards::SheetCard;

/// A deck and its shared renderings. It reads as the deck itself (it
/// dereferences to [`Deck`]); make one per deck and hand it to every writer.
pub struct Rendered<'d> {
    deck: &'d Deck,
    one_line_pairs: OnceLock<Vec<Pair>>,
    lines_pairs: OnceLock<Vec<Pair>>,
    handout: OnceLock<Vec<HandoutText<'d>>>,
    sheet_cards: OnceLock<Vec<SheetCard<'d>>>,
    /// Whether the print page will be written after the .apkg, so the .apkg
    /// keeps its question and answer HTML for it.
    card_html_wanted: bool,
    /// Whether a Markdown sheet will be written after the .apkg.
    sheets_after_apkg: bool,
    card_html: OnceLock<Vec<Option<CardHtml>>>,
}

/// A card's question and answer HTML as the .apkg renders them (media by
/// packaged name), kept for the print page: where the page's Markdown is the
/// same and names no media, its HTML is the same too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHtml {
    /// The question field's HTML.
    pub question: String,
    /// The answer field's, when it is rendered from Markdown (not type-in).
    pub answer: Option<String>,
}

impl<'d> Rendered<'d> {
    /// Wraps `deck`; nothing is rendered until a writer asks.
    pub fn new(deck: &'d Deck) -> Rendered<'d> {
        Rendered {
            deck,
            one_line_pairs: OnceLock::new(),
            lines_pairs: OnceLock::new(),
            handout: OnceLock::new(),
            sheet_cards: OnceLock::new(),
            card_html_wanted: false,
            sheets_after_apkg: false,
            card_html: OnceLock::new(),
        }
    }

    /// Wraps `deck` for writing `formats` in this order: what one writer
    /// renders that a later one can reuse is kept for it.
    pub fn for_formats(deck: &'d Deck, formats: &[Format]) -> Rendered<'d> {
        let at = |f: Format| formats.iter().position(|&g| g == f);
        let after_apkg =
            |f: Format| matches!((at(Format::Apkg), at(f)), (Some(a), Some(g)) if a < g);
        Rendered {
            card_html_wanted: after_apkg(Format::Html),
            sheets_after_apkg: after_apkg(Format::Markdown) || after_apkg(Format::Quiz),
            ..Rendered::new(deck)
        }
    }

    /// Makes, on the calling thread alone, the renderings writers after the
    /// .apkg will read (the sheets' text): the .apkg calls it on the core its
    /// one-threaded part leaves free.
    pub fn prepare_later(&self) {
        if self.sheets_after_apkg {
            self.sheet_cards.get_or_init(|| {
                let texts = self
                    .handout
                    .get_or_init(|| handout_text::handout_text_on(self.deck, 1));
                sheet_cards::sheet_cards_on(self.deck, texts, 1)
            });
        }
    }

    /// Keeps Quizlet pairs made beforehand for this deck (by
    /// [`quizlet_pairs::pairs`], in `layout`) for the writers that read them.
    pub fn keep_quizlet_pairs(&mut self, layout: Layout, pairs: Vec<Pair>) {
        let cell = match layout {
            Layout::OneLine => &mut self.one_line_pairs,
            Layout::Lines => &mut self.lines_pairs,
        };
        *cell = OnceLock::from(pairs);
    }

    /// Whether the .apkg writer should hand its question and answer HTML
    /// to [`Rendered::keep_card_html`].
    pub fn wants_card_html(&self) -> bool {
        self.card_html_wanted
    }

    /// Keeps the .apkg's question and answer HTML (by card index; `None` for
    /// cards of other kinds) for the print page.
    pub fn keep_card_html(&self, html: Vec<Option<CardHtml>>) {
        if self.card_html_wanted {
            let _ = self.card_html.set(html);
        }
    }

    /// The HTML the .apkg kept for card `index`, if it did.
    pub fn card_html(&self, index: usize) -> Option<&CardHtml> {
        self.card_html.get()?.get(index)?.as_ref()
    }

    /// The deck.
    pub fn deck(&self) -> &'d Deck {
        self.deck
    }

    /// The Quizlet term/definition pairs in `layout` (see [`quizlet_pairs::pairs`]).
    pub fn quizlet_pairs(&self, layout: Layout) -> &[Pair] {
        let cell = match layout {
            Layout::OneLine => &self.one_line_pairs,
            Layout::Lines => &self.lines_pairs,
        };
        cell.get_or_init(|| quizlet_pairs::pairs(self.deck, layout))
    }

    /// Each card's question and answer as the Markdown sheets write them
    /// (see [`sheet_cards::sheet_cards`]), in card order.
    pub fn sheet_cards(&self) -> &[SheetCard<'d>] {
        self.sheet_cards
            .get_or_init(|| sheet_cards::sheet_cards(self.deck, self.handout_text()))
    }

    /// Each card's question and answer as the handouts read them (see
    /// [`handout_text::handout_text`]), in card order.
    pub fn handout_text(&self) -> &[HandoutText<'d>] {
        self.handout
            .get_or_init(|| handout_text::handout_text(self.deck))
    }
}

impl Rendered<'_> {
    /// Frees what no format in `formats_left` reads (a 100k-card deck's
    /// pairs or handout Markdown are tens of MB), so the next writers run
    /// without it.
    pub fn release_unneeded(&mut self, formats_left: &[Format]) {
        let left = |wanted: &[Format]| formats_left.iter().any(|f| wanted.contains(f));
        if !left(&[Format::Quizlet, Format::QuizletCsv]) {
            self.one_line_pairs = OnceLock::new();
            self.lines_pairs = OnceLock::new();
        }
        if !left(&[Format::Markdown, Format::Quiz]) {
            self.sheet_cards = OnceLock::new();
        }
        if !left(&[Format::Markdown, Format::Quiz, Format::Html]) {
            self.handout = OnceLock::new();
        }
        if !left(&[Format::Html]) {
            self.card_html = OnceLock::new();
        }
    }
}

impl Deref for Rendered<'_> {
    type Target = Deck;

    fn deref(&self) -> &Deck {
        self.deck
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::showcase_deck;

    #[test]
    fn each_rendering_is_made_once_and_released_when_no_writer_needs_it() {
        let deck = showcase_deck();
        let mut rendered = Rendered::new(&deck);
        let first = rendered.quizlet_pairs(Layout::OneLine).as_ptr();
        assert_eq!(rendered.quizlet_pairs(Layout::OneLine).as_ptr(), first);
        assert_eq!(
            rendered.quizlet_pairs(Layout::OneLine),
            quizlet_pairs::pairs(&deck, Layout::OneLine).as_slice()
        );
        assert_eq!(
            rendered.handout_text(),
            handout_text::handout_text(&deck).as_slice()
        );
        rendered.release_unneeded(&[Format::Quiz]);
        assert!(rendered.one_line_pairs.get().is_none());
        assert!(rendered.handout.get().is_some());
        rendered.release_unneeded(&[]);
        assert!(rendered.handout.get().is_none());
    }
}
