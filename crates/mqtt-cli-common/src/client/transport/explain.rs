//! TLS failures in words a user can act on, instead of the library's error names.
//!
//! Rules: every sentence says whose fault it is (the broker's certificate, our client
//! certificate, a setting) and, where there is one, which option changes it. A failure before
//! the first byte from the broker reads "Unable to connect (A TLS error occurred): ..." like
//! mosquitto's own line, extended with the reason; one later reads "Error: A TLS error occurred:
//! ...". Alerts arriving after the handshake (TLS 1.3 brokers reject a client certificate only
//! then) are explained by [`Explained`], which wraps the encrypted stream.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use rustls::{AlertDescription, CertificateError, Error};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What the explanations need to know about the connection.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Peer {
    /// The name the certificate was checked against (none on a unix socket).
    pub host: Option<String>,
    /// Whether we presented a client certificate.
    pub client_cert: bool,
}

/// The line for a TLS failure before (`connected == false`) or after the first byte arrived.
pub(crate) fn failure_line(words: &str, connected: bool) -> String {
    let words = super::sentence(words);
    if connected {
        format!("Error: A TLS error occurred: {words}")
    } else {
        format!("Unable to connect (A TLS error occurred): {words}")
    }
}

/// What to say when the socket, not TLS, failed during the handshake.
pub(crate) fn closed_during_handshake(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset => {
            "the broker closed the connection during the TLS handshake; \
             is this port a TLS listener?"
                .to_string()
        }
        _ => super::io_words(err),
    }
}

/// The TLS library's error inside an I/O error, if that is what it is.
pub(crate) fn tls_error(err: &io::Error) -> Option<&Error> {
    err.get_ref()
        .and_then(|inner| inner.downcast_ref::<Error>())
}

/// Why the handshake or the session failed, in words.
pub(crate) fn explain(error: &Error, peer: &Peer) -> String {
    match error {
        Error::InvalidCertificate(certificate) => broker_certificate(certificate, peer),
        Error::AlertReceived(alert) => alert_from_broker(*alert, peer),
        Error::NoCertificatesPresented => "the broker sent no certificate".to_string(),
        Error::PeerIncompatible(why) => {
            format!("the broker's TLS settings have nothing in common with this client's ({why:?})")
        }
        Error::NoApplicationProtocol => {
            "the broker accepts none of the protocols given with --tls-alpn".to_string()
        }
        Error::InvalidMessage(_)
        | Error::InappropriateMessage { .. }
        | Error::InappropriateHandshakeMessage { .. } => {
            "the broker did not answer in TLS; is this port a TLS listener?".to_string()
        }
        Error::DecryptError => "the data from the broker could not be decrypted".to_string(),
        other => format!("{other}"),
    }
}

fn broker_certificate(error: &CertificateError, peer: &Peer) -> String {
    match error {
        CertificateError::UnknownIssuer => {
            "the broker's certificate is not signed by a trusted CA \
             (unknown issuer); check --cafile, --capath or --tls-use-os-certs"
                .to_string()
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            let host = peer.host.as_deref().unwrap_or("the broker");
            format!(
                "the broker's certificate is not valid for the host name {host} \
                 (name mismatch); connect with a name the certificate lists"
            )
        }
        CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
            "the broker's certificate has expired".to_string()
        }
        CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
            "the broker's certificate is not valid yet; check the clock".to_string()
        }
        CertificateError::Revoked => "the broker's certificate has been revoked".to_string(),
        CertificateError::BadSignature => {
            "the broker's certificate has a signature that does not verify".to_string()
        }
        CertificateError::BadEncoding => "the broker's certificate cannot be parsed".to_string(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "the broker's certificate is not meant for a TLS server".to_string()
        }
        other => format!("the broker's certificate was not accepted ({other:?})"),
    }
}

fn alert_from_broker(alert: AlertDescription, peer: &Peer) -> String {
    use AlertDescription as A;
    match alert {
        A::CertificateRequired => {
            "the broker requires a client certificate (client certificate required); \
             give one with --cert and --key"
                .to_string()
        }
        A::HandshakeFailure if !peer.client_cert => {
            "the broker refused the handshake; it may require a client certificate \
             (give one with --cert and --key) or share no cipher with this client"
                .to_string()
        }
        A::BadCertificate
        | A::UnsupportedCertificate
        | A::CertificateRevoked
        | A::CertificateExpired
        | A::CertificateUnknown
        | A::UnknownCA
        | A::AccessDenied
        | A::DecryptError
        | A::HandshakeFailure
            if peer.client_cert =>
        {
            format!(
                "the broker rejected the client certificate given with --cert ({})",
                alert_name(alert)
            )
        }
        A::ProtocolVersion => {
            "the broker does not accept the TLS version chosen with --tls-version".to_string()
        }
        A::InsufficientSecurity => {
            "the broker wants stronger ciphers than those chosen with --ciphers".to_string()
        }
        A::NoApplicationProtocol => {
            "the broker accepts none of the protocols given with --tls-alpn".to_string()
        }
        other => format!("the broker ended the handshake ({})", alert_name(other)),
    }
}

/// An alert's name as the TLS specifications spell it, e.g. "unknown_ca".
fn alert_name(alert: AlertDescription) -> String {
    let camel = format!("{alert:?}");
    let mut name = String::with_capacity(camel.len() + 4);
    let mut previous_upper = true;
    for c in camel.chars() {
        // A new word starts at a capital after a small letter; runs of capitals (UnknownCA)
        // stay one word.
        if c.is_ascii_uppercase() && !previous_upper {
            name.push('_');
        }
        previous_upper = c.is_ascii_uppercase();
        name.push(c.to_ascii_lowercase());
    }
    name
}

