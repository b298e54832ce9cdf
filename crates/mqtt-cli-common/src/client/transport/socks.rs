//! Reaching the broker through a SOCKS5 proxy (`--proxy`, RFC 1928), with user name and password
//! authentication when given (RFC 1929).
//!
//! Rules, after mosquitto: we offer "no authentication", plus "user name and password" when a
//! user name is given. `socks5h://` hands the broker's host name to the proxy to resolve;
//! `socks5://` resolves it here and hands over the address. `-A` and `--nodelay` apply to our
//! socket to the proxy. Every failure is one sentence naming the proxy and what it refused.

use std::net::{IpAddr, SocketAddr};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::{connect_tcp, io_words, lookup_error, resolve, LOOKUP_ERROR};
use crate::config::{ConnectionConfig, Proxy};
use crate::error::ClientError;

const VERSION: u8 = 5;
const AUTH_VERSION: u8 = 1;
const METHOD_NONE: u8 = 0x00;
const METHOD_PASSWORD: u8 = 0x02;
const COMMAND_CONNECT: u8 = 1;
const ADDRESS_IPV4: u8 = 1;
const ADDRESS_NAME: u8 = 3;
const ADDRESS_IPV6: u8 = 4;

/// Opens a TCP connection to `host:port` through the proxy.
pub(crate) async fn connect(
    proxy: &Proxy,
    host: &str,
    port: u16,
    config: &ConnectionConfig,
) -> Result<TcpStream, ClientError> {
    let proxy_name = format!("{}:{}", proxy.host, proxy.port);
    let mut stream = connect_tcp(&proxy.host, proxy.port, config)
        .await
        .map_err(|e| {
            ClientError::Connect(proxy_line(&format!(
                "cannot reach the SOCKS proxy {proxy_name}: {}",
                unreachable_reason(&e)
            )))
        })?;
    let target = if proxy.remote_dns {
        Target::Name(host.to_string())
    } else {
        match host.parse::<IpAddr>() {
            Ok(address) => Target::Address(address),
            Err(_) => {
                let addresses = resolve(host, port).await?;
                // `resolve` never returns an empty list; the fallback only keeps this total.
                let first = addresses.first().map(SocketAddr::ip);
                Target::Address(first.ok_or_else(lookup_error)?)
            }
        }
    };
    handshake(&mut stream, proxy, &target, port)
        .await
        .map_err(|failure| {
            ClientError::Connect(proxy_line(&failure.words(&proxy_name, host, port)))
        })?;
    Ok(stream)
}

fn proxy_line(words: &str) -> String {
    format!(
        "Unable to connect (Proxy error): {}",
        super::sentence(words)
    )
}

/// Why the proxy could not be reached, from the socket's error line.
fn unreachable_reason(error: &ClientError) -> String {
    let text = error.to_string();
    if text == LOOKUP_ERROR {
        return "its host name does not resolve".to_string();
    }
    text.strip_prefix("Error: ").unwrap_or(&text).to_string()
}

/// What the proxy is asked to connect to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Name(String),
    Address(IpAddr),
}

/// Why the proxy conversation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Failure {
    Io(String),
    Closed,
    NotSocks5,
    NoAcceptableMethod { offered_password: bool },
    AuthenticationFailed,
    NameTooLong,
    Reply(u8),
}

impl Failure {
    fn words(&self, proxy: &str, host: &str, port: u16) -> String {
        match self {
            Failure::Io(why) => format!("the connection to the SOCKS proxy {proxy} failed: {why}"),
            Failure::Closed => format!("the SOCKS proxy {proxy} closed the connection"),
            Failure::NotSocks5 => format!("{proxy} did not answer as a SOCKS5 proxy"),
            Failure::NoAcceptableMethod {
                offered_password: false,
            } => format!(
                "the SOCKS proxy {proxy} requires authentication; give a user name and password in the proxy URL"
            ),
            Failure::NoAcceptableMethod {
                offered_password: true,
            } => format!("the SOCKS proxy {proxy} accepts none of our authentication methods"),
            Failure::AuthenticationFailed => format!(
                "the SOCKS proxy {proxy} rejected the user name or password (authentication failed)"
            ),
            Failure::NameTooLong => {
                format!("the host name {host} is too long to send to a SOCKS proxy")
            }
            Failure::Reply(code) => format!(
                "the SOCKS proxy {proxy} could not connect to {host}:{port}: {}",
                reply_words(*code)
            ),
        }
    }
}

/// RFC 1928's reply codes.
fn reply_words(code: u8) -> String {
    match code {
        1 => "general failure of the proxy".to_string(),
        2 => "the proxy's rules do not allow this connection".to_string(),
        3 => "network unreachable".to_string(),
        4 => "host unreachable".to_string(),
        5 => "connection refused by the broker's host".to_string(),
        6 => "the connection timed out (TTL expired)".to_string(),
        7 => "the proxy does not support the CONNECT command".to_string(),
        8 => "the proxy does not support this kind of address; try socks5:// instead of socks5h://"
            .to_string(),
        other => format!("unknown reply code {other}"),
    }
}

