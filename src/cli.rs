//! The command line: argument parsing and the four commands. `main.rs` only
//! calls [`run`] and exits with its code.

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostics::{self, Diagnostics};
use crate::output::{Written, write_atomic};
use crate::pipeline::{self, BuildFailure, BuildOptions, CheckReport};
use crate::progress::Progress;
use crate::transform::Filter;
use crate::validate::Rules;
use crate::writers::{Format, WriterOptions};

/// Exit status: success.
pub const EXIT_OK: i32 = 0;
/// Exit status: a bank is invalid (or the lock is out of date with `--locked`).
pub const EXIT_INVALID: i32 = 1;
/// Exit status: wrong usage, or a file could not be read or written.
pub const EXIT_ERROR: i32 = 2;

const STARTER_BANK: &str = include_str!("starter.yaml");

/// Turn a YAML flashcard bank into an Anki package, a Quizlet import file and
/// printable handouts.
#[derive(Debug, Parser)]
#[command(name = "flashdeck", version, propagate_version = true)]
#[command(
    after_help = "Examples:\n  flashdeck new source/my-deck.yaml     write a commented starter bank\n  flashdeck check                       validate every bank under source/\n  flashdeck build                       build every bank under source/ into out/\n  flashdeck build source/x.yaml --format apkg --tag orm\n\nExit status: 0 ok, 1 invalid bank, 2 usage or I/O error."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    global: GlobalArgs,
}

#[derive(Debug, Args)]
struct GlobalArgs {
    /// Print only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Say more: `build` lists every file, changed or not; `check` every bank.
    #[arg(short, long, global = true, conflicts_with = "quiet")]
    verbose: bool,
    /// When to colour output: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate banks and write the decks (all formats into out/ by default).
    #[command(
        after_help = "Examples:\n  flashdeck build\n  flashdeck build source/django-interview.yaml --out dist --format apkg,quizlet\n  flashdeck build source/django-interview.yaml --tag orm --exclude-tag drf --out dist/orm\n  flashdeck build --locked          # in CI: fail if a lock file would change\n\nEach bank gets a lock file beside it (x.yaml → x.lock) recording when each card last\nchanged, so Anki updates exactly the edited notes on re-import. Commit it."
    )]
    Build(BuildArgs),
    /// Validate banks and report every problem, without writing anything.
    #[command(
        after_help = "Examples:\n  flashdeck check\n  flashdeck check source/django-interview.yaml --format json\n  flashdeck check --deny-warnings"
    )]
    Check(CheckArgs),
    /// Print the JSON Schema of the bank format (for editor completion).
    #[command(
        after_help = "Example:\n  flashdeck schema > schema/bank.schema.json\n\nThen start a bank with:  # yaml-language-server: $schema=../schema/bank.schema.json"
    )]
    Schema,
    /// Bring an existing deck in: an Anki package, a Quizlet export or a spreadsheet becomes a bank.
    #[command(
        after_help = "Examples:\n  flashdeck convert ~/Downloads/Spanish.apkg             → source/spanish.yaml, its lock and media\n  flashdeck convert collection.colpkg --deck \"Lang::Spanish\"\n  flashdeck convert set.txt --term-sep ' - ' --card-sep ';'     (Quizlet's Export text)\n  flashdeck convert words.csv --columns question,answer,tags\n  flashdeck convert vocab.tsv --columns question,answer --no-header\n\nA deck from Anki keeps its note types, ids and GUIDs, and the lock is seeded with its notes'\ntimes: the first `flashdeck build` updates the notes its users have instead of duplicating them.\nScheduling stays in each user's collection. Existing files are replaced only with --force."
    )]
    Convert(ConvertArgs),
    /// Bring edits made in Anki back into the bank: merge an export from Anki into the bank it was built from.
    #[command(
        after_help = "Examples:\n  flashdeck pull ~/Downloads/Django.apkg source/django-interview.yaml\n  flashdeck pull export.apkg source/x.yaml --dry-run      say what would change, write nothing\n  flashdeck pull export.apkg source/x.yaml --theirs       conflicts: Anki's text wins\n  flashdeck pull ~/CrowdAnki/Django source/x.yaml         a CrowdAnki export folder\n\nIn Anki: File → Export → \"Anki Deck Package\" (with or without scheduling). Notes are\nmatched by GUID; the lock tells what the last build gave Anki. A card edited only in Anki\ntakes Anki's text (Markdown when that builds the same HTML), one edited on both sides is a\nconflict, left as the bank has it (exit status 1) until --theirs or --ours; notes new in\nAnki are appended with their GUID; cards missing from the export are reported, never\nremoved; tags merge both ways. Only the changed cards' lines change: review them with\n`git diff`, commit, build, publish."
    )]
    Pull(PullArgs),
    /// Write a commented starter bank to PATH (refuses to overwrite).
    #[command(
        after_help = "Example:\n  flashdeck new source/my-deck.yaml && flashdeck check source/my-deck.yaml"
    )]
    New {
        /// Where to write the bank, e.g. source/my-deck.yaml.
        path: PathBuf,
    },
}

