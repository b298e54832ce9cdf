//! How mqpub and mqsub live through an outage and how they end: a broker that stops answering
//! is noticed within 1.5 keepalives; stdin is not read while the broker is away; an outage is
//! noted once (and not at all with `--quiet`); `--reconnect-timeout` gives up with exit code 7;
//! SIGINT/SIGTERM end both tools with DISCONNECT; a closed stdout ends mqsub quietly.
//!
//! Tests run one at a time (some measure time) and every wait is bounded; the only timing
//! checks are those bounds, with slack for a loaded machine.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use mqtt_test_support::{command, publish, Broker, Input, Running, Subscriber};

use common::{exclusive, mqpub, mqsub, numbered_lines, Feeder, Tally};

/// The keepalive used where an outage must be noticed (the least mosquitto accepts).
const KEEPALIVE: &str = "5";
const KEEPALIVE_MS: u64 = 5_000;
/// What a loaded machine may add to any bound on time.
const SLACK: Duration = Duration::from_secs(4);
/// The most any wait for something that should happen soon may take.
const WAIT: Duration = Duration::from_secs(30);
/// mqpub's grace for in-flight messages after a signal.
const SIGNAL_GRACE: Duration = Duration::from_secs(5);

const NOTE: &str = "Warning: connection to the broker lost";
const GAVE_UP: &str = "Error: The connection was lost.";

/// `-h 127.0.0.1 -p PORT` followed by `rest`.
fn on(broker: &Broker, rest: &[&str]) -> Vec<String> {
    let mut args = vec![
        "-h".to_string(),
        "127.0.0.1".to_string(),
        "-p".to_string(),
        broker.port().to_string(),
    ];
    args.extend(rest.iter().map(|s| s.to_string()));
    args
}

/// Starts mqsub with `args` and waits until the broker has subscribed it as `id`.
fn subscribed_mqsub(broker: &Broker, id: &str, args: &[&str]) -> Running {
    let offset = broker.log_offset();
    let mut all = vec!["-i", id];
    all.extend_from_slice(args);
    let mut cmd = command(mqsub());
    cmd.args(on(broker, &all));
    let mut running = Running::spawn(&mut cmd, Input::Null);
    if !broker.wait_for_log(offset, &format!("Sending SUBACK to {id}"), WAIT) {
        let out = running.wait(Duration::ZERO);
        panic!("mqsub {args:?} did not subscribe: {out}\n{}", broker.log());
    }
    running
}

/// Starts `mqpub -l` with `args`, reading `feeder`, and waits until the broker has it
/// connected as `id`.
fn connected_mqpub(broker: &Broker, feeder: &Feeder, id: &str, args: &[&str]) -> Running {
    let offset = broker.log_offset();
    let mut all = vec!["-i", id, "-l"];
    all.extend_from_slice(args);
    let mut cmd = feeder.command(&mqpub(), &on(broker, &all));
    let mut running = Running::spawn(&mut cmd, Input::Null);
    if !broker.wait_for_log(offset, &format!("Sending CONNACK to {id}"), WAIT) {
        let out = running.wait(Duration::ZERO);
        panic!("mqpub {args:?} did not connect: {out}\n{}", broker.log());
    }
    running
}

/// How long after the broker froze `client` printed its outage note, if it did within
/// 1.5 keepalives (plus slack).
fn time_to_notice(broker: &mut Broker, client: &Running) -> Option<Duration> {
    let bound = Duration::from_millis(KEEPALIVE_MS * 3 / 2) + SLACK;
    broker.pause();
    let frozen = Instant::now();
    let noticed = client
        .wait_for_stderr(NOTE, bound)
        .then(|| frozen.elapsed());
    broker.resume();
    noticed
}

