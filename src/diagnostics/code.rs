use super::Severity;

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $severity:ident; )*) => {
        /// Stable identifier of a validation rule. The kebab-case name is what
        /// users see (`error[duplicate-card-id]`) and what `--format json` prints;
        /// it never changes once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The code named `name`, if any.
            pub fn parse(name: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str() == name)
            }

            /// Severity unless promoted by `--deny-warnings`.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// Whether a bank's `lints:` or the command line may lower it:
            /// every warning, and the errors about authoring style that Anki
            /// itself reads without complaint (a deck converted from Anki
            /// allows those it holds).
            pub fn is_lowerable(self) -> bool {
                self.severity() == Severity::Warning || STYLE_ERRORS.contains(&self)
            }
        }
    };
}

/// Errors by default, because a hand-written bank holding them is usually
/// a slip, but valid to Anki (a deck converted from Anki may hold them): a
/// bank may allow them.
const STYLE_ERRORS: &[Code] = &[
    Code::ClozeBraces,
    Code::ClozeUnclosed,
    Code::ClozeNumber,
    Code::ClozeEmpty,
    Code::ControlCharacter,
];

codes! {
    /// The file could not be read.
    Unreadable = "unreadable", Error;
    /// The file is not UTF-8.
    InvalidUtf8 = "invalid-utf8", Error;
    /// The file holds no YAML document.
    EmptyFile = "empty-file", Error;
    /// The YAML does not parse.
    YamlSyntax = "yaml-syntax", Error;
    /// A tab is used for indentation.
    TabIndentation = "tab-indentation", Error;
    /// The YAML exceeds a size or nesting limit.
    YamlLimit = "yaml-limit", Error;
    /// A mapping has the same key twice.
    DuplicateKey = "duplicate-key", Error;
    /// A key that flashdeck does not know.
    UnknownKey = "unknown-key", Error;
    /// A value of the wrong type (a list where text is expected, …).
    WrongType = "wrong-type", Error;
    /// A required key is absent.
    MissingField = "missing-field", Error;
    /// A required field is empty.
    EmptyField = "empty-field", Error;
    /// A field the card's type does not use (a `question` on a cloze card, …).
    FieldNotUsed = "field-not-used", Error;
    /// `type` is not basic, reversed, cloze or type-in.
    UnknownCardType = "unknown-card-type", Error;
    /// Two cards share an id.
    DuplicateCardId = "duplicate-card-id", Error;
    /// Two banks of one build share a deck id (their outputs would collide).
    DuplicateDeckId = "duplicate-deck-id", Error;
    /// An id that is not a slug.
    InvalidId = "invalid-id", Error;
    /// A tag that is empty or has spaces.
    InvalidTag = "invalid-tag", Error;
    /// A deck name with an empty `::` part.
    InvalidDeckName = "invalid-deck-name", Error;
    /// Cloze text without any `{{cN::…}}` deletion.
    ClozeWithoutDeletion = "cloze-without-deletion", Error;
    /// `}}` or `{{` inside a cloze deletion, which ends it early in Anki.
    ClozeBraces = "cloze-braces", Error;
    /// A `{{cN::` that is never closed.
    ClozeUnclosed = "cloze-unclosed", Error;
    /// A cloze number Anki cannot use: 0, above 65535, or an empty list item.
    ClozeNumber = "cloze-number", Error;
    /// A cloze deletion that hides nothing (`{{c1::}}`).
    ClozeEmpty = "cloze-empty", Error;
    /// Markdown rendering changes the deletions Anki would see (an escaped
    /// `\:` or `\{` that becomes a marker, or a marker split by markup).
    ClozeChangedByMarkdown = "cloze-changed-by-markdown", Error;
    /// A control character (NUL, vertical tab, form feed, U+0085, U+2028…) in the bank.
    ControlCharacter = "control-character", Error;
    /// A bank, lock or media file above its size limit, or a bank whose
    /// aliases expand past the budget.
    TooLarge = "too-large", Error;
    /// A bank path that is not a regular file (a FIFO, a device, a folder).
    NotAFile = "not-a-file", Error;
    /// Two banks in one folder that would share a lock file (`x.yaml`, `x.yml`).
    LockClash = "lock-clash", Error;
    /// A lock file that cannot be used (unparsable line, a time out of range).
    InvalidLock = "invalid-lock", Error;
    /// A `lints:` level that is not allow, warn or deny, or that would lower an error.
    InvalidLint = "invalid-lint", Error;
    /// `build`'s filters keep no card of a deck (an empty deck would replace the outputs).
    EmptySelection = "empty-selection", Error;
    /// `build --id` names no card of the banks built.
    UnknownCardId = "unknown-card-id", Error;
    /// A referenced media file does not exist.
    MediaMissing = "media-missing", Error;
    /// The bank lists media its source deck named but did not hold
    /// (`missing-media:`, written by `convert`): references are kept as written.
    MediaNotInSource = "media-not-in-source", Warning;
    /// A media path leaves the bank's folder.
    MediaOutsideBank = "media-outside-bank", Error;
    /// Two different media files share a basename.
    MediaNameClash = "media-name-clash", Error;
    /// A reference that is not an http(s) URL.
    InvalidReference = "invalid-reference", Error;
    /// A card's type differs from the one in the lock (Anki cannot change it).
    CardTypeChanged = "card-type-changed", Error;
    /// `pull`: a card changed in the bank and in Anki since the last build
    /// (left as the bank has it unless `--theirs`/`--ours` says which wins).
    PullConflict = "pull-conflict", Error;
    /// `pull`: a card of the bank has no note in the export (kept).
    NotInExport = "not-in-export", Warning;
    /// A field contains the separator chosen for the Quizlet file.
    QuizletSeparator = "quizlet-separator", Error;
    /// Two note types of a bank share a name.
    DuplicateNoteType = "duplicate-note-type", Error;
    /// A note type that Anki cannot use as written: no fields or templates,
    /// repeated or unusable names, a cloze type with several templates, an
    /// unknown sort field, an id that is not a number.
    InvalidNoteType = "invalid-note-type", Error;
    /// A card template that does not parse (`{{#Field}}` never closed, a
    /// `{{/Field}}` that closes nothing).
    TemplateSyntax = "template-syntax", Error;
    /// A template names a field its note type does not have.
    UnknownTemplateField = "unknown-template-field", Error;
    /// A cloze note type whose template has no `{{cloze:…}}`.
    ClozeTemplateMissing = "cloze-template-missing", Error;
    /// `<script>` in a template of a note type that does not say `scripts: true`.
    TemplateScript = "template-script", Error;
    /// A card names a note type the bank does not declare.
    UnknownNoteType = "unknown-note-type", Error;
    /// A card sets a field its note type does not have.
    UnknownNoteField = "unknown-note-field", Error;
    /// A card's `decks:` names a template its note type does not have.
    UnknownTemplate = "unknown-template", Error;
    /// A GUID with characters outside Anki's GUID alphabet, or empty or too long.
    InvalidGuid = "invalid-guid", Error;
    /// Two cards share a GUID (Anki would merge them into one note).
    DuplicateGuid = "duplicate-guid", Error;
    /// A note whose fields give no card: every template's front is empty
    /// (Anki refuses such a note), or a cloze note without deletions.
    EmptyFront = "empty-front", Error;
    /// A `crowdanki:` mapping sets a key flashdeck writes itself, or two
    /// note types keep the same `crowdanki-uuid`.
    InvalidCrowdAnki = "invalid-crowdanki", Error;
    /// A card keeps an Anki GUID but its note type keeps no Anki id: Anki
    /// would match the note and find another note type (a conflict, nothing updated).
    GuidWithoutNoteTypeId = "guid-without-note-type-id", Warning;
    /// Sanitizing an HTML field removed something (a script, a handler, an unsafe link).
    HtmlSanitized = "html-sanitized", Warning;
    /// Two cards ask the same question.
    DuplicateQuestion = "duplicate-question", Warning;
    /// Two cards ask almost the same question.
    NearDuplicateQuestion = "near-duplicate-question", Warning;
    /// A field longer than is comfortable to study.
    LongField = "long-field", Warning;
    /// An answer a student must produce (a card's `answer`, or what one cloze
    /// number hides) longer than `--max-answer-words`; `extra` is not counted.
    LongAnswer = "long-answer", Warning;
    /// A Quizlet term or definition longer than `--quizlet-max-chars` (written whole).
    QuizletLongField = "quizlet-long-field", Warning;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
