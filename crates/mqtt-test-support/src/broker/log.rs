//! The broker's log file: one file per broker, appended to across restarts, read by offset.
//!
//! Rule: a reader that is waiting for something names the offset it starts from, so lines from
//! before (an earlier run, another client) cannot satisfy it by accident.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

/// How often the file is re-read while waiting; mosquitto gives no other notice.
const POLL: Duration = Duration::from_millis(10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LogFile {
    path: PathBuf,
}

impl LogFile {
    pub(crate) fn new(path: &Path) -> LogFile {
        LogFile {
            path: path.to_path_buf(),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The current end of the log, to wait from.
    pub(crate) fn offset(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    /// The text written since `offset` (lossily decoded; empty if the file is missing).
    pub(crate) fn text_since(&self, offset: u64) -> String {
        let mut bytes = Vec::new();
        if let Ok(mut file) = std::fs::File::open(&self.path) {
            if file.seek(SeekFrom::Start(offset)).is_ok() {
                let _ = file.read_to_end(&mut bytes);
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Waits until `found` holds for the text written since `offset`, or `deadline` passes.
    pub(crate) fn wait_for(
        &self,
        offset: u64,
        deadline: Instant,
        mut found: impl FnMut(&str) -> bool,
    ) -> bool {
        loop {
            if found(&self.text_since(offset)) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(POLL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn text_is_read_from_an_offset() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let log = LogFile::new(&dir.path().join("log"));
        assert_eq!(log.offset(), 0);
        assert_eq!(log.text_since(0), "");
        std::fs::write(log.path(), "first\n").unwrap_or_else(|e| panic!("{e}"));
        let mark = log.offset();
        assert_eq!(mark, 6);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"second\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(log.text_since(0), "first\nsecond\n");
        assert_eq!(log.text_since(mark), "second\n");
        assert_eq!(log.text_since(1000), "");
    }

    #[test]
    fn waiting_stops_at_the_deadline_or_on_a_match() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let log = LogFile::new(&dir.path().join("log"));
        std::fs::write(log.path(), "old match\n").unwrap_or_else(|e| panic!("{e}"));
        let mark = log.offset();
        let soon = Instant::now() + Duration::from_millis(50);
        assert!(!log.wait_for(mark, soon, |text| text.contains("match")));
        assert!(log.wait_for(0, soon, |text| text.contains("match")));
    }
}
