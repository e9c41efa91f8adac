//! `flashdeck convert`: read → the bank → check → lock, the other direction
//! of the pipeline. A reader ([`crate::read`]) turns the input into a
//! [`Converted`] deck; [`bank_file`] writes it as a bank; the bank then goes
//! through the same load → validate → transform path as a hand-written one
//! (so `check` judges converted banks as it judges any), and its lock is
//! seeded with the source notes' modification times, so the first `build`
//! updates the notes users already have instead of duplicating them.
//!
//! Everything is written into a temporary folder beside the target first;
//! only a bank that checks without errors is moved into place, so a failed
//! conversion writes nothing.

use std::path::{Path, PathBuf};

use crate::diagnostics::Severity;
use crate::lock::{Lock, lock_path};
use crate::pipeline::{CheckReport, check};
use crate::read::bank_file::{BankFile, bank_file, with_allowed_lints};
use crate::read::spreadsheet::{Header, Role};
use crate::read::{
    Converted, InputFormat, ReadError, anki_package, anki_text, crowdanki, quizlet, spreadsheet,
};
use crate::restore::{RestoreError, Restored};
use crate::transform::build_deck;
use crate::validate::Rules;
use crate::writers::apkg::notetypes::style_fingerprint;

/// The largest input read.
pub(crate) const MAX_INPUT_BYTES: u64 = 4 << 30;

/// What `convert` is asked to do.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// The file to read.
    pub input: PathBuf,
    /// Its format (`None`: from the file name).
    pub format: Option<InputFormat>,
    /// The folder the bank goes into.
    pub out_dir: PathBuf,
    /// Replace existing files.
    pub force: bool,
    /// Anki: keep only this deck and its subdecks.
    pub deck: Option<String>,
    /// Quizlet: text between term and definition.
    pub term_sep: String,
    /// Quizlet: text between cards.
    pub card_sep: String,
    /// Spreadsheet: the role of each column, in order.
    pub columns: Option<Vec<Role>>,
    /// Spreadsheet: whether the first row is a header.
    pub header: Header,
}

