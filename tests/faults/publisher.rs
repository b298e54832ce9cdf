//! `mqpub -l` (and mosquitto 2.1's `mosquitto_pub -l`) streaming numbered lines while the
//! broker fails, counted by two of Debian's `mosquitto_sub -c -i`, each on a persistent session:
//!
//! - the *loss counter*, at QoS 1, says what was lost. libmosquitto prints a QoS 1 message as it
//!   arrives and only then acknowledges it, so nothing the broker delivered escapes it. (The
//!   QoS 2 counter does not do for this: across a broker restart libmosquitto 2.0.11 sometimes
//!   answers the broker's repeated PUBREL for a message it never printed, and the message is
//!   gone although the broker delivered it.)
//! - the *duplicate counter*, at QoS 2, says what was duplicated and reordered: libmosquitto
//!   recognises a QoS 2 message sent again before it was released, where the loss counter
//!   prints every redelivery.
//!
//! Not every duplicate the QoS 2 counter prints is the publisher's: after a restart mosquitto
//! 2.0.11 sends it again messages it had already delivered, and it prints some of them twice.
//! So the figures also say how many PUBLISH packets the broker accepted beyond one per line
//! (*resent*), how many of those came as new messages rather than with DUP (*new copies*: the
//! publisher's doing), and how often the broker sent the counter a message again
//! (*redelivered*: the broker's doing), all from the broker's log.
//!
//! Each case: a fresh persistent broker and the two counters; the publisher reads a named
//! pipe that holds every line; halfway through (by the loss counter's count) the fault strikes;
//! the input ends only once the stream is over (everything arrived, or nothing more arrives),
//! so a client that stops at end of input is not cut short; then the publisher must exit and
//! the counters' output is counted.
//!
//! The fault lands halfway, never earlier, for the duplicate counter's sake: libmosquitto keeps
//! a second copy of a QoS 2 message that a restarted broker resends before PUBREL, and hands
//! that stale copy out in place of the message that reuses its packet id 65 535 messages later.
//! With the fault past the middle of 100 000 messages, no packet id comes round again.

use std::time::{Duration, Instant};

use mqtt_test_support::{Input, RunOutput, Running, Subscriber};

use crate::common::{self, line_count, numbered_lines, Feeder, Stillness, Tally};
use crate::fault::{outage_notes, persistent_broker, Fault, Stream, Tool, KEEPALIVE};

const TOPIC: &str = "faults/stream";
const COUNTER_ID: &str = "e2e-counter";
const LOSS_COUNTER_ID: &str = "e2e-loss-counter";
const PUBLISHER_ID: &str = "e2e-publisher";

/// The main restart scenario's stream.
const LONG: usize = 100_000;
/// Every other case's stream: enough to be mid-stream when the fault strikes.
const SHORT: usize = 20_000;

/// How long nothing may arrive before a stream counts as over (backoff included).
const QUIET: Duration = Duration::from_secs(5);
/// How long nothing may arrive before a stream counts as stalled before the fault.
const STALL: Duration = Duration::from_secs(20);
/// The most a stream may take to get halfway, or to finish after the fault.
const STREAM_LIMIT: Duration = Duration::from_secs(240);
/// The most a publisher may take to exit after its input ended.
const EXIT_LIMIT: Duration = Duration::from_secs(60);

/// Whether the publisher keeps a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Session {
    Clean,
    /// `-c -i ID`.
    Persistent,
}

#[derive(Debug, Clone, Copy)]
struct Case {
    fault: Fault,
    qos: u8,
    session: Session,
    lines: usize,
}

/// How one publisher fared.
struct Outcome {
    tally: Tally,
    /// PUBLISH packets the broker accepted beyond one per line, by its log.
    resent: usize,
    /// Messages the broker sent the duplicate counter again (with DUP), by its log.
    redelivered: usize,
    /// First sends (without DUP) the broker accepted beyond one per line: copies of a line
    /// the publisher sent as new messages, by the broker's log.
    sent_anew: usize,
    /// The publisher, once it ended.
    run: RunOutput,
    /// Whether the stream was halfway when the fault struck (it struck regardless).
    halfway: bool,
    took: Duration,
}

impl Case {
    fn label(&self) -> String {
        let session = match self.session {
            Session::Clean => "clean",
            Session::Persistent => "-c",
        };
        format!(
            "{:<6} qos {} {:<5} {:>6} lines",
            self.fault.name(),
            self.qos,
            session,
            self.lines
        )
    }