#[derive(Debug, Args)]
struct PullArgs {
    /// The export from Anki: an .apkg (File → Export → Anki Deck Package), or a CrowdAnki folder.
    export: PathBuf,
    /// The bank the deck was built from (its lock must sit beside it).
    bank: PathBuf,
    /// Conflicts: take Anki's text.
    #[arg(long, conflicts_with = "ours")]
    theirs: bool,
    /// Conflicts: keep the bank's text (Anki's tag changes still merge).
    #[arg(long)]
    ours: bool,
    /// Say what would change; write nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Debug, Args)]
struct ConvertArgs {
    /// The file to convert: .apkg or .colpkg (Anki), .txt (Quizlet's export, or Anki's
    /// "Notes in Plain Text", told apart by its `#` headers), .csv or .tsv (a spreadsheet).
    input: PathBuf,
    /// Its format, when the file name does not say.
    #[arg(long = "from", value_enum)]
    from: Option<crate::read::InputFormat>,
    /// The folder for the bank (`<deck-id>.yaml`), its lock and `media/<deck-id>/`.
    #[arg(long, value_name = "DIR", default_value = "source")]
    out: PathBuf,
    /// Replace files that already exist.
    #[arg(long)]
    force: bool,
    /// Anki: only this deck and its subdecks (a whole collection holds every deck).
    #[arg(long, value_name = "NAME")]
    deck: Option<String>,
    /// Quizlet: text between term and definition ("\t" = Tab, the default).
    #[arg(long, value_name = "SEP", default_value = "\\t")]
    term_sep: String,
    /// Quizlet: text between cards ("\n" = New line, the default).
    #[arg(long, value_name = "SEP", default_value = "\\n")]
    card_sep: String,
    /// Spreadsheet: what each column holds, in order: question, answer, tags,
    /// extra, or - to skip one (default: from the header row's names).
    #[arg(long, value_name = "ROLES", value_delimiter = ',')]
    columns: Option<Vec<String>>,
    /// Spreadsheet: the first row is a header row (default: it is when its
    /// cells name columns, or when --columns is not given).
    #[arg(long, conflicts_with = "no_header")]
    header: bool,
    /// Spreadsheet: the first row is a card, not a header.
    #[arg(long)]
    no_header: bool,
}

#[derive(Debug, Args)]
struct BankArgs {
    /// Bank files or folders (folders are searched for *.yaml). Default: source/
    #[arg(value_name = "BANK|DIR")]
    banks: Vec<PathBuf>,
    /// Treat warnings as errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Warn about fields longer than this many characters.
    #[arg(long, value_name = "CHARS", default_value_t = Rules::default().max_field_chars)]
    max_field_chars: usize,
    /// Warn about answers longer than this many words (`extra` is not counted).
    #[arg(long, value_name = "WORDS", default_value_t = Rules::default().max_answer_words)]
    max_answer_words: usize,
    /// Do not report this warning (e.g. near-duplicate-question); repeatable.
    /// Overrides the bank's `lints:` table.
    #[arg(long = "allow", value_name = "CODE")]
    allow: Vec<String>,
    /// Report this lint as a warning; repeatable.
    #[arg(long = "warn", value_name = "CODE")]
    warn: Vec<String>,
    /// Report this lint as an error (the check fails); repeatable.
    #[arg(long = "deny", value_name = "CODE")]
    deny: Vec<String>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[command(flatten)]
    banks: BankArgs,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ReportFormat {
    /// For people, like rustc and cargo.
    Human,
    /// One JSON object, for editors and CI.
    Json,
}

#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    banks: BankArgs,
    /// Output folder (default: out/). A selection (`--tag`, `--exclude-tag`,
    /// `--id`) needs one of its own, so it never replaces the full decks in out/.
    #[arg(long, short, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Formats to write, comma-separated. Default: all.
    #[arg(
        long,
        short,
        value_enum,
        value_delimiter = ',',
        value_name = "FORMAT,..."
    )]
    format: Vec<Format>,
    /// Keep only cards with one of these tags (a parent tag matches its children).
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// Drop cards with any of these tags.
    #[arg(long = "exclude-tag", value_name = "TAG")]
    exclude_tags: Vec<String>,
    /// Keep only these card ids.
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<String>,
    /// Fail instead of updating a lock file (for CI).
    #[arg(long)]
    locked: bool,
    /// The .apkg does not carry the bank's text (`flashdeck.json`, which lets `convert` give the
    /// bank back): a smaller package for a very large deck, or a bank you do not publish.
    #[arg(long)]
    without_bank: bool,
    /// Quizlet: text between term and definition ("\t" = Tab, the default).
    #[arg(long, value_name = "SEP", default_value = "\\t")]
    quizlet_term_sep: String,
    /// Quizlet: warn when a term or definition is longer than this (never truncated).
    #[arg(long, value_name = "CHARS", default_value_t = WriterOptions::default().quizlet_max_chars)]
    quizlet_max_chars: usize,
    /// Quizlet: text between cards ("\n" = New line, the default).
    #[arg(long, value_name = "SEP", default_value = "\\n")]
    quizlet_card_sep: String,
}

