//! The one place that writes files. Each file is written to a temporary file
//! in the same folder and renamed over the target, so a failed or killed build
//! never leaves a half-written file: readers see the old file or the new one.

use std::io::BufRead as _;
use std::path::{Path, PathBuf};

use crate::writers::{Fill, Output};

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
    stage_with(path, &mut |sink| sink.write_all(bytes))
}

/// [`stage`] for bytes that `fill` writes as it makes them, so they never
/// need to be in memory at once. While they match the file already at
/// `path`, nothing is written; from the first difference on, the matched
/// start is copied from that file and the rest goes to the temporary file.
pub fn stage_with(path: &Path, fill: &mut Fill<'_>) -> std::io::Result<Staged> {
    // Only a regular file is compared: opening a FIFO left where an output
    // goes would wait for a writer forever (it is replaced like any file).
    let existing = std::fs::metadata(path)
        .is_ok_and(|m| m.is_file())
        .then(|| std::fs::File::open(path).ok())
        .flatten();
    let mut sink = match existing {
        Some(old) => StagingSink::Comparing {
            old: std::io::BufReader::with_capacity(BUFFER_BYTES, old),
            matched: 0,
        },
        None => StagingSink::Writing(new_temp(path)?),
    };
    fill(&mut SinkFor {
        path,
        sink: &mut sink,
    })?;
    let temp = match sink {
        StagingSink::Comparing { mut old, matched } => {
            if old.fill_buf()?.is_empty() {
                None
            } else {
                Some(finish_temp(diverge(path, matched)?)?)
            }
        }
        StagingSink::Writing(temp) => Some(finish_temp(temp)?),
    };
    Ok(Staged {
        target: path.to_path_buf(),
        temp,
    })
}

/// Bytes buffered between a writer and its temporary file, or read at a
/// time from the file it may replace.
const BUFFER_BYTES: usize = 256 * 1024;

/// Where a staged file's bytes are going.
enum StagingSink {
    /// Every byte so far matched the existing file's start.
    Comparing {
        old: std::io::BufReader<std::fs::File>,
        matched: u64,
    },
    /// The bytes differ: they go to a temporary file.
    Writing(std::io::BufWriter<tempfile::NamedTempFile>),
}

/// The [`std::io::Write`] a writer's `fill` sees.
struct SinkFor<'a> {
    path: &'a Path,
    sink: &'a mut StagingSink,
}

impl std::io::Write for SinkFor<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let StagingSink::Comparing { old, matched } = self.sink {
            if starts_with(old, buf)? {
                *matched += buf.len() as u64;
                return Ok(buf.len());
            }
            *self.sink = StagingSink::Writing(diverge(self.path, *matched)?);
        }
        let StagingSink::Writing(temp) = self.sink else {
            return Err(std::io::Error::other("a differing file was not diverted"));
        };
        // At most a buffer's worth per call (`write_all` loops): one 40 MB
        // `write()` took 0.38 s on the benchmark machine, the same bytes in
        // 256 KB pieces a few milliseconds (measured with `strace -T`).
        temp.write(&buf[..buf.len().min(BUFFER_BYTES)])
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.sink {
            StagingSink::Writing(temp) => temp.flush(),
            StagingSink::Comparing { .. } => Ok(()),
        }
    }
}

/// Whether `old` continues with `bytes` (consuming what it compared).
fn starts_with(old: &mut impl std::io::BufRead, mut bytes: &[u8]) -> std::io::Result<bool> {
    while !bytes.is_empty() {
        let available = old.fill_buf()?;
        if available.is_empty() {
            return Ok(false);
        }
        let n = available.len().min(bytes.len());
        if available[..n] != bytes[..n] {
            return Ok(false);
        }
        old.consume(n);
        bytes = &bytes[n..];
    }
    Ok(true)
}

/// A temporary file beside `path` holding the first `matched` bytes of the
/// file at `path`, ready for the rest.
fn diverge(
    path: &Path,
    matched: u64,
) -> std::io::Result<std::io::BufWriter<tempfile::NamedTempFile>> {
    use std::io::Read as _;
    let mut temp = new_temp(path)?;
    let copied = std::io::copy(&mut std::fs::File::open(path)?.take(matched), &mut temp)?;
    if copied != matched {
        return Err(std::io::Error::other(format!(
            "{} changed while it was being replaced",
            path.display()
        )));
    }
    Ok(temp)
}

/// A new temporary file beside `path`, creating its folder.
fn new_temp(path: &Path) -> std::io::Result<std::io::BufWriter<tempfile::NamedTempFile>> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let file = tempfile::Builder::new()
        .prefix(&format!("{TEMP_PREFIX}{}-", std::process::id()))
        .suffix(".tmp")
        .tempfile_in(dir)?;
    Ok(std::io::BufWriter::with_capacity(BUFFER_BYTES, file))
}

