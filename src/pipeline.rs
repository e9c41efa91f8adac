//! The pipeline: load → validate → transform → write, for `check` and `build`.
//!
//! Every bank is loaded and validated before anything is written, so an
//! invalid bank writes nothing; all bytes are produced before the first file
//! is replaced.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::load::load_bank;
use crate::lock::{Lock, LockChange, LockError, lock_path};
use crate::markup::Layout;
use crate::model::LoadedBank;
use crate::output::{Staged, Staging, Written, commit, remove_leftovers, stage};
use crate::progress::Progress;
use crate::source::SourceFile;
use crate::transform::{Deck, Filter, build_deck};
use crate::validate::{MediaFile, Rules, validate};
use crate::writers::apkg::notetypes::style_fingerprint;
use crate::writers::{Format, Rendered, WriteError, WriterOptions, quizlet, writer_for};

/// A bank that passed loading, with its resolved media.
pub struct CheckedBank {
    /// The bank and its source.
    pub loaded: LoadedBank,
    /// Its media files.
    pub media: Vec<MediaFile>,
    /// Its own note types, resolved.
    pub note_types: Vec<crate::anki::note_type::NoteType>,
    /// Its lock file as read (empty when there is none, or when it could
    /// not be used: that is reported).
    pub lock: Lock,
}

/// The result of checking banks.
#[derive(Default)]
pub struct CheckReport {
    /// Sources that could be read, by path, for rendering diagnostics.
    pub sources: BTreeMap<PathBuf, SourceFile>,
    /// Everything found, sorted.
    pub diagnostics: Diagnostics,
    /// Banks that loaded (valid or not).
    pub banks: Vec<CheckedBank>,
}

impl CheckReport {
    /// Names `to` instead of `from` in the diagnostics and sources (a bank
    /// checked where it was staged, then moved into place).
    pub fn rename_file(&mut self, from: &Path, to: &Path) {
        let diagnostics = std::mem::take(&mut self.diagnostics);
        let mut renamed = Diagnostics::new();
        for mut d in diagnostics.into_iter() {
            if d.file == from {
                d.file = to.to_path_buf();
            }
            renamed.push(d);
        }
        self.diagnostics = renamed;
        if let Some(source) = self.sources.remove(from) {
            self.sources.insert(to.to_path_buf(), source.renamed(to));
        }
    }
}

/// Loads and validates `paths`.
pub fn check(paths: &[PathBuf], rules: &Rules) -> CheckReport {
    check_with_progress(paths, rules, &Progress::disabled())
}

/// [`check`], reporting each bank and stage to `progress`.
pub fn check_with_progress(paths: &[PathBuf], rules: &Rules, progress: &Progress) -> CheckReport {
    check_banks(paths, rules, progress, false)
}

/// [`check_with_progress`] before a build: the code highlighter starts
/// loading, on another thread, as soon as a bank shows code fences.
pub fn check_for_build(paths: &[PathBuf], rules: &Rules, progress: &Progress) -> CheckReport {
    check_banks(paths, rules, progress, true)
}

