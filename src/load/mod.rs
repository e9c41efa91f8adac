//! Stage 1, load: read a bank file and turn its YAML into a [`Bank`].
//!
//! Reading never stops at the first problem: file-level problems (unreadable,
//! not UTF-8, empty, YAML syntax) end loading at once, but every structural
//! problem after that (unknown keys, wrong types, duplicate keys) is collected.

mod bank;

pub(crate) use bank::did_you_mean;
mod chunked;
mod fast;
pub mod yaml;

use std::path::Path;

use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::input::ReadError;
use crate::model::{Bank, LoadedBank};
use crate::source::{SourceFile, Span};

/// A loaded bank (when the file could be read at all) and what loading found.
#[derive(Debug)]
pub struct LoadOutcome {
    /// The source text, when the file was readable UTF-8 (diagnostics point into it).
    pub source: Option<SourceFile>,
    /// The bank, when the YAML parsed into something bank-shaped.
    pub bank: Option<LoadedBank>,
    /// Everything found.
    pub diagnostics: Diagnostics,
}

/// Reads and parses the bank at `path`.
pub fn load_bank(path: &Path) -> LoadOutcome {
    let mut diagnostics = Diagnostics::new();
    let bytes = match crate::input::read_file(path, crate::input::MAX_BANK_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            let (code, message, hint) = match &err {
                ReadError::NotAFile(_) => (
                    Code::NotAFile,
                    format!("cannot read the bank: {err}"),
                    "pass a `.yaml` file, or a folder to check every bank inside it".to_string(),
                ),
                ReadError::TooLarge { .. } => (
                    Code::TooLarge,
                    format!("cannot read the bank: {err}"),
                    format!(
                        "split it into several banks of at most {} each",
                        crate::input::human(crate::input::MAX_BANK_BYTES)
                    ),
                ),
                ReadError::NotFound | ReadError::Io(_) => (
                    Code::Unreadable,
                    format!("cannot read the bank: {err}"),
                    "check the path; `flashdeck new PATH` writes a starter bank".to_string(),
                ),
            };
            diagnostics.push(Diagnostic::for_file(code, path, message).hint(hint));
            return LoadOutcome {
                source: None,
                bank: None,
                diagnostics,
            };
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            // Locate the bad byte using the valid prefix.
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let prefix_file = SourceFile::new(path, prefix);
            let (line, column) = prefix_file.line_column(valid);
            let mut d = Diagnostic::for_file(
                Code::InvalidUtf8,
                path,
                format!(
                    "the file is not valid UTF-8 (byte 0x{:02x} at offset {valid})",
                    bytes[valid]
                ),
            )
            .hint("save the bank as UTF-8 (most editors: \"Save with encoding\" → UTF-8)");
            d.line = line;
            d.column = column;
            diagnostics.push(d);
            return LoadOutcome {
                source: None,
                bank: None,
                diagnostics,
            };
        }
    };
    let source = SourceFile::new(path, text);
    let bank = load_source(&source, &mut diagnostics);
    let base_dir = path
        .parent()
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .unwrap_or(Path::new("."))
        .to_path_buf();
    LoadOutcome {
        bank: bank.map(|bank| LoadedBank {
            source: source.clone(),
            base_dir,
            bank,
        }),
        source: Some(source),
        diagnostics,
    }
}

/// Parses already-read text; used by [`load_bank`] and by tests.
pub fn load_source(source: &SourceFile, diagnostics: &mut Diagnostics) -> Option<Bank> {
    let text = source.text().trim_start_matches('\u{feff}');
    let only_comments = text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || l.trim() == "---");
    if only_comments {
        diagnostics.push(
            Diagnostic::for_file(Code::EmptyFile, source.path(), "the bank is empty").hint(
                "a bank needs a `deck:` and a `cards:` list; `flashdeck new PATH` writes a starter",
            ),
        );
        return None;
    }
    if let Some(bank) = read_well_formed(source) {
        return Some(bank);
    }
    match yaml::parse(source) {
        Ok(root) => bank::read_bank(&root, source, diagnostics),
        Err(err) => {
            diagnostics.push(syntax_diagnostic(source, &err));
            None
        }
    }
}

