//! The MQTT client engine both binaries drive.
//!
//! One `Client` owns one MQTT session over any number of connections. The caller queues work
//! (`publish`, `subscribe`) and awaits `next_event`, which writes what is queued, reads what the
//! broker sent, answers the protocol (acknowledgements, keepalive) and returns what the
//! application must know. `next_event` is cancel-safe, so a binary can `select!` it against its
//! own input.
//!
//! Rules it keeps:
//! - A QoS 1/2 message is done only on PUBACK/PUBCOMP; until then it stays in the outbox and is
//!   sent again after a reconnect (with DUP when the broker kept the session, as a fresh message
//!   when it did not: at least once).
//! - The in-flight window never exceeds the broker's Receive Maximum, and QoS 2 defaults to 20 in
//!   flight (mosquitto's limit) because a broker that drops excess QoS 2 breaks exactly-once.
//! - An incoming QoS 2 message is delivered once, even when the broker resends it before PUBREL.
//! - A broker that stops answering is detected within 1.5 x keepalive.
//! - A lost connection is retried with capped exponential backoff for as long as the policy
//!   allows (see `outage`), announced once per outage through `Event::Disconnected`; giving up
//!   is `ClientError::ConnectionLost`.

mod outage;
mod outbox;
mod outbuf;
pub mod transport;
pub mod wire;

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::time::{sleep_until, timeout, Instant};

use outage::{Lost, Reconnection};
pub use outbox::OutMessage;
use outbox::{Outbox, Stage};
use outbuf::OutBuf;
use transport::Stream;
use wire::{Ack, ConnAck, Inbound};
pub use wire::{Message, SubscribeFilter};

use crate::config::{ConnectionConfig, MqttVersion, Qos};
use crate::error::ClientError;
use crate::reason;

/// QoS 1 messages in flight when neither `-M` nor the broker says otherwise.
const DEFAULT_QOS1_WINDOW: usize = 256;
/// QoS 2 messages in flight by default: mosquitto's `max_inflight_messages`.
const DEFAULT_QOS2_WINDOW: usize = 20;
/// Stop accepting messages while this much is waiting for the socket.
const WRITE_HIGH_WATER: usize = 4 * 1024 * 1024;
/// The longest a connection attempt (socket, TLS, CONNECT/CONNACK) may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest writing DISCONNECT may take: a broker that stopped reading must not hold up
/// the exit.
const DISCONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const READ_CHUNK: usize = 64 * 1024;

/// What `next_event` reports.
#[derive(Debug)]
pub enum Event {
    /// A message arrived on a subscription.
    Message(Message),
    /// A QoS 1 or 2 publish is finished: acknowledged, or refused with an MQTT 5 reason >= 0x80.
    Delivered {
        pkid: u16,
        reason: u8,
        reason_string: Option<String>,
    },
    SubAck {
        pkid: u16,
        codes: Vec<u8>,
    },
    UnsubAck {
        pkid: u16,
    },
    /// The connection was lost; the client is trying to restore it.
    Disconnected {
        cause: ClientError,
    },
    /// A connection is up again.
    Reconnected {
        session_present: bool,
    },
    /// Everything accepted has been written and flushed, and nothing awaits an acknowledgement:
    /// the moment a publisher waiting to finish can stop waiting.
    Idle,
}

/// The broker's limits from CONNACK (MQTT 5), or the protocol's.
#[derive(Debug, Clone)]
struct BrokerLimits {
    receive_maximum: usize,
    maximum_packet_size: usize,
}

impl BrokerLimits {
    fn from_connack(ack: &ConnAck) -> BrokerLimits {
        let props = ack.properties.as_ref();
        BrokerLimits {
            receive_maximum: props
                .and_then(|p| p.receive_max)
                .map_or(usize::from(u16::MAX), usize::from),
            maximum_packet_size: props
                .and_then(|p| p.max_packet_size)
                .map_or(usize::MAX, |m| m as usize),
        }
    }
}

