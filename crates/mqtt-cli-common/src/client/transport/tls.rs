//! Certificate-based TLS (rustls with the ring provider): building the client configuration from
//! the TLS options, and the handshake over an already open stream.
//!
//! Rules, after mosquitto 2.1's clients:
//! - Trusted CAs are the union of `--cafile` (PEM, every certificate in it), `--capath` (every
//!   PEM certificate in the directory's files) and, with `--tls-use-os-certs`, the system's
//!   store. A CA file without a certificate, or a system store that yields none, is an error.
//! - The broker's certificate must chain to one of them and name the host (DNS name or IP
//!   address) we connect to; the host is also sent as SNI when it is a name. On a unix socket
//!   the name is not checked. `--insecure` checks nothing (and says so on stderr once).
//! - `--tls-version tlsv1.2` allows TLS 1.2 and 1.3, `tlsv1.3` only 1.3: like OpenSSL in
//!   mosquitto, the option sets the lowest version.
//! - `--cert`/`--key`: a PEM certificate chain and its PEM private key (PKCS#8, PKCS#1 or SEC1,
//!   unencrypted).
//! - Setting problems read "Error: Problem setting TLS options: ...", handshake failures
//!   "Unable to connect (A TLS error occurred): <why>." (see `explain`).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, SupportedProtocolVersion};
use tokio_rustls::TlsConnector;

use super::explain::{closed_during_handshake, explain, failure_line, tls_error, Explained, Peer};
use super::keylog::KeyLogFile;
use super::verify::{AcceptAnyCertificate, IgnoreHostName};
use super::{ciphers, io_words, Stream};
use crate::config::TlsOptions;
use crate::error::{print_error, ClientError};

/// The `--insecure` warning is printed once per process, not on every reconnection.
static INSECURE_WARNED: AtomicBool = AtomicBool::new(false);

const INSECURE_WARNING: &str = "Warning: --insecure is set, so the broker's certificate is not \
     verified and anyone able to intercept the connection can read and change it.";

/// Runs the TLS handshake over `stream`. `host` is the broker's name or address as given; `None`
/// on a unix socket.
pub(crate) async fn connect(
    stream: Stream,
    host: Option<&str>,
    options: &TlsOptions,
    quiet: bool,
) -> Result<Stream, ClientError> {
    let setting =
        |why: String| ClientError::Tls(format!("Error: Problem setting TLS options: {why}."));
    let config = client_config(options, host.is_some()).map_err(setting)?;
    if let Some(warning) = insecure_warning(options, &INSECURE_WARNED) {
        print_error(quiet, warning);
    }
    let name = server_name(host).map_err(setting)?;
    let peer = Peer {
        host: host.map(str::to_string),
        client_cert: options.cert.is_some(),
    };
    match TlsConnector::from(Arc::new(config))
        .connect(name, stream)
        .await
    {
        Ok(tls) => Ok(Stream::new(Explained::new(tls, peer))),
        Err(e) => Err(match tls_error(&e) {
            Some(tls) => ClientError::Tls(failure_line(&explain(tls, &peer), false)),
            // The socket failed or closed mid-handshake: the broker may be restarting, so
            // this stays a (retryable) connection failure.
            None => ClientError::Connect(failure_line(&closed_during_handshake(&e), false)),
        }),
    }
}

/// The `--insecure` warning, the first time it is due (`warned` remembers).
fn insecure_warning(options: &TlsOptions, warned: &AtomicBool) -> Option<&'static str> {
    (options.insecure && !warned.swap(true, Ordering::Relaxed)).then_some(INSECURE_WARNING)
}

/// The name the certificate must carry: the host as given, or "localhost" on a unix socket
/// (where it is not checked).
fn server_name(host: Option<&str>) -> Result<ServerName<'static>, String> {
    let host = host.unwrap_or("localhost");
    // A bracketed IPv6 literal is still an address.
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    ServerName::try_from(bare.to_string())
        .map_err(|_| format!("{host} is not a host name or address TLS can verify"))
}

