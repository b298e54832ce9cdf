//! `-D command identifier value` (and `-D command user-property key value`) as the argument
//! scanner hands it over: three values, a user property's key and value joined by a NUL (no real
//! argument can hold one). This module only unpacks them; `Properties::add` owns the checks,
//! mosquitto's texts and the storage.

use std::ffi::OsString;

use crate::properties::{Properties, NOT_ENOUGH_ARGUMENTS};
use crate::usage_error::UsageError;

/// Separates a user property's key from its value inside one scanned argument.
pub const PAIR_SEPARATOR: u8 = 0;

fn text(raw: &OsString) -> Result<&str, UsageError> {
    raw.to_str()
        .ok_or_else(|| UsageError::hinted("Error: Malformed UTF-8 in --property argument.\n\n"))
}

/// Adds one `-D` occurrence (`values` = command, identifier, value) to `props`.
pub fn apply(props: &mut Properties, values: &[OsString]) -> Result<(), UsageError> {
    let [command, identifier, value] = values else {
        return Err(UsageError::hinted(NOT_ENOUGH_ARGUMENTS));
    };
    let (command, identifier, value) = (text(command)?, text(identifier)?, text(value)?);
    let is_pair = identifier.eq_ignore_ascii_case("user-property");
    let (value, extra) = match value.split_once(char::from(PAIR_SEPARATOR)) {
        Some((key, pair_value)) if is_pair => (key, Some(pair_value)),
        _ => (value, None),
    };
    props
        .add(command, identifier, value, extra)
        .map_err(UsageError::hinted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::properties::NOT_ENOUGH_ARGUMENTS as NOT_ENOUGH;
    use bytes::Bytes;
    use std::os::unix::ffi::OsStrExt;

    fn args(values: &[&[u8]]) -> Vec<OsString> {
        values
            .iter()
            .map(|v| OsString::from(std::ffi::OsStr::from_bytes(v)))
            .collect()
    }

    fn apply_all(list: &[&[&[u8]]]) -> Result<Properties, String> {
        let mut props = Properties::default();
        for values in list {
            apply(&mut props, &args(values)).map_err(|e| e.message().to_owned())?;
        }
        Ok(props)
    }

    #[test]
    fn stored_where_they_belong() {
        let props = apply_all(&[
            &[b"connect", b"session-expiry-interval", b"30"],
            &[b"CONNECT", b"Receive-Maximum", b"10"],
            &[b"connect", b"maximum-packet-size", b"1000"],
            &[b"connect", b"topic-alias-maximum", b"5"],
            &[b"connect", b"request-response-information", b"1"],
            &[b"connect", b"request-problem-information", b"0"],
            &[b"connect", b"authentication-method", b"m"],
            &[b"connect", b"authentication-data", b"\x01\x00"],
            &[b"connect", b"user-property", b"k\0v"],
            &[b"connect", b"user-property", b"k\0w"],
            &[b"publish", b"payload-format-indicator", b"1"],
            &[b"publish", b"message-expiry-interval", b"60"],
            &[b"publish", b"topic-alias", b"3"],
            &[b"publish", b"response-topic", b"r/t"],
            &[b"publish", b"correlation-data", b"cd"],
            &[b"publish", b"content-type", b"text/plain"],
            &[b"publish", b"user-property", b"a\0"],
            &[b"will", b"will-delay-interval", b"9"],
            &[b"will", b"content-type", b"x"],
            &[b"subscribe", b"subscription-identifier", b"7"],
            &[b"subscribe", b"user-property", b"s\0t"],
            &[b"unsubscribe", b"user-property", b"u\0v"],
            &[b"disconnect", b"session-expiry-interval", b"0"],
            &[b"disconnect", b"reason-string", b"bye"],
            &[b"disconnect", b"server-reference", b"elsewhere"],
        ])
        .unwrap();

        let connect = props.connect.unwrap();
        assert_eq!(connect.session_expiry_interval, Some(30));
        assert_eq!(connect.receive_maximum, Some(10));
        assert_eq!(connect.max_packet_size, Some(1000));
        assert_eq!(connect.topic_alias_max, Some(5));
        assert_eq!(connect.request_response_info, Some(1));
        assert_eq!(connect.request_problem_info, Some(0));
        assert_eq!(connect.authentication_method.as_deref(), Some("m"));
        assert_eq!(
            connect.authentication_data,
            Some(Bytes::from_static(b"\x01\x00"))
        );
        assert_eq!(
            connect.user_properties,
            vec![("k".into(), "v".into()), ("k".into(), "w".into())]
        );

        let publish = props.publish.unwrap();
        assert_eq!(publish.payload_format_indicator, Some(1));
        assert_eq!(publish.message_expiry_interval, Some(60));
        assert_eq!(publish.topic_alias, Some(3));
        assert_eq!(publish.response_topic.as_deref(), Some("r/t"));
        assert_eq!(publish.correlation_data, Some(Bytes::from_static(b"cd")));
        assert_eq!(publish.content_type.as_deref(), Some("text/plain"));
        assert_eq!(publish.user_properties, vec![("a".into(), String::new())]);

        let will = props.will.unwrap();
        assert_eq!(will.delay_interval, Some(9));
        assert_eq!(will.content_type.as_deref(), Some("x"));

        let subscribe = props.subscribe.unwrap();
        assert_eq!(subscribe.id, Some(7));
        assert_eq!(subscribe.user_properties, vec![("s".into(), "t".into())]);

        let unsubscribe = props.unsubscribe.unwrap();
        assert_eq!(unsubscribe.user_properties, vec![("u".into(), "v".into())]);

        let disconnect = props.disconnect.unwrap();
        assert_eq!(disconnect.session_expiry_interval, Some(0));
        assert_eq!(disconnect.reason_string.as_deref(), Some("bye"));
        assert_eq!(disconnect.server_reference.as_deref(), Some("elsewhere"));
    }

    #[test]
    fn errors() {
        let long = vec![b'x'; 65536];
        let cases: [(&[&[u8]], &str); 17] = [
            (
                &[b"bogus", b"content-type", b"x"],
                "Error: Invalid command bogus given in --property argument.\n\n",
            ),
            (
                &[b"bogus", b"user-property", b"k"],
                "Error: Invalid command bogus given in --property argument.\n\n",
            ),
            (
                &[b"publish", b"colour", b"x"],
                "Error: Invalid property name colour given in --property argument.\n\n",
            ),
            (
                &[b"publish", b"reason-string", b"1"],
                "Error: reason-string property not allowed for publish in --property argument.\n\n",
            ),
            (
                &[b"connect", b"topic-alias", b"1"],
                "Error: topic-alias property not allowed for connect in --property argument.\n\n",
            ),
            (&[b"connect", b"user-property", b"key-only"], NOT_ENOUGH),
            (
                &[b"publish", b"subscription-identifier", b"1"],
                "Error: subscription-identifier property not supported for publish in --property argument.\n\n",
            ),
            (
                &[b"auth", b"user-property", b"k\0v"],
                "Error: user-property property not supported for auth in --property argument.\n\n",
            ),
            (
                &[b"puback", b"reason-string", b"r"],
                "Error: reason-string property not supported for puback in --property argument.\n\n",
            ),
            (
                &[b"will", b"reason-string", b"r"],
                "Error: reason-string property not supported for will in --property argument.\n\n",
            ),
            (&[b"connack", b"maximum-qos", b"1"], ""),
            (
                &[b"publish", b"payload-format-indicator", b"256"],
                "Error: Property value (256) out of range for property payload-format-indicator.\n\n",
            ),
            (
                &[b"connect", b"receive-maximum", b"-1"],
                "Error: Property value (-1) out of range for property receive-maximum.\n\n",
            ),
            (
                &[b"publish", b"message-expiry-interval", b"4294967296"],
                "Error: Property value (4294967296) out of range for property message-expiry-interval.\n\n",
            ),
            (
                &[b"subscribe", b"subscription-identifier", b"268435456"],
                "Error adding property subscription-identifier 4\n",
            ),
            (
                &[b"publish", b"content-type", b"\x01"],
                "Error adding property content-type 6\n",
            ),
            (
                &[b"publish", b"user-property", b"k\0\xff"],
                "Error: Malformed UTF-8 in --property argument.\n\n",
            ),
        ];
        for (values, text) in cases {
            assert_eq!(apply_all(&[values]).unwrap_err(), text, "{values:?}");
        }
        assert_eq!(
            apply_all(&[&[b"publish", b"correlation-data", &long]]).unwrap_err(),
            "Error: Property value too long for property correlation-data.\n\n"
        );
        assert_eq!(
            apply_all(&[&[b"publish", b"content-type"]]).unwrap_err(),
            NOT_ENOUGH
        );
    }
}
