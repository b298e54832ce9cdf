//! mqsub's command line: its own options on top of the shared groups, and the checks that
//! turn them into a [`SubConfig`].
//!
//! Rules (mosquitto_sub's):
//! - topics come from `-t` and `-L`, in command-line order; at least one topic or `-U` filter
//!   is required;
//! - `-R` and `--retained-only` contradict each other;
//! - `-R` also asks an MQTT 5 broker not to send retained messages; with `--retain-handling`
//!   the last one given decides (mosquitto ORs the bits, which can give the invalid value 3);
//! - `--message-rate` turns `--watch` off;
//! - with MQTT 5, `-C n` below 20 announces a receive maximum of `n` (unless `-D connect
//!   receive-maximum` says otherwise), so the broker sends no more than needed before we stop.
//!
//! The `-F` format string is carried unchecked; the output formatter reads it.

use std::ffi::OsString;

use clap::{ArgAction, Parser};
use mqtt_cli_common::args::{ids, CommonArgs};
use mqtt_cli_common::command_line::{self, CommandLine, Parsed};
use mqtt_cli_common::config::{ConnectionConfig, Qos};
use mqtt_cli_common::{lower, values, Environment, Tool, UsageError};

/// mqsub's options.
#[derive(Debug, Parser)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,

    #[arg(short = 't', long = "topic", value_name = "topic", action = ArgAction::Append,
          value_parser = values::raw(values::subscribe_topic))]
    pub topic: Vec<String>,

    #[arg(short = 'T', long = "filter-out", value_name = "topic filter", action = ArgAction::Append,
          value_parser = values::raw(values::filter_out_topic))]
    pub filter_out: Vec<String>,

    #[arg(short = 'U', long = "unsubscribe", value_name = "unsubscribe topic",
          action = ArgAction::Append, value_parser = values::raw(values::unsubscribe_topic))]
    pub unsubscribe: Vec<String>,

    #[arg(short = 'q', long = "qos", value_name = "QoS", value_parser = values::raw(values::qos))]
    pub qos: Option<Qos>,

    #[arg(short = 'C', value_name = "count", value_parser = values::raw(values::message_count))]
    pub count: Option<u32>,

    #[arg(short = 'E')]
    pub exit_after_sub: bool,

    #[arg(short = 'W', value_name = "timeout", value_parser = values::raw(values::timeout))]
    pub timeout: Option<u32>,

    #[arg(short = 'R')]
    pub no_retained: bool,

    #[arg(short = 'N')]
    pub no_eol: bool,

    #[arg(short = 'v', long = "verbose")]
    pub verbose: bool,

    #[arg(short = 'F', value_name = "format", value_parser = values::text("-F"))]
    pub format: Option<String>,

    #[arg(long = "pretty")]
    pub pretty: bool,

    #[arg(short = 'w', long = "watch")]
    pub watch: bool,

    #[arg(long = "message-rate")]
    pub message_rate: bool,

    #[arg(long = "retained-only")]
    pub retained_only: bool,

    #[arg(long = "remove-retained")]
    pub remove_retained: bool,

    #[arg(long = "retain-as-published")]
    pub retain_as_published: bool,

    #[arg(long = "retain-handling", value_name = "option",
          value_parser = values::raw(values::retain_handling))]
    pub retain_handling: Option<u8>,

    #[arg(long = "random-filter", value_name = "chance",
          value_parser = values::raw(values::random_filter))]
    pub random_filter: Option<f64>,
}

/// How received messages are printed.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputOptions {
    /// `-v`: topic before payload.
    pub verbose: bool,
    /// A newline after each message (`-N` turns it off).
    pub eol: bool,
    /// `-F`: the format string, as given.
    pub format: Option<String>,
    /// `--pretty`: indented JSON.
    pub pretty: bool,
    /// `-w`: one line per topic, updated in place.
    pub watch: bool,
    /// `--message-rate`: print messages per second instead of messages.
    pub message_rate: bool,
}