/// One open connection: the two halves of the stream and its buffers and timers.
struct Connection {
    reader: ReadHalf<Stream>,
    writer: WriteHalf<Stream>,
    inbuf: BytesMut,
    out: OutBuf,
    needs_flush: bool,
    last_in: Instant,
    last_out: Instant,
    ping_sent: Option<Instant>,
    /// Whether the topic alias from `-D publish topic-alias` is known to the broker yet.
    alias_sent: bool,
}

/// A subscription request remembered for resubscribing after a session was lost.
struct Subscription {
    filters: Vec<SubscribeFilter>,
}

pub struct Client {
    config: ConnectionConfig,
    conn: Option<Connection>,
    reconnection: Reconnection,
    outbox: Outbox,
    events: VecDeque<Event>,
    incoming_qos2: HashSet<u16>,
    subscriptions: Vec<Subscription>,
    limits: BrokerLimits,
    next_control_pkid: u16,
    closing: bool,
    /// The client id as `-d` lines show it (see [`shown_id`]).
    shown_id: String,
}

impl Client {
    /// Opens the first connection. A failure here is final (mosquitto does not retry either).
    pub async fn connect(config: ConnectionConfig) -> Result<(Client, ConnAck), ClientError> {
        let (conn, ack) = open_session(&config, None).await?;
        let client = Client {
            shown_id: shown_id(&config, Some(&ack)),
            limits: BrokerLimits::from_connack(&ack),
            reconnection: Reconnection::new(config.reconnect.clone()),
            config,
            conn: Some(conn),
            outbox: Outbox::default(),
            events: VecDeque::new(),
            incoming_qos2: HashSet::new(),
            subscriptions: Vec::new(),
            next_control_pkid: 1,
            closing: false,
        };
        Ok((client, ack))
    }

    pub fn config(&self) -> &ConnectionConfig {
        &self.config
    }

    pub fn is_connected(&self) -> bool {
        self.conn.is_some()
    }

    /// How many messages of this QoS may be in flight at once.
    pub fn window(&self, qos: Qos) -> usize {
        let default = match qos {
            Qos::ExactlyOnce => DEFAULT_QOS2_WINDOW,
            _ => DEFAULT_QOS1_WINDOW,
        };
        let wanted = self.config.max_inflight.map_or(default, usize::from);
        wanted.clamp(1, self.limits.receive_maximum.max(1))
    }

    /// Whether a message of this QoS can be accepted now without exceeding the in-flight window
    /// or the write buffer's high-water mark.
    pub fn can_publish(&self, qos: Qos) -> bool {
        let buffered = self.conn.as_ref().map_or(0, |c| c.out.len());
        self.outbox.len() < self.window(qos) && buffered < WRITE_HIGH_WATER
    }

    /// Messages not yet finished (waiting for an acknowledgement or a connection).
    pub fn pending(&self) -> usize {
        self.outbox.len()
    }

    /// True when every accepted message is finished and every byte written.
    pub fn is_idle(&self) -> bool {
        self.outbox.is_empty()
            && self
                .conn
                .as_ref()
                .is_none_or(|c| c.out.is_empty() && !c.needs_flush)
    }

    /// Accepts a message; it is written on the next `next_event`. Returns its packet id.
    pub fn publish(&mut self, message: OutMessage) -> Result<u16, ClientError> {
        if self.conn.is_none() {
            return self.hold(message);
        }
        if message.qos == Qos::AtMostOnce {
            self.write_publish(&message, 0, false)?;
            return Ok(0);
        }
        let pkid = self
            .outbox
            .push(message, Stage::Published)
            .ok_or_else(|| ClientError::Protocol("no free packet identifier".into()))?;
        let Some(entry) = self.outbox.find_mut(pkid) else {
            return Err(ClientError::Protocol("lost track of a message".into()));
        };
        let message = entry.message.clone();
        if let Err(e) = self.write_publish(&message, pkid, false) {
            self.outbox.complete(pkid);
            return Err(e);
        }
        Ok(pkid)
    }

