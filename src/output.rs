//! The one place that writes files. Each file is written to a temporary file
//! in the same folder and renamed over the target, so a failed or killed build
//! never leaves a half-written file: readers see the old file or the new one.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::writers::OutputFile;

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// The file was created or its contents changed.
    Changed(PathBuf),
    /// The file already held exactly these bytes; it was left alone.
    Unchanged(PathBuf),
}

/// The prefix of every temporary file and scratch folder flashdeck makes,
/// followed by the process id, so a later run can tell leftovers of a killed
/// run (whose process is gone) from the files of one still running.
const TEMP_PREFIX: &str = ".flashdeck-";
const SCRATCH_PREFIX: &str = "flashdeck-scratch-";

/// A file written to a temporary file beside its target, waiting for
/// [`commit`]. Dropping it removes the temporary file.
pub struct Staged {
    target: PathBuf,
    temp: Option<tempfile::TempPath>,
}

/// Writes `bytes` to a temporary file beside `path` (creating parent
/// folders) and starts writing it to disk; nothing is replaced until
/// [`commit`], which waits for it to reach the disk. A file that already
/// holds exactly these bytes is not staged at all.
pub fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<Staged> {
    if holds(path, bytes) {
        return Ok(Staged {
            target: path.to_path_buf(),
            temp: None,
        });
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    file.write_all(bytes)?;
    // Temporary files are created private; outputs are ordinary readable files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    start_writeback(file.as_file());
    Ok(Staged {
        target: path.to_path_buf(),
        temp: Some(file.into_temp_path()),
    })
}

/// Renames every staged file over its target. Call it only once every file
/// of the build has been staged: then a failure before this point replaces
/// nothing, and a rename in the same folder does not fail for lack of space
/// or permission that staging did not already meet.
pub fn commit(staged: Vec<Staged>) -> std::io::Result<Vec<Written>> {
    // Every new file is on disk before the first rename: a crash never
    // leaves a renamed file whose contents were still in memory. Staging
    // started each file's writeback, so most of this wait overlapped the
    // rendering of the files after it.
    for temp in staged.iter().filter_map(|f| f.temp.as_ref()) {
        std::fs::File::open(temp)?.sync_all()?;
    }
    let mut written = Vec::with_capacity(staged.len());
    for file in staged {
        match file.temp {
            None => written.push(Written::Unchanged(file.target)),
            Some(temp) => {
                temp.persist(&file.target).map_err(|e| e.error)?;
                written.push(Written::Changed(file.target));
            }
        }
    }
    Ok(written)
}

/// Asks the kernel to start writing `file` to disk without waiting (Linux);
/// elsewhere the writing waits for [`commit`]'s flush.
fn start_writeback(file: &std::fs::File) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::io::AsRawFd as _;
        // Best effort: a failure only means commit's flush does all the work.
        // SAFETY: the descriptor is open for the whole call; the call reads
        // no memory of ours.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = file;
}

/// Writes `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<Written> {
    let staged = stage(path, bytes)?;
    Ok(commit(vec![staged])?.remove(0))
}

/// A scratch folder in the system's temporary folder for one writer's
/// working files, named so that [`remove_leftovers`] finds it if this
/// process is killed before it is removed.
pub fn scratch_dir() -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new()
        .prefix(&format!("{SCRATCH_PREFIX}{}-", std::process::id()))
        .tempdir()
}

/// Removes what killed runs left behind: temporary files in `dirs` and
/// scratch folders in the system's temporary folder whose process is gone.
/// Best effort: a file that cannot be removed is left alone.
pub fn remove_leftovers<'a>(dirs: impl IntoIterator<Item = &'a Path>) {
    for dir in dirs {
        remove_matching(dir, TEMP_PREFIX, false);
    }
    remove_matching(&std::env::temp_dir(), SCRATCH_PREFIX, true);
}

fn remove_matching(dir: &Path, prefix: &str, folders: bool) {
    // A bank in the current folder has an empty parent.
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
            continue;
        };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir != folders || (!folders && !rest.ends_with(".tmp")) {
            continue;
        }
        // `<pid>-<random>`; names without a pid come from older versions.
        let pid = rest
            .split_once('-')
            .and_then(|(p, _)| p.parse::<u32>().ok());
        if pid.is_some_and(process_alive) {
            continue;
        }
        let path = entry.path();
        let _ = if folders {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
    }
}

/// Whether a process with this id exists (on other systems: assume it does).
fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // Signal 0 checks for existence; EPERM means it exists as another user.
        // SAFETY: kill with signal 0 sends nothing and touches no memory.
        let result = unsafe { libc::kill(pid, 0) };
        result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Whether the file at `path` already holds exactly `bytes` (read in pieces,
/// so comparing a large package costs no extra memory).
fn holds(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if file.metadata().map(|m| m.len()).ok() != Some(bytes.len() as u64) {
        return false;
    }
    let mut buffer = vec![0u8; 1 << 16];
    let mut rest = bytes;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return rest.is_empty(),
            Ok(n) if n <= rest.len() && buffer[..n] == rest[..n] => rest = &rest[n..],
            _ => return false,
        }
    }
}

/// Stages every file under `out_dir` (see [`stage`]).
pub fn stage_all(out_dir: &Path, files: &[OutputFile]) -> std::io::Result<Vec<Staged>> {
    files
        .iter()
        .map(|f| stage(&out_dir.join(&f.path), &f.bytes))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replaces_and_skips_identical() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.txt");
        assert!(matches!(
            write_atomic(&path, b"one").unwrap(),
            Written::Changed(_)
        ));
        assert!(matches!(
            write_atomic(&path, b"one").unwrap(),
            Written::Unchanged(_)
        ));
        assert!(matches!(
            write_atomic(&path, b"two").unwrap(),
            Written::Changed(_)
        ));
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        // No temporary file is left behind.
        assert_eq!(
            std::fs::read_dir(dir.path().join("sub")).unwrap().count(),
            1
        );
    }

    #[test]
    fn staged_files_replace_nothing_until_committed_and_vanish_when_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        std::fs::write(&a, "old").unwrap();
        let staged = stage(&a, b"new").unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"old");
        drop(staged);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let staged = stage(&a, b"new").unwrap();
        commit(vec![staged]).unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"new");
    }

    #[test]
    fn leftovers_of_dead_processes_go_and_those_of_live_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        // No process has pid 4194304 + 1: above Linux's pid_max.
        let dead = dir.path().join(".flashdeck-4194305-abc.tmp");
        let old_style = dir.path().join(".flashdeck-Ab3xYz.tmp");
        let live = dir
            .path()
            .join(format!(".flashdeck-{}-abc.tmp", std::process::id()));
        let other = dir.path().join("keep.tmp");
        for f in [&dead, &old_style, &live, &other] {
            std::fs::write(f, "x").unwrap();
        }
        remove_leftovers([dir.path()]);
        assert!(!dead.exists() && !old_style.exists());
        assert!(live.exists() && other.exists());
    }
}