#[test]
fn mqsub_notices_a_frozen_broker_within_one_and_a_half_keepalives() {
    let _serial = exclusive();
    let mut broker = Broker::plain();
    let mut sub = subscribed_mqsub(&broker, "e2e-watch", &["-k", KEEPALIVE, "-t", "watch"]);
    let noticed = time_to_notice(&mut broker, &sub);
    println!("[keepalive] mqsub -k {KEEPALIVE}: frozen broker noticed after {noticed:?}");
    assert!(noticed.is_some(), "{}", sub.stderr_text());
    // It reconnects and subscribes again once the broker answers: a message published then
    // reaches it (until it has resubscribed, messages go nowhere, so keep publishing).
    let back = common::wait_until(WAIT, || {
        publish(&broker, &["-t", "watch", "-m", "back"]);
        sub.wait_for_lines(1, Duration::from_millis(500)).is_some()
    });
    assert!(back, "{}", sub.stderr_text());
    let out = sub.stop();
    assert_eq!(out.code(), Some(0), "{out}");
}

#[test]
fn mqpub_notices_a_frozen_broker_within_one_and_a_half_keepalives() {
    let _serial = exclusive();
    let mut broker = Broker::builder().persistence().start();
    let counter = Subscriber::start(
        &broker,
        &["-c", "-i", "e2e-count", "-q", "1", "-t", "watch"],
    );
    let mut feeder = Feeder::new(numbered_lines(10));
    let mut publisher = connected_mqpub(
        &broker,
        &feeder,
        "e2e-watch",
        &["-k", KEEPALIVE, "-t", "watch", "-q", "1"],
    );
    assert!(counter.try_wait_for(10, WAIT).is_some());
    let noticed = time_to_notice(&mut broker, &publisher);
    println!("[keepalive] mqpub -k {KEEPALIVE}: frozen broker noticed after {noticed:?}");
    assert!(noticed.is_some(), "{}", publisher.stderr_text());
    feeder.close();
    let out = publisher.wait(WAIT);
    assert_eq!(out.code(), Some(0), "{out}");
    assert_eq!(out.stderr_text().matches(NOTE).count(), 1, "{out}");
}

#[test]
fn stdin_is_not_read_while_the_broker_is_away() {
    let _serial = exclusive();
    // 50 000 lines of 100 bytes: far more than everything mqpub may hold while waiting.
    const LINES: usize = 50_000;
    const HELD_AT_MOST: usize = 1024 * 1024;
    let input: Vec<u8> = (1..=LINES)
        .flat_map(|n| format!("{n:0>99}\n").into_bytes())
        .collect();
    let mut broker = Broker::builder()
        .persistence()
        .max_queued_messages(0)
        .start();
    let counter = Subscriber::start(&broker, &["-c", "-i", "e2e-count", "-q", "1", "-t", "held"]);
    let mut feeder = Feeder::new(input);
    let mut publisher = connected_mqpub(
        &broker,
        &feeder,
        "e2e-held",
        &["-c", "-t", "held", "-q", "1"],
    );
    assert!(counter.try_wait_for(1000, WAIT).is_some());
    broker.stop();
    let at_stop = feeder.written();
    thread::sleep(Duration::from_secs(3));
    let after_a_while = feeder.written();
    thread::sleep(Duration::from_secs(1));
    let later = feeder.written();
    println!(
        "[stdin] taken from stdin: {at_stop} bytes when the broker stopped, {later} bytes 4 s later (of {})",
        LINES * 100
    );
    assert_eq!(after_a_while, later, "stdin is still being read");
    assert!(later - at_stop < HELD_AT_MOST, "{at_stop} -> {later}");
    assert!(
        !feeder.all_written(),
        "all input was read before the outage: {later}"
    );

    broker.start();
    let all_in = common::wait_until(WAIT * 4, || feeder.all_written());
    assert!(all_in, "the input did not flow again: {}", feeder.written());
    feeder.close();
    let out = publisher.wait(WAIT * 2);
    assert_eq!(out.code(), Some(0), "{out}");
    // Zero-padded numbers still read as numbers.
    let tally = common::settle(|| counter.output(), LINES, Duration::from_secs(5), WAIT * 2);
    assert_eq!((tally.lost, tally.foreign), (0, 0), "{tally}");
}