/// What a conversion did.
pub struct ConvertReport {
    /// The bank written.
    pub bank: PathBuf,
    /// The deck read.
    pub converted: Converted,
    /// The bank text's statistics.
    pub file: BankFile,
    /// The check of the converted bank (warnings only).
    pub check: CheckReport,
    /// The media folder, if any media were written.
    pub media_dir: Option<PathBuf>,
    /// Lints the bank allows because the source deck holds what they
    /// refuse (Anki reads it), each with the number of places.
    pub allowed_lints: Vec<(&'static str, usize)>,
    /// For a package flashdeck built: every file of the bank it carried,
    /// written back as it was built (empty when converted from the notes).
    pub restored: Vec<PathBuf>,
}

impl ConvertReport {
    fn restored(restored: Restored, converted: Converted) -> ConvertReport {
        ConvertReport {
            file: BankFile {
                deck_id: restored.deck_id,
                text: restored.text,
                card_times: Vec::new(),
                note_types_modified: 0,
                html_fields: 0,
                markdown_fields: 0,
                missing_media: Vec::new(),
                scripted_note_types: Vec::new(),
                css_files: Vec::new(),
            },
            bank: restored.bank,
            converted,
            check: restored.check,
            media_dir: None,
            allowed_lints: Vec::new(),
            restored: restored.files,
        }
    }
}

/// Why a conversion failed (nothing was written).
pub enum ConvertFailure {
    /// The input cannot be read as the format says (exit status 1).
    Input(ReadError),
    /// The converted bank does not check (a bug, or content a bank cannot
    /// hold); the report says where (exit status 1).
    Invalid(Box<CheckReport>, String),
    /// A file exists, or the disk failed (exit status 2).
    Io(String),
}

/// Reads the input, writes the bank, its lock and media.
pub fn convert(options: &ConvertOptions) -> Result<ConvertReport, ConvertFailure> {
    convert_with_progress(options, &crate::progress::Progress::disabled())
}

/// [`convert`], reporting each stage to `progress` (a big package takes a
/// while to unpack, write and check).
pub fn convert_with_progress(
    options: &ConvertOptions,
    progress: &crate::progress::Progress,
) -> Result<ConvertReport, ConvertFailure> {
    let step = |n: usize, what: &str| {
        progress.set_bar(
            &format!("  Converting {}: {what}", options.input.display()),
            n,
            5,
        )
    };
    step(0, "reading");
    let mut timings = crate::pipeline::Timings::start();
    // A CrowdAnki deck is a folder: its JSON is read from inside it.
    let folder = options.input.is_dir();
    let input = if folder {
        crowdanki_json(&options.input)?
    } else {
        options.input.clone()
    };
    let name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let by_name = options
        .format
        .or(folder.then_some(InputFormat::CrowdAnki))
        .or_else(|| InputFormat::from_name(&name))
        .ok_or_else(|| {
            ConvertFailure::Io(format!(
                "cannot tell the format of {} from its name; pass --from anki|anki-text|quizlet|csv|crowdanki",
                options.input.display()
            ))
        })?;
    let limit = if by_name == InputFormat::CrowdAnki {
        crowdanki::MAX_DECK_JSON_BYTES
    } else {
        MAX_INPUT_BYTES
    };
    let bytes = crate::input::read_file(&input, limit)
        .map_err(|e| ConvertFailure::Io(format!("cannot read {}: {e}", input.display())))?;
    // A CrowdAnki deck is named by its folder (its JSON is `deck.json`).
    let stem = if by_name == InputFormat::CrowdAnki {
        input.parent().and_then(Path::file_name)
    } else {
        input.file_stem()
    }
    .map(|s| s.to_string_lossy().into_owned())
    .unwrap_or_default();
    // A `.txt` is Quizlet's export unless it has Anki's text headers.
    let format = if options.format.is_none()
        && by_name == InputFormat::Quizlet
        && std::str::from_utf8(&bytes).is_ok_and(anki_text::looks_like)
    {
        InputFormat::AnkiText
    } else {
        by_name
    };
    let mut converted = read_input(format, &bytes, &input, options)?;
    drop(bytes);
    // A package flashdeck built gives back the bank it was built from.
    if let Some(carried) = converted.carried_bank.take()
        && options.deck.is_none()
    {
        match crate::restore::restore(&mut converted, &carried, &options.out_dir, options.force) {
            Ok(Some(restored)) => return Ok(ConvertReport::restored(restored, converted)),
            Ok(None) => {}
            Err(RestoreError::Exists(path)) => return Err(exists(&path)),
            Err(RestoreError::Io(message)) => return Err(ConvertFailure::Io(message)),
        }
    }
    if converted.deck_name.trim().is_empty() {
        converted.deck_name = stem.clone();
    }
    timings.phase("read input");
    step(1, "writing the bank");
    let mut file = bank_file(&converted, &name, &stem);
    let bank_path = options.out_dir.join(format!("{}.yaml", file.deck_id));
    let media_dir = options
        .out_dir
        .join(crate::read::bank_file::MEDIA_DIR)
        .join(&file.deck_id);
    let mut targets = vec![bank_path.clone(), lock_path(&bank_path)];
    targets.extend(converted.media.iter().map(|(n, _)| media_dir.join(n)));
    targets.extend(file.css_files.iter().map(|(n, _)| options.out_dir.join(n)));
    if !options.force
        && let Some(existing) = targets.iter().find(|t| t.exists())
    {
        return Err(exists(existing));
    }
    std::fs::create_dir_all(&options.out_dir).map_err(|e| {
        ConvertFailure::Io(format!("cannot create {}: {e}", options.out_dir.display()))
    })?;
    // Everything is staged in a temporary folder beside the target and
    // checked there; it is dropped (with its files) on any failure.
    let staging = tempfile::Builder::new()
        .prefix(".flashdeck-convert-")
        .tempdir_in(&options.out_dir)
        .map_err(|e| {
            ConvertFailure::Io(format!(
                "cannot create a folder in {}: {e}",
                options.out_dir.display()
            ))
        })?;
    let io = |e: std::io::Error| {
        ConvertFailure::Io(format!(
            "cannot write into {}: {e}",
            staging.path().display()
        ))
    };
    let staged_bank = staging.path().join(format!("{}.yaml", file.deck_id));
    std::fs::write(&staged_bank, &file.text).map_err(io)?;
    let staged_media = staging
        .path()
        .join(crate::read::bank_file::MEDIA_DIR)
        .join(&file.deck_id);
    if !converted.media.is_empty() {
        std::fs::create_dir_all(&staged_media).map_err(io)?;
    }
    for (name, content) in &converted.media {
        std::fs::write(staged_media.join(name), content).map_err(io)?;
    }
    for (name, css) in &file.css_files {
        std::fs::write(staging.path().join(name), css).map_err(io)?;
    }
    timings.phase("bank text + staging");
    step(2, "checking the bank");
    let mut report = check(std::slice::from_ref(&staged_bank), &Rules::default());
    // Anki is the judge of what a deck may hold: what the source deck holds
    // that only a hand-written bank's style rules refuse is allowed in the
    // bank's `lints:`, and the report says so.
    let mut allowed: Vec<(&'static str, usize)> = Vec::new();
    if report.diagnostics.has_errors()
        && report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .all(|d| d.code.is_lowerable())
    {
        let mut counts: std::collections::BTreeMap<&'static str, usize> = Default::default();
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            *counts.entry(d.code.as_str()).or_default() += 1;
        }
        allowed = counts.into_iter().collect();
        file.text = with_allowed_lints(&file.text, &allowed);
        std::fs::write(&staged_bank, &file.text).map_err(io)?;
        report = check(std::slice::from_ref(&staged_bank), &Rules::default());
    }
    if report.diagnostics.has_errors() {
        report.rename_file(&staged_bank, &bank_path);
        return Err(ConvertFailure::Invalid(
            Box::new(report),
            format!("the bank converted from {name} does not check"),
        ));
    }
    let Some(checked) = report.banks.pop() else {
        return Err(ConvertFailure::Io(
            "the converted bank could not be read back".into(),
        ));
    };
    timings.phase("check");
    step(3, "seeding the lock");
    let deck = build_deck(checked.loaded.bank, &checked.media, checked.note_types)
        .map_err(|e| ConvertFailure::Io(format!("cannot read the converted media: {e}")))?;
    let times: std::collections::HashMap<&str, i64> = file
        .card_times
        .iter()
        .map(|(id, t)| (id.as_str(), *t))
        .collect();
    let lock = Lock::seeded(
        &deck,
        &style_fingerprint(&deck),
        &|id| times.get(id).copied().unwrap_or(0),
        file.note_types_modified,
        crate::lock::now(),
    );
    drop(deck);
    std::fs::write(lock_path(&staged_bank), lock.to_text()).map_err(io)?;
    timings.phase("transform + lock");
    step(4, "moving files into place");
    // Into place: media and CSS files, then the lock, then the bank (a bank
    // never sits beside a missing lock, media or CSS file).
    if !converted.media.is_empty() {
        std::fs::create_dir_all(&media_dir).map_err(|e| {
            ConvertFailure::Io(format!("cannot create {}: {e}", media_dir.display()))
        })?;
        for (name, _) in &converted.media {
            move_into_place(&staged_media.join(name), &media_dir.join(name))?;
        }
    }
    for (name, _) in &file.css_files {
        move_into_place(&staging.path().join(name), &options.out_dir.join(name))?;
    }
    move_into_place(&lock_path(&staged_bank), &lock_path(&bank_path))?;
    move_into_place(&staged_bank, &bank_path)?;
    report.rename_file(&staged_bank, &bank_path);
    Ok(ConvertReport {
        bank: bank_path,
        media_dir: (!converted.media.is_empty()).then_some(media_dir),
        converted,
        file,
        check: report,
        allowed_lints: allowed,
        restored: Vec::new(),
    })
}

fn exists(path: &Path) -> ConvertFailure {
    ConvertFailure::Io(format!(
        "{} already exists; pass --force to replace it, or --out to convert elsewhere",
        path.display()
    ))
}

fn move_into_place(from: &Path, to: &Path) -> Result<(), ConvertFailure> {
    std::fs::rename(from, to)
        .map_err(|e| ConvertFailure::Io(format!("cannot write {}: {e}", to.display())))
}

/// The JSON of a CrowdAnki folder: `deck.json`, or the one `*.json` an
/// older CrowdAnki named after the deck.
pub(crate) fn crowdanki_json(folder: &Path) -> Result<PathBuf, ConvertFailure> {
    let deck = folder.join("deck.json");
    if deck.is_file() {
        return Ok(deck);
    }
    let entries = std::fs::read_dir(folder)
        .map_err(|e| ConvertFailure::Io(format!("cannot read {}: {e}", folder.display())))?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        })
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(ConvertFailure::Io(format!(
            "{} is a folder without a deck: no `deck.json` (nor another `.json` file) in it",
            folder.display()
        ))),
        _ => Err(ConvertFailure::Io(format!(
            "{} holds no `deck.json` but several `.json` files; convert the deck's JSON file itself",
            folder.display()
        ))),
    }
}

