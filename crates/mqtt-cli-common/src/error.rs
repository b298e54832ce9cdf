//! Errors the client engine reports, each with the exit code mosquitto's clients use for it.
//!
//! Exit codes: 1 for a first connection that could not be made (socket, proxy, TLS settings,
//! handshake or certificate: mosquitto 2.1's clients exit 1 for all of them); the broker's own
//! CONNACK code for a refusal (1-5 in 3.1.1, 128-162 in MQTT 5); libmosquitto's error numbers
//! otherwise (2 protocol, 7 connection lost, 9 payload size, 19 keepalive, 21 malformed packet,
//! 27 timeout). The messages never contain a password.

use std::io;

/// libmosquitto's error numbers that double as exit codes.
pub mod code {
    pub const PROTOCOL: u8 = 2;
    pub const CONN_REFUSED: u8 = 5;
    pub const CONN_LOST: u8 = 7;
    pub const TLS: u8 = 8;
    pub const PAYLOAD_SIZE: u8 = 9;
    pub const NOT_SUPPORTED: u8 = 10;
    pub const KEEPALIVE: u8 = 19;
    pub const MALFORMED_PACKET: u8 = 21;
    pub const TIMEOUT: u8 = 27;
}

/// Something that ended the MQTT conversation.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The first connection (socket, TLS or proxy) could not be opened.
    #[error("{0}")]
    Connect(String),
    /// The broker answered CONNECT with a refusal. mosquitto_pub adds `followup` as a second
    /// line; mosquitto_sub does not.
    #[error("Connection error: {reason}")]
    Refused {
        code: u8,
        reason: String,
        followup: &'static str,
    },
    /// The connection went away and could not be (or was not to be) restored.
    #[error("The connection was lost.")]
    ConnectionLost,
    /// The broker stopped answering within the keepalive.
    #[error("The client failed to receive a PINGRESP in time (keepalive).")]
    Keepalive,
    /// The broker broke the protocol or sent bytes that are not MQTT.
    #[error("Protocol error: {0}")]
    Protocol(String),
    /// A packet from the broker could not be decoded.
    #[error("Malformed packet received: {0}")]
    Malformed(String),
    /// A message does not fit in a packet the broker (or MQTT) accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// The broker closed the connection with an MQTT 5 DISCONNECT.
    #[error("Disconnected by broker: {0}")]
    DisconnectedByBroker(String),
    /// TLS settings, certificate or key failure: the message says why in words. Not worth a
    /// reconnection, and exit code 1 like any failed first connection.
    #[error("{0}")]
    Tls(String),
    /// No CONNACK within the connect timeout.
    #[error("Timed out waiting for the broker to answer CONNECT.")]
    ConnectTimeout,
    #[error("{0}")]
    NotSupported(String),
}

impl ClientError {
    /// The process exit code mosquitto's clients use for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            ClientError::Connect(_) | ClientError::ConnectTimeout | ClientError::Tls(_) => 1,
            ClientError::Refused { code: rc, .. } => *rc,
            ClientError::ConnectionLost | ClientError::DisconnectedByBroker(_) => code::CONN_LOST,
            ClientError::Keepalive => code::KEEPALIVE,
            ClientError::Protocol(_) => code::PROTOCOL,
            ClientError::Malformed(_) => code::MALFORMED_PACKET,
            ClientError::PayloadTooLarge(_) => code::PAYLOAD_SIZE,
            ClientError::NotSupported(_) => code::NOT_SUPPORTED,
        }
    }

    /// Whether reconnecting could help (the link failed, the broker did not say no).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ClientError::ConnectionLost
                | ClientError::Keepalive
                | ClientError::DisconnectedByBroker(_)
                | ClientError::Connect(_)
                | ClientError::ConnectTimeout
        )
    }

    /// An error from the socket while connected.
    pub fn from_io(err: &io::Error) -> ClientError {
        match err.kind() {
            io::ErrorKind::InvalidData => ClientError::Tls(err.to_string()),
            _ => ClientError::ConnectionLost,
        }
    }
}

/// Prints `message` to stderr unless quiet. The one printer for user-facing errors.
pub fn print_error(quiet: bool, message: &str) {
    if !quiet {
        eprintln!("{message}");
    }
}

/// The line both tools print when the connection is lost and they start reconnecting: one per
/// outage, nothing when it is restored, silenced by `--quiet`.
pub fn outage_note(cause: &ClientError) -> String {
    let cause = cause.to_string();
    format!(
        "Warning: connection to the broker lost ({}); reconnecting.",
        cause.trim_end_matches('.')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_mosquitto() {
        let cases = [
            (ClientError::Connect("Connection refused".into()), 1),
            (
                ClientError::Refused {
                    code: 5,
                    reason: "x".into(),
                    followup: "",
                },
                5,
            ),
            (
                ClientError::Refused {
                    code: 135,
                    reason: "x".into(),
                    followup: "",
                },
                135,
            ),
            (ClientError::ConnectionLost, 7),
            (ClientError::Keepalive, 19),
            (ClientError::Protocol("x".into()), 2),
            (ClientError::Malformed("x".into()), 21),
            (ClientError::PayloadTooLarge("x".into()), 9),
            (ClientError::Tls("x".into()), 1),
        ];
        for (error, expected) in cases {
            assert_eq!(error.exit_code(), expected, "{error:?}");
        }
    }

    #[test]
    fn outage_notes_name_the_cause_once() {
        let cases = [
            (
                ClientError::ConnectionLost,
                "Warning: connection to the broker lost (The connection was lost); reconnecting.",
            ),
            (
                ClientError::Keepalive,
                "Warning: connection to the broker lost (The client failed to receive a PINGRESP in time (keepalive)); reconnecting.",
            ),
            (
                ClientError::DisconnectedByBroker("Server shutting down".into()),
                "Warning: connection to the broker lost (Disconnected by broker: Server shutting down); reconnecting.",
            ),
        ];
        for (cause, expected) in cases {
            assert_eq!(outage_note(&cause), expected);
        }
    }
}
