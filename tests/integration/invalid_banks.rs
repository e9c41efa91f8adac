//! The corpus of broken banks in `tests/corpus/invalid/`: each must be
//! reported with the right code at the right line and column, exit with
//! status 1, and make `build` write nothing at all.

use crate::common;

use std::path::Path;

use common::{copy_dir, files_below, flashdeck, repo, run};

/// (file, code, line, column) of the diagnostic each bank must produce.
const CASES: &[(&str, &str, usize, usize)] = &[
    ("bad-indentation.yaml", "yaml-syntax", 3, 9),
    ("blank-question.yaml", "empty-field", 6, 15),
    ("card-id-not-a-slug.yaml", "invalid-id", 5, 9),
    ("card-without-answer.yaml", "missing-field", 5, 9),
    ("card-without-id.yaml", "missing-field", 5, 5),
    ("cards-not-a-list.yaml", "wrong-type", 5, 3),
    ("cloze-django-tag.yaml", "cloze-braces", 8, 47),
    ("cloze-django-variable.yaml", "cloze-braces", 8, 35),
    ("cloze-unclosed.yaml", "cloze-unclosed", 8, 17),
    // Issue 22: a missing `}` is named at the deletion's opening (it was
    // `cloze-braces` at the next deletion, with help about Django syntax).
    ("cloze-missing-brace.yaml", "cloze-unclosed", 8, 24),
    (
        "cloze-without-deletion.yaml",
        "cloze-without-deletion",
        7,
        11,
    ),
    ("cloze-without-text.yaml", "missing-field", 5, 9),
    ("comments-only.yaml", "empty-file", 1, 1),
    ("deck-id-not-a-slug.yaml", "invalid-id", 2, 7),
    ("deck-name-empty-part.yaml", "invalid-deck-name", 3, 9),
    ("deck-without-id.yaml", "missing-field", 2, 3),
    ("duplicate-card-id.yaml", "duplicate-card-id", 8, 9),
    ("duplicate-key-in-card.yaml", "duplicate-key", 8, 5),
    ("duplicate-top-level-key.yaml", "duplicate-key", 8, 1),
    ("empty-answer.yaml", "empty-field", 7, 11),
    ("empty-card-list.yaml", "empty-field", 4, 8),
    ("empty-tag.yaml", "invalid-tag", 8, 16),
    ("empty.yaml", "empty-file", 1, 1),
    ("invalid-utf8.yaml", "invalid-utf8", 3, 12),
    ("media-absolute-path.yaml", "media-outside-bank", 7, 19),
    ("media-missing.yaml", "media-missing", 9, 18),
    ("media-name-clash.yaml", "media-name-clash", 9, 21),
    ("media-parent-dir.yaml", "media-outside-bank", 6, 21),
    ("media-remote-url.yaml", "media-outside-bank", 7, 19),
    ("media-symlink-out.yaml", "media-outside-bank", 6, 21),
    ("no-cards-key.yaml", "missing-field", 1, 1),
    ("question-is-a-list.yaml", "wrong-type", 7, 7),
    ("question-on-cloze-card.yaml", "field-not-used", 8, 15),
    ("reference-not-http.yaml", "invalid-reference", 10, 9),
    ("tab-indentation.yaml", "tab-indentation", 3, 1),
    ("tag-with-space.yaml", "invalid-tag", 8, 16),
    ("tags-not-a-list.yaml", "wrong-type", 8, 11),
    ("top-level-is-a-list.yaml", "wrong-type", 1, 1),
    ("type-in-without-question.yaml", "missing-field", 5, 9),
    ("unclosed-flow-mapping.yaml", "yaml-syntax", 2, 6),
    ("unknown-card-key.yaml", "unknown-key", 6, 5),
    ("unknown-card-type.yaml", "unknown-card-type", 6, 11),
    ("unknown-deck-key.yaml", "unknown-key", 4, 3),
    ("unknown-top-level-key.yaml", "unknown-key", 8, 1),
    // Hostile banks (issue 12): each class of attack that validation refuses.
    ("cloze-number-zero.yaml", "cloze-number", 8, 12),
    ("cloze-number-65537.yaml", "cloze-number", 8, 12),
    ("cloze-number-huge.yaml", "cloze-number", 8, 12),
    ("cloze-number-empty-item.yaml", "cloze-number", 8, 12),
    ("cloze-empty.yaml", "cloze-empty", 8, 26),
    ("cloze-empty-with-hint.yaml", "cloze-empty", 8, 12),
    (
        "cloze-escaped-marker.yaml",
        "cloze-changed-by-markdown",
        9,
        7,
    ),
    ("sound-in-code-span.yaml", "media-outside-bank", 7, 24),
    ("sound-in-attribute.yaml", "media-outside-bank", 7, 36),
    ("sound-split-by-tag.yaml", "media-missing", 9, 22),
    ("media-backslash.yaml", "media-outside-bank", 7, 26),
    ("media-remote-raw-img.yaml", "media-outside-bank", 7, 26),
    ("media-protocol-relative.yaml", "media-outside-bank", 7, 26),
    ("media-remote-source.yaml", "media-outside-bank", 7, 45),
    ("media-javascript-image.yaml", "media-outside-bank", 7, 21),
    ("control-nul.yaml", "control-character", 7, 15),
    ("control-vertical-tab.yaml", "control-character", 7, 15),
    ("control-form-feed.yaml", "control-character", 8, 13),
    ("control-next-line.yaml", "control-character", 7, 15),
    ("control-line-separator.yaml", "control-character", 8, 13),
    (
        "control-escape-in-deck-name.yaml",
        "control-character",
        4,
        9,
    ),
    ("deck-name-newline.yaml", "control-character", 4, 9),
    ("topic-newline.yaml", "control-character", 7, 12),
    ("tag-control.yaml", "control-character", 9, 12),
    ("deck-id-too-long.yaml", "invalid-id", 3, 7),
    ("card-id-too-long.yaml", "invalid-id", 6, 9),
    ("reference-javascript.yaml", "invalid-reference", 9, 18),
    ("utf16-bom.yaml", "invalid-utf8", 1, 1),
    // Bank-declared note types, their templates, and the cards that use them.
    ("card-deck-empty-part.yaml", "invalid-deck-name", 17, 11),
    (
        "card-decks-unknown-template.yaml",
        "unknown-template",
        18,
        7,
    ),
    (
        "card-fields-without-note-type.yaml",
        "field-not-used",
        14,
        7,
    ),
    ("card-missing-first-field.yaml", "missing-field", 12, 9),
    (
        "card-question-with-note-type.yaml",
        "field-not-used",
        17,
        15,
    ),
    ("card-type-and-note-type.yaml", "field-not-used", 13, 11),
    ("card-unknown-note-field.yaml", "unknown-note-field", 17, 7),
    ("card-unknown-note-type.yaml", "unknown-note-type", 13, 16),
    ("cloze-note-field-unclosed.yaml", "cloze-unclosed", 16, 14),
    (
        "cloze-note-type-without-cloze.yaml",
        "cloze-template-missing",
        10,
        16,
    ),
    ("guid-duplicate.yaml", "duplicate-guid", 20, 11),
    ("guid-invalid.yaml", "invalid-guid", 17, 11),
    ("note-empty-front.yaml", "empty-front", 12, 9),
    (
        "note-type-anki-id-not-number.yaml",
        "invalid-note-type",
        11,
        14,
    ),
    ("note-type-bad-field-name.yaml", "invalid-note-type", 6, 29),
    (
        "note-type-cloze-two-templates.yaml",
        "invalid-note-type",
        12,
        15,
    ),
    ("note-type-duplicate.yaml", "duplicate-note-type", 11, 11),
    ("note-type-field-twice.yaml", "invalid-note-type", 6, 29),
    ("note-type-kind-unknown.yaml", "wrong-type", 6, 11),
    ("note-type-no-fields.yaml", "invalid-note-type", 5, 11),
    (
        "note-type-sort-field-unknown.yaml",
        "invalid-note-type",
        7,
        17,
    ),
    ("template-close-not-open.yaml", "template-syntax", 9, 25),
    (
        "template-css-font-not-declared.yaml",
        "media-missing",
        12,
        7,
    ),
    ("template-file-missing.yaml", "media-missing", 9, 21),
    ("template-script.yaml", "template-script", 10, 15),
    ("template-unclosed-section.yaml", "template-syntax", 10, 43),
    (
        "template-unknown-field.yaml",
        "unknown-template-field",
        10,
        43,
    ),
    ("template-without-front.yaml", "missing-field", 8, 15),
];

