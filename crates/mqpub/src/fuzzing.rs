//! mqpub's entry points for fuzzing (see `mqtt_cli_common::fuzzing` for the rules): its command
//! line with the lowering into a configuration, and the `-l` line splitter. The tests replay
//! the kept corpus `fuzz/corpus/<target>` through them.

use bytes::Bytes;
use mqtt_cli_common::{fuzzing, Environment};

use crate::cli;
use crate::source::LineSplitter;

/// `cli::parse_with` on a command line made by `fuzzing::command_line`, in an environment with
/// no home directory (so no options file) and no `MQTT_PASSWORD`.
pub fn parse_command_line(data: &[u8]) {
    let Some(args) = fuzzing::command_line("mqpub", data) else {
        return;
    };
    if let Err(error) = cli::parse_with(args, &Environment::default()) {
        assert_eq!(error.exit_code(), 1, "{error:?}");
    }
}

/// `LineSplitter` on a stream. The first byte is the size of the pieces the stream arrives in
/// (0: all at once); the other bytes are the stream. Checks that the lines put back together
/// with newlines are the stream.
pub fn split_lines(data: &[u8]) {
    let Some((&piece, stream)) = data.split_first() else {
        return;
    };
    let piece = match usize::from(piece) {
        0 => stream.len().max(1),
        size => size,
    };
    let mut splitter = LineSplitter::default();
    let mut lines: Vec<Bytes> = Vec::new();
    for chunk in stream.chunks(piece) {
        match splitter.push(chunk) {
            Ok(batch) => lines.extend(batch),
            Err(error) => panic!("a short stream was refused: {error}"),
        }
    }
    match splitter.finish() {
        Ok(batch) => lines.extend(batch),
        Err(error) => panic!("the end of the stream was refused: {error}"),
    }
    let mut joined = lines.join(&b'\n');
    if stream.ends_with(b"\n") {
        joined.push(b'\n');
    }
    assert_eq!(joined, stream, "lines {lines:?}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_corpus_replays() {
        fuzzing::replay("mqpub_command_line", parse_command_line);
    }

    #[test]
    fn line_splitter_corpus_replays() {
        fuzzing::replay("split_lines", split_lines);
    }

    #[test]
    fn entry_points_take_any_bytes() {
        let inputs: &[&[u8]] = &[
            b"",
            b"\x00",
            b"\x03-t\x00a\x00-m\x00b\x00-q\x001",
            b"\x01\n\n\r\nlast",
            b"-P\x00secret\x00-Z",
        ];
        for input in inputs {
            parse_command_line(input);
            split_lines(input);
        }
    }
}
