//! The crate's modules depend one way: no two files import each other,
//! directly or around a circle, and no layer imports a higher one
//! (`scripts/layers.py` lists the layers and reads the imports). A failure
//! names each circle and each import that goes up.

use std::process::Command;

use crate::common::repo;

fn check(src: &std::path::Path) -> (bool, String) {
    let output = Command::new("python3")
        .arg(repo().join("scripts/layers.py"))
        .arg("--src")
        .arg(src)
        .output()
        .expect("python3 runs scripts/layers.py");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn modules_depend_one_way_without_circles() {
    let (ok, report) = check(&repo().join("src"));
    assert!(ok, "{report}");
    assert!(report.contains(" 0 problems"), "{report}");
}

#[test]
fn the_check_sees_a_circle_and_an_import_that_goes_up() {
    // A copy of src/ with one circle and one upward import added.
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&repo().join("src"), dir.path());
    // Added after the module's doc comment (a test module at the end is
    // not part of the crate's graph).
    let add = |file: &str, line: &str| {
        let path = dir.path().join(file);
        let body = std::fs::read_to_string(&path).unwrap();
        let docs = body.lines().take_while(|l| l.starts_with("//!")).count();
        let mut lines: Vec<&str> = body.lines().collect();
        lines.insert(docs, line);
        std::fs::write(path, lines.join("\n")).unwrap();
    };
    add("load/fast.rs", "use super::chunked::MIN_BYTES;");
    add("model/cloze.rs", "use crate::writers::Format;");
    let (ok, report) = check(dir.path());
    assert!(!ok, "{report}");
    assert!(
        report.contains("cycle: load/chunked.rs load/fast.rs"),
        "{report}"
    );
    assert!(
        report.contains("model/cloze.rs (layer model) imports writers/format.rs"),
        "{report}"
    );
}
