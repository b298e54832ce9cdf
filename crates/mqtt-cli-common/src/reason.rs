//! MQTT reason codes and CONNACK return codes in words.

/// An MQTT 5 reason code in words.
pub fn reason_string(code: u8) -> &'static str {
    match code {
        0x00 => "Success",
        0x80 => "Unspecified error",
        0x84 => "Unsupported protocol version",
        0x86 => "Bad user name or password",
        0x87 => "Not authorized",
        _ => "Unknown reason",
    }
}

/// A 3.1.1 CONNACK return code in words.
pub fn connack_string(code: u8) -> &'static str {
    match code {
        0 => "Connection Accepted.",
        1 => "Connection Refused: unacceptable protocol version",
        2 => "Connection Refused: identifier rejected",
        3 => "Connection Refused: broker unavailable",
        4 => "Connection Refused: bad user name or password",
        5 => "Connection Refused: not authorised",
        _ => "Connection Refused: unknown reason",
    }
}
