//! `flashdeck convert` against real Anki: a collection Anki made (stock and
//! custom note types, tables, lists, `<pre>` code, entities, MathJax, cloze
//! with a hint and three deletions, `{{ user.name }}`, hierarchical tags,
//! two subdecks, a note with cards in both, an image, a sound, RTL, CJK and
//! emoji, GUIDs `true`, `0012345678` and `#a;b,c`; cards answered) is
//! exported by Anki in the v3 and v2 layouts, converted, one card edited in
//! the YAML, built, and imported back into that collection with default
//! options: 0 new, 0 conflicting, exactly 1 updated, reviews untouched,
//! every other note's fields byte-identical. Since issue 19 the deck also
//! holds what real decks hold and Anki reads: a nested cloze, TeX braces at
//! a deletion's end, an empty deletion, U+0008, what Anki's editor writes
//! (`font`, `style`, `dir`, `lang`, `class`, tables, `ruby`), a template
//! with a script, Persian/CJK/combining-mark fields, an Image Occlusion note.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::anki_note_types::{Collection, count, scheduling};
use super::common::repo;

fn flashdeck(dir: &Path, args: &[&OsStr]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_flashdeck"))
        .args(args)
        .args(["--color", "never"])
        .current_dir(dir)
        .output()
        .expect("run flashdeck");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Each note's fields by GUID.
fn fields_by_guid(state: &Value) -> BTreeMap<String, Vec<String>> {
    state["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["guid"].as_str().unwrap().to_string(),
                n["fields"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn convert_edit_build_import(legacy: bool) {
    let anki = Collection::make_with(true);
    let package = if legacy {
        anki.dir().join("anki-export-v2.apkg")
    } else {
        anki.dir().join("anki-export.apkg")
    };
    assert_eq!(anki.note_count(), 21);
    let before = fields_by_guid(anki.state());
    let (revlog, cards) = scheduling(anki.state());
    assert!(revlog.as_array().is_some_and(|r| r.len() >= 4));

    let work = tempfile::tempdir().unwrap();
    let (status, stderr) = flashdeck(
        work.path(),
        &[
            OsStr::new("convert"),
            package.as_os_str(),
            OsStr::new("--out"),
            OsStr::new("bank"),
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("21 notes"), "{stderr}");
    assert!(stderr.contains("0 errors"), "{stderr}");
    let bank = work.path().join("bank/lang.yaml");
    assert!(work.path().join("bank/lang.lock").is_file());
    assert!(work.path().join("bank/media/lang/pic.png").is_file());
    assert!(work.path().join("bank/media/lang/sound.mp3").is_file());
    // Anki's stock Basic note types hold the same CSS: one file, named by each.
    assert!(work.path().join("bank/lang.css").is_file());

    // Edit one answer: the Basic note "perro" → "dog" becomes "a dog".
    let yaml = std::fs::read_to_string(&bank).unwrap();
    let edited = yaml.replacen("      Back: dog\n", "      Back: a dog\n", 1);
    assert_ne!(
        edited, yaml,
        "the converted bank holds `Back: dog`:\n{yaml}"
    );
    std::fs::write(&bank, edited).unwrap();
    let (status, stderr) = flashdeck(
        work.path(),
        &[
            OsStr::new("build"),
            bank.as_os_str(),
            OsStr::new("--out"),
            OsStr::new("out"),
        ],
    );
    assert_eq!(status, 0, "{stderr}");

    // What a real deck holds and Anki reads: allowed by count, the scripted
    // note type marked, and the other outputs right for it (issue 19).
    let converted = std::fs::read_to_string(&bank).unwrap();
    assert!(
        converted.contains("  cloze-braces: allow  # 1 place\n"),
        "{converted}"
    );
    assert!(
        converted.contains("  cloze-empty: allow  # 1 place\n"),
        "{converted}"
    );
    assert!(converted.contains("    scripts: true\n"), "{converted}");
    let page = std::fs::read_to_string(work.path().join("out/lang.html")).unwrap();
    assert!(
        page.contains("[hidden area: rect at 10% left, 20% top]"),
        "{page}"
    );
    assert!(
        !page.contains("imageOcclusion.setup"),
        "a template's script on the page"
    );
    let quizlet = std::fs::read_to_string(work.path().join("out/lang.quizlet.txt")).unwrap();
    assert!(
        !quizlet.contains("image-occlusion") && !quizlet.contains('\u{8}'),
        "{quizlet}"
    );
    assert!(quizlet.contains("bellchar"), "{quizlet}");
    // The package holds each note type's CSS byte for byte.
    let css = |package: &Path| -> BTreeMap<String, String> {
        let bytes = std::fs::read(package).unwrap();
        let deck = flashdeck::read::anki_package::read(&bytes, None)
            .unwrap_or_else(|e| panic!("{}", e.message));
        deck.note_types
            .into_iter()
            .map(|nt| (nt.name, nt.css))
            .collect()
    };
    assert_eq!(css(&work.path().join("out/lang.apkg")), css(&package));
    let report = anki.import(&work.path().join("out/lang.apkg"));
    assert_eq!(count(&report, "new"), 0, "{}", report["log"]);
    assert_eq!(count(&report, "conflicting"), 0, "{}", report["log"]);
    assert_eq!(count(&report, "updated"), 1, "{}", report["log"]);
    let state = &report["state"];
    let (revlog_after, cards_after) = scheduling(state);
    assert_eq!(revlog_after, revlog, "the review log changed");
    assert_eq!(cards_after, cards, "scheduling or decks changed");
    let after = fields_by_guid(state);
    assert_eq!(after.len(), before.len());
    let mut changed = Vec::new();
    for (guid, fields) in &before {
        if after[guid] != *fields {
            changed.push((guid.clone(), after[guid].clone()));
        }
    }
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert_eq!(
        changed[0].1,
        vec!["<b>perro</b>".to_string(), "a dog".to_string()]
    );
    assert!(
        report["check_database"]
            .as_array()
            .is_some_and(|p| p.is_empty()),
        "{}",
        report["check_database"]
    );
}

#[test]
fn anki_v3_package_converts_and_rebuilds_into_one_update() {
    convert_edit_build_import(false);
}

#[test]
fn anki_v2_package_converts_and_rebuilds_into_one_update() {
    convert_edit_build_import(true);
}

/// A package flashdeck built (the Django bank's), converted and rebuilt, is
/// the same notes to Anki: nothing new, nothing updated.
#[test]
fn a_flashdeck_package_converts_into_the_same_notes() {
    let anki_dir = tempfile::tempdir().unwrap();
    let col = anki_dir.path().join("collection.anki2");
    let package = repo().join("out/django-interview.apkg");
    let first = super::anki_note_types::python(
        "anki_probe.py",
        &[
            OsStr::new("import"),
            package.as_os_str(),
            OsStr::new("--col"),
            col.as_os_str(),
        ],
    );
    assert_eq!(count(&first, "new"), 73, "{}", first["log"]);
    let work = tempfile::tempdir().unwrap();
    let (status, stderr) = flashdeck(
        work.path(),
        &[
            OsStr::new("convert"),
            package.as_os_str(),
            OsStr::new("--out"),
            OsStr::new("bank"),
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    let (status, stderr) = flashdeck(
        work.path(),
        &[
            OsStr::new("build"),
            OsStr::new("bank"),
            OsStr::new("--out"),
            OsStr::new("out"),
            OsStr::new("--format"),
            OsStr::new("apkg"),
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    let rebuilt = std::fs::read_dir(work.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "apkg"))
        .expect("a package");
    let again = super::anki_note_types::python(
        "anki_probe.py",
        &[
            OsStr::new("import"),
            rebuilt.as_os_str(),
            OsStr::new("--col"),
            col.as_os_str(),
        ],
    );
    assert_eq!(count(&again, "new"), 0, "{}", again["log"]);
    assert_eq!(count(&again, "updated"), 0, "{}", again["log"]);
    assert_eq!(count(&again, "conflicting"), 0, "{}", again["log"]);
    assert_eq!(count(&again, "duplicate"), 73, "{}", again["log"]);
}

/// Anki's "Notes in Plain Text" export converts into a bank that checks and
/// builds, and the report says what such a file cannot carry.
#[test]
fn an_anki_text_export_converts_and_says_what_it_lacks() {
    let anki = Collection::make_with(true);
    let work = tempfile::tempdir().unwrap();
    let text = anki.dir().join("anki-notes.txt");
    let (status, stderr) = flashdeck(
        work.path(),
        &[
            OsStr::new("convert"),
            text.as_os_str(),
            OsStr::new("--out"),
            OsStr::new("bank"),
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("21 notes"), "{stderr}");
    assert!(
        stderr.contains("holds no note type definitions, media or scheduling"),
        "{stderr}"
    );
    assert!(stderr.contains("`pic.png` is not in the input"), "{stderr}");
    let bank = std::fs::read_to_string(work.path().join("bank/lang.yaml")).unwrap();
    // The GUIDs YAML and CSV trip on came through the file's quoting intact,
    // as fields; the tricky text too.
    assert!(bank.contains("{{ user.name }} stays literal"), "{bank}");
    assert!(bank.contains("שלום 日本語 😀"), "{bank}");
    let (status, stderr) = flashdeck(
        work.path(),
        &[
            OsStr::new("build"),
            OsStr::new("bank"),
            OsStr::new("--out"),
            OsStr::new("out"),
        ],
    );
    assert_eq!(status, 0, "{stderr}");
}

/// A whole collection (`.colpkg`, with its scheduling) converts; `--deck`
/// takes one deck and its subdecks, and the report counts the studied cards
/// it leaves in the collection.
#[test]
fn a_collection_package_converts_one_deck_at_a_time() {
    let anki = Collection::make_with(true);
    let colpkg = anki.dir().join("collection.colpkg");
    let work = tempfile::tempdir().unwrap();
    let (status, stderr) = flashdeck(
        work.path(),
        &[
            OsStr::new("convert"),
            colpkg.as_os_str(),
            OsStr::new("--out"),
            OsStr::new("all"),
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("21 notes (35 cards)"), "{stderr}");
    assert!(stderr.contains("4 of 35 cards studied"), "{stderr}");
    let (status, stderr) = flashdeck(
        work.path(),
        &[
            OsStr::new("convert"),
            colpkg.as_os_str(),
            OsStr::new("--deck"),
            OsStr::new("Lang::Verbs"),
            OsStr::new("--out"),
            OsStr::new("verbs"),
        ],
    );
    assert_eq!(status, 0, "{stderr}");
    let bank = std::fs::read_to_string(work.path().join("verbs/lang-verbs.yaml")).unwrap();
    assert!(bank.contains("name: Lang::Verbs"), "{bank}");
    assert!(
        !bank.contains("perro"),
        "a Lang::Nouns note was taken:\n{bank}"
    );
    assert!(bank.contains("comer"), "{bank}");
    let (status, stderr) = flashdeck(
        work.path(),
        &[
            OsStr::new("convert"),
            colpkg.as_os_str(),
            OsStr::new("--deck"),
            OsStr::new("Nope"),
            OsStr::new("--out"),
            OsStr::new("x"),
        ],
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("no note of the package is in the deck `Nope`"),
        "{stderr}"
    );
}
