//! mqpub against a real mosquitto broker: what an independent subscriber (Debian's mosquitto_sub)
//! receives, byte for byte, and the exit codes and messages mqpub gives.

use std::io::Write;
use std::time::Duration;

use mqtt_test_support::{command, run_with_timeout, Broker, RunOutput, Subscriber};

const WAIT: Duration = Duration::from_secs(20);

fn mqpub(args: &[&str], stdin: Option<&[u8]>) -> RunOutput {
    let mut cmd = command(env!("CARGO_BIN_EXE_mqpub"));
    cmd.args(args);
    run_with_timeout(&mut cmd, stdin, WAIT)
}

/// Runs mqpub against the broker's plain listener.
fn mqpub_on(broker: &Broker, args: &[&str], stdin: Option<&[u8]>) -> RunOutput {
    let port = broker.port().to_string();
    let mut all = vec!["-h", "127.0.0.1", "-p", port.as_str()];
    all.extend_from_slice(args);
    mqpub(&all, stdin)
}

/// Topic, QoS, retain flag and payload of each message, as `topic|qos|retain|payload`.
const DETAIL: &str = "%t|%q|%r|%p";

#[test]
fn one_shot_at_each_qos() {
    let broker = Broker::plain();
    let sub = Subscriber::start(&broker, &["-t", "sensors/#", "-q", "2", "-F", DETAIL]);
    for qos in ["0", "1", "2"] {
        let topic = format!("sensors/temperature/{qos}");
        let out = mqpub_on(&broker, &["-t", &topic, "-m", "32", "-q", qos], None);
        assert!(out.success(), "{out}");
        assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out}");
    }
    assert_eq!(
        sub.wait_for(3, WAIT),
        [
            "sensors/temperature/0|0|0|32",
            "sensors/temperature/1|1|0|32",
            "sensors/temperature/2|2|0|32"
        ]
    );
}

#[test]
fn retained_message_reaches_a_late_subscriber() {
    let broker = Broker::plain();
    let out = mqpub_on(
        &broker,
        &["-t", "home/switch", "-m", "on", "-r", "-q", "1"],
        None,
    );
    assert!(out.success(), "{out}");
    let sub = Subscriber::start(&broker, &["-t", "home/switch", "-F", DETAIL]);
    assert_eq!(sub.wait_for(1, WAIT), ["home/switch|0|1|on"]);
}

#[test]
fn null_message_file_and_stdin_payloads() {
    let broker = Broker::plain();
    let sub = Subscriber::start(&broker, &["-t", "p/#", "-F", "%t %l %x"]);
    let out = mqpub_on(&broker, &["-t", "p/null", "-n"], None);
    assert!(out.success(), "{out}");

    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&[0, 1, 2, 0xff, b'\n']).unwrap();
    let path = file.path().to_str().unwrap().to_string();
    let out = mqpub_on(&broker, &["-t", "p/file", "-f", &path, "-q", "1"], None);
    assert!(out.success(), "{out}");

    let out = mqpub_on(
        &broker,
        &["-t", "p/stdin", "-s"],
        Some(b"line one\nline two\n"),
    );
    assert!(out.success(), "{out}");
    assert_eq!(
        sub.wait_for(3, WAIT),
        [
            "p/null 0 ",
            "p/file 5 000102ff0a",
            "p/stdin 18 6c696e65206f6e650a6c696e652074776f0a"
        ]
    );
}

#[test]
fn lines_are_split_like_mosquitto() {
    let broker = Broker::plain();
    let sub = Subscriber::start(&broker, &["-t", "lines", "-q", "1", "-F", "%x"]);
    let input = b"plain\r\ncr lf\r\n\nlast without newline";
    let out = mqpub_on(&broker, &["-t", "lines", "-l", "-q", "1"], Some(input));
    assert!(out.success(), "{out}");
    assert_eq!(
        sub.wait_for(4, WAIT),
        [
            "706c61696e0d",
            "6372206c660d",
            "",
            "6c61737420776974686f7574206e65776c696e65"
        ]
    );
}

/// 100 000 lines as fast as stdin gives them: every one arrives, at QoS 1 and 2 (mosquitto_pub
/// drops most of them here).
#[test]
fn line_mode_delivers_every_line_at_qos_1_and_2() {
    let broker = Broker::builder().max_queued_messages(0).start();
    let input: String = (0..100_000).map(|i| format!("{i}\n")).collect();
    for qos in ["1", "2"] {
        let topic = format!("stream/{qos}");
        let sub = Subscriber::start(&broker, &["-t", &topic, "-q", qos]);
        let out = mqpub_on(
            &broker,
            &["-t", &topic, "-l", "-q", qos],
            Some(input.as_bytes()),
        );
        assert!(out.success(), "{out}");
        let lines = sub.wait_for(100_000, Duration::from_secs(60));
        let mut distinct: Vec<u32> = lines.iter().filter_map(|l| l.parse().ok()).collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 100_000, "qos {qos}");
    }
}

