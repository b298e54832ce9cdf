//! Printing one message through a parsed `-F` template.
//!
//! Rules: every piece appends to the caller's buffer; the clock is read from the time handed
//! in, once per message, and broken down into local time only when the template needs it.
//! Problems with one field (a payload that is not JSON, a payload of the wrong size for `%f`)
//! go to the error buffer with mosquitto's texts, and the rest of the line is still printed.

use std::time::{SystemTime, UNIX_EPOCH};

use super::c_runtime::{self, LocalTime};
use super::json::{self, PayloadAs};
use super::layout::{
    write_blank, write_float, write_int, write_payload, write_text, write_zero_padded,
    PayloadEncoding,
};
use super::template::{Field, FieldOptions, Piece, Template};
use super::{until_nul, MessageView};

/// The time a message is printed at: seconds since the epoch and nanoseconds within the second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Moment {
    secs: i64,
    nanos: u32,
}

impl Moment {
    fn new(at: SystemTime) -> Moment {
        match at.duration_since(UNIX_EPOCH) {
            Ok(since) => Moment {
                secs: i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
                nanos: since.subsec_nanos(),
            },
            Err(before) => {
                let before = before.duration();
                let secs = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
                match before.subsec_nanos() {
                    0 => Moment {
                        secs: -secs,
                        nanos: 0,
                    },
                    nanos => Moment {
                        secs: -secs - 1,
                        nanos: 1_000_000_000 - nanos,
                    },
                }
            }
        }
    }
}

/// What a field sees besides the message.
struct Context<'a> {
    moment: Moment,
    local: Option<&'a LocalTime>,
    pretty: bool,
}

/// Appends `message` as `template` prints it (without the end of line).
pub(crate) fn render_template(
    template: &Template,
    message: &MessageView,
    at: SystemTime,
    pretty: bool,
    out: &mut Vec<u8>,
    err: &mut Vec<u8>,
) {
    let moment = Moment::new(at);
    let local = if template.needs_local_time {
        c_runtime::local_time(moment.secs)
    } else {
        None
    };
    let context = Context {
        moment,
        local: local.as_ref(),
        pretty,
    };
    for piece in &template.pieces {
        match piece {
            Piece::Literal(bytes) => out.extend_from_slice(bytes),
            Piece::Nanoseconds => write_zero_padded(out, u64::from(moment.nanos), 9),
            Piece::Strftime(letter) => {
                let Some(local) = context.local else {
                    time_error(err);
                    continue;
                };
                if let Some(text) = c_runtime::strftime(&[b'%', *letter], local) {
                    out.extend_from_slice(text.as_bytes());
                }
            }
            Piece::Field(field, options) => {
                write_field(*field, options, message, &context, out, err);
            }
        }
    }
}