/// The rustls configuration for these options. `check_name`: whether the certificate must name
/// the host (not on a unix socket).
pub(crate) fn client_config(
    options: &TlsOptions,
    check_name: bool,
) -> Result<ClientConfig, String> {
    let mut provider = rustls::crypto::ring::default_provider();
    if let Some(list) = &options.ciphers {
        provider.cipher_suites = ciphers::select(list, &provider.cipher_suites)?;
    }
    let provider = Arc::new(provider);
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(versions(options.version.as_deref())?)
        .map_err(|_| {
            "the ciphers chosen with --ciphers cannot be used with the TLS version chosen \
             with --tls-version"
                .to_string()
        })?;
    let builder = if options.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate::new(
                provider.signature_verification_algorithms,
            )))
    } else {
        let roots = trusted_roots(options)?;
        let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|e| format!("the trusted CA certificates cannot be used ({e})"))?;
        if check_name {
            builder.with_webpki_verifier(verifier)
        } else {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(IgnoreHostName::new(verifier)))
        }
    };
    let mut config = match client_identity(options)? {
        Some((chain, key)) => builder
            .with_client_auth_cert(chain, key)
            .map_err(|e| format!("the client certificate and key cannot be used together ({e})"))?,
        None => builder.with_no_client_auth(),
    };
    if let Some(alpn) = &options.alpn {
        config.alpn_protocols = vec![alpn.as_bytes().to_vec()];
    }
    if let Some(path) = &options.keylog {
        config.key_log = Arc::new(KeyLogFile::open(path)?);
    }
    Ok(config)
}

/// The TLS versions `--tls-version` allows.
fn versions(version: Option<&str>) -> Result<&'static [&'static SupportedProtocolVersion], String> {
    static FROM_TLS12: [&SupportedProtocolVersion; 2] =
        [&rustls::version::TLS13, &rustls::version::TLS12];
    static ONLY_TLS13: [&SupportedProtocolVersion; 1] = [&rustls::version::TLS13];
    match version.map(str::to_ascii_lowercase).as_deref() {
        None | Some("tlsv1.2") => Ok(&FROM_TLS12),
        Some("tlsv1.3") => Ok(&ONLY_TLS13),
        Some(other) => Err(format!("the TLS version {other} is not supported")),
    }
}

/// The CA certificates to trust.
fn trusted_roots(options: &TlsOptions) -> Result<RootCertStore, String> {
    let mut roots = RootCertStore::empty();
    if let Some(file) = &options.cafile {
        let certificates = read_certificates(file)?;
        if certificates.is_empty() {
            return Err(format!(
                "no certificate found in the CA file {}",
                file.display()
            ));
        }
        for certificate in certificates {
            roots.add(certificate).map_err(|e| {
                format!(
                    "the CA file {} holds an unusable certificate ({e})",
                    file.display()
                )
            })?;
        }
    }
    if let Some(dir) = &options.capath {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            format!(
                "cannot read the CA directory {}: {}",
                dir.display(),
                io_words(&e)
            )
        })?;
        for entry in entries.flatten() {
            let path = entry.path();
            // Other files (keys, hash links to the same certificates) are normal in a CA
            // directory; anything that is not a certificate is skipped.
            if path.is_file() {
                if let Ok(certificates) = read_certificates(&path) {
                    roots.add_parsable_certificates(certificates);
                }
            }
        }
    }
    if options.use_os_certs {
        let found = rustls_native_certs::load_native_certs();
        let (added, _) = roots.add_parsable_certificates(found.certs);
        if added == 0 {
            let why = found
                .errors
                .first()
                .map_or_else(|| "none found".to_string(), ToString::to_string);
            return Err(format!("cannot load the system's CA certificates ({why})"));
        }
    }
    if roots.is_empty() {
        return Err(
            "no trusted CA certificate was found; give one with --cafile or --capath, \
             or use --tls-use-os-certs"
                .to_string(),
        );
    }
    Ok(roots)
}

