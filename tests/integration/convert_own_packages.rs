//! A package flashdeck built converts back into the bank it was built from
//! (issue 20, item 1): the bank, its lock, CSS, templates and media come
//! back as they were, and building them again gives byte-identical outputs.
//! A package changed after the build, or one whose carried files would land
//! outside the folder, is converted from its notes instead.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use crate::common::{copy_dir, file_contents, flashdeck, repo, run};

const FORMATS: &str = "apkg,quizlet,quizlet-csv,markdown,quiz,html,crowdanki";

/// Copies the folder of `bank` (relative to the repository) into a fresh
/// folder and builds every format from it into `<tmp>/first`.
fn build_copy(bank: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let bank = repo().join(bank);
    copy_dir(bank.parent().unwrap(), &tmp.path().join("src"));
    let copied = tmp.path().join("src").join(bank.file_name().unwrap());
    let (code, _, stderr) = run(flashdeck(tmp.path())
        .arg("build")
        .arg(&copied)
        .args(["--out", "first", "--format", FORMATS]));
    assert_eq!(code, 0, "{stderr}");
    (tmp, copied)
}

fn apkg_in(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "apkg"))
        .expect("a package")
}

#[test]
fn own_packages_convert_back_to_their_banks_and_build_the_same_bytes() {
    for bank in [
        "source/django-interview.yaml",
        "source/examples/showcase.yaml",
        "source/examples/vocabulary.yaml",
    ] {
        let (tmp, copied) = build_copy(bank);
        let package = apkg_in(&tmp.path().join("first"));
        let (code, stdout, stderr) = run(flashdeck(tmp.path())
            .arg("convert")
            .arg(&package)
            .args(["--out", "back"]));
        assert_eq!(code, 0, "{bank}: {stderr}");
        assert!(
            stderr.contains("the bank this package was built from")
                || stdout.contains("the bank this package was built from"),
            "{bank}: {stderr}"
        );
        let name = copied.file_name().unwrap();
        let returned = tmp.path().join("back").join(name);
        // The bank comes back as written, comments and layout included.
        assert_eq!(
            std::fs::read_to_string(&returned).unwrap(),
            std::fs::read_to_string(&copied).unwrap(),
            "{bank}: the converted bank differs"
        );
        assert_eq!(
            std::fs::read(returned.with_extension("lock")).unwrap(),
            std::fs::read(copied.with_extension("lock")).unwrap(),
            "{bank}: the converted lock differs"
        );
        let (code, _, stderr) = run(flashdeck(tmp.path())
            .arg("build")
            .arg(&returned)
            .args(["--out", "second", "--format", FORMATS]));
        assert_eq!(code, 0, "{bank}: {stderr}");
        let first = file_contents(&tmp.path().join("first"));
        let second = file_contents(&tmp.path().join("second"));
        assert_eq!(
            first.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            second.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            "{bank}: other files"
        );
        for ((path, a), (_, b)) in first.iter().zip(&second) {
            assert!(
                a == b,
                "{bank}: {} differs after the round trip",
                path.display()
            );
        }
    }
}

/// The package with its `flashdeck.json` replaced by `member`.
fn with_member(package: &Path, member: &[u8], out: &Path) {
    let bytes = std::fs::read(package).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        writer.start_file(name.as_str(), options).unwrap();
        if name == "flashdeck.json" {
            writer.write_all(member).unwrap();
        } else {
            writer.write_all(&content).unwrap();
        }
    }
    writer.finish().unwrap();
}

fn member_of(package: &Path) -> serde_json::Value {
    let bytes = std::fs::read(package).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name("flashdeck.json")
        .expect("the package carries its bank")
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_package_whose_notes_differ_from_its_bank_converts_from_its_notes() {
    let (tmp, copied) = build_copy("source/django-interview.yaml");
    let package = apkg_in(&tmp.path().join("first"));
    let mut member = member_of(&package);
    let text = member["files"][0]["text"].as_str().unwrap().to_string();
    let edited = text.replacen("written in Python,", "written in Rust,", 1);
    assert_ne!(edited, text, "the bank holds the edited sentence");
    member["files"][0]["text"] = serde_json::Value::String(edited);
    let changed = tmp.path().join("changed.apkg");
    with_member(&package, member.to_string().as_bytes(), &changed);
    let (code, _, stderr) = run(flashdeck(tmp.path())
        .arg("convert")
        .arg(&changed)
        .args(["--out", "back"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("1 of its notes differ from what that bank builds"),
        "{stderr}"
    );
    let bank = std::fs::read_dir(tmp.path().join("back"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "yaml"))
        .expect("a bank");
    let converted = std::fs::read_to_string(bank).unwrap();
    assert_ne!(converted, std::fs::read_to_string(&copied).unwrap());
    assert!(!converted.contains("written in Rust"), "the notes won");
}

#[test]
fn a_carried_file_outside_the_folder_is_never_written() {
    let (tmp, _) = build_copy("source/examples/showcase.yaml");
    let package = apkg_in(&tmp.path().join("first"));
    for hostile in [
        "../escaped.yaml",
        "/tmp/escaped.yaml",
        "a/../../escaped.yaml",
        ".hidden",
        "c:evil",
    ] {
        let mut member = member_of(&package);
        member["files"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"path": hostile, "text": "deck: {}"}));
        let changed = tmp.path().join("hostile.apkg");
        with_member(&package, member.to_string().as_bytes(), &changed);
        let out = tmp.path().join("inside").join("back");
        let (code, _, stderr) = run(flashdeck(tmp.path())
            .arg("convert")
            .arg(&changed)
            .arg("--out")
            .arg(&out)
            .arg("--force"));
        assert_eq!(code, 0, "{hostile}: {stderr}");
        assert!(
            stderr.contains("is not a bank flashdeck can use"),
            "{hostile}: {stderr}"
        );
        assert!(
            !tmp.path().join("inside/escaped.yaml").exists(),
            "{hostile}"
        );
        assert!(!Path::new("/tmp/escaped.yaml").exists(), "{hostile}");
        assert!(
            !out.join("showcase.yaml").exists(),
            "{hostile}: the carried bank was used"
        );
    }
}

#[test]
fn a_selection_or_without_bank_carries_no_bank() {
    let (tmp, copied) = build_copy("source/examples/showcase.yaml");
    for (out, extra) in [
        ("plain", "--without-bank"),
        ("selection", "--id=reversed-term"),
    ] {
        let (code, _, stderr) = run(flashdeck(tmp.path())
            .arg("build")
            .arg(&copied)
            .args(["--out", out, "--format", "apkg", extra]));
        assert_eq!(code, 0, "{stderr}");
        let bytes = std::fs::read(apkg_in(&tmp.path().join(out))).unwrap();
        let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        assert!(
            zip.index_for_name("flashdeck.json").is_none(),
            "{extra}: the package carries its bank"
        );
    }
    assert!(member_of(&apkg_in(&tmp.path().join("first")))["files"][0]["text"].is_string());
}
