//! mqsub's stdout as a pipe: each message must reach the reader at once (no `unbuffer`, no
//! pseudo-terminal), a closed pipe must end mqsub quietly with exit 0 and a clean DISCONNECT.
//!
//! The latency bound asserted here is deliberately loose (it catches output held in a buffer,
//! which would delay messages until exit or until kilobytes pile up, not scheduling noise);
//! the real figures come from `scripts/bench`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mqtt_test_support::{command, Broker};

const WAIT: Duration = Duration::from_secs(20);

/// A long-running `mosquitto_pub -l` (independent of our code) we can feed line by line.
fn line_publisher(broker: &Broker, topic: &str) -> std::process::Child {
    Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &broker.port().to_string(),
            "-t",
            topic,
            "-l",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("mosquitto_pub runs")
}

fn spawn_mqsub(broker: &Broker, id: &str, args: &[&str]) -> std::process::Child {
    let offset = broker.log_offset();
    let child = command(env!("CARGO_BIN_EXE_mqsub"))
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &broker.port().to_string(),
            "-i",
            id,
        ])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mqsub runs");
    assert!(
        broker.wait_for_log(offset, &format!("Sending SUBACK to {id}"), WAIT),
        "mqsub never subscribed"
    );
    child
}

#[test]
fn each_message_reaches_the_pipe_at_once() {
    let broker = Broker::plain();
    let mut sub = spawn_mqsub(&broker, "pipe-reader", &["-t", "tick"]);
    let mut reader = BufReader::new(sub.stdout.take().expect("stdout"));
    let mut publisher = line_publisher(&broker, "tick");
    let mut feed = publisher.stdin.take().expect("stdin");
    let mut worst = Duration::ZERO;
    for i in 0..30 {
        std::thread::sleep(Duration::from_millis(10));
        let sent = Instant::now();
        writeln!(feed, "{i}").expect("feed publisher");
        feed.flush().expect("flush publisher");
        let mut line = String::new();
        reader.read_line(&mut line).expect("read mqsub output");
        assert_eq!(line, format!("{i}\n"));
        worst = worst.max(sent.elapsed());
    }
    assert!(
        worst < Duration::from_millis(500),
        "a message took {worst:?} to come through the pipe"
    );
    drop(feed);
    let _ = publisher.wait();
    let _ = sub.kill();
    let _ = sub.wait();
}

#[test]
fn closed_pipe_ends_quietly_with_a_clean_disconnect() {
    let broker = Broker::plain();
    let mut sub = spawn_mqsub(&broker, "pipe-closer", &["-t", "flood"]);
    // Reading one line and closing the pipe is what `mqsub ... | head -1` does.
    let mut reader = BufReader::new(sub.stdout.take().expect("stdout"));
    let mut publisher = line_publisher(&broker, "flood");
    let mut feed = publisher.stdin.take().expect("stdin");
    writeln!(feed, "first").expect("feed");
    feed.flush().expect("flush");
    let mut line = String::new();
    reader.read_line(&mut line).expect("read");
    assert_eq!(line, "first\n");
    let offset = broker.log_offset();
    drop(reader);
    for i in 0..50 {
        writeln!(feed, "more {i}").expect("feed");
    }
    feed.flush().expect("flush");
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = sub.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "mqsub kept running after its pipe closed"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut sub.stderr.take().expect("stderr"), &mut stderr)
        .expect("stderr");
    assert_eq!(stderr, "");
    assert!(
        broker.wait_for_log(offset, "Client pipe-closer disconnected", WAIT),
        "{}",
        broker.log()
    );
    drop(feed);
    let _ = publisher.wait();
}
