//! Stage 4, write: one module per output format, each a pure function from a
//! [`Deck`](crate::transform::Deck) to the bytes of its files. Writers hand
//! their bytes to an [`Output`] as they make them and never open a file
//! themselves: a build's output is `crate::output::Staging`, the one place
//! that writes; tests read the files from memory with [`Writer::files`].
//!
//! How the modules depend on each other, one way only: [`output`] (the
//! interface files go through) and [`format`] depend on nothing here;
//! [`rendered`] (the renderings several writers share, each made once per
//! deck) sits below every writer; [`handout`] (what the three handouts share)
//! on it; each format's module on those; and this module, which picks a
//! writer for a format, on the formats.
//!
//! To add a format: add a variant to [`Format`], a module with a type that
//! implements [`Writer`], and a line in [`writer_for`]. A rendering that
//! another writer also needs belongs in [`rendered`], made once per deck.

pub mod apkg;
pub mod crowdanki;
pub mod format;
pub mod handout;
pub mod handout_html;
pub mod output;
pub mod quiz_sheet;
pub mod quizlet;
pub mod rendered;
pub mod study_sheet;
pub mod writer;

pub use format::Format;
pub use output::{Fill, InMemory, Output, OutputFile, WriteError};
pub use rendered::Rendered;
pub use writer::Writer;

/// Options that reach the writers from the command line.
#[derive(Debug, Clone)]
pub struct WriterOptions {
    /// Quizlet: text between term and definition.
    pub quizlet_term_sep: String,
    /// Quizlet: text between cards.
    pub quizlet_card_sep: String,
    /// Quizlet: warn about a term or definition longer than this.
    pub quizlet_max_chars: usize,
    /// Anki: note type modification time (from the lock).
    pub notetype_modified: i64,
    /// Anki: a whole deck's package carries its bank's text files (set by
    /// `build`; the package writer reads them from the deck).
    pub carry_bank: bool,
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            quizlet_term_sep: "\t".into(),
            quizlet_card_sep: "\n".into(),
            quizlet_max_chars: 2000,
            notetype_modified: 0,
            carry_bank: true,
        }
    }
}

/// The writer of `format`.
pub fn writer_for(format: Format, options: &WriterOptions) -> Box<dyn Writer> {
    match format {
        Format::Apkg => Box::new(apkg::ApkgWriter {
            notetype_modified: options.notetype_modified,
        }),
        Format::Quizlet => Box::new(quizlet::QuizletWriter {
            term_sep: options.quizlet_term_sep.clone(),
            card_sep: options.quizlet_card_sep.clone(),
        }),
        Format::QuizletCsv => Box::new(quizlet::QuizletCsvWriter),
        Format::Markdown => Box::new(study_sheet::StudySheetWriter),
        Format::Quiz => Box::new(quiz_sheet::QuizSheetWriter),
        Format::Html => Box::new(handout_html::HandoutHtmlWriter),
        Format::CrowdAnki => Box::new(crowdanki::CrowdAnkiWriter),
    }
}
