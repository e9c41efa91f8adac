//! `flashdeck pull` against real Anki (issue 20, item 2): the Django bank is
//! built and imported into a collection, notes are edited and added through
//! Anki's own note API, cards are answered, the collection is exported as a
//! package, and the export is pulled into the bank.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::anki_note_types::python;
use crate::common::{flashdeck, repo, run};

/// A copy of the Django bank built and imported into a fresh collection,
/// with a few cards answered.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        for file in ["django-interview.yaml", "django-interview.lock"] {
            std::fs::copy(repo().join("source").join(file), dir.path().join(file)).unwrap();
        }
        let setup = Setup { dir };
        setup.build("first");
        let imported = setup.import("first");
        assert_eq!(imported["log"]["new"], 73, "{}", imported["log"]);
        let answered = setup.probe(
            "review",
            &[
                OsStr::new("--deck"),
                OsStr::new("Django Interview Questions"),
                OsStr::new("--count"),
                OsStr::new("6"),
            ],
        );
        assert_eq!(answered["answered"].as_array().unwrap().len(), 6);
        setup
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn bank(&self) -> PathBuf {
        self.path("django-interview.yaml")
    }

    fn col(&self) -> PathBuf {
        self.path("collection.anki2")
    }

    fn build(&self, out: &str) {
        let (code, _, stderr) = run(flashdeck(self.dir.path())
            .arg("build")
            .arg(self.bank())
            .args(["--out", out, "--format", "apkg"]));
        assert_eq!(code, 0, "{stderr}");
    }

    fn import(&self, out: &str) -> Value {
        let package = self.path(out).join("django-interview.apkg");
        let col = self.col();
        python(
            "anki_probe.py",
            &[
                OsStr::new("import"),
                package.as_os_str(),
                OsStr::new("--col"),
                col.as_os_str(),
            ],
        )
    }

    /// `anki_probe.py COMMAND --col <collection> ARGS…`.
    fn probe(&self, command: &str, args: &[&OsStr]) -> Value {
        let col = self.col();
        let mut all = vec![OsStr::new(command), OsStr::new("--col"), col.as_os_str()];
        all.extend_from_slice(args);
        python("anki_probe.py", &all)
    }

    fn state(&self) -> Value {
        self.probe("state", &[])["state"].clone()
    }

    /// The two edits both tests make in Anki: a word of "What is Django?"'s
    /// answer, and the question of "What are Django migrations?".
    fn two_edits(&self) -> (String, Vec<Value>) {
        let django = self.guid("<p>What is Django?</p>");
        let migrations = self.guid("<p>What are Django migrations?</p>");
        let edits = vec![
            json!({"guid": django, "field": "Back", "replace": ["fast and easy", "fast and simple"]}),
            json!({"guid": migrations, "field": "Front", "replace": ["Django migrations", "migrations in Django"]}),
        ];
        (migrations, edits)
    }

    /// The GUID of the note whose first field holds `front`.
    fn guid(&self, front: &str) -> String {
        let state = self.state();
        let note = state["notes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["fields"][0].as_str().unwrap().contains(front))
            .unwrap_or_else(|| panic!("no note for {front}"));
        note["guid"].as_str().unwrap().to_string()
    }

    /// Edits in Anki, then exports the collection with its scheduling.
    fn edit_and_export(&self, changes: Value) -> PathBuf {
        let file = self.path("changes.json");
        std::fs::write(&file, changes.to_string()).unwrap();
        self.probe("edit", &[OsStr::new("--changes"), file.as_os_str()]);
        let export = self.path("export.apkg");
        self.probe(
            "export",
            &[
                OsStr::new("--out"),
                export.as_os_str(),
                OsStr::new("--with-scheduling"),
            ],
        );
        export
    }

    fn pull(&self, export: &Path, extra: &[&str]) -> (i32, String) {
        let (code, _, stderr) = run(flashdeck(self.dir.path())
            .arg("pull")
            .arg(export)
            .arg(self.bank())
            .args(extra));
        (code, stderr)
    }
}

/// The bank's text cut into its header and one piece per card (by id).
fn pieces(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut name = "header".to_string();
    while let Some(at) = rest.find("\n  - id: ") {
        out.push((name, rest[..at].to_string()));
        rest = &rest[at + 1..];
        let line = rest.lines().next().unwrap();
        name = line.trim_start_matches("  - id: ").to_string();
    }
    out.push((name, rest.to_string()));
    out
}

