//! Throwaway certificates for TLS tests: a CA, a server certificate for 127.0.0.1/localhost and
//! a client certificate, all made with the `openssl` command in a directory the caller owns.
//!
//! Rules: RSA 2048 and two days of validity, generated afresh for each call (a few hundred
//! milliseconds), so nothing secret or expiring is ever committed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::broker::TlsFiles;
use crate::run::run_with_timeout;
use crate::tools::OPENSSL;

/// Key generation is slow on a busy machine; still well under this.
const OPENSSL_TIMEOUT: Duration = Duration::from_secs(60);

/// The files [`Certificates::generate`] made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificates {
    /// The CA certificate that signed both others (`--cafile`).
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    /// A client certificate with common name `test-client` (`--cert`).
    pub client_cert: PathBuf,
    /// Its key (`--key`).
    pub client_key: PathBuf,
}

/// The openssl steps, run in the target directory; `{name}` parts are fixed file names.
const STEPS: [&str; 5] = [
    "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -subj /CN=test-ca -days 2",
    "req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1",
    "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -extfile server.ext -days 2",
    "req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj /CN=test-client",
    "x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2",
];

/// The server certificate must name the address the clients dial.
const SERVER_EXTENSIONS: &str = "subjectAltName=IP:127.0.0.1,DNS:localhost\n";

impl Certificates {
    /// Makes a fresh CA, server and client certificate in `dir`.
    ///
    /// Panics if openssl is missing or fails (test code).
    pub fn generate(dir: &Path) -> Certificates {
        let openssl = OPENSSL.require();
        let extensions = dir.join("server.ext");
        if let Err(error) = std::fs::write(&extensions, SERVER_EXTENSIONS) {
            panic!("cannot write {}: {error}", extensions.display());
        }
        for step in STEPS {
            let mut cmd = Command::new(openssl);
            cmd.args(step.split_whitespace()).current_dir(dir);
            let out = run_with_timeout(&mut cmd, None, OPENSSL_TIMEOUT);
            if !out.success() {
                panic!("openssl {step}: {out}");
            }
        }
        Certificates {
            ca: dir.join("ca.crt"),
            server_cert: dir.join("server.crt"),
            server_key: dir.join("server.key"),
            client_cert: dir.join("client.crt"),
            client_key: dir.join("client.key"),
        }
    }

    /// The files for [`crate::BrokerBuilder::tls_listener`].
    pub fn tls_files(&self, require_certificate: bool) -> TlsFiles {
        TlsFiles {
            cafile: self.ca.clone(),
            certfile: self.server_cert.clone(),
            keyfile: self.server_key.clone(),
            require_certificate,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_uses_only_files_inside_the_directory() {
        for step in STEPS {
            for word in step.split_whitespace() {
                assert!(!word.contains('/') || word.starts_with("/CN="), "{step}");
            }
        }
    }

    #[test]
    fn generated_files_exist_and_are_signed_by_the_ca() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let certs = Certificates::generate(dir.path());
        for path in [
            &certs.ca,
            &certs.server_cert,
            &certs.server_key,
            &certs.client_cert,
            &certs.client_key,
        ] {
            assert!(path.is_file(), "{path:?}");
        }
        for cert in [&certs.server_cert, &certs.client_cert] {
            let mut cmd = Command::new(OPENSSL.require());
            cmd.arg("verify").arg("-CAfile").arg(&certs.ca).arg(cert);
            let out = run_with_timeout(&mut cmd, None, OPENSSL_TIMEOUT);
            assert!(out.success(), "{out}");
        }
        let files = certs.tls_files(true);
        assert_eq!(files.cafile, certs.ca);
        assert!(files.require_certificate);
    }
}
