//! The repository's own setup: what git ignores, and what the install
//! script says before it installs anything.

use crate::common;

use common::repo;

/// The README suggests `--out dist/…`: git ignores it, like `target/`.
#[test]
fn gitignore_ignores_target_and_dist() {
    let gitignore = std::fs::read_to_string(repo().join(".gitignore")).unwrap();
    let lines: Vec<&str> = gitignore.lines().map(str::trim).collect();
    for needed in ["/target", "/dist"] {
        assert!(
            lines.contains(&needed),
            "{needed} is not ignored: {gitignore}"
        );
    }
}

/// `.ci/install-print-deps.sh` prints what apt-get will install, with the
/// sizes apt reports, before it installs: run against a stand-in `apt-get`
/// on a PATH where none of the tools is found.
#[cfg(unix)]
#[test]
fn the_install_script_says_what_it_installs_before_installing() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.path().join("apt.log");
    // The stand-in logs each call and answers a dry run as apt-get does.
    let apt = format!(
        "#!/bin/bash\necho \"apt-get $*\" >> '{log}'\nfor a in \"$@\"; do case \"$a\" in --assume-no|-s|--simulate) printf 'The following NEW packages will be installed:\\n  chromium pandoc poppler-utils\\n0 upgraded, 3 newly installed, 0 to remove and 0 not upgraded.\\nNeed to get 148 MB of archives.\\nAfter this operation, 593 MB of additional disk space will be used.\\nAbort.\\n'; exit 1;; esac; done\nexit 0\n",
        log = log.display()
    );
    std::fs::write(bin.join("apt-get"), apt).unwrap();
    std::fs::write(bin.join("id"), "#!/bin/bash\necho 0\n").unwrap();
    for tool in ["apt-get", "id"] {
        std::fs::set_permissions(bin.join(tool), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    // Only the stand-ins and the shell utilities the script may use.
    for tool in ["grep", "sed", "cat", "head", "tail", "awk", "tr"] {
        for prefix in ["/usr/bin", "/bin"] {
            let path = std::path::Path::new(prefix).join(tool);
            if path.exists() && !bin.join(tool).exists() {
                std::os::unix::fs::symlink(&path, bin.join(tool)).unwrap();
            }
        }
    }
    let output = std::process::Command::new("/bin/bash")
        .arg(repo().join(".ci/install-print-deps.sh"))
        .env_clear()
        .env("PATH", &bin)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let calls = std::fs::read_to_string(&log).unwrap_or_default();
    let install = calls
        .lines()
        .position(|l| l.contains(" install ") && !l.contains("--assume-no"))
        .unwrap_or_else(|| panic!("no install: {calls}\n{stdout}\n{stderr}"));
    let dry_run = calls
        .lines()
        .position(|l| l.contains("--assume-no"))
        .unwrap_or_else(|| panic!("no dry run before installing: {calls}\n{stdout}\n{stderr}"));
    assert!(dry_run < install, "{calls}");
    for needle in [
        "chromium",
        "poppler-utils",
        "pandoc",
        "Need to get 148 MB of archives",
        "593 MB of additional disk space",
    ] {
        assert!(
            stdout.contains(needle),
            "lacks {needle}: {stdout}\n{stderr}"
        );
    }
    assert!(!stdout.contains("about 200 MB"), "{stdout}");
    assert!(!stdout.contains("Abort."), "{stdout}");
}
