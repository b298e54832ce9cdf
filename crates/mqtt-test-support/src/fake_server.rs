//! A deliberately broken MQTT server, for testing how the clients cope with a server that lies,
//! stalls or talks nonsense.
//!
//! The server listens on a free loopback port and runs a script per accepted connection: receive
//! the client's next packet, send given bytes, close, or keep the connection open while ignoring
//! everything. Connections beyond the scripts given repeat the last script, so a client that
//! reconnects meets the same behaviour again. Every packet a client sends is recorded, per
//! connection, for the test to inspect. [`scripts`] holds the misbehaviours the clients are
//! tested against; [`check_cases`] and [`check_silence_detected`] run a client against them and
//! check how it ends.
//!
//! Rules: loopback only; every wait is bounded (a client that never sends its packet is given up
//! on after [`RECEIVE_LIMIT`]); dropping the server stops its threads and closes every connection
//! within a fraction of a second. Failures to start panic, as this is test code.

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::run::{command, Input, Running};

/// How long a `Receive` step waits for the client's packet.
pub const RECEIVE_LIMIT: Duration = Duration::from_secs(30);

/// How often blocked threads look at the stop flag.
const POLL: Duration = Duration::from_millis(20);

/// One thing the server does on a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Wait for the client's next whole packet (CONNECT, SUBSCRIBE, PUBLISH...).
    Receive,
    /// Send these bytes.
    Send(Vec<u8>),
    /// Answer the last packet received, a SUBSCRIBE, with a SUBACK granting QoS 0 to one filter.
    SubAck(Protocol),
    /// Close the connection (also what happens after the last step).
    Close,
    /// Keep the connection open, read and record whatever comes, never answer (PINGREQ
    /// included), until the client closes it or the server is dropped.
    Ignore,
}

/// The MQTT version the server pretends to speak; it decides the shape of CONNACK and SUBACK.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    V311,
    V5,
}

impl Protocol {
    /// The client options that select this version (mosquitto's clients default to 3.1.1).
    pub fn client_args(self) -> &'static [&'static str] {
        match self {
            Protocol::V311 => &[],
            Protocol::V5 => &["-V", "mqttv5"],
        }
    }
}

/// The steps for one connection.
pub type Script = Vec<Step>;

/// Packets as a server would send them.
pub mod packets {
    use super::Protocol;

    /// A CONNACK without session with this return code (3.1.1) or reason code (MQTT 5, with an
    /// empty property list).
    pub fn connack(protocol: Protocol, code: u8) -> Vec<u8> {
        match protocol {
            Protocol::V311 => vec![0x20, 2, 0, code],
            Protocol::V5 => vec![0x20, 3, 0, code, 0],
        }
    }

    /// A QoS 0 PUBLISH whose topic is the given bytes, valid UTF-8 or not.
    pub fn publish(protocol: Protocol, topic: &[u8], payload: &[u8]) -> Vec<u8> {
        let mut body = Vec::new();
        let topic_len = u16::try_from(topic.len()).unwrap_or(u16::MAX);
        body.extend_from_slice(&topic_len.to_be_bytes());
        body.extend_from_slice(topic);
        if protocol == Protocol::V5 {
            body.push(0);
        }
        body.extend_from_slice(payload);
        let mut packet = vec![0x30];
        packet.extend(remaining_length(body.len()));
        packet.extend(body);
        packet
    }

    /// The variable byte integer MQTT uses for lengths.
    pub fn remaining_length(mut value: usize) -> Vec<u8> {
        let mut out = Vec::new();
        loop {
            let mut byte = (value % 128) as u8;
            value /= 128;
            if value > 0 {
                byte |= 0x80;
            }
            out.push(byte);
            if value == 0 {
                return out;
            }
        }
    }

    /// The packet type (upper four bits of the first byte) of a recorded packet.
    pub fn packet_type(packet: &[u8]) -> Option<u8> {
        packet.first().map(|byte| byte >> 4)
    }

    pub const PINGREQ: u8 = 12;
    pub const CONNECT: u8 = 1;
    pub const PUBLISH: u8 = 3;
    pub const SUBSCRIBE: u8 = 8;
}

