//! Throwaway certificates for TLS tests, made in-process with `rcgen` in a directory the caller
//! owns: a CA; a server certificate for 127.0.0.1/localhost and a client certificate signed by
//! it; and, for failure tests, an expired server certificate, one for the wrong host name, and a
//! second CA with a client certificate of its own (a stranger to the first CA).
//!
//! Rules: ECDSA P-256 keys (fast to make), PEM files (PKCS#8 keys) as mosquitto and the clients
//! read them, valid from a day ago to two days ahead (the expired one ended five days ago),
//! generated afresh for each call, so nothing secret or expiring is ever committed.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use time::{Duration, OffsetDateTime};

use crate::broker::TlsFiles;

/// The names the good server certificate is valid for.
const SERVER_NAMES: [&str; 2] = ["127.0.0.1", "localhost"];

/// The only name the wrong-host certificate is valid for.
pub const WRONG_HOST: &str = "wrong-host.invalid";

/// The files [`Certificates::generate`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificates {
    /// The CA certificate that signed the server and client certificates (`--cafile`).
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    /// A client certificate with common name `test-client` (`--cert`).
    pub client_cert: PathBuf,
    /// Its key (`--key`).
    pub client_key: PathBuf,
    /// A server certificate for 127.0.0.1/localhost, signed by [`Certificates::ca`], that expired.
    pub expired_server_cert: PathBuf,
    pub expired_server_key: PathBuf,
    /// A server certificate signed by [`Certificates::ca`] for [`WRONG_HOST`] only.
    pub wrong_host_server_cert: PathBuf,
    pub wrong_host_server_key: PathBuf,
    /// A second CA, unrelated to [`Certificates::ca`]: trusting only it, no broker certificate
    /// here verifies (unknown issuer).
    pub other_ca: PathBuf,
    /// A client certificate (common name `stranger`) signed by [`Certificates::other_ca`], which
    /// a broker trusting [`Certificates::ca`] rejects.
    pub stranger_client_cert: PathBuf,
    pub stranger_client_key: PathBuf,
}

/// What a leaf certificate is for.
enum Role {
    Server(&'static [&'static str]),
    Client,
}

/// When a certificate is valid, in days from now.
struct Validity {
    from: i64,
    until: i64,
}

const CURRENT: Validity = Validity { from: -1, until: 2 };
const EXPIRED: Validity = Validity {
    from: -10,
    until: -5,
};

impl Certificates {
    /// Makes fresh certificates and keys in `dir`.
    ///
    /// Panics if they cannot be made or written (test code).
    pub fn generate(dir: &Path) -> Certificates {
        match Self::try_generate(dir) {
            Ok(certificates) => certificates,
            Err(message) => panic!(
                "cannot make test certificates in {}: {message}",
                dir.display()
            ),
        }
    }

    fn try_generate(dir: &Path) -> Result<Certificates, String> {
        let ca = make_ca("test-ca")?;
        write(dir, "ca.crt", &ca.pem())?;
        let other_ca = make_ca("other-ca")?;
        write(dir, "other-ca.crt", &other_ca.pem())?;
        let leaf = |name: &str,
                    common_name: &str,
                    role: Role,
                    validity: Validity,
                    issuer: &Issuer<'_, KeyPair>| {
            let (cert, key) = make_leaf(common_name, role, validity, issuer)?;
            let cert_path = write(dir, &format!("{name}.crt"), &cert)?;
            let key_path = write(dir, &format!("{name}.key"), &key)?;
            Ok::<_, String>((cert_path, key_path))
        };
        let (server_cert, server_key) = leaf(
            "server",
            "127.0.0.1",
            Role::Server(&SERVER_NAMES),
            CURRENT,
            &ca,
        )?;
        let (client_cert, client_key) = leaf("client", "test-client", Role::Client, CURRENT, &ca)?;
        let (expired_server_cert, expired_server_key) = leaf(
            "expired",
            "127.0.0.1",
            Role::Server(&SERVER_NAMES),
            EXPIRED,
            &ca,
        )?;
        let (wrong_host_server_cert, wrong_host_server_key) = leaf(
            "wrong-host",
            WRONG_HOST,
            Role::Server(&[WRONG_HOST]),
            CURRENT,
            &ca,
        )?;
        let (stranger_client_cert, stranger_client_key) =
            leaf("stranger", "stranger", Role::Client, CURRENT, &other_ca)?;
        Ok(Certificates {
            ca: dir.join("ca.crt"),
            server_cert,
            server_key,
            client_cert,
            client_key,
            expired_server_cert,
            expired_server_key,
            wrong_host_server_cert,
            wrong_host_server_key,
            other_ca: dir.join("other-ca.crt"),
            stranger_client_cert,
            stranger_client_key,
        })
    }

    /// The files for [`crate::BrokerBuilder::tls_listener`] with the good server certificate.
    pub fn tls_files(&self, require_certificate: bool) -> TlsFiles {
        self.listener_files(&self.server_cert, &self.server_key, require_certificate)
    }

    /// A TLS listener whose certificate has expired.
    pub fn expired_tls_files(&self) -> TlsFiles {
        self.listener_files(&self.expired_server_cert, &self.expired_server_key, false)
    }

    /// A TLS listener whose certificate names only [`WRONG_HOST`].
    pub fn wrong_host_tls_files(&self) -> TlsFiles {
        self.listener_files(
            &self.wrong_host_server_cert,
            &self.wrong_host_server_key,
            false,
        )
    }

    fn listener_files(&self, cert: &Path, key: &Path, require_certificate: bool) -> TlsFiles {
        TlsFiles {
            cafile: self.ca.clone(),
            certfile: cert.to_path_buf(),
            keyfile: key.to_path_buf(),
            require_certificate,
        }
    }
}

