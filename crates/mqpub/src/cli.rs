//! mqpub's command line: its own options on top of the shared groups, and the checks that
//! turn them into a [`PubConfig`].
//!
//! Rules (mosquitto_pub's): exactly one message source (`-m`, `-f`, `-s`, `-l`, `-n`), given
//! once; a topic from `-t` or `-L` (the last one given wins) and a message source are both
//! required, else the error is followed by the full help text; everything shared is checked
//! by `mqtt_cli_common::lower`.

use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use clap::{ArgAction, Parser};
use mqtt_cli_common::args::{ids, CommonArgs};
use mqtt_cli_common::command_line::{self, CommandLine, Parsed};
use mqtt_cli_common::config::{ConnectionConfig, Qos};
use mqtt_cli_common::{lower, usage, values, Environment, Tool, UsageError};

/// mqpub's options.
#[derive(Debug, Parser)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,

    /// `-t`: every topic given, in order; the last one (or a later `-L`) is used.
    #[arg(short = 't', long = "topic", value_name = "topic", action = ArgAction::Append,
          value_parser = values::raw(values::publish_topic))]
    pub topic: Vec<String>,

    #[arg(short = 'm', long = "message", value_name = "message",
          value_parser = values::raw(values::message))]
    pub message: Option<Bytes>,

    #[arg(short = 'f', long = "file", value_name = "file", value_parser = values::path())]
    pub file: Option<PathBuf>,

    #[arg(short = 's', long = "stdin-file")]
    pub stdin_file: bool,

    #[arg(short = 'l', long = "stdin-line")]
    pub stdin_line: bool,

    #[arg(short = 'n', long = "null-message")]
    pub null_message: bool,

    #[arg(short = 'q', long = "qos", value_name = "QoS", value_parser = values::raw(values::qos))]
    pub qos: Option<Qos>,

    #[arg(short = 'r', long = "retain")]
    pub retain: bool,

    #[arg(long = "repeat", value_name = "count", value_parser = values::raw(values::repeat_count))]
    pub repeat: Option<u32>,

    #[arg(long = "repeat-delay", value_name = "time",
          value_parser = values::raw(values::repeat_delay))]
    pub repeat_delay: Option<Duration>,
}

/// The ids of the message-source options.
const SOURCES: [&str; 5] = [
    "message",
    "file",
    "stdin_file",
    "stdin_line",
    "null_message",
];

/// Where the payload comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadSource {
    /// `-m`: these bytes.
    Message(Bytes),
    /// `-n`: an empty payload.
    Null,
    /// `-f`: the whole file, read when publishing.
    File(PathBuf),
    /// `-s`: all of stdin as one message.
    Stdin,
    /// `-l`: one message per stdin line.
    Lines,
}

/// Everything mqpub needs to run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PubConfig {
    pub connection: ConnectionConfig,
    pub topic: String,
    pub qos: Qos,
    pub retain: bool,
    pub source: PayloadSource,
    /// `--repeat`: publish this many times (at least 1).
    pub repeat_count: u32,
    /// `--repeat-delay`: pause between repeats.
    pub repeat_delay: Duration,
}

/// Parses mqpub's command line (program name first) in this process's environment.
pub fn parse(args: Vec<OsString>) -> Result<Parsed<PubConfig>, UsageError> {
    parse_with(args, &Environment::from_process())
}

/// [`parse`] with a given environment.
pub fn parse_with(args: Vec<OsString>, env: &Environment) -> Result<Parsed<PubConfig>, UsageError> {
    command_line::parse::<Cli>(Tool::Pub, args, env)?.try_map(|line| lower(line, env))
}

