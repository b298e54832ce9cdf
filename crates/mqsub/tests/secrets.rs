//! mqsub and passwords: the password reaches the broker from `-P`, `--pw-file` or
//! `MQTT_PASSWORD`, and never shows in what mqsub prints: not in `-d` output, not when the broker
//! refuses it, not in a usage error on a line that holds it.

use std::io::Write;
use std::process::Command;
use std::time::Duration;

use mqtt_test_support::{command, publish, run_with_timeout, Broker, Input, RunOutput, Running};

const WAIT: Duration = Duration::from_secs(20);
const USER: &str = "alice";
const SECRET: &str = "s3cr3t-Pa55word";
const WRONG: &str = "wr0ng-Pa55word";

/// mqsub on the password listener as `USER`, without any `MQTT_PASSWORD` the test runner may
/// have.
fn mqsub_as_user(broker: &Broker) -> Command {
    let mut cmd = command(env!("CARGO_BIN_EXE_mqsub"));
    cmd.env_remove("MQTT_PASSWORD").args([
        "-h",
        "127.0.0.1",
        "-p",
        &broker.password_port().to_string(),
        "-u",
        USER,
    ]);
    cmd
}

/// What mqsub printed, checked for `secret` and panic text.
fn assert_secret_kept(out: &RunOutput, secret: &str) {
    let printed = format!("{}{}", out.stdout_text(), out.stderr_text());
    assert!(!printed.contains(secret), "the password shows:\n{out}");
    assert!(!printed.contains("panicked"), "{out}");
}

#[test]
fn debug_output_and_refusals_never_show_the_password() {
    let broker = Broker::builder().password_user(USER, SECRET).start();
    for (version, refused) in [("mqttv311", 5), ("mqttv5", 135)] {
        let mut accepted = mqsub_as_user(&broker);
        accepted.args(["-P", SECRET, "-d", "-V", version, "-t", "t", "-E"]);
        let out = run_with_timeout(&mut accepted, None, WAIT);
        assert!(out.success(), "{out}");
        assert!(out.stderr_text().contains("sending CONNECT"), "{out}");
        assert_secret_kept(&out, SECRET);

        let mut wrong = mqsub_as_user(&broker);
        wrong.args(["-P", WRONG, "-d", "-V", version, "-t", "t", "-E"]);
        let out = run_with_timeout(&mut wrong, None, WAIT);
        assert_eq!(out.code(), Some(refused), "{out}");
        assert_secret_kept(&out, WRONG);
    }
}

#[test]
fn usage_errors_never_show_the_password() {
    let url = format!("mqtt://{USER}:{SECRET}@127.0.0.1:99999/t");
    let lines: [&[&str]; 4] = [
        &["-u", USER, "-P", SECRET, "-Z"],
        &["-u", USER, "-P", SECRET, "-t", "t", "-F", "%z"],
        &["-u", USER, "-P", SECRET],
        &["-L", &url],
    ];
    for line in lines {
        let mut cmd = command(env!("CARGO_BIN_EXE_mqsub"));
        cmd.env_remove("MQTT_PASSWORD").args(line);
        let out = run_with_timeout(&mut cmd, None, WAIT);
        assert_eq!(out.code(), Some(1), "{line:?}\n{out}");
        assert_secret_kept(&out, SECRET);
    }
}

/// Subscribes on the password listener with `password_args` (and `MQTT_PASSWORD` from `env`),
/// and checks that a message published on the plain listener is printed.
fn receive_with(broker: &Broker, id: &str, password_args: &[&str], env: Option<&str>) {
    let mut cmd = mqsub_as_user(broker);
    cmd.args(password_args)
        .args(["-i", id, "-t", "pw/#", "-C", "1", "-v"]);
    if let Some(password) = env {
        cmd.env("MQTT_PASSWORD", password);
    }
    let offset = broker.log_offset();
    let mut sub = Running::spawn(&mut cmd, Input::Null);
    assert!(
        broker.wait_for_log(offset, &format!("Sending SUBACK to {id}"), WAIT),
        "mqsub never subscribed: {}",
        sub.stop()
    );
    publish(broker, &["-t", "pw/msg", "-m", id]);
    let out = sub.wait(WAIT);
    assert!(out.success(), "{out}");
    assert_eq!(out.stdout_text(), format!("pw/msg {id}\n"));
}

#[test]
fn password_file_and_environment_reach_the_broker() {
    let broker = Broker::builder().password_user(USER, SECRET).start();
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "{SECRET}").unwrap();
    let path = file.path().to_str().unwrap();
    receive_with(&broker, "from-file", &["--pw-file", path], None);
    receive_with(&broker, "from-env", &[], Some(SECRET));
    // -P wins over MQTT_PASSWORD.
    receive_with(&broker, "from-option", &["-P", SECRET], Some(WRONG));

    let mut wrong = tempfile::NamedTempFile::new().unwrap();
    writeln!(wrong, "{WRONG}").unwrap();
    let mut cmd = mqsub_as_user(&broker);
    cmd.args(["--pw-file", wrong.path().to_str().unwrap(), "-t", "t", "-E"]);
    let out = run_with_timeout(&mut cmd, None, WAIT);
    assert_eq!(out.code(), Some(5), "{out}");
    assert_secret_kept(&out, WRONG);
}
