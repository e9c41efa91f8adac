//! The command line as a user meets it: help, starter bank, schema, warnings,
//! exit statuses, filters, atomic and reproducible builds.

use crate::common;

use common::{copy_dir, file_contents, files_below, flashdeck, repo, run};

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// (code, line, column) of each diagnostic in `check --format json` output.
fn positions(json_stdout: &str) -> Vec<(String, u64, u64)> {
    let json: serde_json::Value = serde_json::from_str(json_stdout).unwrap();
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// The named fields of each diagnostic of `check --format json` output, as
/// text (numbers written out).
fn fields_of(json: &serde_json::Value, keys: &[&str]) -> Vec<Vec<String>> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            keys.iter()
                .map(|k| match &d[*k] {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

const TWO_CARDS: &str = "deck:\n  id: small\n  name: Small\ndefaults:\n  tags: [base]\ncards:\n  - id: one\n    topic: First topic\n    question: What is one?\n    answer: One.\n    tags: [orm::queries]\n  - id: two\n    question: What is two?\n    answer: Two.\n    tags: [advanced]\n";

#[test]
fn help_teaches_with_examples_and_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (status, stdout, _) = run(flashdeck(dir.path()).arg("--help"));
    assert_eq!(status, 0);
    for needle in [
        "build",
        "check",
        "schema",
        "new",
        "Examples:",
        "Exit status",
    ] {
        assert!(stdout.contains(needle), "--help lacks {needle}:\n{stdout}");
    }
    let (status, stdout, _) = run(flashdeck(dir.path()).args(["build", "--help"]));
    assert_eq!(status, 0);
    for needle in [
        "--format",
        "--tag",
        "--exclude-tag",
        "--id",
        "--locked",
        "--quizlet-term-sep",
        "lock file",
    ] {
        assert!(
            stdout.contains(needle),
            "build --help lacks {needle}:\n{stdout}"
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(run(flashdeck(dir.path()).arg("frobnicate")).0, 2);
    assert_eq!(
        run(flashdeck(dir.path()).args(["build", "--format", "pdf"])).0,
        2
    );
    // No source/ folder and no bank given.
    let (status, _, stderr) = run(flashdeck(dir.path()).arg("check"));
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("flashdeck new"), "{stderr}");
    // A bank that does not exist is an I/O error.
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["check", "missing.yaml"]));
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("missing.yaml"), "{stderr}");
}

#[test]
fn new_writes_a_starter_that_checks_clean_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["new", "source/mine.yaml"]));
    assert_eq!(status, 0, "{stderr}");
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["check", "--deny-warnings"]));
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("0 errors and 0 warnings"), "{stderr}");
    let before = std::fs::read(dir.path().join("source/mine.yaml")).unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["new", "source/mine.yaml"]));
    assert_eq!(status, 2);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("source/mine.yaml")).unwrap(),
        before
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).arg("build"));
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(files_below(&dir.path().join("out")).len(), 6);
}

/// The starter's commented note type and card, uncommented, check clean and
/// build: the snippet that teaches the format is valid.
#[test]
fn starter_note_type_snippet_is_a_valid_bank() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["new", "source/mine.yaml"]));
    assert_eq!(status, 0, "{stderr}");
    let starter = std::fs::read_to_string(dir.path().join("source/mine.yaml")).unwrap();
    let out = uncomment_starter(&starter);
    assert!(out.contains("\nnote-types:\n"), "{out}");
    std::fs::write(dir.path().join("source/mine.yaml"), &out).unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["check", "--deny-warnings"]));
    assert_eq!(status, 0, "{stderr}\n{out}");
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "--format", "quizlet"]));
    assert_eq!(status, 0, "{stderr}");
    let quizlet = std::fs::read_to_string(dir.path().join("out/mine.quizlet.txt")).unwrap();
    assert!(quizlet.contains("hablar\tto speak\n"), "{quizlet}");
    assert!(quizlet.contains("to speak\thablar"), "{quizlet}");
}