fn lower(line: CommandLine<Cli>, env: &Environment) -> Result<PubConfig, UsageError> {
    let CommandLine { cli, order } = line;
    if order.count(&SOURCES) > 1 {
        return Err(UsageError::hinted(
            "Error: Only one type of message can be sent at once.\n\n",
        ));
    }
    let draft = lower::connection(&cli.common, &order, Tool::Pub, env)?;

    let topic = match order.last_of(&[ids::TOPIC, ids::URL]) {
        Some(ids::URL) => draft.url_topics().last(),
        Some(_) => cli.topic.last(),
        None => None,
    };
    let source = if let Some(message) = &cli.message {
        Some(PayloadSource::Message(message.clone()))
    } else if let Some(file) = &cli.file {
        Some(PayloadSource::File(file.clone()))
    } else if cli.stdin_file {
        Some(PayloadSource::Stdin)
    } else if cli.stdin_line {
        Some(PayloadSource::Lines)
    } else if cli.null_message {
        Some(PayloadSource::Null)
    } else {
        None
    };
    let (Some(topic), Some(source)) = (topic.cloned(), source) else {
        return Err(UsageError::with_usage(
            "Error: Both topic and message must be supplied.\n",
            usage::help(Tool::Pub),
        ));
    };

    Ok(PubConfig {
        connection: draft.finish()?,
        topic,
        qos: cli.qos.unwrap_or_default(),
        retain: cli.retain,
        source,
        repeat_count: cli.repeat.unwrap_or(1),
        repeat_delay: cli.repeat_delay.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_cli_common::config::{Address, MqttVersion};
    use mqtt_cli_common::usage_error::FollowUp;

    fn run(args: &[&str]) -> Result<Parsed<PubConfig>, UsageError> {
        let argv = std::iter::once("mqpub").chain(args.iter().copied());
        parse_with(argv.map(OsString::from).collect(), &Environment::default())
    }

    fn config(args: &[&str]) -> PubConfig {
        match run(args) {
            Ok(Parsed::Run(config)) => config,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    fn error(args: &[&str]) -> UsageError {
        match run(args) {
            Err(err) => err,
            other => panic!("{args:?} accepted: {other:?}"),
        }
    }

    #[test]
    fn command_is_consistent() {
        command_line::command::<Cli>(Tool::Pub).debug_assert();
    }

    #[test]
    fn payload_sources() {
        let cases: [(&[&str], PayloadSource); 8] = [
            (
                &["-m", "hi"],
                PayloadSource::Message(Bytes::from_static(b"hi")),
            ),
            (&["--message", ""], PayloadSource::Message(Bytes::new())),
            (
                &["-m", "-x"],
                PayloadSource::Message(Bytes::from_static(b"-x")),
            ),
            (&["-f", "data.bin"], PayloadSource::File("data.bin".into())),
            (&["--file", "-"], PayloadSource::File("-".into())),
            (&["-s"], PayloadSource::Stdin),
            (&["--stdin-line"], PayloadSource::Lines),
            (&["-n"], PayloadSource::Null),
        ];
        for (source_args, source) in cases {
            let mut args = vec!["-t", "a/b"];
            args.extend_from_slice(source_args);
            assert_eq!(config(&args).source, source, "{args:?}");
        }
    }

    #[test]
    fn own_options() {
        let config = config(&[
            "-t",
            "a",
            "-m",
            "x",
            "-q",
            "2",
            "-r",
            "--repeat",
            "3",
            "--repeat-delay",
            "0.25",
        ]);
        assert_eq!(config.topic, "a");
        assert_eq!(config.qos, Qos::ExactlyOnce);
        assert!(config.retain);
        assert_eq!(config.repeat_count, 3);
        assert_eq!(config.repeat_delay, Duration::from_millis(250));

        let defaults = self::config(&["-t", "a", "-n"]);
        assert_eq!(defaults.qos, Qos::AtMostOnce);
        assert!(!defaults.retain);
        assert_eq!(defaults.repeat_count, 1);
        assert_eq!(defaults.repeat_delay, Duration::ZERO);
        assert_eq!(
            defaults.connection.address,
            Address::Tcp {
                host: "localhost".into(),
                port: 1883
            }
        );
        assert_eq!(defaults.connection.version, MqttVersion::V311);
    }

    #[test]
    fn topic_from_the_last_of_t_and_url() {
        let cases: [(&[&str], &str); 4] = [
            (&["-t", "one", "-t", "two"], "two"),
            (&["-t", "one", "-L", "mqtt://h/two"], "two"),
            (&["-L", "mqtt://h/one", "-t", "two"], "two"),
            (
                &["-L", "mqtt://h/one", "-L", "mqtt://h/two/three"],
                "two/three",
            ),
        ];
        for (topic_args, topic) in cases {
            let mut args = topic_args.to_vec();
            args.extend_from_slice(&["-m", "x"]);
            assert_eq!(config(&args).topic, topic, "{args:?}");
        }
    }

    #[test]
    fn errors() {
        let only_one = "Error: Only one type of message can be sent at once.\n\n";
        let hinted: [(&[&str], &str); 14] = [
            (&["-t", "a", "-m", "x", "-m", "y"], only_one),
            (&["-t", "a", "-m", "x", "-n"], only_one),
            (&["-t", "a", "-l", "-l"], only_one),
            (&["-t", "a", "-s", "-f", "f"], only_one),
            (
                &["-t", "a+", "-m", "x"],
                "Error: Invalid publish topic 'a+', does it contain '+' or '#'?\n",
            ),
            (
                &["-t", "", "-m", "x"],
                "Error: Invalid publish topic '', does it contain '+' or '#'?\n",
            ),
            (
                &["-t"],
                "Error: -t argument given but no topic specified.\n\n",
            ),
            (
                &["-t", "a", "-m"],
                "Error: -m argument given but no message specified.\n\n",
            ),
            (
                &["-t", "a", "-f"],
                "Error: -f argument given but no file specified.\n\n",
            ),
            (
                &["-q"],
                "Error: -q argument given but no QoS specified.\n\n",
            ),
            (&["-q", "3"], "Error: Invalid QoS given: 3\n"),
            (
                &["--repeat", "0"],
                "Error: --repeat argument must be >0.\n\n",
            ),
            (
                &["--repeat-delay", "-1"],
                "Error: --repeat-delay argument must be >=0.0.\n\n",
            ),
            (
                &["--repeat-delay"],
                "Error: --repeat-delay argument given but no time specified.\n\n",
            ),
        ];
        for (args, text) in hinted {
            let err = error(args);
            assert_eq!(err.message(), text, "{args:?}");
            assert_eq!(err.follow_up(), &FollowUp::HelpHint, "{args:?}");
        }

        // Options of mqsub are unknown here, as in mosquitto_pub.
        for flag in [
            "-C",
            "-E",
            "-F",
            "-N",
            "-R",
            "-T",
            "-U",
            "-v",
            "-W",
            "-w",
            "--pretty",
            "--retained-only",
            "--remove-retained",
            "--random-filter",
            "--message-rate",
            "--retain-as-published",
            "--retain-handling",
            "--watch",
            "--verbose",
        ] {
            assert_eq!(
                error(&[flag]).message(),
                format!("Error: Unknown option '{flag}'.\n"),
                "{flag}"
            );
        }

        for args in [&["-t", "a"][..], &["-m", "x"], &[], &["-q", "1"]] {
            let err = error(args);
            assert_eq!(
                err.message(),
                "Error: Both topic and message must be supplied.\n"
            );
            assert_eq!(err.follow_up(), &FollowUp::Usage(usage::help(Tool::Pub)));
        }

        // Shared checks still apply, in mosquitto's order.
        assert_eq!(
            error(&["-c", "-t", "a"]).message(),
            "Error: You must provide a client id if you are using the -c option.\n"
        );
        assert_eq!(
            error(&["-t", "a", "-m", "x", "-i", ""]).message(),
            "Error: Invalid id.\n"
        );
    }

    #[test]
    fn help_and_version() {
        assert_eq!(
            run(&["--help"]).unwrap(),
            Parsed::Help(usage::help(Tool::Pub))
        );
        assert_eq!(
            run(&["--version"]).unwrap(),
            Parsed::Version(usage::version(Tool::Pub))
        );
    }
}