#[test]
fn an_outage_is_noted_once_and_not_at_all_with_quiet() {
    let _serial = exclusive();
    let mut broker = Broker::builder().persistence().start();
    let mut loud = subscribed_mqsub(&broker, "e2e-loud", &["-c", "-q", "1", "-t", "note"]);
    let mut quiet = subscribed_mqsub(
        &broker,
        "e2e-quiet",
        &["-c", "-q", "1", "-t", "note", "--quiet"],
    );
    broker.stop();
    // Several failed attempts while the broker is down: still one note.
    thread::sleep(Duration::from_secs(2));
    broker.start();
    publish(&broker, &["-t", "note", "-m", "after", "-q", "1"]);
    assert!(
        loud.wait_for_lines(1, WAIT).is_some(),
        "{}",
        loud.stderr_text()
    );
    assert!(
        quiet.wait_for_lines(1, WAIT).is_some(),
        "{}",
        quiet.stderr_text()
    );
    let loud = loud.stop();
    let quiet = quiet.stop();
    assert_eq!(
        loud.stderr_text(),
        "Warning: connection to the broker lost (The connection was lost); reconnecting.\n"
    );
    assert_eq!(quiet.stderr_text(), "");
    assert_eq!((loud.code(), quiet.code()), (Some(0), Some(0)));
}

#[test]
fn reconnect_timeout_gives_up_with_exit_code_7() {
    let _serial = exclusive();
    // (limit in seconds, whether the outage is noted first)
    for (limit, noted) in [(2, true), (0, false)] {
        let mut broker = Broker::plain();
        let limit_arg = limit.to_string();
        let mut sub = subscribed_mqsub(
            &broker,
            "e2e-giveup",
            &["-t", "gone", "--reconnect-timeout", &limit_arg],
        );
        let mut feeder = Feeder::new(Vec::new());
        let mut publisher = connected_mqpub(
            &broker,
            &feeder,
            "e2e-giveup-pub",
            &["-t", "gone", "--reconnect-timeout", &limit_arg],
        );
        broker.stop();
        let stopped = Instant::now();
        // Up to one second more for the attempt made at the deadline.
        let bound = Duration::from_secs(limit + 1) + SLACK;
        for (name, client) in [("mqsub", &mut sub), ("mqpub", &mut publisher)] {
            let out = client.wait(bound);
            println!(
                "[give up] {name} --reconnect-timeout {limit}: exit {:?} after {:?}",
                out.code(),
                stopped.elapsed()
            );
            assert_eq!(out.code(), Some(7), "{name}: {out}");
            let expected = if noted {
                format!("{NOTE} (The connection was lost); reconnecting.\n{GAVE_UP}\n")
            } else {
                format!("{GAVE_UP}\n")
            };
            assert_eq!(out.stderr_text(), expected, "{name}");
        }
        feeder.close();
    }
}

#[test]
fn mqpub_delivers_what_it_read_on_sigterm_then_disconnects_without_will() {
    let _serial = exclusive();
    let broker = Broker::plain();
    let counter = Subscriber::start(&broker, &["-q", "1", "-t", "sig/#"]);
    let mut feeder = Feeder::new(numbered_lines(1000));
    let mut publisher = connected_mqpub(
        &broker,
        &feeder,
        "e2e-sigterm",
        &[
            "-t",
            "sig/data",
            "-q",
            "1",
            "--will-topic",
            "sig/will",
            "--will-payload",
            "gone",
        ],
    );
    assert!(counter.try_wait_for(1000, WAIT).is_some());
    let offset = broker.log_offset();
    publisher.signal(libc::SIGTERM);
    let out = publisher.wait(SIGNAL_GRACE + SLACK);
    assert_eq!(out.code(), Some(0), "{out}");
    assert!(out.stderr.is_empty(), "{out}");
    assert!(broker.wait_for_log(offset, "Received DISCONNECT from e2e-sigterm", WAIT));
    thread::sleep(Duration::from_secs(1));
    let tally = Tally::count(&counter.output(), 1000);
    assert_eq!((tally.lost, tally.foreign), (0, 0), "no will: {tally}");
    feeder.close();
}

