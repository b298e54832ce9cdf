//! mqpub and passwords: the password reaches the broker from `-P`, `--pw-file` or
//! `MQTT_PASSWORD`, and never shows in what mqpub prints: not in `-d` output, not when the broker
//! refuses it, not in a usage error on a line that holds it (from `-P`, `-L` or an options
//! file), not when the connection fails.

use std::io::Write;
use std::process::Command;
use std::time::Duration;

use mqtt_test_support::{command, run_with_timeout, Broker, RunOutput, Subscriber};

const WAIT: Duration = Duration::from_secs(20);
const USER: &str = "alice";
const SECRET: &str = "s3cr3t-Pa55word";
const WRONG: &str = "wr0ng-Pa55word";

fn broker() -> Broker {
    Broker::builder().password_user(USER, SECRET).start()
}

/// mqpub without any `MQTT_PASSWORD` the test runner may have.
fn mqpub() -> Command {
    let mut cmd = command(env!("CARGO_BIN_EXE_mqpub"));
    cmd.env_remove("MQTT_PASSWORD");
    cmd
}

fn run(cmd: &mut Command) -> RunOutput {
    run_with_timeout(cmd, None, WAIT)
}

/// Neither standard output nor standard error holds `secret` or panic text.
fn assert_silent_about(out: &RunOutput, secret: &str) {
    for stream in [out.stdout_text(), out.stderr_text()] {
        assert!(!stream.contains(secret), "the password shows:\n{out}");
        assert!(!stream.contains("panicked"), "{out}");
    }
}

fn to_password_listener(broker: &Broker, cmd: &mut Command) {
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &broker.password_port().to_string(),
        "-u",
        USER,
    ]);
}

#[test]
fn debug_output_never_shows_the_password() {
    let broker = broker();
    for version in ["mqttv311", "mqttv5"] {
        let mut cmd = mqpub();
        to_password_listener(&broker, &mut cmd);
        cmd.args([
            "-P", SECRET, "-d", "-V", version, "-t", "t", "-m", "x", "-q", "1",
        ]);
        let out = run(&mut cmd);
        assert!(out.success(), "{out}");
        assert!(out.stderr_text().contains("sending CONNECT"), "{out}");
        assert_silent_about(&out, SECRET);
    }
}

#[test]
fn a_refused_password_is_not_repeated() {
    let broker = broker();
    for (version, code) in [("mqttv311", 5), ("mqttv5", 135)] {
        let mut cmd = mqpub();
        to_password_listener(&broker, &mut cmd);
        cmd.args(["-P", WRONG, "-d", "-V", version, "-t", "t", "-m", "x"]);
        let out = run(&mut cmd);
        assert_eq!(out.code(), Some(code), "{out}");
        assert!(out.stderr_text().contains("Connection error"), "{out}");
        assert_silent_about(&out, WRONG);
    }
}

#[test]
fn usage_errors_never_show_the_password() {
    let mut options = tempfile::NamedTempFile::new().unwrap();
    writeln!(options, "-u {USER}\n-P {SECRET}\n-Z").unwrap();
    let options = options.path().to_str().unwrap().to_string();
    let url_with_bad_port = format!("mqtt://{USER}:{SECRET}@127.0.0.1:99999/t");
    let bad_scheme = format!("http://{USER}:{SECRET}@127.0.0.1/t");
    let lines: [&[&str]; 7] = [
        &["-u", USER, "-P", SECRET, "-Z"],
        &["-u", USER, "-P", SECRET, "-t", "t", "-m", "x", "-q", "3"],
        &["-P", SECRET, "-t", "t", "-m", "x"],
        &["-u", USER, "-P", SECRET, "-t", "t"],
        &["-o", &options, "-t", "t", "-m", "x"],
        &["-L", &url_with_bad_port, "-m", "x"],
        &["-L", &bad_scheme, "-m", "x"],
    ];
    for line in lines {
        let out = run(mqpub().args(line));
        assert_eq!(out.code(), Some(1), "{line:?}\n{out}");
        assert!(!out.stderr.is_empty(), "{line:?}\n{out}");
        assert_silent_about(&out, SECRET);
    }
}

#[test]
fn a_failed_connection_does_not_show_the_password() {
    // A port nothing listens on, directly and through a SOCKS proxy with its own password.
    let port = mqtt_test_support::free_port().to_string();
    let proxy = format!("socks5h://{USER}:{SECRET}@127.0.0.1:{port}");
    let lines: [&[&str]; 2] = [
        &["-p", &port, "-u", USER, "-P", SECRET],
        &["--proxy", &proxy, "-u", USER, "-P", SECRET],
    ];
    for line in lines {
        let out = run(mqpub()
            .args(["-h", "127.0.0.1"])
            .args(line)
            .args(["-t", "t", "-m", "x"]));
        assert!(!out.success() && !out.timed_out, "{line:?}\n{out}");
        assert_silent_about(&out, SECRET);
    }
}

/// Publishes one message on the password listener with `password_args` and checks an
/// independent subscriber got it.
fn publish_with(broker: &Broker, topic: &str, password_args: &[&str], env: Option<&str>) {
    let sub = Subscriber::start(broker, &["-t", topic]);
    let mut cmd = mqpub();
    to_password_listener(broker, &mut cmd);
    cmd.args(password_args)
        .args(["-t", topic, "-m", "delivered", "-q", "1"]);
    if let Some(password) = env {
        cmd.env("MQTT_PASSWORD", password);
    }
    let out = run(&mut cmd);
    assert!(out.success(), "{out}");
    assert_eq!(sub.wait_for(1, WAIT), ["delivered"]);
}

#[test]
fn password_file_and_environment_reach_the_broker() {
    let broker = broker();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "{SECRET}").unwrap();
    let path = file.path().to_str().unwrap();
    publish_with(&broker, "pw/file", &["--pw-file", path], None);
    publish_with(&broker, "pw/env", &[], Some(SECRET));
    // -P wins over MQTT_PASSWORD.
    publish_with(&broker, "pw/option", &["-P", SECRET], Some(WRONG));
}

#[test]
fn wrong_passwords_from_a_file_or_the_environment_are_refused_quietly() {
    let broker = broker();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "{WRONG}").unwrap();
    let path = file.path().to_str().unwrap().to_string();
    for (args, env) in [
        (vec!["--pw-file", path.as_str()], None),
        (vec![], Some(WRONG)),
    ] {
        let mut cmd = mqpub();
        to_password_listener(&broker, &mut cmd);
        cmd.args(&args).args(["-d", "-t", "t", "-m", "x"]);
        if let Some(password) = env {
            cmd.env("MQTT_PASSWORD", password);
        }
        let out = run(&mut cmd);
        assert_eq!(out.code(), Some(5), "{out}");
        assert_silent_about(&out, WRONG);
    }
}