    fn hold(&mut self, message: OutMessage) -> Result<u16, ClientError> {
        self.outbox
            .push(message, Stage::Unsent)
            .ok_or_else(|| ClientError::Protocol("no free packet identifier".into()))
    }

    fn write_publish(
        &mut self,
        message: &OutMessage,
        pkid: u16,
        dup: bool,
    ) -> Result<(), ClientError> {
        let version = self.config.version;
        let properties = self.config.properties.publish.as_ref();
        let max_packet = self.limits.maximum_packet_size;
        let id = &self.shown_id;
        let debug = self.config.debug;
        let Some(conn) = self.conn.as_mut() else {
            return Err(ClientError::ConnectionLost);
        };
        let uses_alias =
            version == MqttVersion::V5 && properties.is_some_and(|p| p.topic_alias.is_some());
        let topic: &str = if uses_alias && conn.alias_sent {
            ""
        } else {
            &message.topic
        };
        let header = wire::PublishHeader {
            topic,
            qos: message.qos,
            retain: message.retain,
            dup,
            pkid,
            properties,
        };
        wire::encode_publish_header(
            conn.out.staging(),
            &header,
            message.payload.len(),
            version,
            max_packet,
        )
        .map_err(|e| match e {
            wire::EncodeError::TooLarge { size, max } => ClientError::PayloadTooLarge(format!(
                "Error: Message of {size} bytes is larger than the broker's maximum packet size of {max} bytes."
            )),
            wire::EncodeError::Codec(text) => ClientError::Protocol(text),
        })?;
        conn.out.push_payload(&message.payload);
        conn.alias_sent |= uses_alias;
        if debug {
            eprintln!(
                "Client {id} sending PUBLISH (d{}, q{}, r{}, m{pkid}, '{}', ... ({} bytes))",
                u8::from(dup),
                message.qos.as_u8(),
                u8::from(message.retain),
                message.topic,
                message.payload.len()
            );
        }
        Ok(())
    }

    fn control_pkid(&mut self) -> u16 {
        // SUBSCRIBE/UNSUBSCRIBE ids come from the top of the range so they never collide
        // with the outbox's, which start at 1 and are rarely this high at the same time.
        let pkid = u16::MAX - (self.next_control_pkid % 1024);
        self.next_control_pkid = self.next_control_pkid.wrapping_add(1);
        pkid
    }

    /// Subscribes; the filters are remembered and subscribed again if a reconnect loses the
    /// session. Returns the packet id its SUBACK will carry.
    pub fn subscribe(&mut self, filters: Vec<SubscribeFilter>) -> Result<u16, ClientError> {
        let pkid = self.control_pkid();
        if self.conn.is_some() {
            self.write_subscribe(pkid, &filters)?;
        }
        self.subscriptions.push(Subscription { filters });
        Ok(pkid)
    }

    fn write_subscribe(
        &mut self,
        pkid: u16,
        filters: &[SubscribeFilter],
    ) -> Result<(), ClientError> {
        let version = self.config.version;
        let properties = self.config.properties.subscribe.clone();
        let id = &self.shown_id;
        let debug = self.config.debug;
        let Some(conn) = self.conn.as_mut() else {
            return Err(ClientError::ConnectionLost);
        };
        wire::encode_subscribe(conn.out.staging(), pkid, filters, properties, version)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        if debug {
            for f in filters {
                let options = (u8::from(f.no_local) << 2)
                    | (u8::from(f.retain_as_published) << 3)
                    | (f.retain_handling << 4);
                eprintln!(
                    "Client {id} sending SUBSCRIBE (Mid: {pkid}, Topic: {}, QoS: {}, Options: 0x{options:02x})",
                    f.filter,
                    f.qos.as_u8()
                );
            }
        }
        Ok(())
    }

