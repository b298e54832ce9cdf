//! The first pass over the arguments: mosquitto's option grammar, before clap sees anything.
//!
//! mosquitto reads its arguments strictly left to right: an option is exactly `-x` or
//! `--name` (no `--name=value`, no `-abc` clusters, no `--` separator), and an option that
//! takes values takes the next arguments whatever they look like. This pass walks the
//! arguments with that grammar, using the clap command only to know which options exist and
//! how many values each takes, and:
//! - stops at the first unknown option, missing value, `--help` or `--version`, remembering
//!   where, so the caller can let clap check the values before that point first (mosquitto
//!   reports whichever problem comes first on the line);
//! - records the order in which options occur ([`ArgOrder`]), which decides between options
//!   that set the same thing (`-h`, `--unix`, `-L`...);
//! - joins a `-D ... user-property key value` key and value into one argument, so clap can
//!   treat every `-D` as three values.
//!
//! Rules: each group (one options-file line, or the real command line) is scanned on its own,
//! as mosquitto does, so an option at the end of a line never takes values from the next.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};

use clap::{Arg, Command};

use crate::args::ids;
use crate::property_option::PAIR_SEPARATOR;
use crate::usage_error::UsageError;

/// Why the scan ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    Help,
    Version,
    Error(UsageError),
}

/// The ids of the options given, in command-line order (options file first), once per
/// occurrence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArgOrder {
    ids: Vec<String>,
}

impl ArgOrder {
    /// The occurrences of any of `wanted`, in order.
    pub fn sequence<'a>(&'a self, wanted: &'a [&'a str]) -> impl Iterator<Item = &'a str> + 'a {
        self.ids
            .iter()
            .map(String::as_str)
            .filter(move |id| wanted.contains(id))
    }

    /// Which of `wanted` occurred last.
    pub fn last_of<'a>(&'a self, wanted: &'a [&'a str]) -> Option<&'a str> {
        self.sequence(wanted).last()
    }

    /// How many times any of `wanted` occurred.
    pub fn count(&self, wanted: &[&str]) -> usize {
        self.ids
            .iter()
            .filter(|id| wanted.contains(&id.as_str()))
            .count()
    }

    pub fn contains(&self, id: &str) -> bool {
        self.ids.iter().any(|seen| seen == id)
    }

    /// An order built by hand, for tests.
    pub fn from_ids(ids: &[&str]) -> ArgOrder {
        ArgOrder {
            ids: ids.iter().map(|id| (*id).to_owned()).collect(),
        }
    }
}

/// The outcome of scanning.
#[derive(Debug, Clone, Default)]
pub struct Scanned {
    /// The arguments for clap (without the program name), up to where the scan stopped.
    pub tokens: Vec<OsString>,
    pub order: ArgOrder,
    pub stop: Option<Stop>,
}

/// Scans `groups` in turn against the options `cmd` knows. `cmd` must have been built
/// (`Command::build`) so every argument knows its number of values.
pub fn scan(cmd: &Command, groups: &[Vec<OsString>]) -> Scanned {
    let mut scanned = Scanned::default();
    for group in groups {
        if let Err(stop) = scan_group(cmd, group, &mut scanned) {
            scanned.stop = Some(stop);
            break;
        }
    }
    scanned
}

fn scan_group(cmd: &Command, group: &[OsString], out: &mut Scanned) -> Result<(), Stop> {
    let mut i = 0;
    while let Some(token) = group.get(i) {
        match token.as_bytes() {
            b"--help" => return Err(Stop::Help),
            b"--version" => return Err(Stop::Version),
            _ => {}
        }
        let arg = find(cmd, token).ok_or_else(|| {
            Stop::Error(UsageError::hinted(format!(
                "Error: Unknown option '{}'.\n",
                token.to_string_lossy()
            )))
        })?;
        let id = arg.get_id().as_str();
        let following = &group[i + 1..];
        let (values, used) = if id == ids::PROPERTY {
            property_values(following)?
        } else {
            let wanted = value_count(arg);
            match following.get(..wanted) {
                Some(values) => (values.to_vec(), wanted),
                // mosquitto silently skips a bare `-o` in an options file; on the command
                // line the options-file pre-scan has already rejected it.
                None if id == ids::OPTIONS_FILE => {
                    i += 1;
                    continue;
                }
                None => return Err(Stop::Error(missing_value(arg))),
            }
        };
        i += 1 + used;
        out.tokens.push(token.clone());
        out.tokens.extend(values);
        out.order.ids.push(id.to_owned());
    }
    Ok(())
}

