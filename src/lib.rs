//! flashdeck turns a YAML flashcard bank into decks people study from: an Anki
//! package, a Quizlet import file and printable handouts.
//!
//! The crate is laid out as the pipeline it runs:
//!
//! ```text
//! source/*.yaml ─► load ─► validate ─► transform ─► writers ─► output (atomic)
//!                  │        │            │             │
//!                  │        │            │             └ one module per format, deck in, bytes out
//!                  │        │            └ defaults, filters, topic tags, media, Markdown rendering
//!                  │        └ semantic rules (ids, tags, cloze, media, links, duplicates)
//!                  └ YAML → located tree → [`model::Bank`], structural diagnostics
//! ```
//!
//! `flashdeck convert` runs the other way: [`read`] (one module per input
//! format, bytes in, a converted deck out) → a bank file → the same load and
//! validate stages → a lock seeded from the source ([`convert`]).
//!
//! [`pipeline`] ties the stages together; [`cli`] is the command-line face.

#![warn(missing_docs)]

pub mod anki;
pub mod built_notes;
pub mod cli;
pub mod convert;
pub mod diagnostics;
pub mod input;
pub mod load;
pub mod lock;
pub mod markup;
pub mod model;
pub mod output;
mod parallel;
pub mod pipeline;
pub mod progress;
pub mod pull;
pub mod read;
pub mod restore;
pub mod source;
#[cfg(test)]
pub(crate) mod testing;
pub mod transform;
pub mod validate;
pub mod writers;

pub(crate) use parallel::{
    parallel_map, parallel_map_batched, parallel_map_from, parallel_map_on, worker_threads,
};