    /// Unsubscribes from `filters`.
    pub fn unsubscribe(&mut self, filters: Vec<String>) -> Result<u16, ClientError> {
        let pkid = self.control_pkid();
        let version = self.config.version;
        let properties = self.config.properties.unsubscribe.clone();
        let id = &self.shown_id;
        let debug = self.config.debug;
        let Some(conn) = self.conn.as_mut() else {
            return Err(ClientError::ConnectionLost);
        };
        wire::encode_unsubscribe(conn.out.staging(), pkid, &filters, properties, version)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        if debug {
            for filter in &filters {
                eprintln!("Client {id} sending UNSUBSCRIBE (Mid: {pkid}, Topic: {filter})");
            }
        }
        Ok(pkid)
    }

    /// Writes what is queued and waits for the next thing the application must know.
    pub async fn next_event(&mut self) -> Result<Event, ClientError> {
        loop {
            if let Some(event) = self.events.pop_front() {
                return Ok(event);
            }
            if self.conn.is_none() {
                self.reconnect().await?;
                continue;
            }
            if let Err(cause) = self.drive().await {
                self.connection_failed(cause)?;
            }
        }
    }

    /// Decides what a failed connection means: an error for the caller, or an outage to ride out.
    fn connection_failed(&mut self, cause: ClientError) -> Result<(), ClientError> {
        self.conn = None;
        if self.closing || !cause.is_transient() {
            return Err(cause);
        }
        match self.reconnection.lost(Instant::now()) {
            Lost::Began => self.events.push_back(Event::Disconnected { cause }),
            Lost::Continued => {}
            // Reconnecting switched off keeps the cause; a give-up limit of zero is a give-up.
            Lost::GiveUp if !self.config.reconnect.enabled => return Err(cause),
            Lost::GiveUp => return Err(ClientError::ConnectionLost),
        }
        Ok(())
    }

    /// One reconnection attempt, after waiting out the backoff. Cancel-safe: dropped before
    /// it finishes, the attempt is simply made again on the next call.
    async fn reconnect(&mut self) -> Result<(), ClientError> {
        let Some(next_attempt) = self.reconnection.next_attempt() else {
            return Err(ClientError::ConnectionLost);
        };
        sleep_until(next_attempt).await;
        let limit = self.reconnection.attempt_limit(Instant::now());
        match open_session(&self.config, limit).await {
            Ok((conn, ack)) => {
                self.reconnection.restored(Instant::now());
                self.limits = BrokerLimits::from_connack(&ack);
                self.shown_id = shown_id(&self.config, Some(&ack));
                self.conn = Some(conn);
                self.restore(ack.session_present)?;
                self.events.push_back(Event::Reconnected {
                    session_present: ack.session_present,
                });
                Ok(())
            }
            Err(e) if !e.is_transient() => Err(e),
            Err(_) if self.reconnection.failed(Instant::now()) => Ok(()),
            Err(_) => Err(ClientError::ConnectionLost),
        }
    }

    /// Puts the session back after a reconnect: resends what is unfinished, resubscribes if the
    /// broker forgot us.
    fn restore(&mut self, session_present: bool) -> Result<(), ClientError> {
        if !session_present {
            self.incoming_qos2.clear();
            let subscriptions = std::mem::take(&mut self.subscriptions);
            for subscription in &subscriptions {
                let pkid = self.control_pkid();
                self.write_subscribe(pkid, &subscription.filters)?;
            }
            self.subscriptions = subscriptions;
        }
        let mut resend = Vec::new();
        for entry in self.outbox.iter_mut() {
            let action = match (entry.stage, session_present) {
                (Stage::Released, true) => Resend::Release,
                (Stage::Published, true) => Resend::Publish { dup: true },
                _ => Resend::Publish { dup: false },
            };
            entry.stage = match action {
                Resend::Release => Stage::Released,
                Resend::Publish { .. } => Stage::Published,
            };
            resend.push((entry.pkid, entry.message.clone(), action));
        }
        for (pkid, message, action) in resend {
            match action {
                Resend::Release => self.write_ack(Ack::PubRel, pkid),
                Resend::Publish { dup } => self.write_publish(&message, pkid, dup)?,
            }
        }
        self.outbox.forget_written_qos0();
        Ok(())
    }

