//! What the end-to-end test targets share: the binaries under test and the reference clients,
//! numbered input streams, a feeder that keeps a child's standard input open for as long as a
//! scenario needs, and the tally of what a subscriber received.
//!
//! Rules: the binaries under test are the ones cargo built next to the test executable, never
//! anything on `PATH`, and a missing one fails with what to run; a missing reference client is
//! `None`, so comparisons skip instead of failing; every wait is bounded. Each target uses only
//! part of this module, hence the `dead_code` allowance.
#![allow(dead_code)]

use std::collections::HashSet;
use std::fmt;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use mqtt_test_support::command;
use tempfile::TempDir;

/// Where mosquitto 2.1's clients are installed for side-by-side figures (absent in CI).
pub const REFERENCE_DIR: &str = "/opt/mosq21/bin";

/// How often a changing output is looked at.
const POLL: Duration = Duration::from_millis(100);

/// `mqpub`, as built by cargo for this test run.
pub fn mqpub() -> PathBuf {
    built_binary("mqpub")
}

/// `mqsub`, as built by cargo for this test run.
pub fn mqsub() -> PathBuf {
    built_binary("mqsub")
}

/// A binary of this workspace: the test executable is `target/<profile>/deps/<name>-<hash>`,
/// the binaries are in `target/<profile>/`.
fn built_binary(name: &str) -> PathBuf {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(error) => panic!("cannot find the test executable: {error}"),
    };
    let profile_dir = exe.parent().and_then(Path::parent);
    let path = match profile_dir {
        Some(dir) => dir.join(name),
        None => panic!("unexpected test executable location {}", exe.display()),
    };
    if !path.is_file() {
        panic!(
            "{} is missing: these tests run the workspace's binaries, so build them first \
             (`cargo build --workspace`, or run `cargo test --workspace`)",
            path.display()
        );
    }
    path
}

/// A mosquitto 2.1 client (`mosquitto_pub`, `mosquitto_sub`) for comparison, if installed.
pub fn reference(name: &str) -> Option<PathBuf> {
    let path = Path::new(REFERENCE_DIR).join(name);
    path.is_file().then_some(path)
}

/// Serialises the tests of one target that load the machine (brokers under a stream) or time
/// things (keepalive), so they neither starve nor disturb each other on a small CI machine.
pub fn exclusive() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The lines `1`, `2`, ... `count`, each ended by a newline: every payload says which message
/// it is, so a tally needs nothing else.
pub fn numbered_lines(count: usize) -> Vec<u8> {
    numbered_range(1, count)
}

/// The lines `first` ..= `last`.
pub fn numbered_range(first: usize, last: usize) -> Vec<u8> {
    (first..=last)
        .map(|n| format!("{n}\n"))
        .collect::<String>()
        .into_bytes()
}

/// What a subscriber printed, held against the messages `1..=expected` that were sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub expected: usize,
    /// Lines printed, duplicates included.
    pub received: usize,
    /// Messages sent but never printed.
    pub lost: usize,
    /// Extra copies printed.
    pub duplicated: usize,
    /// First copies printed after a higher-numbered message.
    pub out_of_order: usize,
    /// Lines that are not a message of the stream at all.
    pub foreign: usize,
}

impl Tally {
    /// Counts the lines of `output` (complete lines only) against `1..=expected`.
    pub fn count(output: &[u8], expected: usize) -> Tally {
        let mut seen = HashSet::new();
        let mut tally = Tally {
            expected,
            ..Tally::default()
        };
        let mut highest = 0;
        // Only complete lines: the last one may still be on its way.
        let Some(end) = output.iter().rposition(|&b| b == b'\n') else {
            tally.lost = expected;
            return tally;
        };
        for line in output[..end].split(|&b| b == b'\n') {
            tally.received += 1;
            let number = std::str::from_utf8(line)
                .ok()
                .and_then(|text| text.parse::<usize>().ok())
                .filter(|n| (1..=expected).contains(n));
            let Some(number) = number else {
                tally.foreign += 1;
                continue;
            };
            if !seen.insert(number) {
                tally.duplicated += 1;
            } else if number < highest {
                tally.out_of_order += 1;
            }
            highest = highest.max(number);
        }
        tally.lost = expected - seen.len();
        tally
    }

    /// Every message arrived at least once.
    pub fn complete(&self) -> bool {
        self.lost == 0
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lost {:>6}  duplicated {:>5}  out of order {:>4}",
            self.lost, self.duplicated, self.out_of_order
        )?;
        if self.foreign > 0 {
            write!(f, "  foreign {}", self.foreign)?;
        }
        Ok(())
    }
}

/// Waits until `output()` holds every message of `1..=expected`, or until it has not changed
/// for `quiet`, or `limit` passed; returns the tally then. After completion it lingers a
/// moment, so duplicates still on their way are counted too.
pub fn settle(
    output: impl Fn() -> Vec<u8>,
    expected: usize,
    quiet: Duration,
    limit: Duration,
) -> Tally {
    const LINGER: Duration = Duration::from_millis(500);
    let mut still = Stillness::new();
    let mut complete = false;
    wait_until(limit, || {
        let bytes = output();
        complete = Tally::count(&bytes, expected).complete();
        complete || still.observe(&bytes) >= quiet
    });
    if complete {
        thread::sleep(LINGER);
    }
    Tally::count(&output(), expected)
}

