//! TLS with a pre-shared key (`--psk`, `--psk-identity`), through OpenSSL: rustls has no
//! external pre-shared keys.
//!
//! Rules, after mosquitto: TLS 1.2 only (mosquitto turns TLS 1.3 off for PSK), no certificates,
//! only PSK cipher suites unless `--ciphers` gives a list (in OpenSSL's own syntax, passed
//! through). The broker's certificate is never checked, so offering the certificate suites of
//! OpenSSL's default list would let any TLS server pass for the broker: the key is what
//! authenticates it. Failures are explained in words: an unknown identity, a wrong key, a listener that
//! does not speak PSK. All of them happen during the handshake, as TLS 1.2 has the broker
//! check our key before the handshake ends.

use std::io;
use std::pin::Pin;

use openssl::error::ErrorStack;
use openssl::ssl::{ErrorCode, Ssl, SslContext, SslMethod, SslMode, SslVerifyMode, SslVersion};
use tokio_openssl::SslStream;

use super::explain::{closed_during_handshake, failure_line};
use super::Stream;
use crate::config::PskOptions;
use crate::error::ClientError;

/// OpenSSL reports a received alert as this plus the alert's number.
const ALERT_REASON_OFFSET: i32 = 1000;
const ALERT_BAD_RECORD_MAC: i32 = 20;
const ALERT_HANDSHAKE_FAILURE: i32 = 40;
const ALERT_DECRYPT_ERROR: i32 = 51;
const ALERT_PROTOCOL_VERSION: i32 = 70;
const ALERT_UNKNOWN_PSK_IDENTITY: i32 = 115;

/// The cipher list without `--ciphers`: every suite whose key exchange uses the pre-shared key.
const DEFAULT_CIPHERS: &str = "PSK";

/// Runs the TLS-PSK handshake over `stream`.
pub(crate) async fn connect(stream: Stream, options: &PskOptions) -> Result<Stream, ClientError> {
    let setting =
        |why: String| ClientError::Tls(format!("Error: Problem setting TLS-PSK options: {why}."));
    let context = context(options).map_err(setting)?;
    let ssl = Ssl::new(&context).map_err(|e| setting(stack_words(&e)))?;
    let mut tls = SslStream::new(ssl, stream).map_err(|e| setting(stack_words(&e)))?;
    match Pin::new(&mut tls).connect().await {
        Ok(()) => Ok(Stream::new(tls)),
        Err(e) => Err(handshake_error(&e, &options.identity)),
    }
}

/// The OpenSSL context. Not `SslConnector`, whose default cipher list leaves PSK out.
fn context(options: &PskOptions) -> Result<SslContext, String> {
    let mut builder = SslContext::builder(SslMethod::tls_client()).map_err(|e| stack_words(&e))?;
    builder
        .set_min_proto_version(Some(SslVersion::TLS1_2))
        .and_then(|()| builder.set_max_proto_version(Some(SslVersion::TLS1_2)))
        .map_err(|e| stack_words(&e))?;
    let list = options.ciphers.as_deref().unwrap_or(DEFAULT_CIPHERS);
    builder
        .set_cipher_list(list)
        .map_err(|_| format!("the cipher list \"{list}\" names no cipher OpenSSL knows"))?;
    builder.set_verify(SslVerifyMode::NONE);
    // The engine may abandon a write that is waiting for the socket and later offer the same
    // bytes from a buffer that has moved or grown; OpenSSL refuses that unless told it is fine.
    builder.set_mode(
        SslMode::AUTO_RETRY | SslMode::ACCEPT_MOVING_WRITE_BUFFER | SslMode::ENABLE_PARTIAL_WRITE,
    );
    let identity = options.identity.clone().into_bytes();
    let key = options.key.clone();
    builder.set_psk_client_callback(move |_ssl, _hint, identity_out, key_out| {
        // The identity goes out as a C string, so it needs room for the final zero byte.
        if identity.len() >= identity_out.len() || key.len() > key_out.len() {
            return Err(ErrorStack::get());
        }
        identity_out[..identity.len()].copy_from_slice(&identity);
        identity_out[identity.len()] = 0;
        key_out[..key.len()].copy_from_slice(&key);
        Ok(key.len())
    });
    Ok(builder.build())
}

/// The error for a failed handshake: the broker's alert in words, or the socket's failure.
fn handshake_error(error: &openssl::ssl::Error, identity: &str) -> ClientError {
    let hung_up =
        |io: &io::Error| ClientError::Connect(failure_line(&closed_during_handshake(io), false));
    if let Some(io) = error.io_error() {
        return hung_up(io);
    }
    let stack = error.ssl_error();
    if let Some(number) = stack.and_then(alert_number) {
        return ClientError::Tls(failure_line(&alert_words(number, identity), false));
    }
    if matches!(error.code(), ErrorCode::SYSCALL | ErrorCode::ZERO_RETURN)
        || stack.is_some_and(is_unexpected_eof)
    {
        return hung_up(&io::ErrorKind::UnexpectedEof.into());
    }
    let words = stack.map_or_else(|| error.to_string(), stack_words);
    ClientError::Tls(failure_line(&words, false))
}