#[test]
fn committed_schema_matches_the_model() {
    let (status, stdout, _) = run(flashdeck(&repo()).arg("schema"));
    assert_eq!(status, 0);
    let committed = std::fs::read_to_string(repo().join("schema/bank.schema.json")).unwrap();
    assert_eq!(
        stdout, committed,
        "schema/bank.schema.json is stale: run `cargo run -- schema > schema/bank.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(schema["$defs"]["Card"]["additionalProperties"], false);
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(2500);
    let bank = format!(
        "deck:\n  id: w\n  name: W\ncards:\n  - id: a\n    question: What is the ORM?\n    answer: A.\n  - id: b\n    question: what is the ORM\n    answer: B.\n  - id: c\n    question: What does the select_related method do?\n    answer: C.\n  - id: d\n    question: What does the select_related methods do?\n    answer: {long}\n"
    );
    write(dir.path(), "w.yaml", &bank);
    let (status, stdout, _) =
        run(flashdeck(dir.path()).args(["check", "--format", "json", "w.yaml"]));
    assert_eq!(status, 0, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<(String, u64)> = positions(&stdout)
        .into_iter()
        .map(|(code, line, _)| (code, line))
        .collect();
    assert!(
        codes.contains(&("duplicate-question".into(), 6)),
        "{codes:?}"
    );
    assert!(
        codes.contains(&("near-duplicate-question".into(), 12)),
        "{codes:?}"
    );
    assert!(codes.contains(&("long-field".into(), 16)), "{codes:?}");
    assert_eq!(json["warnings"], 3);
    assert_eq!(
        run(flashdeck(dir.path()).args(["check", "--deny-warnings", "w.yaml"])).0,
        1
    );
    assert_eq!(
        run(flashdeck(dir.path()).args([
            "check",
            "--max-field-chars",
            "5000",
            "--format",
            "json",
            "w.yaml"
        ]))
        .1
        .matches("long-field")
        .count(),
        0
    );
    // Warnings do not stop a build, but --deny-warnings does, writing nothing.
    assert_eq!(
        run(flashdeck(dir.path()).args(["build", "w.yaml", "--deny-warnings", "--out", "o"])).0,
        1
    );
    assert!(files_below(&dir.path().join("o")).is_empty());
    assert_eq!(
        run(flashdeck(dir.path()).args(["build", "w.yaml", "--out", "o"])).0,
        0
    );
}

#[test]
fn an_invalid_bank_leaves_earlier_outputs_untouched() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.yaml", TWO_CARDS);
    assert_eq!(
        run(flashdeck(dir.path()).args(["build", "small.yaml"])).0,
        0
    );
    let before = file_contents(&dir.path().join("out"));
    let lock_before = std::fs::read(dir.path().join("small.lock")).unwrap();
    write(
        dir.path(),
        "small.yaml",
        &TWO_CARDS.replace("answer: Two.", "answer:"),
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "small.yaml"]));
    assert_eq!(status, 1, "{stderr}");
    for (path, bytes) in &before {
        assert_eq!(
            &std::fs::read(dir.path().join("out").join(path)).unwrap(),
            bytes,
            "{path:?} changed"
        );
    }
    assert_eq!(
        files_below(&dir.path().join("out")).len(),
        before.len(),
        "a file appeared"
    );
    assert_eq!(
        std::fs::read(dir.path().join("small.lock")).unwrap(),
        lock_before
    );
}

#[test]
fn filters_select_cards_by_tag_topic_and_id() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.yaml", TWO_CARDS);
    let count = |args: &[&str]| {
        let out = tempfile::tempdir().unwrap();
        let (status, _, stderr) = run(flashdeck(dir.path())
            .args(["build", "small.yaml", "--format", "quizlet", "--out"])
            .arg(out.path())
            .args(args));
        assert_eq!(status, 0, "{stderr}");
        std::fs::read_to_string(out.path().join("small.quizlet.txt"))
            .unwrap()
            .lines()
            .count()
    };
    assert_eq!(count(&[]), 2);
    assert_eq!(
        count(&["--tag", "orm"]),
        1,
        "a parent tag selects its children"
    );
    assert_eq!(
        count(&["--tag", "topic::first-topic"]),
        1,
        "the topic is a tag"
    );
    assert_eq!(count(&["--tag", "topic"]), 1, "topics sit under `topic::`");
    assert_eq!(count(&["--exclude-tag", "advanced"]), 1);
    assert_eq!(count(&["--id", "two"]), 1);
}

#[test]
fn a_selection_of_no_card_is_an_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.yaml", TWO_CARDS);
    let out = dir.path().join("out");
    for (args, expected) in [
        (
            &["--tag", "base", "--exclude-tag", "advanced", "--id", "two"][..],
            "keeps no card of small",
        ),
        (
            &["--id", "no-such-card"][..],
            "`--id no-such-card` names no card",
        ),
        (
            &["--id", "two", "--id", "nope"][..],
            "`--id nope` names no card",
        ),
    ] {
        let (status, _, stderr) = run(flashdeck(dir.path())
            .args(["build", "small.yaml", "--out"])
            .arg(&out)
            .args(args));
        assert_eq!(status, 1, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(files_below(&out).is_empty(), "{args:?} wrote files");
        assert!(!dir.path().join("small.lock").exists());
    }
}

#[test]
fn the_readme_filter_example_selects_cards() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("flashdeck build") && l.contains("--tag"))
        .expect("the README shows a filter example");
    let args: Vec<&str> = line
        .split('#')
        .next()
        .unwrap()
        .split_whitespace()
        .skip(1)
        .collect();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("source"), &dir.path().join("source"));
    let (status, _, stderr) = run(flashdeck(dir.path()).args(&args));
    assert_eq!(status, 0, "`{line}`: {stderr}");
    assert!(!stderr.contains(" 0 cards"), "{stderr}");
    assert!(
        !dir.path().join("out").exists(),
        "the example must not overwrite out/"
    );
}

