//! What the end-to-end transport tests of both clients share: one broker that offers every
//! transport (TLS with a good, a mutual, a wrong-host and an expired certificate; TLS-PSK;
//! websockets, plain and over TLS), two SOCKS5 proxies in front of it (open, and guarded by a
//! password), and the ways to reach them typed as a mosquitto user types them, each with what
//! must happen.
//!
//! Rules:
//! - A [`Route`] holds only connection options. The test adds the topic (with `-t`, or at the
//!   end of the `-L` URL for a URL route) and its own options (`-m`, `-C`...).
//! - A route that works prints nothing on stderr but what it announces (the `--insecure`
//!   warning) and fills its key log, if it has one. A route that fails prints one line of
//!   error (at most a usage hint follows), nothing on stdout, and exits with the expected code.
//! - The error line must start with the expected words: mosquitto's own head ("Unable to
//!   connect (...)", "Error: ...") exactly once, then the start of our explanation, which is
//!   not matched to its end so that rewording a hint does not break every test.
//! - Nothing here changes the test process's environment: a route's variables (`SSL_CERT_FILE`
//!   standing in for the system's CA store) go to the child only.

use std::ffi::OsString;
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::broker::{Broker, BrokerBuilder};
use crate::certificates::Certificates;
use crate::ports::free_port;
use crate::run::{command, run_with_timeout, RunOutput};
use crate::socks::SocksProxy;
use crate::tools::OPENSSL;

pub const PSK_IDENTITY: &str = "psk-client";
pub const PSK_KEY: &str = "0123456789abcdef";
pub const PROXY_USER: &str = "proxy-user";
pub const PROXY_PASSWORD: &str = "proxy-secret";

/// The port `-p` turns TLS on with (mosquitto's rule).
pub const MQTTS_PORT: u16 = 8883;

/// How long the port 8883 may stay taken (by another test run) before its test is skipped.
const MQTTS_PORT_WAIT: Duration = Duration::from_secs(30);

/// The start of what `--insecure` prints on stderr.
pub const INSECURE_WARNING: &str =
    "Warning: --insecure is set, so the broker's certificate is not verified";

/// A route whose URL says everything.
const NO_ARGS: &[&str] = &[];

/// How long a client may take to send its websocket upgrade request.
const UPGRADE_WAIT: Duration = Duration::from_secs(20);

/// Cipher list entries that leave out every TLS 1.3 suite, so TLS 1.2 is used.
const NO_TLS13: &str =
    "!TLS_AES_256_GCM_SHA384:!TLS_AES_128_GCM_SHA256:!TLS_CHACHA20_POLY1305_SHA256";

/// A key log line's label that only TLS 1.3 writes.
const TLS13_LABEL: &str = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
/// The label TLS 1.2 writes (the master secret).
const TLS12_LABEL: &str = "CLIENT_RANDOM";

/// One way to reach the broker and what must happen on it.
#[derive(Debug, Clone)]
pub struct Route {
    /// What the route shows, for assertion messages.
    pub name: String,
    args: Vec<String>,
    /// `-L` without the topic, e.g. `mqtts://localhost:1234/`.
    url: Option<String>,
    env: Vec<(&'static str, OsString)>,
    pub outcome: Outcome,
}

/// What must happen on a route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The message goes through.
    Works {
        /// The one line stderr starts with, if anything is printed at all.
        warning: Option<&'static str>,
        /// A key log file and a label its lines must include.
        keylog: Option<(PathBuf, &'static str)>,
    },
    /// The first connection fails.
    Fails { words: String, code: i32 },
}

impl Route {
    fn new<S: AsRef<str>>(name: &str, args: &[S], outcome: Outcome) -> Route {
        Route {
            name: name.to_string(),
            args: args.iter().map(|a| a.as_ref().to_string()).collect(),
            url: None,
            env: Vec::new(),
            outcome,
        }
    }

    /// A route on which the message goes through, silently.
    fn works<S: AsRef<str>>(name: &str, args: &[S]) -> Route {
        Route::new(
            name,
            args,
            Outcome::Works {
                warning: None,
                keylog: None,
            },
        )
    }

    /// A route on which the first connection fails with exit code 1 and these words.
    fn fails<S: AsRef<str>>(name: &str, args: &[S], words: &str) -> Route {
        Route::new(
            name,
            args,
            Outcome::Fails {
                words: words.to_string(),
                code: 1,
            },
        )
    }

    fn with_code(mut self, expected: i32) -> Route {
        if let Outcome::Fails { code, .. } = &mut self.outcome {
            *code = expected;
        }
        self
    }

    fn with_url(mut self, url: String) -> Route {
        self.url = Some(url);
        self
    }

