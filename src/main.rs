//! The `flashdeck` binary: everything happens in [`flashdeck::cli::run`].

/// mimalloc: about a tenth faster than the system allocator on a 100k-card
/// build, which allocates and frees millions of small strings.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc 3's `mi_option_purge_delay` (libmimalloc-sys names only the
/// options of mimalloc 2); the test below checks the number still means it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long mimalloc keeps freed pages before returning them to the OS.
const PURGE_DELAY_MS: std::ffi::c_long = 100;

fn main() {
    tune_memory();
    // Like other Unix tools, end quietly when the reader of our output goes
    // away (`flashdeck check --format json | head`) instead of panicking on
    // a broken pipe. Outputs are staged, so even a build cut short this way
    // replaces nothing half-written.
    #[cfg(unix)]
    // SAFETY: restores the default action of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    std::process::exit(flashdeck::cli::run());
}

/// Allocator settings for large banks, measured on the 100k-card benchmark.
fn tune_memory() {
    // Freed memory goes back to the OS after 100 ms instead of mimalloc 3's
    // 1 s: between stages a large build frees tens of MB and allocates anew,
    // and holding the old pages for 1 s raised peak memory by a quarter. At
    // once (0 ms) cost more: the writers' per-card strings, made on worker
    // threads, freed their pages only to fault them in again, 2 s of system
    // time in a 100k-card build of all six outputs (8.4 s → 6.3 s with
    // 100 ms, for 21 MB more peak memory; the .apkg alone unchanged).
    // SAFETY: sets an integer option; no other thread exists yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    // Without transparent huge pages: after other processes have run, the
    // kernel spent up to 0.9 s of system time finding and zeroing 2 MB pages
    // (0.45 s without), for 9 MB more peak memory. Best effort: on failure
    // the build is only slower.
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integers and changes only this process's paging.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // mimalloc 3 documents the purge delay's default as 1000 ms; no other
        // option has that default.
        // SAFETY: reads an integer option.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000);
    }
}