/// Parses the arguments and runs the command; returns the exit status.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                EXIT_ERROR
            } else {
                EXIT_OK
            };
        }
    };
    let ui = Ui::new(&cli.global);
    match cli.command {
        Command::Check(args) => run_check(&ui, args),
        Command::Build(args) => run_build(&ui, args),
        Command::Schema => match write_stdout(&ui, &crate::model::schema::bank_schema_json()) {
            Ok(()) => EXIT_OK,
            Err(status) => status,
        },
        Command::New { path } => run_new(&ui, &path),
        Command::Convert(args) => run_convert(&ui, args),
        Command::Pull(args) => run_pull(&ui, args),
    }
}

/// Writes `text` to standard output; a failure (a full disk behind a
/// redirection) is reported as an error, not a panic, with its exit status.
fn write_stdout(ui: &Ui, text: &str) -> Result<(), i32> {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| {
            ui.error(&format!("cannot write to standard output: {e}"));
            EXIT_ERROR
        })
}

struct Ui {
    quiet: bool,
    verbose: bool,
    color: bool,
}

impl Ui {
    fn new(args: &GlobalArgs) -> Ui {
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
            }
        };
        Ui {
            quiet: args.quiet,
            verbose: args.verbose,
            color,
        }
    }

    fn error(&self, message: &str) {
        let mut err = std::io::stderr();
        if self.color {
            let _ = writeln!(err, "\x1b[1;31merror\x1b[0m\x1b[1m:\x1b[0m {message}");
        } else {
            let _ = writeln!(err, "error: {message}");
        }
    }

    /// Whether a progress line may be drawn: standard error is a terminal and
    /// `-q` is not given.
    fn progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    /// `error[code]: message`, as diagnostics print.
    fn error_with_code(&self, code: crate::diagnostics::Code, message: &str) {
        let mut err = std::io::stderr();
        if self.color {
            let _ = writeln!(
                err,
                "\x1b[1;31merror[{code}]\x1b[0m\x1b[1m:\x1b[0m {message}"
            );
        } else {
            let _ = writeln!(err, "error[{code}]: {message}");
        }
    }

    fn status(&self, verb: &str, message: &str) {
        if self.quiet {
            return;
        }
        if self.color {
            eprintln!("\x1b[1;32m{verb:>12}\x1b[0m {message}");
        } else {
            eprintln!("{verb:>12} {message}");
        }
    }

    fn diagnostics(&self, report: &CheckReport) {
        for d in report.diagnostics.iter() {
            if self.quiet && d.severity == diagnostics::Severity::Warning {
                continue;
            }
            eprintln!(
                "{}\n",
                diagnostics::render::render(d, report.sources.get(&d.file), self.color)
            );
        }
    }
}

