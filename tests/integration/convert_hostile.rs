//! `flashdeck convert` on damaged and malicious packages
//! (`tests/corpus/convert/`, made by its `make.py`): each gets its own clear
//! error, exit status 1, no panic, and nothing written.

use std::path::Path;

use super::common::{files_below, repo};

/// (file, words the error must contain)
const CASES: &[(&str, &str)] = &[
    ("not-a-zip.apkg", "not a zip file"),
    (
        "media-traversal.apkg",
        "`../../evil.sh`, which is not a plain file name",
    ),
    (
        "media-absolute-path.apkg",
        "`/etc/cron.d/x`, which is not a plain file name",
    ),
    ("zip-bomb.apkg", "larger than 100.0 MiB once unpacked"),
    ("huge-declared-size.apkg", "not a SQLite database"),
    ("truncated-zstd.apkg", "the collection cannot be read"),
    ("media-map-not-zstd.apkg", "the media list is not zstd data"),
    (
        "wrong-protobuf-meta.apkg",
        "`meta`: a length runs past the end",
    ),
    (
        "newer-anki.apkg",
        "made by a newer Anki (package version 9)",
    ),
    ("not-sqlite.apkg", "not a SQLite database"),
    (
        "not-a-collection.apkg",
        "not an Anki collection (it has no `col` table)",
    ),
    ("zero-notes.apkg", "the package holds no notes"),
    ("zero-templates.apkg", "note type `Basic` has no templates"),
    (
        "v3-without-collection.apkg",
        "`collection.anki21b` is missing",
    ),
];

#[test]
fn every_hostile_package_is_refused_clearly_and_writes_nothing() {
    let corpus = repo().join("tests/corpus/convert");
    let mut failures = Vec::new();
    for &(file, expected) in CASES {
        let out = tempfile::tempdir().unwrap();
        let target = out.path().join("bank");
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_flashdeck"))
            .args(["convert", "--color", "never", "--out"])
            .arg(&target)
            .arg(corpus.join(file))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let ok = output.status.code() == Some(1)
            && stderr.contains(expected)
            && stderr.contains("help: ")
            && stderr.contains("nothing was written")
            && !stderr.contains("panicked")
            && files_below(out.path()).is_empty();
        if !ok {
            failures.push(format!(
                "{file}: exit {:?}, expected `{expected}`:\n{stderr}",
                output.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_corpus_file_is_listed_and_the_real_export_converts() {
    let corpus = repo().join("tests/corpus/convert");
    for entry in std::fs::read_dir(&corpus).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.ends_with(".apkg") && name != "v3-export.apkg" {
            assert!(
                CASES.iter().any(|c| c.0 == name),
                "{name} has no expectation"
            );
        }
    }
    // The base of the zstd cases is a real export, which converts.
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_flashdeck"))
        .args(["convert", "-q", "--out"])
        .arg(out.path())
        .arg(corpus.join("v3-export.apkg"))
        .status()
        .unwrap();
    assert!(status.success());
    assert!(Path::new(&out.path().join("lang.yaml")).is_file());
}
