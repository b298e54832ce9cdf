//! The value of each option on its own: how it is read and mosquitto's error text when it is
//! unacceptable. These run inside clap while it walks the arguments, so they fire in
//! command-line order as mosquitto's checks do.
//!
//! Rules: every parser takes the raw `OsStr` (mosquitto reads bytes, not UTF-8); numbers use the
//! C library rules of `c_numbers`; every error is a [`UsageError`] carrying mosquitto's exact
//! text; nothing here looks at any other option (that is `lower`'s job).

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use clap::builder::{OsStringValueParser, TypedValueParser};

use crate::c_numbers::{atof, atoi, strtol_whole};
use crate::config::Qos;
use crate::topic::{self, TopicRole};
use crate::usage_error::UsageError;

/// The largest payload MQTT can carry, mosquitto's `MQTT_MAX_PAYLOAD`.
pub const MAX_PAYLOAD: usize = 268_435_455;

/// `-V`: the protocol the user asked for. MQTT 3.1 is accepted here and refused in `lower`, so
/// a later `-V`, `-D` or `-x` can still replace it as it does in mosquitto.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolChoice {
    V31,
    V311,
    V5,
}

/// Wraps a check on the raw bytes of a value into a clap value parser.
pub fn raw<T>(check: fn(&[u8]) -> Result<T, UsageError>) -> impl TypedValueParser<Value = T>
where
    T: Clone + Send + Sync + 'static,
{
    OsStringValueParser::new().try_map(move |value: OsString| check(value.as_bytes()))
}

/// A value kept as it came (payloads, ids, user names and passwords are checked later, where
/// mosquitto checks them).
pub fn os_string() -> impl TypedValueParser<Value = OsString> {
    OsStringValueParser::new()
}

/// A file or directory name, any bytes, empty included (an empty name fails later, where
/// mosquitto fails).
pub fn path() -> impl TypedValueParser<Value = PathBuf> {
    OsStringValueParser::new().map(PathBuf::from)
}

/// A value that must be UTF-8 text (host names, file names of TLS material, cipher lists...).
/// mosquitto keeps these as C strings; ours need UTF-8, so other bytes get the same wording
/// mosquitto uses for malformed topics.
pub fn text(flag: &'static str) -> impl TypedValueParser<Value = String> {
    OsStringValueParser::new().try_map(move |value: OsString| {
        value.into_string().map_err(|_| {
            UsageError::hinted(format!("Error: Malformed UTF-8 in {flag} argument.\n\n"))
        })
    })
}

/// `-q` for both tools.
pub fn qos(value: &[u8]) -> Result<Qos, UsageError> {
    let n = atoi(value);
    qos_from(n).ok_or_else(|| UsageError::hinted(format!("Error: Invalid QoS given: {n}\n")))
}

/// `--will-qos`.
pub fn will_qos(value: &[u8]) -> Result<Qos, UsageError> {
    let n = atoi(value);
    qos_from(n).ok_or_else(|| UsageError::hinted(format!("Error: Invalid will QoS {n}.\n\n")))
}

fn qos_from(n: i32) -> Option<Qos> {
    u8::try_from(n).ok().and_then(Qos::from_u8)
}

/// `-p`. Port 0 is accepted: like `--unix`, it makes the host a unix socket path.
pub fn port(value: &[u8]) -> Result<u16, UsageError> {
    let n = atoi(value);
    u16::try_from(n).map_err(|_| UsageError::hinted(format!("Error: Invalid port given: {n}\n")))
}

/// `-k`: 5..=65535 seconds.
pub fn keepalive(value: &[u8]) -> Result<u16, UsageError> {
    u16::try_from(atoi(value))
        .ok()
        .filter(|k| *k >= 5)
        .ok_or_else(|| {
            UsageError::hinted(
                "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n",
            )
        })
}

/// `-M`: at least 1; more than 65535 means 65535, the most MQTT can have in flight.
pub fn max_inflight(value: &[u8]) -> Result<u16, UsageError> {
    let n = atoi(value);
    if n < 1 {
        return Err(UsageError::hinted(
            "Error: Maximum inflight messages must be greater than 0.\n\n",
        ));
    }
    Ok(u16::try_from(n).unwrap_or(u16::MAX))
}