/// The SOCKS5 conversation on an open connection to the proxy.
async fn handshake<S: AsyncReadExt + AsyncWriteExt + Unpin>(
    stream: &mut S,
    proxy: &Proxy,
    target: &Target,
    port: u16,
) -> Result<(), Failure> {
    let offered_password = proxy.username.is_some();
    send(stream, &greeting(offered_password)).await?;
    let choice = receive::<2, S>(stream).await?;
    if choice[0] != VERSION {
        return Err(Failure::NotSocks5);
    }
    match choice[1] {
        METHOD_NONE => {}
        METHOD_PASSWORD if offered_password => {
            let request = password_request(
                proxy.username.as_deref().unwrap_or_default(),
                proxy.password.as_deref().unwrap_or_default(),
            )
            .ok_or(Failure::AuthenticationFailed)?;
            send(stream, &request).await?;
            let status = receive::<2, S>(stream).await?;
            if status[1] != 0 {
                return Err(Failure::AuthenticationFailed);
            }
        }
        _ => return Err(Failure::NoAcceptableMethod { offered_password }),
    }
    send(
        stream,
        &connect_request(target, port).ok_or(Failure::NameTooLong)?,
    )
    .await?;
    let head = receive::<4, S>(stream).await?;
    if head[0] != VERSION {
        return Err(Failure::NotSocks5);
    }
    if head[1] != 0 {
        return Err(Failure::Reply(head[1]));
    }
    // The reply ends with the address the proxy bound, which we do not need; it must still be
    // read so the first MQTT byte is the broker's.
    let bound_len = match head[3] {
        ADDRESS_IPV4 => 4,
        ADDRESS_IPV6 => 16,
        ADDRESS_NAME => usize::from(receive::<1, S>(stream).await?[0]),
        _ => return Err(Failure::NotSocks5),
    };
    let mut rest = vec![0u8; bound_len + 2];
    stream.read_exact(&mut rest).await.map_err(io_failure)?;
    Ok(())
}

fn greeting(offer_password: bool) -> Vec<u8> {
    if offer_password {
        vec![VERSION, 2, METHOD_NONE, METHOD_PASSWORD]
    } else {
        vec![VERSION, 1, METHOD_NONE]
    }
}

/// RFC 1929's request; `None` if a field is longer than its one length byte allows.
fn password_request(username: &str, password: &str) -> Option<Vec<u8>> {
    let user = u8::try_from(username.len()).ok()?;
    let pass = u8::try_from(password.len()).ok()?;
    let mut request = vec![AUTH_VERSION, user];
    request.extend_from_slice(username.as_bytes());
    request.push(pass);
    request.extend_from_slice(password.as_bytes());
    Some(request)
}

/// The CONNECT request; `None` if the host name is longer than 255 bytes.
fn connect_request(target: &Target, port: u16) -> Option<Vec<u8>> {
    let mut request = vec![VERSION, COMMAND_CONNECT, 0];
    match target {
        Target::Address(IpAddr::V4(v4)) => {
            request.push(ADDRESS_IPV4);
            request.extend_from_slice(&v4.octets());
        }
        Target::Address(IpAddr::V6(v6)) => {
            request.push(ADDRESS_IPV6);
            request.extend_from_slice(&v6.octets());
        }
        Target::Name(name) => {
            request.push(ADDRESS_NAME);
            request.push(u8::try_from(name.len()).ok()?);
            request.extend_from_slice(name.as_bytes());
        }
    }
    request.extend_from_slice(&port.to_be_bytes());
    Some(request)
}

async fn send<S: AsyncWriteExt + Unpin>(stream: &mut S, bytes: &[u8]) -> Result<(), Failure> {
    stream.write_all(bytes).await.map_err(io_failure)
}

async fn receive<const N: usize, S: AsyncReadExt + Unpin>(
    stream: &mut S,
) -> Result<[u8; N], Failure> {
    let mut bytes = [0u8; N];
    stream.read_exact(&mut bytes).await.map_err(io_failure)?;
    Ok(bytes)
}