/// The misbehaviours the clients are tested against, as scripts.
pub mod scripts {
    use super::packets::{connack, publish, remaining_length};
    use super::{Protocol, Script, Step};

    /// What an HTTP server answers to a CONNECT packet.
    pub const HTTP_ANSWER: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";

    /// Bytes that are not MQTT in place of CONNACK, and the connection left open.
    pub fn garbage_instead_of_connack() -> Script {
        vec![
            Step::Receive,
            Step::Send(HTTP_ANSWER.to_vec()),
            Step::Ignore,
        ]
    }

    /// A CONNACK with this code.
    pub fn connack_with_code(protocol: Protocol, code: u8) -> Script {
        vec![
            Step::Receive,
            Step::Send(connack(protocol, code)),
            Step::Ignore,
        ]
    }

    /// A fixed header whose remaining length has five bytes, one more than MQTT allows.
    pub fn overlong_remaining_length() -> Script {
        let header = vec![0x20, 0xff, 0xff, 0xff, 0xff, 0x01];
        vec![Step::Receive, Step::Send(header), Step::Ignore]
    }

    /// A CONNACK declaring the largest remaining length MQTT can express, then two bytes of it
    /// and silence.
    pub fn huge_connack_never_sent() -> Script {
        let mut header = vec![0x20];
        header.extend(remaining_length(268_435_455));
        header.extend([0, 0]);
        vec![Step::Receive, Step::Send(header), Step::Ignore]
    }

    /// The first half of a CONNACK, then silence.
    pub fn half_connack(protocol: Protocol) -> Script {
        let whole = connack(protocol, 0);
        let half = whole[..whole.len() / 2 + 1].to_vec();
        vec![Step::Receive, Step::Send(half), Step::Ignore]
    }

    /// The connection closed right after CONNECT arrived.
    pub fn close_after_connect() -> Script {
        vec![Step::Receive, Step::Close]
    }

    /// CONNECT is read and never answered.
    pub fn never_answers() -> Script {
        vec![Step::Ignore]
    }

    /// A PINGRESP where CONNACK belongs.
    pub fn pingresp_before_connack() -> Script {
        vec![Step::Receive, Step::Send(vec![0xd0, 0]), Step::Ignore]
    }

    /// A session up to the client's first packet after CONNACK: the PUBLISH of a publisher (at
    /// QoS 1 or 2, so it waits for an answer) or the SUBSCRIBE of a subscriber, which gets its
    /// SUBACK.
    pub fn connected(protocol: Protocol, subscriber: bool) -> Script {
        let mut script = vec![
            Step::Receive,
            Step::Send(connack(protocol, 0)),
            Step::Receive,
        ];
        if subscriber {
            script.push(Step::SubAck(protocol));
        }
        script
    }

    /// A connected session that then ignores everything, PINGREQ included.
    pub fn ignores_pingreq(protocol: Protocol, subscriber: bool) -> Script {
        let mut script = connected(protocol, subscriber);
        script.push(Step::Ignore);
        script
    }

    /// A connected session that then starts a PUBLISH declaring the largest remaining length,
    /// sends a few bytes of it and falls silent.
    pub fn huge_publish_never_sent(protocol: Protocol, subscriber: bool) -> Script {
        let mut header = vec![0x30];
        header.extend(remaining_length(268_435_455));
        header.extend([0, 1, b't']);
        let mut script = connected(protocol, subscriber);
        script.extend([Step::Send(header), Step::Ignore]);
        script
    }

    /// A connected session that then sends bytes that are not MQTT.
    pub fn garbage_after_connack(protocol: Protocol, subscriber: bool) -> Script {
        let mut script = connected(protocol, subscriber);
        script.extend([Step::Send(HTTP_ANSWER.to_vec()), Step::Ignore]);
        script
    }

