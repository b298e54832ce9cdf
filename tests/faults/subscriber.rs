//! `mqsub` (and mosquitto 2.1's `mosquitto_sub`) away across a broker restart, fed by Debian's
//! `mosquitto_pub`.
//!
//! Each case: a fresh persistent broker; the subscriber under test subscribes with a client id
//! (and `-c` for a persistent session); numbered messages are published in three batches:
//! 1. while it is there: it prints them at once;
//! 2. while it is held still (SIGSTOP): the broker queues them and pushes the first few into its
//!    socket, unacknowledged;
//! 3. after the broker was stopped or killed and restarted, before the subscriber is let go:
//!    they are queued for a session that is away.
//!
//! Then it is let go (SIGCONT): it reads what was left in its old socket, finds the connection
//! gone, reconnects and is sent the rest. With `-c` at QoS 1 and 2 it must print every message
//! in order; at QoS 2, each exactly once. A clean session loses what was sent while it was away,
//! by design of MQTT, so those figures are only reported.

use std::thread;
use std::time::{Duration, Instant};

use mqtt_test_support::{command, run_with_timeout, Broker, Input, Running, MOSQUITTO_PUB};

use crate::common::{self, line_count, numbered_range, Tally};
use crate::fault::{outage_notes, persistent_broker, Fault, Tool};

const TOPIC: &str = "faults/queue";
const SUBSCRIBER_ID: &str = "e2e-away";

/// Messages printed while the subscriber is there.
const PRESENT: usize = 1_000;
/// Messages queued while it is held still.
const HELD: usize = 3_000;
/// Messages queued after the restart, before it is back.
const AWAY: usize = 3_000;
const TOTAL: usize = PRESENT + HELD + AWAY;

/// How long nothing may arrive before the subscriber counts as having printed everything.
const QUIET: Duration = Duration::from_secs(5);
/// The most any one wait may take.
const LIMIT: Duration = Duration::from_secs(120);

/// Whether the subscriber keeps a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Session {
    Clean,
    /// `-c`.
    Persistent,
}

#[derive(Debug, Clone, Copy)]
struct Case {
    fault: Fault,
    qos: u8,
    session: Session,
}

impl Case {
    fn label(&self) -> String {
        let session = match self.session {
            Session::Clean => "clean",
            Session::Persistent => "-c",
        };
        format!(
            "{:<6} qos {} {:<5} {:>6} messages",
            self.fault.name(),
            self.qos,
            session,
            TOTAL
        )
    }

    fn args(&self, port: u16) -> Vec<String> {
        let port = port.to_string();
        let qos = self.qos.to_string();
        let mut args: Vec<String> = [
            "-h",
            "127.0.0.1",
            "-p",
            port.as_str(),
            "-t",
            TOPIC,
            "-q",
            qos.as_str(),
            "-i",
            SUBSCRIBER_ID,
        ]
        .map(String::from)
        .to_vec();
        if self.session == Session::Persistent {
            args.push("-c".into());
        }
        args
    }
}

/// How one subscriber fared.
struct Outcome {
    tally: Tally,
    exit: Option<i32>,
    stderr: String,
    took: Duration,
}

/// Runs the case for mqsub, then for mosquitto_sub 2.1 if installed; prints both figures and
/// checks ours.
fn run(case: Case) {
    let _serial = common::exclusive();
    let ours = Tool::mqsub();
    let outcome = subscribe_through(&case, &ours);
    report(&case, &ours, &outcome);
    if let Some(reference) = Tool::reference("mosquitto_sub", "mosquitto_sub 2.1") {
        report(&case, &reference, &subscribe_through(&case, &reference));
    }
    check(&case, &outcome);
}

