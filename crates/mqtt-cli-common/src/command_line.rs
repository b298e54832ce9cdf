//! The path from the raw argument list to a parsed tool command line, shared by both tools:
//! options file, mosquitto-grammar scan, clap, and the `--help` / `--version` answers.
//!
//! Rules:
//! - the options file's lines come first, then the command line, and everything is parsed
//!   once, so the last occurrence of an option wins across both;
//! - problems are reported in command-line order: when the scan stops (unknown option,
//!   missing value, `--help`, `--version`), clap first checks the values before that point and
//!   its error, if any, is the one reported;
//! - clap's own messages and exit codes never reach the user: value errors carry our
//!   [`UsageError`], anything else is reworded in mosquitto's style.

use std::error::Error as _;
use std::ffi::OsString;

use clap::{Arg, ArgMatches, Command, FromArgMatches, Parser};

use crate::environment::Environment;
use crate::options_file;
use crate::scan::{self, ArgOrder, Stop};
use crate::tool::Tool;
use crate::usage;
use crate::usage_error::UsageError;

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed<T> {
    /// Run with this configuration.
    Run(T),
    /// Print this help text on stdout and exit with [`usage::INFO_EXIT_CODE`].
    Help(String),
    /// Print this version text on stdout and exit with [`usage::INFO_EXIT_CODE`].
    Version(String),
}

impl<T> Parsed<T> {
    /// Turns the options to run with into something else, passing help and version through.
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Parsed<U>, E> {
        Ok(match self {
            Parsed::Run(value) => Parsed::Run(f(value)?),
            Parsed::Help(text) => Parsed::Help(text),
            Parsed::Version(text) => Parsed::Version(text),
        })
    }
}

/// A tool's parsed options plus the order they came in.
#[derive(Debug, Clone)]
pub struct CommandLine<C> {
    pub cli: C,
    pub order: ArgOrder,
}

/// Settles a parse for a binary's `main`: the configuration to run, or the exit code once help,
/// the version or the usage error has been printed (exit 1 for all three, as mosquitto).
pub fn settle<T>(tool: Tool, parsed: Result<Parsed<T>, UsageError>) -> Result<T, u8> {
    match parsed {
        Ok(Parsed::Run(config)) => Ok(config),
        Ok(Parsed::Help(text) | Parsed::Version(text)) => {
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Err(usage::INFO_EXIT_CODE as u8)
        }
        Err(err) => {
            crate::usage_error::print_usage_error(tool.name(), &err);
            Err(err.exit_code() as u8)
        }
    }
}

/// Parses `args` (program name first, as `std::env::args_os` gives them) into the tool's
/// clap structure `C`.
pub fn parse<C: Parser>(
    tool: Tool,
    args: Vec<OsString>,
    env: &Environment,
) -> Result<Parsed<CommandLine<C>>, UsageError> {
    let argv: Vec<OsString> = args.into_iter().skip(1).collect();
    let mut groups = options_file::load(&argv, tool, env)?;
    groups.push(argv);

    let mut cmd = command::<C>(tool);
    let scanned = scan::scan(&cmd, &groups);
    let program = OsString::from(tool.name());
    let matches = cmd.try_get_matches_from_mut(std::iter::once(program).chain(scanned.tokens));

    match (scanned.stop, matches) {
        (_, Err(err)) => Err(from_clap(&err)),
        (Some(Stop::Help), Ok(_)) => Ok(Parsed::Help(usage::help(tool))),
        (Some(Stop::Version), Ok(_)) => Ok(Parsed::Version(usage::version(tool))),
        (Some(Stop::Error(err)), Ok(_)) => Err(err),
        (None, Ok(matches)) => {
            let cli = from_matches::<C>(&matches)?;
            Ok(Parsed::Run(CommandLine {
                cli,
                order: scanned.order,
            }))
        }
    }
}

/// The clap command for `C`, set up for mosquitto's grammar and built.
pub fn command<C: Parser>(tool: Tool) -> Command {
    let mut cmd = C::command()
        .name(tool.name())
        .disable_help_flag(true)
        .disable_version_flag(true)
        .args_override_self(true)
        .mut_args(takes_next_argument);
    cmd.build();
    cmd
}

/// An option's values are the next arguments whatever they look like, as in mosquitto.
fn takes_next_argument(arg: Arg) -> Arg {
    if arg.get_action().takes_values() {
        arg.allow_hyphen_values(true)
    } else {
        arg
    }
}

fn from_matches<C: FromArgMatches>(matches: &ArgMatches) -> Result<C, UsageError> {
    C::from_arg_matches(matches).map_err(|err| from_clap(&err))
}

