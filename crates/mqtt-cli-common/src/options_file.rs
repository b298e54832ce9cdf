//! Options files: options read from a file and placed before the command line.
//!
//! Which file (one at most):
//! - `-o FILE` on the command line; mosquitto finds it by looking for a literal `-o` argument
//!   anywhere (even where it is another option's value), and so do we;
//! - otherwise, in `$XDG_CONFIG_HOME` when that variable is set, else in `$HOME/.config`: our
//!   own `mqpub` / `mqsub` file when it can be read, else mosquitto's `mosquitto_pub` /
//!   `mosquitto_sub`, so an existing mosquitto setup keeps working and ours can override it.
//!
//! A file that cannot be read is silently ignored, even one named by `-o` (as mosquitto does).
//!
//! How it is read (mosquitto's rules):
//! - one option per line; a line whose first byte is `#` is a comment;
//! - trailing CR and LF are dropped; a line stops at a NUL byte;
//! - leading spaces are skipped, the option runs to the next space, and everything after that
//!   single space is the value, spaces included (`-m hello world` publishes "hello world");
//!   nothing after the option means no value;
//! - each line is scanned on its own, so an option missing its value is reported, never
//!   completed from the next line. Unlike mosquitto, lines longer than 1023 bytes are not cut.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::PathBuf;

use crate::environment::Environment;
use crate::tool::Tool;
use crate::usage_error::UsageError;

/// The options-file lines to scan before the command line `argv` (without the program name),
/// each split into option and value.
pub fn load(
    argv: &[OsString],
    tool: Tool,
    env: &Environment,
) -> Result<Vec<Vec<OsString>>, UsageError> {
    let content = match explicit_path(argv)? {
        Some(path) => std::fs::read(PathBuf::from(path)).ok(),
        None => default_candidates(tool, env)
            .into_iter()
            .find_map(|path| std::fs::read(path).ok()),
    };
    Ok(content.map(|c| lines(&c)).unwrap_or_default())
}

/// The file `-o` names, if any.
pub fn explicit_path(argv: &[OsString]) -> Result<Option<OsString>, UsageError> {
    let mut found = None;
    for (i, arg) in argv.iter().enumerate() {
        if arg.as_bytes() != b"-o" {
            continue;
        }
        if found.is_some() {
            return Err(UsageError::hinted(
                "Error: Duplicate -o argument given.\n\n",
            ));
        }
        let path = argv.get(i + 1).ok_or_else(|| {
            UsageError::hinted("Error: -o argument given but no options file specified.\n\n")
        })?;
        found = Some(path.clone());
    }
    Ok(found)
}

/// The default files to try, best first.
pub fn default_candidates(tool: Tool, env: &Environment) -> Vec<PathBuf> {
    let dir = match (&env.xdg_config_home, &env.home) {
        (Some(xdg), _) => PathBuf::from(xdg),
        (None, Some(home)) => PathBuf::from(home).join(".config"),
        (None, None) => return Vec::new(),
    };
    vec![dir.join(tool.name()), dir.join(tool.mosquitto_name())]
}

/// Splits a file's content into lines of option and optional value.
pub fn lines(content: &[u8]) -> Vec<Vec<OsString>> {
    content
        .split(|b| *b == b'\n')
        .filter(|line| line.first() != Some(&b'#'))
        .filter_map(split_line)
        .collect()
}

