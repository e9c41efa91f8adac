//! CrowdAnki both ways, on `tests/corpus/crowdanki/languages/` (a deck in
//! CrowdAnki's exact layout): convert reads the folder or its JSON into a
//! bank that keeps nested decks, note types with their uuids, GUIDs, tags,
//! the description and the deck options; `build --format crowdanki` gives
//! back a `deck.json` equal to the input (as a JSON value, and here byte for
//! byte: the fixture is written as CrowdAnki writes) and the same media.

use std::path::Path;

use serde_json::Value;

use super::common::{copy_dir, files_below, repo, run};

fn flashdeck(dir: &Path) -> std::process::Command {
    let mut cmd = super::common::flashdeck(dir);
    cmd.args(["--color", "never"]);
    cmd
}

fn fixture() -> std::path::PathBuf {
    repo().join("tests/corpus/crowdanki/languages")
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn a_crowdanki_folder_converts_and_builds_back_the_same_deck() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path())
        .args(["convert", "--out", "bank"])
        .arg(fixture()));
    assert_eq!(status, 0, "{stderr}");
    // The report names the missing sound and the deck options.
    assert!(
        stderr.contains("`hola.mp3` is not in the input"),
        "{stderr}"
    );
    assert!(
        stderr.contains("deck options (1 preset: `Languages`)"),
        "{stderr}"
    );
    assert!(stderr.contains("media-not-in-source"), "{stderr}");
    let bank = std::fs::read_to_string(dir.path().join("bank/languages.yaml")).unwrap();
    for kept in [
        "crowdanki-uuid: \"3f1c2a50-0b6d-11ee-8a5e-0242ac120002\"",
        "deck: Languages::Verbs::Irregular",
        "\"Languages::Empty\":",
        "guid: \"Ab3+x]k!Qz\"",
        "tags: [lang::es, nouns]",
        "missing-media:\n  - hola.mp3",
        "crowdanki: {\"data\": \"\", \"flags\": 1}",
        "html: \"Spanish words <b>with</b>",
    ] {
        assert!(bank.contains(kept), "{kept} not in\n{bank}");
    }
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["build", "bank", "--out", "out", "--format", "crowdanki"]));
    assert_eq!(status, 0, "{stderr}");
    let built = dir.path().join("out/languages");
    assert_eq!(
        json(&built.join("deck.json")),
        json(&fixture().join("deck.json"))
    );
    assert_eq!(
        std::fs::read(built.join("deck.json")).unwrap(),
        std::fs::read(fixture().join("deck.json")).unwrap(),
        "the fixture is written as CrowdAnki writes: the build is byte-identical"
    );
    let names = |dir: &Path| -> Vec<String> {
        files_below(dir)
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names(&built.join("media")), names(&fixture().join("media")));
    for name in names(&fixture().join("media")) {
        assert_eq!(
            std::fs::read(built.join("media").join(&name)).unwrap(),
            std::fs::read(fixture().join("media").join(&name)).unwrap(),
            "{name}"
        );
    }
    // The converted bank builds every default output, and CrowdAnki's only when asked.
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "bank", "--out", "all"]));
    assert_eq!(status, 0, "{stderr}");
    assert!(dir.path().join("all/languages.apkg").is_file());
    assert!(!dir.path().join("all/languages/deck.json").exists());
}

#[test]
fn an_older_export_named_after_the_deck_converts_from_its_json_file() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("Languages");
    copy_dir(&fixture(), &deck);
    std::fs::rename(deck.join("deck.json"), deck.join("Languages.json")).unwrap();
    for input in ["Languages/Languages.json", "Languages"] {
        let (status, _, stderr) =
            run(flashdeck(dir.path()).args(["convert", input, "--out", "bank", "--force"]));
        assert_eq!(status, 0, "{input}: {stderr}");
        assert!(dir.path().join("bank/media/languages/casa.png").is_file());
    }
}

