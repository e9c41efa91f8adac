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

/// Writes `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<Written> {
    if holds(path, bytes) {
        return Ok(Written::Unchanged(path.to_path_buf()));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::Builder::new()
        .prefix(".flashdeck-")
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
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(Written::Changed(path.to_path_buf()))
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

/// Writes every file under `out_dir`.
pub fn write_all(out_dir: &Path, files: &[OutputFile]) -> std::io::Result<Vec<Written>> {
    files
        .iter()
        .map(|f| write_atomic(&out_dir.join(&f.path), &f.bytes))
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
}
