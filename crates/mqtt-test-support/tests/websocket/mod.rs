//! A minimal MQTT 3.1.1 client over websockets, only to prove the broker's websockets listener
//! works: handshake, masked binary frames out, unmasked frames in; QoS 0 only; short topics and
//! payloads (one-byte remaining lengths). Every read has a timeout.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);

pub struct Client {
    stream: TcpStream,
    /// MQTT bytes received but not yet parsed into packets.
    pending: Vec<u8>,
}

impl Client {
    /// Opens the websocket (subprotocol `mqtt`) and completes an MQTT CONNECT.
    pub fn connect(port: u16, client_id: &str) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap_or_else(|e| panic!("{e}"));
        stream
            .set_read_timeout(Some(TIMEOUT))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut client = Client {
            stream,
            pending: Vec::new(),
        };
        client.handshake(port);
        let mut connect = vec![0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60];
        connect.extend(string(client_id));
        client.send_packet(0x10, &connect);
        let (kind, body) = client.next_packet();
        assert_eq!((kind, body), (0x20, vec![0, 0]), "CONNACK");
        client
    }

    pub fn subscribe(&mut self, topic: &str) {
        let mut body = vec![0, 1];
        body.extend(string(topic));
        body.push(0);
        self.send_packet(0x82, &body);
        let (kind, body) = self.next_packet();
        assert_eq!((kind, body), (0x90, vec![0, 1, 0]), "SUBACK");
    }

    pub fn publish(&mut self, topic: &str, payload: &[u8]) {
        let mut body = string(topic);
        body.extend_from_slice(payload);
        self.send_packet(0x30, &body);
    }

    /// The next QoS 0 PUBLISH as (topic, payload).
    pub fn next_publish(&mut self) -> (String, Vec<u8>) {
        let (kind, body) = self.next_packet();
        assert_eq!(kind & 0xf0, 0x30, "expected PUBLISH, got {kind:#x}");
        let length = usize::from(u16::from_be_bytes([body[0], body[1]]));
        let topic = String::from_utf8_lossy(&body[2..2 + length]).into_owned();
        (topic, body[2 + length..].to_vec())
    }

    fn handshake(&mut self, port: u16) {
        let request = format!(
            "GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n"
        );
        self.stream
            .write_all(request.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let mut response = Vec::new();
        while !response.ends_with(b"\r\n\r\n") {
            response.push(self.read_exact(1)[0]);
        }
        let text = String::from_utf8_lossy(&response);
        assert!(text.starts_with("HTTP/1.1 101"), "handshake: {text}");
    }

    fn send_packet(&mut self, header: u8, body: &[u8]) {
        assert!(body.len() < 128, "only one-byte remaining lengths");
        let mut packet = vec![header, body.len() as u8];
        packet.extend_from_slice(body);
        // A client frame: FIN + binary, masked, short length.
        let mask = [0x12, 0x34, 0x56, 0x78];
        let mut frame = vec![0x82, 0x80 | packet.len() as u8];
        frame.extend_from_slice(&mask);
        frame.extend(packet.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream
            .write_all(&frame)
            .unwrap_or_else(|e| panic!("{e}"));
    }

    fn next_packet(&mut self) -> (u8, Vec<u8>) {
        loop {
            if self.pending.len() >= 2 {
                let length = usize::from(self.pending[1]);
                assert!(length < 128, "only one-byte remaining lengths");
                if self.pending.len() >= 2 + length {
                    let kind = self.pending[0];
                    let body = self.pending[2..2 + length].to_vec();
                    self.pending.drain(..2 + length);
                    return (kind, body);
                }
            }
            let payload = self.read_frame();
            self.pending.extend(payload);
        }
    }

    /// One server frame's payload (servers do not mask).
    fn read_frame(&mut self) -> Vec<u8> {
        let head = self.read_exact(2);
        let length = match head[1] & 0x7f {
            126 => {
                let ext = self.read_exact(2);
                usize::from(u16::from_be_bytes([ext[0], ext[1]]))
            }
            127 => panic!("unexpectedly large websocket frame"),
            short => usize::from(short),
        };
        self.read_exact(length)
    }

    fn read_exact(&mut self, count: usize) -> Vec<u8> {
        let mut bytes = vec![0; count];
        self.stream
            .read_exact(&mut bytes)
            .unwrap_or_else(|e| panic!("websocket read: {e}"));
        bytes
    }
}

/// An MQTT UTF-8 string: two-byte length, then the bytes.
fn string(text: &str) -> Vec<u8> {
    let mut bytes = (text.len() as u16).to_be_bytes().to_vec();
    bytes.extend_from_slice(text.as_bytes());
    bytes
}
