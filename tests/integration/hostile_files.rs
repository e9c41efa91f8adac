//! Hostile files and folders, made at run time (git cannot hold FIFOs,
//! sparse files or symbolic-link loops): nothing hangs, nothing reads without
//! bound, nothing is half-replaced, and nothing is left behind.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{file_contents, files_below, flashdeck, run};

const BANK: &str = "deck:\n  id: small\n  name: Small\ncards:\n  - id: a\n    question: \"![dot](media/dot.png) Q?\"\n    answer: A.\n";

/// Runs the command, failing the test if it takes longer than `limit`
/// (a hang is a failure, not a stuck test run).
fn run_within(cmd: &mut Command, limit: Duration) -> (i32, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("flashdeck did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json_codes(stdout: &str) -> Vec<(String, usize)> {
    let json: serde_json::Value =
        serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap_or(0) as usize,
            )
        })
        .collect()
}

/// Builds `small.yaml` in `dir` into `out`: (exit status, standard error).
fn build_small(dir: &Path, out: &Path) -> (i32, String) {
    let (status, _, stderr) = run(flashdeck(dir)
        .args(["build", "small.yaml", "--out"])
        .arg(out));
    (status, stderr)
}

fn dot_png(dir: &Path) {
    std::fs::create_dir_all(dir.join("media")).unwrap();
    std::fs::write(dir.join("media/dot.png"), b"\x89PNG\r\n\x1a\n").unwrap();
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success());
}

#[test]
fn a_bank_that_is_a_fifo_or_a_device_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    mkfifo(&dir.path().join("pipe.yaml"));
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.yaml")).unwrap();
    for bank in ["pipe.yaml", "zero.yaml"] {
        let (status, stdout, _) = run_within(
            flashdeck(dir.path()).args(["check", "--format", "json", bank]),
            Duration::from_secs(20),
        );
        assert_eq!(status, 1, "{bank}: {stdout}");
        assert_eq!(
            json_codes(&stdout),
            vec![("not-a-file".to_string(), 1)],
            "{bank}"
        );
        let (_, _, stderr) = run(flashdeck(dir.path()).args(["check", bank]));
        assert!(stderr.contains("not a regular file"), "{bank}: {stderr}");
    }
}

#[test]
fn media_that_is_a_fifo_or_huge_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("media")).unwrap();
    mkfifo(&dir.path().join("media/pipe.png"));
    // A sparse 2 GiB file: refused from its size, never read.
    let huge = std::fs::File::create(dir.path().join("media/huge.png")).unwrap();
    huge.set_len(2 << 30).unwrap();
    std::fs::write(
        dir.path().join("bank.yaml"),
        "deck:\n  id: m\n  name: M\ncards:\n  - id: a\n    question: \"![p](media/pipe.png)\"\n    answer: A.\n  - id: b\n    question: \"![h](media/huge.png)\"\n    answer: B.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (status, _, stderr) = run_within(
        flashdeck(dir.path())
            .args(["build", "bank.yaml", "--out"])
            .arg(&out),
        Duration::from_secs(30),
    );
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[media-missing]") && stderr.contains("not a file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error[too-large]") && stderr.contains("2.0 GiB"),
        "{stderr}"
    );
    assert!(
        stderr.contains("100.0 MiB"),
        "the error names the limit: {stderr}"
    );
    assert!(files_below(&out).is_empty());
}

#[test]
fn a_bank_above_the_size_limit_is_refused_from_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let big = std::fs::File::create(dir.path().join("big.yaml")).unwrap();
    big.set_len((1 << 30) + 1).unwrap();
    let (status, stdout, _) = run_within(
        flashdeck(dir.path()).args(["check", "--format", "json", "big.yaml"]),
        Duration::from_secs(20),
    );
    assert_eq!(status, 1);
    assert_eq!(json_codes(&stdout), vec![("too-large".to_string(), 1)]);
}

