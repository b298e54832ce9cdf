//! mqpub over every transport, end to end: the real binary, typed as a mosquitto_pub user types
//! it, publishes to a real mosquitto broker over TLS, TLS-PSK, websockets and SOCKS5 proxies,
//! and an independent subscriber (Debian's mosquitto_sub on the plain listener) must receive the
//! message; on the routes that must fail, mqpub must say why in one line and exit with the
//! documented code. The routes themselves are shared with mqsub's tests
//! (`mqtt_test_support::TransportLab`).

use std::time::Duration;

use mqtt_test_support::{
    check_websocket_upgrade, run_with_timeout, Route, Subscriber, TransportLab,
};

const MQPUB: &str = env!("CARGO_BIN_EXE_mqpub");

/// How long one run, or one delivery, may take.
const WAIT: Duration = Duration::from_secs(20);

/// Publishes a QoS 1 message over `route`, and checks mqpub's exit and output and, when the
/// route works, that the message arrived.
fn publish_over(lab: &TransportLab, route: &Route) {
    let topic = route.topic();
    let payload = format!("over {}", route.name);
    let subscriber = route
        .should_work()
        .then(|| Subscriber::start(lab.broker(), &["-t", &topic, "-q", "1"]));
    let mut cmd = route.command(MQPUB, &topic);
    cmd.args(["-m", &payload, "-q", "1"]);
    let out = run_with_timeout(&mut cmd, None, WAIT);
    route.check(&out);
    if let Some(subscriber) = subscriber {
        assert_eq!(subscriber.wait_for(1, WAIT), [payload], "{}", route.name);
    }
}

fn publish_over_each(lab: &TransportLab, routes: &[Route]) {
    for route in routes {
        publish_over(lab, route);
    }
}

#[test]
fn tls_options() {
    let lab = TransportLab::start();
    publish_over_each(&lab, &lab.tls_routes());
}

#[test]
fn tls_failures() {
    let lab = TransportLab::start();
    publish_over_each(&lab, &lab.tls_failures());
}

#[test]
fn tls_psk() {
    let lab = TransportLab::start();
    publish_over_each(&lab, &lab.psk_routes());
}

#[test]
fn websockets() {
    let lab = TransportLab::start();
    publish_over_each(&lab, &lab.websocket_routes());
}

#[test]
fn socks5_proxies() {
    let lab = TransportLab::start();
    publish_over_each(&lab, &lab.proxy_routes());
}

/// `-p 8883` means TLS. The port is fixed, so the test waits for it if another run holds it,
/// and says so and passes if it never comes free.
#[test]
fn port_8883_means_tls() {
    let Some(lab) = TransportLab::start_with_mqtts_port() else {
        eprintln!("port 8883 on 127.0.0.1 stayed taken: -p 8883 was not tested");
        return;
    };
    publish_over_each(&lab, &lab.mqtts_port_routes());
}

/// The websocket upgrade asks for MQTT on /mqtt, from `-L ws://` and from `--ws`.
#[test]
fn websocket_upgrade_request() {
    check_websocket_upgrade(MQPUB, &["-m", "hello"]);
}
