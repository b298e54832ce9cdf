//! Self-test: a broker restarts on the same ports and socket after stop or kill, and pause
//! freezes it until resume.

use std::time::Duration;

use mqtt_test_support::{command, publish, run_with_timeout, Broker, Subscriber, MOSQUITTO_PUB};

const WAIT: Duration = Duration::from_secs(10);

fn round_trip(broker: &Broker, connection: &[&str], message: &str) {
    let mut sub_args = connection.to_vec();
    sub_args.extend(["-t", "restart/#", "-v"]);
    let sub = Subscriber::start(broker, &sub_args);
    let mut pub_args = connection.to_vec();
    pub_args.extend(["-t", "restart/t", "-m", message]);
    publish(broker, &pub_args);
    assert_eq!(sub.wait_for(1, WAIT), [format!("restart/t {message}")]);
}

#[test]
fn restarts_keep_ports_and_socket() {
    let mut broker = Broker::builder()
        .unix_socket()
        .websockets()
        .password_user("u", "p")
        .start();
    let ports = (broker.port(), broker.ws_port(), broker.password_port());
    let unix = broker.unix_path().to_string_lossy().into_owned();
    let first_pid = broker.pid();
    round_trip(&broker, &[], "before");

    broker.stop();
    assert!(!broker.is_running());
    assert_eq!(broker.pid(), None);
    broker.stop(); // stopping a stopped broker does nothing
    broker.start();
    assert!(broker.is_running());
    assert_ne!(broker.pid(), first_pid);
    assert_eq!(
        (broker.port(), broker.ws_port(), broker.password_port()),
        ports
    );
    round_trip(&broker, &[], "after-stop");
    round_trip(&broker, &["--unix", &unix], "after-stop-unix");

    // A kill leaves the socket file behind; the next start must still bind it.
    broker.kill();
    assert!(!broker.is_running());
    broker.start();
    assert_eq!(broker.port(), ports.0);
    round_trip(&broker, &[], "after-kill");
    round_trip(&broker, &["--unix", &unix], "after-kill-unix");
    assert!(broker.log().contains("terminating"), "{}", broker.log());
}

#[test]
fn a_paused_broker_answers_nothing_until_resumed() {
    let mut broker = Broker::plain();
    let sub = Subscriber::start(&broker, &["-t", "paused/#", "-v"]);
    broker.pause();
    let port = broker.port().to_string();
    let mut cmd = command(MOSQUITTO_PUB.require());
    cmd.args(["-p", &port, "-t", "paused/t", "-m", "late"]);
    let out = run_with_timeout(&mut cmd, None, Duration::from_millis(500));
    assert!(
        out.timed_out,
        "mosquitto_pub got through a paused broker: {out}"
    );
    assert!(broker.is_running());

    broker.resume();
    publish(&broker, &["-t", "paused/t", "-m", "resumed"]);
    assert_eq!(sub.wait_for(1, WAIT), ["paused/t resumed"]);
}

#[test]
fn a_paused_broker_can_still_be_stopped() {
    let mut broker = Broker::plain();
    broker.pause();
    broker.stop();
    assert!(!broker.is_running());
    broker.start();
    round_trip(&broker, &[], "after-paused-stop");
}

#[test]
fn brokers_in_parallel_get_their_own_ports() {
    let brokers: Vec<Broker> = (0..3).map(|_| Broker::plain()).collect();
    let mut ports: Vec<u16> = brokers.iter().map(Broker::port).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), brokers.len());
    for broker in &brokers {
        round_trip(broker, &[], "parallel");
    }
}
