//! An independent subscriber: Debian's `mosquitto_sub`, so what our publisher sent is checked by
//! code that is not ours.
//!
//! Rules: it connects to the broker's plain listener unless the caller's arguments say otherwise
//! (they come after ours, and mosquitto_sub lets the last one win); `start` returns only once the
//! broker has logged the SUBACK for this client, so a message published afterwards is certain to
//! reach it. The client is found in the log by its id: the caller's `-i`/`--id-prefix`, or one
//! made up here. Its standard output is collected as it arrives; every wait has a deadline.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::broker::Broker;
use crate::run::{command, Input, RunOutput, Running};
use crate::tools::MOSQUITTO_SUB;

/// How long subscribing may take.
const SUBSCRIBE_TIMEOUT: Duration = Duration::from_secs(15);

/// How much of the broker log a failure message shows.
const LOG_TAIL_LINES: usize = 40;

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A running `mosquitto_sub`, subscribed and collecting what it prints.
#[derive(Debug)]
pub struct Subscriber {
    process: Running,
    client_id: String,
}

/// How the caller's arguments settle the client id.
#[derive(Debug, Clone, PartialEq, Eq)]
enum IdArg {
    /// `-i ID` / `--id ID`.
    Given(String),
    /// `--id-prefix P`: mosquitto_sub appends its process id.
    Prefix(String),
    /// Neither: one is added.
    Missing,
}

impl Subscriber {
    /// Starts `mosquitto_sub -h 127.0.0.1 -p <broker.port()> [-i <id>] ARGS` and waits until it
    /// is subscribed. `args` are mosquitto_sub's own, e.g. `["-t", "#", "-v", "-q", "1"]`; a
    /// `-p`, `--unix` or `-L` among them overrides the plain listener.
    ///
    /// Panics with its output and the broker log if it does not subscribe in time (test code).
    pub fn start(broker: &Broker, args: &[&str]) -> Subscriber {
        let id_arg = client_id_arg(args);
        let mut cmd = command(MOSQUITTO_SUB.require());
        cmd.args(["-h", broker.host(), "-p", &broker.port().to_string()]);
        let made_up = format!(
            "mqtt-test-sub-{}-{}",
            std::process::id(),
            NEXT_ID.fetch_add(1, Ordering::Relaxed)
        );
        if id_arg == IdArg::Missing {
            cmd.args(["-i", &made_up]);
        }
        cmd.args(args);

        let log = broker.log_file();
        let offset = log.offset();
        let mut process = Running::spawn(&mut cmd, Input::Null);
        let client_id = match id_arg {
            IdArg::Given(id) => id,
            IdArg::Prefix(prefix) => format!("{prefix}{}", process.pid()),
            IdArg::Missing => made_up,
        };
        let mut exited = false;
        let subscribed = log.wait_for(offset, Instant::now() + SUBSCRIBE_TIMEOUT, |text| {
            if suback_sent(text, &client_id) {
                return true;
            }
            exited = process.try_exit().is_some();
            exited
        }) && !exited;
        if !subscribed {
            let ending = if exited { "exited" } else { "timed out" };
            let out = process.wait(Duration::from_secs(1));
            panic!(
                "mosquitto_sub {args:?} (client {client_id}) {ending} before subscribing: {out}\n--- broker log (end) ---\n{}",
                tail(&log.text_since(0), LOG_TAIL_LINES)
            );
        }
        Subscriber { process, client_id }
    }

    /// The client id the subscriber connected with.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The complete lines printed so far.
    pub fn lines(&self) -> Vec<String> {
        self.process.lines()
    }

    /// Every byte printed so far (for `-N` or binary payloads).
    pub fn output(&self) -> Vec<u8> {
        self.process.stdout()
    }

    /// What it printed on standard error so far.
    pub fn stderr(&self) -> String {
        self.process.stderr_text()
    }