#[test]
fn symbolic_link_loops_end_and_each_bank_is_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let banks = dir.path().join("source");
    std::fs::create_dir_all(banks.join("sub")).unwrap();
    dot_png(&banks);
    std::fs::write(banks.join("small.yaml"), BANK).unwrap();
    std::os::unix::fs::symlink(&banks, banks.join("loop-one")).unwrap();
    std::os::unix::fs::symlink(&banks, banks.join("sub/loop-two")).unwrap();
    std::os::unix::fs::symlink(banks.join("small.yaml"), banks.join("sub/again.yaml")).unwrap();
    let (status, stdout, stderr) = run_within(
        flashdeck(dir.path()).args(["check", "--format", "json", "source"]),
        Duration::from_secs(20),
    );
    assert_eq!(status, 0, "{stdout}{stderr}");
    assert!(json_codes(&stdout).is_empty(), "{stdout}");
}

#[test]
fn banks_that_would_share_a_lock_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    dot_png(dir.path());
    std::fs::write(dir.path().join("x.yaml"), BANK).unwrap();
    std::fs::write(
        dir.path().join("x.yml"),
        BANK.replace("id: small", "id: other"),
    )
    .unwrap();
    let out = dir.path().join("out");
    let (status, _, stderr) = run(flashdeck(dir.path())
        .args(["build", ".", "--out"])
        .arg(&out));
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[lock-clash]") && stderr.contains("x.lock"),
        "{stderr}"
    );
    assert!(files_below(&out).is_empty());
    assert!(!dir.path().join("x.lock").exists());
}

#[test]
fn a_lock_time_out_of_range_is_refused_not_wrapped() {
    let dir = tempfile::tempdir().unwrap();
    dot_png(dir.path());
    std::fs::write(dir.path().join("small.yaml"), BANK).unwrap();
    let out = dir.path().join("out");
    let (status, stderr) = build_small(dir.path(), &out);
    assert_eq!(status, 0, "{stderr}");
    let lock = std::fs::read_to_string(dir.path().join("small.lock")).unwrap();
    let hostile = lock.replace("1764028800", &i64::MAX.to_string());
    assert_ne!(lock, hostile);
    std::fs::write(dir.path().join("small.lock"), &hostile).unwrap();
    std::fs::write(
        dir.path().join("small.yaml"),
        BANK.replace("A.", "A, edited."),
    )
    .unwrap();
    let before = file_contents(&out);
    let (status, stderr) = build_small(dir.path(), &out);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[invalid-lock]")
            && stderr.contains("small.lock")
            && stderr.contains("bad entry"),
        "{stderr}"
    );
    assert_eq!(
        file_contents(&out),
        before,
        "a refused lock replaced outputs"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("small.lock")).unwrap(),
        hostile
    );
}

#[test]
fn a_file_that_cannot_be_written_replaces_nothing() {
    let dir = tempfile::tempdir().unwrap();
    dot_png(dir.path());
    std::fs::write(dir.path().join("small.yaml"), BANK).unwrap();
    let out = dir.path().join("out");
    let (status, stderr) = build_small(dir.path(), &out);
    assert_eq!(status, 0, "{stderr}");
    let lock = std::fs::read(dir.path().join("small.lock")).unwrap();
    // The sheets' media folder becomes a file: the media cannot be written,
    // and it is staged after the package and the Quizlet files.
    std::fs::remove_dir_all(out.join("media")).unwrap();
    std::fs::write(out.join("media"), "in the way").unwrap();
    let before = file_contents(&out);
    std::fs::write(
        dir.path().join("small.yaml"),
        BANK.replace("A.", "A, edited."),
    )
    .unwrap();
    let (status, stderr) = build_small(dir.path(), &out);
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("nothing was replaced"), "{stderr}");
    assert_eq!(
        file_contents(&out),
        before,
        "outputs were replaced by a failed build"
    );
    assert_eq!(
        std::fs::read(dir.path().join("small.lock")).unwrap(),
        lock,
        "the lock changed"
    );
    let leftovers: Vec<_> = files_below(&out)
        .into_iter()
        .chain(files_below(dir.path()))
        .filter(|f| f.to_string_lossy().contains(".flashdeck-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_huge_field_and_an_alias_bomb_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let field = "x".repeat((1 << 20) + 1);
    std::fs::write(
        dir.path().join("field.yaml"),
        format!(
            "deck:\n  id: f\n  name: F\ncards:\n  - id: a\n    question: Q?\n    answer: {field}\n"
        ),
    )
    .unwrap();
    let (status, stdout, _) =
        run(flashdeck(dir.path()).args(["check", "--format", "json", "field.yaml"]));
    assert_eq!(status, 1);
    assert!(
        json_codes(&stdout).contains(&("too-large".to_string(), 7)),
        "{stdout}"
    );

    // 400 KiB written once, repeated 40 times through aliases.
    let mut bomb = format!(
        "deck:\n  id: b\n  name: B\ncards:\n  - id: c0\n    question: Q0?\n    answer: &big {}\n",
        "y".repeat(400 << 10)
    );
    for i in 1..=20 {
        bomb.push_str(&format!(
            "  - id: c{i}\n    question: *big\n    answer: *big\n"
        ));
    }
    std::fs::write(dir.path().join("bomb.yaml"), bomb).unwrap();
    let out = dir.path().join("out");
    let (status, _, stderr) = run(flashdeck(dir.path())
        .args(["build", "bomb.yaml", "--out"])
        .arg(&out));
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[too-large]") && stderr.contains("aliases"),
        "{stderr}"
    );
    assert!(files_below(&out).is_empty());
}

