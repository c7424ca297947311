//! Progress on stderr for long scans: files, bytes and findings so far, and the scan's
//! warnings.
//!
//! Counters are atomics the workers bump; a separate thread draws an `indicatif` spinner only
//! when stderr is a terminal, `--quiet` was not given, and the scan has run for more than a
//! moment, so short scans and CI logs stay clean. Findings are counted as the summary counts
//! them: one per place (rule, secret, path, position), however many versions of a file in
//! history hold it. Warnings are printed above the progress line (it is cleared and redrawn),
//! the first [`WARNINGS_SHOWN`] of them; the rest are counted and announced once at the end,
//! since every skip they report is also counted in the summary.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Shared counters, and the drawing thread when enabled.
#[derive(Debug, Default)]
pub struct Progress {
    files: AtomicU64,
    bytes: AtomicU64,
    places: Mutex<HashSet<u64>>,
    done: AtomicBool,
    quiet: bool,
    drawer: Mutex<Option<JoinHandle<()>>>,
    bar: Mutex<Option<ProgressBar>>,
    warnings: AtomicU64,
}

/// Warnings printed before the rest are only counted.
pub const WARNINGS_SHOWN: u64 = 20;

/// How long a scan runs before a progress line appears.
const DELAY: Duration = Duration::from_millis(400);

impl Progress {
    /// Counters only; nothing is drawn.
    pub fn hidden() -> Arc<Self> {
        Arc::new(Progress::default())
    }

    /// Draws on stderr if it is a terminal and `quiet` is false (`quiet` also silences
    /// warnings).
    pub fn start(quiet: bool) -> Arc<Self> {
        let p = Arc::new(Progress { quiet, ..Progress::default() });
        if quiet || !std::io::stderr().is_terminal() {
            return p;
        }
        let shared = Arc::clone(&p);
        let handle = std::thread::spawn(move || shared.draw());
        *p.drawer.lock().unwrap_or_else(|e| e.into_inner()) = Some(handle);
        p
    }

    fn draw(&self) {
        let started = Instant::now();
        while started.elapsed() < DELAY {
            if self.done.load(Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        *lock(&self.bar) = Some(bar.clone());
        while !self.done.load(Ordering::Relaxed) {
            let mib = self.bytes.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0);
            let secs = started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{} files, {:.1} MiB ({:.0} MiB/s), {} findings",
                self.files.load(Ordering::Relaxed),
                mib,
                mib / secs,
                lock(&self.places).len()
            ));
            bar.tick();
            std::thread::sleep(Duration::from_millis(100));
        }
        *lock(&self.bar) = None;
        bar.finish_and_clear();
    }

    /// Records a scanned blob (`bytes` 0: a blob met again at another place).
    pub fn blob(&self, bytes: u64) {
        self.files.fetch_add(u64::from(bytes > 0), Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Records bytes of a file already counted (a later window of a big file).
    pub fn bytes(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Records a reported finding by a hash of its place (rule, secret, path, position), so
    /// the count is of distinct places, as in the summary.
    pub fn finding(&self, place: u64) {
        lock(&self.places).insert(place);
    }

    /// Prints a warning above the progress line, or counts it once [`WARNINGS_SHOWN`] have
    /// been printed.
    pub fn warn(&self, msg: &str) {
        if self.quiet {
            return;
        }
        let n = self.warnings.fetch_add(1, Ordering::Relaxed);
        if n >= WARNINGS_SHOWN {
            return;
        }
        let line = format!("keyhound: warning: {msg}");
        match lock(&self.bar).as_ref() {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Stops drawing, clears the line, and says how many warnings were not printed.
    pub fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(h) = lock(&self.drawer).take() {
            let _ = h.join();
        }
        let n = self.warnings.swap(0, Ordering::Relaxed);
        if n > WARNINGS_SHOWN && !self.quiet {
            eprintln!(
                "keyhound: warning: {} more warnings not shown; each skipped file is counted in the summary",
                n - WARNINGS_SHOWN
            );
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_count_distinct_places_and_warnings_stop_at_the_cap() {
        let p = Progress::hidden();
        p.finding(7);
        p.finding(7);
        p.finding(9);
        assert_eq!(lock(&p.places).len(), 2);
        for _ in 0..(WARNINGS_SHOWN + 3) {
            p.warn("x");
        }
        assert_eq!(p.warnings.load(Ordering::Relaxed), WARNINGS_SHOWN + 3);
    }
}