/// Everything mqsub needs to run.
#[derive(Debug, Clone, PartialEq)]
pub struct SubConfig {
    pub connection: ConnectionConfig,
    /// Filters to subscribe to, in command-line order (`-t` and `-L`).
    pub topics: Vec<String>,
    /// `-T`: drop messages on topics matching these.
    pub filter_out: Vec<String>,
    /// `-U`: unsubscribe from these after connecting.
    pub unsubscribe: Vec<String>,
    pub qos: Qos,
    /// `-C`: exit after this many messages.
    pub count: Option<u32>,
    /// `-E`: exit once subscribed.
    pub exit_after_sub: bool,
    /// `-W`: exit after this many seconds.
    pub timeout: Option<u32>,
    /// `-R`: skip retained messages.
    pub no_retained: bool,
    /// `--retained-only`: only retained messages; stop at the first live one.
    pub retained_only: bool,
    /// `--remove-retained`: clear the retained messages received.
    pub remove_retained: bool,
    /// `--retain-as-published` (MQTT 5 subscription option).
    pub retain_as_published: bool,
    /// MQTT 5 retain handling: 0 always, 1 only for new subscriptions, 2 never.
    pub retain_handling: u8,
    /// `--random-filter`: the fraction of messages to print (0.001..1.0); `None`: all.
    pub random_filter: Option<f64>,
    pub output: OutputOptions,
}

/// `--retain-handling never`.
const RETAIN_NEVER: u8 = 2;

/// Parses mqsub's command line (program name first) in this process's environment.
pub fn parse(args: Vec<OsString>) -> Result<Parsed<SubConfig>, UsageError> {
    parse_with(args, &Environment::from_process())
}

/// [`parse`] with a given environment.
pub fn parse_with(args: Vec<OsString>, env: &Environment) -> Result<Parsed<SubConfig>, UsageError> {
    command_line::parse::<Cli>(Tool::Sub, args, env)?.try_map(|line| lower(line, env))
}

