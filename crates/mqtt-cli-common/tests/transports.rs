//! Every transport end to end against a real mosquitto broker: plain TCP, TLS (CA file, CA
//! directory, client certificates, versions, ciphers, ALPN, key log, `--insecure`), TLS-PSK,
//! websockets (plain and over TLS), and a SOCKS5 proxy in front of each; and every way they fail,
//! with the message and the exit code.
//!
//! Rules: each test drives `mqtt_cli_common::client::Client` directly with a hand-made
//! `ConnectionConfig`; a success publishes a QoS 1 message and receives it back on a
//! subscription through the same client; every wait is bounded.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{
    assert_failure, certificates, config, failure, round_trip, small, subscription, tls, trusting,
    EXCHANGE_TIMEOUT,
};
use mqtt_cli_common::client::{message, Client, Event};
use mqtt_cli_common::config::{
    ConnectionConfig, Framing, MqttVersion, Proxy, PskOptions, Qos, Security, TlsOptions,
};
use mqtt_test_support::{free_port, Broker, BrokerBuilder, Certificates, SocksProxy, WRONG_HOST};

/// A cipher list entry that leaves out every TLS 1.3 suite.
const NO_TLS13: &str =
    "!TLS_AES_256_GCM_SHA384:!TLS_AES_128_GCM_SHA256:!TLS_CHACHA20_POLY1305_SHA256";

/// A TLS 1.3 suite OpenSSL has and this client does not: a listener limited to it shares no
/// TLS 1.3 cipher with us.
const FOREIGN_TLS13_SUITE: &str = "ciphers_tls1.3 TLS_AES_128_CCM_SHA256";

/// How long a stream of messages may take (unoptimised builds on a busy machine).
const STREAM_TIMEOUT: Duration = Duration::from_secs(90);

const PSK_IDENTITY: &str = "psk-client";
const PSK_KEY: &str = "0123456789abcdef";

fn websocket(config: ConnectionConfig) -> ConnectionConfig {
    ConnectionConfig {
        framing: Framing::WebSocket {
            path: "/mqtt".to_string(),
        },
        ..config
    }
}

fn psk(key: &str, identity: &str, config: ConnectionConfig) -> ConnectionConfig {
    let key = (0..key.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&key[i..i + 2], 16).ok())
        .collect();
    ConnectionConfig {
        security: Security::Psk(PskOptions {
            key,
            identity: identity.to_string(),
            ciphers: None,
        }),
        ..config
    }
}

fn through(
    proxy: &SocksProxy,
    remote_dns: bool,
    credentials: Option<(&str, &str)>,
    config: ConnectionConfig,
) -> ConnectionConfig {
    ConnectionConfig {
        proxy: Some(Proxy {
            host: proxy.host().to_string(),
            port: proxy.port(),
            remote_dns,
            username: credentials.map(|(user, _)| user.to_string()),
            password: credentials.map(|(_, password)| password.to_string()),
        }),
        ..config
    }
}

/// A broker with a TLS listener "tls" using the good certificate and the listeners `more` adds.
fn tls_broker(certs: &Certificates, more: impl FnOnce(BrokerBuilder) -> BrokerBuilder) -> Broker {
    more(Broker::builder().tls_listener("tls", certs.tls_files(false))).start()
}

/// A further listener "name" with the good server certificate and these extra raw lines (for
/// what the builder has no method for: `tls_version`, `protocol websockets`).
fn raw_tls_listener(
    builder: BrokerBuilder,
    name: &str,
    certs: &Certificates,
    extra: &[&str],
) -> BrokerBuilder {
    let files = [
        format!("cafile {}", certs.ca.display()),
        format!("certfile {}", certs.server_cert.display()),
        format!("keyfile {}", certs.server_key.display()),
    ];
    let lines: Vec<&str> = files
        .iter()
        .map(String::as_str)
        .chain(extra.iter().copied())
        .collect();
    builder.listener(name, &lines)
}

#[tokio::test]
async fn plain_tcp_round_trip() {
    let broker = Broker::plain();
    round_trip(config(broker.host(), broker.port()), small()).await;
}