    fn args(&self, port: u16) -> Vec<String> {
        let mut args: Vec<String> = ["-h", "127.0.0.1", "-p", &port.to_string(), "-t", TOPIC]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(["-q".to_string(), self.qos.to_string(), "-l".to_string()]);
        if self.session == Session::Persistent {
            args.extend(["-c", "-i", PUBLISHER_ID].map(String::from));
        }
        if self.fault == Fault::Freeze {
            args.extend(["-k", KEEPALIVE].map(String::from));
        }
        args
    }
}

/// Runs the case for mqpub, then for mosquitto_pub 2.1 if installed; prints both figures and
/// checks ours.
fn run(case: Case) {
    let outcome = compare(&case);
    check(&case, &outcome);
}

/// Runs and prints the case for both tools; returns how ours fared.
fn compare(case: &Case) -> Outcome {
    let _serial = common::exclusive();
    let ours = Tool::mqpub();
    let outcome = publish_through(case, &ours);
    report(case, &ours, &outcome);
    if let Some(reference) = Tool::reference("mosquitto_pub", "mosquitto_pub 2.1") {
        report(case, &reference, &publish_through(case, &reference));
    }
    outcome
}

fn publish_through(case: &Case, tool: &Tool) -> Outcome {
    let started = Instant::now();
    let mut broker = persistent_broker().start();
    let loss_counter = Subscriber::start(
        &broker,
        &["-c", "-i", LOSS_COUNTER_ID, "-q", "1", "-t", TOPIC],
    );
    let counter = Subscriber::start(&broker, &["-c", "-i", COUNTER_ID, "-q", "2", "-t", TOPIC]);
    let mut feeder = Feeder::new(numbered_lines(case.lines));
    let mut cmd = feeder.command(&tool.path, &case.args(broker.port()));
    let mut publisher = Running::spawn(&mut cmd, Input::Null);

    let halfway = stream_until(&loss_counter, case.lines / 2, &mut publisher);
    // A reference publisher may have ended already; there is nothing to hold then.
    let running = publisher.try_exit().is_none();
    let counted = || loss_counter.output();
    let stream = Stream {
        publisher: &publisher,
        counted: &counted,
    };
    case.fault.strike(&mut broker, running.then_some(&stream));
    wait_until_over(&loss_counter, &feeder, &mut publisher, case.lines);
    feeder.close();
    let run = publisher.wait(EXIT_LIMIT);
    let losses = common::settle(|| loss_counter.output(), case.lines, QUIET, STREAM_LIMIT);
    let copies = common::settle(|| counter.output(), case.lines, QUIET, STREAM_LIMIT);
    let tally = Tally {
        lost: losses.lost,
        foreign: losses.foreign + copies.foreign,
        ..copies
    };
    let log = broker.log();
    let accepted = log.matches("Received PUBLISH from ").count();
    let first_sends = log
        .lines()
        .filter(|line| line.contains("Received PUBLISH from ") && line.contains(" (d0, "))
        .count();
    let redelivery = format!("Sending PUBLISH to {COUNTER_ID} (d1,");
    Outcome {
        resent: accepted.saturating_sub(case.lines - tally.lost),
        redelivered: log.matches(&redelivery).count(),
        sent_anew: first_sends.saturating_sub(case.lines - tally.lost),
        tally,
        run,
        halfway,
        took: started.elapsed(),
    }
}

/// Waits until the counter has `target` lines; `false` if the publisher ended, the stream
/// stalled or the limit passed first.
fn stream_until(counter: &Subscriber, target: usize, publisher: &mut Running) -> bool {
    let mut still = Stillness::new();
    let mut reached = false;
    common::wait_until(STREAM_LIMIT, || {
        let output = counter.output();
        reached = line_count(&output) >= target;
        reached || publisher.try_exit().is_some() || still.observe(&output) >= STALL
    });
    reached
}

/// Waits until every line is in the publisher's hands and the stream is over: everything
/// arrived, or nothing arrived for [`QUIET`]; or until the publisher ended.
fn wait_until_over(counter: &Subscriber, feeder: &Feeder, publisher: &mut Running, lines: usize) {
    let mut still = Stillness::new();
    common::wait_until(STREAM_LIMIT, || {
        let output = counter.output();
        let quiet = still.observe(&output) >= QUIET;
        publisher.try_exit().is_some()
            || (feeder.all_written() && (quiet || Tally::count(&output, lines).complete()))
    });
}