    fn write_ack(&mut self, ack: Ack, pkid: u16) {
        let id = &self.shown_id;
        let debug = self.config.debug;
        if let Some(conn) = self.conn.as_mut() {
            wire::encode_ack(conn.out.staging(), ack, pkid);
            if debug {
                match ack {
                    Ack::PubAck => eprintln!("Client {id} sending PUBACK (m{pkid}, rc0)"),
                    Ack::PubRec => eprintln!("Client {id} sending PUBREC (m{pkid}, rc0)"),
                    Ack::PubRel => eprintln!("Client {id} sending PUBREL (m{pkid})"),
                    Ack::PubComp => eprintln!("Client {id} sending PUBCOMP (m{pkid})"),
                }
            }
        }
    }

    /// An event that is ready without waiting for the network: one already queued, or one
    /// from bytes already read. `None` means the next event needs I/O, so a caller that
    /// buffers output knows this is the moment to flush it.
    pub fn try_next_event(&mut self) -> Option<Result<Event, ClientError>> {
        if self.events.is_empty() && self.conn.is_some() {
            if let Err(cause) = self.process_buffered() {
                if let Err(fatal) = self.connection_failed(cause) {
                    return Some(Err(fatal));
                }
            }
        }
        self.events.pop_front().map(Ok)
    }

    /// Handles every whole packet already read. Returns whether there were any.
    fn process_buffered(&mut self) -> Result<bool, ClientError> {
        let version = self.config.version;
        let Some(conn) = self.conn.as_mut() else {
            return Ok(false);
        };
        let mut packets = Vec::new();
        while let Some(packet) = wire::decode(&mut conn.inbuf, version, usize::MAX)
            .map_err(|e| ClientError::Malformed(e.to_string()))?
        {
            packets.push(packet);
        }
        if packets.is_empty() {
            return Ok(false);
        }
        conn.last_in = Instant::now();
        conn.ping_sent = None;
        for packet in packets {
            self.handle(packet)?;
        }
        Ok(true)
    }

