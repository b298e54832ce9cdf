//! mqsub's stdout: the one place that writes it.
//!
//! Messages are rendered into a buffer and written with one system call per batch. The buffer is
//! flushed whenever no further message is waiting (the caller says so by calling `flush` before
//! it waits on the network), and also whenever it passes `FLUSH_AT`. So under light load each
//! message reaches a pipe at once, without `unbuffer`, and a flood goes out in large blocks.
//! Payload bytes are written raw. A closed pipe is reported as `Closed`, which the caller turns
//! into a quiet, successful exit.

use std::fs::File;
use std::io::{self, Write};
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;

/// Write the buffer out once it holds this much, even if more messages are waiting.
const FLUSH_AT: usize = 64 * 1024;

/// Why output stopped.
#[derive(Debug)]
pub enum OutputError {
    /// The reader went away (EPIPE): not an error for the user.
    Closed,
    Failed(io::Error),
}

pub struct Output {
    stdout: ManuallyDrop<File>,
    buffer: Vec<u8>,
}

impl Output {
    pub fn stdout() -> Output {
        // SAFETY: fd 1 is open for the life of the process; ManuallyDrop keeps us from closing
        // it, and nothing else in the program writes to it.
        let stdout = ManuallyDrop::new(unsafe { File::from_raw_fd(1) });
        Output {
            stdout,
            buffer: Vec::with_capacity(FLUSH_AT * 2),
        }
    }

    /// Where the next message is rendered.
    pub fn buffer(&mut self) -> &mut Vec<u8> {
        &mut self.buffer
    }

    /// Call after rendering a message: writes out only if the buffer is large.
    pub fn message_done(&mut self) -> Result<(), OutputError> {
        if self.buffer.len() >= FLUSH_AT {
            self.flush()
        } else {
            Ok(())
        }
    }

    /// Writes everything buffered.
    pub fn flush(&mut self) -> Result<(), OutputError> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let result = self.stdout.write_all(&self.buffer);
        self.buffer.clear();
        result.map_err(|e| match e.kind() {
            io::ErrorKind::BrokenPipe => OutputError::Closed,
            _ => OutputError::Failed(e),
        })
    }
}