/// A copy of the corpus in a temporary folder, plus the one case that needs
/// a symbolic link (git checkouts do not always keep links).
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("tests/corpus/invalid"), dir.path());
    let outside = tempfile::NamedTempFile::new()
        .unwrap()
        .into_temp_path()
        .keep()
        .unwrap();
    std::os::unix::fs::symlink(&outside, dir.path().join("media/escape.png")).unwrap();
    std::fs::write(
        dir.path().join("media-symlink-out.yaml"),
        "deck:\n  id: broken\n  name: Broken\ncards:\n  - id: a\n    question: \"![x](media/escape.png)\"\n    answer: A.\n",
    )
    .unwrap();
    dir
}

#[test]
fn corpus_has_at_least_thirty_cases_and_every_file_is_listed() {
    assert!(CASES.len() >= 30, "only {} cases", CASES.len());
    let on_disk: Vec<String> = std::fs::read_dir(repo().join("tests/corpus/invalid"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    for name in &on_disk {
        assert!(
            CASES.iter().any(|c| c.0 == name),
            "{name} has no expectation in CASES"
        );
    }
}

#[test]
fn check_reports_code_line_and_column_with_exit_status_1() {
    // The unclosed deletion's help says what is likely missing.
    let dir = corpus();
    let (_, _, stderr) = run(flashdeck(dir.path()).args(["check", "cloze-missing-brace.yaml"]));
    assert!(stderr.contains("missing `}}`?"), "{stderr}");
    assert!(!stderr.contains("Django template syntax"), "{stderr}");
    let dir = corpus();
    let mut failures = Vec::new();
    for &(file, code, line, column) in CASES {
        let (status, stdout, _) =
            run(flashdeck(dir.path()).args(["check", "--format", "json", file]));
        let json: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{file}: bad JSON {e}: {stdout}"));
        let found = json["diagnostics"].as_array().unwrap().iter().any(|d| {
            d["code"] == code
                && d["line"] == line
                && d["column"] == column
                && d["severity"] == "error"
                && d["file"] == file
        });
        if status != 1 || !found {
            failures.push(format!(
                "{file}: expected {code} at {line}:{column} and exit 1, got exit {status}: {stdout}"
            ));
        }
        // The human form names the same place and offers a hint.
        let (_, _, stderr) = run(flashdeck(dir.path()).args(["check", file]));
        let place = format!("{file}:{line}:{column}");
        if !stderr.contains(&place)
            || !stderr.contains(&format!("error[{code}]"))
            || !stderr.contains("help:")
        {
            failures.push(format!(
                "{file}: human output lacks {place}, error[{code}] or help:\n{stderr}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn build_of_a_broken_bank_writes_nothing() {
    let dir = corpus();
    for &(file, _, _, _) in CASES {
        let out = dir.path().join(format!("out-{file}"));
        let (status, _, stderr) = run(flashdeck(dir.path())
            .args(["build", file, "--out"])
            .arg(&out));
        assert_eq!(status, 1, "{file}: {stderr}");
        assert!(stderr.contains("nothing was written"), "{file}: {stderr}");
        assert!(
            files_below(&out).is_empty(),
            "{file} wrote {:?}",
            files_below(&out)
        );
        let lock = Path::new(file).with_extension("lock");
        assert!(!dir.path().join(lock).exists(), "{file} wrote a lock file");
    }
}
