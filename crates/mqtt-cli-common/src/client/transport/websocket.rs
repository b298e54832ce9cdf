//! MQTT over websockets (`--ws`, `ws://`, `wss://`): the HTTP upgrade, then a byte stream made
//! of binary frames, so the engine above sees the same stream as over raw TCP.
//!
//! Rules (MQTT 5 section 6, which 3.1.1 shares):
//! - The upgrade asks for the subprotocol `mqtt`, on the configured path (`/mqtt` unless the
//!   URL says otherwise), with a Host header naming the broker.
//! - Everything we write goes out in binary frames; one write is one frame, so a burst of
//!   packets shares a frame and a large packet may be one big frame.
//! - Frames from the broker are a byte stream: a packet may span frames and a frame may hold
//!   several packets. Frame and message size limits are off; MQTT enforces its own.
//! - A text frame is a protocol violation and ends the connection; pings are answered by the
//!   websocket library; a close frame reads as the end of the stream.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use bytes::Bytes;
use futures_core::Stream as _;
use futures_sink::Sink;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio_tungstenite::tungstenite::client::ClientRequestBuilder;
use tokio_tungstenite::tungstenite::error::ProtocolError;
use tokio_tungstenite::tungstenite::http::Uri;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

use super::Stream;
use crate::error::ClientError;

/// The subprotocol MQTT over websockets uses.
const SUBPROTOCOL: &str = "mqtt";

/// Upgrades `stream` to a websocket on `path` of `host:port` (`host` is `None` on a unix
/// socket, where the Host header says `localhost` and the port is left out).
pub(crate) async fn connect(
    stream: Stream,
    host: Option<&str>,
    port: u16,
    path: &str,
) -> Result<Stream, ClientError> {
    let uri = request_uri(host, port, path)?;
    let request = ClientRequestBuilder::new(uri).with_sub_protocol(SUBPROTOCOL);
    let config = WebSocketConfig::default()
        .max_message_size(None)
        .max_frame_size(None);
    match tokio_tungstenite::client_async_with_config(request, stream, Some(config)).await {
        Ok((websocket, _response)) => Ok(Stream::new(WebSocketBytes::new(websocket))),
        Err(e) => Err(handshake_error(e, path)),
    }
}

/// The URI of the upgrade request. A host that is an IPv6 address goes in brackets.
fn request_uri(host: Option<&str>, port: u16, path: &str) -> Result<Uri, ClientError> {
    let authority = match host {
        // A unix socket has neither host nor port.
        None => "localhost".to_string(),
        Some(host) if host.contains(':') && !host.starts_with('[') => format!("[{host}]:{port}"),
        Some(host) => format!("{host}:{port}"),
    };
    let path = if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    format!("ws://{authority}{path}").parse().map_err(|_| {
        ClientError::Connect(websocket_line(&format!(
            "{authority} and {path} do not make a valid websocket address"
        )))
    })
}

fn websocket_line(words: &str) -> String {
    format!(
        "Unable to connect (A websocket error occurred): {}",
        super::sentence(words)
    )
}

/// The error for a failed upgrade.
fn handshake_error(error: WsError, path: &str) -> ClientError {
    match error {
        // A TLS failure underneath keeps its own explanation.
        WsError::Io(e) if e.kind() == io::ErrorKind::InvalidData => ClientError::Tls(e.to_string()),
        // The broker hung up, either while we wrote the request or before a whole answer
        // came (a TLS listener does that to a plain HTTP request).
        WsError::Io(e) if is_hang_up(&e) => hung_up(),
        WsError::Protocol(ProtocolError::HandshakeIncomplete) => hung_up(),
        WsError::Io(e) => ClientError::Connect(super::describe_io(&e)),
        WsError::Http(response) => ClientError::Connect(websocket_line(&format!(
            "the broker answered the upgrade to a websocket on {path} with HTTP status {}",
            response.status()
        ))),
        WsError::Protocol(e) => ClientError::Connect(websocket_line(&format!(
            "the broker's answer to the upgrade is not valid ({e})"
        ))),
        other => ClientError::Connect(websocket_line(&other.to_string())),
    }
}

fn hung_up() -> ClientError {
    ClientError::Connect(websocket_line(
        "the broker closed the connection during the websocket handshake; \
         is this port a websockets listener?",
    ))
}

fn is_hang_up(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
    )
}

