//! Self-test: with persistence on, a QoS 1 message queued for an offline `-c -i` subscriber
//! survives a broker restart, clean (SIGTERM saves) or after a crash once autosave has run.

use std::time::Duration;

use mqtt_test_support::{publish, Broker, Subscriber};

const WAIT: Duration = Duration::from_secs(10);

/// Leaves a persistent session with one queued message, restarts the broker with `restart`,
/// and checks the message is delivered when the session resumes.
fn queued_message_survives(client_id: &str, restart: impl FnOnce(&mut Broker)) {
    let mut broker = Broker::builder().persistence().start();
    let session = ["-c", "-i", client_id, "-q", "1", "-t", "keep/#", "-v"];
    Subscriber::start(&broker, &session).stop();
    publish(&broker, &["-q", "1", "-t", "keep/me", "-m", "queued"]);
    let port = broker.port();

    restart(&mut broker);

    assert_eq!(broker.port(), port);
    let sub = Subscriber::start(&broker, &session);
    let delivered = sub.try_wait_for(1, WAIT);
    assert_eq!(
        delivered,
        Some(vec!["keep/me queued".to_string()]),
        "broker log:\n{}",
        broker.log()
    );
}

#[test]
fn a_queued_message_survives_stop_and_start() {
    queued_message_survives("keeper-stop", |broker| {
        broker.stop();
        assert!(!broker.is_running());
        assert!(broker.persistence_dir().join("mosquitto.db").is_file());
        broker.start();
    });
}

#[test]
fn a_queued_message_survives_a_kill_after_autosave() {
    queued_message_survives("keeper-kill", |broker| {
        broker.wait_for_autosave();
        broker.kill();
        broker.start();
    });
}

#[test]
fn without_persistence_a_restart_forgets() {
    let mut broker = Broker::plain();
    let session = ["-c", "-i", "forgetful", "-q", "1", "-t", "keep/#", "-v"];
    Subscriber::start(&broker, &session).stop();
    publish(&broker, &["-q", "1", "-t", "keep/me", "-m", "lost"]);
    broker.stop();
    broker.start();
    let sub = Subscriber::start(&broker, &session);
    publish(&broker, &["-q", "1", "-t", "keep/marker", "-m", "after"]);
    assert_eq!(sub.wait_for(1, WAIT), ["keep/marker after"]);
}