#[test]
fn mqpub_on_sigint_in_an_outage_gives_its_grace_then_exits_7() {
    let _serial = exclusive();
    let mut broker = Broker::plain();
    let counter = Subscriber::start(&broker, &["-q", "1", "-t", "grace"]);
    let mut feeder = Feeder::new(numbered_lines(20_000));
    let mut publisher =
        connected_mqpub(&broker, &feeder, "e2e-sigint", &["-t", "grace", "-q", "1"]);
    assert!(counter.try_wait_for(100, WAIT).is_some());
    broker.stop();
    assert!(
        publisher.wait_for_stderr(NOTE, WAIT),
        "{}",
        publisher.stderr_text()
    );
    let signalled = Instant::now();
    publisher.signal(libc::SIGINT);
    let out = publisher.wait(SIGNAL_GRACE + SLACK);
    let took = signalled.elapsed();
    println!(
        "[signal] mqpub SIGINT in an outage: exit {:?} after {took:?}",
        out.code()
    );
    assert_eq!(out.code(), Some(7), "{out}");
    assert!(
        took >= SIGNAL_GRACE - Duration::from_millis(500),
        "{took:?}"
    );
    feeder.close();
}

#[test]
fn mqsub_disconnects_on_sigint_and_sigterm_and_exits_0() {
    let _serial = exclusive();
    let mut broker = Broker::plain();
    for (signal, id) in [(libc::SIGINT, "e2e-int"), (libc::SIGTERM, "e2e-term")] {
        let mut sub = subscribed_mqsub(&broker, id, &["-t", "bye"]);
        let offset = broker.log_offset();
        sub.signal(signal);
        let out = sub.wait(WAIT);
        assert_eq!(out.code(), Some(0), "{out}");
        assert!(out.stderr.is_empty(), "{out}");
        assert!(broker.wait_for_log(offset, &format!("Received DISCONNECT from {id}"), WAIT));
    }
    // During an outage there is nobody to tell: still exit 0, at once.
    let mut sub = subscribed_mqsub(&broker, "e2e-away", &["-t", "bye"]);
    broker.stop();
    assert!(sub.wait_for_stderr(NOTE, WAIT));
    sub.signal(libc::SIGTERM);
    let out = sub.wait(WAIT);
    assert_eq!(out.code(), Some(0), "{out}");
}

/// A child whose pipes are the test's own, killed if the test ends early.
struct Piped(Child);

impl Drop for Piped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn mqsub_ends_quietly_with_0_when_stdout_is_closed() {
    let _serial = exclusive();
    let broker = Broker::plain();
    let offset = broker.log_offset();
    let spawned = Command::new(mqsub())
        .args(on(&broker, &["-i", "e2e-pipe", "-t", "pipe"]))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => Piped(child),
        Err(error) => panic!("cannot start mqsub: {error}"),
    };
    let (Some(stdout), Some(mut stderr)) = (child.0.stdout.take(), child.0.stderr.take()) else {
        panic!("mqsub's pipes are missing");
    };
    assert!(broker.wait_for_log(offset, "Sending SUBACK to e2e-pipe", WAIT));
    // Like `mqsub | head -n 1`: read one line, then close the pipe.
    let (first_line, read) = mpsc::channel();
    thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        let _ = reader.read_line(&mut line);
        let _ = first_line.send(line);
    });
    publish(&broker, &["-t", "pipe", "-m", "first"]);
    assert_eq!(read.recv_timeout(WAIT).ok().as_deref(), Some("first\n"));
    let deadline = Instant::now() + WAIT;
    let status = loop {
        // Every message after the close is a write into a closed pipe.
        publish(&broker, &["-t", "pipe", "-m", "more"]);
        if let Ok(Some(status)) = child.0.try_wait() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "mqsub kept running with stdout closed"
        );
        thread::sleep(Duration::from_millis(200));
    };
    let mut errors = String::new();
    let _ = stderr.read_to_string(&mut errors);
    assert_eq!(status.code(), Some(0), "{errors}");
    assert_eq!(errors, "");
}
