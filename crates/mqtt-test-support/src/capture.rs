//! Collecting a child's output pipe in a background thread, with bounded waits on what arrived.
//!
//! Rules: reading never blocks the test thread; every wait takes a deadline; the reader thread is
//! never joined without knowing the pipe has closed, because a grandchild that inherited the pipe
//! could keep it open forever.

use std::io::Read;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Instant;

/// Bytes read so far from one pipe, shared with the reader thread.
#[derive(Debug)]
pub(crate) struct Capture {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    bytes: Vec<u8>,
    /// End of file or a read error: nothing more will arrive.
    closed: bool,
}

impl Capture {
    /// Starts a thread that appends everything `reader` yields until it ends.
    pub(crate) fn spawn(mut reader: impl Read + Send + 'static) -> Capture {
        let shared = Arc::new(Shared::default());
        let writer = Arc::clone(&shared);
        thread::spawn(move || {
            let mut buffer = [0_u8; 8192];
            loop {
                match reader.read(&mut buffer) {
                    Ok(0) | Err(_) => break,
                    Ok(read) => {
                        writer.lock().bytes.extend_from_slice(&buffer[..read]);
                        writer.changed.notify_all();
                    }
                }
            }
            writer.lock().closed = true;
            writer.changed.notify_all();
        });
        Capture { shared }
    }

    /// Everything read so far.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        self.shared.lock().bytes.clone()
    }

    /// Whether the pipe has ended.
    pub(crate) fn is_closed(&self) -> bool {
        self.shared.lock().closed
    }

    /// Waits until `done` holds for the bytes read so far, the pipe closes, or `deadline` passes.
    /// Returns whether `done` held.
    pub(crate) fn wait_until(
        &self,
        deadline: Instant,
        mut done: impl FnMut(&[u8]) -> bool,
    ) -> bool {
        let mut state = self.shared.lock();
        loop {
            if done(&state.bytes) {
                return true;
            }
            let now = Instant::now();
            if state.closed || now >= deadline {
                return false;
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Waits until the pipe closes or `deadline` passes; returns whether it closed.
    pub(crate) fn wait_closed(&self, deadline: Instant) -> bool {
        self.wait_until(deadline, |_| false);
        self.is_closed()
    }
}

/// The complete (newline-terminated) lines in `bytes`, without their newlines, decoded lossily.
/// A trailing partial line is left out: it may still be growing.
pub(crate) fn complete_lines(bytes: &[u8]) -> Vec<String> {
    let complete = match bytes.iter().rposition(|b| *b == b'\n') {
        Some(last) => &bytes[..last],
        None => return Vec::new(),
    };
    complete
        .split(|b| *b == b'\n')
        .map(|line| String::from_utf8_lossy(line).into_owned())
        .collect()
}

/// How many complete lines `bytes` holds.
pub(crate) fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| **b == b'\n').count()
}

impl Shared {
    /// The reader thread never panics while holding the lock, but stay usable if it did.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use std::os::unix::net::UnixStream;
    use std::time::Duration;

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(5)
    }

    #[test]
    fn complete_lines_leave_out_the_partial_tail() {
        let cases: [(&[u8], &[&str]); 7] = [
            (b"", &[]),
            (b"partial", &[]),
            (b"\n", &[""]),
            (b"a\nb\n", &["a", "b"]),
            (b"a\nb", &["a"]),
            (b"a\n\nb\n", &["a", "", "b"]),
            (b"\xff\n", &["\u{fffd}"]),
        ];
        for (bytes, expected) in cases {
            assert_eq!(complete_lines(bytes), expected, "{bytes:?}");
            assert_eq!(count_lines(bytes), expected.len(), "{bytes:?}");
        }
    }

    #[test]
    fn collects_everything_until_end_of_file() {
        let capture = Capture::spawn(Cursor::new(b"one\ntwo\n".to_vec()));
        assert!(capture.wait_closed(soon()));
        assert_eq!(capture.bytes(), b"one\ntwo\n");
    }

    #[test]
    fn wait_until_sees_data_as_it_arrives() {
        let (mut writer, reader) = UnixStream::pair().unwrap_or_else(|e| panic!("{e}"));
        let capture = Capture::spawn(reader);
        assert!(
            !capture.wait_until(Instant::now() + Duration::from_millis(50), |b| !b
                .is_empty())
        );
        writer.write_all(b"x").unwrap_or_else(|e| panic!("{e}"));
        assert!(capture.wait_until(soon(), |b| b == b"x"));
        assert!(!capture.is_closed());
        drop(writer);
        assert!(capture.wait_closed(soon()));
    }

    #[test]
    fn wait_until_gives_up_when_the_pipe_closes() {
        let capture = Capture::spawn(Cursor::new(b"partial".to_vec()));
        let started = Instant::now();
        assert!(!capture.wait_until(soon(), |b| b.len() > 100));
        assert!(started.elapsed() < Duration::from_secs(4));
    }
}