#[tokio::test]
async fn tls_round_trips_with_each_way_of_trusting_the_broker() {
    let (dir, certs) = certificates();
    let capath = dir.path().join("capath");
    std::fs::create_dir(&capath).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(&certs.ca, capath.join("ca.crt")).unwrap_or_else(|e| panic!("{e}"));
    let broker = tls_broker(&certs, |b| {
        b.tls_listener("wrong-host", certs.wrong_host_tls_files())
            .tls_listener("expired", certs.expired_tls_files())
    });
    let port = broker.listener_port("tls");
    let cases = [
        ("127.0.0.1", port, trusting(&certs.ca)),
        ("localhost", port, trusting(&certs.ca)),
        (
            "127.0.0.1",
            port,
            TlsOptions {
                capath: Some(capath),
                ..TlsOptions::default()
            },
        ),
        // --insecure: no verification at all, so a wrong name, an expired certificate or an
        // unknown CA are all accepted.
        (
            "127.0.0.1",
            broker.listener_port("wrong-host"),
            TlsOptions {
                insecure: true,
                ..trusting(&certs.ca)
            },
        ),
        (
            "127.0.0.1",
            broker.listener_port("expired"),
            TlsOptions {
                insecure: true,
                ..trusting(&certs.ca)
            },
        ),
        (
            "127.0.0.1",
            port,
            TlsOptions {
                insecure: true,
                ..trusting(&certs.other_ca)
            },
        ),
        (
            "127.0.0.1",
            port,
            TlsOptions {
                alpn: Some("mqtt".into()),
                ..trusting(&certs.ca)
            },
        ),
    ];
    for (host, port, options) in cases {
        round_trip(tls(options, config(host, port)), small()).await;
    }
    let v5 = ConnectionConfig {
        version: MqttVersion::V5,
        ..tls(trusting(&certs.ca), config("127.0.0.1", port))
    };
    round_trip(v5, small()).await;
}

#[tokio::test]
async fn tls_with_a_client_certificate() {
    let (_dir, certs) = certificates();
    let broker = Broker::builder()
        .tls_listener("mutual", certs.tls_files(true))
        .start();
    let options = TlsOptions {
        cert: Some(certs.client_cert.clone()),
        key: Some(certs.client_key.clone()),
        ..trusting(&certs.ca)
    };
    round_trip(
        tls(options, config("127.0.0.1", broker.listener_port("mutual"))),
        small(),
    )
    .await;
}

#[tokio::test]
async fn tls_versions_ciphers_and_the_key_log() {
    let (dir, certs) = certificates();
    let broker = tls_broker(&certs, |b| b);
    let port = broker.listener_port("tls");
    // The key log's labels show the version used: TLS 1.3 logs traffic secrets, TLS 1.2 the
    // master secret under CLIENT_RANDOM.
    let cases = [
        (
            Some("tlsv1.3"),
            Some("TLS_CHACHA20_POLY1305_SHA256".to_string()),
            "CLIENT_HANDSHAKE_TRAFFIC_SECRET ",
        ),
        (None, None, "CLIENT_TRAFFIC_SECRET_0 "),
        // TLS 1.3 is off only when its suites are all excluded, as --tls-version sets the
        // lowest version.
        (
            Some("tlsv1.2"),
            Some(format!("ECDHE-ECDSA-AES128-GCM-SHA256:{NO_TLS13}")),
            "CLIENT_RANDOM ",
        ),
        (
            None,
            Some(format!("ECDHE+CHACHA20:{NO_TLS13}")),
            "CLIENT_RANDOM ",
        ),
    ];
    for (index, (version, ciphers, label)) in cases.into_iter().enumerate() {
        let keylog = dir.path().join(format!("keys-{index}.log"));
        let options = TlsOptions {
            version: version.map(str::to_string),
            ciphers,
            keylog: Some(keylog.clone()),
            ..trusting(&certs.ca)
        };
        round_trip(tls(options, config("127.0.0.1", port)), small()).await;
        let log = std::fs::read_to_string(&keylog).unwrap_or_default();
        assert!(
            log.lines().any(|l| l.starts_with(label)),
            "{label} missing in:\n{log}"
        );
        assert!(
            log.lines().all(|l| l.split(' ').count() == 3),
            "not in NSS key log format:\n{log}"
        );
    }
}