#[test]
fn a_hand_written_bank_builds_a_crowdanki_deck_with_stable_uuids() {
    let dir = tempfile::tempdir().unwrap();
    let build = |out: &str| {
        let (status, _, stderr) = run(flashdeck(&repo())
            .args([
                "build",
                "source/examples/vocabulary.yaml",
                "--format",
                "crowdanki",
                "--out",
            ])
            .arg(dir.path().join(out)));
        assert_eq!(status, 0, "{stderr}");
        std::fs::read(dir.path().join(out).join("spanish-vocabulary/deck.json")).unwrap()
    };
    let first = build("a");
    assert_eq!(first, build("b"), "the same bank gives the same deck.json");
    let deck: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(deck["__type__"], "Deck");
    let config = deck["deck_config_uuid"].as_str().unwrap();
    assert_eq!(deck["deck_configurations"][0]["crowdanki_uuid"], config);
    let models = deck["note_models"].as_array().unwrap();
    assert!(!models.is_empty());
    for model in models {
        let uuid = model["crowdanki_uuid"].as_str().unwrap();
        assert_eq!(uuid.len(), 36, "{uuid}");
        assert_eq!(&uuid[14..15], "5", "a version 5 uuid: {uuid}");
    }
    // Every note names a model of the deck; subdecks hold their own notes.
    fn notes(deck: &Value, out: &mut Vec<Value>) {
        out.extend(deck["notes"].as_array().unwrap().iter().cloned());
        for child in deck["children"].as_array().unwrap() {
            notes(child, out);
        }
    }
    let mut all = Vec::new();
    notes(&deck, &mut all);
    assert!(!all.is_empty());
    for note in &all {
        assert!(
            models
                .iter()
                .any(|m| m["crowdanki_uuid"] == note["note_model_uuid"])
        );
    }
}

#[test]
fn broken_crowdanki_decks_are_refused_clearly_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, says) in [
        ("not-json", "{\"__type__\": \"Deck\",", "cannot be read"),
        (
            "not-a-deck",
            "{\"__type__\": \"Note\"}",
            "`__type__` is not `Deck`",
        ),
        (
            "unnamed-child",
            "{\"__type__\": \"Deck\", \"name\": \"A\", \"note_models\": [], \"notes\": [], \"children\": [{\"notes\": []}]}",
            "has no `name` text",
        ),
        (
            "field-not-text",
            "{\"__type__\": \"Deck\", \"name\": \"A\", \"children\": [], \"note_models\": [{\"name\": \"M\", \"crowdanki_uuid\": \"u\", \"flds\": [{\"name\": \"F\", \"ord\": 0}], \"tmpls\": [{\"name\": \"C\", \"ord\": 0, \"qfmt\": \"{{F}}\", \"afmt\": \"{{F}}\"}]}], \"notes\": [{\"guid\": \"g\", \"note_model_uuid\": \"u\", \"fields\": [1], \"tags\": []}]}",
            "is not text",
        ),
    ] {
        let deck = dir.path().join(name);
        std::fs::create_dir_all(&deck).unwrap();
        std::fs::write(deck.join("deck.json"), text).unwrap();
        let (status, _, stderr) =
            run(flashdeck(dir.path()).args(["convert", name, "--out", "bank"]));
        assert_eq!(status, 1, "{name}: {stderr}");
        assert!(stderr.contains(says), "{name}: {stderr}");
        assert!(stderr.contains("help:"), "{name}: {stderr}");
        assert!(stderr.contains("nothing was written"), "{name}: {stderr}");
        assert!(
            !dir.path()
                .join("bank")
                .join(format!("{name}.yaml"))
                .exists()
        );
    }
}

#[cfg(unix)]
#[test]
fn a_link_in_the_media_folder_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let deck = dir.path().join("deck");
    copy_dir(&fixture(), &deck);
    let secret = dir.path().join("secret.txt");
    std::fs::write(&secret, "private").unwrap();
    std::os::unix::fs::symlink(&secret, deck.join("media/secret.txt")).unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["convert", "deck", "--out", "bank"]));
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("media/secret.txt is not a regular file"),
        "{stderr}"
    );
    assert!(!dir.path().join("bank/media/languages/secret.txt").exists());
}
