//! Converted banks read like written ones (issue 20): CSS that several note
//! types hold byte for byte is one file beside the bank that each names,
//! fields are Markdown wherever Markdown renders to the same HTML, card ids
//! are a few words, and the package built from the bank holds the same CSS
//! and fields byte for byte.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use flashdeck::read::{Converted, anki_package};

use super::common::{files_below, repo, run};

fn flashdeck(dir: &Path) -> std::process::Command {
    let mut cmd = super::common::flashdeck(dir);
    cmd.args(["--color", "never"]);
    cmd
}

/// A package as flashdeck's reader sees it.
fn package(path: &Path) -> Converted {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    anki_package::read(&bytes, None).unwrap_or_else(|e| panic!("{}: {}", path.display(), e.message))
}

/// Each note type's CSS by name, and each note's fields by GUID.
type Contents = (BTreeMap<String, String>, BTreeMap<String, Vec<String>>);

fn css_and_fields(deck: &Converted) -> Contents {
    let css = deck
        .note_types
        .iter()
        .map(|nt| (nt.name.clone(), nt.css.clone()))
        .collect();
    let fields = deck
        .notes
        .iter()
        .map(|n| (n.guid.clone().unwrap_or_default(), n.fields.clone()))
        .collect();
    (css, fields)
}

/// Converts `input` into `dir/bank`, builds that into `dir/out`, and
/// returns the bank's text and the package built.
fn convert_and_build(dir: &Path, input: &Path, bank: &str) -> (String, PathBuf) {
    let (status, _, stderr) = run(flashdeck(dir)
        .arg("convert")
        .arg(input)
        .args(["--out", "bank"]));
    assert_eq!(status, 0, "{stderr}");
    let text = std::fs::read_to_string(dir.join("bank").join(bank)).unwrap();
    let (status, _, stderr) =
        run(flashdeck(dir).args(["build", "bank", "--out", "out", "--format", "apkg"]));
    assert_eq!(status, 0, "{stderr}");
    let built = files_below(&dir.join("out"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "apkg"))
        .expect("a package");
    (text, dir.join("out").join(built))
}

/// Anki's own export (tests/corpus/convert/v3-export.apkg): its three
/// stock Basic note types hold the same CSS, Cloze and a custom type their
/// own.
#[test]
fn css_shared_by_note_types_is_one_file_and_comes_back_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let input = repo().join("tests/corpus/convert/v3-export.apkg");
    let (bank, built) = convert_and_build(dir.path(), &input, "lang.yaml");
    assert_eq!(
        bank.matches("\n    css-file: lang.css\n").count(),
        3,
        "{bank}"
    );
    assert_eq!(bank.matches("\n    css: ").count(), 2, "{bank}");
    let css_files: Vec<PathBuf> = files_below(&dir.path().join("bank"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "css"))
        .collect();
    assert_eq!(css_files, [PathBuf::from("lang.css")]);
    let original = package(&input);
    let basic = original.note_types.iter().find(|nt| nt.name == "Basic");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bank/lang.css")).ok(),
        basic.map(|nt| nt.css.clone())
    );
    assert_eq!(css_and_fields(&package(&built)), css_and_fields(&original));

    // The CSS file is one of convert's outputs: kept unless --force.
    std::fs::remove_file(dir.path().join("bank/lang.yaml")).unwrap();
    std::fs::remove_file(dir.path().join("bank/lang.lock")).unwrap();
    std::fs::remove_dir_all(dir.path().join("bank/media")).unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path())
        .arg("convert")
        .arg(&input)
        .args(["--out", "bank"]));
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("lang.css already exists"), "{stderr}");
    assert!(!dir.path().join("bank/lang.yaml").exists());
    let (status, _, stderr) = run(flashdeck(dir.path())
        .arg("convert")
        .arg(&input)
        .args(["--out", "bank", "--force"]));
    assert_eq!(status, 0, "{stderr}");
}

/// Fields a build wrote from Markdown (paragraphs, emphasis, inline code,
/// a highlighted code block, lists, a table, links, line breaks) convert
/// back into that Markdown, and build again into the same package fields.
#[test]
fn simple_html_fields_come_back_as_the_markdown_they_were_built_from() {
    const FIELDS: [&str; 6] = [
        "Which `manage.py` command creates *migration* files?",
        "It runs **lazily**:\n\n```python\nbooks = Book.objects.filter(year__gt=2000)\nprint(books[0])\n```\n\nNo SQL runs before `print`.",
        "The \"unsafe\" ones:\n\n| Method | Checked |\n|---|---|\n| GET, HEAD | no |\n| POST, PUT | yes |\n\n1. the token is read\n2. then compared",
        "See <https://docs.djangoproject.com/en/5.2/ref/csrf/> and [the FAQ](https://docs.djangoproject.com/en/5.2/faq/).",
        "first line\\\nsecond line",
        "- one\n- two\n  - nested",
    ];
    let css = ".card { font-family: serif; }\\n.term { font-weight: bold; }\\n";
    let mut yaml = String::from("deck:\n  id: terms\n  name: Terms\nnote-types:\n");
    for name in ["Term", "Term (reversed)"] {
        yaml.push_str(&format!(
            "  - name: {name}\n    fields: [Front, Back]\n    css: \"{css}\"\n    templates:\n      - name: Card 1\n        front: '<div class=term>{{{{Front}}}}</div>'\n        back: '{{{{FrontSide}}}}<hr id=answer>{{{{Back}}}}'\n"
        ));
    }
    yaml.push_str("cards:\n");
    for (i, pair) in FIELDS.chunks(2).enumerate() {
        let note_type = if i == 1 { "Term (reversed)" } else { "Term" };
        yaml.push_str(&format!(
            "  - id: card-{i}\n    note-type: {note_type}\n    guid: \"g{i}\"\n    fields:\n      Front: {}\n      Back: {}\n",
            serde_json::to_string(pair[0]).unwrap(),
            serde_json::to_string(pair[1]).unwrap(),
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("terms.yaml"), yaml).unwrap();
    let first = dir.path().join("first/terms.apkg");
    // Without the bank in the package: the fields themselves are converted.
    let build = [
        "build",
        "terms.yaml",
        "--format",
        "apkg",
        "--without-bank",
        "--out",
    ];
    let (status, _, stderr) = run(flashdeck(dir.path()).args(build).arg("first"));
    assert_eq!(status, 0, "{stderr}");

    let (bank, built) = convert_and_build(dir.path(), &first, "terms.yaml");
    let loaded = flashdeck::load::load_bank(&dir.path().join("bank/terms.yaml"))
        .bank
        .expect("the converted bank loads");
    let mut converted: Vec<(&str, bool)> = loaded
        .bank
        .cards
        .iter()
        .flat_map(|c| c.fields.iter())
        .map(|f| (f.value.value.as_str(), f.html))
        .collect();
    converted.sort_unstable();
    let mut written: Vec<(&str, bool)> = FIELDS.iter().map(|f| (*f, false)).collect();
    written.sort_unstable();
    assert_eq!(converted, written, "{bank}");
    assert_eq!(
        bank.matches("\n    css-file: terms.css\n").count(),
        2,
        "{bank}"
    );
    // Ids are the first field's first words.
    assert!(
        bank.contains("\n  - id: which-manage-py-command-creates\n"),
        "{bank}"
    );
    assert_eq!(
        css_and_fields(&package(&built)),
        css_and_fields(&package(&first))
    );
}