/// The rules for a run, or the message for a lint flag that names no code or
/// would lower an error.
fn rules(args: &BankArgs) -> Result<Rules, String> {
    use crate::diagnostics::{Code, Severity};
    use crate::model::LintLevel;
    let mut lint_levels = std::collections::BTreeMap::new();
    for (names, level, flag) in [
        (&args.allow, LintLevel::Allow, "--allow"),
        (&args.warn, LintLevel::Warn, "--warn"),
        (&args.deny, LintLevel::Deny, "--deny"),
    ] {
        for name in names {
            let Some(code) = Code::parse(name) else {
                let warnings: Vec<&str> = Code::ALL
                    .iter()
                    .filter(|c| c.severity() == Severity::Warning)
                    .map(|c| c.as_str())
                    .collect();
                return Err(format!(
                    "`{flag} {name}`: no such diagnostic code; the warnings are {}",
                    warnings.join(", ")
                ));
            };
            if level != LintLevel::Deny && !code.is_lowerable() {
                return Err(format!(
                    "`{flag} {name}`: `{name}` is an error and cannot be lowered (only warnings and the slips Anki reads can: cloze-braces, cloze-unclosed, cloze-number, cloze-empty, control-character)"
                ));
            }
            lint_levels.insert(code, level);
        }
    }
    Ok(Rules {
        max_field_chars: args.max_field_chars,
        max_answer_words: args.max_answer_words,
        lint_levels,
        ..Rules::default()
    })
}