#[test]
fn repeat_publishes_n_times() {
    let broker = Broker::plain();
    let sub = Subscriber::start(&broker, &["-t", "rep", "-q", "1"]);
    let args = [
        "-t",
        "rep",
        "-m",
        "x",
        "-q",
        "1",
        "--repeat",
        "3",
        "--repeat-delay",
        "0.05",
    ];
    let out = mqpub_on(&broker, &args, None);
    assert!(out.success(), "{out}");
    assert_eq!(sub.wait_for(3, WAIT), ["x", "x", "x"]);
}

#[test]
fn password_listener_accepts_and_refuses() {
    let broker = Broker::builder().password_user("alice", "secret").start();
    let port = broker.password_port().to_string();
    let sub = Subscriber::start(&broker, &["-t", "auth/#", "-v"]);
    let base = [
        "-h",
        "127.0.0.1",
        "-p",
        port.as_str(),
        "-t",
        "auth/ok",
        "-m",
        "1",
    ];

    let mut good = base.to_vec();
    good.extend(["-u", "alice", "-P", "secret"]);
    let out = mqpub(&good, None);
    assert!(out.success(), "{out}");
    assert_eq!(sub.wait_for(1, WAIT), ["auth/ok 1"]);

    let mut bad = base.to_vec();
    bad.extend(["-u", "alice", "-P", "wrong"]);
    let out = mqpub(&bad, None);
    assert_eq!(out.code(), Some(5), "{out}");
    assert_eq!(
        out.stderr_text(),
        "Connection error: Connection Refused: not authorised\nError: The connection was refused\n"
    );
    assert!(!out.stderr_text().contains("wrong"));

    bad.extend(["-V", "5"]);
    let out = mqpub(&bad, None);
    assert_eq!(out.code(), Some(135), "{out}");
    assert!(
        out.stderr_text()
            .starts_with("Connection error: Not authorized\n"),
        "{out}"
    );
}

#[test]
fn unix_socket() {
    let broker = Broker::builder().unix_socket().start();
    let sub = Subscriber::start(&broker, &["-t", "unix", "-v"]);
    let path = broker.unix_path().to_str().unwrap().to_string();
    let out = mqpub(&["--unix", &path, "-t", "unix", "-m", "via socket"], None);
    assert!(out.success(), "{out}");
    assert_eq!(sub.wait_for(1, WAIT), ["unix via socket"]);
}

#[test]
fn nothing_listening_is_exit_1() {
    let port = mqtt_test_support::free_port().to_string();
    let out = mqpub(
        &["-h", "127.0.0.1", "-p", &port, "-t", "x", "-m", "1"],
        None,
    );
    assert_eq!(out.code(), Some(1), "{out}");
    assert_eq!(out.stderr_text(), "Error: Connection refused\n");
}

#[test]
fn mqtt5_properties_reach_the_subscriber() {
    let broker = Broker::plain();
    let sub = Subscriber::start(&broker, &["-t", "v5", "-V", "5", "-F", "%C|%P|%p"]);
    let args = [
        "-t",
        "v5",
        "-m",
        "hi",
        "-V",
        "5",
        "-D",
        "publish",
        "content-type",
        "text/plain",
        "-D",
        "publish",
        "user-property",
        "k",
        "v",
    ];
    let out = mqpub_on(&broker, &args, None);
    assert!(out.success(), "{out}");
    assert_eq!(sub.wait_for(1, WAIT), ["text/plain|k:v|hi"]);
}

#[test]
fn debug_lines_describe_the_packets() {
    let broker = Broker::plain();
    let out = mqpub_on(
        &broker,
        &["-t", "dbg", "-m", "abc", "-q", "1", "-d", "-i", "me"],
        None,
    );
    assert!(out.success(), "{out}");
    let text = format!("{}{}", out.stdout_text(), out.stderr_text());
    for expected in [
        "Client me sending CONNECT",
        "Client me received CONNACK (0)",
        "Client me sending PUBLISH (d0, q1, r0, m1, 'dbg', ... (3 bytes))",
        "Client me received PUBACK (Mid: 1, RC:0)",
        "Client me sending DISCONNECT",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
}

#[test]
fn will_is_published_when_the_client_dies() {
    let broker = Broker::plain();
    let sub = Subscriber::start(&broker, &["-t", "will/#", "-v"]);
    let port = broker.port().to_string();
    let mut cmd = command(env!("CARGO_BIN_EXE_mqpub"));
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &port,
        "-t",
        "will/data",
        "-l",
        "-k",
        "5",
    ]);
    cmd.args([
        "--will-topic",
        "will/status",
        "--will-payload",
        "gone",
        "--will-qos",
        "1",
    ]);
    let mut running = mqtt_test_support::Running::spawn(&mut cmd, mqtt_test_support::Input::Pipe);
    running.write_stdin(b"alive\n");
    assert_eq!(sub.wait_for(1, WAIT), ["will/data alive"]);
    running.signal(9);
    assert_eq!(sub.wait_for(2, WAIT)[1], "will/status gone");
}
