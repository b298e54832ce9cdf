//! What the transport tests share: hand-made configurations, and the two exchanges every test
//! is built from (a QoS 1 round trip that must work, a first connection that must fail).
//!
//! Rules: every wait is bounded by [`EXCHANGE_TIMEOUT`]; a failure panics with what was tried.

// Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use mqtt_cli_common::client::{message, Client, Event, SubscribeFilter};
use mqtt_cli_common::config::{
    Address, ConnectionConfig, Framing, MqttVersion, Qos, ReconnectPolicy, Security, TlsOptions,
};
use mqtt_cli_common::error::ClientError;
use mqtt_test_support::Certificates;
use tempfile::TempDir;

/// How long one whole exchange may take.
pub const EXCHANGE_TIMEOUT: Duration = Duration::from_secs(20);

static NEXT_ID: AtomicUsize = AtomicUsize::new(0);

/// A configuration for `host:port` with nothing on top, and a client id of its own.
pub fn config(host: &str, port: u16) -> ConnectionConfig {
    let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    ConnectionConfig {
        address: Address::Tcp {
            host: host.to_string(),
            port,
        },
        bind_address: None,
        nodelay: false,
        security: Security::Plain,
        framing: Framing::Raw,
        proxy: None,
        version: MqttVersion::V311,
        client_id: format!("transports-{}-{n}", std::process::id()),
        clean_start: true,
        keepalive: 60,
        session_expiry: None,
        username: None,
        password: None,
        will: None,
        properties: Default::default(),
        max_inflight: None,
        debug: false,
        quiet: true,
        reconnect: ReconnectPolicy {
            enabled: false,
            ..ReconnectPolicy::default()
        },
    }
}

pub fn tls(options: TlsOptions, config: ConnectionConfig) -> ConnectionConfig {
    ConnectionConfig {
        security: Security::Tls(options),
        ..config
    }
}

pub fn trusting(ca: &Path) -> TlsOptions {
    TlsOptions {
        cafile: Some(ca.to_path_buf()),
        ..TlsOptions::default()
    }
}

pub fn certificates() -> (TempDir, Certificates) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let certs = Certificates::generate(dir.path());
    (dir, certs)
}

/// Connects, subscribes, publishes `payload` at QoS 1 and waits until it is both acknowledged
/// and received back; then disconnects.
pub async fn round_trip(config: ConnectionConfig, payload: Bytes) {
    let description = format!(
        "{:?} {:?} {:?}",
        config.security, config.framing, config.proxy
    );
    let exchange = async {
        let topic: Arc<str> = format!("transports/{}", config.client_id).into();
        let (mut client, _) = Client::connect(config)
            .await
            .unwrap_or_else(|e| panic!("connect: {e}"));
        client
            .subscribe(vec![subscription(&topic)])
            .unwrap_or_else(|e| panic!("subscribe: {e}"));
        loop {
            match client.next_event().await {
                Ok(Event::SubAck { .. }) => break,
                Ok(_) => {}
                Err(e) => panic!("waiting for SUBACK: {e}"),
            }
        }
        client
            .publish(message(&topic, payload.clone(), Qos::AtLeastOnce, false))
            .unwrap_or_else(|e| panic!("publish: {e}"));
        let (mut delivered, mut received) = (false, false);
        while !(delivered && received) {
            match client.next_event().await {
                Ok(Event::Delivered { reason, .. }) => {
                    assert_eq!(reason, 0);
                    delivered = true;
                }
                Ok(Event::Message(m)) => {
                    assert_eq!(m.topic, &*topic);
                    assert!(
                        m.payload == payload,
                        "payload of {} bytes differs",
                        m.payload.len()
                    );
                    received = true;
                }
                Ok(_) => {}
                Err(e) => panic!("waiting for the message: {e}"),
            }
        }
        client
            .disconnect()
            .await
            .unwrap_or_else(|e| panic!("disconnect: {e}"));
    };
    if tokio::time::timeout(EXCHANGE_TIMEOUT, exchange)
        .await
        .is_err()
    {
        panic!("no round trip within {EXCHANGE_TIMEOUT:?}: {description}");
    }
}

/// A QoS 1 subscription to exactly `topic`.
pub fn subscription(topic: &str) -> SubscribeFilter {
    SubscribeFilter {
        filter: topic.to_string(),
        qos: Qos::AtLeastOnce,
        no_local: false,
        retain_as_published: false,
        retain_handling: 0,
    }
}

pub fn small() -> Bytes {
    Bytes::from_static(b"hello over the transport")
}

/// The error of a first connection that must fail.
pub async fn failure(config: ConnectionConfig) -> ClientError {
    let description = format!(
        "{:?} {:?} {:?}",
        config.security, config.framing, config.proxy
    );
    match tokio::time::timeout(EXCHANGE_TIMEOUT, Client::connect(config)).await {
        Ok(Ok(_)) => panic!("connected although it should not: {description}"),
        Ok(Err(e)) => e,
        Err(_) => panic!("no answer within {EXCHANGE_TIMEOUT:?}: {description}"),
    }
}

/// Checks a failure's text (it must contain `needle`) and that it is exit code 1.
pub fn assert_failure(error: &ClientError, needle: &str) {
    let text = error.to_string();
    assert!(text.contains(needle), "expected {needle:?} in {text:?}");
    assert_eq!(error.exit_code(), 1, "{text}");
}