#[tokio::test]
async fn tls_failures_are_explained() {
    let (dir, certs) = certificates();
    let broker = tls_broker(&certs, |b| {
        let b = b
            .tls_listener("wrong-host", certs.wrong_host_tls_files())
            .tls_listener("expired", certs.expired_tls_files())
            .tls_listener("mutual", certs.tls_files(true));
        raw_tls_listener(b, "foreign-tls13", &certs, &[FOREIGN_TLS13_SUITE])
    });
    let at = |name: &str| config("127.0.0.1", broker.listener_port(name));
    let stranger = TlsOptions {
        cert: Some(certs.stranger_client_cert.clone()),
        key: Some(certs.stranger_client_key.clone()),
        ..trusting(&certs.ca)
    };
    let keylog_dir_missing = dir.path().join("missing").join("keys.log");
    let cases = [
        (
            tls(trusting(&certs.other_ca), at("tls")),
            "Unable to connect (A TLS error occurred): the broker's certificate is not signed by a trusted CA (unknown issuer)",
        ),
        (
            tls(trusting(&certs.ca), at("wrong-host")),
            "Unable to connect (A TLS error occurred): the broker's certificate is not valid for the host name 127.0.0.1 (name mismatch)",
        ),
        (
            tls(trusting(&certs.ca), at("expired")),
            "Unable to connect (A TLS error occurred): the broker's certificate has expired.",
        ),
        (
            tls(trusting(&certs.ca), at("mutual")),
            "the broker requires a client certificate (client certificate required); give one with --cert and --key",
        ),
        (
            tls(stranger, at("mutual")),
            "the broker rejected the client certificate given with --cert",
        ),
        (
            tls(trusting(&certs.ca), at("foreign-tls13")),
            "Unable to connect (A TLS error occurred): the broker refused the handshake; it may require a client certificate (give one with --cert and --key) or share no cipher with this client.",
        ),
        (
            tls(trusting(&certs.ca), config("127.0.0.1", broker.port())),
            "Unable to connect (A TLS error occurred): the broker closed the connection during the TLS handshake; is this port a TLS listener?",
        ),
        (
            tls(
                TlsOptions {
                    ciphers: Some("DHE-RSA-AES256-SHA".into()),
                    ..trusting(&certs.ca)
                },
                at("tls"),
            ),
            "Error: Problem setting TLS options: the cipher \"DHE-RSA-AES256-SHA\" is not supported; choose from ",
        ),
        (
            tls(
                TlsOptions {
                    keylog: Some(keylog_dir_missing),
                    ..trusting(&certs.ca)
                },
                at("tls"),
            ),
            "Error: Problem setting TLS options: cannot open the key log file ",
        ),
    ];
    for (config, needle) in cases {
        let error = failure(config).await;
        assert_failure(&error, needle);
    }
    // On the wrong-host listener the name mismatch is also reported when the name is one.
    let error = failure(tls(
        trusting(&certs.ca),
        config("localhost", broker.listener_port("wrong-host")),
    ))
    .await;
    assert_failure(
        &error,
        "not valid for the host name localhost (name mismatch)",
    );
    assert!(!error.to_string().contains(WRONG_HOST));
}

#[tokio::test]
async fn tls_psk_round_trip_and_failures() {
    let broker = Broker::builder()
        .psk_listener("psk", "hint", &[(PSK_IDENTITY, PSK_KEY)])
        .start();
    let port = broker.listener_port("psk");
    round_trip(
        psk(PSK_KEY, PSK_IDENTITY, config("127.0.0.1", port)),
        small(),
    )
    .await;
    let cases = [
        (
            psk("00112233", PSK_IDENTITY, config("127.0.0.1", port)),
            "Unable to connect (A TLS error occurred): the broker rejected the pre-shared key for the identity psk-client; check --psk.",
        ),
        (
            psk(PSK_KEY, "stranger", config("127.0.0.1", port)),
            "Unable to connect (A TLS error occurred): the broker does not know the PSK identity stranger given with --psk-identity.",
        ),
        (
            psk(PSK_KEY, PSK_IDENTITY, config("127.0.0.1", broker.port())),
            "the broker closed the connection during the TLS handshake; is this port a TLS listener?",
        ),
    ];
    for (config, needle) in cases {
        let error = failure(config).await;
        assert_failure(&error, needle);
    }
}

