//! Opening the byte stream to the broker: TCP (with `-A` bind address and `--nodelay`) or a unix
//! socket. Encryption, websockets and proxies wrap the stream opened here, so the engine above
//! only ever sees one `Stream`.

use std::io;
use std::net::{SocketAddr, ToSocketAddrs};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpSocket, TcpStream, UnixStream};

use crate::config::{Address, ConnectionConfig};
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
/// ("Connection refused", "Unable to connect (...)") and are exit code 1 on a first connection.
pub async fn open(config: &ConnectionConfig) -> Result<Stream, ClientError> {
    match &config.address {
        Address::Unix(path) => {
            let stream = UnixStream::connect(path)
                .await
                .map_err(|e| ClientError::Connect(describe_io(&e)))?;
            Ok(Stream::new(stream))
        }
        Address::Tcp { host, port } => {
            let stream = connect_tcp(host, *port, config).await?;
            Ok(Stream::new(stream))
        }
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
        None => "Unable to connect (Lookup error.).".to_string(),
    }))
}

async fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ClientError> {
    let target = format!("{host}:{port}");
    let lookup = tokio::task::spawn_blocking(move || {
        target
            .to_socket_addrs()
            .map(|addrs| addrs.collect::<Vec<_>>())
    })
    .await
    .map_err(|_| ClientError::Connect("Unable to connect (Lookup error.).".to_string()))?;
    match lookup {
        Ok(addrs) if !addrs.is_empty() => Ok(addrs),
        _ => Err(ClientError::Connect(
            "Unable to connect (Lookup error.).".to_string(),
        )),
    }
}

/// An OS error as mosquitto prints it: strerror's text without Rust's " (os error N)".
pub fn describe_io(err: &io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(cut) => format!("Error: {}", &text[..cut]),
        None => format!("Error: {text}"),
    }
}