fn split_line(line: &[u8]) -> Option<Vec<OsString>> {
    let line = line.split(|b| *b == 0).next().unwrap_or_default();
    let end = line
        .iter()
        .rposition(|b| *b != b'\r' && *b != b'\n')
        .map_or(0, |last| last + 1);
    let line = &line[..end];
    let start = line.iter().position(|b| *b != b' ')?;
    let line = &line[start..];
    let token = |bytes: &[u8]| OsString::from_vec(bytes.to_vec());
    Some(match line.iter().position(|b| *b == b' ') {
        Some(space) if space + 1 < line.len() => {
            vec![token(&line[..space]), token(&line[space + 1..])]
        }
        Some(space) => vec![token(&line[..space])],
        None => vec![token(line)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn line_splitting() {
        let cases: [(&str, Vec<Vec<OsString>>); 12] = [
            ("-c\n", vec![os(&["-c"])]),
            (
                "-h host\n-p 1884\n",
                vec![os(&["-h", "host"]), os(&["-p", "1884"])],
            ),
            ("-m hello world\n", vec![os(&["-m", "hello world"])]),
            ("-m  two spaces", vec![os(&["-m", " two spaces"])]),
            ("-m trailing \r\n", vec![os(&["-m", "trailing "])]),
            ("-m \n", vec![os(&["-m"])]),
            ("   -d\n", vec![os(&["-d"])]),
            ("# comment\n-d\n", vec![os(&["-d"])]),
            ("  # not a comment\n", vec![os(&["#", "not a comment"])]),
            ("\n\n   \n\r\n", vec![]),
            ("-t\ta", vec![os(&["-t\ta"])]),
            ("-m a\0b\n-d", vec![os(&["-m", "a"]), os(&["-d"])]),
        ];
        for (content, expected) in cases {
            assert_eq!(lines(content.as_bytes()), expected, "{content:?}");
        }
    }

    #[test]
    fn dash_o_search() {
        type Expected<'a> = Result<Option<&'a str>, &'a str>;
        let cases: [(&[&str], Expected); 6] = [
            (&["-t", "a"], Ok(None)),
            (&["-o", "f"], Ok(Some("f"))),
            (&["-m", "-o", "f"], Ok(Some("f"))),
            (
                &["-o"],
                Err("Error: -o argument given but no options file specified.\n\n"),
            ),
            (
                &["-o", "f", "-o", "g"],
                Err("Error: Duplicate -o argument given.\n\n"),
            ),
            (
                &["-o", "-o"],
                Err("Error: Duplicate -o argument given.\n\n"),
            ),
        ];
        for (argv, expected) in cases {
            let got = explicit_path(&os(argv))
                .map(|p| p.map(|p| p.to_string_lossy().into_owned()))
                .map_err(|e| e.message().to_owned());
            let expected = expected
                .map(|p| p.map(str::to_owned))
                .map_err(str::to_owned);
            assert_eq!(got, expected, "{argv:?}");
        }
    }

    #[test]
    fn default_locations() {
        let env = |xdg: Option<&str>, home: Option<&str>| Environment {
            xdg_config_home: xdg.map(Into::into),
            home: home.map(Into::into),
            ..Environment::default()
        };
        assert_eq!(
            default_candidates(Tool::Pub, &env(Some("/x"), Some("/h"))),
            [PathBuf::from("/x/mqpub"), PathBuf::from("/x/mosquitto_pub")]
        );
        assert_eq!(
            default_candidates(Tool::Sub, &env(None, Some("/h"))),
            [
                PathBuf::from("/h/.config/mqsub"),
                PathBuf::from("/h/.config/mosquitto_sub")
            ]
        );
        assert!(default_candidates(Tool::Pub, &env(None, None)).is_empty());
    }

    #[test]
    fn file_precedence() {
        let dir = tempfile::tempdir().unwrap();
        let env = Environment {
            xdg_config_home: Some(dir.path().into()),
            ..Environment::default()
        };
        let none: Vec<Vec<OsString>> = Vec::new();
        assert_eq!(load(&[], Tool::Pub, &env).unwrap(), none);

        std::fs::write(dir.path().join("mosquitto_pub"), "-q 1\n").unwrap();
        assert_eq!(load(&[], Tool::Pub, &env).unwrap(), vec![os(&["-q", "1"])]);
        assert_eq!(load(&[], Tool::Sub, &env).unwrap(), none);

        std::fs::write(dir.path().join("mqpub"), "-q 2\n").unwrap();
        assert_eq!(load(&[], Tool::Pub, &env).unwrap(), vec![os(&["-q", "2"])]);

        let explicit = dir.path().join("explicit");
        std::fs::write(&explicit, "-d\n").unwrap();
        let argv = vec![OsString::from("-o"), explicit.into_os_string()];
        assert_eq!(load(&argv, Tool::Pub, &env).unwrap(), vec![os(&["-d"])]);

        let missing = vec![OsString::from("-o"), OsString::from("/nonexistent/file")];
        assert_eq!(load(&missing, Tool::Pub, &env).unwrap(), none);
    }
}
