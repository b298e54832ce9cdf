//! Entry points for fuzzing: each takes arbitrary bytes, turns them into input for one parser or
//! decoder, runs it, and checks what must hold whatever the input. A panic is the failure.
//!
//! The fuzz targets in `fuzz/` call these functions, and the tests below (and the binaries'
//! own `fuzzing` modules) replay the kept corpus `fuzz/corpus/<target>` through them with
//! [`replay`], so `cargo test` runs every input the fuzzer once found interesting.
//!
//! Rules: no network, clock or randomness, so an input always does the same thing; how each
//! function reads its bytes is written on it, so a corpus file can be made or read by hand.

use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use bytes::{BufMut, Bytes, BytesMut};

use crate::client::wire::{self, ConnectPacket, Inbound, PublishHeader, SubscribeFilter};
use crate::config::{MqttVersion, Qos, Will};
use crate::properties::{Properties, PropertyCommand};
use crate::url;

/// The packet-size limit chosen by bit 1 of [`decode_packets`]' first byte.
const SMALL_PACKET_LIMIT: usize = 64;

/// `wire::decode` on a stream of bytes from a server.
///
/// The first byte chooses: bit 0 the protocol (clear: 3.1.1, set: 5); bit 1 a packet-size limit
/// of 64 bytes instead of none; bits 2 to 7 the size of the pieces the stream arrives in (0: all
/// at once). The other bytes are the stream. Checks that nothing is consumed without a packet,
/// that error texts are one line, and that the pieces give the same packets and the same end as
/// the whole stream.
pub fn decode_packets(data: &[u8]) {
    let Some((&control, stream)) = data.split_first() else {
        return;
    };
    let version = if control & 1 == 0 {
        MqttVersion::V311
    } else {
        MqttVersion::V5
    };
    let limit = if control & 2 == 0 {
        usize::MAX
    } else {
        SMALL_PACKET_LIMIT
    };
    let whole = decode_stream(stream, version, limit, stream.len().max(1));
    let piece = usize::from(control >> 2);
    if piece > 0 {
        let pieces = decode_stream(stream, version, limit, piece);
        assert_eq!(
            whole, pieces,
            "the stream cut in pieces of {piece} decodes differently"
        );
    }
}

/// The packets decoded from `stream` arriving `piece` bytes at a time, and the error that ended
/// decoding, if any.
fn decode_stream(
    stream: &[u8],
    version: MqttVersion,
    limit: usize,
    piece: usize,
) -> (Vec<Inbound>, Option<String>) {
    let mut buf = BytesMut::new();
    let mut packets = Vec::new();
    for chunk in stream.chunks(piece) {
        buf.extend_from_slice(chunk);
        loop {
            let before = buf.len();
            match wire::decode(&mut buf, version, limit) {
                Ok(Some(packet)) => packets.push(packet),
                Ok(None) => {
                    assert_eq!(buf.len(), before, "bytes consumed without a packet");
                    // What the engine reserves before reading: at most the protocol's limit.
                    assert!(wire::bytes_missing(&buf) <= wire::MAX_REMAINING_LENGTH + 5);
                    break;
                }
                Err(error) => {
                    let text = error.to_string();
                    assert!(!text.contains('\n'), "error text over two lines: {text:?}");
                    return (packets, Some(text));
                }
            }
        }
    }
    (packets, None)
}