/// The argument `token` names exactly, if any.
fn find<'a>(cmd: &'a Command, token: &OsStr) -> Option<&'a Arg> {
    let bytes = token.as_bytes();
    if let Some(long) = bytes.strip_prefix(b"--").filter(|l| !l.is_empty()) {
        return cmd.get_arguments().find(|arg| {
            arg.get_long().is_some_and(|l| l.as_bytes() == long)
                || arg
                    .get_all_aliases()
                    .is_some_and(|aliases| aliases.iter().any(|a| a.as_bytes() == long))
        });
    }
    match bytes {
        [b'-', short] if *short != b'-' => cmd
            .get_arguments()
            .find(|arg| arg.get_short() == Some(char::from(*short))),
        _ => None,
    }
}

fn value_count(arg: &Arg) -> usize {
    if !arg.get_action().takes_values() {
        return 0;
    }
    arg.get_num_args().map_or(1, |range| range.min_values())
}

/// `-D`'s values (command, identifier, value; or for a user property command, identifier,
/// and key and value joined) and how many arguments they took.
fn property_values(following: &[OsString]) -> Result<(Vec<OsString>, usize), Stop> {
    let not_enough = || {
        Stop::Error(UsageError::hinted(
            "Error: --property argument given but not enough arguments specified.\n\n",
        ))
    };
    let [command, identifier, value, rest @ ..] = following else {
        return Err(not_enough());
    };
    let is_pair = identifier.as_bytes().eq_ignore_ascii_case(b"user-property");
    let (value, used) = match rest.first() {
        Some(pair_value) if is_pair => {
            let mut joined = value.clone().into_vec();
            joined.push(PAIR_SEPARATOR);
            joined.extend_from_slice(pair_value.as_bytes());
            (OsString::from_vec(joined), 4)
        }
        _ => (value.clone(), 3),
    };
    Ok((vec![command.clone(), identifier.clone(), value], used))
}