#[test]
fn friendly_errors_for_a_missing_source_folder_and_unquoted_images_or_code() {
    let dir = tempfile::tempdir().unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).arg("check"));
    assert_eq!(status, 2);
    assert!(stderr.contains("there is no source/ folder"), "{stderr}");
    assert!(
        stderr.contains("flashdeck new source/my-deck.yaml"),
        "{stderr}"
    );
    write(
        dir.path(),
        "b.yaml",
        "deck:\n  id: b\n  name: B\ncards:\n  - id: a\n    question: Q?\n    answer: ![x](media/x.png)\n",
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["check", "b.yaml"]));
    assert_eq!(status, 1);
    assert!(
        stderr.contains("b.yaml:7:13") && stderr.contains("quote it"),
        "{stderr}"
    );
    // A value starting with a backtick (Markdown code): the backtick is
    // quoted readably (it was ``unexpected character: ``'``), with the fix.
    write(
        dir.path(),
        "bt.yaml",
        "deck:\n  id: t\n  name: T\ncards:\n  - id: a\n    question: `x` is what?\n    answer: This.\n",
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["check", "bt.yaml"]));
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[yaml-syntax]: invalid YAML: unexpected character `` ` ``")
            && !stderr.contains("``'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bt.yaml:6:15") && stderr.contains("question: \"`x` is what?\""),
        "{stderr}"
    );
}

#[test]
fn builds_are_byte_identical_and_locked_builds_fail_on_change() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("source"), &dir.path().join("source"));
    for lock in files_below(&dir.path().join("source")) {
        if lock.extension().is_some_and(|e| e == "lock") {
            std::fs::remove_file(dir.path().join("source").join(lock)).unwrap();
        }
    }
    assert_eq!(
        run(flashdeck(dir.path()).args(["build", "--out", "a"])).0,
        0
    );
    let (status, _, stderr) = run(flashdeck(dir.path())
        .args(["build", "--locked", "--out", "b"])
        .env("SOURCE_DATE_EPOCH", "1900000000"));
    assert_eq!(
        status, 0,
        "an unchanged bank needs no lock change: {stderr}"
    );
    let files = files_below(&dir.path().join("a"));
    assert_eq!(files, files_below(&dir.path().join("b")));
    assert!(files.len() >= 12, "{files:?}");
    for f in &files {
        assert_eq!(
            std::fs::read(dir.path().join("a").join(f)).unwrap(),
            std::fs::read(dir.path().join("b").join(f)).unwrap(),
            "{f:?} differs between builds"
        );
    }
    // An edit with --locked fails and writes nothing.
    let bank = dir.path().join("source/examples/showcase.yaml");
    let text = std::fs::read_to_string(&bank)
        .unwrap()
        .replace("Model, View, Template.", "Model, View and Template.");
    std::fs::write(&bank, text).unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "--locked", "--out", "c"]));
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("showcase.lock is out of date"), "{stderr}");
    assert!(files_below(&dir.path().join("c")).is_empty());
}

#[test]
fn changing_a_published_cards_type_is_refused_until_it_gets_a_new_id() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.yaml", TWO_CARDS);
    assert_eq!(
        run(flashdeck(dir.path()).args(["build", "small.yaml"])).0,
        0
    );
    let lock_before = std::fs::read(dir.path().join("small.lock")).unwrap();
    let outputs_before = files_below(&dir.path().join("out"));
    // Card `two` becomes a reversed card under the same id.
    write(
        dir.path(),
        "small.yaml",
        &TWO_CARDS.replace("  - id: two\n", "  - id: two\n    type: reversed\n"),
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "small.yaml"]));
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[card-type-changed]") && stderr.contains("small.yaml:12:9"),
        "{stderr}"
    );
    assert!(stderr.contains("new id"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("small.lock")).unwrap(),
        lock_before
    );
    assert_eq!(files_below(&dir.path().join("out")), outputs_before);
    // Under a new id it is a new note, and the build goes through.
    write(
        dir.path(),
        "small.yaml",
        &TWO_CARDS.replace(
            "  - id: two\n",
            "  - id: two-reversed\n    type: reversed\n",
        ),
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "small.yaml"]));
    assert_eq!(status, 0, "{stderr}");
}

#[test]
fn two_banks_with_one_deck_id_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", TWO_CARDS);
    write(dir.path(), "b.yaml", TWO_CARDS);
    let (status, stdout, _) =
        run(flashdeck(dir.path()).args(["check", "--format", "json", "a.yaml", "b.yaml"]));
    assert_eq!(status, 1, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let found = json["diagnostics"].as_array().unwrap().iter().any(|d| {
        d["code"] == "duplicate-deck-id"
            && d["file"] == "b.yaml"
            && d["line"] == 2
            && d["column"] == 7
    });
    assert!(found, "{stdout}");
}

/// A bank over 1 MB is parsed in pieces on several cores: the positions of
/// what `check` reports must be those of one parse, and a broken card deep in
/// the list must still be found and located.
#[test]
fn a_large_bank_reports_the_same_positions_as_a_small_one() {
    let dir = tempfile::tempdir().unwrap();
    // Questions of random letters, so that no two are nearly the same.
    let mut seed: u64 = 1;
    let mut question = move || {
        (0..40)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (b'a' + (seed >> 59) as u8 % 26) as char
            })
            .collect::<String>()
    };
    let questions: Vec<String> = (0..6000).map(|_| question()).collect();
    let card = |i: usize, key: &str| {
        format!(
            "  - id: card-{i}\n    topic: Topic {t}\n    {key}: \"{q}?\"\n    answer: |\n      It does thing {i}, which matters because of reason {i}.\n\n      - first detail\n      - second detail\n",
            t = i % 7,
            q = questions[i]
        )
    };
    let bank = |broken: Option<usize>| {
        let mut text = String::from("deck:\n  id: big\n  name: Big\ncards:\n");
        for i in 0..6000 {
            let key = if Some(i) == broken {
                "qustion"
            } else {
                "question"
            };
            text.push_str(&card(i, key));
        }
        // The last card asks the first card's question: a warning placed near the end.
        text.push_str(&format!(
            "  - id: again\n    question: \"{}?\"\n    answer: Again.\n",
            questions[0]
        ));
        text
    };
    let line_of = |text: &str, needle: &str| text[..text.find(needle).unwrap()].lines().count() + 1;
    let diagnostics = |name: &str| {
        let (status, stdout, _) =
            run(flashdeck(dir.path()).args(["check", "--format", "json", name]));
        (status, positions(&stdout))
    };
    // The places of a duplicate group's other members (deep in the file).
    let member_places = |name: &str| -> Vec<(u64, u64)> {
        let (_, stdout, _) = run(flashdeck(dir.path()).args(["check", "--format", "json", name]));
        let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        json["diagnostics"][0]["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["line"].as_u64().unwrap(), m["column"].as_u64().unwrap()))
            .collect()
    };

    let valid = bank(None);
    assert!(
        valid.len() > 1 << 20,
        "the bank must be large enough to be split"
    );
    write(dir.path(), "big.yaml", &valid);
    let (status, found) = diagnostics("big.yaml");
    assert_eq!(status, 0, "{found:?}");
    let again = line_of(&valid, "  - id: again") as u64 + 1;
    // The group is placed at its first member's question (after `topic:`).
    let first = line_of(&valid, "  - id: card-0\n") as u64 + 2;
    assert_eq!(found, vec![("duplicate-question".to_string(), first, 15)]);
    assert_eq!(member_places("big.yaml"), vec![(again, 15)]);

    let broken = bank(Some(4321));
    write(dir.path(), "broken.yaml", &broken);
    let (status, found) = diagnostics("broken.yaml");
    assert_eq!(status, 1, "{found:?}");
    let typo = line_of(&broken, "    qustion:") as u64;
    assert!(
        found.contains(&("unknown-key".to_string(), typo, 5)),
        "{found:?}"
    );
}

const TEMPLATED: &str = "deck:\n  id: t\n  name: T\ncards:\n  - id: q1\n    question: What does function number 1 of the module return?\n    answer: One.\n  - id: q2\n    question: What does function number 2 of the module return?\n    answer: Two.\n  - id: q3\n    question: What does function number 3 of the module return?\n    answer: Three.\n";

fn check_json(dir: &std::path::Path, args: &[&str]) -> (i32, serde_json::Value) {
    let (status, stdout, stderr) = run(flashdeck(dir)
        .args(["check", "--format", "json"])
        .args(args));
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout} {stderr}"));
    (status, json)
}

#[test]
fn near_duplicates_are_one_group_and_lint_levels_come_from_the_command_line_and_the_bank() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.yaml", TEMPLATED);
    // One warning for the group, every member in the JSON form.
    let (status, json) = check_json(dir.path(), &["t.yaml"]);
    assert_eq!(status, 0);
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{json}");
    let group = &diagnostics[0];
    assert_eq!(group["code"], "near-duplicate-question");
    assert_eq!(group["severity"], "warning");
    assert!(
        group["message"]
            .as_str()
            .unwrap()
            .contains("3 questions differ only in a number"),
        "{group}"
    );
    let members: Vec<&str> = group["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["card"].as_str().unwrap())
        .collect();
    assert_eq!(members, ["q2", "q3"], "the members besides the first");
    assert_eq!(group["line"], 6);

    let (status, json) = check_json(
        dir.path(),
        &["t.yaml", "--allow", "near-duplicate-question"],
    );
    assert_eq!((status, json["warnings"].as_u64()), (0, Some(0)), "{json}");
    let (status, json) = check_json(dir.path(), &["t.yaml", "--deny", "near-duplicate-question"]);
    assert_eq!(status, 1, "{json}");
    assert_eq!(json["diagnostics"][0]["severity"], "error");

    // The bank's own table, which the command line overrides.
    let with_lints = TEMPLATED.replace(
        "cards:\n",
        "lints:\n  near-duplicate-question: allow\ncards:\n",
    );
    write(dir.path(), "t.yaml", &with_lints);
    let (status, json) = check_json(dir.path(), &["t.yaml"]);
    assert_eq!((status, json["warnings"].as_u64()), (0, Some(0)), "{json}");
    let (_, json) = check_json(dir.path(), &["t.yaml", "--warn", "near-duplicate-question"]);
    assert_eq!(json["warnings"].as_u64(), Some(1), "{json}");

    // Errors cannot be lowered, and unknown codes are named.
    write(
        dir.path(),
        "t.yaml",
        &TEMPLATED.replace(
            "cards:\n",
            "lints:\n  duplicate-card-id: allow\n  near-duplicate-questoin: allow\ncards:\n",
        ),
    );
    let (status, json) = check_json(dir.path(), &["t.yaml"]);
    assert_eq!(status, 1);
    let codes: Vec<(&str, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["line"].as_u64().unwrap()))
        .collect();
    assert!(codes.contains(&("invalid-lint", 5)), "{codes:?}");
    assert!(codes.contains(&("unknown-key", 6)), "{codes:?}");
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["check", "t.yaml", "--allow", "duplicate-card-id"]));
    assert_eq!(status, 2);
    assert!(stderr.contains("cannot be lowered"), "{stderr}");
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["check", "t.yaml", "--allow", "no-such-code"]));
    assert_eq!(status, 2);
    assert!(
        stderr.contains("near-duplicate-question"),
        "lists the warnings: {stderr}"
    );
}

#[test]
fn a_long_build_shows_progress_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut bank = String::from(
        "deck:\n  id: long\n  name: Long\nlints:\n  near-duplicate-question: allow\ncards:\n",
    );
    for i in 0..120_000u64 {
        bank.push_str(&format!(
            "  - id: q-{i}\n    question: \"Question {i}: what does function {i} return?\"\n    answer: \"`{i}` squared, {}.\"\n",
            i * i
        ));
    }
    write(dir.path(), "long.yaml", &bank);
    let exe = env!("CARGO_BIN_EXE_flashdeck");
    // `script` gives the command a terminal (util-linux, on every Debian).
    let on_terminal = |extra: &str| {
        let output = std::process::Command::new("script")
            .args([
                "-qec",
                &format!("{exe} build long.yaml --out out {extra}"),
                "/dev/null",
            ])
            .current_dir(dir.path())
            .env("SOURCE_DATE_EPOCH", "1764028800")
            .output()
            .expect("`script` (util-linux) runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let shown = on_terminal("");
    assert!(
        shown.contains("Building long (120000 cards): writing") && shown.contains("/6 ("),
        "no progress line on a terminal: {shown}"
    );
    assert!(
        !on_terminal("-q").contains("Building long"),
        "-q shows no progress"
    );
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["build", "long.yaml", "--out", "out"]));
    assert_eq!(status, 0);
    assert!(
        !stderr.contains("Building long ("),
        "no progress when piped: {stderr}"
    );
}

/// HTML fields are sanitized like every other field, and what that removes
/// is a located warning; a template may hold a script only when its note
/// type says `scripts: true`.
#[test]
fn html_fields_warn_about_what_sanitizing_removes() {
    let dir = tempfile::tempdir().unwrap();
    let bank = "deck:\n  id: html\n  name: Html\nnote-types:\n  - name: Plain\n    fields: [Front, Back]\n    scripts: true\n    templates:\n      - name: Card 1\n        front: \"{{Front}}<script>console.log(1)</script>\"\n        back: \"{{FrontSide}}<hr id=answer>{{Back}}\"\ncards:\n  - id: a\n    note-type: Plain\n    fields:\n      Front: {html: \"<b onclick=\\\"steal()\\\">bold</b><script>steal()</script>\"}\n      Back: {html: \"<i>kept</i>\"}\n";
    std::fs::create_dir_all(dir.path().join("source")).unwrap();
    std::fs::write(dir.path().join("source/html.yaml"), bank).unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).arg("check"));
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("warning[html-sanitized]"), "{stderr}");
    assert!(
        stderr.contains("`<script>`") && stderr.contains("`onclick`"),
        "{stderr}"
    );
    assert!(stderr.contains("source/html.yaml:16:"), "{stderr}");
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "--format", "quizlet"]));
    assert_eq!(status, 0, "{stderr}");
    let quizlet = std::fs::read_to_string(dir.path().join("out/html.quizlet.txt")).unwrap();
    assert_eq!(quizlet, "bold\tkept\n");
    // Without `scripts: true` the template's script is an error.
    std::fs::write(
        dir.path().join("source/html.yaml"),
        bank.replace("    scripts: true\n", ""),
    )
    .unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).arg("check"));
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("error[template-script]"), "{stderr}");
}

/// A reader that stops early (`flashdeck check --format json | head`) ends
/// the output quietly, as with other Unix tools: no panic, no backtrace.
#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_quietly() {
    use std::os::unix::process::ExitStatusExt as _;
    let dir = tempfile::tempdir().unwrap();
    // More JSON than a pipe holds (every member of the group is listed), so
    // writing it must meet the closed pipe however the two processes run.
    let mut bank = String::from("deck:\n  id: same\n  name: Same\ncards:\n");
    for n in 0..3000 {
        bank.push_str(&format!(
            "  - id: card-{n}\n    question: The same question?\n    answer: A.\n"
        ));
    }
    write(dir.path(), "same.yaml", &bank);
    let mut child = flashdeck(dir.path())
        .args(["check", "same.yaml", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(output.status.signal(), Some(libc::SIGPIPE), "{stderr}");
}

/// Standard output that cannot be written (a full disk behind a redirection)
/// is an error with exit status 2 and a message, not a panic.
#[cfg(target_os = "linux")]
#[test]
fn an_unwritable_standard_output_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = flashdeck(dir.path())
        .arg("schema")
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains("cannot write to standard output"),
        "{stderr}"
    );
}

/// The JSON Schema editors use accepts what the loader accepts: every bank
/// under `source/`, every YAML example of the README, and the starter bank
/// with its commented blocks uncommented (issue 22: `fields: [Word, Meaning,
/// Audio]` was rejected by the schema).
#[test]
fn the_schema_accepts_every_bank_and_example() {
    let schema_path = repo().join("schema/bank.schema.json");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let index = compiler
        .compile(schema_path.to_str().unwrap(), &mut schemas)
        .unwrap_or_else(|e| panic!("{e:#}"));
    let mut failures = Vec::new();
    let mut validate = |name: String, yaml: &str| {
        let value: serde_json::Value = serde_saphyr::from_str(yaml)
            .unwrap_or_else(|e| panic!("{name} is not YAML: {e}\n{yaml}"));
        if let Err(e) = schemas.validate(&value, index) {
            failures.push(format!("{name}: {e}"));
        }
    };
    let mut banks = 0;
    for file in files_below(&repo().join("source")) {
        if file.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            let text = std::fs::read_to_string(repo().join("source").join(&file)).unwrap();
            validate(format!("source/{}", file.display()), &text);
            banks += 1;
        }
    }
    assert!(banks >= 3, "{banks} banks under source/");
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut examples = 0;
    let mut lines = readme.lines().enumerate();
    while let Some((start, line)) = lines.next() {
        if line.trim() != "```yaml" {
            continue;
        }
        let block: Vec<&str> = lines
            .by_ref()
            .map(|(_, l)| l)
            .take_while(|l| l.trim() != "```")
            .collect();
        let mut yaml = block.join("\n");
        // A fragment that shows one section gets the deck every bank needs.
        if !yaml.lines().any(|l| l.starts_with("deck:")) {
            yaml = format!("deck:\n  id: example\n  name: Example\n{yaml}");
        }
        validate(format!("README.md:{}", start + 1), &yaml);
        examples += 1;
    }
    assert!(examples >= 2, "{examples} YAML examples in the README");
    let dir = tempfile::tempdir().unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["new", "source/mine.yaml"]));
    assert_eq!(status, 0, "{stderr}");
    let starter = std::fs::read_to_string(dir.path().join("source/mine.yaml")).unwrap();
    validate("the starter bank".into(), &starter);
    validate(
        "the starter bank, uncommented".into(),
        &uncomment_starter(&starter),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The starter bank with its `# >>>` … `# <<<` blocks uncommented.
fn uncomment_starter(starter: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in starter.lines() {
        if line.starts_with("# >>> ") {
            inside = true;
            continue;
        }
        if line.starts_with("# <<< ") {
            inside = false;
            continue;
        }
        let line = if inside {
            line.strip_prefix("# ").unwrap_or(line)
        } else {
            line
        };
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A selection (`--tag`, `--exclude-tag`, `--id`) without `--out` would
/// replace the full decks in `out/` with a subset: refused, nothing written.
#[test]
fn a_selection_without_out_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("source")).unwrap();
    write(&dir.path().join("source"), "small.yaml", TWO_CARDS);
    let (status, _, stderr) = run(flashdeck(dir.path()).arg("build"));
    assert_eq!(status, 0, "{stderr}");
    let full = file_contents(&dir.path().join("out"));
    let lock = std::fs::read(dir.path().join("source/small.lock")).unwrap();
    // An edit, so that a build would change the lock too.
    write(
        &dir.path().join("source"),
        "small.yaml",
        &TWO_CARDS.replace("answer: One.", "answer: One, edited."),
    );
    for args in [
        &["build", "source/small.yaml", "--tag", "orm"][..],
        &["build", "--exclude-tag", "advanced"][..],
        &["build", "--id", "one", "--format", "quizlet"][..],
        &["-q", "build", "--tag", "topic::first-topic"][..],
    ] {
        let (status, _, stderr) = run(flashdeck(dir.path()).args(args));
        assert_eq!(status, 1, "{args:?}: {stderr}");
        assert!(
            stderr.contains("--out") && stderr.contains("nothing was written"),
            "{args:?}: {stderr}"
        );
        assert_eq!(
            file_contents(&dir.path().join("out")),
            full,
            "{args:?} changed out/"
        );
        assert_eq!(
            std::fs::read(dir.path().join("source/small.lock")).unwrap(),
            lock,
            "{args:?} changed the lock"
        );
    }
    // With `--out` the same selection builds, beside the full decks.
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["build", "--tag", "orm", "--out", "dist/orm"]));
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(file_contents(&dir.path().join("out")), full);
}

