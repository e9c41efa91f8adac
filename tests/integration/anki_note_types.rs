//! A deck made by Anki itself, described by a bank with the note types,
//! ids and GUIDs Anki gave it, rebuilt by flashdeck and imported back into
//! the same collection: what users of a deck that came from Anki get.
//!
//! `tests/anki/anki_deck.py make` builds the collection with Anki's API
//! (stock Basic, Basic (and reversed card), Cloze, Basic (type in the
//! answer) and a custom "Vocab" type; two subdecks; a note whose cards sit
//! in different decks; four cards answered) and exports it with Anki's
//! exporter. The bank is written here from what Anki reported, the way a
//! maintainer copies a deck's identity by hand; then flashdeck builds it and
//! `anki_probe.py import` imports the package with the default options.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;
use serde_json::Value;
use tempfile::TempDir;

use super::anki_import::anki_python;
use super::common::repo;

#[derive(Deserialize, Clone)]
struct Made {
    notetypes: Vec<MadeNotetype>,
    notes: Vec<MadeNote>,
    state: Value,
}

#[derive(Deserialize, Clone)]
struct MadeNotetype {
    id: i64,
    name: String,
    kind: i64,
    sortf: usize,
    css: String,
    original_stock_kind: Option<i64>,
    original_id: Option<i64>,
    fields: Vec<MadeField>,
    templates: Vec<MadeTemplate>,
}

#[derive(Deserialize, Clone)]
struct MadeField {
    name: String,
    id: Option<i64>,
}

#[derive(Deserialize, Clone)]
struct MadeTemplate {
    name: String,
    id: Option<i64>,
    qfmt: String,
    afmt: String,
}

#[derive(Deserialize, Clone)]
struct MadeNote {
    guid: String,
    notetype: String,
    #[serde(rename = "mod")]
    modified: i64,
    tags: Vec<String>,
    fields: Vec<String>,
    cards: Vec<MadeCard>,
}

#[derive(Deserialize, Clone)]
struct MadeCard {
    ord: usize,
    deck: String,
}

/// Runs one of the Python scripts of `tests/anki/` and parses its JSON.
pub(crate) fn python(script: &str, args: &[&OsStr]) -> Value {
    let out = Command::new(anki_python())
        .arg(repo().join("tests/anki").join(script))
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::null())
        .output()
        .expect("run the Anki script");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{script} {args:?} failed:\n{stderr}");
    assert!(stderr.is_empty(), "{script} printed to stderr:\n{stderr}");
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{script} output: {e}\n{stdout}"))
}

/// A collection made and studied by Anki, and its export.
pub(crate) struct Collection {
    dir: TempDir,
    made: Made,
}

impl Collection {
    fn make() -> Collection {
        let anki = Collection::make_with(false);
        assert_eq!(anki.made.notes.len(), 10);
        assert_eq!(anki.made.notetypes.len(), 5);
        anki
    }

    /// `anki_deck.py make`; with `rich`, its `--rich` notes and media, a
    /// second export in the v2 layout and a "Notes in Plain Text" export.
    /// and the whole collection. Anki's exports are `anki-export.apkg` (v3),
    /// `anki-export-v2.apkg`, `anki-notes.txt` and `collection.colpkg` in
    /// [`Collection::dir`].
    pub(crate) fn make_with(rich: bool) -> Collection {
        Collection::make_with_notes(rich, false)
    }