    /// The system's CA store is exactly this file (for `--tls-use-os-certs`, `mqtts://`,
    /// `-p 8883`).
    fn with_os_store(mut self, file: &Path) -> Route {
        self.env
            .push(("SSL_CERT_FILE", file.as_os_str().to_os_string()));
        self
    }

    fn warning(mut self, expected: &'static str) -> Route {
        if let Outcome::Works { warning, .. } = &mut self.outcome {
            *warning = Some(expected);
        }
        self
    }

    fn keylog(mut self, file: PathBuf, label: &'static str) -> Route {
        if let Outcome::Works { keylog, .. } = &mut self.outcome {
            *keylog = Some((file, label));
        }
        self
    }

    /// Whether the message must go through on this route.
    pub fn should_work(&self) -> bool {
        matches!(self.outcome, Outcome::Works { .. })
    }

    /// A topic of this route's own, so a message cannot be mistaken for another route's.
    pub fn topic(&self) -> String {
        let slug: String = self
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        format!("transports/{slug}")
    }

    /// `program` with the route's connection options and `topic`, in an environment of its
    /// own (the system CA store is only what the route says, when it says anything).
    pub fn command(&self, program: &str, topic: &str) -> Command {
        let mut cmd = command(program);
        cmd.env_remove("SSL_CERT_FILE").env_remove("SSL_CERT_DIR");
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        match &self.url {
            Some(url) => cmd.args(["-L", &format!("{url}{topic}")]),
            None => cmd.args(["-t", topic]),
        };
        cmd.args(&self.args);
        cmd
    }

    /// Checks what the run printed and how it ended against the expected outcome.
    ///
    /// Panics with the evidence (test code).
    pub fn check(&self, out: &RunOutput) {
        let name = &self.name;
        let stderr = out.stderr_text();
        match &self.outcome {
            Outcome::Works { warning, keylog } => {
                assert!(out.success(), "{name}: {out}");
                match warning {
                    None => assert!(stderr.is_empty(), "{name}: {out}"),
                    Some(start) => {
                        assert!(stderr.starts_with(start), "{name}: {out}");
                        assert_eq!(stderr.lines().count(), 1, "{name}: {out}");
                    }
                }
                if let Some((file, label)) = keylog {
                    check_keylog(name, file, label);
                }
            }
            Outcome::Fails { words, code } => {
                assert_eq!(out.code(), Some(*code), "{name}: {out}");
                assert!(out.stdout.is_empty(), "{name}: {out}");
                let mut lines = stderr.lines();
                let first = lines.next().unwrap_or_default();
                assert!(
                    first.starts_with(words.as_str()),
                    "{name}: expected the first line to start with {words:?}:\n{out}"
                );
                assert!(
                    !first.ends_with("?.") && !first.ends_with(".."),
                    "{name}: the error line ends twice:\n{out}"
                );
                assert!(
                    lines.all(|l| l.is_empty() || l.starts_with("Use '")),
                    "{name}: more than one line of error:\n{out}"
                );
                // The explanation is meant for a person: it must not be a panic or a debug
                // dump of a library's error.
                assert!(!stderr.contains("panicked"), "{name}: {out}");
            }
        }
    }
}

/// The key log holds lines in the NSS format, one of them with `label`.
fn check_keylog(name: &str, file: &Path, label: &str) {
    let log = std::fs::read_to_string(file).unwrap_or_default();
    assert!(
        log.lines().any(|l| l.starts_with(&format!("{label} "))),
        "{name}: no {label} line in the key log {}:\n{log}",
        file.display()
    );
    assert!(
        log.lines().all(|l| l.split(' ').count() == 3),
        "{name}: the key log is not in the NSS format:\n{log}"
    );
}

/// The broker, the proxies, the certificates, and the routes to them.
pub struct TransportLab {
    certs: Certificates,
    broker: Broker,
    open_proxy: SocksProxy,
    guarded_proxy: SocksProxy,
    /// A CA directory as OpenSSL's `c_rehash` leaves it (`<subject hash>.0`).
    capath_hashed: PathBuf,
    /// A CA directory whose certificate keeps its own name.
    capath_named: PathBuf,
    /// Holds the certificates, CA directories and key logs; removed last.
    dir: TempDir,
}

impl TransportLab {
    /// Starts the broker with every listener, and both proxies.
    ///
    /// Panics if something cannot start (test code).
    pub fn start() -> TransportLab {
        Self::launch(false)
    }

    /// Like [`TransportLab::start`], plus a TLS listener on port 8883 (see
    /// [`TransportLab::mqtts_port_routes`]); `None` if that port stays taken by someone else.
    pub fn start_with_mqtts_port() -> Option<TransportLab> {
        wait_for_free_port(MQTTS_PORT, MQTTS_PORT_WAIT).then(|| Self::launch(true))
    }