fn check_banks(
    paths: &[PathBuf],
    rules: &Rules,
    progress: &Progress,
    for_build: bool,
) -> CheckReport {
    let mut timings = Timings::start();
    let mut report = CheckReport::default();
    let mut deck_ids: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut locks: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();
    for (n, path) in paths.iter().enumerate() {
        progress.set(format!(
            "    Checking {} (bank {} of {}): reading",
            path.display(),
            n + 1,
            paths.len()
        ));
        if let Some(first) = locks.get(&lock_path(path)) {
            report.diagnostics.push(
                Diagnostic::for_file(
                    Code::LockClash,
                    path,
                    format!(
                        "this bank and {} would share the lock file {}",
                        first.display(),
                        lock_path(path).display()
                    ),
                )
                .hint("rename one of them: banks in one folder need different names before `.yaml`/`.yml`"),
            );
            continue;
        }
        locks.insert(lock_path(path), path.clone());
        let outcome = load_bank(path);
        report.diagnostics.extend(outcome.diagnostics);
        if let Some(source) = outcome.source {
            report.sources.insert(path.clone(), source);
        }
        let Some(loaded) = outcome.bank else { continue };
        // A large bank's own work dwarfs the highlighter's start.
        if for_build && loaded.source.text().len() < (1 << 20) {
            crate::markup::highlight::warm_up(loaded.source.text());
        }
        timings.phase("load");
        progress.set(format!(
            "    Checking {} (bank {} of {}, {} cards): validating",
            path.display(),
            n + 1,
            paths.len(),
            loaded.bank.cards.len()
        ));
        let validation = validate(&loaded, rules);
        timings.phase("validate");
        report.diagnostics.extend(validation.diagnostics);
        let media = validation.media;
        let note_types = validation.note_types;
        // The lock, so that `check` reports what `build` would refuse.
        let lock = read_lock(&loaded, &mut report.diagnostics);
        timings.phase("lock");
        let deck_id = loaded.bank.deck.id.value.clone();
        if !deck_id.is_empty() {
            if let Some(first) = deck_ids.get(&deck_id) {
                report.diagnostics.push(
                    Diagnostic::new(
                        Code::DuplicateDeckId,
                        &loaded.source,
                        loaded.bank.deck.id.span,
                        format!("deck id `{deck_id}` is also used by {}", first.display()),
                    )
                    .label("used twice")
                    .hint(
                        "each bank needs its own deck id: its outputs and Anki ids derive from it",
                    ),
                );
            } else {
                deck_ids.insert(deck_id, path.clone());
            }
        }
        report.banks.push(CheckedBank {
            loaded,
            media,
            note_types,
            lock,
        });
    }
    report.diagnostics.sort();
    report
}

/// Reads the lock beside `loaded` and reports what a build would refuse
/// about it: a lock that cannot be used, and cards whose type changed (Anki
/// cannot change the type of a note it has imported).
fn read_lock(loaded: &LoadedBank, diagnostics: &mut Diagnostics) -> Lock {
    let lock_file = lock_path(loaded.source.path());
    let lock = match Lock::read(&lock_file) {
        Ok(lock) => lock,
        Err(e) => {
            let (code, hint) = match &e {
                LockError::Unreadable(_) => (Code::Unreadable, "check the file's permissions"),
                LockError::Invalid(_) => (
                    Code::InvalidLock,
                    "restore it from version control, or delete it to start a new lock (Anki users will then see every card as changed once)",
                ),
            };
            diagnostics.push(Diagnostic::for_file(code, &lock_file, e.to_string()).hint(hint));
            return Lock::default();
        }
    };
    let bank = &loaded.bank;
    // Cards of the bank's own note types keep their identity by GUID and
    // note type id; the lock records built-in types only.
    let types = bank
        .cards
        .iter()
        .filter(|c| c.resolved_note_type(bank.defaults.as_ref()).is_none())
        .map(|c| {
            (
                c.id.value.as_str(),
                c.resolved_type(bank.defaults.as_ref()),
                c.id.span,
            )
        });
    for (card_id, span, locked, now_type) in lock.type_changes(types) {
        diagnostics.push(
            Diagnostic::new(Code::CardTypeChanged, &loaded.source, span, format!("card `{card_id}` was a {} card and is now {}", locked.as_str(), now_type.as_str()))
                .label("this card")
                .hint(format!("Anki cannot change the type of a note it has imported: give the card a new id (users keep the old note), or keep its type; if the deck was never published, delete the card's line from {}", lock_file.display())),
        );
    }
    lock
}

