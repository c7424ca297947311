//! Progress on stderr for long scans: files, bytes and findings so far.
//!
//! Counters are atomics the workers bump; a separate thread draws an `indicatif` spinner only
//! when stderr is a terminal, `--quiet` was not given, and the scan has run for more than a
//! moment, so short scans and CI logs stay clean.

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
    findings: AtomicU64,
    done: AtomicBool,
    drawer: Mutex<Option<JoinHandle<()>>>,
}

/// How long a scan runs before a progress line appears.
const DELAY: Duration = Duration::from_millis(400);

impl Progress {
    /// Counters only; nothing is drawn.
    pub fn hidden() -> Arc<Self> {
        Arc::new(Progress::default())
    }

    /// Draws on stderr if it is a terminal and `quiet` is false.
    pub fn start(quiet: bool) -> Arc<Self> {
        let p = Progress::hidden();
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
        while !self.done.load(Ordering::Relaxed) {
            let mib = self.bytes.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0);
            let secs = started.elapsed().as_secs_f64().max(0.001);
            bar.set_message(format!(
                "{} files, {:.1} MiB ({:.0} MiB/s), {} findings",
                self.files.load(Ordering::Relaxed),
                mib,
                mib / secs,
                self.findings.load(Ordering::Relaxed)
            ));
            bar.tick();
            std::thread::sleep(Duration::from_millis(100));
        }
        bar.finish_and_clear();
    }

    /// Records a scanned blob.
    pub fn blob(&self, bytes: u64, findings: u64) {
        self.files.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        if findings > 0 {
            self.findings.fetch_add(findings, Ordering::Relaxed);
        }
    }

    /// Stops drawing and clears the line.
    pub fn finish(&self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(h) = self.drawer.lock().unwrap_or_else(|e| e.into_inner()).take() {
            let _ = h.join();
        }
    }
}