    fn launch(with_mqtts_port: bool) -> TransportLab {
        let dir = tempfile::Builder::new()
            .prefix("mqtt-test-transports-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot create a directory: {e}"));
        let certs = Certificates::generate(dir.path());
        let capath_named = dir.path().join("capath-named");
        let capath_hashed = dir.path().join("capath-hashed");
        for capath in [&capath_named, &capath_hashed] {
            std::fs::create_dir(capath).unwrap_or_else(|e| panic!("{capath:?}: {e}"));
        }
        copy(&certs.ca, &capath_named.join("ca.crt"));
        copy(
            &certs.ca,
            &capath_hashed.join(format!("{}.0", subject_hash(&certs.ca))),
        );
        let mut builder = Broker::builder()
            .tls_listener("tls", certs.tls_files(false))
            .tls_listener("mutual", certs.tls_files(true))
            .tls_listener("wrong-host", certs.wrong_host_tls_files())
            .tls_listener("expired", certs.expired_tls_files())
            .psk_listener("psk", "hint", &[(PSK_IDENTITY, PSK_KEY)])
            .websockets();
        builder = with_server_certificate(builder, "wss", &certs, &["protocol websockets"]);
        if with_mqtts_port {
            builder = mqtts_port_listener(builder, &certs);
        }
        TransportLab {
            broker: builder.start(),
            open_proxy: SocksProxy::start(),
            guarded_proxy: SocksProxy::with_password(PROXY_USER, PROXY_PASSWORD),
            certs,
            capath_hashed,
            capath_named,
            dir,
        }
    }

    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    fn port(&self, listener: &str) -> String {
        self.broker.listener_port(listener).to_string()
    }

    fn path(path: &Path) -> String {
        path.to_string_lossy().into_owned()
    }

    fn ca(&self) -> String {
        Self::path(&self.certs.ca)
    }

    fn keylog_file(&self, name: &str) -> PathBuf {
        self.dir.path().join(format!("{name}.keys"))
    }

