//! mqsub over every transport, end to end: the real binary, typed as a mosquitto_sub user types
//! it (`-C 1 -W 10`), subscribes on a real mosquitto broker over TLS, TLS-PSK, websockets and
//! SOCKS5 proxies, and must print the message an independent publisher (Debian's
//! mosquitto_pub on the plain listener) sends once the broker has acknowledged the
//! subscription; on the routes that must fail, mqsub must say why in one line and exit with the
//! documented code. The routes themselves are shared with mqpub's tests
//! (`mqtt_test_support::TransportLab`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mqtt_test_support::{
    check_websocket_upgrade, publish, run_with_timeout, Input, Route, Running, TransportLab,
};

const MQSUB: &str = env!("CARGO_BIN_EXE_mqsub");

/// How long one run, or one subscription, may take.
const WAIT: Duration = Duration::from_secs(20);

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// Subscribes over `route` for one message (ten seconds at most, as a user would), and checks
/// mqsub's exit and output; when the route works, a message is published once the broker has
/// acknowledged the subscription and must be printed.
fn subscribe_over(lab: &TransportLab, route: &Route) {
    let topic = route.topic();
    let id = format!(
        "mqsub-transports-{}-{}",
        std::process::id(),
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    );
    let mut cmd = route.command(MQSUB, &topic);
    cmd.args(["-i", &id, "-C", "1", "-W", "10", "-q", "1"]);
    if !route.should_work() {
        route.check(&run_with_timeout(&mut cmd, None, WAIT));
        return;
    }
    let broker = lab.broker();
    let offset = broker.log_offset();
    let mut mqsub = Running::spawn(&mut cmd, Input::Null);
    if !broker.wait_for_log(offset, &format!("Sending SUBACK to {id}"), WAIT) {
        panic!("{}: mqsub never subscribed: {}", route.name, mqsub.stop());
    }
    let payload = format!("over {}", route.name);
    publish(broker, &["-t", &topic, "-m", &payload, "-q", "1"]);
    let out = mqsub.wait(WAIT);
    route.check(&out);
    assert_eq!(out.stdout_text(), format!("{payload}\n"), "{}", route.name);
}

fn subscribe_over_each(lab: &TransportLab, routes: &[Route]) {
    for route in routes {
        subscribe_over(lab, route);
    }
}

#[test]
fn tls_options() {
    let lab = TransportLab::start();
    subscribe_over_each(&lab, &lab.tls_routes());
}

#[test]
fn tls_failures() {
    let lab = TransportLab::start();
    subscribe_over_each(&lab, &lab.tls_failures());
}

#[test]
fn tls_psk() {
    let lab = TransportLab::start();
    subscribe_over_each(&lab, &lab.psk_routes());
}

#[test]
fn websockets() {
    let lab = TransportLab::start();
    subscribe_over_each(&lab, &lab.websocket_routes());
}

#[test]
fn socks5_proxies() {
    let lab = TransportLab::start();
    subscribe_over_each(&lab, &lab.proxy_routes());
}

/// `-p 8883` means TLS. The port is fixed, so the test waits for it if another run holds it,
/// and says so and passes if it never comes free.
#[test]
fn port_8883_means_tls() {
    let Some(lab) = TransportLab::start_with_mqtts_port() else {
        eprintln!("port 8883 on 127.0.0.1 stayed taken: -p 8883 was not tested");
        return;
    };
    subscribe_over_each(&lab, &lab.mqtts_port_routes());
}

/// The websocket upgrade asks for MQTT on /mqtt, from `-L ws://` and from `--ws`.
#[test]
fn websocket_upgrade_request() {
    check_websocket_upgrade(MQSUB, &["-C", "1", "-W", "10"]);
}
