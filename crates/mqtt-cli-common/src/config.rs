//! The validated configuration that the option lowering produces and the client engine consumes.
//!
//! Nothing here does I/O or checks anything: every value in these types has already passed the
//! cross-option checks in `lower`. The engine may rely on them (a `-c` session has a client id,
//! a will has a valid topic, v5-only settings appear only with `MqttVersion::V5`).

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;

use crate::properties::Properties;

/// The MQTT protocol level spoken on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MqttVersion {
    /// MQTT 3.1.1 (protocol level 4), mosquitto's default.
    V311,
    /// MQTT 5 (protocol level 5).
    V5,
}

/// Quality of service of a publish, a subscription or a will.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Qos {
    #[default]
    AtMostOnce = 0,
    AtLeastOnce = 1,
    ExactlyOnce = 2,
}

impl Qos {
    pub fn from_u8(value: u8) -> Option<Qos> {
        match value {
            0 => Some(Qos::AtMostOnce),
            1 => Some(Qos::AtLeastOnce),
            2 => Some(Qos::ExactlyOnce),
            _ => None,
        }
    }

    pub fn as_u8(self) -> u8 {
        self as u8
    }
}

/// Where the broker is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Tcp { host: String, port: u16 },
    Unix(PathBuf),
}

/// How the MQTT byte stream is carried over the socket.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Framing {
    /// MQTT straight on the stream.
    #[default]
    Raw,
    /// MQTT inside binary websocket frames (`--ws`, `ws://`, `wss://`).
    WebSocket { path: String },
}

/// TLS settings, present when the connection is encrypted with a certificate-based TLS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsOptions {
    pub cafile: Option<PathBuf>,
    pub capath: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    /// `--insecure`: no verification of the server at all.
    pub insecure: bool,
    pub alpn: Option<String>,
    /// `--tls-version`: "tlsv1.2" or "tlsv1.3"; `None` allows both.
    pub version: Option<String>,
    /// `--ciphers`, OpenSSL-style names separated by colons.
    pub ciphers: Option<String>,
    pub use_os_certs: bool,
    pub keylog: Option<PathBuf>,
}

/// TLS with a pre-shared key (`--psk`, `--psk-identity`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskOptions {
    pub key: Vec<u8>,
    pub identity: String,
    pub ciphers: Option<String>,
}

/// The encryption of the connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Security {
    #[default]
    Plain,
    Tls(TlsOptions),
    Psk(PskOptions),
}

/// A SOCKS5 proxy between us and the broker (`--proxy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub host: String,
    pub port: u16,
    /// `socks5h://`: the proxy resolves the broker's name; `socks5://`: we do.
    pub remote_dns: bool,
    pub username: Option<String>,
    pub password: Option<String>,
}

/// The client's last will.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Bytes,
    pub qos: Qos,
    pub retain: bool,
}

/// How hard to try when the connection to the broker is lost after it was once established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Reconnect at all (mosquitto's clients do).
    pub enabled: bool,
    /// Give up after this long without a connection; `None` tries for ever.
    pub give_up_after: Option<Duration>,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            enabled: true,
            give_up_after: None,
            first_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// Everything needed to open, keep and close one MQTT session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionConfig {
    pub address: Address,
    /// `-A`: local address to bind the outgoing TCP socket to.
    pub bind_address: Option<String>,
    /// `--nodelay`: disable Nagle's algorithm.
    pub nodelay: bool,
    pub security: Security,
    pub framing: Framing,
    pub proxy: Option<Proxy>,
    pub version: MqttVersion,
    /// `-i`, or the `-I` prefix plus the process id. Empty when the user gave neither: the
    /// broker then assigns one, as with mosquitto 2.1 (never empty with `clean_start: false`).
    pub client_id: String,
    /// `false` with `-c`.
    pub clean_start: bool,
    /// Seconds; 0 disables keepalive.
    pub keepalive: u16,
    /// `-x`, MQTT 5 only. `None`: not sent (0 on the wire).
    pub session_expiry: Option<u32>,
    pub username: Option<String>,
    pub password: Option<String>,
    pub will: Option<Will>,
    /// `-D` properties for every command.
    pub properties: Properties,
    /// `-M`: the most QoS 1 and 2 messages in flight at once.
    pub max_inflight: Option<u16>,
    /// `-d`: packet-level debug lines on stderr.
    pub debug: bool,
    /// `--quiet`: no error or note lines on stderr.
    pub quiet: bool,
    pub reconnect: ReconnectPolicy,
}
