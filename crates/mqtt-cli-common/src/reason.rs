//! Numbers and the words mosquitto's clients print for them: MQTT 5 reason codes, MQTT 3.1.1
//! CONNACK return codes and libmosquitto's `MOSQ_ERR_*` codes (which the clients also use as
//! exit codes).
//!
//! Rules: the texts are behaviour that scripts match on, so they are kept exactly as mosquitto
//! 2.1 prints them, spelling slips and capitalisation included. Every code has one constant and
//! appears once in one table; the lookups fall back the way mosquitto does for codes it does not
//! know.

/// libmosquitto's result codes (`MOSQ_ERR_*`), with the same numbers. mosquitto's clients exit
/// with some of them, so the numbers are part of the command-line behaviour.
pub mod mosq_err {
    pub const QUOTA_EXCEEDED: i32 = -6;
    pub const AUTH_DELAYED: i32 = -5;
    pub const AUTH_CONTINUE: i32 = -4;
    pub const NO_SUBSCRIBERS: i32 = -3;
    pub const SUB_EXISTS: i32 = -2;
    pub const CONN_PENDING: i32 = -1;
    pub const SUCCESS: i32 = 0;
    pub const NOMEM: i32 = 1;
    pub const PROTOCOL: i32 = 2;
    pub const INVAL: i32 = 3;
    pub const NO_CONN: i32 = 4;
    pub const CONN_REFUSED: i32 = 5;
    pub const NOT_FOUND: i32 = 6;
    pub const CONN_LOST: i32 = 7;
    pub const TLS: i32 = 8;
    pub const PAYLOAD_SIZE: i32 = 9;
    pub const NOT_SUPPORTED: i32 = 10;
    pub const AUTH: i32 = 11;
    pub const ACL_DENIED: i32 = 12;
    pub const UNKNOWN: i32 = 13;
    /// The operating system's error; its text is `strerror(errno)`, see [`super::os_error_string`].
    pub const ERRNO: i32 = 14;
    /// Name resolution (`getaddrinfo`) failed.
    pub const EAI: i32 = 15;
    pub const PROXY: i32 = 16;
    pub const PLUGIN_DEFER: i32 = 17;
    pub const MALFORMED_UTF8: i32 = 18;
    pub const KEEPALIVE: i32 = 19;
    pub const LOOKUP: i32 = 20;
    pub const MALFORMED_PACKET: i32 = 21;
    pub const DUPLICATE_PROPERTY: i32 = 22;
    pub const TLS_HANDSHAKE: i32 = 23;
    pub const QOS_NOT_SUPPORTED: i32 = 24;
    pub const OVERSIZE_PACKET: i32 = 25;
    pub const OCSP: i32 = 26;
    /// `mosquitto_sub -W` ran out of time.
    pub const TIMEOUT: i32 = 27;
    pub const ALREADY_EXISTS: i32 = 31;
    pub const PLUGIN_IGNORE: i32 = 32;
    pub const HTTP_BAD_ORIGIN: i32 = 33;
    // From here on the codes are MQTT 5 reason codes that libmosquitto passes through.
    pub const UNSPECIFIED: i32 = 128;
    pub const IMPLEMENTATION_SPECIFIC: i32 = 131;
    pub const UNSUPPORTED_PROTOCOL_VERSION: i32 = 132;
    pub const CLIENT_IDENTIFIER_NOT_VALID: i32 = 133;
    pub const BAD_USERNAME_OR_PASSWORD: i32 = 134;
    pub const SERVER_UNAVAILABLE: i32 = 136;
    pub const SERVER_BUSY: i32 = 137;
    pub const BANNED: i32 = 138;
    pub const SERVER_SHUTTING_DOWN: i32 = 139;
    pub const BAD_AUTHENTICATION_METHOD: i32 = 140;
    pub const SESSION_TAKEN_OVER: i32 = 142;
    pub const TOPIC_FILTER_INVALID: i32 = 143;
    pub const TOPIC_NAME_INVALID: i32 = 144;
    pub const PACKET_ID_IN_USE: i32 = 145;
    pub const PACKET_ID_NOT_FOUND: i32 = 146;
    pub const RECEIVE_MAXIMUM_EXCEEDED: i32 = 147;
    pub const TOPIC_ALIAS_INVALID: i32 = 148;
    pub const MESSAGE_RATE_TOO_HIGH: i32 = 150;
    pub const ADMINISTRATIVE_ACTION: i32 = 152;
    pub const PAYLOAD_FORMAT_INVALID: i32 = 153;
    pub const RETAIN_NOT_SUPPORTED: i32 = 154;
    pub const USE_ANOTHER_SERVER: i32 = 156;
    pub const SERVER_MOVED: i32 = 157;
    pub const SHARED_SUBS_NOT_SUPPORTED: i32 = 158;
    pub const CONNECTION_RATE_EXCEEDED: i32 = 159;
    pub const MAXIMUM_CONNECT_TIME: i32 = 160;
    pub const SUBSCRIPTION_IDS_NOT_SUPPORTED: i32 = 161;
    pub const WILDCARD_SUBS_NOT_SUPPORTED: i32 = 162;
}

