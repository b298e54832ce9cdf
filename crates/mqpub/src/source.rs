//! Where mqpub's payloads come from: `-m`, `-n`, `-f`, `-s` (read whole, once) and `-l` (a stream
//! of lines).
//!
//! `-f` reads the file into one allocation of exactly its size, which then travels to the socket
//! without another copy. `-l` reads stdin on a thread of its own (a blocking read of a terminal
//! cannot hold up the network, and is never waited for at exit) and hands lines over through a
//! small bounded channel: when the client's window is full the channel fills, the thread blocks,
//! and stdin is read no faster than the broker acknowledges. A line is handed over as soon as its
//! newline arrives; each line is a slice of the read buffer, not a copy.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;

use mqtt_cli_common::client::wire::MAX_REMAINING_LENGTH;

/// The largest payload MQTT can carry in any PUBLISH (the protocol limit, less the smallest header).
pub const MAX_PAYLOAD: usize = MAX_REMAINING_LENGTH;

/// Why a payload could not be loaded: the message mosquitto prints, then exit 1.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct LoadError(pub String);

/// Reads a whole file for `-f`.
pub fn read_file(path: &Path) -> Result<Bytes, LoadError> {
    let shown = path.display();
    let unable = |e: io::Error| {
        LoadError(format!(
            "Error: Unable to read file \"{shown}\": {}.\nError loading input file \"{shown}\".",
            mqtt_cli_common::client::transport::describe_io(&e).trim_start_matches("Error: ")
        ))
    };
    let mut file = File::open(path).map_err(unable)?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > MAX_PAYLOAD as u64 {
        return Err(too_large_file(&shown));
    }
    let mut data = Vec::with_capacity(size as usize);
    (&mut file)
        .take(MAX_PAYLOAD as u64 + 1)
        .read_to_end(&mut data)
        .map_err(unable)?;
    if data.len() > MAX_PAYLOAD {
        return Err(too_large_file(&shown));
    }
    Ok(Bytes::from(data))
}

fn too_large_file(shown: &std::path::Display<'_>) -> LoadError {
    LoadError(format!(
        "Error: File must be less than {MAX_PAYLOAD} bytes.\n\nError loading input file \"{shown}\"."
    ))
}

/// Reads all of stdin for `-s`.
pub fn read_stdin() -> Result<Bytes, LoadError> {
    let mut data = Vec::new();
    io::stdin()
        .lock()
        .take(MAX_PAYLOAD as u64 + 1)
        .read_to_end(&mut data)
        .map_err(|e| LoadError(format!("Error: {e}.\nError loading input from stdin.")))?;
    if data.len() > MAX_PAYLOAD {
        return Err(LoadError(format!(
            "Error: Message length must be less than {MAX_PAYLOAD} bytes.\n\nError loading input from stdin."
        )));
    }
    Ok(Bytes::from(data))
}

/// The length of stdin when it is a regular file (`mqpub -l < file`), for the progress bar.
pub fn stdin_file_len() -> Option<u64> {
    use std::os::fd::AsFd;
    let stdin = io::stdin();
    let owned = stdin.as_fd().try_clone_to_owned().ok()?;
    let metadata = File::from(owned).metadata().ok()?;
    metadata.is_file().then_some(metadata.len())
}

/// What the line reader hands over: a batch of lines, or the error that ended reading.
pub type LineBatch = Result<Vec<Bytes>, LoadError>;

/// Bytes read from stdin per call; also the most one batch of lines can hold.
const READ_SIZE: usize = 64 * 1024;
/// Batches buffered between the reader thread and the client.
const CHANNEL_BATCHES: usize = 4;