/// An encrypted stream whose TLS errors carry the explanation. The engine sees the sentence as
/// the error's text (kind `InvalidData`, which it reports as a TLS failure).
pub(crate) struct Explained<S> {
    inner: S,
    peer: Peer,
    connected: bool,
}

impl<S> Explained<S> {
    pub(crate) fn new(inner: S, peer: Peer) -> Explained<S> {
        Explained {
            inner,
            peer,
            connected: false,
        }
    }

    fn map(&self, err: io::Error) -> io::Error {
        match tls_error(&err) {
            Some(tls) => io::Error::new(
                io::ErrorKind::InvalidData,
                failure_line(&explain(tls, &self.peer), self.connected),
            ),
            None => err,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Explained<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                self.connected |= buf.filled().len() > before;
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(self.map(e))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Explained<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        result.map_err(|e| self.map(e))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        result.map_err(|e| self.map(e))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        result.map_err(|e| self.map(e))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_shutdown(cx);
        result.map_err(|e| self.map(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    fn peer(client_cert: bool) -> Peer {
        Peer {
            host: Some("broker.example".to_string()),
            client_cert,
        }
    }

    #[test]
    fn certificate_problems_name_the_cause() {
        let cases = [
            (
                Error::InvalidCertificate(CertificateError::UnknownIssuer),
                "the broker's certificate is not signed by a trusted CA (unknown issuer); check --cafile, --capath or --tls-use-os-certs",
            ),
            (
                Error::InvalidCertificate(CertificateError::NotValidForName),
                "the broker's certificate is not valid for the host name broker.example (name mismatch); connect with a name the certificate lists",
            ),
            (
                Error::InvalidCertificate(CertificateError::Expired),
                "the broker's certificate has expired",
            ),
            (
                Error::InvalidCertificate(CertificateError::NotValidYet),
                "the broker's certificate is not valid yet; check the clock",
            ),
            (
                Error::InvalidCertificate(CertificateError::BadSignature),
                "the broker's certificate has a signature that does not verify",
            ),
            (
                Error::InvalidCertificate(CertificateError::UnhandledCriticalExtension),
                "the broker's certificate was not accepted (UnhandledCriticalExtension)",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(explain(&error, &peer(false)), expected, "{error:?}");
        }
    }

    #[test]
    fn alerts_depend_on_whether_we_sent_a_certificate() {
        let cases = [
            (AlertDescription::CertificateRequired, false, "the broker requires a client certificate (client certificate required); give one with --cert and --key"),
            (AlertDescription::HandshakeFailure, false, "the broker refused the handshake; it may require a client certificate (give one with --cert and --key) or share no cipher with this client"),
            (AlertDescription::HandshakeFailure, true, "the broker rejected the client certificate given with --cert (handshake_failure)"),
            (AlertDescription::UnknownCA, true, "the broker rejected the client certificate given with --cert (unknown_ca)"),
            (AlertDescription::UnknownCA, false, "the broker ended the handshake (unknown_ca)"),
            (AlertDescription::ProtocolVersion, false, "the broker does not accept the TLS version chosen with --tls-version"),
            (AlertDescription::NoApplicationProtocol, true, "the broker accepts none of the protocols given with --tls-alpn"),
            (AlertDescription::InternalError, true, "the broker ended the handshake (internal_error)"),
        ];
        for (alert, client_cert, expected) in cases {
            assert_eq!(
                explain(&Error::AlertReceived(alert), &peer(client_cert)),
                expected,
                "{alert:?} {client_cert}"
            );
        }
    }

    #[test]
    fn the_line_depends_on_whether_the_broker_said_anything_yet() {
        assert_eq!(
            failure_line("why", false),
            "Unable to connect (A TLS error occurred): why."
        );
        assert_eq!(
            failure_line("why", true),
            "Error: A TLS error occurred: why."
        );
        assert_eq!(
            failure_line("is this a TLS listener?", false),
            "Unable to connect (A TLS error occurred): is this a TLS listener?"
        );
    }

    fn certificate_required() -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            Error::AlertReceived(AlertDescription::CertificateRequired),
        )
    }

    #[tokio::test]
    async fn wrapped_streams_explain_tls_errors_and_pass_others_through() {
        const WHY: &str = "the broker requires a client certificate (client certificate required); give one with --cert and --key.";
        let cases = [
            (
                vec![Err(certificate_required())],
                io::ErrorKind::InvalidData,
                format!("Unable to connect (A TLS error occurred): {WHY}"),
            ),
            (
                vec![Ok(b"\x20\x02".to_vec()), Err(certificate_required())],
                io::ErrorKind::InvalidData,
                format!("Error: A TLS error occurred: {WHY}"),
            ),
            (
                vec![Err(io::Error::new(io::ErrorKind::ConnectionReset, "reset"))],
                io::ErrorKind::ConnectionReset,
                "reset".to_string(),
            ),
        ];
        for (script, kind, text) in cases {
            let mut wrapped = Explained::new(Scripted(script.into()), peer(false));
            let mut buf = [0u8; 8];
            let outcome = loop {
                match wrapped.read(&mut buf).await {
                    Ok(0) => break None,
                    Ok(_) => continue,
                    Err(e) => break Some((e.kind(), e.to_string())),
                }
            };
            assert_eq!(outcome, Some((kind, text)));
        }
    }

    /// A reader that yields the scripted results in order, then the end of the stream.
    struct Scripted(std::collections::VecDeque<io::Result<Vec<u8>>>);

    impl AsyncRead for Scripted {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            match self.0.pop_front() {
                Some(Ok(bytes)) => {
                    buf.put_slice(&bytes);
                    Poll::Ready(Ok(()))
                }
                Some(Err(e)) => Poll::Ready(Err(e)),
                None => Poll::Ready(Ok(())),
            }
        }
    }
}