/// Flushes a temporary file, makes it an ordinary readable file and starts
/// writing it to disk.
fn finish_temp(
    temp: std::io::BufWriter<tempfile::NamedTempFile>,
) -> std::io::Result<tempfile::TempPath> {
    let file = temp.into_inner().map_err(|e| e.into_error())?;
    // Temporary files are created private; outputs are ordinary readable files.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    start_writeback(file.as_file());
    Ok(file.into_temp_path())
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

/// The files of one deck's writers, staged (see [`stage_with`]) under the
/// output folder as the writers make them, each tagged with the position of
/// the format that wrote it; a path written twice is staged once.
pub struct Staging {
    out_dir: PathBuf,
    /// The position of the format now writing.
    pub format_at: usize,
    staged: Vec<(usize, Staged)>,
    /// The targets staged so far (a deck may ship thousands of media files).
    targets: std::collections::HashSet<PathBuf>,
}

impl Staging {
    /// Stages under `out_dir`.
    pub fn new(out_dir: &Path) -> Staging {
        Staging {
            out_dir: out_dir.to_path_buf(),
            format_at: 0,
            staged: Vec::new(),
            targets: std::collections::HashSet::new(),
        }
    }

    /// The staged files, by the position of their format, in the order written.
    pub fn into_staged(mut self) -> Vec<Staged> {
        self.staged.sort_by_key(|&(at, _)| at);
        self.staged.into_iter().map(|(_, s)| s).collect()
    }
}

impl Output for Staging {
    fn file(&mut self, path: &Path, fill: &mut Fill<'_>) -> std::io::Result<()> {
        let target = self.out_dir.join(path);
        if !self.targets.insert(target.clone()) {
            return Ok(());
        }
        let staged = stage_with(&target, fill)?;
        self.staged.push((self.format_at, staged));
        Ok(())
    }

    fn scratch(&mut self) -> std::io::Result<tempfile::TempDir> {
        scratch_dir()
    }
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

    /// Stages `pieces` (written one `write_all` each) over a file holding
    /// `old`, commits, and says whether the file changed and what it holds.
    fn stage_pieces(old: Option<&str>, pieces: &[&str]) -> (bool, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        if let Some(old) = old {
            std::fs::write(&path, old).unwrap();
        }
        let staged = stage_with(&path, &mut |sink| {
            pieces.iter().try_for_each(|p| sink.write_all(p.as_bytes()))
        })
        .unwrap();
        let changed = matches!(commit(vec![staged]).unwrap()[0], Written::Changed(_));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        (changed, std::fs::read_to_string(&path).unwrap())
    }

    #[test]
    fn streamed_files_are_compared_as_they_come_and_written_from_the_first_difference() {
        assert_eq!(
            stage_pieces(Some("abcdef"), &["abc", "def"]),
            (false, "abcdef".into())
        );
        assert_eq!(
            stage_pieces(Some("abcdef"), &["ab", "cdXf"]),
            (true, "abcdXf".into())
        );
        assert_eq!(
            stage_pieces(Some("abcdef"), &["abc", "", "de"]),
            (true, "abcde".into())
        );
        assert_eq!(
            stage_pieces(Some("abc"), &["abc", "def"]),
            (true, "abcdef".into())
        );
        assert_eq!(stage_pieces(Some(""), &[]), (false, String::new()));
        assert_eq!(stage_pieces(None, &["new"]), (true, "new".into()));
        assert_eq!(stage_pieces(Some("xbc"), &["abc"]), (true, "abc".into()));
    }

    #[test]
    fn staging_writes_a_path_once_and_lists_files_by_format() {
        let dir = tempfile::tempdir().unwrap();
        let mut staging = Staging::new(dir.path());
        staging.format_at = 1;
        staging
            .file(Path::new("b.txt"), &mut |s| s.write_all(b"b"))
            .unwrap();
        staging
            .file(Path::new("m/shared.png"), &mut |s| s.write_all(b"first"))
            .unwrap();
        staging.format_at = 0;
        staging
            .file(Path::new("m/shared.png"), &mut |s| s.write_all(b"second"))
            .unwrap();
        staging
            .file(Path::new("a.txt"), &mut |s| s.write_all(b"a"))
            .unwrap();
        let written = commit(staging.into_staged()).unwrap();
        let names: Vec<PathBuf> = written
            .iter()
            .map(|w| match w {
                Written::Changed(p) | Written::Unchanged(p) => {
                    p.strip_prefix(dir.path()).unwrap().to_path_buf()
                }
            })
            .collect();
        assert_eq!(names, ["a.txt", "b.txt", "m/shared.png"].map(PathBuf::from));
        assert_eq!(
            std::fs::read(dir.path().join("m/shared.png")).unwrap(),
            b"first"
        );
    }

    /// A FIFO where an output goes is replaced, never opened: opening it
    /// would wait for a writer forever.
    #[cfg(unix)]
    #[test]
    fn a_fifo_at_the_target_is_replaced_without_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deck.apkg");
        let c_path = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo reads nothing else.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o644) }, 0);
        let (done, finished) = std::sync::mpsc::channel();
        let target = path.clone();
        std::thread::spawn(move || {
            let staged = stage(&target, b"package").map(|s| commit(vec![s]));
            let _ = done.send(staged.is_ok());
        });
        let staged = finished
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("staging over a FIFO returned");
        assert!(staged);
        assert_eq!(std::fs::read(&path).unwrap(), b"package");
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