fn bank_paths(ui: &Ui, args: &BankArgs) -> Option<Vec<PathBuf>> {
    if args.banks.is_empty() && !Path::new("source").is_dir() {
        let here = std::env::current_dir()
            .map(|d| d.display().to_string())
            .unwrap_or_else(|_| "this folder".to_string());
        ui.error(&format!(
            "there is no source/ folder in {here}, where flashdeck looks for banks by default"
        ));
        eprintln!(
            "help: run flashdeck from the folder that holds source/, pass banks (`flashdeck check path/to/deck.yaml` or a folder), or start one with `flashdeck new source/my-deck.yaml`"
        );
        return None;
    }
    // `flashdeck check source/x.lock`: the lock beside a bank, not a bank.
    if let Some(lock) = args
        .banks
        .iter()
        .find(|p| p.extension().is_some_and(|e| e == "lock") && p.is_file())
    {
        let bank = ["yaml", "yml"]
            .iter()
            .map(|ext| lock.with_extension(ext))
            .find(|p| p.is_file());
        match &bank {
            Some(bank) => ui.error(&format!(
                "{} is a lock file, not a bank: `flashdeck build` keeps it beside the bank {} (each card's content hash and modification time)",
                lock.display(),
                bank.display()
            )),
            None => ui.error(&format!(
                "{} is a lock file, not a bank: `flashdeck build` keeps it beside its bank, {} (not found)",
                lock.display(),
                lock.with_extension("yaml").display()
            )),
        }
        let bank = bank.unwrap_or_else(|| lock.with_extension("yaml"));
        eprintln!(
            "help: pass the bank instead ({}): flashdeck reads its lock with it",
            bank.display()
        );
        return None;
    }
    let inputs = if args.banks.is_empty() {
        vec![PathBuf::from("source")]
    } else {
        args.banks.clone()
    };
    match pipeline::discover_banks(&inputs) {
        Ok(paths) if paths.is_empty() => {
            ui.error(&format!(
                "no banks (*.yaml) found in {}",
                inputs
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            eprintln!(
                "help: pass a bank file, or create one with `flashdeck new source/my-deck.yaml`"
            );
            None
        }
        Ok(paths) => Some(paths),
        Err(e) => {
            ui.error(&format!(
                "cannot read {}: {e}",
                inputs
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            eprintln!("help: run flashdeck from the folder that holds source/, or pass bank paths");
            None
        }
    }
}

/// `1 card`, `2 cards`.
fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn summary_line(diagnostics: &Diagnostics) -> String {
    let (errors, warnings) = diagnostics.counts();
    format!(
        "{} and {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn run_check(ui: &Ui, args: CheckArgs) -> i32 {
    let Some(paths) = bank_paths(ui, &args.banks) else {
        return EXIT_ERROR;
    };
    let rules = match rules(&args.banks) {
        Ok(rules) => rules,
        Err(message) => {
            ui.error(&message);
            return EXIT_ERROR;
        }
    };
    let progress = Progress::new(ui.progress());
    let mut report = pipeline::check_with_progress(&paths, &rules, &progress);
    progress.finish();
    if args.banks.deny_warnings {
        report.diagnostics.deny_warnings();
    }
    match args.format {
        ReportFormat::Json => {
            let json = diagnostics::json::to_string(&report.diagnostics) + "\n";
            if let Err(status) = write_stdout(ui, &json) {
                return status;
            }
        }
        ReportFormat::Human => {
            ui.diagnostics(&report);
            if report.diagnostics.has_errors() {
                ui.error(&format!(
                    "{} invalid: {}",
                    if paths.len() == 1 {
                        "the bank is"
                    } else {
                        "banks are"
                    },
                    summary_line(&report.diagnostics)
                ));
            } else {
                if ui.verbose {
                    for bank in &report.banks {
                        ui.status(
                            "Checked",
                            &format!(
                                "{}: {}",
                                bank.loaded.source.path().display(),
                                plural(bank.loaded.bank.cards.len(), "card")
                            ),
                        );
                    }
                }
                let cards: usize = report.banks.iter().map(|b| b.loaded.bank.cards.len()).sum();
                ui.status(
                    "Checked",
                    &format!(
                        "{} ({}): {}",
                        plural(paths.len(), "bank"),
                        plural(cards, "card"),
                        summary_line(&report.diagnostics)
                    ),
                );
            }
        }
    }
    exit_status(&report.diagnostics)
}

/// 2 when a bank could not be read at all (an I/O error), 1 for an invalid
/// bank, 0 otherwise.
fn exit_status(diagnostics: &Diagnostics) -> i32 {
    if diagnostics
        .iter()
        .any(|d| d.code == crate::diagnostics::Code::Unreadable)
    {
        EXIT_ERROR
    } else if diagnostics.has_errors() {
        EXIT_INVALID
    } else {
        EXIT_OK
    }
}

fn unescape_separator(sep: &str) -> String {
    sep.replace("\\t", "\t").replace("\\n", "\n")
}

fn run_build(ui: &Ui, args: BuildArgs) -> i32 {
    let filter = Filter {
        tags: args.tags,
        exclude_tags: args.exclude_tags,
        ids: args.ids,
    };
    // A subset of the cards written into the default folder would replace
    // the full decks people use with it.
    if !filter.is_empty() && args.out.is_none() {
        let selection: Vec<String> = [
            ("--tag", &filter.tags),
            ("--exclude-tag", &filter.exclude_tags),
            ("--id", &filter.ids),
        ]
        .iter()
        .flat_map(|(flag, values)| values.iter().map(move |v| format!("{flag} {v}")))
        .collect();
        ui.error(&format!(
            "`{}` selects cards, and without `--out` the subset would replace the full decks in out/; nothing was written",
            selection.join(" ")
        ));
        eprintln!(
            "help: build a selection into a folder of its own, e.g. `--out dist/{}` (git ignores dist/)",
            filter
                .tags
                .first()
                .or(filter.ids.first())
                .map_or("subset".to_string(), |t| crate::validate::suggest_slug(t))
        );
        return EXIT_INVALID;
    }
    let out_dir = args.out.clone().unwrap_or_else(|| PathBuf::from("out"));
    let Some(banks) = bank_paths(ui, &args.banks) else {
        return EXIT_ERROR;
    };
    let rules = match rules(&args.banks) {
        Ok(rules) => rules,
        Err(message) => {
            ui.error(&message);
            return EXIT_ERROR;
        }
    };
    let term_sep = unescape_separator(&args.quizlet_term_sep);
    let card_sep = unescape_separator(&args.quizlet_card_sep);
    if term_sep.is_empty() || card_sep.is_empty() || term_sep == card_sep {
        ui.error("the Quizlet separators must be non-empty and different from each other");
        return EXIT_ERROR;
    }
    let options = BuildOptions {
        banks,
        out_dir,
        formats: if args.format.is_empty() {
            Format::DEFAULT.to_vec()
        } else {
            args.format.clone()
        },
        filter,
        rules,
        deny_warnings: args.banks.deny_warnings,
        locked: args.locked,
        writer_options: WriterOptions {
            quizlet_term_sep: term_sep,
            quizlet_card_sep: card_sep,
            quizlet_max_chars: args.quizlet_max_chars,
            notetype_modified: 0,
            carry_bank: !args.without_bank,
        },
    };
    let progress = Progress::new(ui.progress());
    let mut report = pipeline::check_for_build(&options.banks, &options.rules, &progress);
    progress.finish();
    if options.deny_warnings {
        report.diagnostics.deny_warnings();
    }
    // Shown before building, so the sources can be released while building.
    ui.diagnostics(&report);
    if report.diagnostics.has_errors() {
        ui.error(&format!(
            "nothing was written: {}",
            summary_line(&report.diagnostics)
        ));
        return exit_status(&report.diagnostics);
    }
    let progress = Progress::new(ui.progress());
    let built = pipeline::build_with_progress(report, &options, &progress);
    progress.finish();
    match built {
        Ok(summary) => {
            ui.diagnostics(&summary.report);
            for deck in &summary.decks {
                let changed = deck
                    .files
                    .iter()
                    .filter(|w| matches!(w, Written::Changed(_)))
                    .count();
                ui.status(
                    "Built",
                    &format!(
                        "{} from {}: {}, {} media, {} ({changed} changed)",
                        deck.deck_id,
                        deck.bank.display(),
                        plural(deck.cards, "card"),
                        deck.media,
                        plural(deck.files.len(), "file")
                    ),
                );
                if ui.verbose && !ui.quiet {
                    for w in &deck.files {
                        match w {
                            Written::Changed(p) => ui.status("Wrote", &p.display().to_string()),
                            Written::Unchanged(p) => {
                                ui.status("Unchanged", &p.display().to_string())
                            }
                        }
                    }
                }
            }
            EXIT_OK
        }
        Err(BuildFailure::Invalid(report)) => {
            ui.diagnostics(&report);
            ui.error(&format!(
                "nothing was written: {}",
                summary_line(&report.diagnostics)
            ));
            exit_status(&report.diagnostics)
        }
        Err(BuildFailure::LockOutdated(locks)) => {
            /// Cards named before "and N more".
            const NAMED: usize = 12;
            for lock in &locks {
                let mut cards: Vec<String> = lock
                    .cards
                    .iter()
                    .take(NAMED)
                    .map(|(id, change)| format!("`{id}` {}", change.as_str()))
                    .collect();
                if lock.cards.len() > NAMED {
                    cards.push(format!("and {} more", lock.cards.len() - NAMED));
                }
                let note_types = "the note types' line (their templates or styling changed)";
                let what = match (cards.is_empty(), lock.notetypes) {
                    (true, _) => format!("{note_types} would change"),
                    (false, false) => format!(
                        "{} would change: {}",
                        plural(lock.cards.len(), "card line"),
                        cards.join(", ")
                    ),
                    (false, true) => format!(
                        "{} would change: {}; and {note_types}",
                        plural(lock.cards.len(), "card line"),
                        cards.join(", ")
                    ),
                };
                ui.error(&format!(
                    "{} is out of date with its bank (--locked): {what}",
                    lock.path.display()
                ));
            }
            eprintln!(
                "help: run `flashdeck build` without --locked and commit the updated lock file"
            );
            EXIT_INVALID
        }
        Err(BuildFailure::Io(message)) => {
            ui.error(&message);
            EXIT_ERROR
        }
        Err(BuildFailure::Selection(problems)) => {
            for (code, problem) in &problems {
                ui.error_with_code(*code, problem);
            }
            eprintln!(
                "help: `--tag`, `--exclude-tag` and `--id` choose cards; `flashdeck check` lists nothing to fix here. Nothing was written."
            );
            EXIT_INVALID
        }
    }
}

fn run_pull(ui: &Ui, args: PullArgs) -> i32 {
    use crate::pull::{PullFailure, PullOptions, Resolve, pull};
    let options = PullOptions {
        export: args.export.clone(),
        bank: args.bank.clone(),
        resolve: match (args.theirs, args.ours) {
            (true, _) => Resolve::Theirs,
            (_, true) => Resolve::Ours,
            _ => Resolve::Report,
        },
        dry_run: args.dry_run,
    };
    let report = match pull(&options) {
        Ok(report) => report,
        Err(PullFailure::Invalid(report, message)) => {
            ui.diagnostics(&report);
            ui.error(&message);
            return EXIT_INVALID;
        }
        Err(PullFailure::Input(err)) => {
            ui.error(&format!("{}: {}", args.export.display(), err.message));
            eprintln!("help: {}", err.hint);
            eprintln!("nothing was written");
            return EXIT_INVALID;
        }
        Err(PullFailure::Io(message)) => {
            ui.error(&message);
            eprintln!("nothing was written");
            return EXIT_ERROR;
        }
    };
    ui.diagnostics(&report.check);
    let list = |ids: &[String]| {
        ids.iter()
            .map(|i| format!("`{i}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !report.changed.is_empty() {
        ui.status(
            "Changed",
            &format!(
                "{} ({}): Anki's text",
                report.changed.len(),
                list(&report.changed)
            ),
        );
    }
    if !report.retagged.is_empty() {
        ui.status(
            "Retagged",
            &format!("{} ({})", report.retagged.len(), list(&report.retagged)),
        );
    }
    if !report.added.is_empty() {
        ui.status(
            "Added",
            &format!(
                "{} ({}): new in Anki, appended with their GUIDs",
                report.added.len(),
                list(&report.added)
            ),
        );
    }
    for (id, side) in &report.resolved {
        ui.status(
            "Resolved",
            &format!("`{id}` changed on both sides: {side} text kept"),
        );
    }
    if report.older > 0 {
        ui.status(
            "Older",
            &format!(
                "{} notes are from an earlier build than the lock's: the next build updates them",
                report.older
            ),
        );
    }
    for remark in &report.remarks {
        ui.status("Note", remark);
    }
    let verb = if report.written {
        "Pulled"
    } else if args.dry_run {
        "Would pull"
    } else {
        "Pulled"
    };
    let nothing =
        report.changed.is_empty() && report.added.is_empty() && report.retagged.is_empty();
    ui.status(
        verb,
        &if nothing {
            format!(
                "{} → {}: nothing to change",
                args.export.display(),
                args.bank.display()
            )
        } else if report.written {
            format!(
                "{} → {}: review with `git diff {}`, then build",
                args.export.display(),
                args.bank.display(),
                args.bank.display()
            )
        } else {
            format!(
                "{} → {}: nothing written (--dry-run)",
                args.export.display(),
                args.bank.display()
            )
        },
    );
    if report.conflicts.is_empty() {
        EXIT_OK
    } else {
        ui.error(&format!(
            "{} conflicting cards left as the bank has them ({}); the other changes {}",
            report.conflicts.len(),
            list(&report.conflicts),
            if report.written {
                "were written"
            } else {
                "were not written"
            }
        ));
        EXIT_INVALID
    }
}

fn run_convert(ui: &Ui, args: ConvertArgs) -> i32 {
    use crate::convert::{ConvertFailure, ConvertOptions, convert_with_progress};
    use crate::read::spreadsheet::Role;
    let columns = match &args.columns {
        None => None,
        Some(names) => {
            let mut roles = Vec::new();
            for name in names {
                match Role::parse(name) {
                    Some(role) => roles.push(role),
                    None => {
                        ui.error(&format!(
                            "--columns: `{name}` is not a column role; use question, answer, tags, extra, or - to skip a column"
                        ));
                        return EXIT_ERROR;
                    }
                }
            }
            Some(roles)
        }
    };
    let options = ConvertOptions {
        input: args.input.clone(),
        format: args.from,
        out_dir: args.out.clone(),
        force: args.force,
        deck: args.deck.clone(),
        header: match (args.header, args.no_header) {
            (true, _) => crate::read::spreadsheet::Header::Yes,
            (_, true) => crate::read::spreadsheet::Header::No,
            _ => crate::read::spreadsheet::Header::Recognise,
        },
        term_sep: unescape_separator(&args.term_sep),
        card_sep: unescape_separator(&args.card_sep),
        columns,
    };
    let progress = crate::progress::Progress::new(ui.progress());
    let result = convert_with_progress(&options, &progress);
    progress.finish();
    match result {
        Ok(report) if !report.restored.is_empty() => {
            ui.diagnostics(&report.check);
            ui.status(
                "Converted",
                &format!(
                    "{} → {}: the bank this package was built from, as it was built ({} files; all {} notes build as the package holds them)",
                    args.input.display(),
                    report.bank.display(),
                    report.restored.len(),
                    report.converted.notes.len(),
                ),
            );
            for file in report.restored.iter().filter(|f| **f != report.bank) {
                ui.status("Restored", &file.display().to_string());
            }
            ui.status(
                "Checked",
                &format!(
                    "{}: build it with `flashdeck build {}`",
                    report.bank.display(),
                    report.bank.display()
                ),
            );
            EXIT_OK
        }
        Ok(report) => {
            ui.diagnostics(&report.check);
            let c = &report.converted;
            let cards: usize = c.notes.iter().map(|n| n.decks.len().max(1)).sum();
            ui.status(
                "Converted",
                &format!(
                    "{} → {}: {} notes ({} cards), {} note types, {} media, {} fields kept as HTML, {} as Markdown",
                    args.input.display(),
                    report.bank.display(),
                    c.notes.len(),
                    cards,
                    c.note_types.len(),
                    c.media.len(),
                    report.file.html_fields,
                    report.file.markdown_fields,
                ),
            );
            if let Some(dir) = &report.media_dir {
                ui.status("Media", &format!("{}", dir.display()));
            }
            for skipped in &c.skipped {
                ui.status("Skipped", skipped);
            }
            for name in &report.file.scripted_note_types {
                ui.status(
                    "Scripts",
                    &format!("note type `{name}` runs its templates' scripts in Anki: kept, marked `scripts: true`; the print page and the sheets never carry them"),
                );
            }
            for missing in &report.file.missing_media {
                ui.status("Missing", missing);
            }
            for remark in &c.remarks {
                ui.status("Note", remark);
            }
            for (code, count) in &report.allowed_lints {
                ui.status(
                    "Allowed",
                    &format!(
                        "`{code}` in the bank's `lints:` ({count} {}): the deck holds it and Anki reads it; a card you write is still checked when you remove the line",
                        if *count == 1 { "place" } else { "places" }
                    ),
                );
            }
            if let Some(scheduling) = &c.scheduling {
                ui.status("Scheduling", scheduling);
            }
            let (_, warnings) = report.check.diagnostics.counts();
            ui.status(
                "Checked",
                &format!(
                    "{}: 0 errors and {warnings} warnings; build it with `flashdeck build {}`",
                    report.bank.display(),
                    report.bank.display()
                ),
            );
            EXIT_OK
        }
        Err(ConvertFailure::Input(err)) => {
            let place = err
                .place
                .map(|(line, column)| format!("{}:{line}:{column}: ", args.input.display()))
                .unwrap_or_else(|| format!("{}: ", args.input.display()));
            ui.error(&format!("{place}{}", err.message));
            eprintln!("help: {}", err.hint);
            eprintln!("nothing was written");
            EXIT_INVALID
        }
        Err(ConvertFailure::Invalid(report, message)) => {
            ui.diagnostics(&report);
            ui.error(&format!("{message}; nothing was written"));
            EXIT_INVALID
        }
        Err(ConvertFailure::Io(message)) => {
            ui.error(&format!("{message}; nothing was written"));
            EXIT_ERROR
        }
    }
}

fn run_new(ui: &Ui, path: &Path) -> i32 {
    if path.exists() {
        ui.error(&format!(
            "{} already exists; flashdeck new never overwrites a bank",
            path.display()
        ));
        return EXIT_ERROR;
    }
    match write_atomic(path, starter_bank(path).as_bytes()) {
        Ok(_) => {
            ui.status(
                "Created",
                &format!(
                    "{} (edit it, then run `flashdeck check {}`)",
                    path.display(),
                    path.display()
                ),
            );
            EXIT_OK
        }
        Err(e) => {
            ui.error(&format!("cannot write {}: {e}", path.display()));
            EXIT_ERROR
        }
    }
}

/// The starter bank for `path`: its deck id and name come from the file
/// name (`source/german-verbs.yaml` → `german-verbs`, "German Verbs"), so two
/// starters never share a deck id.
fn starter_bank(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut id = crate::validate::suggest_slug(&stem);
    if id.is_empty() {
        id = "my-deck".to_string();
    }
    let words: Vec<String> = stem
        .split(|c: char| c == '-' || c == '_' || c == '.' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars().filter(|c| !c.is_control());
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .filter(|w: &String| !w.is_empty())
        .collect();
    let name = if words.is_empty() {
        "My Deck".to_string()
    } else {
        words.join(" ")
    };
    // Double-quoted YAML strings.
    let quote = |text: &str| format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""));
    let quoted = quote(&name);
    let subdeck = quote(&format!("{name}::Verbs"));
    // The value replaces the placeholder; the comment after it stays in its
    // column while there is room.
    let set = |line: &str, placeholder: &str, value: &str| -> String {
        let Some((before, after)) = line.split_once(placeholder) else {
            return line.to_string();
        };
        let rest = after.trim_start();
        if rest.starts_with('#') {
            let width = placeholder.len() + (after.len() - rest.len());
            format!("{before}{value:<w$}{rest}", w = width.max(value.len() + 1))
        } else {
            format!("{before}{value}{after}")
        }
    };
    let mut out = String::with_capacity(STARTER_BANK.len() + 64);
    for line in STARTER_BANK.lines() {
        let line = if line.starts_with("  id: my-deck") {
            set(line, "my-deck", &id)
        } else if line.starts_with("  name: \"My Deck\"") {
            set(line, "\"My Deck\"", &quoted)
        } else if line.starts_with("  tags: [my-deck]") {
            line.replace("[my-deck]", &format!("[{id}]"))
        } else if line.contains("deck: \"My Deck::Verbs\"") {
            set(line, "\"My Deck::Verbs\"", &subdeck)
        } else {
            line.to_string()
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
