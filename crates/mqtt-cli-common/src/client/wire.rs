//! MQTT packets on the wire, v3.1.1 and v5 behind one set of types.
//!
//! Framing, PUBLISH and CONNACK decoding, and the encoding of CONNECT, SUBSCRIBE, UNSUBSCRIBE and
//! DISCONNECT (the packets with rich property sets) come from rumqttc's codec. The small
//! acknowledgements are read and written here directly, so that a reason code rumqttc does not
//! know still reaches the user as a number instead of a decode failure. PUBLISH is encoded here
//! too: its header goes into the shared write buffer and its payload travels as the caller's own
//! `Bytes`, never copied (a 200 MB `-f` file is held once).

use bytes::{Buf, BufMut, Bytes, BytesMut};
use rumqttc::mqttbytes::v4;
use rumqttc::mqttbytes::QoS as V4QoS;
use rumqttc::v5::mqttbytes::v5;
use rumqttc::v5::mqttbytes::QoS as V5QoS;

use crate::config::{MqttVersion, Qos};

/// The largest remaining length MQTT can express.
pub const MAX_REMAINING_LENGTH: usize = 268_435_455;

/// Payloads above this size are not copied into the write buffer but sent as their own segment.
pub const COPY_THRESHOLD: usize = 16 * 1024;

/// An incoming PUBLISH, whichever protocol version carried it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub topic: String,
    pub payload: Bytes,
    pub qos: Qos,
    pub retain: bool,
    pub dup: bool,
    pub pkid: u16,
    pub properties: Option<v5::PublishProperties>,
    /// The order the MQTT 5 properties arrived in (rumqttc's struct forgets it, and
    /// mosquitto_sub's JSON output keeps it).
    pub property_order: PropertyOrder,
}

/// The property identifiers of a PUBLISH in the order they first appear on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PropertyOrder {
    ids: [u8; 8],
    len: u8,
}

impl PropertyOrder {
    /// Identifiers, first occurrence only.
    pub fn ids(&self) -> &[u8] {
        &self.ids[..usize::from(self.len)]
    }

    fn note(&mut self, id: u8) {
        if !self.ids().contains(&id) && usize::from(self.len) < self.ids.len() {
            self.ids[usize::from(self.len)] = id;
            self.len += 1;
        }
    }

    /// Reads the property identifiers of the v5 PUBLISH `frame` (exactly one packet, whose fixed
    /// header is `header_len` bytes), without copying it. Anything unreadable ends the scan: the
    /// full decoder reports real errors. A property length running past the packet is read up
    /// to the packet's end and never into the next one, so the order cannot depend on what
    /// happens to follow in the read buffer.
    fn of_publish(frame: &[u8], header_len: usize) -> PropertyOrder {
        let mut order = PropertyOrder::default();
        let qos = (frame.first().copied().unwrap_or(0) >> 1) & 0x03;
        let mut body: &[u8] = frame.get(header_len..).unwrap_or_default();
        let Some(topic_len) = slice_u16(&mut body) else {
            return order;
        };
        let skip = usize::from(topic_len) + if qos > 0 { 2 } else { 0 };
        let Some(len) = slice_skip(&mut body, skip).and_then(|()| slice_varint(&mut body)) else {
            return order;
        };
        let mut props = body.get(..len).unwrap_or(body);
        while let Some(id) = props.first().copied() {
            props.advance(1);
            order.note(id);
            let step = match id {
                0x01 => slice_skip(&mut props, 1),
                0x23 => slice_skip(&mut props, 2),
                0x02 => slice_skip(&mut props, 4),
                0x0B => slice_varint(&mut props).map(drop),
                0x03 | 0x08 | 0x09 => {
                    slice_u16(&mut props).and_then(|n| slice_skip(&mut props, usize::from(n)))
                }
                0x26 => slice_u16(&mut props)
                    .and_then(|n| slice_skip(&mut props, usize::from(n)))
                    .and_then(|()| slice_u16(&mut props))
                    .and_then(|n| slice_skip(&mut props, usize::from(n))),
                _ => None,
            };
            if step.is_none() {
                break;
            }
        }
        order
    }
}

fn slice_u16(data: &mut &[u8]) -> Option<u16> {
    (data.remaining() >= 2).then(|| data.get_u16())
}

fn slice_skip(data: &mut &[u8], n: usize) -> Option<()> {
    (data.remaining() >= n).then(|| data.advance(n))
}

fn slice_varint(data: &mut &[u8]) -> Option<usize> {
    let mut value = 0usize;
    for i in 0..4 {
        let byte = *data.first()?;
        data.advance(1);
        value |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// What the broker told us in its CONNACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnAck {
    pub session_present: bool,
    /// The 3.1.1 return code or the MQTT 5 reason code, as on the wire.
    pub code: u8,
    pub properties: Option<v5::ConnAckProperties>,
}

/// A packet received from the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    ConnAck(ConnAck),
    Publish(Message),
    PubAck {
        pkid: u16,
        reason: u8,
        reason_string: Option<String>,
    },
    PubRec {
        pkid: u16,
        reason: u8,
        reason_string: Option<String>,
    },
    PubRel {
        pkid: u16,
    },
    PubComp {
        pkid: u16,
        reason: u8,
    },
    SubAck {
        pkid: u16,
        codes: Vec<u8>,
    },
    UnsubAck {
        pkid: u16,
        codes: Vec<u8>,
    },
    PingResp,
    Disconnect {
        reason: u8,
        reason_string: Option<String>,
    },
    /// A packet a client never expects from a broker (CONNECT, SUBSCRIBE, PINGREQ, AUTH...).
    Unexpected(u8),
}