/// A hang-up, however the socket reports it, is the proxy closing the connection.
fn io_failure(e: std::io::Error) -> Failure {
    use std::io::ErrorKind::{BrokenPipe, ConnectionReset, UnexpectedEof};
    match e.kind() {
        UnexpectedEof | ConnectionReset | BrokenPipe => Failure::Closed,
        _ => Failure::Io(io_words(&e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(user: Option<&str>, pass: Option<&str>) -> Proxy {
        Proxy {
            host: "127.0.0.1".into(),
            port: 1080,
            remote_dns: true,
            username: user.map(str::to_string),
            password: pass.map(str::to_string),
        }
    }

    #[test]
    fn requests_follow_rfc_1928_and_1929() {
        assert_eq!(greeting(false), [5, 1, 0]);
        assert_eq!(greeting(true), [5, 2, 0, 2]);
        assert_eq!(
            password_request("ab", "c"),
            Some(vec![1, 2, b'a', b'b', 1, b'c'])
        );
        assert_eq!(password_request(&"u".repeat(256), ""), None);
        let cases = [
            (
                Target::Name("h.example".into()),
                vec![
                    5, 1, 0, 3, 9, b'h', b'.', b'e', b'x', b'a', b'm', b'p', b'l', b'e', 0x07, 0x5b,
                ],
            ),
            (
                Target::Address(IpAddr::from([127, 0, 0, 1])),
                vec![5, 1, 0, 1, 127, 0, 0, 1, 0x07, 0x5b],
            ),
            (
                Target::Address("::1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))),
                vec![
                    5, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x07, 0x5b,
                ],
            ),
        ];
        for (target, expected) in cases {
            assert_eq!(connect_request(&target, 1883), Some(expected), "{target:?}");
        }
        assert_eq!(connect_request(&Target::Name("n".repeat(256)), 1), None);
    }

    /// Runs the handshake against a scripted proxy: what it answers, in order.
    async fn converse(proxy: &Proxy, answers: &[u8]) -> (Result<(), Failure>, Vec<u8>) {
        let (mut ours, mut theirs) = tokio::io::duplex(4096);
        theirs.write_all(answers).await.unwrap_or_default();
        theirs.shutdown().await.unwrap_or_default();
        let result = handshake(&mut ours, proxy, &Target::Name("b".into()), 1883).await;
        drop(ours);
        let mut sent = Vec::new();
        let _ = theirs.read_to_end(&mut sent).await;
        (result, sent)
    }

    #[tokio::test]
    async fn conversations_succeed_or_fail_in_words() {
        let connect_ok: &[u8] = &[5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90];
        let cases: Vec<(Proxy, Vec<u8>, Result<(), Failure>)> = vec![
            (
                proxy(None, None),
                [&[5, 0][..], connect_ok].concat(),
                Ok(()),
            ),
            (
                proxy(Some("u"), Some("p")),
                [&[5, 2, 1, 0][..], connect_ok].concat(),
                Ok(()),
            ),
            (
                proxy(Some("u"), Some("p")),
                [&[5, 0][..], &[5, 0, 0, 3, 1, b'x', 0, 1]].concat(),
                Ok(()),
            ),
            (
                proxy(None, None),
                vec![5, 0xff],
                Err(Failure::NoAcceptableMethod {
                    offered_password: false,
                }),
            ),
            (
                proxy(Some("u"), None),
                vec![5, 0xff],
                Err(Failure::NoAcceptableMethod {
                    offered_password: true,
                }),
            ),
            (
                proxy(Some("u"), Some("bad")),
                vec![5, 2, 1, 1],
                Err(Failure::AuthenticationFailed),
            ),
            (
                proxy(None, None),
                vec![5, 0, 5, 5, 0, 1],
                Err(Failure::Reply(5)),
            ),
            (proxy(None, None), vec![4, 0], Err(Failure::NotSocks5)),
            (proxy(None, None), vec![5], Err(Failure::Closed)),
        ];
        for (proxy, answers, expected) in cases {
            let (result, _) = converse(&proxy, &answers).await;
            assert_eq!(result, expected, "{proxy:?} {answers:?}");
        }
        let (_, sent) = converse(
            &proxy(Some("u"), Some("p")),
            &[&[5, 2, 1, 0][..], connect_ok].concat(),
        )
        .await;
        assert_eq!(
            sent,
            [
                &[5, 2, 0, 2, 1, 1, b'u', 1, b'p'][..],
                &[5, 1, 0, 3, 1, b'b', 0x07, 0x5b]
            ]
            .concat()
        );
    }

    #[test]
    fn unreachable_proxies_say_why() {
        let cases = [
            (
                ClientError::Connect("Error: Connection refused".into()),
                "Connection refused",
            ),
            (
                ClientError::Connect(LOOKUP_ERROR.into()),
                "its host name does not resolve",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(unreachable_reason(&error), expected);
        }
    }

    #[test]
    fn failures_read_as_sentences() {
        let cases = [
            (Failure::Closed, "the SOCKS proxy p:1 closed the connection"),
            (Failure::NotSocks5, "p:1 did not answer as a SOCKS5 proxy"),
            (Failure::NoAcceptableMethod { offered_password: false }, "the SOCKS proxy p:1 requires authentication; give a user name and password in the proxy URL"),
            (Failure::AuthenticationFailed, "the SOCKS proxy p:1 rejected the user name or password (authentication failed)"),
            (Failure::Reply(5), "the SOCKS proxy p:1 could not connect to b:1883: connection refused by the broker's host"),
            (Failure::Reply(4), "the SOCKS proxy p:1 could not connect to b:1883: host unreachable"),
            (Failure::Reply(2), "the SOCKS proxy p:1 could not connect to b:1883: the proxy's rules do not allow this connection"),
            (Failure::Reply(99), "the SOCKS proxy p:1 could not connect to b:1883: unknown reply code 99"),
        ];
        for (failure, expected) in cases {
            assert_eq!(failure.words("p:1", "b", 1883), expected);
        }
    }
}
