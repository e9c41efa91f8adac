//! The trait every format implements.

use super::output::{InMemory, Output, OutputFile, WriteError};
use super::rendered::Rendered;

/// One output format.
pub trait Writer {
    /// Renders the deck into `out`. The deck reads as a
    /// [`crate::transform::Deck`]; what several writers need (plain-text
    /// pairs, handout Markdown) it renders once for all of them.
    fn write(&self, deck: &Rendered<'_>, out: &mut dyn Output) -> Result<(), WriteError>;

    /// The deck's files in memory, in the order written.
    fn files(&self, deck: &Rendered<'_>) -> Result<Vec<OutputFile>, WriteError> {
        let mut out = InMemory::default();
        self.write(deck, &mut out)?;
        Ok(out.files)
    }
}