/// Reads a well-formed bank straight into the model, or `None` when the
/// located tree must explain it. Large banks are read on every core.
fn read_well_formed(source: &SourceFile) -> Option<Bank> {
    let threads = crate::worker_threads();
    if threads > 1
        && source.text().len() >= chunked::MIN_BYTES
        && let Some(bank) = chunked::read_bank(source, threads)
    {
        return Some(bank);
    }
    fast::read_bank_serial(source)
}

/// Turns a parser error into a diagnostic, recognising tab indentation, the
/// most common cause, so the hint can say exactly what to do.
fn syntax_diagnostic(source: &SourceFile, err: &yaml::YamlError) -> Diagnostic {
    let tab_line = source
        .text()
        .lines()
        .enumerate()
        .take(err.line + 1)
        .find(|(_, l)| l.trim_start_matches(' ').starts_with('\t'))
        .map(|(i, _)| i + 1);
    if let Some(line) = tab_line {
        let column = source
            .text()
            .lines()
            .nth(line - 1)
            .map_or(1, |l| l.find('\t').unwrap_or(0) + 1);
        let at = source.offset_of(line, column);
        return Diagnostic::new(
            Code::TabIndentation,
            source,
            Span::new(at, at + 1),
            "a tab is used for indentation",
        )
        .label("tab here")
        .hint(
            "YAML indents with spaces only: replace the tab with spaces (two per level is usual)",
        );
    }
    let at = source.offset_of(err.line, err.column);
    let end = (at + 1).min(source.text().len());
    // The value on the error's line, when it is a `key: value` line: a value
    // that starts with `!` or a backtick cannot be a plain YAML value.
    let key_value = source
        .text()
        .lines()
        .nth(err.line.saturating_sub(1))
        .and_then(|line| line.split_once(": "))
        .filter(|_| !err.limit);
    let starts_with = |c: char| key_value.filter(|(_, value)| value.trim_start().starts_with(c));
    let syntax = |label: Option<&str>, hint: String| {
        let d = Diagnostic::new(
            Code::YamlSyntax,
            source,
            Span::new(at, end),
            format!("invalid YAML: {}", err.message),
        );
        match label {
            Some(label) => d.label(label),
            None => d,
        }
        .hint(hint)
    };
    // `answer: ![x](media/x.png)`: a value starting with `!` is a YAML tag.
    if starts_with('!').is_some() {
        return syntax(None, "a value that starts with `!` (like a Markdown image `![alt](media/x.png)`) is read as a YAML tag: quote it (`answer: \"![alt](media/x.png)\"`), or use a block scalar `|` with the text on the next line".to_string());
    }
    // `question: `x` is what?`: Markdown code at the start of a value.
    if let Some((key, value)) = starts_with('`') {
        let key = key.trim_start().trim_start_matches("- ").trim();
        let value = value.trim().replace('\\', "\\\\").replace('"', "\\\"");
        return syntax(
            Some("a backtick cannot start a plain YAML value"),
            format!(
                "a value that starts with `` ` `` (Markdown code) must be quoted in YAML: quote it (`` {key}: \"{value}\" ``), or use a block scalar `|` with the text on the next line"
            ),
        );
    }
    let (code, hint) = if err.limit {
        (
            Code::YamlLimit,
            "split the bank into several files, or remove deep nesting and aliases",
        )
    } else {
        (
            Code::YamlSyntax,
            "check the indentation and quoting here; text that starts with `{`, `[`, `!`, `%`, `*`, `&`, `@` or `` ` ``, or holds `: ` or ` #`, needs quotes or a `|` block",
        )
    };
    Diagnostic::new(
        code,
        source,
        Span::new(at, end),
        format!("invalid YAML: {}", err.message),
    )
    .hint(hint)
}