/// Waits until `output()` has not changed for `quiet` (at most `limit`).
pub fn wait_quiet(output: impl Fn() -> Vec<u8>, quiet: Duration, limit: Duration) {
    let mut still = Stillness::new();
    wait_until(limit, || still.observe(&output()) >= quiet);
}

/// How long a growing output has gone without growing.
pub struct Stillness {
    len: usize,
    since: Instant,
}

impl Stillness {
    pub fn new() -> Stillness {
        Stillness {
            len: 0,
            since: Instant::now(),
        }
    }

    /// Looks at the output as it is now; returns how long it has been the same.
    pub fn observe(&mut self, output: &[u8]) -> Duration {
        if output.len() != self.len {
            self.len = output.len();
            self.since = Instant::now();
        }
        self.since.elapsed()
    }
}

/// Waits until `done()` holds, checking every poll; returns whether it did before `limit`.
pub fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(POLL);
    }
}

/// How many complete lines `bytes` holds.
pub fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}

/// Standard input for a child, through a named pipe written by a thread of ours: the child
/// reads at its own pace (the writer blocks when the pipe is full, as a producer would), and
/// the input ends only when the scenario calls [`Feeder::close`], not when the data runs out.
pub struct Feeder {
    fifo: PathBuf,
    written: Arc<AtomicUsize>,
    total: usize,
    release: Option<mpsc::Sender<()>>,
    /// Removed on drop; a writer still blocked on the pipe is left to the end of the process.
    _dir: TempDir,
}

impl Feeder {
    /// Makes the pipe and starts writing `data` into it as soon as a reader opens it.
    pub fn new(data: Vec<u8>) -> Feeder {
        let dir = match tempfile::Builder::new().prefix("e2e-feed-").tempdir() {
            Ok(dir) => dir,
            Err(error) => panic!("cannot create a directory for the input pipe: {error}"),
        };
        let fifo = dir.path().join("stdin");
        let made = Command::new("mkfifo").arg(&fifo).status();
        if !matches!(made, Ok(status) if status.success()) {
            panic!("mkfifo {} failed: {made:?}", fifo.display());
        }
        let written = Arc::new(AtomicUsize::new(0));
        let (release, released) = mpsc::channel::<()>();
        let total = data.len();
        let path = fifo.clone();
        let progress = Arc::clone(&written);
        thread::spawn(move || {
            // Opening blocks until the child opens its end.
            let Ok(mut pipe) = OpenOptions::new().write(true).open(&path) else {
                return;
            };
            for chunk in data.chunks(16 * 1024) {
                // A reader that went away ends the feeding (EPIPE; SIGPIPE is ignored in Rust
                // programs).
                if pipe.write_all(chunk).is_err() {
                    return;
                }
                progress.fetch_add(chunk.len(), Ordering::SeqCst);
            }
            // Hold the pipe open: the input ends when the sender is dropped.
            let _ = released.recv();
        });
        Feeder {
            fifo,
            written,
            total,
            release: Some(release),
            _dir: dir,
        }
    }

    /// A command running `program ARGS` with the pipe as its standard input. The shell only
    /// redirects and then becomes the program, so the child's pid is the program's own.
    pub fn command(&self, program: &Path, args: &[String]) -> Command {
        let mut cmd = command("/bin/sh");
        cmd.arg("-c")
            .arg("exec \"$@\" < \"$E2E_FEED\"")
            .arg("sh")
            .arg(program)
            .args(args)
            .env("E2E_FEED", &self.fifo);
        cmd
    }

    /// Bytes the child has taken so far (to within the pipe's buffer).
    pub fn written(&self) -> usize {
        self.written.load(Ordering::SeqCst)
    }

    /// Whether all data is in the pipe.
    pub fn all_written(&self) -> bool {
        self.written() == self.total
    }

    /// Ends the input: the child reads end of file once it has read what is in the pipe.
    pub fn close(&mut self) {
        self.release = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallies() {
        // (output, expected, lost, duplicated, out of order, foreign)
        let cases: [(&[u8], usize, [usize; 4]); 9] = [
            (b"1\n2\n3\n", 3, [0, 0, 0, 0]),
            (b"1\n3\n", 3, [1, 0, 0, 0]),
            (b"1\n2\n2\n3\n1\n", 3, [0, 2, 0, 0]),
            (b"2\n1\n3\n", 3, [0, 0, 1, 0]),
            (b"1\nx\n4\n2\n", 3, [1, 0, 0, 2]),
            (b"", 2, [2, 0, 0, 0]),
            // An unfinished last line is not counted yet.
            (b"1\n2", 2, [1, 0, 0, 0]),
            (b"\n", 1, [1, 0, 0, 1]),
            (b"partial", 1, [1, 0, 0, 0]),
        ];
        for (output, expected, [lost, duplicated, out_of_order, foreign]) in cases {
            let tally = Tally::count(output, expected);
            assert_eq!(
                (
                    tally.lost,
                    tally.duplicated,
                    tally.out_of_order,
                    tally.foreign
                ),
                (lost, duplicated, out_of_order, foreign),
                "{:?}",
                String::from_utf8_lossy(output)
            );
        }
    }

    #[test]
    fn numbered_streams() {
        assert_eq!(numbered_lines(3), b"1\n2\n3\n");
        assert_eq!(numbered_range(9, 11), b"9\n10\n11\n");
        assert_eq!(line_count(&numbered_lines(1000)), 1000);
    }
}