/// The number of the alert the broker sent, if the failure is one.
fn alert_number(stack: &ErrorStack) -> Option<i32> {
    stack
        .errors()
        .iter()
        .map(|e| e.reason_code() - ALERT_REASON_OFFSET)
        .find(|n| (0..256).contains(n))
}

/// The broker's alert, in words.
fn alert_words(number: i32, identity: &str) -> String {
    match number {
        ALERT_BAD_RECORD_MAC | ALERT_DECRYPT_ERROR => format!(
            "the broker rejected the pre-shared key for the identity {identity}; check --psk"
        ),
        ALERT_UNKNOWN_PSK_IDENTITY => {
            format!(
                "the broker does not know the PSK identity {identity} given with --psk-identity"
            )
        }
        ALERT_HANDSHAKE_FAILURE => "the broker refused the handshake; is this port a TLS-PSK \
             listener, and does it share a PSK cipher with this client?"
            .to_string(),
        ALERT_PROTOCOL_VERSION => {
            "the broker does not accept TLS 1.2, which TLS-PSK needs".to_string()
        }
        other => format!("the broker ended the handshake (TLS alert {other})"),
    }
}

/// OpenSSL 3 reports a peer that hung up without a word as this reason.
fn is_unexpected_eof(stack: &ErrorStack) -> bool {
    stack
        .errors()
        .iter()
        .any(|e| e.reason() == Some("unexpected eof while reading"))
}

/// OpenSSL's reasons, without its codes and file names.
fn stack_words(stack: &ErrorStack) -> String {
    let reasons: Vec<&str> = stack.errors().iter().filter_map(|e| e.reason()).collect();
    if reasons.is_empty() {
        "OpenSSL failed without saying why".to_string()
    } else {
        reasons.join("; ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_explained() {
        let cases = [
            (20, "the broker rejected the pre-shared key for the identity id; check --psk"),
            (51, "the broker rejected the pre-shared key for the identity id; check --psk"),
            (115, "the broker does not know the PSK identity id given with --psk-identity"),
            (40, "the broker refused the handshake; is this port a TLS-PSK listener, and does it share a PSK cipher with this client?"),
            (70, "the broker does not accept TLS 1.2, which TLS-PSK needs"),
            (80, "the broker ended the handshake (TLS alert 80)"),
        ];
        for (number, expected) in cases {
            assert_eq!(alert_words(number, "id"), expected, "{number}");
        }
    }

    /// Our PSK handshake against an OpenSSL server that has a certificate and no PSK at all.
    async fn against_a_certificate_server(ciphers: Option<&str>) -> Result<(), String> {
        use openssl::pkey::PKey;
        use openssl::ssl::SslAcceptor;
        use openssl::x509::X509;

        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let certs = mqtt_test_support::Certificates::generate(dir.path());
        let pem = |path: &std::path::Path| std::fs::read(path).map_err(|e| e.to_string());
        let cert = X509::from_pem(&pem(&certs.server_cert)?).map_err(|e| e.to_string())?;
        let key =
            PKey::private_key_from_pem(&pem(&certs.server_key)?).map_err(|e| e.to_string())?;
        let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server())
            .map_err(|e| e.to_string())?;
        acceptor.set_certificate(&cert).map_err(|e| e.to_string())?;
        acceptor.set_private_key(&key).map_err(|e| e.to_string())?;
        let acceptor = acceptor.build();

        let (ours, theirs) = tokio::io::duplex(1 << 16);
        let server = tokio::spawn(async move {
            let ssl = Ssl::new(acceptor.context()).map_err(|e| e.to_string())?;
            let mut tls = SslStream::new(ssl, theirs).map_err(|e| e.to_string())?;
            Pin::new(&mut tls).accept().await.map_err(|e| e.to_string())
        });
        let options = PskOptions {
            key: vec![0xde, 0xad],
            identity: "id".into(),
            ciphers: ciphers.map(str::to_string),
        };
        let client = connect(Stream::new(ours), &options).await;
        server.abort();
        client.map(|_| ()).map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn only_psk_suites_are_offered_unless_ciphers_say_otherwise() {
        let refused = against_a_certificate_server(None).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.contains("is this port a TLS-PSK listener")),
            "{refused:?}"
        );
        // With a list that names certificate suites the handshake works, unverified: the
        // user asked for it.
        let accepted =
            against_a_certificate_server(Some("PSK:ECDHE-ECDSA-AES128-GCM-SHA256")).await;
        assert_eq!(accepted, Ok(()));
    }

    #[test]
    fn settings_are_checked_before_connecting() {
        let options = |ciphers: Option<&str>| PskOptions {
            key: vec![0xde, 0xad],
            identity: "id".into(),
            ciphers: ciphers.map(str::to_string),
        };
        assert!(context(&options(None)).is_ok());
        assert!(context(&options(Some("PSK-AES128-GCM-SHA256"))).is_ok());
        assert_eq!(
            context(&options(Some("NOT-A-CIPHER"))).err(),
            Some("the cipher list \"NOT-A-CIPHER\" names no cipher OpenSSL knows".to_string())
        );
    }
}