/// MQTT 5 reason codes, as carried in CONNACK, PUBACK, SUBACK, DISCONNECT and friends.
pub mod rc {
    pub const SUCCESS: u8 = 0;
    pub const GRANTED_QOS1: u8 = 1;
    pub const GRANTED_QOS2: u8 = 2;
    pub const DISCONNECT_WITH_WILL_MSG: u8 = 4;
    pub const NO_MATCHING_SUBSCRIBERS: u8 = 16;
    pub const NO_SUBSCRIPTION_EXISTED: u8 = 17;
    pub const CONTINUE_AUTHENTICATION: u8 = 24;
    pub const REAUTHENTICATE: u8 = 25;
    pub const UNSPECIFIED: u8 = 128;
    pub const MALFORMED_PACKET: u8 = 129;
    pub const PROTOCOL_ERROR: u8 = 130;
    pub const IMPLEMENTATION_SPECIFIC: u8 = 131;
    pub const UNSUPPORTED_PROTOCOL_VERSION: u8 = 132;
    pub const CLIENTID_NOT_VALID: u8 = 133;
    pub const BAD_USERNAME_OR_PASSWORD: u8 = 134;
    pub const NOT_AUTHORIZED: u8 = 135;
    pub const SERVER_UNAVAILABLE: u8 = 136;
    pub const SERVER_BUSY: u8 = 137;
    pub const BANNED: u8 = 138;
    pub const SERVER_SHUTTING_DOWN: u8 = 139;
    pub const BAD_AUTHENTICATION_METHOD: u8 = 140;
    pub const KEEP_ALIVE_TIMEOUT: u8 = 141;
    pub const SESSION_TAKEN_OVER: u8 = 142;
    pub const TOPIC_FILTER_INVALID: u8 = 143;
    pub const TOPIC_NAME_INVALID: u8 = 144;
    pub const PACKET_ID_IN_USE: u8 = 145;
    pub const PACKET_ID_NOT_FOUND: u8 = 146;
    pub const RECEIVE_MAXIMUM_EXCEEDED: u8 = 147;
    pub const TOPIC_ALIAS_INVALID: u8 = 148;
    pub const PACKET_TOO_LARGE: u8 = 149;
    pub const MESSAGE_RATE_TOO_HIGH: u8 = 150;
    pub const QUOTA_EXCEEDED: u8 = 151;
    pub const ADMINISTRATIVE_ACTION: u8 = 152;
    pub const PAYLOAD_FORMAT_INVALID: u8 = 153;
    pub const RETAIN_NOT_SUPPORTED: u8 = 154;
    pub const QOS_NOT_SUPPORTED: u8 = 155;
    pub const USE_ANOTHER_SERVER: u8 = 156;
    pub const SERVER_MOVED: u8 = 157;
    pub const SHARED_SUBS_NOT_SUPPORTED: u8 = 158;
    pub const CONNECTION_RATE_EXCEEDED: u8 = 159;
    pub const MAXIMUM_CONNECT_TIME: u8 = 160;
    pub const SUBSCRIPTION_IDS_NOT_SUPPORTED: u8 = 161;
    pub const WILDCARD_SUBS_NOT_SUPPORTED: u8 = 162;
}

