//! The `%j` / `%J` JSON document for one message, with mosquitto_sub 2.1's members, order and
//! types: `tst`, `topic`, `qos`, `retain`, `payloadlen`, `mid` (QoS > 0 only), `properties`
//! (MQTT 5 messages that carry any), `payload`.
//!
//! Rules: `%j` prints the payload as a JSON string (a C string: it ends at a NUL byte; other
//! bytes are copied, so invalid UTF-8 stays as it is); `%J` embeds the payload as parsed JSON
//! and prints nothing when it does not parse; an empty payload is `null` in both.
//! Properties appear in the order they arrived on the wire (the decoder records it beside
//! rumqttc's property struct, which forgets it), as mosquitto prints them.

use rumqttc::v5::mqttbytes::v5::PublishProperties;

use super::super::c_runtime::{self, LocalTime};
use super::super::MessageView;
use super::parse::parse_payload;
use super::writer::JsonWriter;

/// How the payload goes into the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayloadAs {
    /// `%j`: a JSON string.
    String,
    /// `%J`: the payload's own JSON.
    Embedded,
}

/// The payload does not parse as JSON (`%J` only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotJson;

/// Appends the document for `message`, received at `local` time plus `nanos`.
pub(crate) fn write_message(
    out: &mut Vec<u8>,
    message: &MessageView,
    local: &LocalTime,
    nanos: u32,
    payload_as: PayloadAs,
    pretty: bool,
) -> Result<(), NotJson> {
    // Parse before writing anything: an invalid payload prints nothing at all.
    let embedded = match payload_as {
        PayloadAs::Embedded if !message.payload.is_empty() => {
            Some(parse_payload(message.payload).ok_or(NotJson)?)
        }
        _ => None,
    };

    let mut json = JsonWriter::new(out, pretty);
    json.begin_object();
    json.key(true, b"tst");
    write_timestamp(&mut json, local, nanos);
    json.key(false, b"topic");
    json.string(message.topic.as_bytes());
    json.key(false, b"qos");
    json.number(f64::from(message.qos));
    json.key(false, b"retain");
    json.boolean(message.retain);
    json.key(false, b"payloadlen");
    // Payloads are far below 2^53 bytes, so the conversion is exact.
    json.number(message.payload.len() as f64);
    if message.qos > 0 {
        json.key(false, b"mid");
        json.number(f64::from(message.mid));
    }
    if let Some(properties) = message.properties.filter(|p| has_any(p)) {
        json.key(false, b"properties");
        write_properties(&mut json, properties, message.property_order);
    }
    json.key(false, b"payload");
    match &embedded {
        Some(value) => value.write(&mut json),
        None if message.payload.is_empty() => json.null(),
        None => json.string(message.payload),
    }
    json.end_object(false);
    Ok(())
}

/// `tst`: local time as `2020-05-06T21:48:00.123456+0100`, microseconds truncated.
fn write_timestamp(json: &mut JsonWriter, local: &LocalTime, nanos: u32) {
    // Offsets of the microsecond digits in the pattern's output, as mosquitto patches them in.
    const FRACTION: std::ops::Range<usize> = 20..26;
    let Some(mut text) = c_runtime::strftime(b"%Y-%m-%dT%H:%M:%S.000000%z", local) else {
        json.string(b"");
        return;
    };
    if let Some(digits) = text.as_bytes_mut().get_mut(FRACTION) {
        let mut micros = nanos / 1000;
        for digit in digits.iter_mut().rev() {
            // A single decimal digit always fits a byte.
            *digit = b'0' + (micros % 10) as u8;
            micros /= 10;
        }
    }
    json.string(text.as_bytes());
}

fn has_any(properties: &PublishProperties) -> bool {
    properties.payload_format_indicator.is_some()
        || properties.message_expiry_interval.is_some()
        || properties.topic_alias.is_some()
        || properties.response_topic.is_some()
        || properties.correlation_data.is_some()
        || !properties.user_properties.is_empty()
        || !properties.subscription_identifiers.is_empty()
        || properties.content_type.is_some()
}