/// Every `*.yaml` / `*.yml` file under the given files and folders, sorted.
/// Symbolic links are followed, but a folder is walked once however many
/// links lead to it (a link loop ends), and a bank reached twice is listed once.
pub fn discover_banks(inputs: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut seen_dirs = std::collections::BTreeSet::new();
    let mut seen_files = std::collections::BTreeSet::new();
    for input in inputs {
        if input.is_dir() {
            collect(input, &mut out, &mut seen_dirs, &mut seen_files)?;
        } else {
            let key = std::fs::canonicalize(input).unwrap_or_else(|_| input.clone());
            if seen_files.insert(key) {
                out.push(input.clone());
            }
        }
    }
    Ok(out)
}

fn collect(
    dir: &Path,
    out: &mut Vec<PathBuf>,
    seen_dirs: &mut std::collections::BTreeSet<PathBuf>,
    seen_files: &mut std::collections::BTreeSet<PathBuf>,
) -> std::io::Result<()> {
    if !seen_dirs.insert(std::fs::canonicalize(dir)?) {
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out, seen_dirs, seen_files)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            // A dangling link is still listed, so that reading it reports it.
            let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if seen_files.insert(key) {
                out.push(path);
            }
        }
    }
    Ok(())
}

/// What `build` needs to know.
pub struct BuildOptions {
    /// Bank files.
    pub banks: Vec<PathBuf>,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Formats to write.
    pub formats: Vec<Format>,
    /// Card selection.
    pub filter: Filter,
    /// Validation knobs.
    pub rules: Rules,
    /// Fail on warnings too.
    pub deny_warnings: bool,
    /// Fail instead of changing a lock file.
    pub locked: bool,
    /// Options for the writers.
    pub writer_options: WriterOptions,
}

/// Why a build wrote nothing.
pub enum BuildFailure {
    /// A bank is invalid (exit 1).
    Invalid(CheckReport),
    /// `--locked` and a lock would change (exit 1): each lock, the cards
    /// whose lines would change, and whether the note types' line would.
    LockOutdated(Vec<OutdatedLock>),
    /// Reading or writing failed (exit 2).
    Io(String),
    /// `--id` names no card, or the filters keep no card of a deck (exit 1):
    /// an empty deck would replace the outputs people use. Each problem with
    /// its code (`unknown-card-id`, `empty-selection`).
    Selection(Vec<(Code, String)>),
}

/// A lock that `build --locked` would have to change.
pub struct OutdatedLock {
    /// The lock file.
    pub path: PathBuf,
    /// Each card whose line would change, and how, in id order.
    pub cards: Vec<(String, LockChange)>,
    /// Whether the note types' line would change (styling, templates).
    pub notetypes: bool,
}

/// One built deck.
pub struct BuiltDeck {
    /// Bank file.
    pub bank: PathBuf,
    /// Deck id.
    pub deck_id: String,
    /// Cards written (after filters).
    pub cards: usize,
    /// Media files packaged.
    pub media: usize,
    /// Files and whether they changed.
    pub files: Vec<Written>,
}

/// What a build did; warnings are reported even on success.
pub struct BuildSummary {
    /// The check report (warnings, sources).
    pub report: CheckReport,
    /// Decks written.
    pub decks: Vec<BuiltDeck>,
}

/// A deck whose files are rendered but not written yet.
struct Planned {
    bank: PathBuf,
    deck_id: String,
    cards: usize,
    media: usize,
    /// Its outputs, already written to temporary files beside their targets.
    staged: Vec<Staged>,
    /// The lock file's new text, when the lock changed.
    lock_text: Option<String>,
    /// With `--locked`, what would change in the lock.
    lock_changes: Option<OutdatedLock>,
}

/// Builds banks that passed [`check`] without errors (the caller shows the
/// check's diagnostics first and honours `--deny-warnings`). The report's
/// diagnostics are taken as shown, and the sources are released as soon as
/// each deck is built (a 100k-card bank's text is tens of MB); the summary
/// holds only what the build itself found (lock and Quizlet problems).
pub fn build(report: CheckReport, options: &BuildOptions) -> Result<BuildSummary, BuildFailure> {
    build_with_progress(report, options, &Progress::disabled())
}