/// Every MQTT 5 reason code mosquitto has words for.
const REASON_TEXTS: &[(u8, &str)] = &[
    (rc::SUCCESS, "Success"),
    (rc::GRANTED_QOS1, "Granted QoS 1"),
    (rc::GRANTED_QOS2, "Granted QoS 2"),
    (rc::DISCONNECT_WITH_WILL_MSG, "Disconnect with Will Message"),
    (rc::NO_MATCHING_SUBSCRIBERS, "No matching subscribers"),
    (rc::NO_SUBSCRIPTION_EXISTED, "No subscription existed"),
    (rc::CONTINUE_AUTHENTICATION, "Continue authentication"),
    (rc::REAUTHENTICATE, "Re-authenticate"),
    (rc::UNSPECIFIED, "Unspecified error"),
    (rc::MALFORMED_PACKET, "Malformed Packet"),
    (rc::PROTOCOL_ERROR, "Protocol Error"),
    (rc::IMPLEMENTATION_SPECIFIC, "Implementation specific error"),
    (
        rc::UNSUPPORTED_PROTOCOL_VERSION,
        "Unsupported Protocol Version",
    ),
    (rc::CLIENTID_NOT_VALID, "Client Identifier not valid"),
    (rc::BAD_USERNAME_OR_PASSWORD, "Bad User Name or Password"),
    (rc::NOT_AUTHORIZED, "Not authorized"),
    (rc::SERVER_UNAVAILABLE, "Server unavailable"),
    (rc::SERVER_BUSY, "Server busy"),
    (rc::BANNED, "Banned"),
    (rc::SERVER_SHUTTING_DOWN, "Server shutting down"),
    (rc::BAD_AUTHENTICATION_METHOD, "Bad authentication method"),
    (rc::KEEP_ALIVE_TIMEOUT, "Keep Alive timeout"),
    (rc::SESSION_TAKEN_OVER, "Session taken over"),
    (rc::TOPIC_FILTER_INVALID, "Topic Filter invalid"),
    (rc::TOPIC_NAME_INVALID, "Topic Name invalid"),
    (rc::PACKET_ID_IN_USE, "Packet Identifier in use"),
    (rc::PACKET_ID_NOT_FOUND, "Packet Identifier not found"),
    (rc::RECEIVE_MAXIMUM_EXCEEDED, "Receive Maximum exceeded"),
    (rc::TOPIC_ALIAS_INVALID, "Topic Alias invalid"),
    (rc::PACKET_TOO_LARGE, "Packet too large"),
    (rc::MESSAGE_RATE_TOO_HIGH, "Message rate too high"),
    (rc::QUOTA_EXCEEDED, "Quota exceeded"),
    (rc::ADMINISTRATIVE_ACTION, "Administrative action"),
    (rc::PAYLOAD_FORMAT_INVALID, "Payload format invalid"),
    (rc::RETAIN_NOT_SUPPORTED, "Retain not supported"),
    (rc::QOS_NOT_SUPPORTED, "QoS not supported"),
    (rc::USE_ANOTHER_SERVER, "Use another server"),
    (rc::SERVER_MOVED, "Server moved"),
    (
        rc::SHARED_SUBS_NOT_SUPPORTED,
        "Shared Subscriptions not supported",
    ),
    (rc::CONNECTION_RATE_EXCEEDED, "Connection rate exceeded"),
    (rc::MAXIMUM_CONNECT_TIME, "Maximum connect time"),
    (
        rc::SUBSCRIPTION_IDS_NOT_SUPPORTED,
        "Subscription identifiers not supported",
    ),
    (
        rc::WILDCARD_SUBS_NOT_SUPPORTED,
        "Wildcard Subscriptions not supported",
    ),
];

/// The MQTT 3.1.1 CONNACK return codes 0 to 5, in order.
const CONNACK_TEXTS: [&str; 6] = [
    "Connection Accepted",
    "Connection Refused: unacceptable protocol version",
    "Connection Refused: identifier rejected",
    "Connection Refused: broker unavailable",
    "Connection Refused: bad user name or password",
    "Connection Refused: not authorised",
];

