//! The two ways of checking the broker's certificate that differ from the standard one.
//!
//! Rules: `--insecure` accepts any certificate chain and any name, but the handshake signatures
//! are still checked against the certificate the broker sent (that costs nothing and keeps the
//! handshake itself honest). A unix socket has no host name, so there the chain is verified as
//! usual and only a name mismatch is forgiven.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, SignatureScheme};

/// `--insecure`: no verification of the certificate at all.
#[derive(Debug)]
pub(crate) struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl AcceptAnyCertificate {
    pub(crate) fn new(algorithms: WebPkiSupportedAlgorithms) -> AcceptAnyCertificate {
        AcceptAnyCertificate { algorithms }
    }
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The standard verification, except that the certificate need not name the host.
#[derive(Debug)]
pub(crate) struct IgnoreHostName {
    inner: Arc<WebPkiServerVerifier>,
}

impl IgnoreHostName {
    pub(crate) fn new(inner: Arc<WebPkiServerVerifier>) -> IgnoreHostName {
        IgnoreHostName { inner }
    }
}

impl ServerCertVerifier for IgnoreHostName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        // The name is checked last, after the chain, so forgiving it forgives nothing else.
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqtt_test_support::Certificates;
    use rustls::pki_types::pem::PemObject;
    use rustls::RootCertStore;
    use std::path::Path;

    fn certificate(path: &Path) -> CertificateDer<'static> {
        CertificateDer::from_pem_file(path).unwrap_or_else(|e| panic!("{path:?}: {e}"))
    }

    fn verify(verifier: &dyn ServerCertVerifier, cert: &Path, name: &str) -> Result<(), Error> {
        let name = ServerName::try_from(name.to_string()).unwrap_or_else(|e| panic!("{e}"));
        verifier
            .verify_server_cert(&certificate(cert), &[], &name, &[], UnixTime::now())
            .map(|_| ())
    }

    /// The standard verifier trusting only `ca`, and the one that ignores the name.
    fn verifiers(ca: &Path) -> (Arc<WebPkiServerVerifier>, IgnoreHostName) {
        let mut roots = RootCertStore::empty();
        roots.add(certificate(ca)).unwrap_or_else(|e| panic!("{e}"));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let standard = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let lenient = IgnoreHostName::new(Arc::clone(&standard));
        (standard, lenient)
    }

    /// A verdict reduced to what the rules are about.
    fn verdict(result: Result<(), Error>) -> &'static str {
        match result {
            Ok(()) => "ok",
            Err(Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. })) => {
                "name"
            }
            Err(Error::InvalidCertificate(CertificateError::ExpiredContext { .. })) => "expired",
            Err(Error::InvalidCertificate(CertificateError::UnknownIssuer)) => "unknown issuer",
            Err(_) => "other",
        }
    }

    #[test]
    fn ignoring_the_name_forgives_only_the_name() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let certs = Certificates::generate(dir.path());
        // (trusted CA, certificate, name, standard verdict, verdict without the name check)
        let cases = [
            (&certs.ca, &certs.server_cert, "127.0.0.1", "ok", "ok"),
            (
                &certs.ca,
                &certs.wrong_host_server_cert,
                "localhost",
                "name",
                "ok",
            ),
            (
                &certs.ca,
                &certs.expired_server_cert,
                "localhost",
                "expired",
                "expired",
            ),
            (
                &certs.other_ca,
                &certs.server_cert,
                "localhost",
                "unknown issuer",
                "unknown issuer",
            ),
        ];
        for (ca, cert, name, standard_says, lenient_says) in cases {
            let (standard, lenient) = verifiers(ca);
            assert_eq!(
                verdict(verify(standard.as_ref(), cert, name)),
                standard_says,
                "{cert:?}"
            );
            assert_eq!(
                verdict(verify(&lenient, cert, name)),
                lenient_says,
                "{cert:?}"
            );
        }
    }

    #[test]
    fn insecure_accepts_any_certificate() {
        let provider = rustls::crypto::ring::default_provider();
        let verifier = AcceptAnyCertificate::new(provider.signature_verification_algorithms);
        let name = ServerName::try_from("anything").unwrap_or_else(|e| panic!("{e}"));
        for bytes in [&b""[..], b"not a certificate"] {
            let cert = CertificateDer::from(bytes.to_vec());
            let verdict = verifier.verify_server_cert(&cert, &[], &name, &[], UnixTime::now());
            assert!(verdict.is_ok());
        }
        assert!(!verifier.supported_verify_schemes().is_empty());
    }
}