/// [`build`], reporting each deck and output format to `progress`.
pub fn build_with_progress(
    mut report: CheckReport,
    options: &BuildOptions,
    progress: &Progress,
) -> Result<BuildSummary, BuildFailure> {
    report.diagnostics = Diagnostics::new();
    report.sources.clear();
    // Leftovers of an earlier build that was killed, before this one stages
    // anything: temporary files in the folders it writes to (the output
    // folder, each deck's media folder, each bank's folder), scratch folders
    // in the temp folder.
    let mut dirs: std::collections::BTreeSet<PathBuf> = std::collections::BTreeSet::new();
    dirs.insert(options.out_dir.clone());
    for checked in &report.banks {
        let deck_id = &checked.loaded.bank.deck.id.value;
        dirs.insert(options.out_dir.join("media").join(deck_id));
        if let Some(parent) = lock_path(checked.loaded.source.path()).parent() {
            dirs.insert(parent.to_path_buf());
        }
    }
    remove_leftovers(dirs.iter().map(PathBuf::as_path));
    let mut timings = Timings::start();
    let now = crate::lock::now();
    let mut planned: Vec<Planned> = Vec::new();
    let mut quizlet_problems = Diagnostics::new();
    let mut selection_problems = Vec::new();
    let mut named_ids: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for checked in std::mem::take(&mut report.banks) {
        let LoadedBank {
            source,
            bank,
            base_dir,
            ..
        } = checked.loaded;
        let path = source.path().to_path_buf();
        // Read, and its type changes reported, by the check.
        let old_lock = checked.lock;
        // A whole deck's .apkg carries the bank's text files (`convert`
        // gives the bank back from it); they are read again when the .apkg
        // is written, and must be what was checked.
        let carried = (options.writer_options.carry_bank
            && options.filter.is_empty()
            && options.formats.contains(&Format::Apkg))
        .then(|| CarriedFiles::of(&bank, source.text(), &base_dir));
        // The bank's text (tens of MB for a large bank) is needed again only
        // to locate Quizlet problems, which are rare, and for the .apkg to
        // carry: it is read again then.
        drop(source);
        // The bank moves into its deck: its text is not copied.
        let levels = crate::validate::lints::levels(&bank.lints, &options.rules.lint_levels);
        let mut deck = build_deck(bank, &checked.media, checked.note_types).map_err(|e| {
            BuildFailure::Io(format!("cannot read media of {}: {e}", path.display()))
        })?;
        // The lock's hashes take one core: the Quizlet pairs (every card's,
        // so only when no filter drops any) are made meanwhile.
        let early_layout = quizlet_layout(options).filter(|_| options.filter.is_empty());
        let (new_lock, early_pairs) = std::thread::scope(|scope| {
            let deck = &deck;
            let pairs = early_layout
                .map(|layout| (layout, scope.spawn(move || quizlet::pairs(deck, layout))));
            let lock = old_lock.updated(deck, &style_fingerprint(deck), now);
            let pairs = pairs.and_then(|(layout, made)| Some((layout, made.join().ok()?)));
            (lock, pairs)
        });
        let lock_text = (new_lock != old_lock).then(|| new_lock.to_text());
        let lock_changes = (options.locked && lock_text.is_some()).then(|| OutdatedLock {
            path: lock_path(&path),
            cards: old_lock.changes(&new_lock),
            notetypes: old_lock.notetypes != new_lock.notetypes,
        });
        drop(old_lock);
        if let Some(carried) = carried {
            deck.sources = Some(
                carried
                    .read(&path, &base_dir, &new_lock.to_text(), &checked.media)
                    .map_err(BuildFailure::Io)?,
            );
        }
        deck.stamp(&|id| new_lock.modified(id));
        let notetype_modified = new_lock.notetypes.map_or(0, |e| e.modified);
        drop(new_lock);
        timings.phase("transform + lock");
        named_ids.extend(
            deck.cards
                .iter()
                .filter(|c| options.filter.ids.contains(&c.id))
                .map(|c| c.id.clone()),
        );
        deck.retain(&options.filter);
        if deck.cards.is_empty() {
            selection_problems.push((
                Code::EmptySelection,
                format!(
                    "the selection keeps no card of {} ({})",
                    deck.id,
                    path.display()
                ),
            ));
        }
        // What several writers need is rendered once, for all of them.
        // Writers run in the order that keeps shared renderings alive the
        // shortest time; their files are listed in the order asked for.
        let mut formats: Vec<(usize, Format)> =
            options.formats.iter().copied().enumerate().collect();
        formats.sort_by_key(|&(_, f)| Format::BUILD_ORDER.iter().position(|&g| g == f));
        let build_order: Vec<Format> = formats.iter().map(|&(_, f)| f).collect();
        let mut rendered = Rendered::for_formats(&deck, &build_order);
        if let Some((layout, pairs)) = early_pairs {
            rendered.keep_quizlet_pairs(layout, pairs);
        }
        if options.formats.contains(&Format::Quizlet) {
            let w = &options.writer_options;
            let problems = quizlet::problems(
                &rendered,
                &w.quizlet_term_sep,
                &w.quizlet_card_sep,
                w.quizlet_max_chars,
            );
            if !problems.is_empty() {
                let source = crate::input::read_file(&path, crate::input::MAX_BANK_BYTES)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .map(|text| SourceFile::new(path.clone(), text));
                let mut found = Diagnostics::new();
                for problem in &problems {
                    found.push(quizlet_diagnostic(
                        source.as_ref(),
                        &path,
                        &deck,
                        problem,
                        w.quizlet_max_chars,
                    ));
                }
                crate::validate::lints::apply(&mut found, &levels);
                if let Some(source) = source
                    && found.iter().next().is_some()
                {
                    report.sources.insert(path.clone(), source);
                }
                quizlet_problems.extend(found);
            }
        }
        let writer_options = WriterOptions {
            notetype_modified,
            ..options.writer_options.clone()
        };
        // Each writer's files go to temporary files as they are made, so a
        // build never holds a whole output in memory; nothing is replaced
        // until every file of every deck is staged (dropping a staged file on
        // a later failure removes it).
        let mut staging = Staging::new(&options.out_dir);
        for (step, &(asked_at, format)) in formats.iter().enumerate() {
            progress.set_bar(
                &format!(
                    "    Building {} ({} cards): writing {}",
                    deck.id,
                    deck.cards.len(),
                    format.name()
                ),
                step,
                options.formats.len(),
            );
            staging.format_at = asked_at;
            writer_for(format, &writer_options)
                .write(&rendered, &mut staging)
                .map_err(|e| match e {
                    WriteError::Output(e) => BuildFailure::Io(format!(
                        "cannot write to {}: {e}; nothing was replaced",
                        options.out_dir.display()
                    )),
                    WriteError::Render(e) => BuildFailure::Io(format!("{}: {e}", path.display())),
                })?;
            rendered.release_unneeded(&build_order[step + 1..]);
            timings.phase(&format!("write {}", format.name()));
        }
        let staged = staging.into_staged();
        planned.push(Planned {
            bank: path,
            deck_id: deck.id.clone(),
            cards: deck.cards.len(),
            media: deck.media.len(),
            staged,
            lock_text,
            lock_changes,
        });
    }
    for id in &options.filter.ids {
        if !named_ids.contains(id) {
            selection_problems.insert(
                0,
                (
                    Code::UnknownCardId,
                    format!("`--id {id}` names no card of the banks built"),
                ),
            );
        }
    }
    if !selection_problems.is_empty() {
        return Err(BuildFailure::Selection(selection_problems));
    }
    if options.deny_warnings {
        quizlet_problems.deny_warnings();
    }
    let failed = quizlet_problems.has_errors();
    report.diagnostics.extend(quizlet_problems);
    report.diagnostics.sort();
    if failed {
        return Err(BuildFailure::Invalid(report));
    }
    if options.locked {
        let outdated: Vec<OutdatedLock> = planned
            .iter_mut()
            .filter_map(|p| p.lock_changes.take())
            .collect();
        if !outdated.is_empty() {
            return Err(BuildFailure::LockOutdated(outdated));
        }
    }
    timings.phase("checks before writing");
    // Every file of every deck, locks included, is staged before the first
    // is replaced: a folder that cannot be written fails the build with the
    // old outputs and locks intact, never with outputs the lock disagrees with.
    let mut staged: Vec<(usize, Vec<Staged>)> = Vec::new();
    for (index, plan) in planned.iter_mut().enumerate() {
        let mut files = std::mem::take(&mut plan.staged);
        if let Some(text) = &plan.lock_text {
            let lock_file = lock_path(&plan.bank);
            files.push(stage(&lock_file, text.as_bytes()).map_err(|e| {
                BuildFailure::Io(format!(
                    "cannot write {}: {e}; nothing was replaced",
                    lock_file.display()
                ))
            })?);
        }
        staged.push((index, files));
    }
    let mut decks = Vec::new();
    for (index, files) in staged {
        let written = commit(files).map_err(|e| {
            BuildFailure::Io(format!(
                "cannot replace a file in {}: {e}",
                options.out_dir.display()
            ))
        })?;
        let plan = &planned[index];
        let mut files = written;
        // The lock counts as one of the deck's files on every build, changed or not.
        if plan.lock_text.is_none() {
            files.push(Written::Unchanged(lock_path(&plan.bank)));
        }
        decks.push(BuiltDeck {
            bank: plan.bank.clone(),
            deck_id: plan.deck_id.clone(),
            cards: plan.cards,
            media: plan.media,
            files,
        });
    }
    timings.phase("files written");
    Ok(BuildSummary { report, decks })
}