/// The libmosquitto codes with a text of their own. The MQTT 5 range above 127 lists only the
/// codes whose text differs from, or is absent in, the reason-code table: the rest fall through
/// to [`reason_string`], as in mosquitto.
const ERROR_TEXTS: &[(i32, &str)] = &[
    (mosq_err::QUOTA_EXCEEDED, "Quota exceeded"),
    (mosq_err::AUTH_DELAYED, "Authentication delayed"),
    (mosq_err::AUTH_CONTINUE, "Continue with authentication"),
    (mosq_err::NO_SUBSCRIBERS, "No subscribers"),
    (mosq_err::SUB_EXISTS, "Subscription already exists"),
    (mosq_err::CONN_PENDING, "Connection pending"),
    (mosq_err::SUCCESS, "No error"),
    (mosq_err::NOMEM, "Out of memory"),
    (
        mosq_err::PROTOCOL,
        "A network protocol error occurred when communicating with the broker",
    ),
    (mosq_err::INVAL, "Invalid input"),
    (mosq_err::NO_CONN, "The client is not currently connected"),
    (mosq_err::CONN_REFUSED, "The connection was refused"),
    (mosq_err::NOT_FOUND, "Message not found (internal error)"),
    (mosq_err::CONN_LOST, "The connection was lost"),
    (mosq_err::TLS, "A TLS error occurred"),
    (mosq_err::PAYLOAD_SIZE, "Payload too large"),
    (mosq_err::NOT_SUPPORTED, "This feature is not supported"),
    (mosq_err::AUTH, "Authorisation failed"),
    (mosq_err::ACL_DENIED, "Access denied by ACL"),
    (mosq_err::UNKNOWN, "Unknown error"),
    (mosq_err::EAI, "Lookup error"),
    (mosq_err::PROXY, "Proxy error"),
    (mosq_err::PLUGIN_DEFER, "Plugin deferring result"),
    (mosq_err::MALFORMED_UTF8, "Malformed UTF-8"),
    (mosq_err::KEEPALIVE, "Keepalive exceeded"),
    (mosq_err::LOOKUP, "DNS Lookup failed"),
    (mosq_err::MALFORMED_PACKET, "Malformed packet"),
    (
        mosq_err::DUPLICATE_PROPERTY,
        "Duplicate property in property list",
    ),
    (mosq_err::TLS_HANDSHAKE, "TLS handshake failed"),
    (
        mosq_err::QOS_NOT_SUPPORTED,
        "Requested QoS not supported on server",
    ),
    (
        mosq_err::OVERSIZE_PACKET,
        "Packet larger than supported by the server",
    ),
    (mosq_err::OCSP, "OCSP error"),
    (mosq_err::TIMEOUT, "Timeout"),
    (mosq_err::ALREADY_EXISTS, "Entry already exists"),
    (mosq_err::PLUGIN_IGNORE, "Ignore plugin"),
    (mosq_err::HTTP_BAD_ORIGIN, "Bad http origin"),
    (mosq_err::UNSPECIFIED, "Unspecified error"),
    // The misspelling is mosquitto's own and scripts may match on it.
    (
        mosq_err::IMPLEMENTATION_SPECIFIC,
        "Implementaion specific error",
    ),
    (
        mosq_err::CLIENT_IDENTIFIER_NOT_VALID,
        "Client identifier not valid",
    ),
    (
        mosq_err::BAD_USERNAME_OR_PASSWORD,
        "Bad username or password",
    ),
    (mosq_err::SERVER_UNAVAILABLE, "Server unavailable"),
    (mosq_err::SERVER_BUSY, "Server busy"),
    (mosq_err::BANNED, "Banned"),
    (
        mosq_err::BAD_AUTHENTICATION_METHOD,
        "Bad authentication method",
    ),
    (mosq_err::SESSION_TAKEN_OVER, "Session taken over"),
    (
        mosq_err::RECEIVE_MAXIMUM_EXCEEDED,
        "Receive maximum exceeded",
    ),
    (mosq_err::TOPIC_ALIAS_INVALID, "Topic alias invalid"),
    (mosq_err::ADMINISTRATIVE_ACTION, "Administrative action"),
    (mosq_err::RETAIN_NOT_SUPPORTED, "Retain not supported"),
    (
        mosq_err::CONNECTION_RATE_EXCEEDED,
        "Connection rate exceeded",
    ),
];

/// An MQTT 5 reason code in words (`mosquitto_reason_string`); "Unknown reason" for codes MQTT 5
/// does not define.
pub fn reason_string(code: u8) -> &'static str {
    REASON_TEXTS
        .iter()
        .find(|(known, _)| *known == code)
        .map_or("Unknown reason", |(_, text)| text)
}

/// An MQTT 3.1.1 CONNACK return code in words (`mosquitto_connack_string`).
pub fn connack_string(code: u8) -> &'static str {
    CONNACK_TEXTS
        .get(usize::from(code))
        .copied()
        .unwrap_or("Connection Refused: unknown reason")
}