/// `url::parse` on the bytes of one `-L` argument. Checks that what it finds are pieces of the
/// argument.
pub fn parse_url(data: &[u8]) {
    let Ok(parsed) = url::parse(data) else {
        return;
    };
    assert!(
        data.ends_with(&parsed.topic),
        "the topic is the end of the URL"
    );
    let pieces = [
        Some(&parsed.host),
        parsed.username.as_ref(),
        parsed.password.as_ref(),
    ];
    for piece in pieces.into_iter().flatten() {
        assert!(contains(data, piece), "{piece:?} is not part of the URL");
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// `Properties::add` with the words of `-D` options.
///
/// The bytes split at NUL give the words (lossily UTF-8), taken four at a time as command,
/// identifier, value and extra (the value of a user-property; ignored by the others). The
/// properties accepted are then checked as before sending (`fault`) and put on the wire in their
/// command's MQTT 5 packet; PUBLISH properties must come back from the decoder unchanged.
pub fn add_properties(data: &[u8]) {
    let words: Vec<String> = data
        .split(|byte| *byte == 0)
        .map(|word| String::from_utf8_lossy(word).into_owned())
        .collect();
    let mut properties = Properties::default();
    for option in words.chunks(4) {
        let [command, identifier, value, rest @ ..] = option else {
            break;
        };
        let extra = rest.first().map(String::as_str);
        if let Err(text) = properties.add(command, identifier, value, extra) {
            // mosquitto's texts: "Error: ..." or "Error adding property ...", or none at all.
            assert!(text.is_empty() || text.starts_with("Error"), "{text:?}");
        }
    }
    for command in [
        PropertyCommand::Connect,
        PropertyCommand::Publish,
        PropertyCommand::Subscribe,
        PropertyCommand::Unsubscribe,
        PropertyCommand::Disconnect,
        PropertyCommand::Will,
    ] {
        let _ = properties.fault(command);
    }
    encode_with(&properties);
}

/// Puts `properties` on the wire; only PUBLISH, whose decoder is ours, is read back.
fn encode_with(properties: &Properties) {
    let version = MqttVersion::V5;
    let mut out = BytesMut::new();
    let will = Will {
        topic: "will".into(),
        payload: Bytes::from_static(b"gone"),
        qos: Qos::AtLeastOnce,
        retain: false,
    };
    let connect = ConnectPacket {
        client_id: "fuzz",
        clean_start: true,
        keepalive: 60,
        username: Some("user"),
        password: Some("password"),
        will: properties.will.is_some().then_some(&will),
        properties: properties.connect.clone(),
        will_properties: properties.will.clone(),
    };
    let _ = wire::encode_connect(&mut out, &connect, version);
    let filter = SubscribeFilter {
        filter: "a/#".into(),
        qos: Qos::AtMostOnce,
        no_local: false,
        retain_as_published: false,
        retain_handling: 0,
    };
    let _ = wire::encode_subscribe(
        &mut out,
        1,
        &[filter],
        properties.subscribe.clone(),
        version,
    );
    let _ = wire::encode_unsubscribe(
        &mut out,
        2,
        &["a/#".to_string()],
        properties.unsubscribe.clone(),
        version,
    );
    let _ = wire::encode_disconnect(&mut out, properties.disconnect.clone(), version);

    let mut packet = BytesMut::new();
    let header = PublishHeader {
        topic: "t",
        qos: Qos::AtLeastOnce,
        retain: false,
        dup: false,
        pkid: 3,
        properties: properties.publish.as_ref(),
    };
    let payload = b"payload";
    if wire::encode_publish_header(&mut packet, &header, payload.len(), version, usize::MAX).is_ok()
    {
        packet.put_slice(payload);
        match wire::decode(&mut packet, version, usize::MAX) {
            Ok(Some(Inbound::Publish(message))) => {
                assert_eq!(message.properties, properties.publish, "PUBLISH properties");
                assert_eq!(message.payload.as_ref(), payload);
            }
            other => panic!("our own PUBLISH does not decode: {other:?}"),
        }
    }
}

/// A command line from fuzz bytes: the program name, then the bytes split at NUL, each piece one
/// argument (any bytes, as a Unix command line can hold). `None` for a line that may name a
/// device or kernel file (`/dev/zero` as `-o` or `--pw-file` would be read for ever).
pub fn command_line(program: &str, data: &[u8]) -> Option<Vec<OsString>> {
    let arguments: Vec<OsString> = data
        .split(|byte| *byte == 0)
        .map(|argument| OsString::from_vec(argument.to_vec()))
        .collect();
    let special = |argument: &OsString| {
        let bytes = argument.as_bytes();
        bytes.contains(&b'/')
            && ["dev", "proc", "sys"]
                .iter()
                .any(|name| contains(bytes, name.as_bytes()))
    };
    if arguments.iter().any(special) {
        return None;
    }
    Some(
        std::iter::once(OsString::from(program))
            .chain(arguments)
            .collect(),
    )
}

/// Runs `target` on every file of the kept corpus `fuzz/corpus/<name>` of the fuzz target
/// `name`, naming the file that fails.
///
/// Panics if the directory is missing or empty, so a moved corpus is noticed (test code).
pub fn replay(name: &str, target: fn(&[u8])) {
    // Every crate lives at crates/<crate>, so the corpus is found from this one's directory.
    let dir = &Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(name);
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => panic!("cannot read the corpus {}: {error}", dir.display()),
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the corpus {} is empty", dir.display());
    for file in files {
        let data = match std::fs::read(&file) {
            Ok(data) => data,
            Err(error) => panic!("cannot read {}: {error}", file.display()),
        };
        if catch_unwind(AssertUnwindSafe(|| target(&data))).is_err() {
            panic!("{} fails (bytes: {data:02x?})", file.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_corpus_replays() {
        replay("decode_packets", decode_packets);
    }

    #[test]
    fn url_corpus_replays() {
        replay("parse_url", parse_url);
    }

    #[test]
    fn property_corpus_replays() {
        replay("add_properties", add_properties);
    }

    #[test]
    fn entry_points_take_any_bytes() {
        let inputs: &[&[u8]] = &[
            b"",
            b"\x00",
            b"\x05\x20\x02\x00\x00\x30\x05\x00\x01t\x00x",
            b"mqtt://user:pass@host:1883/topic",
            b"publish\x00content-type\x00text\x00\x00publish\x00user-property\x00k\x00v",
        ];
        for input in inputs {
            decode_packets(input);
            parse_url(input);
            add_properties(input);
        }
    }
}