fn make_ca(common_name: &str) -> Result<CertifiedIssuer<'static, KeyPair>, String> {
    let mut params = CertificateParams::default();
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    set_validity(&mut params, &CURRENT);
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    CertifiedIssuer::self_signed(params, key).map_err(|e| e.to_string())
}

/// A certificate and its key, both PEM.
fn make_leaf(
    common_name: &str,
    role: Role,
    validity: Validity,
    issuer: &Issuer<'_, KeyPair>,
) -> Result<(String, String), String> {
    let (names, usage): (Vec<String>, _) = match role {
        Role::Server(names) => (
            names.iter().map(|n| n.to_string()).collect(),
            ExtendedKeyUsagePurpose::ServerAuth,
        ),
        Role::Client => (Vec::new(), ExtendedKeyUsagePurpose::ClientAuth),
    };
    let mut params = CertificateParams::new(names).map_err(|e| e.to_string())?;
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.extended_key_usages = vec![usage];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    set_validity(&mut params, &validity);
    let key = KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.signed_by(&key, issuer).map_err(|e| e.to_string())?;
    Ok((cert.pem(), key.serialize_pem()))
}

fn set_validity(params: &mut CertificateParams, validity: &Validity) {
    let now = OffsetDateTime::now_utc();
    params.not_before = now + Duration::days(validity.from);
    params.not_after = now + Duration::days(validity.until);
}

fn write(dir: &Path, name: &str, text: &str) -> Result<PathBuf, String> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::run_with_timeout;
    use crate::tools::OPENSSL;
    use std::process::Command;
    use std::time::Duration as StdDuration;

    /// `openssl verify` of `cert` against `ca`, with extra arguments; its output on failure.
    fn verify(ca: &Path, cert: &Path, extra: &[&str]) -> Result<(), String> {
        let mut cmd = Command::new(OPENSSL.require());
        cmd.arg("verify")
            .args(extra)
            .arg("-CAfile")
            .arg(ca)
            .arg(cert);
        let out = run_with_timeout(&mut cmd, None, StdDuration::from_secs(30));
        if out.success() {
            Ok(())
        } else {
            Err(out.to_string())
        }
    }

    #[test]
    fn each_certificate_verifies_only_where_it_should() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let c = Certificates::generate(dir.path());
        let server = ["-purpose", "sslserver", "-verify_ip", "127.0.0.1"];
        let client = ["-purpose", "sslclient"];
        let cases: [(&PathBuf, &PathBuf, &[&str], Option<&str>); 8] = [
            (&c.ca, &c.server_cert, &server, None),
            (&c.ca, &c.client_cert, &client, None),
            (&c.other_ca, &c.stranger_client_cert, &client, None),
            (
                &c.ca,
                &c.expired_server_cert,
                &server,
                Some("certificate has expired"),
            ),
            (
                &c.ca,
                &c.wrong_host_server_cert,
                &server,
                Some("IP address mismatch"),
            ),
            (
                &c.ca,
                &c.wrong_host_server_cert,
                &["-verify_hostname", WRONG_HOST],
                None,
            ),
            (
                &c.other_ca,
                &c.server_cert,
                &server,
                Some("unable to get local issuer certificate"),
            ),
            (
                &c.ca,
                &c.stranger_client_cert,
                &client,
                Some("unable to get local issuer certificate"),
            ),
        ];
        for (ca, cert, extra, failure) in cases {
            let result = verify(ca, cert, extra);
            match failure {
                None => assert!(result.is_ok(), "{cert:?}: {result:?}"),
                Some(reason) => {
                    let output = result.err().unwrap_or_default();
                    assert!(output.contains(reason), "{cert:?}: {output}");
                }
            }
        }
        for key in [
            &c.server_key,
            &c.client_key,
            &c.expired_server_key,
            &c.wrong_host_server_key,
            &c.stranger_client_key,
        ] {
            let text = std::fs::read_to_string(key).unwrap_or_default();
            assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"), "{key:?}");
        }
    }

    #[test]
    fn listener_files_pair_each_certificate_with_its_key() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let c = Certificates::generate(dir.path());
        let cases = [
            (c.tls_files(true), &c.server_cert, &c.server_key, true),
            (c.tls_files(false), &c.server_cert, &c.server_key, false),
            (
                c.expired_tls_files(),
                &c.expired_server_cert,
                &c.expired_server_key,
                false,
            ),
            (
                c.wrong_host_tls_files(),
                &c.wrong_host_server_cert,
                &c.wrong_host_server_key,
                false,
            ),
        ];
        for (files, cert, key, required) in cases {
            assert_eq!(files.cafile, c.ca);
            assert_eq!(&files.certfile, cert);
            assert_eq!(&files.keyfile, key);
            assert_eq!(files.require_certificate, required);
        }
    }
}
