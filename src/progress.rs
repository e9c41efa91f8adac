//! A progress line for long runs: on a terminal only, never with `-q` or when
//! standard error is piped, and only once a run has taken longer than a
//! second (a quick build stays silent). It names the bank, its cards and the
//! stage, with a bar over the output formats while a deck is written.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a run goes before the line appears.
const DELAY: Duration = Duration::from_secs(1);

struct Shared {
    message: Mutex<String>,
    done: AtomicBool,
}

/// The progress line of one command; [`Progress::finish`] (or dropping it)
/// clears it.
pub struct Progress {
    shared: Option<Arc<Shared>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// A progress line drawn on standard error when `enabled`.
    pub fn new(enabled: bool) -> Progress {
        if !enabled {
            return Progress::disabled();
        }
        let shared = Arc::new(Shared {
            message: Mutex::new(String::new()),
            done: AtomicBool::new(false),
        });
        let seen = shared.clone();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut drawn = false;
            while !seen.done.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(100));
                if started.elapsed() < DELAY || seen.done.load(Ordering::SeqCst) {
                    continue;
                }
                let message = seen.message.lock().map(|m| m.clone()).unwrap_or_default();
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K{message} ({}s)", started.elapsed().as_secs());
                let _ = err.flush();
                drawn = true;
            }
            if drawn {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
        });
        Progress {
            shared: Some(shared),
            thread: Some(thread),
        }
    }

    /// A progress line that never draws (tests, `-q`, pipes).
    pub fn disabled() -> Progress {
        Progress {
            shared: None,
            thread: None,
        }
    }

    /// Replaces the line's text.
    pub fn set(&self, message: impl Into<String>) {
        if let Some(shared) = &self.shared
            && let Ok(mut m) = shared.message.lock()
        {
            *m = message.into();
        }
    }

    /// `[####----] step/steps` before `what`.
    pub fn set_bar(&self, what: &str, step: usize, steps: usize) {
        const WIDTH: usize = 12;
        let filled = (step * WIDTH).checked_div(steps).unwrap_or(0).min(WIDTH);
        self.set(format!(
            "{what} [{}{}] {step}/{steps}",
            "#".repeat(filled),
            "-".repeat(WIDTH - filled)
        ));
    }

    /// Stops drawing and clears the line.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(shared) = &self.shared {
            shared.done.store(true, Ordering::SeqCst);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}
