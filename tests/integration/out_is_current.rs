//! `out/` is committed: it must be exactly what `flashdeck build` makes of
//! `source/` and its lock files today.

use crate::common;

use common::{copy_dir, files_below, flashdeck, repo, run};

#[test]
fn committed_out_matches_a_fresh_build_of_source() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("source"), &dir.path().join("source"));
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["build", "--locked", "--out", "fresh"]));
    assert_eq!(
        status, 0,
        "source/ does not build with its committed lock files (run `cargo run --release -- build` and commit): {stderr}"
    );
    let fresh = dir.path().join("fresh");
    let committed = repo().join("out");
    let fresh_files = files_below(&fresh);
    assert_eq!(
        fresh_files,
        files_below(&committed),
        "out/ lists other files than a fresh build: run `cargo run --release -- build` and commit out/"
    );
    let stale: Vec<String> = fresh_files
        .iter()
        .filter(|f| {
            std::fs::read(fresh.join(f)).unwrap() != std::fs::read(committed.join(f)).unwrap()
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        stale.is_empty(),
        "out/ is stale ({}): run `cargo run --release -- build` and commit out/",
        stale.join(", ")
    );
}