/// Why bytes from the broker could not be turned into a packet. The texts complete the engine's
/// "Malformed packet received: " and never span more than one line.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{0}")]
    Malformed(String),
    #[error("packet of {size} bytes is larger than the maximum of {max}")]
    TooLarge { size: usize, max: usize },
}

/// The fixed-header facts of the next frame in a buffer.
struct Frame {
    first_byte: u8,
    header_len: usize,
    remaining: usize,
}

/// Reads and checks a fixed header; `Ok(None)` when more bytes are needed. A first byte no
/// packet can start with, or a length the packet type never has, is an error as soon as it is
/// seen, so bytes that are not MQTT (an HTTP or TLS answer, say) fail at once instead of waiting
/// for a length they only seem to declare.
fn peek_frame(buf: &[u8], version: MqttVersion) -> Result<Option<Frame>, DecodeError> {
    let Some(&first_byte) = buf.first() else {
        return Ok(None);
    };
    check_first_byte(first_byte, version)?;
    let frame = read_header(buf)?;
    if let Some(frame) = &frame {
        check_length(first_byte >> 4, frame.remaining, version)?;
    }
    Ok(frame)
}

/// Reads a fixed header without judging it; `Ok(None)` when more bytes are needed.
fn read_header(buf: &[u8]) -> Result<Option<Frame>, DecodeError> {
    let Some(&first_byte) = buf.first() else {
        return Ok(None);
    };
    let mut remaining = 0usize;
    for i in 0..4 {
        let Some(&byte) = buf.get(1 + i) else {
            return Ok(None);
        };
        remaining |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Some(Frame {
                first_byte,
                header_len: 2 + i,
                remaining,
            }));
        }
    }
    Err(malformed("remaining length longer than 4 bytes"))
}

/// The flag bits each packet type must carry (MQTT 3.1.1 section 2.2.2, MQTT 5 section 2.1.3):
/// only PUBLISH has free flags, and its QoS can never be 3. Type 0 is reserved, and so is 15
/// before MQTT 5 made it AUTH.
fn check_first_byte(first_byte: u8, version: MqttVersion) -> Result<(), DecodeError> {
    let flags = first_byte & 0x0f;
    let valid = match first_byte >> 4 {
        0 => false,
        3 => flags & 0x06 != 0x06,
        6 | 8 | 10 => flags == 0x02,
        15 => version == MqttVersion::V5 && flags == 0,
        _ => flags == 0,
    };
    if valid {
        Ok(())
    } else {
        Err(DecodeError::Malformed(format!(
            "byte {first_byte:#04x} does not start an MQTT packet"
        )))
    }
}

/// The remaining lengths the protocol fixes: every MQTT 3.1.1 acknowledgement and CONNACK has
/// exactly 2 bytes, a PINGRESP none.
fn check_length(
    packet_type: u8,
    remaining: usize,
    version: MqttVersion,
) -> Result<(), DecodeError> {
    let fixed = match (packet_type, version) {
        (13, _) => Some(0),
        (2 | 4..=7 | 11, MqttVersion::V311) => Some(2),
        _ => None,
    };
    match fixed {
        Some(expected) if remaining != expected => Err(DecodeError::Malformed(format!(
            "{} with a remaining length of {remaining} instead of {expected}",
            packet_name(packet_type)
        ))),
        _ => Ok(()),
    }
}

/// The name of a packet type, for error texts.
fn packet_name(packet_type: u8) -> &'static str {
    const NAMES: [&str; 16] = [
        "reserved packet type 0",
        "CONNECT",
        "CONNACK",
        "PUBLISH",
        "PUBACK",
        "PUBREC",
        "PUBREL",
        "PUBCOMP",
        "SUBSCRIBE",
        "SUBACK",
        "UNSUBSCRIBE",
        "UNSUBACK",
        "PINGREQ",
        "PINGRESP",
        "DISCONNECT",
        "AUTH",
    ];
    NAMES[usize::from(packet_type & 0x0f)]
}

/// How many more bytes the frame at the start of `buf` needs before it can be decoded.
pub fn bytes_missing(buf: &[u8]) -> usize {
    match read_header(buf) {
        Ok(Some(frame)) => (frame.header_len + frame.remaining).saturating_sub(buf.len()),
        _ => 0,
    }
}

