//! Media rules: every image or sound a card references must be a file inside
//! the bank's folder, and no two different files may share a basename (Anki
//! keeps media in one flat folder, referenced by basename).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic};
use crate::markup;
use crate::model::LoadedBank;
use crate::source::Span;

/// A media file referenced by a bank, resolved on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// The path as written in the Markdown (`media/diagram.png`).
    pub written: String,
    /// The basename it is packaged under (`diagram.png`).
    pub name: String,
    /// The file on disk.
    pub path: PathBuf,
}

/// Resolves every media reference of the bank. Problems are reported to
/// `report`; only references that resolved are returned.
pub fn resolve_media(loaded: &LoadedBank, report: &mut dyn FnMut(Diagnostic)) -> Vec<MediaFile> {
    let source = &loaded.source;
    let base = std::fs::canonicalize(&loaded.base_dir).unwrap_or_else(|_| loaded.base_dir.clone());
    let mut by_written: BTreeMap<String, MediaFile> = BTreeMap::new();
    let mut by_name: BTreeMap<String, (PathBuf, Span)> = BTreeMap::new();
    let mut total = 0u64;
    let mut over_budget = false;
    let fields = loaded
        .bank
        .cards
        .iter()
        .flat_map(|c| c.markdown_fields().map(|(_, f)| f));
    let description = loaded.bank.deck.description.iter();
    // Media only templates or CSS use are listed by path, not found in text.
    let declared = loaded
        .bank
        .media
        .iter()
        .map(|m| (m.value.trim().to_string(), m.span));
    let referenced = description.chain(fields).flat_map(|field| {
        markup::media_destinations(&field.value)
            .into_iter()
            .map(|written| {
                let span = source.find_in(field.span, &written).unwrap_or(field.span);
                (written, span)
            })
    });
    // Files the source deck named but did not hold: kept as written.
    let not_in_source: std::collections::HashSet<&str> = loaded
        .bank
        .missing_media
        .iter()
        .map(|m| m.value.trim())
        .collect();
    if let Some(first) = loaded.bank.missing_media.first() {
        let count = loaded.bank.missing_media.len();
        report(
            Diagnostic::new(
                Code::MediaNotInSource,
                source,
                first.span,
                format!(
                    "{count} media file{} the notes name {} not in the deck this bank was converted from",
                    if count == 1 { "" } else { "s" },
                    if count == 1 { "was" } else { "were" }
                ),
            )
            .label("listed under `missing-media:`")
            .hint("references to them are kept as written and nothing is packaged for them: add the files under `media/` and remove them from the list, or allow the lint (`lints: {media-not-in-source: allow}`)"),
        );
    }
    for (written, span) in declared.chain(referenced) {
        {
            if by_written.contains_key(&written) || not_in_source.contains(written.as_str()) {
                continue;
            }
            let Some(file) = resolve_one(&base, &written, span, loaded, report) else {
                continue;
            };
            if !by_name.contains_key(&file.name) {
                total += std::fs::metadata(&file.path).map_or(0, |m| m.len());
                if total > crate::input::MAX_TOTAL_MEDIA_BYTES && !over_budget {
                    over_budget = true;
                    report(
                        Diagnostic::new(
                            Code::TooLarge,
                            source,
                            span,
                            format!(
                                "with `{written}` the bank's media add up to more than {}",
                                crate::input::human(crate::input::MAX_TOTAL_MEDIA_BYTES)
                            ),
                        )
                        .label("over the limit from here on")
                        .hint("shrink the media files, or split the bank into several decks"),
                    );
                }
            }
            if let Some((first_path, first_span)) = by_name.get(&file.name) {
                if first_path != &file.path {
                    report(
                        Diagnostic::new(
                            Code::MediaNameClash,
                            source,
                            span,
                            format!("two different media files are both named `{}`", file.name),
                        )
                        .label("this file")
                        .related(source, *first_span, "clashes with this one")
                        .hint(
                            "Anki stores media by file name in one folder: rename one of the files",
                        ),
                    );
                    continue;
                }
            } else {
                by_name.insert(file.name.clone(), (file.path.clone(), span));
            }
            by_written.insert(written, file);
        }
    }
    by_written.into_values().collect()
}

pub(super) fn resolve_one(
    base: &Path,
    written: &str,
    span: Span,
    loaded: &LoadedBank,
    report: &mut dyn FnMut(Diagnostic),
) -> Option<MediaFile> {
    let source = &loaded.source;
    let outside = |why: &str| {
        Diagnostic::new(Code::MediaOutsideBank, source, span, format!("media `{written}` {why}"))
            .label("outside the bank's folder")
            .hint("copy the file into the bank's folder (e.g. `media/`) and reference it by a relative path")
    };
    // Any `scheme:` (http, data, javascript, a Windows drive letter) is not a path in the bank.
    let has_scheme = written.split_once(':').is_some_and(|(scheme, _)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    if written.contains("://") || has_scheme {
        report(outside("is not a local file").hint(
            "download the file into the bank's folder and reference it by a relative path; decks must work offline",
        ));
        return None;
    }
    // Anki on Windows reads `\` as a folder separator: `..\x` would climb out.
    if written.contains('\\') || written.chars().any(char::is_control) {
        report(outside("uses `\\` or a control character in its path").hint(
            "write media paths with `/` (`media/diagram.png`) and name files with letters, digits, `-`, `_` and `.`",
        ));
        return None;
    }
    let relative = Path::new(written);
    let mut depth: i32 = 0;
    for component in relative.components() {
        match component {
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::RootDir | Component::Prefix(_) => {
                report(outside("is an absolute path"));
                return None;
            }
            Component::CurDir => {}
        }
        if depth < 0 {
            report(outside("climbs out of the bank's folder with `..`"));
            return None;
        }
    }
    let joined = base.join(relative);
    let Ok(path) = std::fs::canonicalize(&joined) else {
        report(
            Diagnostic::new(
                Code::MediaMissing,
                source,
                span,
                format!("media file `{written}` does not exist"),
            )
            .label("no such file")
            .hint(format!(
                "paths are relative to the bank's folder ({}); check the spelling or add the file",
                loaded.base_dir.display()
            )),
        );
        return None;
    };
    if !path.starts_with(base) {
        report(outside("is a link to a file outside the bank's folder"));
        return None;
    }
    if !path.is_file() {
        report(
            Diagnostic::new(
                Code::MediaMissing,
                source,
                span,
                format!("media `{written}` is not a file"),
            )
            .label("not a file")
            .hint("reference a file, not a folder"),
        );
        return None;
    }
    if let Err(err) = crate::input::check_file(&path, crate::input::MAX_MEDIA_BYTES) {
        report(
            Diagnostic::new(
                Code::TooLarge,
                source,
                span,
                format!("media `{written}` cannot be packaged: {err}"),
            )
            .label("this file")
            .hint("shrink the file (a smaller image, a compressed sound), or leave it out of the deck"),
        );
        return None;
    }
    let name = path.file_name()?.to_string_lossy().into_owned();
    Some(MediaFile {
        written: written.to_string(),
        name,
        path,
    })
}