    /// Certificate TLS reached every way that must work: `--cafile`, `--capath`, client
    /// certificates, `--insecure` where verification fails, `--tls-version`, `--ciphers`,
    /// `--tls-alpn`, `--tls-keylog`, the system store, `mqtts://`, MQTT 5, and `--no-tls`.
    pub fn tls_routes(&self) -> Vec<Route> {
        let tls = self.port("tls");
        let ca = self.ca();
        let certs = &self.certs;
        let at = |host: &'static str, port: &str, more: &[&str]| -> Vec<String> {
            ["-h", host, "-p", port]
                .iter()
                .chain(more)
                .map(|s| s.to_string())
                .collect()
        };
        let tls13_keys = self.keylog_file("tls13");
        let tls12_keys = self.keylog_file("tls12");
        let min_tls12_keys = self.keylog_file("min-tls12");
        let tls12_ciphers = format!("ECDHE-ECDSA-AES128-GCM-SHA256:{NO_TLS13}");
        vec![
            Route::works(
                "--cafile, broker by address",
                &at("127.0.0.1", &tls, &["--cafile", &ca]),
            ),
            Route::works(
                "--cafile, broker by name",
                &at("localhost", &tls, &["--cafile", &ca]),
            ),
            Route::works(
                "--capath with OpenSSL's hashed names",
                &at(
                    "127.0.0.1",
                    &tls,
                    &["--capath", &Self::path(&self.capath_hashed)],
                ),
            ),
            Route::works(
                "--capath with a named certificate",
                &at(
                    "localhost",
                    &tls,
                    &["--capath", &Self::path(&self.capath_named)],
                ),
            ),
            Route::works(
                "--cert and --key",
                &at(
                    "127.0.0.1",
                    &self.port("mutual"),
                    &[
                        "--cafile",
                        &ca,
                        "--cert",
                        &Self::path(&certs.client_cert),
                        "--key",
                        &Self::path(&certs.client_key),
                    ],
                ),
            ),
            Route::works(
                "--insecure with the wrong host name",
                &at(
                    "127.0.0.1",
                    &self.port("wrong-host"),
                    &["--cafile", &ca, "--insecure"],
                ),
            )
            .warning(INSECURE_WARNING),
            Route::works(
                "--insecure with an unknown CA",
                &at(
                    "127.0.0.1",
                    &tls,
                    &["--cafile", &Self::path(&certs.other_ca), "--insecure"],
                ),
            )
            .warning(INSECURE_WARNING),
            Route::works(
                "--insecure with an expired certificate",
                &at(
                    "localhost",
                    &self.port("expired"),
                    &["--cafile", &ca, "--insecure"],
                ),
            )
            .warning(INSECURE_WARNING),
            Route::works(
                "--tls-version tlsv1.3",
                &at(
                    "127.0.0.1",
                    &tls,
                    &[
                        "--cafile",
                        &ca,
                        "--tls-version",
                        "tlsv1.3",
                        "--tls-keylog",
                        &Self::path(&tls13_keys),
                    ],
                ),
            )
            .keylog(tls13_keys, TLS13_LABEL),
            // As with OpenSSL, tlsv1.2 is the lowest version allowed: 1.3 is still chosen.
            Route::works(
                "--tls-version tlsv1.2",
                &at(
                    "127.0.0.1",
                    &tls,
                    &[
                        "--cafile",
                        &ca,
                        "--tls-version",
                        "tlsv1.2",
                        "--tls-keylog",
                        &Self::path(&min_tls12_keys),
                    ],
                ),
            )
            .keylog(min_tls12_keys, TLS13_LABEL),
            Route::works(
                "--tls-version tlsv1.2 --ciphers without TLS 1.3 suites",
                &at(
                    "127.0.0.1",
                    &tls,
                    &[
                        "--cafile",
                        &ca,
                        "--tls-version",
                        "tlsv1.2",
                        "--ciphers",
                        &tls12_ciphers,
                        "--tls-keylog",
                        &Self::path(&tls12_keys),
                    ],
                ),
            )
            .keylog(tls12_keys, TLS12_LABEL),
            Route::works(
                "--ciphers with an OpenSSL name",
                &at(
                    "localhost",
                    &tls,
                    &[
                        "--cafile",
                        &ca,
                        "--ciphers",
                        "ECDHE-ECDSA-AES256-GCM-SHA384",
                    ],
                ),
            ),
            Route::works(
                "--ciphers with a TLS 1.3 name",
                &at(
                    "localhost",
                    &tls,
                    &["--cafile", &ca, "--ciphers", "TLS_CHACHA20_POLY1305_SHA256"],
                ),
            ),
            Route::works(
                "--tls-alpn",
                &at("127.0.0.1", &tls, &["--cafile", &ca, "--tls-alpn", "mqtt"]),
            ),
            Route::works(
                "--tls-use-os-certs",
                &at("localhost", &tls, &["--tls-use-os-certs"]),
            )
            .with_os_store(&certs.ca),
            Route::works("mqtts:// URL with --cafile", &["--cafile", &ca])
                .with_url(format!("mqtts://localhost:{tls}/")),
            Route::works("mqtts:// URL with the system store", NO_ARGS)
                .with_url(format!("mqtts://127.0.0.1:{tls}/"))
                .with_os_store(&certs.ca),
            Route::works(
                "MQTT 5 over TLS",
                &at("localhost", &tls, &["--cafile", &ca, "-V", "5"]),
            ),
            // --no-tls wins over the CA: the plain listener is reached in the clear.
            Route::works(
                "--no-tls with --cafile",
                &at(
                    "127.0.0.1",
                    &self.broker.port().to_string(),
                    &["--cafile", &ca, "--no-tls"],
                ),
            ),
        ]
    }

    /// Certificate TLS failing every way it can before the first message: exit code 1 for all,
    /// but `--no-tls` to a TLS listener, a lost connection (7) as with mosquitto_pub.
    pub fn tls_failures(&self) -> Vec<Route> {
        let certs = &self.certs;
        let ca = self.ca();
        let tls = self.port("tls");
        let plain = self.broker.port().to_string();
        let missing_dir = Self::path(&self.dir.path().join("missing").join("keys.log"));
        let unable = "Unable to connect (A TLS error occurred): ";
        vec![
            Route::fails(
                "wrong CA",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &tls,
                    "--cafile",
                    &Self::path(&certs.other_ca),
                ],
                &format!("{unable}the broker's certificate is not signed by a trusted CA"),
            ),
            Route::fails(
                "wrong host name",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port("wrong-host"),
                    "--cafile",
                    &ca,
                ],
                &format!(
                    "{unable}the broker's certificate is not valid for the host name 127.0.0.1"
                ),
            ),
            Route::fails(
                "expired certificate",
                &[
                    "-h",
                    "localhost",
                    "-p",
                    &self.port("expired"),
                    "--cafile",
                    &ca,
                ],
                &format!("{unable}the broker's certificate has expired."),
            ),
            Route::fails(
                "missing client certificate",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port("mutual"),
                    "--cafile",
                    &ca,
                ],
                &format!("{unable}the broker requires a client certificate"),
            ),
            Route::fails(
                "client certificate from another CA",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port("mutual"),
                    "--cafile",
                    &ca,
                    "--cert",
                    &Self::path(&certs.stranger_client_cert),
                    "--key",
                    &Self::path(&certs.stranger_client_key),
                ],
                &format!("{unable}the broker rejected the client certificate given with --cert"),
            ),
            Route::fails(
                "system store without our CA",
                &["-h", "localhost", "-p", &tls, "--tls-use-os-certs"],
                &format!("{unable}the broker's certificate is not signed by a trusted CA"),
            )
            .with_os_store(&certs.other_ca),
            Route::fails(
                "mqtts:// URL with a system store that cannot be read",
                NO_ARGS,
                "Error: Problem setting TLS options: cannot load the system's CA certificates",
            )
            .with_url(format!("mqtts://localhost:{tls}/"))
            .with_os_store(&self.dir.path().join("no-such-store.pem")),
            Route::fails(
                "TLS to a plain listener",
                &["-h", "127.0.0.1", "-p", &plain, "--cafile", &ca],
                &format!(
                    "{unable}the broker closed the connection during the TLS handshake; \
                     is this port a TLS listener?"
                ),
            ),
            Route::fails(
                "--ciphers with an unknown name",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &tls,
                    "--cafile",
                    &ca,
                    "--ciphers",
                    "NOT-A-CIPHER",
                ],
                "Error: Problem setting TLS options: the cipher \"NOT-A-CIPHER\" is not supported",
            ),
            Route::fails(
                "--tls-version that is not offered",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &tls,
                    "--cafile",
                    &ca,
                    "--tls-version",
                    "tlsv1.1",
                ],
                "Error: Problem setting TLS options, check the options are valid.",
            ),
            Route::fails(
                "--cafile that does not exist",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &tls,
                    "--cafile",
                    &Self::path(&self.dir.path().join("none.crt")),
                ],
                "Error: Problem setting TLS options: File not found.",
            ),
            Route::fails(
                "--tls-keylog in a missing directory",
                &[
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &tls,
                    "--cafile",
                    &ca,
                    "--tls-keylog",
                    &missing_dir,
                ],
                "Error: Problem setting TLS options: cannot open the key log file",
            ),
            // The connection opens in the clear, the broker hangs up on the CONNECT: this is
            // a lost connection, as with mosquitto_pub, not a failed TLS handshake.
            Route::fails(
                "--no-tls to a TLS listener",
                &["-h", "127.0.0.1", "-p", &tls, "--cafile", &ca, "--no-tls"],
                "Error: The connection was lost",
            )
            .with_code(7),
        ]
    }

    /// TLS-PSK: the good key, alone and through a proxy; then a wrong key, an unknown identity,
    /// and listeners that do not speak PSK.
    pub fn psk_routes(&self) -> Vec<Route> {
        let psk = self.port("psk");
        let with = |port: &str, key: &str, identity: &str| -> Vec<String> {
            [
                "-h",
                "127.0.0.1",
                "-p",
                port,
                "--psk",
                key,
                "--psk-identity",
                identity,
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        };
        let good = with(&psk, PSK_KEY, PSK_IDENTITY);
        let proxied = [good.clone(), vec!["--proxy".into(), self.open_proxy_url()]].concat();
        let unable = "Unable to connect (A TLS error occurred): ";
        vec![
            Route::works("--psk and --psk-identity", &good),
            Route::works("--psk through a proxy", &proxied),
            Route::fails(
                "wrong --psk",
                &with(&psk, "00112233", PSK_IDENTITY),
                &format!(
                    "{unable}the broker rejected the pre-shared key for the identity {PSK_IDENTITY}"
                ),
            ),
            Route::fails(
                "unknown --psk-identity",
                &with(&psk, PSK_KEY, "stranger"),
                &format!("{unable}the broker does not know the PSK identity stranger"),
            ),
            Route::fails(
                "--psk to a plain listener",
                &with(&self.broker.port().to_string(), PSK_KEY, PSK_IDENTITY),
                &format!("{unable}the broker closed the connection during the TLS handshake"),
            ),
            // A certificate listener must not pass for the broker: the key authenticates it.
            Route::fails(
                "--psk to a certificate listener",
                &with(&self.port("tls"), PSK_KEY, PSK_IDENTITY),
                &format!(
                    "{unable}the broker refused the handshake; is this port a TLS-PSK listener"
                ),
            ),
        ]
    }

    /// Websockets: `--ws`, `ws://` and `wss://` URLs, MQTT 5, and listeners that do not speak
    /// websockets or TLS.
    pub fn websocket_routes(&self) -> Vec<Route> {
        let ws = self.broker.ws_port().to_string();
        let wss = self.port("wss");
        let ca = self.ca();
        let websocket_error = "Unable to connect (A websocket error occurred): ";
        vec![
            Route::works("--ws", &["-h", "127.0.0.1", "-p", &ws, "--ws"]),
            Route::works("--ws with MQTT 5", &["-h", "localhost", "-p", &ws, "--ws", "-V", "5"]),
            Route::works("ws:// URL", NO_ARGS).with_url(format!("ws://127.0.0.1:{ws}/")),
            Route::works("wss:// URL", &["--cafile", &ca])
                .with_url(format!("wss://localhost:{wss}/")),
            Route::works("wss:// URL with the system store", NO_ARGS)
                .with_url(format!("wss://127.0.0.1:{wss}/"))
                .with_os_store(&self.certs.ca),
            Route::works(
                "--ws with --cafile",
                &["-h", "localhost", "-p", &wss, "--ws", "--cafile", &ca],
            ),
            Route::fails(
                "--ws to a plain MQTT listener",
                &["-h", "127.0.0.1", "-p", &self.broker.port().to_string(), "--ws"],
                &format!(
                    "{websocket_error}the broker closed the connection during the websocket \
                     handshake; is this port a websockets listener?"
                ),
            ),
            Route::fails(
                "--ws in the clear to a TLS listener",
                &["-h", "127.0.0.1", "-p", &self.port("tls"), "--ws"],
                &format!("{websocket_error}the broker closed the connection"),
            ),
            Route::fails("wss:// URL to a plain websockets listener", &["--cafile", &ca], "Unable to connect (A TLS error occurred): the broker did not answer in TLS; is this port a TLS listener?")
                .with_url(format!("wss://localhost:{ws}/")),
        ]
    }

    fn open_proxy_url(&self) -> String {
        proxy_url(&self.open_proxy, None)
    }
    /// SOCKS5 proxies in front of each transport, with and without a password, and every way
    /// a proxy fails: it wants a password, it refuses the one given, it cannot be reached, it
    /// cannot reach the broker, and a `socks5://` URL (mosquitto only takes `socks5h://`).
    pub fn proxy_routes(&self) -> Vec<Route> {
        let plain = self.broker.port().to_string();
        let open = self.open_proxy_url();
        let guarded = proxy_url(&self.guarded_proxy, Some((PROXY_USER, PROXY_PASSWORD)));
        let ca = self.ca();
        let guarded_name = proxy_name(&self.guarded_proxy);
        let nowhere = free_port();
        let proxy_error = "Unable to connect (Proxy error): ";
        vec![
            Route::works("socks5h:// proxy", &["-h", "127.0.0.1", "-p", &plain, "--proxy", &open]),
            Route::works(
                "socks5h:// proxy resolving the broker's name",
                &["-h", "localhost", "-p", &plain, "--proxy", &open],
            ),
            Route::works(
                "socks5h:// proxy with user and password",
                &["-h", "127.0.0.1", "-p", &plain, "--proxy", &guarded],
            ),
            Route::works(
                "socks5h:// proxy in front of TLS",
                &["-h", "localhost", "-p", &self.port("tls"), "--cafile", &ca, "--proxy", &guarded],
            ),
            Route::works(
                "socks5h:// proxy in front of websockets",
                &["-h", "127.0.0.1", "-p", &self.broker.ws_port().to_string(), "--ws", "--proxy", &open],
            ),
            Route::works("socks5h:// proxy in front of wss://", &["--cafile", &ca, "--proxy", &open])
                .with_url(format!("wss://localhost:{}/", self.port("wss"))),
            Route::fails(
                "proxy wanting a password",
                &["-h", "127.0.0.1", "-p", &plain, "--proxy", &proxy_url(&self.guarded_proxy, None)],
                &format!("{proxy_error}the SOCKS proxy {guarded_name} requires authentication"),
            ),
            Route::fails(
                "proxy refusing the password",
                &["-h", "127.0.0.1", "-p", &plain, "--proxy", &proxy_url(&self.guarded_proxy, Some((PROXY_USER, "wrong")))],
                &format!("{proxy_error}the SOCKS proxy {guarded_name} rejected the user name or password"),
            ),
            Route::fails(
                "proxy that is not there",
                &["-h", "127.0.0.1", "-p", &plain, "--proxy", &format!("socks5h://127.0.0.1:{nowhere}")],
                &format!("{proxy_error}cannot reach the SOCKS proxy 127.0.0.1:{nowhere}: Connection refused."),
            ),
            Route::fails(
                "proxy that cannot reach the broker",
                &["-h", "127.0.0.1", "-p", &nowhere.to_string(), "--proxy", &open],
                &format!(
                    "{proxy_error}the SOCKS proxy {} could not connect to 127.0.0.1:{nowhere}",
                    proxy_name(&self.open_proxy)
                ),
            ),
            Route::fails(
                "socks5:// proxy",
                &["-h", "127.0.0.1", "-p", &plain, "--proxy", &open.replace("socks5h://", "socks5://")],
                &format!("Error: Unsupported proxy protocol: {}", open.replace("socks5h://", "socks5://")),
            ),
            // The password is not repeated in the message.
            Route::fails(
                "socks5:// proxy with user and password",
                &["-h", "127.0.0.1", "-p", &plain, "--proxy", &guarded.replace("socks5h://", "socks5://")],
                &format!("Error: Unsupported proxy protocol: socks5://{PROXY_USER}:****@{guarded_name}"),
            ),
        ]
    }

    /// `-p 8883` alone means TLS trusting the system's CAs (mosquitto's rule); with `--cafile`
    /// that CA; with `--no-tls` nothing. Only on a lab from
    /// [`TransportLab::start_with_mqtts_port`].
    pub fn mqtts_port_routes(&self) -> Vec<Route> {
        let port = MQTTS_PORT.to_string();
        vec![
            Route::works("-p 8883", &["-h", "localhost", "-p", &port]).with_os_store(&self.certs.ca),
            Route::works("-p 8883 --cafile", &["-h", "127.0.0.1", "-p", &port, "--cafile", &self.ca()]),
            Route::fails(
                "-p 8883 with a system store without our CA",
                &["-h", "localhost", "-p", &port],
                "Unable to connect (A TLS error occurred): the broker's certificate is not signed by a trusted CA",
            )
            .with_os_store(&self.certs.other_ca),
            Route::fails("-p 8883 --no-tls", &["-h", "127.0.0.1", "-p", &port, "--no-tls"], "Error: The connection was lost")
                .with_code(7),
        ]
    }
}