fn subscribe_through(case: &Case, tool: &Tool) -> Outcome {
    let started = Instant::now();
    let mut broker = persistent_broker().start();
    let offset = broker.log_offset();
    let mut cmd = command(&tool.path);
    cmd.args(case.args(broker.port()));
    let mut subscriber = Running::spawn(&mut cmd, Input::Null);
    let suback = format!("Sending SUBACK to {SUBSCRIBER_ID}");
    if !broker.wait_for_log(offset, &suback, LIMIT) {
        let out = subscriber.wait(Duration::ZERO);
        panic!("{} did not subscribe: {out}\n{}", tool.name, broker.log());
    }

    publish(&broker, case.qos, 1, PRESENT);
    common::wait_until(LIMIT, || line_count(&subscriber.stdout()) >= PRESENT);
    subscriber.signal(libc::SIGSTOP);
    publish(&broker, case.qos, PRESENT + 1, PRESENT + HELD);
    // The broker is idle once the publisher is done; a moment more for its last packets.
    thread::sleep(Duration::from_secs(1));
    case.fault.strike(&mut broker, None);
    publish(&broker, case.qos, PRESENT + HELD + 1, TOTAL);
    subscriber.signal(libc::SIGCONT);

    let tally = common::settle(|| subscriber.stdout(), TOTAL, QUIET, LIMIT);
    let out = subscriber.stop();
    Outcome {
        tally,
        exit: if out.timed_out { None } else { out.code() },
        stderr: out.stderr_text(),
        took: started.elapsed(),
    }
}

/// Publishes the messages `first..=last` with Debian's mosquitto_pub, one per line.
fn publish(broker: &Broker, qos: u8, first: usize, last: usize) {
    let mut cmd = command(MOSQUITTO_PUB.require());
    let port = broker.port().to_string();
    let qos = qos.to_string();
    cmd.args([
        "-h",
        broker.host(),
        "-p",
        port.as_str(),
        "-t",
        TOPIC,
        "-q",
        qos.as_str(),
        "-l",
    ]);
    let out = run_with_timeout(&mut cmd, Some(&numbered_range(first, last)), LIMIT);
    assert!(out.success(), "mosquitto_pub {first}..={last}: {out}");
}

fn report(case: &Case, tool: &Tool, outcome: &Outcome) {
    let ending = match outcome.exit {
        Some(0) => "exit 0".to_string(),
        Some(code) => format!("exit {code} ({})", last_line(&outcome.stderr)),
        None => "killed (hung)".to_string(),
    };
    println!(
        "[subscriber] {}  {:<17}  {}  {}  notes {}  {:.1} s",
        case.label(),
        tool.name,
        outcome.tally,
        ending,
        outage_notes(&outcome.stderr),
        outcome.took.as_secs_f64()
    );
}

/// The last thing a program said, to show why it ended.
fn last_line(stderr: &str) -> &str {
    stderr.lines().last().unwrap_or("nothing on stderr")
}

/// What our subscriber promises.
fn check(case: &Case, outcome: &Outcome) {
    let tally = &outcome.tally;
    let context = format!(
        "{}: {tally}\n--- stderr ---\n{}",
        case.label(),
        outcome.stderr
    );
    assert_eq!(
        outcome.exit,
        Some(0),
        "SIGTERM must end mqsub with 0: {context}"
    );
    assert_eq!(outage_notes(&outcome.stderr), 1, "{context}");
    assert_eq!(tally.foreign, 0, "{context}");
    if case.session == Session::Persistent && case.qos >= 1 {
        assert_eq!(tally.lost, 0, "the queue must be printed: {context}");
        assert_eq!(
            tally.out_of_order, 0,
            "the queue must be printed in order: {context}"
        );
    }
    if case.session == Session::Persistent && case.qos == 2 {
        assert_eq!(tally.duplicated, 0, "once at QoS 2: {context}");
    }
}

/// One test per fault, QoS and session.
macro_rules! cases {
    ($($name:ident: $fault:ident, $qos:literal, $session:ident;)*) => {
        $(
            #[test]
            fn $name() {
                run(Case {
                    fault: Fault::$fault,
                    qos: $qos,
                    session: Session::$session,
                });
            }
        )*
    };
}

cases! {
    away_across_kill_qos0_clean: Kill, 0, Clean;
    away_across_kill_qos0_session: Kill, 0, Persistent;
    away_across_kill_qos1_clean: Kill, 1, Clean;
    away_across_kill_qos1_session: Kill, 1, Persistent;
    away_across_kill_qos2_clean: Kill, 2, Clean;
    away_across_kill_qos2_session: Kill, 2, Persistent;
    away_across_stop_qos0_clean: Stop, 0, Clean;
    away_across_stop_qos0_session: Stop, 0, Persistent;
    away_across_stop_qos1_clean: Stop, 1, Clean;
    away_across_stop_qos1_session: Stop, 1, Persistent;
    away_across_stop_qos2_clean: Stop, 2, Clean;
    away_across_stop_qos2_session: Stop, 2, Persistent;
}