/// Locates a Quizlet problem at its card.
/// The layout of the Quizlet pairs the build's writers read first: the
/// Quizlet file's, else the CSV's (one line); `None` without either.
/// What a whole deck's .apkg carries of its bank, noted at the check: the
/// bank text's hash (the text itself is read again when needed) and the
/// text files the bank names.
struct CarriedFiles {
    bank_hash: [u8; 20],
    files: Vec<String>,
}

impl CarriedFiles {
    fn of(bank: &crate::model::Bank, text: &str, base_dir: &Path) -> CarriedFiles {
        use sha1::Digest as _;
        let mut files: Vec<String> = Vec::new();
        for note_type in &bank.note_types {
            let named = note_type
                .templates
                .iter()
                .flat_map(|t| [&t.front_file, &t.back_file]);
            for file in std::iter::once(&note_type.css_file).chain(named).flatten() {
                let relative = file.value.trim().to_string();
                if !files.contains(&relative) && base_dir.join(&relative).is_file() {
                    files.push(relative);
                }
            }
        }
        CarriedFiles {
            bank_hash: sha1::Sha1::digest(text.as_bytes()).into(),
            files,
        }
    }

    /// The bank's files as the .apkg carries them; an error when the bank
    /// changed on disk since it was checked.
    fn read(
        self,
        bank: &Path,
        base_dir: &Path,
        lock_text: &str,
        media: &[MediaFile],
    ) -> Result<crate::transform::BankSources, String> {
        use sha1::Digest as _;
        let read = |path: &Path| {
            crate::input::read_file(path, crate::input::MAX_BANK_BYTES)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .ok_or_else(|| format!("cannot read {} again to package it", path.display()))
        };
        let text = read(bank)?;
        if <[u8; 20]>::from(sha1::Sha1::digest(text.as_bytes())) != self.bank_hash {
            return Err(format!(
                "{} changed while it was being built; build again",
                bank.display()
            ));
        }
        let name = |path: &Path| path.file_name().map(|n| n.to_string_lossy().into_owned());
        let bank_name = name(bank).unwrap_or_default();
        let mut files = vec![(bank_name.clone(), text)];
        if let Some(lock_name) = name(&lock_path(bank)) {
            files.push((lock_name, lock_text.to_string()));
        }
        for relative in self.files {
            let text = read(&base_dir.join(&relative))?;
            files.push((relative, text));
        }
        let base = std::fs::canonicalize(base_dir).unwrap_or_else(|_| base_dir.to_path_buf());
        let mut carried_media: Vec<(String, String)> = media
            .iter()
            .filter_map(|m| {
                let full = std::fs::canonicalize(&m.path).ok()?;
                let relative = full.strip_prefix(&base).ok()?;
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_str().map(str::to_string))
                    .collect::<Option<_>>()?;
                Some((parts.join("/"), m.name.clone()))
            })
            .collect();
        carried_media.sort();
        carried_media.dedup();
        Ok(crate::transform::BankSources {
            bank: bank_name,
            files,
            media: carried_media,
        })
    }
}