    /// One round of I/O on the open connection.
    async fn drive(&mut self) -> Result<(), ClientError> {
        let keepalive = self.config.keepalive;
        if self.process_buffered()? {
            return Ok(());
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err(ClientError::ConnectionLost);
        };
        let deadline = keepalive_deadline(conn, keepalive);
        let wants_write = !conn.out.is_empty();
        let wants_flush = conn.needs_flush && !wants_write;
        let missing = wire::bytes_missing(&conn.inbuf);
        conn.inbuf.reserve(missing.max(READ_CHUNK));
        tokio::select! {
            read = conn.reader.read_buf(&mut conn.inbuf) => {
                match read {
                    Ok(0) => return Err(ClientError::ConnectionLost),
                    Ok(_) => {}
                    Err(e) => return Err(ClientError::from_io(&e)),
                }
            }
            progress = write_or_flush(&mut conn.out, &mut conn.writer), if wants_write || wants_flush => {
                let wrote = progress.map_err(|e| ClientError::from_io(&e))?;
                if wrote {
                    conn.last_out = Instant::now();
                    conn.needs_flush = true;
                    self.outbox.forget_written_qos0();
                } else {
                    conn.needs_flush = false;
                    if self.outbox.is_empty() {
                        self.events.push_back(Event::Idle);
                    }
                }
            }
            _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                self.keepalive_due()?;
            }
        }
        Ok(())
    }

    fn keepalive_due(&mut self) -> Result<(), ClientError> {
        let id = &self.shown_id;
        let debug = self.config.debug;
        let Some(conn) = self.conn.as_mut() else {
            return Ok(());
        };
        if conn.ping_sent.is_some() {
            return Err(ClientError::Keepalive);
        }
        wire::encode_pingreq(conn.out.staging());
        conn.ping_sent = Some(Instant::now());
        if debug {
            eprintln!("Client {id} sending PINGREQ");
        }
        Ok(())
    }

    /// Reacts to one packet from the broker.
    fn handle(&mut self, packet: Inbound) -> Result<(), ClientError> {
        let id = self.shown_id.clone();
        let debug = self.config.debug;
        match packet {
            Inbound::Publish(message) => {
                if debug {
                    eprintln!(
                        "Client {id} received PUBLISH (d{}, q{}, r{}, m{}, '{}', ... ({} bytes))",
                        u8::from(message.dup),
                        message.qos.as_u8(),
                        u8::from(message.retain),
                        message.pkid,
                        message.topic,
                        message.payload.len()
                    );
                }
                match message.qos {
                    Qos::AtMostOnce => self.events.push_back(Event::Message(message)),
                    Qos::AtLeastOnce => {
                        self.write_ack(Ack::PubAck, message.pkid);
                        self.events.push_back(Event::Message(message));
                    }
                    Qos::ExactlyOnce => {
                        let pkid = message.pkid;
                        if self.incoming_qos2.insert(pkid) {
                            self.events.push_back(Event::Message(message));
                        }
                        self.write_ack(Ack::PubRec, pkid);
                    }
                }
            }
            Inbound::PubAck {
                pkid,
                reason,
                reason_string,
            } => {
                if debug {
                    eprintln!("Client {id} received PUBACK (Mid: {pkid}, RC:{reason})");
                }
                if self.outbox.complete(pkid).is_some() {
                    self.events.push_back(Event::Delivered {
                        pkid,
                        reason,
                        reason_string,
                    });
                }
            }
            Inbound::PubRec {
                pkid,
                reason,
                reason_string,
            } => {
                if debug {
                    eprintln!("Client {id} received PUBREC (Mid: {pkid})");
                }
                if reason >= 0x80 {
                    if self.outbox.complete(pkid).is_some() {
                        self.events.push_back(Event::Delivered {
                            pkid,
                            reason,
                            reason_string,
                        });
                    }
                } else {
                    if let Some(entry) = self.outbox.find_mut(pkid) {
                        entry.stage = Stage::Released;
                    }
                    self.write_ack(Ack::PubRel, pkid);
                }
            }
            Inbound::PubComp { pkid, reason } => {
                if debug {
                    eprintln!("Client {id} received PUBCOMP (Mid: {pkid}, RC:{reason})");
                }
                if self.outbox.complete(pkid).is_some() {
                    self.events.push_back(Event::Delivered {
                        pkid,
                        reason,
                        reason_string: None,
                    });
                }
            }
            Inbound::PubRel { pkid } => {
                if debug {
                    eprintln!("Client {id} received PUBREL (Mid: {pkid})");
                }
                self.incoming_qos2.remove(&pkid);
                self.write_ack(Ack::PubComp, pkid);
            }
            Inbound::SubAck { pkid, codes } => {
                if debug {
                    eprintln!("Client {id} received SUBACK");
                }
                self.events.push_back(Event::SubAck { pkid, codes });
            }
            Inbound::UnsubAck { pkid, .. } => {
                if debug {
                    eprintln!("Client {id} received UNSUBACK");
                }
                self.events.push_back(Event::UnsubAck { pkid });
            }
            Inbound::PingResp => {
                if debug {
                    eprintln!("Client {id} received PINGRESP");
                }
            }
            Inbound::Disconnect {
                reason,
                reason_string,
            } => {
                if debug {
                    eprintln!("Received DISCONNECT ({reason})");
                }
                let text =
                    reason_string.unwrap_or_else(|| reason::reason_string(reason).to_string());
                return Err(if reason == 0x8B {
                    ClientError::DisconnectedByBroker(text)
                } else {
                    ClientError::Protocol(text)
                });
            }
            Inbound::ConnAck(_) => {
                return Err(ClientError::Protocol("unexpected CONNACK".into()));
            }
            Inbound::Unexpected(kind) => {
                return Err(ClientError::Protocol(format!(
                    "unexpected packet of type {kind}"
                )));
            }
        }
        Ok(())
    }

    /// Sends DISCONNECT (with the `-D disconnect` properties) behind everything queued, writes it
    /// all out within a bounded time, and closes the connection. No will is published.
    pub async fn disconnect(&mut self) -> Result<(), ClientError> {
        self.closing = true;
        let version = self.config.version;
        let properties = self.config.properties.disconnect.clone();
        let id = &self.shown_id;
        let debug = self.config.debug;
        let Some(mut conn) = self.conn.take() else {
            return Ok(());
        };
        wire::encode_disconnect(conn.out.staging(), properties, version)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        if debug {
            eprintln!("Client {id} sending DISCONNECT");
        }
        let finish = async {
            while !conn.out.is_empty() {
                conn.out.write_some(&mut conn.writer).await?;
            }
            conn.writer.flush().await?;
            conn.writer.shutdown().await
        };
        match timeout(DISCONNECT_TIMEOUT, finish).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(ClientError::from_io(&e)),
            Err(_) => Err(ClientError::ConnectionLost),
        }
    }
}