    /// A subscriber's session that then delivers a message whose topic is not UTF-8.
    pub fn invalid_utf8_topic(protocol: Protocol) -> Script {
        let mut script = connected(protocol, true);
        script.extend([
            Step::Send(publish(protocol, b"bad/\xff\xfe", b"payload")),
            Step::Ignore,
        ]);
        script
    }
}

/// A client run against a fake server, and how it must end.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// The script for every connection the client makes.
    pub script: Script,
    /// The client's arguments after `-h 127.0.0.1 -p PORT`.
    pub args: Vec<String>,
    pub exit_code: i32,
    /// All the client may print on standard error.
    pub stderr: String,
}

/// Runs every case at the same time, each against a server of its own, and checks that each
/// client ended by itself within `bound`, with its exit code, exactly its standard error (so
/// one clear message and no panic text) and nothing on standard output.
///
/// Panics with every case that failed (test code).
pub fn check_cases(program: &Path, cases: &[Case], bound: Duration) {
    let mut runs: Vec<(FakeServer, Running, Instant)> = cases
        .iter()
        .map(|case| {
            let server = FakeServer::with_script(case.script.clone());
            let mut cmd = command(program);
            cmd.args(["-h", "127.0.0.1", "-p", &server.port().to_string()])
                .args(&case.args);
            (
                server,
                Running::spawn(&mut cmd, Input::Null),
                Instant::now(),
            )
        })
        .collect();
    let mut ended: Vec<Option<Duration>> = vec![None; runs.len()];
    let give_up = Instant::now() + bound + bound;
    while ended.iter().any(Option::is_none) && Instant::now() < give_up {
        for ((_, running, started), end) in runs.iter_mut().zip(ended.iter_mut()) {
            if end.is_none() && running.try_exit().is_some() {
                *end = Some(started.elapsed());
            }
        }
        thread::sleep(POLL);
    }
    let mut failures = Vec::new();
    for ((case, (_server, mut running, _)), end) in cases.iter().zip(runs).zip(ended) {
        let out = running.wait(Duration::ZERO);
        let problem = match end {
            None => Some("did not end".to_string()),
            Some(took) if took > bound => Some(format!("took {took:?}, more than {bound:?}")),
            Some(_) if out.code() != Some(case.exit_code) => Some(format!(
                "exit code {:?} instead of {}",
                out.code(),
                case.exit_code
            )),
            Some(_) if out.stderr_text() != case.stderr => {
                Some(format!("standard error is not {:?}", case.stderr))
            }
            Some(_) if !out.stdout.is_empty() => Some("printed on standard output".to_string()),
            Some(_) => None,
        };
        if let Some(problem) = problem {
            failures.push(format!("{}: {problem}\n{out}", case.name));
        }
    }
    if !failures.is_empty() {
        panic!("{}", failures.join("\n\n"));
    }
}

/// Runs the client (`-h 127.0.0.1 -p PORT -k <keepalive> ARGS`) against servers that accept the
/// session and then fall silent (`script`, for every connection), and checks that it notices
/// within one and a half keepalives with one line on standard error that names the keepalive,
/// after sending PINGREQ; that it then reconnects; and that SIGTERM ends it within a few seconds
/// with `exit_code`, without panic text.
///
/// Panics with what went wrong (test code).
pub fn check_silence_detected(
    program: &Path,
    args: &[&str],
    script: Script,
    keepalive: u16,
    exit_code: i32,
) {
    let server = FakeServer::with_script(script);
    let mut cmd = command(program);
    cmd.args(["-h", "127.0.0.1", "-p", &server.port().to_string()])
        .args(["-k", &keepalive.to_string()])
        .args(args);
    let started = Instant::now();
    let mut client = Running::spawn(&mut cmd, Input::Null);
    // The session comes up at once; the keepalive is then 1.5 x keepalive plus scheduling slack.
    let allowed = Duration::from_millis(1500 * u64::from(keepalive)) + Duration::from_secs(3);
    let noticed = client.wait_for_stderr("keepalive", allowed + Duration::from_secs(5));
    let took = started.elapsed();
    let pinged = server.wait_for_packet(0, packets::PINGREQ, Duration::ZERO);
    let reconnected = noticed && server_reconnected(&server);
    client.signal(crate::signal::SIGTERM);
    let out = client.wait(Duration::from_secs(15));
    let stderr = out.stderr_text();
    let first_line = stderr.lines().next().unwrap_or_default();
    let problem = if !noticed {
        Some("the silence was never reported".to_string())
    } else if took > allowed {
        Some(format!(
            "the silence was reported after {took:?}, more than {allowed:?}"
        ))
    } else if !first_line.contains("keepalive") {
        Some("the first line does not name the keepalive".to_string())
    } else if !pinged {
        Some("no PINGREQ reached the server".to_string())
    } else if !reconnected {
        Some("the client did not reconnect".to_string())
    } else if out.timed_out || out.code() != Some(exit_code) {
        Some(format!("SIGTERM did not end it with exit code {exit_code}"))
    } else if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        Some("panic text on standard error".to_string())
    } else {
        None
    };
    if let Some(problem) = problem {
        panic!("{problem}\n{out}");
    }
}

