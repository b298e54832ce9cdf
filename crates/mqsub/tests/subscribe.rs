//! mqsub against a real mosquitto broker: output bytes for each format, the ways a run ends and
//! their exit codes, filters, retained-message handling and persistent sessions. Messages are
//! published with Debian's mosquitto_pub, independent of our code.

use std::time::{Duration, Instant};

use mqtt_test_support::{command, publish, run_with_timeout, Broker, Input, RunOutput, Running};

const WAIT: Duration = Duration::from_secs(20);

fn mqsub_command(broker: &Broker, args: &[&str]) -> std::process::Command {
    let mut cmd = command(env!("CARGO_BIN_EXE_mqsub"));
    cmd.args(["-h", "127.0.0.1", "-p", &broker.port().to_string()]);
    cmd.args(args);
    cmd
}

/// Runs mqsub to completion (it must end by itself: -C, -E, -W, --retained-only).
fn mqsub_run(broker: &Broker, args: &[&str]) -> RunOutput {
    run_with_timeout(&mut mqsub_command(broker, args), None, WAIT)
}

/// Starts mqsub in the background and waits until the broker has acknowledged its subscription.
fn mqsub_spawn(broker: &Broker, id: &str, args: &[&str]) -> Running {
    let offset = broker.log_offset();
    let mut all = vec!["-i", id];
    all.extend_from_slice(args);
    let running = Running::spawn(&mut mqsub_command(broker, &all), Input::Null);
    assert!(
        broker.wait_for_log(offset, &format!("Sending SUBACK to {id}"), WAIT),
        "mqsub never subscribed"
    );
    running
}

fn pub_msg(broker: &Broker, args: &[&str]) {
    publish(broker, args);
}

#[test]
fn count_ends_the_run_with_exact_bytes() {
    let broker = Broker::plain();
    let mut sub = mqsub_spawn(&broker, "count", &["-t", "c/#", "-v", "-C", "2"]);
    pub_msg(&broker, &["-t", "c/one", "-m", "hello world"]);
    pub_msg(&broker, &["-t", "c/two", "-m", ""]);
    let out = sub.wait(WAIT);
    assert_eq!(out.code(), Some(0), "{out}");
    assert_eq!(out.stdout, b"c/one hello world\nc/two (null)\n");
}

#[test]
fn payload_only_and_no_end_of_line() {
    let broker = Broker::plain();
    let mut sub = mqsub_spawn(&broker, "raw", &["-t", "raw", "-N", "-C", "2"]);
    pub_msg(&broker, &["-t", "raw", "-m", "a"]);
    pub_msg(&broker, &["-t", "raw", "-m", "b"]);
    assert_eq!(sub.wait(WAIT).stdout, b"ab");
}

#[test]
fn binary_payloads_are_written_raw() {
    let broker = Broker::plain();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let bytes: Vec<u8> = (0..=255).collect();
    std::io::Write::write_all(&mut file, &bytes).unwrap();
    let mut sub = mqsub_spawn(&broker, "bin", &["-t", "bin", "-C", "1", "-N"]);
    pub_msg(&broker, &["-t", "bin", "-f", file.path().to_str().unwrap()]);
    assert_eq!(sub.wait(WAIT).stdout, bytes);
}

#[test]
fn custom_format_fields() {
    let broker = Broker::plain();
    let format = "%t|%q|%r|%l|%x|%m|%%";
    let mut sub = mqsub_spawn(
        &broker,
        "fmt",
        &["-t", "f", "-q", "1", "-F", format, "-C", "1"],
    );
    pub_msg(&broker, &["-t", "f", "-m", "AB", "-q", "1"]);
    let out = sub.wait(WAIT);
    assert_eq!(out.stdout_text(), "f|1|0|2|4142|1|%\n", "{out}");
}

#[test]
fn json_output() {
    let broker = Broker::plain();
    pub_msg(&broker, &["-t", "j", "-m", "{\"t\":21.5}", "-r"]);
    let out = mqsub_run(&broker, &["-t", "j", "-F", "%j", "-C", "1"]);
    let text = out.stdout_text();
    assert!(
        text.contains("\"topic\":\"j\",\"qos\":0,\"retain\":true,\"payloadlen\":10,\"payload\":\"{\\\"t\\\":21.5}\"}"),
        "{text}"
    );
    let out = mqsub_run(&broker, &["-t", "j", "-F", "%J", "-C", "1"]);
    assert!(
        out.stdout_text().contains("\"payload\":{\"t\":21.5}}"),
        "{out}"
    );
}

