//! A SOCKS5 proxy for one test: Debian's `microsocks` on a free loopback port, optionally
//! requiring a user name and password, killed when the value is dropped.
//!
//! Rules: it listens on 127.0.0.1 only and connects onward to whatever the client asks (tests
//! only ever ask for loopback brokers); a start returns once the port accepts connections, and
//! retries on a fresh port if another process took the first one.

use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use crate::ports::free_port;
use crate::run::{Input, Running};
use crate::tools::MICROSOCKS;

/// How long a start may take until the port accepts connections.
const START_TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(10);
/// Fresh ports tried when microsocks exits at once (its port was taken).
const PORT_ATTEMPTS: usize = 5;

/// A running SOCKS5 proxy.
pub struct SocksProxy {
    port: u16,
    /// Kept for its drop, which kills the proxy.
    _process: Running,
}

impl SocksProxy {
    /// A proxy that lets anyone through without authentication.
    ///
    /// Panics if it cannot start (test code).
    pub fn start() -> SocksProxy {
        Self::start_with(None)
    }

    /// A proxy that requires this user name and password (RFC 1929).
    ///
    /// Panics if it cannot start (test code).
    pub fn with_password(user: &str, password: &str) -> SocksProxy {
        Self::start_with(Some((user, password)))
    }

    /// The address it listens on.
    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    fn start_with(credentials: Option<(&str, &str)>) -> SocksProxy {
        let program = MICROSOCKS.require();
        let mut last_error = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port();
            let mut cmd = Command::new(program);
            cmd.args(["-i", "127.0.0.1", "-p", &port.to_string()]);
            if let Some((user, password)) = credentials {
                cmd.args(["-u", user, "-P", password]);
            }
            let mut process = Running::spawn(&mut cmd, Input::Null);
            match wait_until_listening(&mut process, port) {
                Ok(()) => {
                    return SocksProxy {
                        port,
                        _process: process,
                    }
                }
                Err(error) => last_error = error,
            }
        }
        panic!("microsocks did not start: {last_error}")
    }
}

fn wait_until_listening(process: &mut Running, port: u16) -> Result<(), String> {
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Some(status) = process.try_exit() {
            return Err(format!(
                "it exited with {status} on port {port}: {}",
                process.stderr_text()
            ));
        }
        if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "port {port} did not accept within {START_TIMEOUT:?}"
            ));
        }
        thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    /// Greets the proxy offering `methods`; returns the method it chose.
    fn chosen_method(proxy: &SocksProxy, methods: &[u8]) -> Option<u8> {
        let mut stream = TcpStream::connect((proxy.host(), proxy.port())).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        let mut greeting = vec![5, u8::try_from(methods.len()).ok()?];
        greeting.extend_from_slice(methods);
        stream.write_all(&greeting).ok()?;
        let mut answer = [0u8; 2];
        stream.read_exact(&mut answer).ok()?;
        Some(answer[1])
    }

    #[test]
    fn proxies_offer_the_authentication_they_were_started_with() {
        let open = SocksProxy::start();
        let closed = SocksProxy::with_password("user", "secret");
        let cases = [
            (&open, &[0u8][..], Some(0)),
            (&closed, &[0u8][..], Some(0xff)),
            (&closed, &[0u8, 2][..], Some(2)),
        ];
        for (proxy, methods, expected) in cases {
            assert_eq!(chosen_method(proxy, methods), expected, "{methods:?}");
        }
        assert_ne!(open.port(), closed.port());
    }
}