/// Writes some of what is queued, or flushes once everything is written. Returns whether it
/// wrote. Cancel-safe, like the two calls it makes.
async fn write_or_flush(out: &mut OutBuf, writer: &mut WriteHalf<Stream>) -> std::io::Result<bool> {
    if out.is_empty() {
        writer.flush().await?;
        Ok(false)
    } else {
        out.write_some(writer).await?;
        Ok(true)
    }
}

/// How a held message goes out again after a reconnect.
enum Resend {
    Publish { dup: bool },
    Release,
}

/// When the keepalive next needs attention: a PINGREQ after `keepalive` seconds of silence in
/// either direction, or giving up on a PINGRESP half a keepalive later.
fn keepalive_deadline(conn: &Connection, keepalive: u16) -> Option<Instant> {
    if keepalive == 0 {
        return None;
    }
    let period = Duration::from_secs(u64::from(keepalive));
    Some(match conn.ping_sent {
        Some(sent) => sent + period / 2,
        None => conn.last_in.min(conn.last_out) + period,
    })
}

/// The client id `-d` lines show: the one the broker assigned (MQTT 5), else ours, else "null"
/// when the broker assigns one it does not tell (mosquitto prints its missing id that way).
fn shown_id(config: &ConnectionConfig, ack: Option<&ConnAck>) -> String {
    let assigned = ack
        .and_then(|a| a.properties.as_ref())
        .and_then(|p| p.assigned_client_identifier.clone());
    match assigned {
        Some(id) => id,
        None if config.client_id.is_empty() => "null".to_string(),
        None => config.client_id.clone(),
    }
}

/// Opens a stream and completes CONNECT/CONNACK within the connect timeout (a keepalive's worth
/// at most, so a broker that accepts but never answers is given up on as a silent one would
/// be), and within `limit` when the reconnection policy sets one.
async fn open_session(
    config: &ConnectionConfig,
    limit: Option<Duration>,
) -> Result<(Connection, ConnAck), ClientError> {
    let keepalive = match config.keepalive {
        0 => CONNECT_TIMEOUT,
        k => Duration::from_secs(u64::from(k)),
    };
    let limit = CONNECT_TIMEOUT
        .min(keepalive)
        .min(limit.unwrap_or(CONNECT_TIMEOUT));
    timeout(limit, handshake(config))
        .await
        .map_err(|_| ClientError::ConnectTimeout)?
}