/// `-V`.
pub fn protocol_version(value: &[u8]) -> Result<ProtocolChoice, UsageError> {
    match value {
        b"mqttv31" | b"31" => Ok(ProtocolChoice::V31),
        b"mqttv311" | b"311" => Ok(ProtocolChoice::V311),
        b"mqttv5" | b"5" => Ok(ProtocolChoice::V5),
        _ => Err(UsageError::hinted(
            "Error: Invalid protocol version argument given.\n\n",
        )),
    }
}

/// `-x`: seconds, with `-1`, `4294967295` and `∞` meaning "never expires" (`u32::MAX`).
/// Decimal, `0x` hexadecimal and `0` octal are read, as C's `strtol` with base 0 does.
pub fn session_expiry(value: &[u8]) -> Result<u32, UsageError> {
    if value == "∞".as_bytes() {
        return Ok(u32::MAX);
    }
    let n = strtol_whole(value)
        .ok_or_else(|| UsageError::hinted("Error: session-expiry-interval not a number.\n\n"))?;
    if n == -1 {
        return Ok(u32::MAX);
    }
    u32::try_from(n)
        .map_err(|_| UsageError::hinted("Error: session-expiry-interval out of range.\n\n"))
}

/// `-C`: at least 1.
pub fn message_count(value: &[u8]) -> Result<u32, UsageError> {
    let n = atoi(value);
    u32::try_from(n)
        .ok()
        .filter(|c| *c >= 1)
        .ok_or_else(|| UsageError::hinted(format!("Error: Invalid message count \"{n}\".\n\n")))
}

/// `-W`: at least 1 second.
pub fn timeout(value: &[u8]) -> Result<u32, UsageError> {
    let n = atoi(value);
    u32::try_from(n)
        .ok()
        .filter(|t| *t >= 1)
        .ok_or_else(|| UsageError::hinted(format!("Error: Invalid timeout \"{n}\".\n\n")))
}

/// `--repeat`: at least 1.
pub fn repeat_count(value: &[u8]) -> Result<u32, UsageError> {
    u32::try_from(atoi(value))
        .ok()
        .filter(|c| *c >= 1)
        .ok_or_else(|| UsageError::hinted("Error: --repeat argument must be >0.\n\n"))
}

/// `--repeat-delay`: seconds, fractions allowed, kept to the microsecond. mosquitto reads it
/// as a C `float`, so the same single-precision rounding is applied.
pub fn repeat_delay(value: &[u8]) -> Result<Duration, UsageError> {
    // Single precision on purpose: "0.3" must round the way mosquitto rounds it.
    let seconds = atof(value) as f32;
    if seconds < 0.0 {
        return Err(UsageError::hinted(
            "Error: --repeat-delay argument must be >=0.0.\n\n",
        ));
    }
    // Saturating float-to-integer conversion; NaN becomes 0.
    let micros = (seconds * 1.0e6) as u64;
    Ok(Duration::from_micros(micros))
}

/// `--random-filter`: a percentage from 0.1 to 100 (mosquitto accepts up to 1000, which prints
/// everything, and so do we). Returns the fraction of messages to print, 0.001..=1.0.
pub fn random_filter(value: &[u8]) -> Result<f64, UsageError> {
    // mosquitto keeps the chance in tenths of a percent, truncated to an integer.
    let tenths = (10.0 * atof(value)) as i64;
    if !(1..=10_000).contains(&tenths) {
        return Err(UsageError::hinted(
            "Error: --random-filter chance must be between 0.1-100.0\n\n",
        ));
    }
    // Whole tenths of a percent, so the conversion to f64 is exact.
    Ok((tenths as f64 / 1000.0).min(1.0))
}

/// `--retain-handling`: the MQTT 5 subscription option value.
pub fn retain_handling(value: &[u8]) -> Result<u8, UsageError> {
    match value {
        b"always" => Ok(0),
        b"new" => Ok(1),
        b"never" => Ok(2),
        other => Err(UsageError::hinted(format!(
            "Error: Unknown value '{}' for --retain-handling.\n\n",
            String::from_utf8_lossy(other)
        ))),
    }
}