/// `flashdeck new source/german.yaml` names the deck after the file, so two
/// starter banks check together; the topic's tag is shown as it is made.
#[test]
fn new_names_the_deck_after_the_file() {
    let dir = tempfile::tempdir().unwrap();
    for path in ["source/german.yaml", "source/spanish_verbs.yaml"] {
        let (status, _, stderr) = run(flashdeck(dir.path()).args(["new", path]));
        assert_eq!(status, 0, "{stderr}");
    }
    let german = std::fs::read_to_string(dir.path().join("source/german.yaml")).unwrap();
    assert!(german.contains("\n  id: german "), "{german}");
    assert!(german.contains("\n  name: \"German\" "), "{german}");
    assert!(german.contains("tags: [german]"), "{german}");
    assert!(german.contains("topic::basics"), "{german}");
    assert!(!german.contains("tag (Basics)"), "{german}");
    let spanish = std::fs::read_to_string(dir.path().join("source/spanish_verbs.yaml")).unwrap();
    assert!(spanish.contains("\n  id: spanish-verbs "), "{spanish}");
    assert!(
        spanish.contains("\n  name: \"Spanish Verbs\" "),
        "{spanish}"
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["check", "--deny-warnings"]));
    assert_eq!(status, 0, "{stderr}");
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "--format", "apkg"]));
    assert_eq!(status, 0, "{stderr}");
    assert!(dir.path().join("out/german.apkg").exists());
    assert!(dir.path().join("out/spanish-verbs.apkg").exists());
    // The uncommented snippet names a subdeck of this deck.
    assert!(
        uncomment_starter(&german).contains("deck: \"German::Verbs\""),
        "{german}"
    );
    // A name that gives no slug still gives a valid bank.
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["new", "other/ünïcødé.yaml"]));
    assert_eq!(status, 0, "{stderr}");
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["check", "--deny-warnings", "other/ünïcødé.yaml"]));
    assert_eq!(status, 0, "{stderr}");
}

