//! mqsub's entry points for fuzzing (see `mqtt_cli_common::fuzzing` for the rules): its command
//! line with the lowering into a configuration, and the output formats (`-v`, `-N`, `-F`,
//! `--pretty`) applied to a message. The tests replay the kept corpus `fuzz/corpus/<target>`
//! through them.

use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use mqtt_cli_common::{fuzzing, Environment};
use rumqttc::v5::mqttbytes::v5::PublishProperties;

use crate::cli;
use crate::format::{MessageView, OutputSpec};

/// `cli::parse_with` on a command line made by `fuzzing::command_line`, in an environment with
/// no home directory (so no options file) and no `MQTT_PASSWORD`.
pub fn parse_command_line(data: &[u8]) {
    let Some(args) = fuzzing::command_line("mqsub", data) else {
        return;
    };
    if let Err(error) = cli::parse_with(args, &Environment::default()) {
        assert_eq!(error.exit_code(), 1, "{error:?}");
    }
}

/// The bytes before a message in [`render_format`]'s input.
const HEADER: usize = 7;

/// Digits of a width or precision too wide for [`render_format`] to try.
const MAX_WIDTH_DIGITS: usize = 6;

/// `OutputSpec::new` and `render` on one message.
///
/// Byte 0 holds flags: bit 0 `-v`, bit 1 end of line (clear: `-N`), bit 2 `--pretty`, bit 3 the
/// retain flag, bits 4 and 5 the QoS (3 counts as 2), bit 6 MQTT 5 properties, bit 7 a time
/// before 1970. Bytes 1-2 are the packet id, bytes 3-6 the seconds from 1970 (big-endian). The
/// rest, split at the first two NULs, is the `-F` format (lossily UTF-8; no `-F` when there is
/// no NUL), the topic (lossily UTF-8) and the payload. The properties, when chosen, are made
/// from those same pieces. Checks that rendering the same message twice gives the same bytes.
///
/// Formats holding a number of six digits or more are skipped: a field that wide is built
/// whole in memory (up to 2 GiB for `%2147483647d`, which mosquitto_sub prints too), which is
/// what was asked for but more than a fuzzer's memory limit.
pub fn render_format(data: &[u8]) {
    let Some((header, rest)) = data.split_first_chunk::<HEADER>() else {
        return;
    };
    let flags = header[0];
    let mid = u16::from_be_bytes([header[1], header[2]]);
    let seconds = u32::from_be_bytes([header[3], header[4], header[5], header[6]]);
    let mut pieces = rest.splitn(3, |byte| *byte == 0);
    let format = pieces.next().unwrap_or_default();
    let topic = String::from_utf8_lossy(pieces.next().unwrap_or_default()).into_owned();
    let payload = pieces.next().unwrap_or_default();
    if format
        .split(|byte| !byte.is_ascii_digit())
        .any(|digits| digits.len() >= MAX_WIDTH_DIGITS)
    {
        return;
    }
    let format = rest.contains(&0).then(|| String::from_utf8_lossy(format));
    let spec = match OutputSpec::new(
        flags & 1 != 0,
        flags & 2 != 0,
        format.as_deref(),
        flags & 4 != 0,
    ) {
        Ok(spec) => spec,
        Err(text) => {
            assert!(text.starts_with("Error: "), "{text:?}");
            return;
        }
    };
    let properties = (flags & 0x40 != 0).then(|| PublishProperties {
        payload_format_indicator: Some(header[1]),
        message_expiry_interval: Some(seconds),
        topic_alias: Some(mid),
        response_topic: Some(topic.clone()),
        correlation_data: Some(Bytes::copy_from_slice(payload)),
        user_properties: vec![(topic.clone(), String::from_utf8_lossy(payload).into_owned())],
        subscription_identifiers: vec![usize::from(mid)],
        content_type: format.as_deref().map(str::to_string),
    });
    let view = MessageView {
        topic: &topic,
        payload,
        qos: ((flags >> 4) & 3).min(2),
        retain: flags & 8 != 0,
        mid,
        properties: properties.as_ref(),
        property_order: &[],
    };
    let offset = Duration::from_secs(u64::from(seconds));
    let at = if flags & 0x80 == 0 {
        UNIX_EPOCH.checked_add(offset)
    } else {
        UNIX_EPOCH.checked_sub(offset)
    }
    .unwrap_or(UNIX_EPOCH);
    let render = || {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        spec.render(&view, at, &mut out, &mut err);
        (out, err)
    };
    assert_eq!(
        render(),
        render(),
        "the same message rendered twice differs"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_corpus_replays() {
        fuzzing::replay("mqsub_command_line", parse_command_line);
    }

    #[test]
    fn format_corpus_replays() {
        fuzzing::replay("render_format", render_format);
    }

    #[test]
    fn entry_points_take_any_bytes() {
        let inputs: &[&[u8]] = &[
            b"",
            b"\x00",
            b"\x4f\x00\x07\x65\x43\x21\x00%t %p %j %J %I %U %x %X %l\x00a/b\x00{\"k\":[1,2]}",
            b"\xff\xff\xff\xff\xff\xff\xff%.3f %10.2d %-5i\x00t\x00\x01\x02\x03\x04",
            b"-t\x00a\x00-F\x00%z",
        ];
        for input in inputs {
            parse_command_line(input);
            render_format(input);
        }
    }
}