async fn handshake(config: &ConnectionConfig) -> Result<(Connection, ConnAck), ClientError> {
    let stream = transport::open(config).await?;
    let (reader, writer) = tokio::io::split(stream);
    let now = Instant::now();
    let mut conn = Connection {
        reader,
        writer,
        inbuf: BytesMut::with_capacity(READ_CHUNK),
        out: OutBuf::default(),
        needs_flush: false,
        last_in: now,
        last_out: now,
        ping_sent: None,
        alias_sent: false,
    };
    let props = &config.properties;
    let mut connect_properties = props.connect.clone();
    if let Some(expiry) = config.session_expiry {
        connect_properties
            .get_or_insert_with(rumqttc::v5::mqttbytes::v5::ConnectProperties::new)
            .session_expiry_interval = Some(expiry);
    }
    let packet = wire::ConnectPacket {
        client_id: &config.client_id,
        clean_start: config.clean_start,
        keepalive: config.keepalive,
        username: config.username.as_deref(),
        password: config.password.as_deref(),
        will: config.will.as_ref(),
        properties: connect_properties,
        will_properties: props.will.clone(),
    };
    wire::encode_connect(conn.out.staging(), &packet, config.version)
        .map_err(|e| ClientError::Protocol(e.to_string()))?;
    if config.debug {
        eprintln!("Client {} sending CONNECT", shown_id(config, None));
    }
    let io = |e: std::io::Error| ClientError::from_io(&e);
    while !conn.out.is_empty() {
        conn.out.write_some(&mut conn.writer).await.map_err(io)?;
    }
    conn.writer.flush().await.map_err(io)?;
    loop {
        match wire::decode(&mut conn.inbuf, config.version, usize::MAX) {
            Ok(Some(Inbound::ConnAck(ack))) => {
                if config.debug {
                    // Before CONNACK an empty 3.1.1 id prints as C's "(null)", as mosquitto's does.
                    let id = match shown_id(config, Some(&ack)).as_str() {
                        "null" => "(null)".to_string(),
                        id => id.to_string(),
                    };
                    eprintln!("Client {id} received CONNACK ({})", ack.code);
                }
                if ack.code != 0 {
                    return Err(refusal(config.version, ack.code));
                }
                return Ok((conn, ack));
            }
            Ok(Some(_)) => {
                return Err(ClientError::Protocol(
                    "the broker sent another packet before CONNACK".into(),
                ))
            }
            Ok(None) => {}
            Err(e) => return Err(ClientError::Malformed(e.to_string())),
        }
        let missing = wire::bytes_missing(&conn.inbuf);
        conn.inbuf.reserve(missing.max(READ_CHUNK));
        if conn.reader.read_buf(&mut conn.inbuf).await.map_err(io)? == 0 {
            return Err(ClientError::ConnectionLost);
        }
    }
}

/// The error for a CONNACK that says no, worded as mosquitto 2.1's clients word it.
fn refusal(version: MqttVersion, code: u8) -> ClientError {
    match version {
        MqttVersion::V311 => ClientError::Refused {
            code,
            reason: reason::connack_string(code).to_string(),
            followup: "Error: The connection was refused",
        },
        MqttVersion::V5 => {
            let hint = if code == reason::rc::UNSUPPORTED_PROTOCOL_VERSION {
                ". Try connecting to an MQTT v5 broker, or use MQTT v3.x mode."
            } else {
                ""
            };
            ClientError::Refused {
                code,
                reason: format!("{}{hint}", reason::reason_string(code)),
                followup:
                    "Error: A network protocol error occurred when communicating with the broker",
            }
        }
    }
}

/// Builds the message the binaries publish, sharing one topic allocation across messages.
pub fn message(topic: &Arc<str>, payload: bytes::Bytes, qos: Qos, retain: bool) -> OutMessage {
    OutMessage {
        topic: Arc::clone(topic),
        payload,
        qos,
        retain,
    }
}