/// `check` reads the lock, so it reports what `build` would refuse; `build
/// --locked` names the cards whose lock lines would change.
#[test]
fn check_reports_what_build_refuses_and_locked_names_the_cards() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.yaml", TWO_CARDS);
    assert_eq!(
        run(flashdeck(dir.path()).args(["build", "small.yaml"])).0,
        0
    );
    write(
        dir.path(),
        "small.yaml",
        &TWO_CARDS.replace("  - id: two\n", "  - id: two\n    type: reversed\n"),
    );
    let (status, stdout) = check_json(dir.path(), &["small.yaml"]);
    assert_eq!(status, 1, "{stdout}");
    let codes: Vec<(String, u64, u64)> = positions(&stdout.to_string());
    assert_eq!(
        codes,
        vec![("card-type-changed".to_string(), 12, 9)],
        "{stdout}"
    );
    // --locked: which cards, and how.
    let edited = format!(
        "{}  - id: three\n    question: What is three?\n    answer: Three.\n",
        TWO_CARDS
            .replace("answer: One.", "answer: One, edited.")
            .replace(
                "  - id: two\n    question: What is two?\n    answer: Two.\n    tags: [advanced]\n",
                ""
            )
    );
    write(dir.path(), "small.yaml", &edited);
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["build", "small.yaml", "--locked", "--out", "o"]));
    assert_eq!(status, 1, "{stderr}");
    assert!(stderr.contains("small.lock is out of date"), "{stderr}");
    for needle in ["`one` changed", "`three` added", "`two` removed"] {
        assert!(stderr.contains(needle), "lacks {needle}: {stderr}");
    }
    assert!(files_below(&dir.path().join("o")).is_empty());
}

