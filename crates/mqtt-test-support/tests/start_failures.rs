//! Self-test: a broker that cannot start is reported with mosquitto's own words, quickly, and
//! a port taken by someone else is retried a bounded number of times.

use std::net::{Ipv4Addr, TcpListener};
use std::time::{Duration, Instant};

use mqtt_test_support::Broker;

#[test]
fn a_bad_config_line_is_reported_with_the_log() {
    let started = Instant::now();
    let result = Broker::builder()
        .config_line("no_such_option 1")
        .try_start();
    let Err(message) = result else {
        panic!("a broker with an unknown option started");
    };
    assert!(message.contains("exited during start-up"), "{message}");
    assert!(message.contains("no_such_option"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_port_that_stays_taken_gives_up_after_a_few_attempts() {
    let holder = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap_or_else(|e| panic!("{e}"));
    let taken = holder
        .local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"));
    let line = format!("listener {taken} 127.0.0.1");
    let result = Broker::builder().config_line(&line).try_start();
    let Err(message) = result else {
        panic!("a broker started on a port held by the test");
    };
    assert!(message.contains("Address already in use"), "{message}");
}
