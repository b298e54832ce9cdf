//! Self-test: a broker with every kind of listener carries a message on each, checked with
//! Debian's mosquitto_pub/mosquitto_sub (and a minimal websocket client, since mosquitto 2.0's
//! clients cannot speak websockets).

mod websocket;

use std::time::Duration;

use mqtt_test_support::{publish, run_mosquitto_pub, Broker, Certificates, Subscriber};
use tempfile::TempDir;

const WAIT: Duration = Duration::from_secs(10);

/// Subscribes and publishes through the same connection arguments and checks the message.
fn round_trip(broker: &Broker, connection: &[&str], name: &str) {
    let topic = format!("self-test/{name}");
    let mut sub_args = connection.to_vec();
    sub_args.extend(["-t", &topic, "-v", "-q", "1"]);
    let sub = Subscriber::start(broker, &sub_args);
    let mut pub_args = connection.to_vec();
    pub_args.extend(["-t", &topic, "-m", "hello", "-q", "1"]);
    publish(broker, &pub_args);
    assert_eq!(
        sub.wait_for(1, WAIT),
        [format!("{topic} hello")],
        "listener {name}"
    );
}

#[test]
fn every_listener_round_trips_a_message() {
    let cert_dir = TempDir::new().unwrap_or_else(|e| panic!("{e}"));
    let certs = Certificates::generate(cert_dir.path());
    let cafile = certs.ca.to_string_lossy().into_owned();
    let broker = Broker::builder()
        .password_user("alice", "secret")
        .password_user("bob", "hunter2")
        .unix_socket()
        .websockets()
        .persistence()
        .max_inflight_messages(10)
        .max_queued_messages(100)
        .max_packet_size(100_000)
        .tls_listener("tls", certs.tls_files(false))
        .tls_listener("mutual-tls", certs.tls_files(true))
        .psk_listener("psk", "test-hint", &[("ident", "deadbeef")])
        .listener("raw", &["max_connections 10"])
        .start();

    let password_port = broker.password_port().to_string();
    let unix_path = broker.unix_path().to_string_lossy().into_owned();
    let tls_port = broker.listener_port("tls").to_string();
    let mutual_port = broker.listener_port("mutual-tls").to_string();
    let client_cert = certs.client_cert.to_string_lossy().into_owned();
    let client_key = certs.client_key.to_string_lossy().into_owned();
    let psk_port = broker.listener_port("psk").to_string();
    let raw_port = broker.listener_port("raw").to_string();

    round_trip(&broker, &[], "plain");
    round_trip(
        &broker,
        &["-p", &password_port, "-u", "alice", "-P", "secret"],
        "password-alice",
    );
    round_trip(
        &broker,
        &["-p", &password_port, "-u", "bob", "-P", "hunter2"],
        "password-bob",
    );
    round_trip(&broker, &["--unix", &unix_path], "unix");
    round_trip(&broker, &["-p", &tls_port, "--cafile", &cafile], "tls");
    let mutual = [
        "-p",
        &mutual_port,
        "--cafile",
        &cafile,
        "--cert",
        &client_cert,
        "--key",
        &client_key,
    ];
    round_trip(&broker, &mutual, "mutual-tls");
    round_trip(
        &broker,
        &[
            "-p",
            &psk_port,
            "--psk-identity",
            "ident",
            "--psk",
            "deadbeef",
        ],
        "psk",
    );
    round_trip(&broker, &["-p", &raw_port], "raw");

    let without_client_cert = [
        "-p",
        &mutual_port,
        "--cafile",
        &cafile,
        "-t",
        "t",
        "-m",
        "m",
    ];
    let out = run_mosquitto_pub(&broker, &without_client_cert, None);
    assert!(!out.success(), "no client certificate, yet let in: {out}");

    // Websockets: in through the websocket, out through mosquitto_sub, and back.
    let sub = Subscriber::start(&broker, &["-t", "self-test/ws-out", "-v"]);
    let mut ws = websocket::Client::connect(broker.ws_port(), "ws-self-test");
    ws.subscribe("self-test/ws-in");
    publish(&broker, &["-t", "self-test/ws-in", "-m", "to-ws"]);
    assert_eq!(
        ws.next_publish(),
        ("self-test/ws-in".to_string(), b"to-ws".to_vec())
    );
    ws.publish("self-test/ws-out", b"from-ws");
    assert_eq!(sub.wait_for(1, WAIT), ["self-test/ws-out from-ws"]);
}

#[test]
fn the_password_listener_refuses_strangers() {
    let broker = Broker::builder().password_user("alice", "secret").start();
    let port = broker.password_port().to_string();
    let cases: [&[&str]; 3] = [
        &["-p", &port],
        &["-p", &port, "-u", "alice", "-P", "wrong"],
        &["-p", &port, "-u", "mallory", "-P", "secret"],
    ];
    for connection in cases {
        let mut args = connection.to_vec();
        args.extend(["-t", "t", "-m", "m"]);
        let out = run_mosquitto_pub(&broker, &args, None);
        assert!(!out.success(), "{connection:?} was let in: {out}");
        assert!(!out.timed_out, "{out}");
    }
}

#[test]
fn max_packet_size_is_enforced() {
    let broker = Broker::builder().max_packet_size(200).start();
    let sub = Subscriber::start(&broker, &["-t", "size/#", "-v"]);
    let big = "x".repeat(500);
    // The broker drops the connection; whether mosquitto_pub notices is its own business.
    let _ = run_mosquitto_pub(&broker, &["-t", "size/big", "-m", &big], None);
    publish(&broker, &["-t", "size/small", "-m", "fits"]);
    assert_eq!(sub.wait_for(1, WAIT), ["size/small fits"]);
}

#[test]
fn the_log_tells_what_happened() {
    let broker = Broker::plain();
    let offset = broker.log_offset();
    publish(&broker, &["-i", "log-reader", "-t", "t", "-m", "m"]);
    assert!(broker.wait_for_log(offset, "Received PUBLISH from log-reader", WAIT));
    assert!(broker.log().contains("running"), "{}", broker.log());
    assert!(!broker.wait_for_log(
        broker.log_offset(),
        "never logged",
        Duration::from_millis(50)
    ));
}

/// One of the broker's listener accessors, called for its panic.
type Accessor = fn(&Broker);

#[test]
fn listener_accessors_refuse_what_was_not_asked_for() {
    let broker = Broker::plain();
    let calls: [(&str, Accessor); 4] = [
        ("password", |b| {
            b.password_port();
        }),
        ("unix", |b| {
            b.unix_path();
        }),
        ("websockets", |b| {
            b.ws_port();
        }),
        ("named", |b| {
            b.listener_port("tls");
        }),
    ];
    for (name, call) in calls {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| call(&broker)));
        assert!(result.is_err(), "{name} listener accessor did not panic");
    }
}
