//! The files a broker needs before its first start: password file, PSK files, persistence dir.
//!
//! Rule: the password file is made by Debian's `mosquitto_passwd` (its hash format is the
//! broker's business, not ours); everything is written once, so restarts see the same files.

use std::time::Duration;

use super::config::{psk_file_text, ExtraKind, Paths, Settings};
use crate::run::{command, run_with_timeout};
use crate::tools::MOSQUITTO_PASSWD;

/// `mosquitto_passwd` hashes with many rounds; still well under this.
const PASSWD_TIMEOUT: Duration = Duration::from_secs(30);

/// Writes every file `settings` needs into the broker's directory.
pub(crate) fn prepare(settings: &Settings, paths: &Paths) -> Result<(), String> {
    for (index, (user, password)) in settings.password_users.iter().enumerate() {
        add_password_user(paths, user, password, index == 0)?;
    }
    for (index, listener) in settings.extra_listeners.iter().enumerate() {
        if let ExtraKind::Psk { keys, .. } = &listener.kind {
            let path = paths.psk_file(index);
            std::fs::write(&path, psk_file_text(keys))
                .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
        }
    }
    if settings.persistence {
        std::fs::create_dir_all(&paths.persistence_dir).map_err(|error| {
            format!("cannot create {}: {error}", paths.persistence_dir.display())
        })?;
    }
    Ok(())
}

fn add_password_user(paths: &Paths, user: &str, password: &str, first: bool) -> Result<(), String> {
    let mut cmd = command(MOSQUITTO_PASSWD.check()?);
    if first {
        // -c creates (or truncates) the file.
        cmd.arg("-c");
    }
    cmd.arg("-b")
        .arg(&paths.password_file)
        .arg(user)
        .arg(password);
    let out = run_with_timeout(&mut cmd, None, PASSWD_TIMEOUT);
    if out.success() {
        Ok(())
    } else {
        Err(format!(
            "mosquitto_passwd could not add user {user:?}: {out}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::ExtraListener;
    use super::*;

    fn dir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn nothing_asked_writes_nothing() {
        let dir = dir();
        let paths = Paths::inside(dir.path());
        assert_eq!(prepare(&Settings::default(), &paths), Ok(()));
        let count = std::fs::read_dir(dir.path())
            .map(|e| e.count())
            .unwrap_or(usize::MAX);
        assert_eq!(count, 0);
    }

    #[test]
    fn psk_files_and_persistence_dir_are_made() {
        let dir = dir();
        let paths = Paths::inside(dir.path());
        let settings = Settings {
            persistence: true,
            extra_listeners: vec![
                ExtraListener {
                    name: "raw".into(),
                    kind: ExtraKind::Raw(Vec::new()),
                },
                ExtraListener {
                    name: "psk".into(),
                    kind: ExtraKind::Psk {
                        hint: "h".into(),
                        keys: vec![("id".into(), "beef".into())],
                    },
                },
            ],
            ..Settings::default()
        };
        assert_eq!(prepare(&settings, &paths), Ok(()));
        assert!(paths.persistence_dir.is_dir());
        assert!(!paths.psk_file(0).exists());
        let psk = std::fs::read_to_string(paths.psk_file(1)).unwrap_or_default();
        assert_eq!(psk, "id:beef\n");
    }

    #[test]
    fn password_users_are_hashed_into_one_file() {
        if let Err(missing) = MOSQUITTO_PASSWD.check() {
            panic!("{missing}");
        }
        let dir = dir();
        let paths = Paths::inside(dir.path());
        let settings = Settings {
            password_users: vec![
                ("alice".into(), "secret".into()),
                ("bob".into(), "pw".into()),
            ],
            ..Settings::default()
        };
        assert_eq!(prepare(&settings, &paths), Ok(()));
        let text = std::fs::read_to_string(&paths.password_file).unwrap_or_default();
        let users: Vec<&str> = text
            .lines()
            .filter_map(|line| line.split_once(':').map(|(user, _)| user))
            .collect();
        assert_eq!(users, ["alice", "bob"]);
        assert!(!text.contains("secret"));
    }
}
