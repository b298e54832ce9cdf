//! Test helpers for the mosquitto-compatible clients: a real mosquitto broker on free loopback
//! ports, an independent subscriber and publisher (Debian's `mosquitto_sub`/`mosquitto_pub`),
//! a deliberately broken fake MQTT server, throwaway TLS certificates, a SOCKS5 proxy, a broker
//! offering every transport with the routes to it, and a way to run programs with an isolated
//! environment and a hard deadline.
//!
//! Rules: only loopback addresses; every wait is bounded so a test can fail but never hang;
//! every child process is killed when its handle is dropped; failures panic with the evidence
//! (output, broker log), as this is test code.
//!
//! ```no_run
//! use std::time::Duration;
//! use mqtt_test_support::{command, publish, run_with_timeout, Broker, Subscriber};
//!
//! let broker = Broker::builder().password_user("alice", "secret").start();
//! let sub = Subscriber::start(&broker, &["-t", "greetings/#", "-v"]);
//! let port = broker.port().to_string();
//! // In an integration test of the mqpub crate: env!("CARGO_BIN_EXE_mqpub").
//! let mqpub = std::path::Path::new("target/debug/mqpub");
//! let mut cmd = command(mqpub);
//! cmd.args(["-p", port.as_str(), "-t", "greetings/world", "-m", "hello"]);
//! let out = run_with_timeout(&mut cmd, None, Duration::from_secs(10));
//! assert!(out.success(), "{out}");
//! assert_eq!(sub.wait_for(1, Duration::from_secs(10)), ["greetings/world hello"]);
//! publish(&broker, &["-p", &broker.password_port().to_string(), "-u", "alice", "-P", "secret",
//!     "-t", "greetings/again", "-m", "hi"]);
//! ```

mod broker;
mod capture;
mod certificates;
pub mod fake_server;
mod home;
mod ports;
mod reference;
mod run;
mod signal;
mod socks;
mod subscriber;
mod tools;
mod transports;

pub use broker::{Broker, BrokerBuilder, TlsFiles};
pub use certificates::{Certificates, WRONG_HOST};
pub use fake_server::FakeServer;
pub use home::empty_home;
pub use ports::{free_port, free_ports};
pub use reference::{publish, run_mosquitto_pub};
pub use run::{command, run_with_timeout, Input, RunOutput, Running};
pub use socks::SocksProxy;
pub use subscriber::Subscriber;
pub use tools::{
    Tool, MICROSOCKS, MOSQUITTO, MOSQUITTO_PASSWD, MOSQUITTO_PUB, MOSQUITTO_SUB, OPENSSL,
};
pub use transports::{
    check_websocket_upgrade, Outcome, Route, TransportLab, INSECURE_WARNING, MQTTS_PORT,
    PROXY_PASSWORD, PROXY_USER, PSK_IDENTITY, PSK_KEY,
};