/// Takes one packet off the front of `buf`; `Ok(None)` when `buf` holds no whole packet yet.
pub fn decode(
    buf: &mut BytesMut,
    version: MqttVersion,
    max_size: usize,
) -> Result<Option<Inbound>, DecodeError> {
    let Some(frame) = peek_frame(buf, version)? else {
        return Ok(None);
    };
    let total = frame.header_len + frame.remaining;
    if total > max_size {
        return Err(DecodeError::TooLarge {
            size: total,
            max: max_size,
        });
    }
    if buf.len() < total {
        return Ok(None);
    }
    let packet_type = frame.first_byte >> 4;
    let inbound = match packet_type {
        2 => Inbound::ConnAck(decode_connack(buf, &frame, version)?),
        3 => Inbound::Publish(decode_publish(buf, &frame, version, max_size)?),
        _ => {
            let whole = buf.split_to(total).freeze();
            let body = whole.slice(frame.header_len..);
            decode_small(packet_type, body, version)?
        }
    };
    Ok(Some(inbound))
}

fn malformed(what: &str) -> DecodeError {
    DecodeError::Malformed(what.to_string())
}

fn take_u16(body: &mut Bytes) -> Result<u16, DecodeError> {
    if body.remaining() < 2 {
        return Err(malformed("packet too short"));
    }
    Ok(body.get_u16())
}