/// Starts reading lines from `input` on a thread of its own. The channel closes at end of input.
pub fn spawn_line_reader<R: Read + Send + 'static>(input: R) -> mpsc::Receiver<LineBatch> {
    let (tx, rx) = mpsc::channel(CHANNEL_BATCHES);
    std::thread::spawn(move || {
        let mut splitter = LineSplitter::default();
        let mut input = input;
        let mut chunk = vec![0u8; READ_SIZE];
        loop {
            let n = match input.read(&mut chunk) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    let _ = tx.blocking_send(Err(LoadError(format!("Error: {e}."))));
                    return;
                }
            };
            let batch = if n == 0 {
                splitter.finish()
            } else {
                splitter.push(&chunk[..n])
            };
            let batch = match batch {
                Ok(lines) => lines,
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            };
            if !batch.is_empty() && tx.blocking_send(Ok(batch)).is_err() {
                return;
            }
            if n == 0 {
                return;
            }
        }
    });
    rx
}

/// Cuts a byte stream into lines as mosquitto_pub does: a line ends at `\n`, which is removed;
/// a `\r` before it stays in the payload; an empty line is an empty message; a last line without
/// a newline is still a message.
#[derive(Default)]
pub struct LineSplitter {
    pending: BytesMut,
}

impl LineSplitter {
    /// Adds bytes; returns the lines they complete.
    pub fn push(&mut self, data: &[u8]) -> Result<Vec<Bytes>, LoadError> {
        let already = self.pending.len();
        self.pending.extend_from_slice(data);
        let mut lines = Vec::new();
        let mut search_from = already;
        while let Some(offset) = memchr_newline(&self.pending[search_from..]) {
            let end = search_from + offset;
            let mut line = self.pending.split_to(end + 1);
            line.truncate(end);
            lines.push(line.freeze());
            search_from = 0;
        }
        if self.pending.len() > MAX_PAYLOAD {
            return Err(LoadError(format!(
                "Error: Line longer than the MQTT limit of {MAX_PAYLOAD} bytes."
            )));
        }
        Ok(lines)
    }

    /// End of input: the unterminated last line, if any.
    pub fn finish(&mut self) -> Result<Vec<Bytes>, LoadError> {
        if self.pending.is_empty() {
            Ok(Vec::new())
        } else {
            Ok(vec![self.pending.split().freeze()])
        }
    }
}

fn memchr_newline(haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(chunks: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut splitter = LineSplitter::default();
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend(splitter.push(chunk).unwrap());
        }
        out.extend(splitter.finish().unwrap());
        out.into_iter().map(|b| b.to_vec()).collect()
    }

    #[test]
    fn lines_are_cut_like_mosquitto() {
        type Case<'a> = (&'a [&'a [u8]], &'a [&'a [u8]]);
        let cases: &[Case] = &[
            (&[b"a\nb\n"], &[b"a", b"b"]),
            (&[b"a\r\nb\r\n"], &[b"a\r", b"b\r"]),
            (&[b"a\n\nb"], &[b"a", b"", b"b"]),
            (&[b"par", b"tial\nli", b"ne\n"], &[b"partial", b"line"]),
            (&[b""], &[]),
            (&[b"\n"], &[b""]),
            (&[b"nul\0inside\n"], &[b"nul\0inside"]),
        ];
        for (input, expected) in cases {
            let expected: Vec<Vec<u8>> = expected.iter().map(|l| l.to_vec()).collect();
            assert_eq!(split_all(input), expected, "{input:?}");
        }
    }

    #[test]
    fn long_lines_are_never_split() {
        let long = vec![b'x'; 300_000];
        let mut input = long.clone();
        input.push(b'\n');
        let chunks: Vec<&[u8]> = input.chunks(1000).collect();
        assert_eq!(split_all(&chunks), vec![long]);
    }

    #[test]
    fn reader_thread_delivers_every_line_in_order() {
        let text: String = (0..10_000).map(|i| format!("{i}\n")).collect();
        let mut rx = spawn_line_reader(io::Cursor::new(text.into_bytes()));
        let mut seen = 0;
        while let Some(batch) = rx.blocking_recv() {
            for line in batch.unwrap() {
                assert_eq!(line, seen.to_string().as_bytes());
                seen += 1;
            }
        }
        assert_eq!(seen, 10_000);
    }
}
