//! `flashdeck convert` of Quizlet export text and spreadsheets: banks of
//! built-in cards that build into every output; a Quizlet file survives
//! bank → Quizlet file → convert → build unchanged; ambiguous lines are
//! located errors that write nothing.

use std::path::Path;

use super::common::{files_below, repo, run};

fn flashdeck(dir: &Path) -> std::process::Command {
    let mut cmd = super::common::flashdeck(dir);
    cmd.args(["--color", "never"]);
    cmd
}

#[test]
fn a_quizlet_file_round_trips_through_a_bank() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read(repo().join("out/django-interview.quizlet.txt")).unwrap();
    std::fs::write(dir.path().join("django.txt"), &original).unwrap();
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["convert", "django.txt", "--out", "bank"]));
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("always adds new cards"), "{stderr}");
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "bank", "--out", "out"]));
    assert_eq!(status, 0, "{stderr}");
    // Every output is built, and the Quizlet file is the one we started from.
    assert_eq!(files_below(&dir.path().join("out")).len(), 6);
    assert_eq!(
        std::fs::read(dir.path().join("out/django.quizlet.txt")).unwrap(),
        original
    );
    // Converting again refuses to overwrite, and --force replaces.
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["convert", "django.txt", "--out", "bank"]));
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["convert", "django.txt", "--out", "bank", "--force"]));
    assert_eq!(status, 0, "{stderr}");
}

#[test]
fn quizlet_separators_are_options_and_ambiguous_cards_are_located() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("set.txt"), "hola - hello;adiós - goodbye;").unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args([
        "convert",
        "set.txt",
        "--term-sep",
        " - ",
        "--card-sep",
        ";",
        "--out",
        "bank",
    ]));
    assert_eq!(status, 0, "{stderr}");
    let bank = std::fs::read_to_string(dir.path().join("bank/set.yaml")).unwrap();
    assert!(
        bank.contains("question: adiós\n    answer: goodbye\n"),
        "{bank}"
    );
    // A definition holding the separator again: split at the first, the
    // line named (a real Quizlet set was refused whole for 11 such lines).
    std::fs::write(
        dir.path().join("commas.txt"),
        "one, uno\ntwo, dos, zwei\nthree, tres\n",
    )
    .unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args([
        "convert",
        "commas.txt",
        "--term-sep",
        ", ",
        "--out",
        "commas",
    ]));
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("3 notes"), "{stderr}");
    assert!(
        stderr.contains("line 2: the card holds the term separator more than once"),
        "{stderr}"
    );
    let bank = std::fs::read_to_string(dir.path().join("commas/commas.yaml")).unwrap();
    assert!(
        bank.contains("question: two\n    answer: dos, zwei\n"),
        "{bank}"
    );
    // A card without the separator cannot be split: refused where it is.
    std::fs::write(dir.path().join("bad.txt"), "one\tuno\ntwo dos\n").unwrap();
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["convert", "bad.txt", "--out", "bad"]));
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("bad.txt:2:1:") && stderr.contains("no term separator (a Tab)"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!dir.path().join("bad").exists());
}

/// A two-column file without a header row keeps its first card (a real
/// 5,720-line vocabulary file once lost it silently), and the report says
/// how the first row was read.
#[test]
fn a_sheet_without_a_header_row_keeps_its_first_card() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("words.tsv"),
        "hund\tdog\nkatze\tcat\nmaus\tmouse\n",
    )
    .unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args([
        "convert",
        "words.tsv",
        "--columns",
        "question,answer",
        "--out",
        "auto",
    ]));
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("3 notes"), "{stderr}");
    assert!(
        stderr.contains("read as a card (no header row)"),
        "{stderr}"
    );
    let (status, _, stderr) = run(flashdeck(dir.path()).args([
        "convert",
        "words.tsv",
        "--columns",
        "question,answer",
        "--header",
        "--out",
        "declared",
    ]));
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("2 notes"), "{stderr}");
    assert!(
        stderr.contains("line 1 (hund, dog) was taken as the header row"),
        "{stderr}"
    );
}

#[test]
fn a_spreadsheet_with_bom_crlf_and_quoted_lines_becomes_a_bank() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("words.csv"),
        "\u{feff}Term,Definition,Tags\r\n\"What, exactly?\",\"Line one\nline \"\"two\"\"\",a b\r\n# not a comment,*stars* and [brackets],c\r\n",
    )
    .unwrap();
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["convert", "words.csv", "--out", "bank"]));
    assert_eq!(status, 0, "{stderr}");
    let (status, _, stderr) = run(flashdeck(dir.path()).args(["build", "bank", "--out", "out"]));
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(files_below(&dir.path().join("out")).len(), 6);
    let quizlet = std::fs::read_to_string(dir.path().join("out/words.quizlet.txt")).unwrap();
    assert_eq!(
        quizlet,
        "What, exactly?\tLine one line \"two\"\n# not a comment\t*stars* and [brackets]\n"
    );
    // Columns mapped by hand; an unknown role is a usage error.
    std::fs::write(dir.path().join("plain.tsv"), "a\tb\tc\nuno\tone\tx\n").unwrap();
    let (status, _, stderr) = run(flashdeck(dir.path()).args([
        "convert",
        "plain.tsv",
        "--columns",
        "answer,question,-",
        "--out",
        "tsv",
    ]));
    assert_eq!(status, 0, "{stderr}");
    let bank = std::fs::read_to_string(dir.path().join("tsv/plain.yaml")).unwrap();
    assert!(bank.contains("question: one\n    answer: uno\n"), "{bank}");
    let (status, _, stderr) = run(flashdeck(dir.path()).args([
        "convert",
        "plain.tsv",
        "--columns",
        "answr,question",
        "--out",
        "x",
    ]));
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("`answr` is not a column role"), "{stderr}");
}

/// A conversion that takes longer than a second shows its progress bar on a
/// terminal, and never when standard error is piped.
#[test]
fn a_long_conversion_shows_progress_on_a_terminal_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    // About 3 s here: well past the one second after which the bar shows.
    for i in 0..150_000 {
        text.push_str(&format!(
            "Question {i}: what does function {i} return?\t{i} squared.\n"
        ));
    }
    std::fs::write(dir.path().join("set.txt"), text).unwrap();
    let exe = env!("CARGO_BIN_EXE_flashdeck");
    // `script` gives the command a terminal (util-linux, on every Debian).
    let output = std::process::Command::new("script")
        .args([
            "-qec",
            &format!("{exe} convert set.txt --out tty"),
            "/dev/null",
        ])
        .current_dir(dir.path())
        .output()
        .expect("`script` (util-linux) runs");
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}");
    assert!(
        shown.contains("Converting set.txt: ") && shown.contains("/5"),
        "no progress bar: {shown}"
    );
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["convert", "set.txt", "--out", "piped"]));
    assert_eq!(status, 0, "{stderr}");
    assert!(
        !stderr.contains("Converting set.txt: "),
        "progress when piped: {stderr}"
    );
}