/// The ids of the pieces that differ between two bank texts, and the new ones.
fn changed_cards(before: &str, after: &str) -> Vec<String> {
    let old = pieces(before);
    let new = pieces(after);
    let mut changed = Vec::new();
    for (id, text) in &new {
        let trimmed = |t: &str| t.trim_end().to_string();
        match old.iter().find(|(i, _)| i == id) {
            Some((_, was)) if trimmed(was) == trimmed(text) => {}
            _ => changed.push(id.clone()),
        }
    }
    assert!(
        old.iter().all(|(id, _)| new.iter().any(|(i, _)| i == id)),
        "a card was lost"
    );
    changed
}

#[test]
fn edits_made_in_anki_come_back_as_a_diff_of_exactly_those_cards() {
    let setup = Setup::new();
    let before = std::fs::read_to_string(setup.bank()).unwrap();
    let (migrations, mut edits) = setup.two_edits();
    edits.push(json!({"guid": migrations, "add_tags": ["reviewed"]}));
    let export = setup.edit_and_export(json!({
        "edits": edits,
        "add": [{
            "notetype": "Django Interview Questions · Basic",
            "deck": "Django Interview Questions",
            "fields": {
                "Front": "<p>What does <code>manage.py shell</code> start?</p>",
                "Back": "<p>An interactive Python shell with Django's settings loaded.</p>",
                "Extra": "", "References": "",
            },
            "tags": ["django", "topic::fundamentals", "shell"],
        }],
    }));
    let anki_before = setup.state();
    let (code, stderr) = setup.pull(&export, &[]);
    assert_eq!(code, 0, "{stderr}");
    let after = std::fs::read_to_string(setup.bank()).unwrap();
    // The diff holds exactly the three cards.
    assert_eq!(
        changed_cards(&before, &after),
        [
            "what-is-django",
            "migrations-explained",
            "what-does-manage-py-shell"
        ],
        "{stderr}"
    );
    assert!(after.contains("applications fast and simple.\n"));
    assert!(after.contains("question: What are migrations in Django?"));
    assert!(after.contains("tags: [migrations, reviewed]"));
    // The new card, its GUID kept (proven below: importing it again adds nothing).
    let added = pieces(&after).pop().unwrap().1;
    assert!(
        added.starts_with(
            "  - id: what-does-manage-py-shell\n    topic: Fundamentals\n    question: \"What does `manage.py shell` start?\"\n    answer: \"An interactive Python shell with Django's settings loaded.\"\n    tags: [shell]\n    guid: "
        ),
        "{added}"
    );
    // Pulling the same export again changes nothing.
    let (code, stderr) = setup.pull(&export, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("nothing to change"), "{stderr}");
    assert_eq!(std::fs::read_to_string(setup.bank()).unwrap(), after);
    // Built and imported again: nothing new, nothing conflicting, every
    // edited note already as Anki holds it, the reviews untouched.
    setup.build("second");
    let again = setup.import("second");
    let log = &again["log"];
    assert_eq!(log["new"], 0, "{log}");
    assert_eq!(log["conflicting"], 0, "{log}");
    assert_eq!(log["updated"], 0, "{log}");
    let anki_after = &again["state"];
    assert_eq!(anki_after["revlog"], anki_before["revlog"]);
    let schedule = |state: &Value| -> Vec<Value> {
        state["cards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                json!([
                    c["id"], c["type"], c["queue"], c["due"], c["ivl"], c["reps"]
                ])
            })
            .collect()
    };
    assert_eq!(schedule(anki_after), schedule(&anki_before));
    assert_eq!(anki_after["notes"], anki_before["notes"]);
}

