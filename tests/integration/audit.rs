//! `scripts/audit.sh`, which CI runs against the team's advisory database:
//! a lock file with a crate an advisory names fails the audit (exit 1), an
//! "unmaintained" notice only prints, and a lock file without either passes.
//! The advisories here are a database of this test's own (two made-up
//! crates), so the test needs no copy of the real one; cargo-audit comes
//! from PyPI (`target/audit-venv`, installed on first use).

use std::process::Command;

use crate::common::repo;

/// A one-package lock file.
fn lock(name: &str, version: &str) -> String {
    format!(
        "version = 4\n\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{}\"\n",
        "0".repeat(64)
    )
}

fn advisory(id: &str, package: &str, informational: Option<&str>, patched: &str) -> String {
    let informational = informational
        .map(|kind| format!("informational = \"{kind}\"\n"))
        .unwrap_or_default();
    format!(
        "```toml\n[advisory]\nid = \"{id}\"\npackage = \"{package}\"\ndate = \"2026-01-01\"\nurl = \"https://example.org/{id}\"\n{informational}\n[versions]\npatched = [\"{patched}\"]\n```\n\n# {package} has a test advisory\n\nMade up for flashdeck's audit test.\n"
    )
}

fn audit(db: &std::path::Path, lock_file: &std::path::Path) -> (i32, String) {
    let output = Command::new("bash")
        .arg(repo().join("scripts/audit.sh"))
        .env("ADVISORY_DB", db)
        .env("CARGO_LOCK", lock_file)
        .output()
        .expect("bash runs scripts/audit.sh");
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn a_vulnerable_crate_fails_the_audit_and_a_notice_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    for (package, id, informational) in [
        ("flashdeck-test-vulnerable", "RUSTSEC-2026-9901", None),
        (
            "flashdeck-test-unmaintained",
            "RUSTSEC-2026-9902",
            Some("unmaintained"),
        ),
    ] {
        let folder = db.join("crates").join(package);
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(
            folder.join(format!("{id}.md")),
            advisory(id, package, informational, ">= 2.0.0"),
        )
        .unwrap();
    }
    std::fs::create_dir_all(db.join("rust")).unwrap();

    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let vulnerable = write(
        "vulnerable.lock",
        lock("flashdeck-test-vulnerable", "1.0.0"),
    );
    let patched = write("patched.lock", lock("flashdeck-test-vulnerable", "2.0.0"));
    let unmaintained = write(
        "unmaintained.lock",
        lock("flashdeck-test-unmaintained", "1.0.0"),
    );

    let (code, out) = audit(&db, &vulnerable);
    assert_eq!(code, 1, "a vulnerability must fail the audit:\n{out}");
    assert!(out.contains("RUSTSEC-2026-9901"), "{out}");
    let (code, out) = audit(&db, &unmaintained);
    assert_eq!(code, 0, "a notice must not fail the audit:\n{out}");
    assert!(
        out.contains("unmaintained"),
        "the notice is printed:\n{out}"
    );
    let (code, out) = audit(&db, &patched);
    assert_eq!(code, 0, "{out}");
    // No database: a clear refusal, not a pass.
    let (code, out) = audit(&dir.path().join("missing"), &patched);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no advisory database"), "{out}");
}