/// `--cert` and `--key`, when given.
fn client_identity(
    options: &TlsOptions,
) -> Result<Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>, String> {
    let (cert, key) = match (&options.cert, &options.key) {
        (None, None) => return Ok(None),
        (Some(cert), Some(key)) => (cert, key),
        _ => return Err("both --cert and --key are needed for a client certificate".to_string()),
    };
    let chain = read_certificates(cert)?;
    if chain.is_empty() {
        return Err(format!("no certificate found in {}", cert.display()));
    }
    let pem = read_file(key)?;
    let key = PrivateKeyDer::from_pem_slice(&pem).map_err(|_| {
        format!(
            "no usable private key found in {} (it must be PEM and not encrypted)",
            key.display()
        )
    })?;
    Ok(Some((chain, key)))
}

/// Every PEM certificate in a file.
fn read_certificates(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let pem = read_file(path)?;
    CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("cannot read the certificates in {} ({e})", path.display()))
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {}", path.display(), io_words(&e)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_test_support::Certificates;
    use std::path::PathBuf;

    fn certificates() -> (tempfile::TempDir, Certificates) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let certs = Certificates::generate(dir.path());
        (dir, certs)
    }

    fn with_ca(ca: &Path) -> TlsOptions {
        TlsOptions {
            cafile: Some(ca.to_path_buf()),
            ..TlsOptions::default()
        }
    }

    fn error_of(options: &TlsOptions) -> String {
        client_config(options, true).err().unwrap_or_default()
    }

    #[test]
    fn insecure_connections_are_warned_about_once() {
        let warned = AtomicBool::new(false);
        let insecure = TlsOptions {
            insecure: true,
            ..TlsOptions::default()
        };
        let cases = [
            (TlsOptions::default(), None),
            (insecure.clone(), Some(INSECURE_WARNING)),
            (insecure, None),
        ];
        for (options, expected) in cases {
            assert_eq!(insecure_warning(&options, &warned), expected, "{options:?}");
        }
    }

    #[test]
    fn versions_follow_openssl_minimum_semantics() {
        let names = |v: Option<&str>| {
            versions(v).map(|list| {
                list.iter()
                    .map(|v| format!("{:?}", v.version))
                    .collect::<Vec<_>>()
            })
        };
        let both = Ok(vec!["TLSv1_3".to_string(), "TLSv1_2".to_string()]);
        assert_eq!(names(None), both);
        assert_eq!(names(Some("tlsv1.2")), both);
        assert_eq!(names(Some("TLSv1.2")), both);
        assert_eq!(names(Some("tlsv1.3")), Ok(vec!["TLSv1_3".to_string()]));
        assert_eq!(
            names(Some("tlsv1.1")),
            Err("the TLS version tlsv1.1 is not supported".to_string())
        );
    }

    #[test]
    fn server_names_accept_hosts_and_addresses() {
        let cases = [
            (Some("localhost"), "DnsName(\"localhost\")"),
            (Some("127.0.0.1"), "IpAddress(V4(Ipv4Addr([127, 0, 0, 1])))"),
            (
                Some("[::1]"),
                "IpAddress(V6(Ipv6Addr([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])))",
            ),
            (None, "DnsName(\"localhost\")"),
        ];
        for (host, expected) in cases {
            assert_eq!(
                server_name(host).map(|n| format!("{n:?}")),
                Ok(expected.to_string()),
                "{host:?}"
            );
        }
        assert_eq!(
            server_name(Some("bad name!")).err(),
            Some("bad name! is not a host name or address TLS can verify".to_string())
        );
    }

    #[test]
    fn good_settings_build_a_configuration() {
        let (_dir, certs) = certificates();
        let keylog = certs.ca.with_file_name("keys.log");
        let cases = [
            with_ca(&certs.ca),
            TlsOptions {
                capath: certs.ca.parent().map(Path::to_path_buf),
                ..TlsOptions::default()
            },
            TlsOptions {
                cert: Some(certs.client_cert.clone()),
                key: Some(certs.client_key.clone()),
                alpn: Some("mqtt".into()),
                version: Some("tlsv1.3".into()),
                ciphers: Some("TLS_AES_128_GCM_SHA256".into()),
                keylog: Some(keylog.clone()),
                ..with_ca(&certs.ca)
            },
            TlsOptions {
                insecure: true,
                ..TlsOptions::default()
            },
        ];
        for options in cases {
            let config = client_config(&options, true);
            assert!(config.is_ok(), "{options:?}: {:?}", config.err());
        }
        assert!(keylog.is_file());
        let config = client_config(
            &TlsOptions {
                alpn: Some("mqtt".into()),
                ..with_ca(&certs.ca)
            },
            false,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.alpn_protocols, vec![b"mqtt".to_vec()]);
    }

    #[test]
    fn bad_settings_are_errors_in_words() {
        let (dir, certs) = certificates();
        let missing = PathBuf::from("/nonexistent/ca.crt");
        let not_pem = dir.path().join("empty.crt");
        std::fs::write(&not_pem, "nothing here\n").unwrap_or_else(|e| panic!("{e}"));
        let empty_dir = dir.path().join("empty-dir");
        std::fs::create_dir(&empty_dir).unwrap_or_else(|e| panic!("{e}"));
        let cases = [
            (
                with_ca(&missing),
                "cannot read /nonexistent/ca.crt: No such file or directory".to_string(),
            ),
            (
                with_ca(&not_pem),
                format!("no certificate found in the CA file {}", not_pem.display()),
            ),
            (
                TlsOptions {
                    capath: Some(empty_dir.clone()),
                    ..TlsOptions::default()
                },
                "no trusted CA certificate was found; give one with --cafile or --capath, or use --tls-use-os-certs".to_string(),
            ),
            (
                TlsOptions {
                    capath: Some(missing.clone()),
                    ..TlsOptions::default()
                },
                "cannot read the CA directory /nonexistent/ca.crt: No such file or directory".to_string(),
            ),
            (
                TlsOptions {
                    cert: Some(certs.client_cert.clone()),
                    ..with_ca(&certs.ca)
                },
                "both --cert and --key are needed for a client certificate".to_string(),
            ),
            (
                TlsOptions {
                    cert: Some(certs.client_cert.clone()),
                    key: Some(certs.client_cert.clone()),
                    ..with_ca(&certs.ca)
                },
                format!(
                    "no usable private key found in {} (it must be PEM and not encrypted)",
                    certs.client_cert.display()
                ),
            ),
            (
                TlsOptions {
                    cert: Some(certs.client_cert.clone()),
                    key: Some(certs.server_key.clone()),
                    ..with_ca(&certs.ca)
                },
                "the client certificate and key cannot be used together (".to_string(),
            ),
            (
                TlsOptions {
                    ciphers: Some("RC4-MD5".into()),
                    ..with_ca(&certs.ca)
                },
                "the cipher \"RC4-MD5\" is not supported; choose from ".to_string(),
            ),
            (
                TlsOptions {
                    ciphers: Some("ECDHE-RSA-AES128-GCM-SHA256:!TLS_AES_128_GCM_SHA256:!TLS_AES_256_GCM_SHA384:!TLS_CHACHA20_POLY1305_SHA256".into()),
                    version: Some("tlsv1.3".into()),
                    ..with_ca(&certs.ca)
                },
                "the ciphers chosen with --ciphers cannot be used with the TLS version chosen with --tls-version".to_string(),
            ),
            (
                TlsOptions {
                    keylog: Some(missing.clone()),
                    ..with_ca(&certs.ca)
                },
                "cannot open the key log file /nonexistent/ca.crt: No such file or directory".to_string(),
            ),
        ];
        for (options, expected) in cases {
            let error = error_of(&options);
            assert!(
                error.starts_with(&expected),
                "{options:?}:\n{error}\n{expected}"
            );
        }
    }
}