/// Whether a second connection brought a CONNECT within a few seconds.
fn server_reconnected(server: &FakeServer) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.connections() < 2 && Instant::now() < deadline {
        thread::sleep(POLL);
    }
    let left = deadline.saturating_duration_since(Instant::now());
    server.wait_for_packet(1, packets::CONNECT, left)
}

/// Packets received so far, one list per accepted connection.
type Received = Arc<Mutex<Vec<Vec<Vec<u8>>>>>;

/// A running fake server; dropping it shuts it down.
#[derive(Debug)]
pub struct FakeServer {
    port: u16,
    stop: Arc<AtomicBool>,
    received: Received,
    acceptor: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Listens on a free loopback port; the n-th connection runs `scripts[n]` (the last script
    /// for every later one).
    ///
    /// Panics if `scripts` is empty or the port cannot be opened (test code).
    pub fn start(scripts: Vec<Script>) -> FakeServer {
        assert!(
            !scripts.is_empty(),
            "a fake server needs at least one script"
        );
        let listener = match TcpListener::bind((Ipv4Addr::LOCALHOST, 0)) {
            Ok(listener) => listener,
            Err(error) => panic!("cannot listen on 127.0.0.1: {error}"),
        };
        let port = match listener.local_addr() {
            Ok(address) => address.port(),
            Err(error) => panic!("cannot read the fake server's address: {error}"),
        };
        if let Err(error) = listener.set_nonblocking(true) {
            panic!("cannot make the fake server's listener non-blocking: {error}");
        }
        let stop = Arc::new(AtomicBool::new(false));
        let received: Received = Arc::default();
        let acceptor = {
            let stop = Arc::clone(&stop);
            let received = Arc::clone(&received);
            thread::spawn(move || accept_loop(&listener, &scripts, &stop, &received))
        };
        FakeServer {
            port,
            stop,
            received,
            acceptor: Some(acceptor),
        }
    }

    /// One script for every connection.
    pub fn with_script(script: Script) -> FakeServer {
        FakeServer::start(vec![script])
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> usize {
        lock(&self.received).len()
    }

    /// The packets received on connection `index` (0 is the first), whole, in order.
    pub fn packets(&self, index: usize) -> Vec<Vec<u8>> {
        lock(&self.received).get(index).cloned().unwrap_or_default()
    }

    /// Waits until connection `index` has received a packet of `packet_type`; returns whether
    /// it did within `timeout`.
    pub fn wait_for_packet(&self, index: usize, packet_type: u8, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self
                .packets(index)
                .iter()
                .any(|packet| packets::packet_type(packet) == Some(packet_type));
            if seen {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            thread::sleep(POLL);
        }
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// A panic in a connection thread must not hide what was recorded.
fn lock(received: &Received) -> MutexGuard<'_, Vec<Vec<Vec<u8>>>> {
    received.lock().unwrap_or_else(PoisonError::into_inner)
}

fn accept_loop(
    listener: &TcpListener,
    scripts: &[Script],
    stop: &Arc<AtomicBool>,
    received: &Received,
) {
    let mut handlers = Vec::new();
    while !stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let index = {
                    let mut all = lock(received);
                    all.push(Vec::new());
                    all.len() - 1
                };
                let script = scripts
                    .get(index)
                    .or_else(|| scripts.last())
                    .cloned()
                    .unwrap_or_default();
                let mut connection = Connection {
                    stream,
                    index,
                    pending: Vec::new(),
                    stop: Arc::clone(stop),
                    received: Arc::clone(received),
                };
                handlers.push(thread::spawn(move || connection.run(&script)));
            }
            Err(error) if error.kind() == ErrorKind::WouldBlock => thread::sleep(POLL),
            Err(_) => thread::sleep(POLL),
        }
    }
    for handler in handlers {
        let _ = handler.join();
    }
}