fn write_field(
    field: Field,
    options: &FieldOptions,
    message: &MessageView,
    context: &Context,
    out: &mut Vec<u8>,
    err: &mut Vec<u8>,
) {
    let properties = message.properties;
    match field {
        Field::TopicAlias => {
            let value = properties.and_then(|p| p.topic_alias).map(i64::from);
            write_int_or_blank(out, value, options);
        }
        Field::ContentType => match properties.and_then(|p| p.content_type.as_deref()) {
            Some(value) => write_text(out, until_nul(value.as_bytes()), options),
            None => write_blank(out, options),
        },
        Field::CorrelationData => {
            // Binary data: printed whole, with no layout.
            if let Some(value) = properties.and_then(|p| p.correlation_data.as_ref()) {
                out.extend_from_slice(value);
            }
        }
        Field::MessageExpiry => {
            // mosquitto prints the 32-bit value through a C int: above 2^31-1 it goes negative.
            let value = properties
                .and_then(|p| p.message_expiry_interval)
                .map(|v| i64::from(v as i32));
            write_int_or_blank(out, value, options);
        }
        Field::PayloadFormat => {
            let value = properties
                .and_then(|p| p.payload_format_indicator)
                .map(i64::from);
            write_int_or_blank(out, value, options);
        }
        Field::SubscriptionId => {
            // Only the first identifier; they are at most 268,435,455.
            let value = properties
                .and_then(|p| p.subscription_identifiers.first())
                .map(|&id| i64::try_from(id).unwrap_or(i64::MAX));
            write_int_or_blank(out, value, options);
        }
        Field::ResponseTopic => {
            // Unlike the other properties, an absent response topic prints nothing at all.
            if let Some(value) = properties.and_then(|p| p.response_topic.as_deref()) {
                write_text(out, until_nul(value.as_bytes()), options);
            }
        }
        Field::UserProperties => {
            let pairs = properties.map(|p| p.user_properties.as_slice());
            for (index, (name, value)) in pairs.unwrap_or_default().iter().enumerate() {
                if index > 0 {
                    out.push(b' ');
                }
                out.extend_from_slice(until_nul(name.as_bytes()));
                out.push(b':');
                out.extend_from_slice(until_nul(value.as_bytes()));
            }
        }
        Field::Iso8601 => {
            let Some(local) = context.local else {
                return time_error(err);
            };
            match c_runtime::strftime(b"%FT%T%z", local) {
                Some(text) => write_text(out, text.as_bytes(), options),
                None => write_blank(out, options),
            }
        }
        Field::UnixTime => {
            write_int(out, context.moment.secs, &FieldOptions::default());
            out.push(b'.');
            write_zero_padded(out, u64::from(context.moment.nanos), 9);
        }
        Field::JsonEscapedPayload | Field::JsonEmbeddedPayload => {
            let Some(local) = context.local else {
                return time_error(err);
            };
            let payload_as = if field == Field::JsonEscapedPayload {
                PayloadAs::String
            } else {
                PayloadAs::Embedded
            };
            let written = json::write_message(
                out,
                message,
                local,
                context.moment.nanos,
                payload_as,
                context.pretty,
            );
            if let Err(json::NotJson) = written {
                err.extend_from_slice(b"Error: Message payload is not valid JSON on topic ");
                err.extend_from_slice(until_nul(message.topic.as_bytes()));
                err.extend_from_slice(b".\n");
            }
        }
        Field::PayloadLength => {
            let length = i64::try_from(message.payload.len()).unwrap_or(i64::MAX);
            write_int(out, length, options);
        }
        Field::Mid => write_int(out, i64::from(message.mid), options),
        Field::Qos => out.push(b'0'.wrapping_add(message.qos)),
        Field::Retain => out.push(if message.retain { b'1' } else { b'0' }),
        Field::Topic => write_text(out, until_nul(message.topic.as_bytes()), options),
        Field::Payload => write_payload(out, message.payload, PayloadEncoding::Raw, options),
        Field::HexLower => write_payload(out, message.payload, PayloadEncoding::HexLower, options),
        Field::HexUpper => write_payload(out, message.payload, PayloadEncoding::HexUpper, options),
        Field::Float => match <[u8; 4]>::try_from(message.payload) {
            Ok(bytes) => write_float(out, f64::from(f32::from_ne_bytes(bytes)), options),
            // mosquitto prints this without an end of line.
            Err(_) => {
                err.extend_from_slice(b"requested float printing, but non-float data received")
            }
        },
        Field::Double => match <[u8; 8]>::try_from(message.payload) {
            Ok(bytes) => write_float(out, f64::from_ne_bytes(bytes), options),
            Err(_) => {
                err.extend_from_slice(b"requested double printing, but non-double data received")
            }
        },
    }
}

fn write_int_or_blank(out: &mut Vec<u8>, value: Option<i64>, options: &FieldOptions) {
    match value {
        Some(value) => write_int(out, value, options),
        None => write_blank(out, options),
    }
}

/// The C library could not break the time down (a time far outside its calendar).
fn time_error(err: &mut Vec<u8>) {
    err.extend_from_slice(b"Error obtaining system time.\n");
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn moments_around_the_epoch() {
        let cases = [
            (
                UNIX_EPOCH + Duration::new(1_700_000_000, 5),
                1_700_000_000,
                5,
            ),
            (UNIX_EPOCH, 0, 0),
            (UNIX_EPOCH - Duration::new(1, 0), -1, 0),
            (UNIX_EPOCH - Duration::new(0, 250_000_000), -1, 750_000_000),
            (UNIX_EPOCH - Duration::new(2, 250_000_000), -3, 750_000_000),
        ];
        for (at, secs, nanos) in cases {
            assert_eq!(Moment::new(at), Moment { secs, nanos }, "{at:?}");
        }
    }
}