/// mosquitto's "Error: -t argument given but no topic specified." for `arg`.
fn missing_value(arg: &Arg) -> UsageError {
    let id = arg.get_id().as_str();
    let message = match id {
        ids::MAX_INFLIGHT => "Error: -M argument given but max_inflight not specified.\n\n".into(),
        ids::PROTOCOL_VERSION => {
            "Error: --protocol-version argument given but no version specified.\n\n".into()
        }
        _ => {
            let flag = match (arg.get_short(), arg.get_long()) {
                (Some(short), _) => format!("-{short}"),
                (None, Some(long)) => format!("--{long}"),
                (None, None) => id.to_owned(),
            };
            let noun = arg
                .get_value_names()
                .and_then(|names| names.first())
                .map_or("value", |name| name.as_str());
            format!("Error: {flag} argument given but no {noun} specified.\n\n")
        }
    };
    UsageError::hinted(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::CommonArgs;
    use clap::Args;

    fn command() -> Command {
        let mut cmd = CommonArgs::augment_args(Command::new("test"))
            .disable_help_flag(true)
            .disable_version_flag(true);
        cmd.build();
        cmd
    }

    fn os(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn error_text(scanned: &Scanned) -> Option<String> {
        match &scanned.stop {
            Some(Stop::Error(err)) => Some(err.message().to_owned()),
            _ => None,
        }
    }

    #[test]
    fn accepted_lines() {
        let cmd = command();
        let cases: [(&[&str], &[&str], &[&str]); 6] = [
            (
                &["-h", "x", "-p", "1"],
                &["-h", "x", "-p", "1"],
                &["host", "port"],
            ),
            (&["--host", "-p"], &["--host", "-p"], &["host"]),
            (
                &["-u", "--", "-c"],
                &["-u", "--", "-c"],
                &["username", "disable_clean_session"],
            ),
            (
                &["-D", "publish", "content-type", "a", "-d"],
                &["-D", "publish", "content-type", "a", "-d"],
                &["property", "debug"],
            ),
            (
                &["--property", "connect", "USER-PROPERTY", "k", "v", "-d"],
                &["--property", "connect", "USER-PROPERTY", "k\0v", "-d"],
                &["property", "debug"],
            ),
            (
                &["-D", "connect", "user-property", "k"],
                &["-D", "connect", "user-property", "k"],
                &["property"],
            ),
        ];
        for (input, tokens, order) in cases {
            let scanned = scan(&cmd, &[os(input)]);
            assert_eq!(scanned.stop, None, "{input:?}");
            assert_eq!(scanned.tokens, os(tokens), "{input:?}");
            assert_eq!(scanned.order, ArgOrder::from_ids(order), "{input:?}");
        }
    }

    #[test]
    fn stops() {
        let cmd = command();
        let unknown = |o: &str| format!("Error: Unknown option '{o}'.\n");
        let cases: [(&[&str], Option<String>, usize); 16] = [
            (&["-Z"], Some(unknown("-Z")), 0),
            (&["-d", "foo"], Some(unknown("foo")), 1),
            (&["--"], Some(unknown("--")), 0),
            (&["-"], Some(unknown("-")), 0),
            (&[""], Some(unknown("")), 0),
            (&["--qos=1"], Some(unknown("--qos=1")), 0),
            (&["--host=x"], Some(unknown("--host=x")), 0),
            (&["-dc"], Some(unknown("-dc")), 0),
            (&["-p1"], Some(unknown("-p1")), 0),
            (
                &["-h"],
                Some("Error: -h argument given but no host specified.\n\n".into()),
                0,
            ),
            (
                &["-c", "--will-qos"],
                Some("Error: --will-qos argument given but no will QoS specified.\n\n".into()),
                1,
            ),
            (
                &["-V"],
                Some(
                    "Error: --protocol-version argument given but no version specified.\n\n".into(),
                ),
                0,
            ),
            (
                &["-M"],
                Some("Error: -M argument given but max_inflight not specified.\n\n".into()),
                0,
            ),
            (
                &["-D", "a", "b"],
                Some(
                    "Error: --property argument given but not enough arguments specified.\n\n"
                        .into(),
                ),
                0,
            ),
            (&["-d", "--help", "-Z"], None, 1),
            (&["--version"], None, 0),
        ];
        for (input, error, tokens_before) in cases {
            let scanned = scan(&cmd, &[os(input)]);
            assert!(scanned.stop.is_some(), "{input:?}");
            assert_eq!(error_text(&scanned), error, "{input:?}");
            assert_eq!(scanned.tokens.len(), tokens_before, "{input:?}");
        }
        assert_eq!(scan(&cmd, &[os(&["--help"])]).stop, Some(Stop::Help));
        assert_eq!(scan(&cmd, &[os(&["--version"])]).stop, Some(Stop::Version));
    }

    #[test]
    fn every_missing_value_text() {
        let cmd = command();
        let cases = [
            (
                "-A",
                "Error: -A argument given but no address specified.\n\n",
            ),
            (
                "--cafile",
                "Error: --cafile argument given but no file specified.\n\n",
            ),
            (
                "--capath",
                "Error: --capath argument given but no directory specified.\n\n",
            ),
            (
                "--cert",
                "Error: --cert argument given but no file specified.\n\n",
            ),
            (
                "--ciphers",
                "Error: --ciphers argument given but no ciphers specified.\n\n",
            ),
            ("--id", "Error: -i argument given but no id specified.\n\n"),
            (
                "-I",
                "Error: -I argument given but no id prefix specified.\n\n",
            ),
            (
                "--keepalive",
                "Error: -k argument given but no keepalive specified.\n\n",
            ),
            (
                "--key",
                "Error: --key argument given but no file specified.\n\n",
            ),
            (
                "--keyform",
                "Error: --keyform argument given but no keyform specified.\n\n",
            ),
            (
                "--url",
                "Error: -L argument given but no URL specified.\n\n",
            ),
            (
                "--port",
                "Error: -p argument given but no port specified.\n\n",
            ),
            (
                "--pw",
                "Error: -P argument given but no password specified.\n\n",
            ),
            (
                "--proxy",
                "Error: --proxy argument given but no proxy url specified.\n\n",
            ),
            (
                "--psk",
                "Error: --psk argument given but no key specified.\n\n",
            ),
            (
                "--psk-identity",
                "Error: --psk-identity argument given but no identity specified.\n\n",
            ),
            (
                "--tls-alpn",
                "Error: --tls-alpn argument given but no protocol specified.\n\n",
            ),
            (
                "--tls-engine",
                "Error: --tls-engine argument given but no engine_id specified.\n\n",
            ),
            (
                "--tls-engine-kpass-sha1",
                "Error: --tls-engine-kpass-sha1 argument given but no kpass sha1 specified.\n\n",
            ),
            (
                "--tls-version",
                "Error: --tls-version argument given but no version specified.\n\n",
            ),
            (
                "--tls-keylog",
                "Error: --tls-keylog argument given but no file specified.\n\n",
            ),
            (
                "--username",
                "Error: -u argument given but no username specified.\n\n",
            ),
            (
                "--unix",
                "Error: --unix argument given but no socket path specified.\n\n",
            ),
            (
                "--protocol-version",
                "Error: --protocol-version argument given but no version specified.\n\n",
            ),
            (
                "--will-payload",
                "Error: --will-payload argument given but no will payload specified.\n\n",
            ),
            (
                "--will-topic",
                "Error: --will-topic argument given but no will topic specified.\n\n",
            ),
            (
                "-x",
                "Error: -x argument given but no session expiry interval specified.\n\n",
            ),
            (
                "--pw-file",
                "Error: --pw-file argument given but no file specified.\n\n",
            ),
        ];
        for (flag, text) in cases {
            let scanned = scan(&cmd, &[os(&[flag])]);
            assert_eq!(error_text(&scanned).as_deref(), Some(text), "{flag}");
        }
    }

    #[test]
    fn groups_are_scanned_apart() {
        let cmd = command();
        // A value-taking option at the end of one options-file line never takes the next line.
        let scanned = scan(&cmd, &[os(&["-h"]), os(&["-p", "1"])]);
        assert_eq!(
            error_text(&scanned).as_deref(),
            Some("Error: -h argument given but no host specified.\n\n")
        );
        // A bare -o in an options file is skipped.
        let scanned = scan(&cmd, &[os(&["-o"]), os(&["-d"])]);
        assert_eq!(scanned.stop, None);
        assert_eq!(scanned.tokens, os(&["-d"]));
        // -D inside one options-file line is one value: not enough.
        let scanned = scan(&cmd, &[os(&["-D", "connect user-property k v"])]);
        assert!(error_text(&scanned).is_some_and(|t| t.contains("not enough")));
    }

    #[test]
    fn order_queries() {
        let order = ArgOrder::from_ids(&["host", "url", "port", "host", "url"]);
        assert_eq!(order.last_of(&["host", "url"]), Some("url"));
        assert_eq!(order.last_of(&["host", "port"]), Some("host"));
        assert_eq!(order.last_of(&["unix"]), None);
        assert_eq!(order.count(&["url"]), 2);
        assert!(order.contains("port"));
        let seq: Vec<&str> = order.sequence(&["url", "port"]).collect();
        assert_eq!(seq, ["url", "port", "url"]);
    }
}