/// The property identifiers in the order a mosquitto broker most often forwards them:
/// subscription identifiers first, the message expiry interval last, the publisher's own
/// properties between them in the order of the MQTT 5 specification's list.
const FIXED_ORDER: [u8; 8] = [0x0B, 0x01, 0x23, 0x08, 0x09, 0x26, 0x03, 0x02];

/// The `properties` object, in wire order as mosquitto prints it: `order` holds the
/// identifiers as they arrived; anything it does not name follows in [`FIXED_ORDER`].
fn write_properties(json: &mut JsonWriter, properties: &PublishProperties, order: &[u8]) {
    let mut first = true;
    json.begin_object();
    let rest = FIXED_ORDER.iter().filter(|id| !order.contains(id));
    for &id in order.iter().chain(rest) {
        write_property(json, &mut first, properties, id);
    }
    json.end_object(first);
}

/// Writes the property `id` if the message has it; all of them for repeated ones.
fn write_property(json: &mut JsonWriter, first: &mut bool, properties: &PublishProperties, id: u8) {
    let mut key = |json: &mut JsonWriter, name: &[u8]| {
        json.key(*first, name);
        *first = false;
    };
    match id {
        0x0B => {
            for id in &properties.subscription_identifiers {
                key(json, b"subscription-identifier");
                // Subscription identifiers are at most 268,435,455: exact as a double.
                json.number(*id as f64);
            }
        }
        0x01 => {
            if let Some(value) = properties.payload_format_indicator {
                key(json, b"payload-format-indicator");
                json.number(f64::from(value));
            }
        }
        0x23 => {
            if let Some(value) = properties.topic_alias {
                key(json, b"topic-alias");
                json.number(f64::from(value));
            }
        }
        0x08 => {
            if let Some(value) = &properties.response_topic {
                key(json, b"response-topic");
                json.string(value.as_bytes());
            }
        }
        0x09 => {
            if let Some(value) = &properties.correlation_data {
                key(json, b"correlation-data");
                json.string(value);
            }
        }
        0x26 if !properties.user_properties.is_empty() => {
            key(json, b"user-properties");
            json.begin_array();
            for (index, (name, value)) in properties.user_properties.iter().enumerate() {
                json.element(index == 0);
                json.begin_object();
                json.key(true, name.as_bytes());
                json.string(value.as_bytes());
                json.end_object(false);
            }
            json.end_array();
        }
        0x03 => {
            if let Some(value) = &properties.content_type {
                key(json, b"content-type");
                json.string(value.as_bytes());
            }
        }
        0x02 => {
            if let Some(value) = properties.message_expiry_interval {
                key(json, b"message-expiry-interval");
                json.number(f64::from(value));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::c_runtime::test_support::use_utc;
    use super::*;

    /// 2023-11-14T22:13:20Z.
    const SECS: i64 = 1_700_000_000;

    fn document(message: &MessageView, payload_as: PayloadAs, pretty: bool) -> Option<String> {
        use_utc();
        let local = c_runtime::local_time(SECS).unwrap();
        let mut out = Vec::new();
        write_message(&mut out, message, &local, 123_456_789, payload_as, pretty).ok()?;
        Some(String::from_utf8_lossy(&out).into_owned())
    }

    fn message<'a>(
        payload: &'a [u8],
        properties: Option<&'a PublishProperties>,
    ) -> MessageView<'a> {
        MessageView {
            topic: "sensors/kitchen",
            payload,
            qos: 0,
            retain: false,
            mid: 0,
            properties,
            property_order: &[],
        }
    }

    const HEAD: &str = r#"{"tst":"2023-11-14T22:13:20.123456+0000","topic":"sensors/kitchen","qos":0,"retain":false"#;

    #[test]
    fn escaped_payloads() {
        let cases: &[(&[u8], &str)] = &[
            (b"hello", r#","payloadlen":5,"payload":"hello"}"#),
            (b"", r#","payloadlen":0,"payload":null}"#),
            (b"ab\0cd", r#","payloadlen":5,"payload":"ab"}"#),
            (b"{\"a\":1}", r#","payloadlen":7,"payload":"{\"a\":1}"}"#),
        ];
        for (payload, tail) in cases {
            let expected = format!("{HEAD}{tail}");
            assert_eq!(
                document(&message(payload, None), PayloadAs::String, false).as_deref(),
                Some(expected.as_str())
            );
        }
    }

    #[test]
    fn embedded_payloads() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (
                b"{\"a\":1.0}",
                Some(r#","payloadlen":9,"payload":{"a":1}}"#),
            ),
            (b"", Some(r#","payloadlen":0,"payload":null}"#)),
            (b"notjson", None),
        ];
        for (payload, tail) in cases {
            let expected = tail.map(|tail| format!("{HEAD}{tail}"));
            assert_eq!(
                document(&message(payload, None), PayloadAs::Embedded, false),
                expected
            );
        }
    }

    #[test]
    fn mid_and_retain() {
        let view = MessageView {
            qos: 2,
            retain: true,
            mid: 17,
            ..message(b"x", None)
        };
        assert_eq!(
            document(&view, PayloadAs::String, false).unwrap(),
            r#"{"tst":"2023-11-14T22:13:20.123456+0000","topic":"sensors/kitchen","qos":2,"retain":true,"payloadlen":1,"mid":17,"payload":"x"}"#
        );
    }

    fn all_properties() -> PublishProperties {
        PublishProperties {
            payload_format_indicator: Some(1),
            message_expiry_interval: Some(100),
            topic_alias: Some(3),
            response_topic: Some("resp/t".into()),
            correlation_data: Some(bytes::Bytes::from_static(b"co\"rr")),
            user_properties: vec![("k1".into(), "v1".into()), ("k\"2".into(), "v\\2".into())],
            subscription_identifiers: vec![42, 7],
            content_type: Some("text/plain".into()),
        }
    }

    #[test]
    fn properties_in_fixed_order() {
        let properties = all_properties();
        assert_eq!(
            document(&message(b"x", Some(&properties)), PayloadAs::String, false).unwrap(),
            format!(
                "{HEAD},\"payloadlen\":1,\"properties\":{{\"subscription-identifier\":42,\
                 \"subscription-identifier\":7,\"payload-format-indicator\":1,\"topic-alias\":3,\
                 \"response-topic\":\"resp/t\",\"correlation-data\":\"co\\\"rr\",\
                 \"user-properties\":[{{\"k1\":\"v1\"}},{{\"k\\\"2\":\"v\\\\2\"}}],\
                 \"content-type\":\"text/plain\",\"message-expiry-interval\":100}},\"payload\":\"x\"}}"
            )
        );
    }

    #[test]
    fn empty_properties_are_left_out() {
        let properties = PublishProperties::default();
        assert_eq!(
            document(&message(b"x", Some(&properties)), PayloadAs::String, false).unwrap(),
            format!(r#"{HEAD},"payloadlen":1,"payload":"x"}}"#)
        );
    }

    /// Layout recorded from mosquitto_sub 2.1 (`-F %j --pretty`, subscription identifier 42,
    /// user properties k1=v1 and k2=v2, payload format indicator 0).
    #[test]
    fn pretty_document() {
        let properties = PublishProperties {
            payload_format_indicator: Some(0),
            user_properties: vec![("k1".into(), "v1".into()), ("k2".into(), "v2".into())],
            subscription_identifiers: vec![42],
            ..PublishProperties::default()
        };
        assert_eq!(
            document(&message(b"x", Some(&properties)), PayloadAs::String, true).unwrap(),
            "{\n\t\"tst\":\t\"2023-11-14T22:13:20.123456+0000\",\n\t\"topic\":\t\"sensors/kitchen\",\
             \n\t\"qos\":\t0,\n\t\"retain\":\tfalse,\n\t\"payloadlen\":\t1,\n\t\"properties\":\t{\
             \n\t\t\"subscription-identifier\":\t42,\n\t\t\"payload-format-indicator\":\t0,\
             \n\t\t\"user-properties\":\t[{\n\t\t\t\t\"k1\":\t\"v1\"\n\t\t\t}, {\
             \n\t\t\t\t\"k2\":\t\"v2\"\n\t\t\t}]\n\t},\n\t\"payload\":\t\"x\"\n}"
        );
    }
}
