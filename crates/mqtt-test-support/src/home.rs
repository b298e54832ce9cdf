//! An empty home directory for the programs under test, so user option files never leak in.
//!
//! mosquitto's clients (and ours) read `$XDG_CONFIG_HOME/mosquitto_pub` or
//! `$HOME/.config/mosquitto_pub`; a tester's own file there would silently change results.
//! Rules: one empty directory per test process, created on first use; it cannot be removed when
//! the process ends (statics are never dropped), so each new process first removes the empty
//! ones left by processes that no longer run. Only empty directories are ever removed.

use std::path::Path;
use std::sync::OnceLock;

use tempfile::TempDir;

const PREFIX: &str = "mqtt-test-home-";

static HOME: OnceLock<TempDir> = OnceLock::new();

/// The process-wide empty directory used as `HOME` and `XDG_CONFIG_HOME`.
pub fn empty_home() -> &'static Path {
    HOME.get_or_init(|| {
        let parent = std::env::temp_dir();
        remove_stale(&parent);
        match tempfile::Builder::new()
            .prefix(&format!("{PREFIX}{}-", std::process::id()))
            .tempdir_in(&parent)
        {
            Ok(dir) => dir,
            Err(error) => panic!("cannot create an empty home directory in {parent:?}: {error}"),
        }
    })
    .path()
}

/// Removes empty home directories whose owning process has exited.
fn remove_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(owner_pid) else {
            continue;
        };
        if !Path::new("/proc").join(pid.to_string()).exists() {
            // Fails (and is ignored) when it is not empty: that is not ours to throw away.
            let _ = std::fs::remove_dir(entry.path());
        }
    }
}

/// The pid embedded in a home directory's name, `mqtt-test-home-<pid>-<random>`.
fn owner_pid(name: &str) -> Option<u32> {
    let (pid, random) = name.strip_prefix(PREFIX)?.split_once('-')?;
    if random.is_empty() {
        return None;
    }
    pid.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_pid_is_read_from_the_name() {
        let cases = [
            ("mqtt-test-home-1234-abcdef", Some(1234)),
            ("mqtt-test-home-1-x", Some(1)),
            ("mqtt-test-home-1234-", None),
            ("mqtt-test-home-1234", None),
            ("mqtt-test-home-x-abc", None),
            ("other-1234-abc", None),
            ("mqtt-test-broker-1234-abc", None),
        ];
        for (name, expected) in cases {
            assert_eq!(owner_pid(name), expected, "{name}");
        }
    }

    #[test]
    fn the_home_is_empty_and_stable() {
        let home = empty_home();
        assert!(home.is_dir());
        assert_eq!(empty_home(), home);
        let entries = std::fs::read_dir(home)
            .map(|e| e.count())
            .unwrap_or(usize::MAX);
        assert_eq!(entries, 0);
    }

    #[test]
    fn stale_empty_homes_are_removed_but_full_ones_kept() {
        let parent = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // pid 0 never names a running process in /proc.
        let stale_empty = parent.path().join("mqtt-test-home-0-aaaa");
        let stale_full = parent.path().join("mqtt-test-home-0-bbbb");
        let live = parent
            .path()
            .join(format!("mqtt-test-home-{}-cccc", std::process::id()));
        for dir in [&stale_empty, &stale_full, &live] {
            std::fs::create_dir(dir).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(stale_full.join("keep"), b"x").unwrap_or_else(|e| panic!("{e}"));
        remove_stale(parent.path());
        assert!(!stale_empty.exists());
        assert!(stale_full.exists());
        assert!(live.exists());
    }
}
