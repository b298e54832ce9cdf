//! Opening the byte stream to the broker, in layers: a socket (TCP with `-A` and `--nodelay`,
//! or a unix socket), optionally through a SOCKS5 proxy, optionally encrypted (certificate TLS
//! or TLS-PSK), optionally framed as a websocket. The engine above only ever sees one `Stream`
//! and speaks MQTT over it, whatever the layers.
//!
//! Rules: layers are applied in that order (a `wss://` connection is websocket over TLS over
//! TCP); each layer's failure is reported in words by the layer that knows what went wrong;
//! failures of the socket or of a proxy are `ClientError::Connect` (worth retrying on a
//! reconnect), certificate and key failures `ClientError::Tls` (not worth it).

mod ciphers;
mod explain;
mod keylog;
mod psk;
mod socks;
mod tls;
mod verify;
mod websocket;

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpSocket, TcpStream, UnixStream};

use crate::config::{Address, ConnectionConfig, Framing, Security};
use crate::error::ClientError;

/// A bidirectional byte stream to the broker.
pub trait ByteStream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> ByteStream for T {}

/// The stream the engine talks MQTT over, whatever carries it.
pub struct Stream(Box<dyn ByteStream>);

impl Stream {
    pub fn new(inner: impl ByteStream + 'static) -> Stream {
        Stream(Box::new(inner))
    }
}

impl AsyncRead for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_read(cx, buf)
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut *self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut *self.0).poll_shutdown(cx)
    }
}

/// Opens the stream the configuration asks for. Errors read like mosquitto's
/// ("Error: Connection refused", "Unable to connect (...)"), extended with the reason where
/// mosquitto gives none; all are exit code 1 on a first connection.
pub async fn open(config: &ConnectionConfig) -> Result<Stream, ClientError> {
    // The broker's host name, for TLS verification and the websocket Host header; none on a
    // unix socket.
    let (socket, host, port) = match &config.address {
        Address::Unix(path) => {
            let stream = UnixStream::connect(path)
                .await
                .map_err(|e| ClientError::Connect(describe_io(&e)))?;
            (Stream::new(stream), None, 0)
        }
        Address::Tcp { host, port } => {
            let stream = match &config.proxy {
                Some(proxy) => socks::connect(proxy, host, *port, config).await?,
                None => connect_tcp(host, *port, config).await?,
            };
            (Stream::new(stream), Some(host.as_str()), *port)
        }
    };
    let secured = match &config.security {
        Security::Plain => socket,
        Security::Tls(options) => tls::connect(socket, host, options, config.quiet).await?,
        Security::Psk(options) => psk::connect(socket, options).await?,
    };
    match &config.framing {
        Framing::Raw => Ok(secured),
        Framing::WebSocket { path } => websocket::connect(secured, host, port, path).await,
    }
}

/// Connects to the first address of `host` that answers, from `-A`'s address when given.
pub async fn connect_tcp(
    host: &str,
    port: u16,
    config: &ConnectionConfig,
) -> Result<TcpStream, ClientError> {
    let addrs = resolve(host, port).await?;
    let bind = match &config.bind_address {
        Some(bind) => Some(resolve(bind, 0).await?),
        None => None,
    };
    let mut last_error = None;
    for addr in addrs {
        let socket = match addr {
            SocketAddr::V4(_) => TcpSocket::new_v4(),
            SocketAddr::V6(_) => TcpSocket::new_v6(),
        }
        .map_err(|e| ClientError::Connect(describe_io(&e)))?;
        if let Some(local) = bind
            .as_ref()
            .and_then(|b| b.iter().find(|l| l.is_ipv4() == addr.is_ipv4()))
        {
            socket
                .bind(*local)
                .map_err(|e| ClientError::Connect(describe_io(&e)))?;
        }
        match socket.connect(addr).await {
            Ok(stream) => {
                if config.nodelay {
                    let _ = stream.set_nodelay(true);
                }
                return Ok(stream);
            }
            Err(e) => last_error = Some(e),
        }
    }
    Err(ClientError::Connect(match last_error {
        Some(e) => describe_io(&e),
        None => LOOKUP_ERROR.to_string(),
    }))
}

/// mosquitto's line for a host name that does not resolve.
const LOOKUP_ERROR: &str = "Unable to connect (Lookup error.).";

fn lookup_error() -> ClientError {
    ClientError::Connect(LOOKUP_ERROR.to_string())
}

/// The addresses of `host` (a name, an IPv4 address, or an IPv6 address with or without
/// brackets).
async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ClientError> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    // An address literal needs no lookup at all.
    if let Ok(ip) = bare.parse::<std::net::IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    // A name is looked up right here rather than on a helper thread: the client has nothing
    // else to do until it is connected, and a one-shot publish should not pay for a thread.
    match (bare, port).to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            if addrs.is_empty() {
                Err(lookup_error())
            } else {
                Ok(addrs)
            }
        }
        Err(_) => Err(lookup_error()),
    }
}

/// An OS error as mosquitto prints it: strerror's text without Rust's " (os error N)".
pub fn describe_io(err: &io::Error) -> String {
    format!("Error: {}", io_words(err))
}

/// An I/O error's text without Rust's " (os error N)" suffix.
fn io_words(err: &io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_string(),
        None => text,
    }
}

/// `words` ended as a sentence: with a full stop, unless they already end with one, or with a
/// question or exclamation mark (a hint phrased as a question must not read "listener?.").
pub(crate) fn sentence(words: &str) -> String {
    if words.ends_with(['.', '?', '!']) {
        words.to_string()
    } else {
        format!("{words}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn addresses_resolve_with_or_without_brackets() {
        let cases = [
            ("127.0.0.1", "127.0.0.1:1883"),
            ("::1", "[::1]:1883"),
            ("[::1]", "[::1]:1883"),
        ];
        for (host, expected) in cases {
            let found = resolve(host, 1883).await.map(|a| a[0].to_string()).ok();
            assert_eq!(found.as_deref(), Some(expected), "{host}");
        }
        let error = resolve("[::1", 1883).await.err().map(|e| e.to_string());
        assert_eq!(error.as_deref(), Some(LOOKUP_ERROR));
    }

    #[test]
    fn sentences_end_with_exactly_one_mark() {
        let cases = [
            ("the proxy refused", "the proxy refused."),
            (
                "is this port a TLS listener?",
                "is this port a TLS listener?",
            ),
            ("already ended.", "already ended."),
            ("stop!", "stop!"),
            ("", "."),
        ];
        for (words, expected) in cases {
            assert_eq!(sentence(words), expected, "{words:?}");
        }
    }

    #[test]
    fn os_errors_lose_their_number() {
        let cases = [
            (
                io::Error::from_raw_os_error(libc::ECONNREFUSED),
                "Connection refused",
            ),
            (io::Error::other("custom words"), "custom words"),
        ];
        for (error, expected) in cases {
            assert_eq!(io_words(&error), expected);
            assert_eq!(describe_io(&error), format!("Error: {expected}"));
        }
    }
}