    /// Waits until at least `count` lines were printed and returns all of them, or `None` if
    /// the deadline passed (or mosquitto_sub exited) first.
    pub fn try_wait_for(&self, count: usize, timeout: Duration) -> Option<Vec<String>> {
        self.process.wait_for_lines(count, timeout)
    }

    /// Waits until at least `count` lines were printed and returns all of them.
    ///
    /// Panics with what arrived if they do not in time (test code).
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<String> {
        match self.try_wait_for(count, timeout) {
            Some(lines) => lines,
            None => panic!(
                "mosquitto_sub (client {}) printed {} of {count} lines within {timeout:?}: {:?}\n--- stderr ---\n{}",
                self.client_id,
                self.lines().len(),
                self.lines(),
                self.stderr()
            ),
        }
    }

    /// Waits for a subscriber that ends by itself (`-C`, `-E`, `-W`); kills it after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> RunOutput {
        self.process.wait(timeout)
    }

    /// Disconnects it (SIGTERM, so a `-c` session is kept) and returns every line it printed.
    pub fn stop(&mut self) -> Vec<String> {
        self.process.stop().stdout_lines()
    }
}

/// Whether the broker log holds the SUBACK for `client_id`. The whole line is matched so that
/// one id cannot be mistaken for another that ends the same way.
fn suback_sent(log: &str, client_id: &str) -> bool {
    let wanted = format!("Sending SUBACK to {client_id}");
    log.lines().any(|line| {
        line.strip_suffix(&wanted)
            .is_some_and(|stamp| stamp.is_empty() || stamp.ends_with(": "))
    })
}

/// The client id settled by mosquitto_sub arguments (the last one wins, as in mosquitto_sub).
fn client_id_arg(args: &[&str]) -> IdArg {
    let mut found = IdArg::Missing;
    for pair in args.windows(2) {
        match pair[0] {
            "-i" | "--id" => found = IdArg::Given(pair[1].to_string()),
            "-I" | "--id-prefix" => found = IdArg::Prefix(pair[1].to_string()),
            _ => {}
        }
    }
    found
}

fn tail(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(count)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_id_comes_from_the_arguments() {
        let cases: [(&[&str], IdArg); 7] = [
            (&["-t", "a"], IdArg::Missing),
            (&["-i", "me", "-t", "a"], IdArg::Given("me".into())),
            (&["--id", "me"], IdArg::Given("me".into())),
            (&["-I", "pre-"], IdArg::Prefix("pre-".into())),
            (&["--id-prefix", "pre-"], IdArg::Prefix("pre-".into())),
            (&["-i", "one", "-i", "two"], IdArg::Given("two".into())),
            // A trailing flag without a value is mosquitto_sub's error to report.
            (&["-t", "a", "-i"], IdArg::Missing),
        ];
        for (args, expected) in cases {
            assert_eq!(client_id_arg(args), expected, "{args:?}");
        }
    }

    #[test]
    fn suback_is_matched_on_the_whole_id() {
        let cases = [
            ("1700000000: Sending SUBACK to sub-1\n", "sub-1", true),
            ("Sending SUBACK to sub-1\n", "sub-1", true),
            ("1700000000: Sending SUBACK to sub-10\n", "sub-1", false),
            ("1700000000: Sending SUBACK to xsub-1\n", "sub-1", false),
            (
                "1700000000: Sending CONNACK to sub-1 (0, 0)\n",
                "sub-1",
                false,
            ),
            (
                "a\n1: Sending SUBACK to other\n2: Sending SUBACK to sub-1",
                "sub-1",
                true,
            ),
            ("", "sub-1", false),
        ];
        for (log, id, expected) in cases {
            assert_eq!(suback_sent(log, id), expected, "{log:?} {id}");
        }
    }

    #[test]
    fn tail_keeps_the_last_lines() {
        let cases = [
            ("a\nb\nc\n", 2, "b\nc"),
            ("a\nb\nc", 5, "a\nb\nc"),
            ("", 3, ""),
        ];
        for (text, count, expected) in cases {
            assert_eq!(tail(text, count), expected, "{text:?}");
        }
    }
}