/// A websocket read and written as a byte stream.
struct WebSocketBytes<S> {
    websocket: WebSocketStream<S>,
    /// What is left of the last binary frame.
    unread: Bytes,
}

impl<S> WebSocketBytes<S> {
    fn new(websocket: WebSocketStream<S>) -> WebSocketBytes<S> {
        WebSocketBytes {
            websocket,
            unread: Bytes::new(),
        }
    }
}

/// A websocket failure as an I/O error. I/O errors pass through unchanged (a TLS failure
/// underneath keeps its explanation); a broken websocket protocol reads as a lost connection.
fn to_io(error: WsError) -> io::Error {
    match error {
        WsError::Io(e) => e,
        other => io::Error::new(
            io::ErrorKind::ConnectionAborted,
            format!("websocket error: {other}"),
        ),
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for WebSocketBytes<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            if !self.unread.is_empty() {
                let n = self.unread.len().min(buf.remaining());
                buf.put_slice(&self.unread.split_to(n));
                return Poll::Ready(Ok(()));
            }
            match ready!(Pin::new(&mut self.websocket).poll_next(cx)) {
                Some(Ok(Message::Binary(data))) => self.unread = data,
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                Some(Ok(Message::Text(_))) => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::ConnectionAborted,
                        "websocket error: the broker sent a text frame",
                    )))
                }
                // The end of the stream: the engine reads zero bytes as a lost connection.
                Some(Ok(Message::Close(_)))
                | Some(Err(WsError::ConnectionClosed | WsError::AlreadyClosed))
                | None => return Poll::Ready(Ok(())),
                Some(Err(e)) => return Poll::Ready(Err(to_io(e))),
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> WebSocketBytes<S> {
    /// Sends `frame` as one binary frame once the websocket can take it.
    fn poll_send(
        &mut self,
        cx: &mut Context<'_>,
        frame: impl FnOnce() -> Bytes,
    ) -> Poll<io::Result<usize>> {
        ready!(Pin::new(&mut self.websocket).poll_ready(cx)).map_err(to_io)?;
        let frame = frame();
        let len = frame.len();
        Pin::new(&mut self.websocket)
            .start_send(Message::Binary(frame))
            .map_err(to_io)?;
        Poll::Ready(Ok(len))
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for WebSocketBytes<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_send(cx, || Bytes::copy_from_slice(buf))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        // One frame for all the slices: fewer frame headers and masks than one per slice.
        self.poll_send(cx, || {
            let mut frame = Vec::with_capacity(bufs.iter().map(|b| b.len()).sum());
            for slice in bufs {
                frame.extend_from_slice(slice);
            }
            Bytes::from(frame)
        })
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.websocket).poll_flush(cx).map_err(to_io)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match ready!(Pin::new(&mut self.websocket).poll_close(cx)) {
            Ok(()) | Err(WsError::ConnectionClosed | WsError::AlreadyClosed) => Poll::Ready(Ok(())),
            Err(e) => Poll::Ready(Err(to_io(e))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_tungstenite::tungstenite::protocol::Role;

    #[test]
    fn request_uris_name_host_port_and_path() {
        let cases = [
            (
                Some("broker.example"),
                8080,
                "/mqtt",
                "ws://broker.example:8080/mqtt",
            ),
            (Some("127.0.0.1"), 9001, "/", "ws://127.0.0.1:9001/"),
            (Some("::1"), 9001, "/mqtt", "ws://[::1]:9001/mqtt"),
            (Some("[::1]"), 9001, "/mqtt", "ws://[::1]:9001/mqtt"),
            (Some("h"), 1, "ws", "ws://h:1/ws"),
            (None, 0, "/mqtt", "ws://localhost/mqtt"),
        ];
        for (host, port, path, expected) in cases {
            let uri = request_uri(host, port, path).map(|u| u.to_string()).ok();
            assert_eq!(uri.as_deref(), Some(expected), "{host:?} {path}");
        }
        assert!(request_uri(Some("bad host"), 1, "/mqtt").is_err());
    }

    #[test]
    fn failed_upgrades_are_explained() {
        let hang_up = "Unable to connect (A websocket error occurred): the broker closed the \
                       connection during the websocket handshake; is this port a websockets \
                       listener?";
        let cases = [
            (
                WsError::Io(io::ErrorKind::UnexpectedEof.into()),
                hang_up.to_string(),
            ),
            (
                WsError::Io(io::ErrorKind::ConnectionReset.into()),
                hang_up.to_string(),
            ),
            (
                WsError::Protocol(ProtocolError::HandshakeIncomplete),
                hang_up.to_string(),
            ),
            (
                WsError::Protocol(ProtocolError::SecWebSocketAcceptKeyMismatch),
                "Unable to connect (A websocket error occurred): the broker's answer to the \
                 upgrade is not valid (Key mismatch in \"Sec-WebSocket-Accept\" header)."
                    .to_string(),
            ),
            (
                WsError::Io(io::Error::from_raw_os_error(libc::ECONNREFUSED)),
                "Error: Connection refused".to_string(),
            ),
        ];
        for (error, expected) in cases {
            let description = format!("{error:?}");
            let found = handshake_error(error, "/mqtt");
            assert_eq!(found.to_string(), expected, "{description}");
            assert!(matches!(found, ClientError::Connect(_)), "{description}");
        }
    }

    /// A connected pair: our byte stream on one end, the broker's websocket on the other.
    async fn pair() -> (
        WebSocketBytes<tokio::io::DuplexStream>,
        WebSocketStream<tokio::io::DuplexStream>,
    ) {
        let (ours, theirs) = tokio::io::duplex(1 << 20);
        let client = WebSocketStream::from_raw_socket(ours, Role::Client, None).await;
        let server = WebSocketStream::from_raw_socket(theirs, Role::Server, None).await;
        (WebSocketBytes::new(client), server)
    }

    async fn next_frame(server: &mut WebSocketStream<tokio::io::DuplexStream>) -> Option<Message> {
        std::future::poll_fn(|cx| Pin::new(&mut *server).poll_next(cx))
            .await
            .and_then(Result::ok)
    }

    async fn send_frame(server: &mut WebSocketStream<tokio::io::DuplexStream>, message: Message) {
        let sent = std::future::poll_fn(|cx| Pin::new(&mut *server).poll_ready(cx)).await;
        assert!(sent.is_ok());
        assert!(Pin::new(&mut *server).start_send(message).is_ok());
        let flushed = std::future::poll_fn(|cx| Pin::new(&mut *server).poll_flush(cx)).await;
        assert!(flushed.is_ok());
    }

    #[tokio::test]
    async fn writes_become_binary_frames() {
        let (mut bytes, mut server) = pair().await;
        assert_eq!(bytes.write(b"\x10\x02ab").await.ok(), Some(4));
        let slices = [io::IoSlice::new(b"one"), io::IoSlice::new(b"two")];
        assert_eq!(bytes.write_vectored(&slices).await.ok(), Some(6));
        assert!(bytes.flush().await.is_ok());
        assert_eq!(
            next_frame(&mut server).await,
            Some(Message::Binary(Bytes::from_static(b"\x10\x02ab")))
        );
        assert_eq!(
            next_frame(&mut server).await,
            Some(Message::Binary(Bytes::from_static(b"onetwo")))
        );
    }

    #[tokio::test]
    async fn frames_read_as_one_byte_stream() {
        let (mut bytes, mut server) = pair().await;
        // One packet split over two frames, then two packets in one frame, with a ping between.
        for message in [
            Message::Binary(Bytes::from_static(b"\x20\x02")),
            Message::Ping(Bytes::from_static(b"p")),
            Message::Binary(Bytes::from_static(b"\x00\x00")),
            Message::Binary(Bytes::from_static(b"\xd0\x00\xd0\x00")),
        ] {
            send_frame(&mut server, message).await;
        }
        let mut got = [0u8; 8];
        assert!(bytes.read_exact(&mut got).await.is_ok());
        assert_eq!(&got, b"\x20\x02\x00\x00\xd0\x00\xd0\x00");
    }

    #[tokio::test]
    async fn close_reads_as_end_and_text_as_an_error() {
        let (mut bytes, mut server) = pair().await;
        send_frame(&mut server, Message::Close(None)).await;
        let mut got = [0u8; 4];
        assert_eq!(bytes.read(&mut got).await.ok(), Some(0));

        let (mut bytes, mut server) = pair().await;
        send_frame(&mut server, Message::text("hi")).await;
        let error = bytes.read(&mut got).await.err();
        assert_eq!(
            error.map(|e| (e.kind(), e.to_string())),
            Some((
                io::ErrorKind::ConnectionAborted,
                "websocket error: the broker sent a text frame".to_string()
            ))
        );
    }
}