/// Reads a variable byte integer (property lengths).
fn take_varint(body: &mut Bytes) -> Result<usize, DecodeError> {
    let mut value = 0usize;
    for i in 0..4 {
        if !body.has_remaining() {
            return Err(malformed("truncated variable byte integer"));
        }
        let byte = body.get_u8();
        value |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(malformed("variable byte integer longer than 4 bytes"))
}

/// Skips a v5 property block, keeping only the reason string (0x1F) if there is one.
fn take_properties(body: &mut Bytes) -> Result<Option<String>, DecodeError> {
    if !body.has_remaining() {
        return Ok(None);
    }
    let len = take_varint(body)?;
    if body.remaining() < len {
        return Err(malformed("property length beyond packet"));
    }
    let mut props = body.split_to(len);
    let mut reason_string = None;
    while props.has_remaining() {
        let id = props.get_u8();
        let size = match id {
            0x01 | 0x17 | 0x19 | 0x24 | 0x25 | 0x28 | 0x29 | 0x2A => 1,
            0x13 | 0x21 | 0x22 | 0x23 => 2,
            0x02 | 0x11 | 0x18 | 0x27 => 4,
            0x0B => {
                take_varint(&mut props)?;
                0
            }
            0x03 | 0x08 | 0x09 | 0x12 | 0x15 | 0x16 | 0x1A | 0x1C | 0x1F => {
                let n = usize::from(take_u16(&mut props)?);
                if props.remaining() < n {
                    return Err(malformed("property string beyond packet"));
                }
                let text = props.split_to(n);
                if id == 0x1F {
                    reason_string = Some(String::from_utf8_lossy(&text).into_owned());
                }
                0
            }
            0x26 => {
                for _ in 0..2 {
                    let n = usize::from(take_u16(&mut props)?);
                    if props.remaining() < n {
                        return Err(malformed("user property beyond packet"));
                    }
                    props.advance(n);
                }
                0
            }
            other => {
                return Err(DecodeError::Malformed(format!(
                    "unknown property {other:#04x}"
                )))
            }
        };
        if props.remaining() < size {
            return Err(malformed("property beyond packet"));
        }
        props.advance(size);
    }
    Ok(reason_string)
}

/// An acknowledgement's packet id, reason code (0 when absent) and reason string.
fn take_ack(
    body: &mut Bytes,
    version: MqttVersion,
) -> Result<(u16, u8, Option<String>), DecodeError> {
    let pkid = take_u16(body)?;
    if version == MqttVersion::V311 || !body.has_remaining() {
        return Ok((pkid, 0, None));
    }
    let reason = body.get_u8();
    let reason_string = take_properties(body)?;
    Ok((pkid, reason, reason_string))
}

fn decode_small(
    packet_type: u8,
    mut body: Bytes,
    version: MqttVersion,
) -> Result<Inbound, DecodeError> {
    Ok(match packet_type {
        4 => {
            let (pkid, reason, reason_string) = take_ack(&mut body, version)?;
            Inbound::PubAck {
                pkid,
                reason,
                reason_string,
            }
        }
        5 => {
            let (pkid, reason, reason_string) = take_ack(&mut body, version)?;
            Inbound::PubRec {
                pkid,
                reason,
                reason_string,
            }
        }
        6 => {
            let (pkid, _, _) = take_ack(&mut body, version)?;
            Inbound::PubRel { pkid }
        }
        7 => {
            let (pkid, reason, _) = take_ack(&mut body, version)?;
            Inbound::PubComp { pkid, reason }
        }
        9 | 11 => {
            let pkid = take_u16(&mut body)?;
            if version == MqttVersion::V5 {
                take_properties(&mut body)?;
            }
            let codes = body.to_vec();
            if packet_type == 9 {
                if codes.is_empty() {
                    return Err(malformed("SUBACK without return codes"));
                }
                Inbound::SubAck { pkid, codes }
            } else {
                Inbound::UnsubAck { pkid, codes }
            }
        }
        13 => Inbound::PingResp,
        // Only MQTT 5 lets a server send DISCONNECT.
        14 if version == MqttVersion::V5 => {
            let reason = if body.has_remaining() {
                body.get_u8()
            } else {
                0
            };
            let reason_string = if version == MqttVersion::V5 {
                take_properties(&mut body)?
            } else {
                None
            };
            Inbound::Disconnect {
                reason,
                reason_string,
            }
        }
        other => Inbound::Unexpected(other),
    })
}

fn decode_connack(
    buf: &mut BytesMut,
    frame: &Frame,
    version: MqttVersion,
) -> Result<ConnAck, DecodeError> {
    let body = &buf[frame.header_len..frame.header_len + frame.remaining];
    if body.len() < 2 {
        return Err(malformed("CONNACK too short"));
    }
    if body[0] & 0xfe != 0 {
        return Err(DecodeError::Malformed(format!(
            "CONNACK with reserved flags {:#04x}",
            body[0]
        )));
    }
    let session_present = body[0] == 1;
    let code = body[1];
    let properties = match version {
        MqttVersion::V311 => {
            buf.advance(frame.header_len + frame.remaining);
            None
        }
        MqttVersion::V5 => {
            let mut props = Bytes::copy_from_slice(&body[2..]);
            buf.advance(frame.header_len + frame.remaining);
            if props.is_empty() {
                None
            } else {
                v5::ConnAckProperties::read(&mut props)
                    .map_err(|e| DecodeError::Malformed(e.to_string()))?
            }
        }
    };
    Ok(ConnAck {
        session_present,
        code,
        properties,
    })
}

fn decode_publish(
    buf: &mut BytesMut,
    frame: &Frame,
    version: MqttVersion,
    max_size: usize,
) -> Result<Message, DecodeError> {
    match version {
        MqttVersion::V311 => match v4::Packet::read(buf, max_size).map_err(codec_error)? {
            v4::Packet::Publish(p) => Ok(Message {
                qos: qos_from_v4(p.qos),
                topic: p.topic,
                payload: p.payload,
                retain: p.retain,
                dup: p.dup,
                pkid: p.pkid,
                properties: None,
                property_order: PropertyOrder::default(),
            }),
            _ => Err(malformed("expected PUBLISH")),
        },
        MqttVersion::V5 => {
            let max = u32::try_from(max_size).unwrap_or(u32::MAX);
            let packet = buf
                .get(..frame.header_len + frame.remaining)
                .unwrap_or_default();
            let property_order = PropertyOrder::of_publish(packet, frame.header_len);
            match v5::Packet::read(buf, Some(max)).map_err(codec_v5_error)? {
                v5::Packet::Publish(p) => {
                    let topic = String::from_utf8(p.topic.to_vec())
                        .map_err(|_| malformed("topic is not valid UTF-8"))?;
                    Ok(Message {
                        qos: qos_from_v5(p.qos),
                        topic,
                        payload: p.payload,
                        retain: p.retain,
                        dup: p.dup,
                        pkid: p.pkid,
                        properties: p.properties,
                        property_order,
                    })
                }
                _ => Err(malformed("expected PUBLISH")),
            }
        }
    }
}

/// rumqttc's 3.1.1 complaint in our words where its own would mislead.
fn codec_error(error: rumqttc::mqttbytes::Error) -> DecodeError {
    match error {
        rumqttc::mqttbytes::Error::TopicNotUtf8 => malformed("topic is not valid UTF-8"),
        other => DecodeError::Malformed(other.to_string()),
    }
}

/// rumqttc's MQTT 5 complaint in our words; there the topic is checked by us, so its UTF-8
/// complaint is about a property.
fn codec_v5_error(error: rumqttc::v5::mqttbytes::Error) -> DecodeError {
    match error {
        rumqttc::v5::mqttbytes::Error::TopicNotUtf8 => {
            malformed("a property string is not valid UTF-8")
        }
        other => DecodeError::Malformed(other.to_string()),
    }
}

fn qos_from_v4(qos: V4QoS) -> Qos {
    match qos {
        V4QoS::AtMostOnce => Qos::AtMostOnce,
        V4QoS::AtLeastOnce => Qos::AtLeastOnce,
        V4QoS::ExactlyOnce => Qos::ExactlyOnce,
    }
}

fn qos_from_v5(qos: V5QoS) -> Qos {
    match qos {
        V5QoS::AtMostOnce => Qos::AtMostOnce,
        V5QoS::AtLeastOnce => Qos::AtLeastOnce,
        V5QoS::ExactlyOnce => Qos::ExactlyOnce,
    }
}

pub fn qos_to_v4(qos: Qos) -> V4QoS {
    match qos {
        Qos::AtMostOnce => V4QoS::AtMostOnce,
        Qos::AtLeastOnce => V4QoS::AtLeastOnce,
        Qos::ExactlyOnce => V4QoS::ExactlyOnce,
    }
}

pub fn qos_to_v5(qos: Qos) -> V5QoS {
    match qos {
        Qos::AtMostOnce => V5QoS::AtMostOnce,
        Qos::AtLeastOnce => V5QoS::AtLeastOnce,
        Qos::ExactlyOnce => V5QoS::ExactlyOnce,
    }
}

/// Appends a variable byte integer.
fn put_varint(out: &mut BytesMut, mut value: usize) {
    loop {
        let mut byte = (value % 128) as u8;
        value /= 128;
        if value > 0 {
            byte |= 0x80;
        }
        out.put_u8(byte);
        if value == 0 {
            break;
        }
    }
}

/// The parts of an outgoing PUBLISH.
pub struct PublishHeader<'a> {
    pub topic: &'a str,
    pub qos: Qos,
    pub retain: bool,
    pub dup: bool,
    pub pkid: u16,
    pub properties: Option<&'a v5::PublishProperties>,
}

