//! The output formats.

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
    /// CrowdAnki deck folder (not built by default): `<deck-id>/deck.json` and `<deck-id>/media/`.
    #[value(name = "crowdanki")]
    CrowdAnki,
}

impl Format {
    /// Every format, in the order they are written.
    pub const ALL: [Format; 7] = [
        Format::Apkg,
        Format::Quizlet,
        Format::QuizletCsv,
        Format::Markdown,
        Format::Quiz,
        Format::Html,
        Format::CrowdAnki,
    ];

    /// What `build` writes without `--format`: every format but CrowdAnki's
    /// folder (asked for by name, for decks shared the CrowdAnki way).
    pub const DEFAULT: [Format; 6] = [
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
    pub const BUILD_ORDER: [Format; 7] = [
        Format::Quizlet,
        Format::QuizletCsv,
        Format::Apkg,
        Format::Html,
        Format::Markdown,
        Format::Quiz,
        Format::CrowdAnki,
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
            Format::CrowdAnki => "crowdanki",
        }
    }
}