/// A typo in a key is reported once, as the typo (with its did-you-mean),
/// not also as the field it leaves missing.
#[test]
fn a_key_typo_is_reported_once_as_the_typo() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "typo.yaml",
        "deck:\n  id: t\n  name: T\ncards:\n  - id: a\n    qustion: What?\n    answer: This.\n  - id: b\n    question: Other?\n    answr: That.\n  - id: c\n    type: cloze\n    txt: A {{c1::gap}}.\n",
    );
    let (status, json) = check_json(dir.path(), &["typo.yaml"]);
    assert_eq!(status, 1, "{json}");
    let found = fields_of(&json, &["code", "line", "hint"]);
    let codes: Vec<[&str; 2]> = found.iter().map(|f| [&*f[0], &*f[1]]).collect();
    assert_eq!(
        codes,
        [
            ["unknown-key", "6"],
            ["unknown-key", "10"],
            ["unknown-key", "13"]
        ],
        "{json}"
    );
    for (f, key) in found.iter().zip(["question", "answer", "text"]) {
        assert!(
            f[2].starts_with(&format!("did you mean `{key}`?")),
            "{}",
            f[2]
        );
    }
}

/// A lock file given to `check` is named as a lock file, with its bank.
#[test]
fn checking_a_lock_file_says_so_and_names_its_bank() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.yaml", TWO_CARDS);
    assert_eq!(
        run(flashdeck(dir.path()).args(["build", "small.yaml", "--out", "o"])).0,
        0
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["check", "small.lock"]));
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("small.lock is a lock file") && stderr.contains("small.yaml"),
        "{stderr}"
    );
    assert!(!stderr.contains("deck:"), "{stderr}");
    assert_eq!(stderr.matches("error").count(), 1, "one error: {stderr}");
}