/// Checks the websocket upgrade `program` sends, end to end, from `-L ws://` and from `--ws`
/// (with `own_args` added, e.g. `-m` or `-C`): it is pointed at a port where a listener reads
/// the request and hangs up without answering. The request must ask for the `mqtt`
/// subprotocol on the path `/mqtt` of that host and port, and the client must then fail as on
/// a listener that is no websockets listener.
///
/// Panics with the evidence (test code).
pub fn check_websocket_upgrade(program: &str, own_args: &[&str]) {
    let forms: [fn(u16) -> Vec<String>; 2] = [
        |port| vec!["-L".into(), format!("ws://127.0.0.1:{port}/some/topic")],
        |port| {
            [
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "--ws",
                "-t",
                "some/topic",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        },
    ];
    for form in forms {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .unwrap_or_else(|e| panic!("cannot listen on the loopback: {e}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("{e}"))
            .port();
        let catcher = thread::spawn(move || read_request(&listener));
        let mut cmd = command(program);
        cmd.args(form(port)).args(own_args);
        let out = run_with_timeout(&mut cmd, None, UPGRADE_WAIT);
        let request = match catcher.join() {
            Ok(Ok(request)) => request,
            Ok(Err(why)) => panic!("no websocket request: {why}\n{out}"),
            Err(_) => panic!("the request reader panicked\n{out}"),
        };
        check_upgrade_request(&request, port);
        let hung_up = Route::fails(
            "a listener that hangs up on the upgrade",
            NO_ARGS,
            "Unable to connect (A websocket error occurred): the broker closed the connection \
             during the websocket handshake",
        );
        hung_up.check(&out);
    }
}

fn check_upgrade_request(request: &str, port: u16) {
    assert!(request.starts_with("GET /mqtt HTTP/1.1\r\n"), "{request}");
    let lower = request.to_ascii_lowercase();
    for header in [
        format!("host: 127.0.0.1:{port}\r\n"),
        "upgrade: websocket\r\n".to_string(),
        "sec-websocket-protocol: mqtt\r\n".to_string(),
    ] {
        assert!(lower.contains(&header), "{header:?} missing in:\n{request}");
    }
}

/// Accepts one connection (within [`UPGRADE_WAIT`]) and reads its request head.
fn read_request(listener: &TcpListener) -> Result<String, String> {
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + UPGRADE_WAIT;
    let mut stream = loop {
        match listener.accept() {
            Ok((stream, _)) => break stream,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock && Instant::now() < deadline => {
                thread::sleep(Duration::from_millis(10));
            }
            Err(e) => return Err(format!("nothing connected: {e}")),
        }
    };
    stream.set_nonblocking(false).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(UPGRADE_WAIT))
        .map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match std::io::Read::read(&mut stream, &mut buf) {
            Ok(0) => return Err(format!("the client hung up after {head:?}")),
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) => return Err(format!("{e} after {head:?}")),
        }
    }
    // Dropping the stream hangs up without a word.
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// `host:port` of `proxy`, as the messages name it.
fn proxy_name(proxy: &SocksProxy) -> String {
    format!("{}:{}", proxy.host(), proxy.port())
}

/// The `--proxy` URL of `proxy`, with these credentials.
fn proxy_url(proxy: &SocksProxy, credentials: Option<(&str, &str)>) -> String {
    let user = credentials.map_or_else(String::new, |(user, password)| {
        format!("{user}:{password}@")
    });
    format!("socks5h://{user}{}", proxy_name(proxy))
}

/// A further listener `name` with the good server certificate and these raw lines.
fn with_server_certificate(
    builder: BrokerBuilder,
    name: &str,
    certs: &Certificates,
    extra: &[&str],
) -> BrokerBuilder {
    let lines = server_certificate_lines(certs);
    let lines: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .chain(extra.iter().copied())
        .collect();
    builder.listener(name, &lines)
}

fn server_certificate_lines(certs: &Certificates) -> [String; 3] {
    [
        format!("cafile {}", certs.ca.display()),
        format!("certfile {}", certs.server_cert.display()),
        format!("keyfile {}", certs.server_key.display()),
    ]
}

/// A TLS listener on the fixed port 8883. The builder only places listeners on free ports, so
/// this one goes in as raw lines of the global section, which mosquitto reads as a listener
/// section of its own like any other.
fn mqtts_port_listener(builder: BrokerBuilder, certs: &Certificates) -> BrokerBuilder {
    let mut builder = builder
        .config_line(&format!("listener {MQTTS_PORT} 127.0.0.1"))
        .config_line("allow_anonymous true");
    for line in server_certificate_lines(certs) {
        builder = builder.config_line(&line);
    }
    builder
}

/// Waits until `port` on the loopback can be bound; whether it could within `timeout`.
fn wait_for_free_port(port: u16, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(200));
    }
}

