//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod html;
pub mod renderers;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A `flashdeck` command running in `dir`, with a fixed clock and no colour.
pub fn flashdeck(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flashdeck"));
    cmd.current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1764028800")
        .env("NO_COLOR", "1");
    cmd
}

/// Copies a folder tree (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file below `dir`, relative, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if !dir.exists() {
        return out;
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Runs the command and returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("flashdeck runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Markdown with each image (`![alt](path)`) replaced by its alt text, or
/// dropped: what a text-only output (Quizlet) or a printout's text shows.
pub fn replace_images(markdown: &str, keep_alt: bool) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find("![") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        match after
            .find("](")
            .and_then(|m| after[m..].find(')').map(|e| (m, m + e + 1)))
        {
            Some((alt_end, end)) => {
                if keep_alt {
                    out.push_str(&after[..alt_end]);
                }
                rest = &after[end..];
            }
            None => {
                out.push_str("![");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A program the browser and print tests need, found on PATH; the test fails
/// (never skips) without it, saying how to install it.
pub fn find_tool(name: &str) -> PathBuf {
    let paths = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&paths)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!("`{name}` not found on PATH: run `.ci/install-print-deps.sh` as root")
        })
}

/// Every file below `dir` with its bytes, to compare before and after a build.
pub fn file_contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files_below(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}