    /// [`Collection::make_with`], and with `html_notes` the deck's
    /// `--html-notes` too (what issue 20 found the outputs of a converted
    /// deck getting wrong: code, tables, math, LaTeX, a type-in answer in
    /// lines, emphasis with a space inside, in subdecks).
    pub(crate) fn make_with_notes(rich: bool, html_notes: bool) -> Collection {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("col")).unwrap();
        let mut args: Vec<&OsStr> = vec![OsStr::new("make")];
        let col = dir.path().join("col/collection.anki2");
        let package = dir.path().join("anki-export.apkg");
        let media = dir.path().join("anki-media");
        args.extend([
            OsStr::new("--col"),
            col.as_os_str(),
            OsStr::new("--package"),
            package.as_os_str(),
            OsStr::new("--media-out"),
            media.as_os_str(),
        ]);
        let v2 = dir.path().join("anki-export-v2.apkg");
        let text = dir.path().join("anki-notes.txt");
        let colpkg = dir.path().join("collection.colpkg");
        if rich {
            args.extend([
                OsStr::new("--rich"),
                OsStr::new("--legacy-package"),
                v2.as_os_str(),
                OsStr::new("--text-export"),
                text.as_os_str(),
                OsStr::new("--colpkg"),
                colpkg.as_os_str(),
            ]);
        }
        if html_notes {
            args.push(OsStr::new("--html-notes"));
        }
        let made = python("anki_deck.py", &args);
        let made: Made = serde_json::from_value(made).expect("anki_deck.py make output");
        Collection { dir, made }
    }

    pub(crate) fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The notes Anki reported when it made the collection.
    pub(crate) fn note_count(&self) -> usize {
        self.made.notes.len()
    }

    pub(crate) fn state(&self) -> &Value {
        &self.made.state
    }

    /// The collection Anki made.
    pub(crate) fn path(&self) -> PathBuf {
        self.dir.path().join("col/collection.anki2")
    }

    pub(crate) fn import(&self, package: &Path) -> Value {
        python(
            "anki_probe.py",
            &[
                OsStr::new("import"),
                package.as_os_str(),
                OsStr::new("--col"),
                self.path().as_os_str(),
            ],
        )
    }

    pub(crate) fn rendered(&self) -> BTreeMap<(String, u64), (String, String)> {
        let out = python(
            "anki_deck.py",
            &[
                OsStr::new("render"),
                OsStr::new("--col"),
                self.path().as_os_str(),
            ],
        );
        out["rendered"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    (
                        r["guid"].as_str().unwrap().to_string(),
                        r["ord"].as_u64().unwrap(),
                    ),
                    (
                        r["question"].as_str().unwrap().to_string(),
                        r["answer"].as_str().unwrap().to_string(),
                    ),
                )
            })
            .collect()
    }

    /// The newest note modification time Anki gave.
    fn newest_note(&self) -> i64 {
        self.made.notes.iter().map(|n| n.modified).max().unwrap()
    }

    fn oldest_note(&self) -> i64 {
        self.made.notes.iter().map(|n| n.modified).min().unwrap()
    }
}

/// A YAML scalar: JSON's double-quoted strings are YAML's too.
fn q(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// How much of Anki's identity the bank keeps.
#[derive(Clone, Copy, PartialEq)]
enum Identity {
    /// Note type ids, field and template ids, original kinds, GUIDs.
    Kept,
    /// Nothing: flashdeck derives every id.
    None,
}

/// The bank describing the collection's notes; `edit` changes some fields
/// (note index, field index, new HTML).
fn bank_yaml(made: &Made, identity: Identity, edits: &[(usize, usize, &str)]) -> String {
    let mut y = String::from(
        "deck:\n  id: lang\n  name: Lang\nlints:\n  near-duplicate-question: allow\nnote-types:\n",
    );
    for nt in &made.notetypes {
        y.push_str(&format!("  - name: {}\n", q(&nt.name)));
        y.push_str(&format!(
            "    kind: {}\n",
            if nt.kind == 1 { "cloze" } else { "standard" }
        ));
        y.push_str("    fields:\n");
        for f in &nt.fields {
            match (identity, f.id) {
                (Identity::Kept, Some(id)) => y.push_str(&format!(
                    "      - {{name: {}, anki-id: {id}}}\n",
                    q(&f.name)
                )),
                _ => y.push_str(&format!("      - {}\n", q(&f.name))),
            }
        }
        y.push_str(&format!(
            "    sort-field: {}\n",
            q(&nt.fields[nt.sortf].name)
        ));
        y.push_str(&format!("    css: {}\n", q(&nt.css)));
        y.push_str("    templates:\n");
        for t in &nt.templates {
            y.push_str(&format!("      - name: {}\n", q(&t.name)));
            y.push_str(&format!("        front: {}\n", q(&t.qfmt)));
            y.push_str(&format!("        back: {}\n", q(&t.afmt)));
            if let (Identity::Kept, Some(id)) = (identity, t.id) {
                y.push_str(&format!("        anki-id: {id}\n"));
            }
        }
        if identity == Identity::Kept {
            y.push_str(&format!("    anki-id: {}\n", nt.id));
            if let Some(kind) = nt.original_stock_kind {
                y.push_str(&format!("    original-stock-kind: {kind}\n"));
            }
            if let Some(id) = nt.original_id {
                y.push_str(&format!("    original-id: {id}\n"));
            }
        }
    }
    y.push_str("cards:\n");
    for (i, note) in made.notes.iter().enumerate() {
        let nt = made
            .notetypes
            .iter()
            .find(|t| t.name == note.notetype)
            .unwrap();
        y.push_str(&format!("  - id: note-{}\n", i + 1));
        y.push_str(&format!("    note-type: {}\n", q(&note.notetype)));
        if identity == Identity::Kept {
            y.push_str(&format!("    guid: {}\n", q(&note.guid)));
        }
        let first_deck = &note.cards[0].deck;
        y.push_str(&format!("    deck: {}\n", q(first_deck)));
        let other: Vec<&MadeCard> = note
            .cards
            .iter()
            .filter(|c| &c.deck != first_deck)
            .collect();
        if !other.is_empty() {
            y.push_str("    decks:\n");
            for c in other {
                y.push_str(&format!(
                    "      {}: {}\n",
                    q(&nt.templates[c.ord].name),
                    q(&c.deck)
                ));
            }
        }
        if !note.tags.is_empty() {
            let tags: Vec<String> = note.tags.iter().map(|t| q(t)).collect();
            y.push_str(&format!("    tags: [{}]\n", tags.join(", ")));
        }
        y.push_str("    fields:\n");
        for (f, value) in note.fields.iter().enumerate() {
            let value = edits
                .iter()
                .find(|(n, field, _)| *n == i && *field == f)
                .map_or(value.as_str(), |(_, _, v)| v);
            y.push_str(&format!(
                "      {}: {{html: {}}}\n",
                q(&nt.fields[f].name),
                q(value)
            ));
        }
    }
    y
}

/// Builds `yaml` in `dir` as `lang.yaml` at `SOURCE_DATE_EPOCH=epoch`.
fn build(dir: &Path, yaml: &str, epoch: i64) -> (PathBuf, String) {
    std::fs::write(dir.join("lang.yaml"), yaml).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flashdeck"))
        .args(["build", "lang.yaml", "--out", "out", "--color", "never"])
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .current_dir(dir)
        .output()
        .expect("run flashdeck");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "flashdeck build failed:\n{stderr}\n{yaml}"
    );
    (dir.join("out/lang.apkg"), stderr)
}