/// OpenSSL's subject hash of a certificate, the name `--capath` looks it up by.
fn subject_hash(certificate: &Path) -> String {
    let mut cmd = Command::new(OPENSSL.require());
    cmd.args(["x509", "-hash", "-noout", "-in"])
        .arg(certificate);
    let out = run_with_timeout(&mut cmd, None, Duration::from_secs(30));
    let hash = out.stdout_text().trim().to_string();
    if !out.success() || hash.len() != 8 {
        panic!("cannot hash {}: {out}", certificate.display());
    }
    hash
}

fn copy(from: &Path, to: &Path) {
    if let Err(e) = std::fs::copy(from, to) {
        panic!("cannot copy {} to {}: {e}", from.display(), to.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args_of(cmd: &Command) -> Vec<String> {
        cmd.get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn topics_go_after_t_or_into_the_url() {
        let plain = Route::works("plain one", &["-p", "1"]);
        let url = Route::works("by url", &["--cafile", "ca"]).with_url("mqtts://h:2/".into());
        let cases = [
            (&plain, vec!["-t", "x/y", "-p", "1"]),
            (&url, vec!["-L", "mqtts://h:2/x/y", "--cafile", "ca"]),
        ];
        for (route, expected) in cases {
            assert_eq!(
                args_of(&route.command("prog", "x/y")),
                expected,
                "{}",
                route.name
            );
        }
        assert_eq!(plain.topic(), "transports/plain-one");
    }

    #[test]
    fn the_system_store_is_only_what_the_route_says() {
        let env_of = |route: &Route| -> Vec<(String, Option<String>)> {
            let cmd = route.command("prog", "t");
            let mut found: Vec<(String, Option<String>)> = cmd
                .get_envs()
                .filter(|(k, _)| k.to_string_lossy().starts_with("SSL_CERT"))
                .map(|(k, v)| {
                    (
                        k.to_string_lossy().into_owned(),
                        v.map(|v| v.to_string_lossy().into_owned()),
                    )
                })
                .collect();
            found.sort();
            found
        };
        let plain = Route::works("plain", NO_ARGS);
        let stored = Route::works("stored", NO_ARGS).with_os_store(Path::new("/ca.pem"));
        assert_eq!(
            env_of(&plain),
            [
                ("SSL_CERT_DIR".to_string(), None),
                ("SSL_CERT_FILE".to_string(), None)
            ]
        );
        assert_eq!(
            env_of(&stored),
            [
                ("SSL_CERT_DIR".to_string(), None),
                ("SSL_CERT_FILE".to_string(), Some("/ca.pem".to_string()))
            ]
        );
    }

    #[test]
    fn outcomes_are_set_only_where_they_apply() {
        let cases = [
            (
                Route::works("w", NO_ARGS).warning("careful").with_code(3),
                Outcome::Works {
                    warning: Some("careful"),
                    keylog: None,
                },
            ),
            (
                Route::fails("f", NO_ARGS, "why")
                    .with_code(7)
                    .warning("careful"),
                Outcome::Fails {
                    words: "why".into(),
                    code: 7,
                },
            ),
            (
                Route::works("k", NO_ARGS).keylog(PathBuf::from("/k"), "L"),
                Outcome::Works {
                    warning: None,
                    keylog: Some((PathBuf::from("/k"), "L")),
                },
            ),
        ];
        for (route, expected) in cases {
            assert_eq!(route.outcome, expected, "{}", route.name);
        }
    }
}