fn quizlet_layout(options: &BuildOptions) -> Option<Layout> {
    if options.formats.contains(&Format::Quizlet) {
        let w = &options.writer_options;
        Some(quizlet::layout_for(
            &w.quizlet_term_sep,
            &w.quizlet_card_sep,
        ))
    } else {
        options
            .formats
            .contains(&Format::QuizletCsv)
            .then_some(Layout::OneLine)
    }
}

/// The diagnostic of a Quizlet problem, at its card's id in `source` (the
/// bank read again); without a place when the bank changed on disk since it
/// was checked (the card's id is no longer where it was).
fn quizlet_diagnostic(
    source: Option<&SourceFile>,
    path: &Path,
    deck: &Deck,
    problem: &quizlet::Problem,
    max_chars: usize,
) -> Diagnostic {
    let (card_id, diagnostic) = match problem {
        quizlet::Problem::Separator { card_id, side, separator } => (card_id, (Code::QuizletSeparator, format!("the Quizlet {side} of card `{card_id}` contains or runs into the separator {separator:?}"), "choose separators that no card uses (`--quizlet-term-sep`, `--quizlet-card-sep`), or reword the card".to_string())),
        quizlet::Problem::TooLong { card_id, side, chars } => (card_id, (Code::QuizletLongField, format!("the Quizlet {side} of card `{card_id}` is {chars} characters long"), format!("it is written whole, but Quizlet may cut long text: shorten the card, or raise `--quizlet-max-chars` (now {max_chars})"))),
    };
    let (code, message, hint) = diagnostic;
    let place = deck
        .cards
        .iter()
        .find(|c| &c.id == card_id)
        .map(|c| c.id_span)
        .zip(source)
        .filter(|(span, source)| source.slice(*span) == card_id.as_str());
    match place {
        Some((span, source)) => Diagnostic::new(code, source, span, message)
            .label("this card")
            .hint(hint),
        None => Diagnostic::for_file(code, path, message).hint(hint),
    }
}

/// `FLASHDECK_TIMINGS=1` prints how long each stage took and the peak memory
/// so far, for the benchmark and for profiling; otherwise it costs nothing.
pub(crate) struct Timings {
    enabled: bool,
    last: std::time::Instant,
}

impl Timings {
    pub(crate) fn start() -> Timings {
        Timings {
            enabled: std::env::var_os("FLASHDECK_TIMINGS").is_some_and(|v| !v.is_empty()),
            last: std::time::Instant::now(),
        }
    }

    pub(crate) fn phase(&mut self, name: &str) {
        if !self.enabled {
            return;
        }
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map_or(String::new(), |v| v.trim().to_string())
        };
        eprintln!(
            "timing: {name:<24} {:>8.3} s   now {:>10}   peak {:>10}",
            self.last.elapsed().as_secs_f64(),
            field("VmRSS:"),
            field("VmHWM:")
        );
        self.last = std::time::Instant::now();
    }
}