/// The build summary counts the same files on a first build and a rebuild:
/// the lock is one of them either way.
#[test]
fn the_build_summary_counts_files_the_same_each_time() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.yaml", TWO_CARDS);
    let (status, _, first) = run(flashdeck(dir.path()).args(["build", "small.yaml"]));
    assert_eq!(status, 0, "{first}");
    assert!(first.contains("7 files (7 changed)"), "{first}");
    let (status, _, again) = run(flashdeck(dir.path()).args(["build", "small.yaml", "-v"]));
    assert_eq!(status, 0, "{again}");
    assert!(again.contains("7 files (0 changed)"), "{again}");
    assert!(again.contains("Unchanged small.lock"), "{again}");
}

/// `-q` and `-v` are global: before or after the command, for `check` too.
#[test]
fn quiet_and_verbose_are_global_options() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.yaml", TWO_CARDS);
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["check", "-v", "small.yaml"]));
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("Checked small.yaml: 2 cards"), "{stderr}");
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["-v", "build", "small.yaml"]));
    assert_eq!(status, 0, "{stderr}");
    assert!(
        stderr.contains("Unchanged") || stderr.contains("Wrote"),
        "{stderr}"
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["-q", "build", "small.yaml"]));
    assert_eq!((status, stderr.as_str()), (0, ""));
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["check", "small.yaml", "-q"]));
    assert_eq!((status, stderr.as_str()), (0, ""));
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["-q", "-v", "check", "small.yaml"]));
    assert_eq!(status, 2, "-q and -v conflict: {stderr}");
}