/// One accepted connection and the bytes read from it that do not form a whole packet yet.
struct Connection {
    stream: TcpStream,
    index: usize,
    pending: Vec<u8>,
    stop: Arc<AtomicBool>,
    received: Received,
}

/// What reading from the client gave.
enum Reading {
    Data,
    /// Nothing within one poll interval.
    Idle,
    /// The client closed the connection, or the server is stopping.
    Gone,
}

impl Connection {
    fn run(&mut self, script: &[Step]) {
        if self.stream.set_read_timeout(Some(POLL)).is_err() {
            return;
        }
        let mut last_packet: Option<Vec<u8>> = None;
        for step in script {
            let carry_on = match step {
                Step::Receive => match self.receive() {
                    Some(packet) => {
                        last_packet = Some(packet);
                        true
                    }
                    None => false,
                },
                Step::Send(bytes) => self.stream.write_all(bytes).is_ok(),
                Step::SubAck(protocol) => {
                    let pkid = last_packet
                        .as_deref()
                        .and_then(subscribe_packet_id)
                        .unwrap_or(1);
                    self.stream.write_all(&suback(*protocol, pkid)).is_ok()
                }
                Step::Close => false,
                Step::Ignore => {
                    while !matches!(self.read_some(), Reading::Gone) {}
                    false
                }
            };
            if !carry_on {
                break;
            }
        }
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// The client's next whole packet; `None` if it went away or took too long.
    fn receive(&mut self) -> Option<Vec<u8>> {
        let deadline = Instant::now() + RECEIVE_LIMIT;
        let already = self.recorded();
        loop {
            if self.recorded() > already {
                return lock(&self.received)
                    .get(self.index)
                    .and_then(|packets| packets.get(already).cloned());
            }
            if Instant::now() >= deadline {
                return None;
            }
            if let Reading::Gone = self.read_some() {
                return None;
            }
        }
    }

    fn recorded(&self) -> usize {
        lock(&self.received).get(self.index).map_or(0, Vec::len)
    }

    /// Reads what is there (waiting at most one poll interval) and records every packet it
    /// completes.
    fn read_some(&mut self) -> Reading {
        if self.stop.load(Ordering::SeqCst) {
            return Reading::Gone;
        }
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => Reading::Gone,
            Ok(n) => {
                self.pending.extend_from_slice(&chunk[..n]);
                while let Some(size) = frame_size(&self.pending) {
                    let packet: Vec<u8> = self.pending.drain(..size).collect();
                    if let Some(packets) = lock(&self.received).get_mut(self.index) {
                        packets.push(packet);
                    }
                }
                Reading::Data
            }
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                Reading::Idle
            }
            Err(error) if error.kind() == ErrorKind::Interrupted => Reading::Idle,
            Err(_) => Reading::Gone,
        }
    }
}

/// The size of the whole packet at the start of `buf`, once all of it is there.
fn frame_size(buf: &[u8]) -> Option<usize> {
    let mut remaining = 0usize;
    for i in 0..4 {
        let byte = *buf.get(1 + i)?;
        remaining |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            let size = 2 + i + remaining;
            return (buf.len() >= size).then_some(size);
        }
    }
    // Not MQTT framing: take everything, so the recording goes on.
    Some(buf.len())
}