#[test]
fn timeout_is_exit_27() {
    let broker = Broker::plain();
    let started = Instant::now();
    let out = mqsub_run(&broker, &["-t", "nothing", "-W", "1"]);
    assert_eq!(out.code(), Some(27), "{out}");
    assert_eq!(out.stderr_text(), "Timed out\n");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn exit_after_subscribe() {
    let broker = Broker::plain();
    let out = mqsub_run(&broker, &["-t", "e", "-E"]);
    assert_eq!(out.code(), Some(0), "{out}");
}

#[test]
fn filter_out_and_stale_retained() {
    let broker = Broker::plain();
    pub_msg(&broker, &["-t", "r/old", "-m", "stale", "-r"]);
    let mut sub = mqsub_spawn(
        &broker,
        "filt",
        &["-t", "r/#", "-T", "r/skip/#", "-R", "-v", "-C", "1"],
    );
    pub_msg(&broker, &["-t", "r/skip/x", "-m", "no"]);
    pub_msg(&broker, &["-t", "r/new", "-m", "yes"]);
    assert_eq!(sub.wait(WAIT).stdout_text(), "r/new yes\n");
}

#[test]
fn retained_only_and_remove_retained() {
    let broker = Broker::plain();
    pub_msg(&broker, &["-t", "keep/a", "-m", "1", "-r"]);
    pub_msg(&broker, &["-t", "keep/b", "-m", "2", "-r"]);
    let out = mqsub_run(
        &broker,
        &[
            "-t",
            "keep/#",
            "--retained-only",
            "--remove-retained",
            "-v",
            "-W",
            "3",
        ],
    );
    let mut lines = out.stdout_lines();
    lines.sort();
    assert_eq!(lines, ["keep/a 1", "keep/b 2"], "{out}");
    // They were cleared: a new subscriber sees nothing retained and times out.
    let out = mqsub_run(&broker, &["-t", "keep/#", "-W", "1"]);
    assert_eq!(out.code(), Some(27), "{out}");
    assert!(out.stdout.is_empty());
}

#[test]
fn random_filter_100_prints_everything() {
    let broker = Broker::builder().max_queued_messages(0).start();
    let mut sub = mqsub_spawn(
        &broker,
        "rnd",
        &["-t", "rnd", "--random-filter", "100", "-C", "500"],
    );
    let lines: String = (0..500).map(|i| format!("{i}\n")).collect();
    let mut cmd = command("mosquitto_pub");
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &broker.port().to_string(),
        "-t",
        "rnd",
        "-l",
    ]);
    let out = run_with_timeout(&mut cmd, Some(lines.as_bytes()), WAIT);
    assert!(out.success(), "{out}");
    assert_eq!(sub.wait(WAIT).stdout_lines().len(), 500);
}

#[test]
fn persistent_session_gets_what_was_queued() {
    let broker = Broker::plain();
    let mut sub = mqsub_spawn(&broker, "persist", &["-c", "-q", "1", "-t", "queue"]);
    sub.signal(15);
    assert_eq!(sub.wait(WAIT).code(), Some(0));
    pub_msg(&broker, &["-t", "queue", "-m", "while away", "-q", "1"]);
    let out = mqsub_run(
        &broker,
        &["-i", "persist", "-c", "-q", "1", "-t", "queue", "-C", "1"],
    );
    assert_eq!(out.stdout_text(), "while away\n", "{out}");
}

#[test]
fn bad_format_is_a_usage_error() {
    let broker = Broker::plain();
    let out = mqsub_run(&broker, &["-t", "x", "-F", "%z"]);
    assert_eq!(out.code(), Some(1), "{out}");
    assert!(
        out.stderr_text()
            .starts_with("Error: Invalid format specifier 'z'."),
        "{out}"
    );
}

#[test]
fn sigint_disconnects_cleanly() {
    let broker = Broker::plain();
    let mut sub = mqsub_spawn(
        &broker,
        "sig",
        &["-t", "s", "--will-topic", "w", "--will-payload", "x"],
    );
    let offset = broker.log_offset();
    sub.signal(2);
    let out = sub.wait(WAIT);
    assert_eq!(out.code(), Some(0), "{out}");
    assert!(
        broker.wait_for_log(offset, "Client sig disconnected", WAIT),
        "{}",
        broker.log()
    );
}