fn lower(line: CommandLine<Cli>, env: &Environment) -> Result<SubConfig, UsageError> {
    let CommandLine { cli, order } = line;
    let draft = lower::connection(&cli.common, &order, Tool::Sub, env)?;

    let mut own = cli.topic.iter();
    let mut from_urls = draft.url_topics().iter();
    let topics: Vec<String> = order
        .sequence(&[ids::TOPIC, ids::URL])
        .filter_map(|id| {
            if id == ids::URL {
                from_urls.next()
            } else {
                own.next()
            }
        })
        .cloned()
        .collect();
    if topics.is_empty() && cli.unsubscribe.is_empty() {
        return Err(UsageError::hinted(
            "Error: You must specify a topic to subscribe to (-t) or unsubscribe from (-U).\n",
        ));
    }
    if cli.no_retained && cli.retained_only {
        return Err(UsageError::unhinted(
            "\nError: Combining '-R' and '--retained-only' makes no sense.\n",
        ));
    }

    let retain_handling = match order.last_of(&["no_retained", "retain_handling"]) {
        Some("no_retained") => RETAIN_NEVER,
        _ => cli.retain_handling.unwrap_or(0),
    };

    let mut connection = draft.finish()?;
    if let Some(count) = cli.count {
        lower::limit_receive_maximum(&mut connection, count);
    }

    Ok(SubConfig {
        connection,
        topics,
        filter_out: cli.filter_out,
        unsubscribe: cli.unsubscribe,
        qos: cli.qos.unwrap_or_default(),
        count: cli.count,
        exit_after_sub: cli.exit_after_sub,
        timeout: cli.timeout,
        no_retained: cli.no_retained,
        retained_only: cli.retained_only,
        remove_retained: cli.remove_retained,
        retain_as_published: cli.retain_as_published,
        retain_handling,
        random_filter: cli.random_filter.filter(|fraction| *fraction < 1.0),
        output: OutputOptions {
            verbose: cli.verbose,
            eol: !cli.no_eol,
            format: cli.format,
            pretty: cli.pretty,
            watch: cli.watch && !cli.message_rate,
            message_rate: cli.message_rate,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_cli_common::usage;
    use mqtt_cli_common::usage_error::FollowUp;

    fn run(args: &[&str]) -> Result<Parsed<SubConfig>, UsageError> {
        let argv = std::iter::once("mqsub").chain(args.iter().copied());
        parse_with(argv.map(OsString::from).collect(), &Environment::default())
    }

    fn config(args: &[&str]) -> SubConfig {
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
        command_line::command::<Cli>(Tool::Sub).debug_assert();
    }

    #[test]
    fn topics_in_order() {
        let cases: [(&[&str], &[&str]); 4] = [
            (&["-t", "a", "-t", "b/+"], &["a", "b/+"]),
            (
                &["-t", "a", "-L", "mqtt://h/b/#", "--topic", "c"],
                &["a", "b/#", "c"],
            ),
            (&["-L", "mqtt://h/x", "-t", "y"], &["x", "y"]),
            (&["-U", "gone"], &[]),
        ];
        for (args, topics) in cases {
            assert_eq!(config(args).topics, topics, "{args:?}");
        }
    }

    #[test]
    fn defaults() {
        let config = config(&["-t", "a"]);
        assert_eq!(
            config,
            SubConfig {
                connection: config.connection.clone(),
                topics: vec!["a".into()],
                filter_out: vec![],
                unsubscribe: vec![],
                qos: Qos::AtMostOnce,
                count: None,
                exit_after_sub: false,
                timeout: None,
                no_retained: false,
                retained_only: false,
                remove_retained: false,
                retain_as_published: false,
                retain_handling: 0,
                random_filter: None,
                output: OutputOptions {
                    verbose: false,
                    eol: true,
                    format: None,
                    pretty: false,
                    watch: false,
                    message_rate: false,
                },
            }
        );
    }

    #[test]
    fn own_options() {
        let config = config(&[
            "-t",
            "a",
            "-T",
            "a/x",
            "--filter-out",
            "a/+/y",
            "-U",
            "old",
            "--unsubscribe",
            "older",
            "-q",
            "1",
            "-C",
            "5",
            "-E",
            "-W",
            "9",
            "-v",
            "-N",
            "-F",
            "%t %p",
            "--pretty",
            "-w",
            "--retained-only",
            "--remove-retained",
            "--retain-as-published",
            "--retain-handling",
            "new",
            "--random-filter",
            "25",
        ]);
        assert_eq!(config.filter_out, ["a/x", "a/+/y"]);
        assert_eq!(config.unsubscribe, ["old", "older"]);
        assert_eq!(config.qos, Qos::AtLeastOnce);
        assert_eq!(config.count, Some(5));
        assert!(config.exit_after_sub);
        assert_eq!(config.timeout, Some(9));
        assert!(config.retained_only && config.remove_retained && config.retain_as_published);
        assert_eq!(config.retain_handling, 1);
        assert_eq!(config.random_filter, Some(0.25));
        assert_eq!(
            config.output,
            OutputOptions {
                verbose: true,
                eol: false,
                format: Some("%t %p".into()),
                pretty: true,
                watch: true,
                message_rate: false,
            }
        );
        // MQTT 3.1.1: no receive maximum is announced.
        assert_eq!(config.connection.properties.connect, None);
    }

    #[test]
    fn cross_option_rules() {
        // (args, retain handling, no_retained)
        let cases: [(&[&str], u8, bool); 5] = [
            (&["-t", "a", "-R"], 2, true),
            (&["-t", "a", "-R", "--retain-handling", "always"], 0, true),
            (&["-t", "a", "--retain-handling", "new", "-R"], 2, true),
            (&["-t", "a", "--retain-handling", "never"], 2, false),
            (&["-t", "a"], 0, false),
        ];
        for (args, handling, no_retained) in cases {
            let config = config(args);
            assert_eq!(config.retain_handling, handling, "{args:?}");
            assert_eq!(config.no_retained, no_retained, "{args:?}");
        }

        let rate = config(&["-t", "a", "-w", "--message-rate"]);
        assert!(!rate.output.watch && rate.output.message_rate);
        assert_eq!(
            config(&["-t", "a", "--random-filter", "100"]).random_filter,
            None
        );

        let receive_max = |args: &[&str]| {
            config(args)
                .connection
                .properties
                .connect
                .and_then(|c| c.receive_maximum)
        };
        assert_eq!(receive_max(&["-t", "a", "-V", "5", "-C", "3"]), Some(3));
        assert_eq!(receive_max(&["-t", "a", "-V", "5", "-C", "20"]), None);
        assert_eq!(
            receive_max(&[
                "-t",
                "a",
                "-C",
                "3",
                "-D",
                "connect",
                "receive-maximum",
                "7"
            ]),
            Some(7)
        );
    }

    #[test]
    fn errors() {
        let hinted: [(&[&str], &str); 12] = [
            (&[], "Error: You must specify a topic to subscribe to (-t) or unsubscribe from (-U).\n"),
            (&["-q", "1"], "Error: You must specify a topic to subscribe to (-t) or unsubscribe from (-U).\n"),
            (&["-t", "a/#/b"], "Error: Invalid subscription topic 'a/#/b', are all '+' and '#' wildcards correct?\n"),
            (&["-T", "a+"], "Error: Invalid filter topic 'a+', are all '+' and '#' wildcards correct?\n"),
            (&["-U", "#/a"], "Error: Invalid unsubscribe topic '#/a', are all '+' and '#' wildcards correct?\n"),
            (&["-T"], "Error: -T argument given but no topic filter specified.\n\n"),
            (&["-U"], "Error: -U argument given but no unsubscribe topic specified.\n\n"),
            (&["-C", "0"], "Error: Invalid message count \"0\".\n\n"),
            (&["-C"], "Error: -C argument given but no count specified.\n\n"),
            (&["-W", "0"], "Error: Invalid timeout \"0\".\n\n"),
            (&["-F"], "Error: -F argument given but no format specified.\n\n"),
            (&["--retain-handling", "x"], "Error: Unknown value 'x' for --retain-handling.\n\n"),
        ];
        for (args, text) in hinted {
            let err = error(args);
            assert_eq!(err.message(), text, "{args:?}");
            assert_eq!(err.follow_up(), &FollowUp::HelpHint, "{args:?}");
        }
        let more: [(&[&str], &str); 3] = [
            (
                &["-W"],
                "Error: -W argument given but no timeout specified.\n\n",
            ),
            (
                &["--random-filter", "0"],
                "Error: --random-filter chance must be between 0.1-100.0\n\n",
            ),
            (
                &["--random-filter"],
                "Error: --random-filter argument given but no chance specified.\n\n",
            ),
        ];
        for (args, text) in more {
            assert_eq!(error(args).message(), text, "{args:?}");
        }

        let combined = error(&["-t", "a", "-R", "--retained-only"]);
        assert_eq!(
            combined.message(),
            "\nError: Combining '-R' and '--retained-only' makes no sense.\n"
        );
        assert_eq!(combined.follow_up(), &FollowUp::Nothing);

        // Options of mqpub are unknown here, as in mosquitto_sub.
        for flag in [
            "-m",
            "-f",
            "-s",
            "-l",
            "-n",
            "-r",
            "--repeat",
            "--repeat-delay",
            "--message",
            "--file",
            "--stdin-file",
            "--stdin-line",
            "--null-message",
            "--retain",
        ] {
            assert_eq!(
                error(&[flag]).message(),
                format!("Error: Unknown option '{flag}'.\n"),
                "{flag}"
            );
        }

        assert_eq!(
            error(&["-t", "a", "-i", ""]).message(),
            "Error: Invalid id and/or clean_session.\n"
        );
    }

    #[test]
    fn help_and_version() {
        assert_eq!(
            run(&["--help"]).unwrap(),
            Parsed::Help(usage::help(Tool::Sub))
        );
        assert_eq!(
            run(&["--version"]).unwrap(),
            Parsed::Version(usage::version(Tool::Sub))
        );
    }
}