/// The packet identifier of a recorded SUBSCRIBE.
fn subscribe_packet_id(packet: &[u8]) -> Option<u16> {
    if packets::packet_type(packet) != Some(packets::SUBSCRIBE) {
        return None;
    }
    let header = 1 + packet[1..].iter().position(|byte| byte & 0x80 == 0)? + 1;
    let id = packet.get(header..header + 2)?;
    Some(u16::from_be_bytes([id[0], id[1]]))
}

fn suback(protocol: Protocol, pkid: u16) -> Vec<u8> {
    let [high, low] = pkid.to_be_bytes();
    match protocol {
        Protocol::V311 => vec![0x90, 3, high, low, 0],
        Protocol::V5 => vec![0x90, 4, high, low, 0, 0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connect_to(server: &FakeServer) -> TcpStream {
        let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, server.port())).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    }

    /// A minimal 3.1.1 CONNECT, client id "t".
    const CONNECT: [u8; 15] = [
        0x10, 13, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b't',
    ];

    #[test]
    fn scripts_run_per_connection_and_the_last_repeats() {
        let server = FakeServer::start(vec![
            vec![Step::Receive, Step::Send(vec![1, 2, 3])],
            vec![Step::Receive, Step::Send(vec![4])],
        ]);
        for expected in [&[1u8, 2, 3][..], &[4], &[4]] {
            let mut stream = connect_to(&server);
            stream.write_all(&CONNECT).unwrap();
            let mut answer = Vec::new();
            stream.read_to_end(&mut answer).unwrap();
            assert_eq!(answer, expected);
        }
        assert_eq!(server.connections(), 3);
        assert_eq!(server.packets(1), [CONNECT.to_vec()]);
    }

    #[test]
    fn ignored_packets_are_recorded_and_split() {
        let server = FakeServer::with_script(vec![Step::Ignore]);
        let mut stream = connect_to(&server);
        let mut bytes = CONNECT.to_vec();
        bytes.extend_from_slice(&[0xc0, 0]);
        // Split mid-packet: the recording must still see two whole packets.
        stream.write_all(&bytes[..5]).unwrap();
        thread::sleep(Duration::from_millis(50));
        stream.write_all(&bytes[5..]).unwrap();
        assert!(server.wait_for_packet(0, packets::PINGREQ, Duration::from_secs(10)));
        assert_eq!(server.packets(0), [CONNECT.to_vec(), vec![0xc0, 0]]);
    }

    #[test]
    fn suback_answers_the_subscribe_packet_id() {
        let server = FakeServer::with_script(vec![Step::Receive, Step::SubAck(Protocol::V5)]);
        let mut stream = connect_to(&server);
        stream
            .write_all(&[0x82, 7, 0x12, 0x34, 0, 1, b'a', 0, 0])
            .unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        assert_eq!(answer, [0x90, 4, 0x12, 0x34, 0, 0]);
    }

    #[test]
    fn dropping_the_server_ends_ignoring_connections() {
        let server = FakeServer::with_script(vec![Step::Ignore]);
        let mut stream = connect_to(&server);
        let started = Instant::now();
        drop(server);
        let mut rest = Vec::new();
        assert_eq!(stream.read_to_end(&mut rest).unwrap_or(0), 0);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn packet_builders() {
        let cases: &[(Vec<u8>, &[u8])] = &[
            (packets::connack(Protocol::V311, 5), &[0x20, 2, 0, 5]),
            (packets::connack(Protocol::V5, 0x87), &[0x20, 3, 0, 0x87, 0]),
            (
                packets::publish(Protocol::V311, b"a\xff", b"x"),
                &[0x30, 5, 0, 2, b'a', 0xff, b'x'],
            ),
            (
                packets::publish(Protocol::V5, b"t", b""),
                &[0x30, 4, 0, 1, b't', 0],
            ),
            (
                packets::remaining_length(268_435_455),
                &[0xff, 0xff, 0xff, 0x7f],
            ),
            (packets::remaining_length(0), &[0]),
        ];
        for (built, expected) in cases {
            assert_eq!(built.as_slice(), *expected);
        }
    }
}