/// Our error for a clap error: the [`UsageError`] a value parser gave, or, for anything the
/// scan should already have caught, clap's first line in mosquitto's wording.
fn from_clap(err: &clap::Error) -> UsageError {
    if let Some(ours) = err.source().and_then(|s| s.downcast_ref::<UsageError>()) {
        return ours.clone();
    }
    let rendered = err.to_string();
    let first = rendered.lines().next().unwrap_or_default();
    let text = first.strip_prefix("error: ").unwrap_or(first);
    UsageError::hinted(format!("Error: {text}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::CommonArgs;

    #[derive(Debug, Parser)]
    struct TestCli {
        #[command(flatten)]
        common: CommonArgs,
    }

    fn run(args: &[&str]) -> Result<Parsed<CommandLine<TestCli>>, UsageError> {
        let args = std::iter::once("mqpub").chain(args.iter().copied());
        parse::<TestCli>(
            Tool::Pub,
            args.map(OsString::from).collect(),
            &Environment::default(),
        )
    }

    fn error(args: &[&str]) -> String {
        run(args).unwrap_err().message().to_owned()
    }

    #[test]
    fn command_is_consistent() {
        command::<TestCli>(Tool::Pub).debug_assert();
    }

    #[test]
    fn clap_wording_never_shows() {
        // Empty, dash-like and non-UTF-8 values must give our messages (or none), never a
        // reworded clap error.
        use std::os::unix::ffi::OsStringExt;
        let cmd = command::<TestCli>(Tool::Pub);
        let values = [
            OsString::new(),
            OsString::from("-"),
            OsString::from_vec(b"\xff".to_vec()),
        ];
        for arg in cmd.get_arguments() {
            let flag = match (arg.get_short(), arg.get_long()) {
                (_, Some(long)) => format!("--{long}"),
                (Some(short), None) => format!("-{short}"),
                (None, None) => continue,
            };
            for value in &values {
                let mut argv = vec![OsString::from("mqpub"), OsString::from(&flag)];
                argv.extend(vec![value.clone(); 3]);
                if let Err(err) = parse::<TestCli>(Tool::Pub, argv, &Environment::default()) {
                    let text = err.message();
                    assert!(!text.contains("value is required"), "{flag}: {text}");
                    assert!(!text.contains("invalid"), "{flag}: {text}");
                }
            }
        }
    }

    #[test]
    fn first_problem_on_the_line_wins() {
        let cases: [(&[&str], &str); 6] = [
            (
                &["-k", "1", "-Z"],
                "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n",
            ),
            (&["-Z", "-k", "1"], "Error: Unknown option '-Z'.\n"),
            (
                &["-p", "70000", "--help"],
                "Error: Invalid port given: 70000\n",
            ),
            (&["-p", "70000", "-h"], "Error: Invalid port given: 70000\n"),
            (
                &["-p", "1", "-h"],
                "Error: -h argument given but no host specified.\n\n",
            ),
            (&["--will-qos", "3"], "Error: Invalid will QoS 3.\n\n"),
        ];
        for (args, text) in cases {
            assert_eq!(error(args), text, "{args:?}");
        }
    }

    #[test]
    fn help_and_version() {
        assert!(matches!(run(&["--help"]), Ok(Parsed::Help(_))));
        assert!(matches!(run(&["--help", "-k", "1"]), Ok(Parsed::Help(_))));
        assert!(matches!(
            run(&["-d", "--version", "-Z"]),
            Ok(Parsed::Version(_))
        ));
        // A value that looks like --help is a value.
        let Ok(Parsed::Run(line)) = run(&["-h", "--help"]) else {
            panic!("not a run");
        };
        assert_eq!(line.cli.common.connect.host.as_deref(), Some("--help"));
    }

    #[test]
    fn values_starting_with_dashes() {
        let Ok(Parsed::Run(line)) = run(&["-u", "--", "-P", "-x", "-i", "-c", "-h", "-"]) else {
            panic!("not a run");
        };
        let common = line.cli.common;
        assert_eq!(common.auth.username.as_deref(), Some("--".as_ref()));
        assert_eq!(common.auth.password.as_deref(), Some("-x".as_ref()));
        assert_eq!(common.session.id.as_deref(), Some("-c".as_ref()));
        assert_eq!(common.connect.host.as_deref(), Some("-"));
        assert!(!common.session.disable_clean_session);
    }

    #[test]
    fn repeated_options_keep_the_last_value() {
        let Ok(Parsed::Run(line)) = run(&["-h", "a", "-h", "b", "-d", "-d"]) else {
            panic!("not a run");
        };
        assert_eq!(line.cli.common.connect.host.as_deref(), Some("b"));
        assert!(line.cli.common.debug.debug);
    }

    #[test]
    fn options_file_comes_first() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("opts");
        std::fs::write(&file, "-h filehost\n-k 30\n").unwrap();
        let file = file.to_str().unwrap();
        let Ok(Parsed::Run(line)) = run(&["-o", file, "-h", "cmdhost"]) else {
            panic!("not a run");
        };
        assert_eq!(line.cli.common.connect.host.as_deref(), Some("cmdhost"));
        assert_eq!(line.cli.common.connect.keepalive, Some(30));

        std::fs::write(dir.path().join("bad"), "-k 1\n").unwrap();
        let bad = dir.path().join("bad");
        assert_eq!(
            error(&["-o", bad.to_str().unwrap()]),
            "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n"
        );
        assert_eq!(
            error(&["-o"]),
            "Error: -o argument given but no options file specified.\n\n"
        );
    }
}
