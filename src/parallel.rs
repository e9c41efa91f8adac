//! Work spread over the machine's cores, results in input order.

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
    map_on(worker_threads(), min_items, items, f)
}

/// [`parallel_map`] on at most `threads` threads (1: on the calling thread).
pub(crate) fn parallel_map_on<T: Sync, R: Send>(
    threads: usize,
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    map_on(threads.min(worker_threads()), 256, items, f)
}

fn map_on<T: Sync, R: Send>(
    threads: usize,
    min_items: usize,
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
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
