//! Stage 4, write: one module per output format, each a pure function from a
//! [`Deck`](crate::transform::Deck) to the bytes of its files. Writers hand
//! their bytes to an [`Output`] as they make them and never open a file
//! themselves: a build's output is [`crate::output::Staging`], the one place
//! that writes; tests read the files from memory with [`Writer::files`].
//!
//! To add a format: add a variant to [`Format`], a module with a type that
//! implements [`Writer`], and a line in [`writer_for`]. A rendering that
//! another writer also needs belongs in [`rendered`], made once per deck.

pub mod apkg;
pub mod handout;
pub mod handout_html;
pub mod quiz_sheet;
pub mod quizlet;
pub mod rendered;
pub mod study_sheet;

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

pub use rendered::Rendered;

/// A file a writer produced, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path under the output folder.
    pub path: PathBuf,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Why a writer could not produce its files.
#[derive(Debug)]
pub enum WriteError {
    /// The writer could not make its bytes (the message says why).
    Render(String),
    /// The [`Output`] could not take them (a full disk, a folder that
    /// cannot be written).
    Output(io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Render(message) => f.write_str(message),
            WriteError::Output(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> WriteError {
        WriteError::Output(e)
    }
}

/// Fills one file: writes its bytes to the sink it is given.
pub type Fill<'a> = dyn FnMut(&mut dyn io::Write) -> io::Result<()> + 'a;

/// Where a writer puts its files. Each file's bytes go to their destination
/// as they are made, so a build never holds a whole output in memory.
pub trait Output {
    /// Writes the file at `path` (relative to the output folder): `fill`
    /// writes its bytes. A path this output already holds is not written
    /// again (both Markdown sheets ship the same media files).
    fn file(&mut self, path: &Path, fill: &mut Fill<'_>) -> io::Result<()>;
}

/// An [`Output`] that keeps the files in memory, in the order written.
#[derive(Debug, Default)]
pub struct InMemory {
    /// The files written so far.
    pub files: Vec<OutputFile>,
    /// Their paths, to write each once.
    paths: std::collections::HashSet<PathBuf>,
}

impl Output for InMemory {
    fn file(&mut self, path: &Path, fill: &mut Fill<'_>) -> io::Result<()> {
        if !self.paths.insert(path.to_path_buf()) {
            return Ok(());
        }
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        self.files.push(OutputFile {
            path: path.to_path_buf(),
            bytes,
        });
        Ok(())
    }
}

/// One output format.
pub trait Writer {
    /// Renders the deck into `out`. The deck reads as a
    /// [`crate::transform::Deck`]; what several writers need (plain-text
    /// pairs, handout Markdown) it renders once for all of them.
    fn write(&self, deck: &Rendered<'_>, out: &mut dyn Output) -> Result<(), WriteError>;

    /// The deck's files in memory, in the order written.
    fn files(&self, deck: &Rendered<'_>) -> Result<Vec<OutputFile>, WriteError> {
        let mut out = InMemory::default();
        self.write(deck, &mut out)?;
        Ok(out.files)
    }
}

/// The output formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    /// Anki package: `<deck>.apkg`.
    Apkg,
    /// Quizlet paste-in file (Tab between term and definition, one card per line): `<deck>.quizlet.txt`.
    Quizlet,
    /// Spreadsheet CSV (RFC 4180, header row) for Google Sheets or Excel: `<deck>.quizlet.csv`.
    QuizletCsv,
    /// Markdown study sheet, questions followed by answers: `<deck>.md`.
    Markdown,
    /// Markdown quiz sheet with an answer key: `<deck>.quiz.md`.
    Quiz,
    /// Self-contained print-ready HTML page: `<deck>.html`.
    Html,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 6] = [
        Format::Apkg,
        Format::Quizlet,
        Format::QuizletCsv,
        Format::Markdown,
        Format::Quiz,
        Format::Html,
    ];

    /// The order a build runs the writers in (its files are listed in the
    /// order asked for): the Quizlet writers first, right after the build's
    /// Quizlet checks made their pairs, then the print page right after the
    /// .apkg, whose HTML it reuses, then the Markdown sheets, which share the
    /// page's handout Markdown. Each shared rendering is freed as soon as no
    /// writer after it needs it.
    pub const BUILD_ORDER: [Format; 6] = [
        Format::Quizlet,
        Format::QuizletCsv,
        Format::Apkg,
        Format::Html,
        Format::Markdown,
        Format::Quiz,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Apkg => "apkg",
            Format::Quizlet => "quizlet",
            Format::QuizletCsv => "quizlet-csv",
            Format::Markdown => "markdown",
            Format::Quiz => "quiz",
            Format::Html => "html",
        }
    }
}

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
}

impl Default for WriterOptions {
    fn default() -> Self {
        WriterOptions {
            quizlet_term_sep: "\t".into(),
            quizlet_card_sep: "\n".into(),
            quizlet_max_chars: 2000,
            notetype_modified: 0,
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
    }
}
