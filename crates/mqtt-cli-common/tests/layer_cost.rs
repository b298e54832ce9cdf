//! What each transport layer costs: 100 000 QoS 1 messages published as fast as the in-flight
//! window allows, over each combination, timing the run and the client's own CPU time.
//!
//! Ignored by default (it takes a while and measures rather than checks); run it by hand,
//! ideally optimised:
//! `cargo test --release -p mqtt-cli-common --test layer_cost -- --ignored --nocapture`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{certificates, config, tls, trusting};
use mqtt_cli_common::client::{message, Client, Event};
use mqtt_cli_common::config::{ConnectionConfig, Framing, Proxy, PskOptions, Qos, Security};
use mqtt_test_support::{Broker, SocksProxy};

const MESSAGES: usize = 100_000;
const PAYLOAD: &[u8] = b"0123456789abcdef0123456789abcdef";

/// This process's user + system CPU time so far.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes into the struct we pass.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: a valid pointer to a rusage struct, for RUSAGE_SELF.
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return Duration::ZERO;
    }
    let seconds = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.unsigned_abs())
            + Duration::from_micros(t.tv_usec.unsigned_abs())
    };
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Publishes `MESSAGES` QoS 1 messages and waits for every PUBACK; returns (wall, cpu) time.
async fn publish_all(config: ConnectionConfig) -> (Duration, Duration) {
    let topic: Arc<str> = format!("cost/{}", config.client_id).into();
    let payload = Bytes::from_static(PAYLOAD);
    let (started, cpu_before) = (Instant::now(), cpu_time());
    let (mut client, _) = Client::connect(config)
        .await
        .unwrap_or_else(|e| panic!("connect: {e}"));
    let (mut sent, mut acknowledged) = (0, 0);
    while acknowledged < MESSAGES {
        while sent < MESSAGES && client.can_publish(Qos::AtLeastOnce) {
            client
                .publish(message(&topic, payload.clone(), Qos::AtLeastOnce, false))
                .unwrap_or_else(|e| panic!("publish: {e}"));
            sent += 1;
        }
        match client.next_event().await {
            Ok(Event::Delivered { .. }) => acknowledged += 1,
            Ok(_) => {}
            Err(e) => panic!("after {acknowledged} acknowledgements: {e}"),
        }
    }
    client
        .disconnect()
        .await
        .unwrap_or_else(|e| panic!("disconnect: {e}"));
    (started.elapsed(), cpu_time() - cpu_before)
}

#[tokio::test]
#[ignore = "a measurement, run by hand"]
async fn cost_of_each_layer() {
    let (_dir, certs) = certificates();
    let wss = [
        "protocol websockets".to_string(),
        format!("cafile {}", certs.ca.display()),
        format!("certfile {}", certs.server_cert.display()),
        format!("keyfile {}", certs.server_key.display()),
    ];
    let wss: Vec<&str> = wss.iter().map(String::as_str).collect();
    let broker = Broker::builder()
        .websockets()
        .tls_listener("tls", certs.tls_files(false))
        .psk_listener(
            "psk",
            "hint",
            &[("cost", "00112233445566778899aabbccddeeff")],
        )
        .listener("wss", &wss)
        .start();
    let proxy = SocksProxy::start();
    let socks = |config: ConnectionConfig| ConnectionConfig {
        proxy: Some(Proxy {
            host: proxy.host().to_string(),
            port: proxy.port(),
            remote_dns: true,
            username: None,
            password: None,
        }),
        ..config
    };
    let ws = |config: ConnectionConfig| ConnectionConfig {
        framing: Framing::WebSocket {
            path: "/mqtt".into(),
        },
        ..config
    };
    let tls_at = |port: u16| tls(trusting(&certs.ca), config("127.0.0.1", port));
    let psk = ConnectionConfig {
        security: Security::Psk(PskOptions {
            key: vec![
                0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd,
                0xee, 0xff,
            ],
            identity: "cost".into(),
            ciphers: None,
        }),
        ..config("127.0.0.1", broker.listener_port("psk"))
    };
    let runs = [
        ("tcp", config("127.0.0.1", broker.port())),
        ("tls (rustls)", tls_at(broker.listener_port("tls"))),
        ("tls-psk (openssl)", psk),
        ("websocket", ws(config("127.0.0.1", broker.ws_port()))),
        (
            "websocket over tls",
            ws(tls_at(broker.listener_port("wss"))),
        ),
        ("socks5 + tcp", socks(config("127.0.0.1", broker.port()))),
        ("socks5 + tls", socks(tls_at(broker.listener_port("tls")))),
    ];
    println!("{MESSAGES} QoS 1 messages of {} bytes each", PAYLOAD.len());
    println!(
        "{:<22} {:>9} {:>12} {:>12}",
        "layers", "wall", "msgs/s", "client cpu"
    );
    for (name, config) in runs {
        let (wall, cpu) = publish_all(config).await;
        println!(
            "{name:<22} {:>8.2}s {:>12.0} {:>11.2}s",
            wall.as_secs_f64(),
            MESSAGES as f64 / wall.as_secs_f64(),
            cpu.as_secs_f64()
        );
    }
}