/// Why an outgoing packet could not be encoded.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error("packet of {size} bytes is larger than the maximum of {max}")]
    TooLarge { size: usize, max: usize },
    #[error("{0}")]
    Codec(String),
}

/// Writes a PUBLISH's fixed and variable header for a payload of `payload_len` bytes; the payload
/// itself follows on the wire. Returns the whole packet's size.
pub fn encode_publish_header(
    out: &mut BytesMut,
    header: &PublishHeader<'_>,
    payload_len: usize,
    version: MqttVersion,
    max_packet: usize,
) -> Result<usize, EncodeError> {
    // rumqttc writes a property block with its length in front; an absent block is a lone 0.
    let mut properties = BytesMut::new();
    if version == MqttVersion::V5 {
        match header.properties {
            Some(props) => props
                .write(&mut properties)
                .map_err(|e| EncodeError::Codec(e.to_string()))?,
            None => properties.put_u8(0),
        }
    }
    let mut remaining = 2 + header.topic.len() + payload_len;
    if header.qos != Qos::AtMostOnce {
        remaining += 2;
    }
    remaining += properties.len();
    let total = 1 + varint_len(remaining) + remaining;
    if remaining > MAX_REMAINING_LENGTH || total > max_packet {
        return Err(EncodeError::TooLarge {
            size: total,
            max: max_packet.min(MAX_REMAINING_LENGTH + 5),
        });
    }
    let mut first = 0x30 | (header.qos.as_u8() << 1);
    if header.dup {
        first |= 0x08;
    }
    if header.retain {
        first |= 0x01;
    }
    out.reserve(total - payload_len);
    out.put_u8(first);
    put_varint(out, remaining);
    out.put_u16(header.topic.len() as u16);
    out.put_slice(header.topic.as_bytes());
    if header.qos != Qos::AtMostOnce {
        out.put_u16(header.pkid);
    }
    out.put_slice(&properties);
    Ok(total)
}

fn varint_len(value: usize) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// The acknowledgements a client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ack {
    PubAck,
    PubRec,
    PubRel,
    PubComp,
}

/// Writes PUBACK, PUBREC, PUBREL or PUBCOMP with success (the short form both versions accept).
pub fn encode_ack(out: &mut BytesMut, ack: Ack, pkid: u16) {
    let first = match ack {
        Ack::PubAck => 0x40,
        Ack::PubRec => 0x50,
        Ack::PubRel => 0x62,
        Ack::PubComp => 0x70,
    };
    out.put_slice(&[first, 2]);
    out.put_u16(pkid);
}

pub fn encode_pingreq(out: &mut BytesMut) {
    out.put_slice(&[0xC0, 0]);
}

/// The CONNECT packet's contents.
pub struct ConnectPacket<'a> {
    pub client_id: &'a str,
    pub clean_start: bool,
    pub keepalive: u16,
    pub username: Option<&'a str>,
    pub password: Option<&'a str>,
    pub will: Option<&'a crate::config::Will>,
    pub properties: Option<v5::ConnectProperties>,
    pub will_properties: Option<v5::LastWillProperties>,
}

pub fn encode_connect(
    out: &mut BytesMut,
    connect: &ConnectPacket<'_>,
    version: MqttVersion,
) -> Result<(), EncodeError> {
    let codec = |e: &dyn std::fmt::Display| EncodeError::Codec(e.to_string());
    let has_login = connect.username.is_some() || connect.password.is_some();
    match version {
        MqttVersion::V311 => {
            let packet = v4::Packet::Connect(v4::Connect {
                protocol: rumqttc::mqttbytes::Protocol::V4,
                keep_alive: connect.keepalive,
                client_id: connect.client_id.to_string(),
                clean_session: connect.clean_start,
                last_will: connect.will.map(|will| v4::LastWill {
                    topic: will.topic.clone(),
                    message: will.payload.clone(),
                    qos: qos_to_v4(will.qos),
                    retain: will.retain,
                }),
                login: has_login.then(|| {
                    v4::Login::new(
                        connect.username.unwrap_or_default(),
                        connect.password.unwrap_or_default(),
                    )
                }),
            });
            packet.write(out, usize::MAX).map_err(|e| codec(&e))?;
        }
        MqttVersion::V5 => {
            let packet = v5::Packet::Connect(
                v5::Connect {
                    keep_alive: connect.keepalive,
                    client_id: connect.client_id.to_string(),
                    clean_start: connect.clean_start,
                    properties: connect.properties.clone(),
                },
                connect.will.map(|will| v5::LastWill {
                    topic: Bytes::copy_from_slice(will.topic.as_bytes()),
                    message: will.payload.clone(),
                    qos: qos_to_v5(will.qos),
                    retain: will.retain,
                    properties: connect.will_properties.clone(),
                }),
                has_login.then(|| {
                    v5::Login::new(
                        connect.username.unwrap_or_default(),
                        connect.password.unwrap_or_default(),
                    )
                }),
            );
            packet.write(out, None).map_err(|e| codec(&e))?;
        }
    }
    Ok(())
}