/// A libmosquitto result code in words (`mosquitto_strerror`).
///
/// [`mosq_err::ERRNO`] stands for an operating-system error whose text mosquitto takes from
/// `errno` at the moment of printing; this function cannot know it and answers "Unknown error".
/// Whoever holds the OS error prints [`os_error_string`] instead.
pub fn error_string(code: i32) -> &'static str {
    if let Some((_, text)) = ERROR_TEXTS.iter().find(|(known, _)| *known == code) {
        return text;
    }
    match u8::try_from(code) {
        // libmosquitto hands MQTT 5 reason codes through unchanged.
        Ok(reason) if reason >= 128 => reason_string(reason),
        Ok(_) => "Unknown error",
        // Beyond a byte, mosquitto's reason-code lookup finds nothing.
        Err(_) if code > 255 => "Unknown reason",
        Err(_) => "Unknown error",
    }
}

/// The C library's text for an `errno` value, as `strerror` gives it (for example
/// "Connection refused"), without the " (os error N)" that Rust's `io::Error` adds.
pub fn os_error_string(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    match text.find(" (os error ") {
        Some(end) => text[..end].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason code mosquitto knows, with its number written out rather than taken from the
    /// constants, so a wrong constant shows up here.
    const REASONS: &[(u8, &str)] = &[
        (0, "Success"),
        (1, "Granted QoS 1"),
        (2, "Granted QoS 2"),
        (4, "Disconnect with Will Message"),
        (16, "No matching subscribers"),
        (17, "No subscription existed"),
        (24, "Continue authentication"),
        (25, "Re-authenticate"),
        (128, "Unspecified error"),
        (129, "Malformed Packet"),
        (130, "Protocol Error"),
        (131, "Implementation specific error"),
        (132, "Unsupported Protocol Version"),
        (133, "Client Identifier not valid"),
        (134, "Bad User Name or Password"),
        (135, "Not authorized"),
        (136, "Server unavailable"),
        (137, "Server busy"),
        (138, "Banned"),
        (139, "Server shutting down"),
        (140, "Bad authentication method"),
        (141, "Keep Alive timeout"),
        (142, "Session taken over"),
        (143, "Topic Filter invalid"),
        (144, "Topic Name invalid"),
        (145, "Packet Identifier in use"),
        (146, "Packet Identifier not found"),
        (147, "Receive Maximum exceeded"),
        (148, "Topic Alias invalid"),
        (149, "Packet too large"),
        (150, "Message rate too high"),
        (151, "Quota exceeded"),
        (152, "Administrative action"),
        (153, "Payload format invalid"),
        (154, "Retain not supported"),
        (155, "QoS not supported"),
        (156, "Use another server"),
        (157, "Server moved"),
        (158, "Shared Subscriptions not supported"),
        (159, "Connection rate exceeded"),
        (160, "Maximum connect time"),
        (161, "Subscription identifiers not supported"),
        (162, "Wildcard Subscriptions not supported"),
    ];

    #[test]
    fn every_reason_code_has_mosquittos_words() {
        for code in 0..=u8::MAX {
            let expected = REASONS
                .iter()
                .find(|(known, _)| *known == code)
                .map_or("Unknown reason", |(_, text)| text);
            assert_eq!(reason_string(code), expected, "reason code {code}");
        }
    }

    #[test]
    fn connack_codes() {
        let table: &[(u8, &str)] = &[
            (0, "Connection Accepted"),
            (1, "Connection Refused: unacceptable protocol version"),
            (2, "Connection Refused: identifier rejected"),
            (3, "Connection Refused: broker unavailable"),
            (4, "Connection Refused: bad user name or password"),
            (5, "Connection Refused: not authorised"),
            (6, "Connection Refused: unknown reason"),
            (128, "Connection Refused: unknown reason"),
            (255, "Connection Refused: unknown reason"),
        ];
        for (code, text) in table {
            assert_eq!(connack_string(*code), *text, "connack code {code}");
        }
    }

    #[test]
    fn error_codes() {
        let table: &[(i32, &str)] = &[
            (-7, "Unknown error"),
            (-6, "Quota exceeded"),
            (-5, "Authentication delayed"),
            (-4, "Continue with authentication"),
            (-3, "No subscribers"),
            (-2, "Subscription already exists"),
            (-1, "Connection pending"),
            (0, "No error"),
            (1, "Out of memory"),
            (
                2,
                "A network protocol error occurred when communicating with the broker",
            ),
            (3, "Invalid input"),
            (4, "The client is not currently connected"),
            (5, "The connection was refused"),
            (6, "Message not found (internal error)"),
            (7, "The connection was lost"),
            (8, "A TLS error occurred"),
            (9, "Payload too large"),
            (10, "This feature is not supported"),
            (11, "Authorisation failed"),
            (12, "Access denied by ACL"),
            (13, "Unknown error"),
            (14, "Unknown error"),
            (15, "Lookup error"),
            (16, "Proxy error"),
            (17, "Plugin deferring result"),
            (18, "Malformed UTF-8"),
            (19, "Keepalive exceeded"),
            (20, "DNS Lookup failed"),
            (21, "Malformed packet"),
            (22, "Duplicate property in property list"),
            (23, "TLS handshake failed"),
            (24, "Requested QoS not supported on server"),
            (25, "Packet larger than supported by the server"),
            (26, "OCSP error"),
            (27, "Timeout"),
            (28, "Unknown error"),
            (29, "Unknown error"),
            (30, "Unknown error"),
            (31, "Entry already exists"),
            (32, "Ignore plugin"),
            (33, "Bad http origin"),
            (34, "Unknown error"),
            (127, "Unknown error"),
            (128, "Unspecified error"),
            (129, "Malformed Packet"),
            (130, "Protocol Error"),
            (131, "Implementaion specific error"),
            (132, "Unsupported Protocol Version"),
            (133, "Client identifier not valid"),
            (134, "Bad username or password"),
            (135, "Not authorized"),
            (136, "Server unavailable"),
            (137, "Server busy"),
            (138, "Banned"),
            (139, "Server shutting down"),
            (140, "Bad authentication method"),
            (141, "Keep Alive timeout"),
            (142, "Session taken over"),
            (143, "Topic Filter invalid"),
            (144, "Topic Name invalid"),
            (145, "Packet Identifier in use"),
            (146, "Packet Identifier not found"),
            (147, "Receive maximum exceeded"),
            (148, "Topic alias invalid"),
            (149, "Packet too large"),
            (150, "Message rate too high"),
            (151, "Quota exceeded"),
            (152, "Administrative action"),
            (153, "Payload format invalid"),
            (154, "Retain not supported"),
            (155, "QoS not supported"),
            (156, "Use another server"),
            (157, "Server moved"),
            (158, "Shared Subscriptions not supported"),
            (159, "Connection rate exceeded"),
            (160, "Maximum connect time"),
            (161, "Subscription identifiers not supported"),
            (162, "Wildcard Subscriptions not supported"),
            (163, "Unknown reason"),
            (255, "Unknown reason"),
            (256, "Unknown reason"),
            (i32::MAX, "Unknown reason"),
            (i32::MIN, "Unknown error"),
        ];
        for (code, text) in table {
            assert_eq!(error_string(*code), *text, "error code {code}");
        }
    }

    #[test]
    fn error_constants_have_libmosquittos_numbers() {
        let table: &[(i32, i32)] = &[
            (mosq_err::SUCCESS, 0),
            (mosq_err::PROTOCOL, 2),
            (mosq_err::INVAL, 3),
            (mosq_err::NO_CONN, 4),
            (mosq_err::CONN_REFUSED, 5),
            (mosq_err::CONN_LOST, 7),
            (mosq_err::TLS, 8),
            (mosq_err::NOT_SUPPORTED, 10),
            (mosq_err::ERRNO, 14),
            (mosq_err::EAI, 15),
            (mosq_err::PROXY, 16),
            (mosq_err::MALFORMED_UTF8, 18),
            (mosq_err::DUPLICATE_PROPERTY, 22),
            (mosq_err::TLS_HANDSHAKE, 23),
            (mosq_err::TIMEOUT, 27),
        ];
        for (constant, number) in table {
            assert_eq!(constant, number);
        }
    }

    #[test]
    fn os_errors_read_like_strerror() {
        let table: &[(i32, &str)] = &[
            (libc::ECONNREFUSED, "Connection refused"),
            (libc::EBADF, "Bad file descriptor"),
            (libc::ENOENT, "No such file or directory"),
        ];
        for (errno, text) in table {
            assert_eq!(os_error_string(*errno), *text, "errno {errno}");
        }
    }
}
