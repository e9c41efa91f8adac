//! The small interface writers hand their files to. A writer never opens a
//! file: it gives each file's bytes to an [`Output`] as it makes them. The
//! build's output is `crate::output::Staging`, the one place that writes;
//! tests keep the files in memory ([`InMemory`]).

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A file a writer produced, relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path under the output folder.
    pub path: PathBuf,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Why a writer could not produce its files.
#[derive(Debug)]
pub enum WriteError {
    /// The writer could not make its bytes (the message says why).
    Render(String),
    /// The [`Output`] could not take them (a full disk, a folder that
    /// cannot be written).
    Output(io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Render(message) => f.write_str(message),
            WriteError::Output(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for WriteError {}

impl From<io::Error> for WriteError {
    fn from(e: io::Error) -> WriteError {
        WriteError::Output(e)
    }
}

/// Fills one file: writes its bytes to the sink it is given.
pub type Fill<'a> = dyn FnMut(&mut dyn io::Write) -> io::Result<()> + 'a;

/// Where a writer puts its files. Each file's bytes go to their destination
/// as they are made, so a build never holds a whole output in memory.
pub trait Output {
    /// Writes the file at `path` (relative to the output folder): `fill`
    /// writes its bytes. A path this output already holds is not written
    /// again (both Markdown sheets ship the same media files).
    fn file(&mut self, path: &Path, fill: &mut Fill<'_>) -> io::Result<()>;

    /// A folder for a writer's working files (the .apkg builds its SQLite
    /// collection there), removed when dropped. The build's output names it
    /// so that a killed run's folder is found and removed by the next.
    fn scratch(&mut self) -> io::Result<tempfile::TempDir> {
        tempfile::tempdir()
    }
}

/// An [`Output`] that keeps the files in memory, in the order written.
#[derive(Debug, Default)]
pub struct InMemory {
    /// The files written so far.
    pub files: Vec<OutputFile>,
    /// Their paths, to write each once.
    paths: std::collections::HashSet<PathBuf>,
}

impl Output for InMemory {
    fn file(&mut self, path: &Path, fill: &mut Fill<'_>) -> io::Result<()> {
        if !self.paths.insert(path.to_path_buf()) {
            return Ok(());
        }
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        self.files.push(OutputFile {
            path: path.to_path_buf(),
            bytes,
        });
        Ok(())
    }
}