/// One topic filter of a SUBSCRIBE with its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscribeFilter {
    pub filter: String,
    pub qos: Qos,
    pub no_local: bool,
    pub retain_as_published: bool,
    /// 0 send retained on subscribe, 1 only for new subscriptions, 2 never.
    pub retain_handling: u8,
}

pub fn encode_subscribe(
    out: &mut BytesMut,
    pkid: u16,
    filters: &[SubscribeFilter],
    properties: Option<v5::SubscribeProperties>,
    version: MqttVersion,
) -> Result<(), EncodeError> {
    let codec = |e: &dyn std::fmt::Display| EncodeError::Codec(e.to_string());
    match version {
        MqttVersion::V311 => {
            let packet = v4::Packet::Subscribe(v4::Subscribe {
                pkid,
                filters: filters
                    .iter()
                    .map(|f| v4::SubscribeFilter::new(f.filter.clone(), qos_to_v4(f.qos)))
                    .collect(),
            });
            packet.write(out, usize::MAX).map_err(|e| codec(&e))?;
        }
        MqttVersion::V5 => {
            let packet = v5::Packet::Subscribe(v5::Subscribe {
                pkid,
                filters: filters
                    .iter()
                    .map(|f| v5::Filter {
                        path: f.filter.clone(),
                        qos: qos_to_v5(f.qos),
                        nolocal: f.no_local,
                        preserve_retain: f.retain_as_published,
                        retain_forward_rule: match f.retain_handling {
                            1 => v5::RetainForwardRule::OnNewSubscribe,
                            2 => v5::RetainForwardRule::Never,
                            _ => v5::RetainForwardRule::OnEverySubscribe,
                        },
                    })
                    .collect(),
                properties,
            });
            packet.write(out, None).map_err(|e| codec(&e))?;
        }
    }
    Ok(())
}

pub fn encode_unsubscribe(
    out: &mut BytesMut,
    pkid: u16,
    filters: &[String],
    properties: Option<v5::UnsubscribeProperties>,
    version: MqttVersion,
) -> Result<(), EncodeError> {
    let codec = |e: &dyn std::fmt::Display| EncodeError::Codec(e.to_string());
    match version {
        MqttVersion::V311 => {
            let packet = v4::Packet::Unsubscribe(v4::Unsubscribe {
                pkid,
                topics: filters.to_vec(),
            });
            packet.write(out, usize::MAX).map_err(|e| codec(&e))?;
        }
        MqttVersion::V5 => {
            let packet = v5::Packet::Unsubscribe(v5::Unsubscribe {
                pkid,
                filters: filters.to_vec(),
                properties,
            });
            packet.write(out, None).map_err(|e| codec(&e))?;
        }
    }
    Ok(())
}