/// The files of a CrowdAnki deck's `media/` folder beside its JSON: regular
/// files only (a link could point anywhere on this machine), each within
/// the media limits.
/// Media files (name, bytes) and remarks about files not read.
pub(crate) type MediaRead = (Vec<(String, Vec<u8>)>, Vec<String>);

pub(crate) fn crowdanki_media(json: &Path) -> Result<MediaRead, ConvertFailure> {
    let folder = json.parent().unwrap_or(Path::new(".")).join("media");
    let mut media = Vec::new();
    let mut remarks = Vec::new();
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Ok((media, remarks));
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    let mut total = 0u64;
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let regular = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file());
        if !regular {
            remarks.push(format!(
                "media/{name} is not a regular file (a folder or a link): not read"
            ));
            continue;
        }
        let bytes = crate::input::read_file(&path, crate::input::MAX_MEDIA_BYTES)
            .map_err(|e| ConvertFailure::Io(format!("cannot read {}: {e}", path.display())))?;
        total += bytes.len() as u64;
        if total > crate::input::MAX_TOTAL_MEDIA_BYTES {
            return Err(ConvertFailure::Input(ReadError::new(
                format!(
                    "the media add up to more than {}",
                    crate::input::human(crate::input::MAX_TOTAL_MEDIA_BYTES)
                ),
                "a deck's media must fit a package flashdeck can build; remove large files from `media/` first",
            )));
        }
        media.push((name, bytes));
    }
    Ok((media, remarks))
}

fn read_input(
    format: InputFormat,
    bytes: &[u8],
    input: &Path,
    options: &ConvertOptions,
) -> Result<Converted, ConvertFailure> {
    let text = || {
        std::str::from_utf8(bytes).map_err(|e| {
            ConvertFailure::Input(ReadError::new(
                format!("the file is not UTF-8 text (at byte {})", e.valid_up_to()),
                "save it as UTF-8 (spreadsheets: \"CSV UTF-8\")",
            ))
        })
    };
    match format {
        InputFormat::Anki => anki_package::read(bytes, options.deck.as_deref()),
        InputFormat::CrowdAnki => {
            let (media, remarks) = crowdanki_media(input)?;
            crowdanki::read(bytes, media).map(|mut converted| {
                converted.remarks.extend(remarks);
                converted
            })
        }
        InputFormat::AnkiText => anki_text::read(text()?),
        InputFormat::Quizlet => quizlet::read(text()?, &options.term_sep, &options.card_sep),
        InputFormat::Csv => {
            let tsv = options
                .input
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
            spreadsheet::read(
                text()?,
                if tsv { b'\t' } else { b',' },
                options.columns.as_deref(),
                options.header,
            )
        }
    }
    .map_err(ConvertFailure::Input)
}
