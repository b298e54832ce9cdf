//! `--tls-keylog FILE`: the TLS secrets of each connection, appended to FILE in the NSS key log
//! format that Wireshark reads (`LABEL <client random hex> <secret hex>`, one per line).
//!
//! Rules: the file is opened (created if needed) before connecting, so a path that cannot be
//! written is reported at once instead of silently producing nothing; lines are appended, so
//! reconnections and earlier runs add to the same file; a write that fails later is ignored,
//! as a debugging aid must never break the connection.

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::Path;
use std::sync::Mutex;

use rustls::KeyLog;

#[derive(Debug)]
pub(crate) struct KeyLogFile {
    file: Mutex<File>,
}

impl KeyLogFile {
    pub(crate) fn open(path: &Path) -> Result<KeyLogFile, String> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| {
                format!(
                    "cannot open the key log file {}: {}",
                    path.display(),
                    super::io_words(&e)
                )
            })?;
        Ok(KeyLogFile {
            file: Mutex::new(file),
        })
    }
}

impl KeyLog for KeyLogFile {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let line = key_log_line(label, client_random, secret);
        if let Ok(mut file) = self.file.lock() {
            let _ = file.write_all(line.as_bytes());
        }
    }
}

/// One line of the key log.
fn key_log_line(label: &str, client_random: &[u8], secret: &[u8]) -> String {
    let mut line =
        String::with_capacity(label.len() + 2 * (client_random.len() + secret.len()) + 3);
    line.push_str(label);
    for bytes in [client_random, secret] {
        line.push(' ');
        for byte in bytes {
            let _ = write!(line, "{byte:02x}");
        }
    }
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_label_random_secret_in_lower_hex() {
        let cases = [
            (
                "CLIENT_RANDOM",
                &[0x01, 0xab][..],
                &[0xff, 0x00, 0x10][..],
                "CLIENT_RANDOM 01ab ff0010\n",
            ),
            (
                "EXPORTER_SECRET",
                &[][..],
                &[0x7f][..],
                "EXPORTER_SECRET  7f\n",
            ),
        ];
        for (label, random, secret, expected) in cases {
            assert_eq!(key_log_line(label, random, secret), expected);
        }
    }

    #[test]
    fn lines_are_appended_to_the_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("keys.log");
        std::fs::write(&path, "earlier\n").unwrap_or_else(|e| panic!("{e}"));
        let log = KeyLogFile::open(&path).unwrap_or_else(|e| panic!("{e}"));
        log.log("CLIENT_HANDSHAKE_TRAFFIC_SECRET", &[1], &[2]);
        log.log("SERVER_HANDSHAKE_TRAFFIC_SECRET", &[3], &[4]);
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        assert_eq!(
            text,
            "earlier\nCLIENT_HANDSHAKE_TRAFFIC_SECRET 01 02\nSERVER_HANDSHAKE_TRAFFIC_SECRET 03 04\n"
        );
    }

    #[test]
    fn an_unwritable_path_is_an_error_in_words() {
        let error = KeyLogFile::open(Path::new("/nonexistent-dir/keys.log"))
            .err()
            .unwrap_or_default();
        assert!(
            error.starts_with("cannot open the key log file /nonexistent-dir/keys.log: "),
            "{error}"
        );
    }
}