pub(crate) fn count(report: &Value, kind: &str) -> u64 {
    report["log"][kind]
        .as_u64()
        .unwrap_or_else(|| panic!("no {kind} in {report}"))
}

/// What must not change for the user: every card's scheduling and the review log.
pub(crate) fn scheduling(state: &Value) -> (Value, Vec<Value>) {
    let cards: Vec<Value> = state["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            serde_json::json!([
                c["id"],
                c["nid"],
                c["deck"],
                c["ord"],
                c["type"],
                c["queue"],
                c["due"],
                c["ivl"],
                c["factor"],
                c["reps"],
                c["lapses"]
            ])
        })
        .collect();
    (state["revlog"].clone(), cards)
}

#[test]
fn a_deck_from_anki_rebuilds_into_updates_of_its_own_notes() {
    let anki = Collection::make();
    let before = anki.rendered();
    let (revlog_before, cards_before) = scheduling(&anki.made.state);
    assert!(
        revlog_before.as_array().is_some_and(|r| r.len() >= 4),
        "some cards were answered: {revlog_before}"
    );
    let work = tempfile::tempdir().unwrap();
    // The bank as the deck is: built once dated before every note in the
    // collection (the lock then says "this content is that old"), as a
    // maintainer does once when taking a deck over (README).
    let unchanged = bank_yaml(&anki.made, Identity::Kept, &[]);
    let (_, stderr) = build(work.path(), &unchanged, anki.oldest_note() - 100);
    assert!(!stderr.contains("warning"), "{stderr}");
    outside_anki_cards_read_as_anki_renders_them(&anki, &before, work.path());
    // Two edits: a Vocab meaning and a Basic back.
    let vocab = anki
        .made
        .notes
        .iter()
        .position(|n| n.notetype == "Vocab")
        .unwrap();
    let basic = anki
        .made
        .notes
        .iter()
        .position(|n| n.notetype == "Basic")
        .unwrap();
    let edited_yaml = bank_yaml(
        &anki.made,
        Identity::Kept,
        &[
            (vocab, 1, "house, <b>home</b>"),
            (basic, 1, "dog (el perro)"),
        ],
    );
    let (package, _) = build(work.path(), &edited_yaml, anki.newest_note() + 60);

    let report = anki.import(&package);
    assert_eq!(count(&report, "new"), 0, "{}", report["log"]);
    assert_eq!(count(&report, "conflicting"), 0, "{}", report["log"]);
    assert_eq!(count(&report, "updated"), 2, "{}", report["log"]);
    assert_eq!(count(&report, "duplicate"), 8, "{}", report["log"]);
    let state = &report["state"];
    // No note type was added (a "Basic+" would mean the identity was lost).
    let names: Vec<&str> = state["notetypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with('+')), "{names:?}");
    assert_eq!(state["notes"].as_array().unwrap().len(), 10);
    let (revlog_after, cards_after) = scheduling(state);
    assert_eq!(revlog_after, revlog_before, "the review log changed");
    assert_eq!(cards_after, cards_before, "scheduling or decks changed");
    assert!(
        report["check_database"]
            .as_array()
            .is_some_and(|p| p.is_empty()),
        "{}",
        report["check_database"]
    );

    // Every card renders as before, but for the two edits.
    let after = anki.rendered();
    assert_eq!(after.len(), before.len());
    let edited_guids = [&anki.made.notes[vocab].guid, &anki.made.notes[basic].guid];
    for (key, (question, answer)) in &before {
        let (q2, a2) = &after[key];
        if edited_guids.contains(&&key.0) {
            assert!(
                a2.contains("<b>home</b>") || a2.contains("dog (el perro)"),
                "{key:?}: {a2}"
            );
        } else {
            assert_eq!(
                (q2, a2),
                (question, answer),
                "card {key:?} renders differently"
            );
        }
    }
}

/// flashdeck's own template renderer (Quizlet, handouts) against Anki's: for
/// every card of the standard note types, the Quizlet term is the text of
/// the question Anki renders, and the definition the text of its answer
/// below `<hr id=answer>`. (Cloze notes are one pair with every deletion
/// blanked, and type-in fronts hold Anki's input box: not compared.)
fn outside_anki_cards_read_as_anki_renders_them(
    anki: &Collection,
    rendered: &BTreeMap<(String, u64), (String, String)>,
    dir: &Path,
) {
    use flashdeck::markup::{Layout, html_to_plain};
    let quizlet = std::fs::read_to_string(dir.join("out/lang.quizlet.txt")).unwrap();
    let mut pairs = quizlet.lines();
    let mut compared = 0;
    for note in &anki.made.notes {
        for card in &note.cards {
            let pair = pairs.next().expect("a Quizlet pair per card");
            if note.notetype == "Cloze" {
                break; // one pair for the note
            }
            if note.notetype.contains("type in") {
                continue;
            }
            let (question, answer) = &rendered[&(note.guid.clone(), card.ord as u64)];
            let answer = answer.split("<hr id=answer>").nth(1).unwrap_or(answer);
            let expected = format!(
                "{}\t{}",
                html_to_plain(question, Layout::OneLine),
                html_to_plain(answer, Layout::OneLine)
            );
            assert_eq!(pair, expected, "note {} card {}", note.guid, card.ord);
            compared += 1;
        }
    }
    assert_eq!(compared, 12, "Basic 2 + reversed 4 + Vocab 6 cards");
}

#[test]
fn without_the_kept_identity_anki_adds_new_notes_and_never_conflicts() {
    let anki = Collection::make();
    let (revlog_before, _) = scheduling(&anki.made.state);
    let work = tempfile::tempdir().unwrap();
    let yaml = bank_yaml(&anki.made, Identity::None, &[]);
    let (package, _) = build(work.path(), &yaml, anki.newest_note() + 60);
    let report = anki.import(&package);
    assert_eq!(count(&report, "new"), 10, "{}", report["log"]);
    assert_eq!(count(&report, "conflicting"), 0, "{}", report["log"]);
    assert_eq!(count(&report, "updated"), 0, "{}", report["log"]);
    // Every note is there twice now: the user's, with its reviews, and ours.
    assert_eq!(report["state"]["notes"].as_array().unwrap().len(), 20);
    assert_eq!(scheduling(&report["state"]).0, revlog_before);

    // GUIDs kept without the note types' ids is the case that would make
    // Anki report every note as conflicting: `check` warns about it.
    let mut guids_only = bank_yaml(&anki.made, Identity::Kept, &[]);
    guids_only = guids_only
        .lines()
        .filter(|l| !l.starts_with("    anki-id:"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(work.path().join("lang.yaml"), &guids_only).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_flashdeck"))
        .args(["check", "lang.yaml", "--color", "never"])
        .current_dir(work.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning[guid-without-note-type-id]"),
        "{stderr}"
    );
}