#[test]
fn a_card_changed_on_both_sides_is_a_located_conflict_until_a_side_is_chosen() {
    let setup = Setup::new();
    let (_, edits) = setup.two_edits();
    let export = setup.edit_and_export(json!({ "edits": edits }));
    // Meanwhile the bank changes the same answer, and another card.
    let bank = std::fs::read_to_string(setup.bank()).unwrap();
    let edited = bank
        .replacen("fast and easy.", "fast and straightforward.", 1)
        .replacen("What is Django REST framework (DRF)?", "What is DRF?", 1);
    std::fs::write(setup.bank(), &edited).unwrap();
    let (code, stderr) = setup.pull(&export, &[]);
    assert_eq!(code, 1, "{stderr}");
    let line = edited
        .lines()
        .position(|l| l.contains("id: what-is-django"))
        .unwrap()
        + 1;
    assert!(
        stderr.contains(&format!("django-interview.yaml:{line}:9")),
        "the conflict is located at the card: {stderr}"
    );
    assert!(stderr.contains("error[pull-conflict]"), "{stderr}");
    let after = std::fs::read_to_string(setup.bank()).unwrap();
    // The conflicting card is left as the bank has it; the other edit from
    // Anki and the bank's own change are both kept.
    assert!(after.contains("fast and straightforward."));
    assert!(after.contains("question: What are migrations in Django?"));
    assert!(after.contains("What is DRF?"));
    assert_eq!(changed_cards(&edited, &after), ["migrations-explained"]);
    // --ours keeps the bank's text; --theirs takes Anki's.
    let (code, stderr) = setup.pull(&export, &["--ours"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        std::fs::read_to_string(setup.bank())
            .unwrap()
            .contains("fast and straightforward.")
    );
    let (code, stderr) = setup.pull(&export, &["--theirs"]);
    assert_eq!(code, 0, "{stderr}");
    let theirs = std::fs::read_to_string(setup.bank()).unwrap();
    assert!(theirs.contains("fast and simple."), "{stderr}");
    assert!(
        theirs.contains("What is DRF?"),
        "the bank-only change is kept"
    );
}

/// A CrowdAnki export carries no modification times: a field that differs
/// from what the bank builds counts as edited in Anki.
#[test]
fn a_crowdanki_export_pulls_into_its_bank() {
    let tmp = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&repo().join("source/examples"), tmp.path());
    let (code, _, stderr) = run(flashdeck(tmp.path()).args([
        "build",
        "vocabulary.yaml",
        "--out",
        "o",
        "--format",
        "crowdanki",
    ]));
    assert_eq!(code, 0, "{stderr}");
    let json_path = tmp.path().join("o/spanish-vocabulary/deck.json");
    let mut deck: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    // The note sits in a subdeck (`Nouns`).
    fn find<'a>(deck: &'a mut Value, first: &str) -> Option<&'a mut Value> {
        let here = deck["notes"]
            .as_array()?
            .iter()
            .position(|n| n["fields"][0] == first);
        if let Some(i) = here {
            return deck["notes"].get_mut(i);
        }
        deck["children"]
            .as_array_mut()?
            .iter_mut()
            .find_map(|child| find(child, first))
    }
    let note = find(&mut deck, "el libro").expect("the note of `el libro`");
    note["fields"][1] = json!("the book (edited)");
    note["tags"].as_array_mut().unwrap().push(json!("checked"));
    std::fs::write(&json_path, deck.to_string()).unwrap();
    let before = std::fs::read_to_string(tmp.path().join("vocabulary.yaml")).unwrap();
    let (code, _, stderr) =
        run(flashdeck(tmp.path()).args(["pull", "o/spanish-vocabulary", "vocabulary.yaml"]));
    assert_eq!(code, 0, "{stderr}");
    let after = std::fs::read_to_string(tmp.path().join("vocabulary.yaml")).unwrap();
    assert_eq!(
        after,
        before
            .replacen("Meaning: the book\n", "Meaning: the book (edited)\n", 1)
            .replacen(
                "      Audio: \"[sound:media/libro.wav]\"\n",
                "      Audio: \"[sound:media/libro.wav]\"\n    tags: [checked]\n",
                1
            ),
        "{stderr}"
    );
}

#[test]
fn a_bank_without_a_lock_or_that_does_not_check_is_not_pulled_into() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo().join("source/django-interview.yaml"),
        tmp.path().join("bank.yaml"),
    )
    .unwrap();
    let package = repo().join("out/django-interview.apkg");
    let (code, _, stderr) = run(flashdeck(tmp.path())
        .arg("pull")
        .arg(&package)
        .arg("bank.yaml"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("has no lock file"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    std::fs::write(
        tmp.path().join("bank.yaml"),
        "deck: {id: x, name: X}\ncards:\n  - id: a\n    question: q\n",
    )
    .unwrap();
    let (code, _, stderr) = run(flashdeck(tmp.path())
        .arg("pull")
        .arg(&package)
        .arg("bank.yaml"));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("does not check"), "{stderr}");
}