#[tokio::test]
async fn websockets_plain_and_over_tls() {
    let (_dir, certs) = certificates();
    let broker = raw_tls_listener(
        Broker::builder().websockets(),
        "wss",
        &certs,
        &["protocol websockets"],
    )
    .start();
    round_trip(websocket(config("127.0.0.1", broker.ws_port())), small()).await;
    round_trip(
        websocket(tls(
            trusting(&certs.ca),
            config("localhost", broker.listener_port("wss")),
        )),
        small(),
    )
    .await;
    // Larger than the frames the broker writes (a few KiB each), so the packet arrives over
    // several frames. Kept small: mosquitto 2.0's websockets send large messages slowly
    // (about 40 KiB/s, whatever the client).
    let big = Bytes::from((0..20_000u32).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
    round_trip(
        websocket(config("127.0.0.1", broker.ws_port())),
        big.clone(),
    )
    .await;
    round_trip(
        websocket(tls(
            trusting(&certs.ca),
            config("127.0.0.1", broker.listener_port("wss")),
        )),
        big,
    )
    .await;
    let error = failure(websocket(config("127.0.0.1", broker.port()))).await;
    assert_failure(
        &error,
        "Unable to connect (A websocket error occurred): the broker closed the connection during the websocket handshake; is this port a websockets listener?",
    );
}

/// Publishes `total` small QoS 1 messages as fast as the window allows and checks that each is
/// acknowledged and comes back in order. A long stream of small packets makes the engine
/// abandon and retry writes many times, which each layer must take (OpenSSL, for one, refuses
/// a retried write from a moved buffer unless told otherwise).
async fn stream_of_messages(config: ConnectionConfig, total: usize) {
    let topic: Arc<str> = format!("transports/many/{}", config.client_id).into();
    let description = format!("{:?} {:?}", config.security, config.framing);
    let payload = |n: usize| Bytes::from(n.to_string());
    let (mut client, _) = Client::connect(config)
        .await
        .unwrap_or_else(|e| panic!("{description}: {e}"));
    client
        .subscribe(vec![subscription(&topic)])
        .unwrap_or_else(|e| panic!("{e}"));
    let (mut sent, mut delivered, mut received) = (0, 0, 0);
    let deadline = Instant::now() + STREAM_TIMEOUT;
    while delivered < total || received < total {
        let progress =
            format!("{description}: sent {sent}, delivered {delivered}, received {received}");
        assert!(Instant::now() < deadline, "too slow: {progress}");
        while sent < total && client.can_publish(Qos::AtLeastOnce) {
            client
                .publish(message(&topic, payload(sent), Qos::AtLeastOnce, false))
                .unwrap_or_else(|e| panic!("{e}"));
            sent += 1;
        }
        match tokio::time::timeout(EXCHANGE_TIMEOUT, client.next_event()).await {
            Ok(Ok(Event::Delivered { .. })) => delivered += 1,
            Ok(Ok(Event::Message(m))) => {
                assert!(m.payload == payload(received), "out of order: {progress}");
                received += 1;
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("{e}: {progress}"),
            Err(_) => panic!("stalled: {progress}"),
        }
    }
    client.disconnect().await.unwrap_or_else(|e| panic!("{e}"));
}

#[tokio::test]
async fn streams_of_messages_through_each_layer() {
    let (_dir, certs) = certificates();
    let broker = tls_broker(&certs, |b| {
        b.websockets()
            .psk_listener("psk", "hint", &[(PSK_IDENTITY, PSK_KEY)])
    });
    let cases = [
        tls(
            trusting(&certs.ca),
            config("127.0.0.1", broker.listener_port("tls")),
        ),
        psk(
            PSK_KEY,
            PSK_IDENTITY,
            config("127.0.0.1", broker.listener_port("psk")),
        ),
        websocket(config("127.0.0.1", broker.ws_port())),
    ];
    for config in cases {
        stream_of_messages(config, 30_000).await;
    }
}

#[tokio::test]
async fn socks5_proxy_in_front_of_each_transport() {
    let (_dir, certs) = certificates();
    let broker = tls_broker(&certs, |b| {
        b.websockets()
            .psk_listener("psk", "hint", &[(PSK_IDENTITY, PSK_KEY)])
    });
    let open = SocksProxy::start();
    let guarded = SocksProxy::with_password("proxy-user", "proxy-secret");
    let credentials = Some(("proxy-user", "proxy-secret"));
    let tls_port = broker.listener_port("tls");
    let cases = [
        through(&open, true, None, config("127.0.0.1", broker.port())),
        through(&open, false, None, config("localhost", broker.port())),
        through(&open, true, None, config("localhost", broker.port())),
        through(
            &guarded,
            true,
            credentials,
            config("127.0.0.1", broker.port()),
        ),
        through(
            &open,
            true,
            None,
            tls(trusting(&certs.ca), config("localhost", tls_port)),
        ),
        through(
            &guarded,
            false,
            credentials,
            tls(trusting(&certs.ca), config("127.0.0.1", tls_port)),
        ),
        through(
            &open,
            true,
            None,
            websocket(config("127.0.0.1", broker.ws_port())),
        ),
        through(
            &open,
            true,
            None,
            psk(
                PSK_KEY,
                PSK_IDENTITY,
                config("127.0.0.1", broker.listener_port("psk")),
            ),
        ),
    ];
    for config in cases {
        round_trip(config, small()).await;
    }
}

/// A proxy without credentials on this loopback port.
fn at_proxy(port: u16, config: ConnectionConfig) -> ConnectionConfig {
    ConnectionConfig {
        proxy: Some(Proxy {
            host: "127.0.0.1".into(),
            port,
            remote_dns: true,
            username: None,
            password: None,
        }),
        ..config
    }
}

#[tokio::test]
async fn socks5_failures_are_explained() {
    let broker = Broker::plain();
    let open = SocksProxy::start();
    let guarded = SocksProxy::with_password("proxy-user", "proxy-secret");
    let closed_port = free_port();
    let proxy_name = |p: &SocksProxy| format!("{}:{}", p.host(), p.port());
    let cases = [
        (
            through(&open, true, None, config("127.0.0.1", closed_port)),
            format!(
                "Unable to connect (Proxy error): the SOCKS proxy {} could not connect to 127.0.0.1:{closed_port}: connection refused by the broker's host.",
                proxy_name(&open)
            ),
        ),
        (
            through(&guarded, true, None, config("127.0.0.1", broker.port())),
            format!(
                "Unable to connect (Proxy error): the SOCKS proxy {} requires authentication; give a user name and password in the proxy URL.",
                proxy_name(&guarded)
            ),
        ),
        (
            through(&guarded, true, Some(("proxy-user", "wrong")), config("127.0.0.1", broker.port())),
            format!(
                "Unable to connect (Proxy error): the SOCKS proxy {} rejected the user name or password (authentication failed).",
                proxy_name(&guarded)
            ),
        ),
        (
            // Nothing listens where the proxy should be.
            at_proxy(closed_port, config("127.0.0.1", broker.port())),
            format!(
                "Unable to connect (Proxy error): cannot reach the SOCKS proxy 127.0.0.1:{closed_port}: Connection refused."
            ),
        ),
        (
            // A broker where the proxy should be: it hangs up on the SOCKS greeting.
            at_proxy(broker.port(), config("127.0.0.1", broker.port())),
            format!(
                "Unable to connect (Proxy error): the SOCKS proxy 127.0.0.1:{} closed the connection.",
                broker.port()
            ),
        ),
    ];
    for (config, expected) in cases {
        let error = failure(config).await;
        assert_failure(&error, &expected);
    }
}