pub fn encode_disconnect(
    out: &mut BytesMut,
    properties: Option<v5::DisconnectProperties>,
    version: MqttVersion,
) -> Result<(), EncodeError> {
    match version {
        MqttVersion::V311 => out.put_slice(&[0xE0, 0]),
        MqttVersion::V5 => {
            let packet = v5::Packet::Disconnect(v5::Disconnect {
                reason_code: v5::DisconnectReasonCode::NormalDisconnection,
                properties,
            });
            packet
                .write(out, None)
                .map_err(|e| EncodeError::Codec(e.to_string()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn publish_bytes(version: MqttVersion, qos: Qos, payload: &[u8]) -> BytesMut {
        let mut out = BytesMut::new();
        let props = v5::PublishProperties {
            content_type: Some("text/plain".into()),
            user_properties: vec![("k".into(), "v".into())],
            ..Default::default()
        };
        let header = PublishHeader {
            topic: "a/b",
            qos,
            retain: true,
            dup: false,
            pkid: 7,
            properties: Some(&props),
        };
        encode_publish_header(&mut out, &header, payload.len(), version, usize::MAX).unwrap();
        out.put_slice(payload);
        out
    }

    #[test]
    fn publish_round_trips_through_rumqttc_decoder() {
        for version in [MqttVersion::V311, MqttVersion::V5] {
            for qos in [Qos::AtMostOnce, Qos::AtLeastOnce, Qos::ExactlyOnce] {
                let payload = vec![0xAB; 20_000];
                let mut buf = publish_bytes(version, qos, &payload);
                let Some(Inbound::Publish(msg)) = decode(&mut buf, version, usize::MAX).unwrap()
                else {
                    panic!("not a publish");
                };
                assert_eq!(msg.topic, "a/b");
                assert_eq!(msg.qos, qos);
                assert!(msg.retain);
                assert_eq!(msg.payload.len(), 20_000);
                if version == MqttVersion::V5 {
                    let props = msg.properties.expect("properties");
                    assert_eq!(props.content_type.as_deref(), Some("text/plain"));
                }
                assert!(buf.is_empty());
            }
        }
    }

    #[test]
    fn partial_frames_wait_for_more_bytes() {
        let full = publish_bytes(MqttVersion::V311, Qos::AtLeastOnce, b"hello");
        for cut in 0..full.len() {
            let mut buf = BytesMut::from(&full[..cut]);
            assert!(decode(&mut buf, MqttVersion::V311, usize::MAX)
                .unwrap()
                .is_none());
            assert_eq!(bytes_missing(&buf) > 0, cut >= 2);
        }
    }

    #[test]
    fn acks_keep_unknown_reason_codes() {
        let mut buf = BytesMut::from(&[0x40, 3, 0, 9, 0x99][..]);
        let packet = decode(&mut buf, MqttVersion::V5, usize::MAX).unwrap();
        assert_eq!(
            packet,
            Some(Inbound::PubAck {
                pkid: 9,
                reason: 0x99,
                reason_string: None
            })
        );
    }

    #[test]
    fn connack_with_unknown_code_is_still_read() {
        let mut buf = BytesMut::from(&[0x20, 2, 0, 42][..]);
        let Some(Inbound::ConnAck(ack)) = decode(&mut buf, MqttVersion::V311, 100).unwrap() else {
            panic!("not a connack");
        };
        assert_eq!(ack.code, 42);
    }

    #[test]
    fn oversized_and_garbage_frames_are_errors() {
        let mut buf = BytesMut::from(&[0x30, 0xff, 0xff, 0xff, 0x7f][..]);
        assert!(decode(&mut buf, MqttVersion::V311, 1000).is_err());
        let mut buf = BytesMut::from(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01][..]);
        assert!(decode(&mut buf, MqttVersion::V311, usize::MAX).is_err());
    }

    /// Decodes `bytes` whole; the error text, or `None` when a packet (or nothing yet) came out.
    fn decode_error(bytes: &[u8], version: MqttVersion) -> Option<String> {
        let mut buf = BytesMut::from(bytes);
        decode(&mut buf, version, usize::MAX)
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn bytes_that_cannot_start_a_packet_fail_at_once() {
        use MqttVersion::{V311, V5};
        let cases: &[(&[u8], MqttVersion, Option<&str>)] = &[
            // An HTTP answer: 'H' would be a PUBACK with flags 8.
            (
                b"HTTP/1.1 400 Bad Request\r\n",
                V311,
                Some("byte 0x48 does not start an MQTT packet"),
            ),
            // A TLS alert: 0x15 would be a CONNECT with flags 5.
            (
                &[0x15, 0x03, 0x01],
                V5,
                Some("byte 0x15 does not start an MQTT packet"),
            ),
            (
                &[0x00],
                V311,
                Some("byte 0x00 does not start an MQTT packet"),
            ),
            (
                &[0xf0, 0x00],
                V311,
                Some("byte 0xf0 does not start an MQTT packet"),
            ),
            (&[0xf1], V5, Some("byte 0xf1 does not start an MQTT packet")),
            (
                &[0x36],
                V311,
                Some("byte 0x36 does not start an MQTT packet"),
            ),
            (
                &[0x60, 2, 0, 1],
                V311,
                Some("byte 0x60 does not start an MQTT packet"),
            ),
            (
                &[0x80, 2, 0, 1],
                V5,
                Some("byte 0x80 does not start an MQTT packet"),
            ),
            (
                &[0x21, 2, 0, 0],
                V311,
                Some("byte 0x21 does not start an MQTT packet"),
            ),
            // Valid first bytes wait for the rest.
            (&[0x20], V311, None),
            (&[0x3d, 0x80], V5, None),
            (&[0x62], V311, None),
            (&[0xf0], V5, None),
            (&[0xd0], V311, None),
        ];
        for (bytes, version, expected) in cases {
            assert_eq!(
                decode_error(bytes, *version).as_deref(),
                *expected,
                "{bytes:02x?} {version:?}"
            );
        }
    }

    #[test]
    fn fixed_lengths_are_enforced_from_the_header() {
        use MqttVersion::{V311, V5};
        let cases: &[(&[u8], MqttVersion, Option<&str>)] = &[
            // Only the header has arrived: a declared length the type never has fails now.
            (
                &[0x20, 0xff, 0xff, 0xff, 0x7f],
                V311,
                Some("CONNACK with a remaining length of 268435455 instead of 2"),
            ),
            (
                &[0x20, 3],
                V311,
                Some("CONNACK with a remaining length of 3 instead of 2"),
            ),
            (
                &[0x40, 0],
                V311,
                Some("PUBACK with a remaining length of 0 instead of 2"),
            ),
            (
                &[0x50, 4],
                V311,
                Some("PUBREC with a remaining length of 4 instead of 2"),
            ),
            (
                &[0x62, 1],
                V311,
                Some("PUBREL with a remaining length of 1 instead of 2"),
            ),
            (
                &[0x70, 9],
                V311,
                Some("PUBCOMP with a remaining length of 9 instead of 2"),
            ),
            (
                &[0xb0, 3],
                V311,
                Some("UNSUBACK with a remaining length of 3 instead of 2"),
            ),
            (
                &[0xd0, 1],
                V5,
                Some("PINGRESP with a remaining length of 1 instead of 0"),
            ),
            (
                &[0xd0, 1],
                V311,
                Some("PINGRESP with a remaining length of 1 instead of 0"),
            ),
            // MQTT 5 acknowledgements and CONNACK carry properties: longer is fine.
            (&[0x20, 0xff, 0xff, 0xff, 0x7f], V5, None),
            (&[0x40, 4], V5, None),
            // Five length bytes are never valid.
            (
                &[0x30, 0xff, 0xff, 0xff, 0xff, 0x01],
                V5,
                Some("remaining length longer than 4 bytes"),
            ),
        ];
        for (bytes, version, expected) in cases {
            assert_eq!(
                decode_error(bytes, *version).as_deref(),
                *expected,
                "{bytes:02x?} {version:?}"
            );
        }
    }

    #[test]
    fn packet_contents_are_checked() {
        use MqttVersion::{V311, V5};
        let cases: &[(&[u8], MqttVersion, &str)] = &[
            (
                &[0x20, 2, 0x02, 0],
                V311,
                "CONNACK with reserved flags 0x02",
            ),
            (
                &[0x20, 3, 0x80, 0, 0],
                V5,
                "CONNACK with reserved flags 0x80",
            ),
            (&[0x20, 1, 0], V5, "CONNACK too short"),
            (
                &[0x30, 5, 0, 3, b'a', 0xff, b'b'],
                V311,
                "topic is not valid UTF-8",
            ),
            (
                &[0x30, 6, 0, 3, b'a', 0xff, b'b', 0],
                V5,
                "topic is not valid UTF-8",
            ),
            (&[0x30, 3, 0, 3, b'a'], V311, "Promised boundary crossed: 3"),
            (&[0x32, 3, 0, 1, b'a'], V311, "Malformed packet"),
            (&[0x90, 2, 0, 1], V311, "SUBACK without return codes"),
        ];
        for (bytes, version, expected) in cases {
            assert_eq!(
                decode_error(bytes, *version).as_deref(),
                Some(*expected),
                "{bytes:02x?} {version:?}"
            );
        }
    }

    #[test]
    fn packets_a_server_may_not_send_are_reported_not_rejected() {
        let cases: &[(&[u8], MqttVersion, Inbound)] = &[
            (&[0xe0, 0], MqttVersion::V311, Inbound::Unexpected(14)),
            (&[0xc0, 0], MqttVersion::V5, Inbound::Unexpected(12)),
            (&[0xf0, 0], MqttVersion::V5, Inbound::Unexpected(15)),
            (&[0x10, 0], MqttVersion::V311, Inbound::Unexpected(1)),
        ];
        for (bytes, version, expected) in cases {
            let mut buf = BytesMut::from(*bytes);
            assert_eq!(
                decode(&mut buf, *version, usize::MAX)
                    .ok()
                    .flatten()
                    .as_ref(),
                Some(expected),
                "{bytes:02x?}"
            );
            assert!(buf.is_empty());
        }
    }

    #[test]
    fn property_order_is_read_from_its_own_packet_only() {
        // Found by fuzzing: the declared property length (6) runs past this PUBLISH, which
        // rumqttc still accepts (it counts each subscription identifier one byte long), and the
        // order used to be read on into whatever the read buffer held next.
        let publish: &[u8] = &[0x30, 8, 0, 1, b't', 6, 0x0b, 1, 0x0b, 2];
        let order = |bytes: &[u8]| {
            let mut buf = BytesMut::from(bytes);
            match decode(&mut buf, MqttVersion::V5, usize::MAX) {
                Ok(Some(Inbound::Publish(message))) => message.property_order.ids().to_vec(),
                other => panic!("not a publish: {other:?}"),
            }
        };
        let followed: Vec<u8> = [publish, &[0xd0, 0]].concat();
        assert_eq!(order(publish), [0x0b]);
        assert_eq!(order(&followed), [0x0b]);
    }

    #[test]
    fn v5_disconnect_with_reason_string() {
        let mut buf = BytesMut::from(&[0xE0, 7, 0x8B, 5, 0x1F, 0, 2, b'h', b'i'][..]);
        let packet = decode(&mut buf, MqttVersion::V5, usize::MAX).unwrap();
        assert_eq!(
            packet,
            Some(Inbound::Disconnect {
                reason: 0x8B,
                reason_string: Some("hi".into())
            })
        );
    }
}