/// `long-answer`: an answer a student must produce of more than 60 words
/// (`extra` not counted) is a warning, its level set like every lint.
#[test]
fn a_long_answer_is_a_warning_with_a_settable_level() {
    let dir = tempfile::tempdir().unwrap();
    let words = |n: usize| {
        (1..=n)
            .map(|i| format!("word{i}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let bank = format!(
        "deck:\n  id: long\n  name: Long\ncards:\n  - id: long-one\n    question: A long one?\n    answer: |\n      - **{}**\n  - id: just-right\n    question: Just right?\n    answer: {}\n    extra: {}\n  - id: long-cloze\n    type: cloze\n    text: \"One {{{{c1::{}}}}} and {{{{c2::two}}}}.\"\n  - id: long-type-in\n    type: type-in\n    question: Type it?\n    answer: {}\n",
        words(61),
        words(60),
        words(200),
        words(70),
        words(65),
    );
    write(dir.path(), "long.yaml", &bank);
    let (status, json) = check_json(dir.path(), &["long.yaml"]);
    assert_eq!(status, 0, "{json}");
    let found = fields_of(&json, &["code", "severity", "line", "message"]);
    let places: Vec<[&str; 3]> = found.iter().map(|f| [&*f[0], &*f[1], &*f[2]]).collect();
    assert_eq!(
        places,
        [
            ["long-answer", "warning", "8"],
            ["long-answer", "warning", "15"],
            ["long-answer", "warning", "19"]
        ],
        "{json}"
    );
    assert!(found[0][3].contains("61 words"), "{json}");
    assert!(found[1][3].contains("70 words"), "{json}");
    let (status, json) = check_json(dir.path(), &["long.yaml", "--max-answer-words", "80"]);
    assert_eq!((status, json["warnings"].as_u64()), (0, Some(0)), "{json}");
    let (status, _) = check_json(dir.path(), &["long.yaml", "--deny", "long-answer"]);
    assert_eq!(status, 1);
    write(
        dir.path(),
        "long.yaml",
        &bank.replace("cards:\n", "lints:\n  long-answer: allow\ncards:\n"),
    );
    let (status, json) = check_json(dir.path(), &["long.yaml"]);
    assert_eq!((status, json["warnings"].as_u64()), (0, Some(0)), "{json}");
}

/// The banks shipped under `source/` check clean, warnings denied (the
/// Django bank's answers stay gradable under `long-answer`).
#[test]
fn the_shipped_banks_check_clean_with_warnings_denied() {
    let (status, _, stderr) = run(flashdeck(&repo()).args(["check", "--deny-warnings"]));
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("0 errors and 0 warnings"), "{stderr}");
}