/// `-m`: any bytes, as long as MQTT can carry them.
pub fn message(value: &[u8]) -> Result<Bytes, UsageError> {
    if value.len() > MAX_PAYLOAD {
        return Err(UsageError::hinted(format!(
            "Error: Message length must be less than {MAX_PAYLOAD} bytes.\n\n"
        )));
    }
    Ok(Bytes::copy_from_slice(value))
}

/// `--will-topic`.
pub fn will_topic(value: &[u8]) -> Result<String, UsageError> {
    topic::check(value, TopicRole::Will, "--will-topic")
}

/// mqpub's `-t`.
pub fn publish_topic(value: &[u8]) -> Result<String, UsageError> {
    topic::check(value, TopicRole::Publish, "-t")
}

/// mqsub's `-t`.
pub fn subscribe_topic(value: &[u8]) -> Result<String, UsageError> {
    topic::check(value, TopicRole::Subscribe, "-t")
}

/// mqsub's `-T`.
pub fn filter_out_topic(value: &[u8]) -> Result<String, UsageError> {
    topic::check(value, TopicRole::FilterOut, "-T")
}

/// mqsub's `-U`.
pub fn unsubscribe_topic(value: &[u8]) -> Result<String, UsageError> {
    topic::check(value, TopicRole::Unsubscribe, "-U")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_of<T: std::fmt::Debug>(result: Result<T, UsageError>) -> String {
        result.unwrap_err().message().to_owned()
    }

    #[test]
    fn qos_values() {
        let cases: [(&[u8], Result<Qos, &str>); 7] = [
            (b"0", Ok(Qos::AtMostOnce)),
            (b"1", Ok(Qos::AtLeastOnce)),
            (b"2", Ok(Qos::ExactlyOnce)),
            (b"abc", Ok(Qos::AtMostOnce)),
            (b"1x", Ok(Qos::AtLeastOnce)),
            (b"3", Err("Error: Invalid QoS given: 3\n")),
            (b"-1", Err("Error: Invalid QoS given: -1\n")),
        ];
        for (input, expected) in cases {
            match expected {
                Ok(q) => assert_eq!(qos(input).unwrap(), q),
                Err(text) => assert_eq!(message_of(qos(input)), text),
            }
        }
        assert_eq!(message_of(will_qos(b"7")), "Error: Invalid will QoS 7.\n\n");
        assert_eq!(will_qos(b"2").unwrap(), Qos::ExactlyOnce);
    }

    #[test]
    fn integer_options() {
        assert_eq!(port(b"1883").unwrap(), 1883);
        assert_eq!(port(b"0").unwrap(), 0);
        assert_eq!(port(b"65535").unwrap(), 65535);
        assert_eq!(
            message_of(port(b"65536")),
            "Error: Invalid port given: 65536\n"
        );
        assert_eq!(message_of(port(b"-1")), "Error: Invalid port given: -1\n");

        let keepalive_error =
            "Error: Invalid keepalive given, it must be between 5 and 65535 inclusive.\n\n";
        assert_eq!(keepalive(b"5").unwrap(), 5);
        assert_eq!(keepalive(b"65535").unwrap(), 65535);
        for bad in [&b"4"[..], b"0", b"abc", b"65536", b"-5"] {
            assert_eq!(message_of(keepalive(bad)), keepalive_error);
        }

        assert_eq!(max_inflight(b"1").unwrap(), 1);
        assert_eq!(max_inflight(b"100000").unwrap(), u16::MAX);
        assert_eq!(
            message_of(max_inflight(b"0")),
            "Error: Maximum inflight messages must be greater than 0.\n\n"
        );

        assert_eq!(message_count(b"3").unwrap(), 3);
        assert_eq!(
            message_of(message_count(b"0")),
            "Error: Invalid message count \"0\".\n\n"
        );
        assert_eq!(
            message_of(message_count(b"x")),
            "Error: Invalid message count \"0\".\n\n"
        );

        assert_eq!(timeout(b"10").unwrap(), 10);
        assert_eq!(
            message_of(timeout(b"-2")),
            "Error: Invalid timeout \"-2\".\n\n"
        );

        assert_eq!(repeat_count(b"4").unwrap(), 4);
        assert_eq!(
            message_of(repeat_count(b"0")),
            "Error: --repeat argument must be >0.\n\n"
        );
    }

    #[test]
    fn protocol_versions() {
        let cases: [(&[u8], Option<ProtocolChoice>); 9] = [
            (b"mqttv31", Some(ProtocolChoice::V31)),
            (b"31", Some(ProtocolChoice::V31)),
            (b"mqttv311", Some(ProtocolChoice::V311)),
            (b"311", Some(ProtocolChoice::V311)),
            (b"mqttv5", Some(ProtocolChoice::V5)),
            (b"5", Some(ProtocolChoice::V5)),
            (b"MQTTV5", None),
            (b"3", None),
            (b"", None),
        ];
        for (input, expected) in cases {
            match expected {
                Some(v) => assert_eq!(protocol_version(input).unwrap(), v),
                None => assert_eq!(
                    message_of(protocol_version(input)),
                    "Error: Invalid protocol version argument given.\n\n"
                ),
            }
        }
    }

    #[test]
    fn session_expiry_values() {
        let not_number = "Error: session-expiry-interval not a number.\n\n";
        let out_of_range = "Error: session-expiry-interval out of range.\n\n";
        let cases: [(&[u8], Result<u32, &str>); 11] = [
            (b"0", Ok(0)),
            (b"60", Ok(60)),
            (b"0x10", Ok(16)),
            (b"-1", Ok(u32::MAX)),
            ("∞".as_bytes(), Ok(u32::MAX)),
            (b"4294967295", Ok(u32::MAX)),
            (b"4294967296", Err(out_of_range)),
            (b"-2", Err(out_of_range)),
            (b"abc", Err(not_number)),
            (b"10s", Err(not_number)),
            (b"", Err(not_number)),
        ];
        for (input, expected) in cases {
            match expected {
                Ok(v) => assert_eq!(session_expiry(input).unwrap(), v),
                Err(text) => assert_eq!(message_of(session_expiry(input)), text),
            }
        }
    }

    #[test]
    fn delays_and_chances() {
        assert_eq!(repeat_delay(b"0").unwrap(), Duration::ZERO);
        assert_eq!(repeat_delay(b"1.5").unwrap(), Duration::from_millis(1500));
        assert_eq!(repeat_delay(b"abc").unwrap(), Duration::ZERO);
        assert_eq!(
            message_of(repeat_delay(b"-0.5")),
            "Error: --repeat-delay argument must be >=0.0.\n\n"
        );

        let chance_error = "Error: --random-filter chance must be between 0.1-100.0\n\n";
        assert_eq!(random_filter(b"50").unwrap(), 0.5);
        assert_eq!(random_filter(b"0.1").unwrap(), 0.001);
        assert_eq!(random_filter(b"100").unwrap(), 1.0);
        assert_eq!(random_filter(b"1000").unwrap(), 1.0);
        for bad in [&b"0"[..], b"0.05", b"1000.1", b"abc", b"-5", b"nan", b"inf"] {
            assert_eq!(message_of(random_filter(bad)), chance_error, "{bad:?}");
        }
    }

    #[test]
    fn retain_handling_values() {
        assert_eq!(retain_handling(b"always").unwrap(), 0);
        assert_eq!(retain_handling(b"new").unwrap(), 1);
        assert_eq!(retain_handling(b"never").unwrap(), 2);
        assert_eq!(
            message_of(retain_handling(b"Never")),
            "Error: Unknown value 'Never' for --retain-handling.\n\n"
        );
    }

    #[test]
    fn payloads_and_topics() {
        assert_eq!(
            message(b"\xff\x00x").unwrap(),
            Bytes::from_static(b"\xff\x00x")
        );
        assert_eq!(message(b"").unwrap(), Bytes::new());
        assert_eq!(publish_topic(b"a/b").unwrap(), "a/b");
        assert!(publish_topic(b"a/+").is_err());
        assert_eq!(subscribe_topic(b"a/+").unwrap(), "a/+");
        assert_eq!(filter_out_topic(b"#").unwrap(), "#");
        assert_eq!(unsubscribe_topic(b"a/#").unwrap(), "a/#");
        assert_eq!(
            message_of(will_topic(b"a/#")),
            "Error: Invalid will topic 'a/#', does it contain '+' or '#'?\n"
        );
    }
}