/// A bank of `cards` cards, big enough that a build takes a while.
fn big_bank(cards: usize) -> String {
    let mut text = String::from("deck:\n  id: big\n  name: Big\ncards:\n");
    for i in 0..cards {
        text.push_str(&format!(
            "  - id: card-{i}\n    question: What does function number {i} of module {} return?\n    answer: |\n      It returns `{i}` squared, which is {}.\n",
            i % 97,
            i * i
        ));
    }
    text
}

#[test]
fn a_killed_build_leaves_old_or_new_files_and_the_next_build_cleans_up() {
    let dir = tempfile::tempdir().unwrap();
    let scratch = dir.path().join("tmp");
    std::fs::create_dir_all(&scratch).unwrap();
    std::fs::write(dir.path().join("big.yaml"), big_bank(3_000)).unwrap();
    let out = dir.path().join("out");
    // Leftovers of a process that no longer exists (above Linux's pid_max).
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".flashdeck-4194305-abcdef.tmp"), "partial").unwrap();
    std::fs::create_dir_all(scratch.join("flashdeck-scratch-4194305-abcdef")).unwrap();
    let build = |kill_after: Option<Duration>| {
        let mut cmd = flashdeck(dir.path());
        cmd.env("TMPDIR", &scratch)
            .args(["build", "big.yaml", "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut child = cmd.spawn().unwrap();
        match kill_after {
            Some(after) => {
                std::thread::sleep(after);
                let _ = child.kill(); // SIGKILL
                let _ = child.wait();
            }
            None => assert!(child.wait().unwrap().success()),
        }
    };
    // Kill at several moments of the first and later builds (a 3,000-card
    // debug build takes about 1.5 s, most of it checking).
    for ms in [300, 1250, 1400] {
        build(Some(Duration::from_millis(ms)));
        for file in files_below(&out)
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "apkg"))
        {
            let bytes = std::fs::read(out.join(file)).unwrap();
            assert!(
                zip::ZipArchive::new(std::io::Cursor::new(bytes)).is_ok(),
                "a kill left a broken package"
            );
        }
    }
    build(None);
    let leftovers: Vec<String> = files_below(&out)
        .iter()
        .map(|f| f.to_string_lossy().into_owned())
        .chain(
            std::fs::read_dir(&scratch)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned()),
        )
        .filter(|f| f.contains(".flashdeck-") || f.contains("flashdeck-scratch-"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    assert!(out.join("big.apkg").is_file());
}

#[test]
fn two_builds_at_once_both_succeed_with_complete_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.yaml"), big_bank(3_000)).unwrap();
    let serial = dir.path().join("serial");
    let (status, _, stderr) = run(flashdeck(dir.path())
        .args(["build", "big.yaml", "--out"])
        .arg(&serial));
    assert_eq!(status, 0, "{stderr}");
    let out = dir.path().join("out");
    let spawn = || {
        flashdeck(dir.path())
            .args(["build", "big.yaml", "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(), spawn());
    for child in [first, second] {
        let result = child.wait_with_output().unwrap();
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
    }
    assert_eq!(files_below(&out), files_below(&serial));
    for file in files_below(&serial) {
        assert_eq!(
            std::fs::read(out.join(&file)).unwrap(),
            std::fs::read(serial.join(&file)).unwrap(),
            "{} differs from a build that ran alone",
            file.display()
        );
    }
}