fn report(case: &Case, tool: &Tool, outcome: &Outcome) {
    let ending = match (outcome.run.timed_out, outcome.run.code()) {
        (true, _) => "killed (hung)".to_string(),
        (false, Some(code)) => format!("exit {code}"),
        (false, None) => "killed by a signal".to_string(),
    };
    println!(
        "[publisher] {}  {:<17}  {}  resent {:>4}  new copies {:>3}  redelivered {:>4}  {}  notes {}  \
         {:.1} s{}",
        case.label(),
        tool.name,
        outcome.tally,
        outcome.resent,
        outcome.sent_anew,
        outcome.redelivered,
        ending,
        outage_notes(&outcome.run.stderr_text()),
        outcome.took.as_secs_f64(),
        if outcome.halfway {
            ""
        } else {
            "  (fault before halfway)"
        }
    );
}

/// What our publisher promises.
fn check(case: &Case, outcome: &Outcome) {
    let Outcome {
        tally,
        run,
        halfway,
        ..
    } = outcome;
    let context = format!("{}: {tally}\n{run}", case.label());
    assert!(halfway, "the stream stalled before the fault: {context}");
    assert_eq!(run.code(), Some(0), "{context}");
    assert_eq!(outage_notes(&run.stderr_text()), 1, "{context}");
    assert_eq!(tally.foreign, 0, "{context}");
    if case.qos >= 1 {
        assert_eq!(
            tally.lost, 0,
            "nothing may be lost at QoS 1 and 2: {context}"
        );
    }
    if case.qos == 2 && case.session == Session::Persistent {
        // The publisher's share of duplicates: a line sent again as a new message. A resend
        // with DUP of a message the broker still holds is the protocol working, not a copy.
        assert_eq!(
            outcome.sent_anew, 0,
            "nothing may be sent twice at QoS 2 with a session: {context}"
        );
        // The duplicate counter prints again some of what the restarted broker redelivers to it
        // (see the module notes); every duplicate it printed must be one of those.
        assert!(
            tally.duplicated <= outcome.redelivered,
            "a duplicate the broker did not redeliver at QoS 2 with a session: {context}, \
             redelivered {}",
            outcome.redelivered
        );
    }
}

/// One test per fault, QoS and session.
macro_rules! cases {
    ($($name:ident: $fault:ident, $qos:literal, $session:ident, $lines:ident;)*) => {
        $(
            #[test]
            fn $name() {
                run(Case {
                    fault: Fault::$fault,
                    qos: $qos,
                    session: Session::$session,
                    lines: $lines,
                });
            }
        )*
    };
}

cases! {
    kill_qos0_clean: Kill, 0, Clean, SHORT;
    kill_qos0_session: Kill, 0, Persistent, SHORT;
    kill_qos1_clean: Kill, 1, Clean, SHORT;
    kill_qos1_session: Kill, 1, Persistent, LONG;
    kill_qos2_clean: Kill, 2, Clean, SHORT;
    kill_qos2_session: Kill, 2, Persistent, LONG;
    stop_qos0_clean: Stop, 0, Clean, SHORT;
    stop_qos0_session: Stop, 0, Persistent, SHORT;
    stop_qos1_clean: Stop, 1, Clean, SHORT;
    stop_qos1_session: Stop, 1, Persistent, LONG;
    stop_qos2_clean: Stop, 2, Clean, SHORT;
    stop_qos2_session: Stop, 2, Persistent, LONG;
    freeze_qos0_clean: Freeze, 0, Clean, SHORT;
    freeze_qos0_session: Freeze, 0, Persistent, SHORT;
    freeze_qos1_clean: Freeze, 1, Clean, SHORT;
    freeze_qos1_session: Freeze, 1, Persistent, SHORT;
    freeze_qos2_clean: Freeze, 2, Clean, SHORT;
    freeze_qos2_session: Freeze, 2, Persistent, SHORT;
}

/// The broker's own losses: killed at a random moment, it forgets what it acknowledged since
/// its last save. Reported, never asserted; run with `--ignored`.
#[test]
#[ignore = "reports the broker's losses, asserts nothing"]
fn crash_qos1_session() {
    compare(&Case {
        fault: Fault::Crash,
        qos: 1,
        session: Session::Persistent,
        lines: LONG,
    });
}

/// As [`crash_qos1_session`], at QoS 2.
#[test]
#[ignore = "reports the broker's losses, asserts nothing"]
fn crash_qos2_session() {
    compare(&Case {
        fault: Fault::Crash,
        qos: 2,
        session: Session::Persistent,
        lines: LONG,
    });
}
