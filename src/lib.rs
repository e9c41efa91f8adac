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

pub mod cli;
pub mod convert;
pub mod diagnostics;
pub mod input;
pub mod load;
pub mod lock;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod read;
pub mod source;
#[cfg(test)]
pub(crate) mod testing;
pub mod transform;
pub mod validate;
pub mod writers;

/// How many threads the parallel stages (parsing large banks, rendering
/// notes) use: the cores available, at most 8.
pub(crate) fn worker_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// `items` mapped by `f` on [`worker_threads`] threads, in `items`' order
/// (so the result never depends on the number of cores). Small inputs stay
/// on the calling thread: starting threads would cost more than they save.
pub(crate) fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    parallel_map_from(256, items, f)
}

/// [`parallel_map`] a batch of `batch` items at a time, yielding the results
/// in `items`' order: only one batch of results waits in memory, so a
/// writer can pass each on as it comes.
pub(crate) fn parallel_map_batched<'a, T: Sync, R: Send + 'a>(
    items: &'a [T],
    batch: usize,
    f: impl Fn(&T) -> R + Sync + 'a,
) -> impl Iterator<Item = R> + 'a {
    items
        .chunks(batch.max(1))
        .flat_map(move |chunk| parallel_map(chunk, &f))
}

/// [`parallel_map`] for items that are each a lot of work: threads start
/// from `min_items` items.
pub(crate) fn parallel_map_from<T: Sync, R: Send>(
    min_items: usize,
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let threads = worker_threads();
    if threads < 2 || items.len() < min_items.max(2) {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        // Sized once: the parts' lengths are not known to `collect`, which
        // would grow the result by doubling (copying it, touching new pages).
        let mut mapped = Vec::with_capacity(items.len());
        for handle in handles {
            mapped.extend(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        mapped
    })
}
