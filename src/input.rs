//! The one place that reads files a bank author controls: banks, their lock
//! files and their media. Only regular files are read (a FIFO would block
//! forever, `/dev/zero` would never end), and each kind has a size limit that
//! is checked before reading and enforced while reading, so a file that grows
//! or is swapped meanwhile still cannot exhaust memory.

use std::fmt;
use std::io::Read as _;
use std::path::Path;

/// The largest bank file: 1 GiB (a million cards of typical length).
pub const MAX_BANK_BYTES: u64 = 1 << 30;
/// The largest lock file: 256 MiB.
pub const MAX_LOCK_BYTES: u64 = 256 << 20;
/// The largest media file: 100 MiB (Anki's own sync limit is lower).
pub const MAX_MEDIA_BYTES: u64 = 100 << 20;
/// All media of one bank together: 1 GiB.
pub const MAX_TOTAL_MEDIA_BYTES: u64 = 1 << 30;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// There is no such file.
    NotFound,
    /// The path is a folder, FIFO, socket or device, named here.
    NotAFile(&'static str),
    /// The file is larger than its limit.
    TooLarge {
        /// Its size, as far as it was read.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Any other I/O error.
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::NotAFile(kind) => write!(f, "it is a {kind}, not a regular file"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "it is {} or more, above the limit of {}",
                human(*size),
                human(*limit)
            ),
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReadError {}

/// A size in bytes, KiB, MiB or GiB.
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// What kind of non-regular file `meta` describes.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let t = meta.file_type();
        if t.is_fifo() {
            return "FIFO (named pipe)";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "device";
        }
    }
    if meta.is_dir() {
        "folder"
    } else {
        "special file"
    }
}

/// Checks that `path` (symbolic links followed) is a regular file no larger
/// than `limit`, and returns its size.
pub fn check_file(path: &Path, limit: u64) -> Result<u64, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(e),
    })?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind(&meta)));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    Ok(meta.len())
}

/// Reads the regular file at `path`, at most `limit` bytes.
pub fn read_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let expected = check_file(path, limit)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Never block on opening: the path may have been swapped for a FIFO.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile(kind(&meta)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_special_files_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_file(dir.path(), 10),
            Err(ReadError::NotAFile("folder"))
        ));
        assert!(matches!(
            read_file(Path::new("/dev/zero"), 10),
            Err(ReadError::NotAFile("device"))
        ));
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'x'; 11]).unwrap();
        assert!(matches!(
            read_file(&big, 10),
            Err(ReadError::TooLarge {
                size: 11,
                limit: 10
            })
        ));
        assert_eq!(read_file(&big, 11).unwrap().len(), 11);
        assert!(matches!(
            read_file(&dir.path().join("none"), 10),
            Err(ReadError::NotFound)
        ));
        assert_eq!(human(3 << 20), "3.0 MiB");
    }
}
