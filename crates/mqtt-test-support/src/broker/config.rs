//! The broker's configuration: what a test asked for, where its files live, which ports it got,
//! and the mosquitto.conf text made from those three.
//!
//! Rules: `per_listener_settings true`, so every listener carries its own `allow_anonymous`
//! (mosquitto 2.0 refuses anonymous clients by default); every TCP listener binds 127.0.0.1
//! only; `user root` keeps a root-run broker from switching to user `mosquitto`, which could not
//! read our private temp files; everything is logged, because tests read the log (a subscriber's
//! SUBACK, debugging). The plain listener comes first: Debian's 2.0.11 starts a websockets
//! listener only next to a plain one. Rendering is pure so it can be tested without a broker.

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// What a test asked for, independent of ports and paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Settings {
    /// Users of the password listener; the listener exists when this is not empty.
    pub password_users: Vec<(String, String)>,
    pub unix_socket: bool,
    pub websockets: bool,
    pub persistence: bool,
    pub max_inflight_messages: Option<u32>,
    pub max_queued_messages: Option<u32>,
    pub max_packet_size: Option<u32>,
    /// Raw lines in the global section, before any listener.
    pub global_lines: Vec<String>,
    /// Raw lines under the plain anonymous listener.
    pub plain_listener_lines: Vec<String>,
    /// Further TCP listeners, each known by a name.
    pub extra_listeners: Vec<ExtraListener>,
}

/// A further TCP listener on its own port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExtraListener {
    pub name: String,
    pub kind: ExtraKind,
}

/// The security a further listener carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExtraKind {
    /// Anonymous, then these raw lines.
    Raw(Vec<String>),
    /// TLS with the caller's certificate files.
    Tls(TlsFiles),
    /// TLS-PSK with these identities and hex keys.
    Psk {
        hint: String,
        keys: Vec<(String, String)>,
    },
}

/// Certificate files for a TLS listener, made by the caller (e.g. with `openssl`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The CA that signed client certificates (and usually the server's).
    pub cafile: PathBuf,
    /// The server certificate.
    pub certfile: PathBuf,
    /// The server's private key.
    pub keyfile: PathBuf,
    /// Refuse clients without a certificate signed by `cafile`.
    pub require_certificate: bool,
}

/// Where one broker's files live, all inside its private directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Paths {
    pub dir: PathBuf,
    pub config: PathBuf,
    pub log: PathBuf,
    pub password_file: PathBuf,
    pub persistence_dir: PathBuf,
    pub unix_socket: PathBuf,
}

impl Paths {
    pub(crate) fn inside(dir: &Path) -> Paths {
        Paths {
            dir: dir.to_path_buf(),
            config: dir.join("mosquitto.conf"),
            log: dir.join("broker.log"),
            password_file: dir.join("passwd"),
            persistence_dir: dir.join("persistence"),
            // Short on purpose: a unix socket path must fit in 108 bytes.
            unix_socket: dir.join("mqtt.sock"),
        }
    }

    /// The PSK file of the further listener at `index`.
    pub(crate) fn psk_file(&self, index: usize) -> PathBuf {
        self.dir.join(format!("psk-{index}"))
    }
}

/// The ports one broker listens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ports {
    pub plain: u16,
    pub password: Option<u16>,
    pub websockets: Option<u16>,
    /// One per further listener, in the same order.
    pub extra: Vec<u16>,
}

impl Ports {
    /// Takes a port for every TCP listener `settings` asks for from `next`.
    pub(crate) fn assign(settings: &Settings, mut next: impl FnMut() -> u16) -> Ports {
        let plain = next();
        let password = (!settings.password_users.is_empty()).then(&mut next);
        let websockets = settings.websockets.then(&mut next);
        let extra = settings.extra_listeners.iter().map(|_| next()).collect();
        Ports {
            plain,
            password,
            websockets,
            extra,
        }
    }

    /// Every TCP port, for the readiness check.
    pub(crate) fn all(&self) -> Vec<u16> {
        let mut all = vec![self.plain];
        all.extend(self.password);
        all.extend(self.websockets);
        all.extend(&self.extra);
        all
    }
}

/// The mosquitto.conf text.
pub(crate) fn render(settings: &Settings, paths: &Paths, ports: &Ports) -> String {
    let mut conf = String::from("# One test broker; every listener is on the loopback only.\n");
    line(&mut conf, "per_listener_settings true");
    line(&mut conf, "user root");
    line(&mut conf, "log_dest stderr");
    line(&mut conf, "log_type all");
    line(&mut conf, "connection_messages true");
    if settings.persistence {
        line(&mut conf, "persistence true");
        line(
            &mut conf,
            &format!("persistence_location {}/", paths.persistence_dir.display()),
        );
        line(&mut conf, "autosave_interval 1");
    } else {
        line(&mut conf, "persistence false");
    }
    let limits = [
        ("max_inflight_messages", settings.max_inflight_messages),
        ("max_queued_messages", settings.max_queued_messages),
        ("max_packet_size", settings.max_packet_size),
    ];
    for (name, value) in limits {
        if let Some(value) = value {
            line(&mut conf, &format!("{name} {value}"));
        }
    }
    lines(&mut conf, &settings.global_lines);

    tcp_listener(&mut conf, ports.plain, true);
    lines(&mut conf, &settings.plain_listener_lines);

    if let Some(port) = ports.password {
        tcp_listener(&mut conf, port, false);
        line(
            &mut conf,
            &format!("password_file {}", paths.password_file.display()),
        );
    }
    if settings.unix_socket {
        line(&mut conf, "");
        line(
            &mut conf,
            &format!("listener 0 {}", paths.unix_socket.display()),
        );
        line(&mut conf, "allow_anonymous true");
    }
    if let Some(port) = ports.websockets {
        tcp_listener(&mut conf, port, true);
        line(&mut conf, "protocol websockets");
    }
    for (index, (listener, port)) in settings
        .extra_listeners
        .iter()
        .zip(&ports.extra)
        .enumerate()
    {
        tcp_listener(&mut conf, *port, true);
        extra_lines(&mut conf, &listener.kind, &paths.psk_file(index));
    }
    conf
}

/// The PSK file text: one `identity:hexkey` per line.
pub(crate) fn psk_file_text(keys: &[(String, String)]) -> String {
    keys.iter()
        .map(|(identity, key)| format!("{identity}:{key}\n"))
        .collect()
}

fn extra_lines(conf: &mut String, kind: &ExtraKind, psk_file: &Path) {
    match kind {
        ExtraKind::Raw(raw) => lines(conf, raw),
        ExtraKind::Tls(files) => {
            line(conf, &format!("cafile {}", files.cafile.display()));
            line(conf, &format!("certfile {}", files.certfile.display()));
            line(conf, &format!("keyfile {}", files.keyfile.display()));
            if files.require_certificate {
                line(conf, "require_certificate true");
            }
        }
        ExtraKind::Psk { hint, .. } => {
            line(conf, &format!("psk_hint {hint}"));
            line(conf, &format!("psk_file {}", psk_file.display()));
        }
    }
}

fn tcp_listener(conf: &mut String, port: u16, anonymous: bool) {
    line(conf, "");
    line(conf, &format!("listener {port} 127.0.0.1"));
    line(conf, &format!("allow_anonymous {anonymous}"));
}

fn lines(conf: &mut String, raw: &[String]) {
    for text in raw {
        line(conf, text);
    }
}

fn line(conf: &mut String, text: &str) {
    // Writing to a String cannot fail.
    let _ = writeln!(conf, "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> Paths {
        Paths::inside(Path::new("/t"))
    }

    fn ports_from(start: u16, settings: &Settings) -> Ports {
        let mut next = start;
        Ports::assign(settings, || {
            next += 1;
            next - 1
        })
    }

    const HEADER: &str = "# One test broker; every listener is on the loopback only.
per_listener_settings true
user root
log_dest stderr
log_type all
connection_messages true
";

    #[test]
    fn rendering_covers_each_setting() {
        let cases: Vec<(Settings, &str)> = vec![
            (
                Settings::default(),
                "persistence false

listener 1000 127.0.0.1
allow_anonymous true
",
            ),
            (
                Settings {
                    persistence: true,
                    max_inflight_messages: Some(1),
                    max_queued_messages: Some(2),
                    max_packet_size: Some(300),
                    global_lines: vec!["retain_available false".into()],
                    plain_listener_lines: vec!["max_qos 1".into()],
                    ..Settings::default()
                },
                "persistence true
persistence_location /t/persistence/
autosave_interval 1
max_inflight_messages 1
max_queued_messages 2
max_packet_size 300
retain_available false

listener 1000 127.0.0.1
allow_anonymous true
max_qos 1
",
            ),
            (
                Settings {
                    password_users: vec![("alice".into(), "secret".into())],
                    unix_socket: true,
                    websockets: true,
                    ..Settings::default()
                },
                "persistence false

listener 1000 127.0.0.1
allow_anonymous true

listener 1001 127.0.0.1
allow_anonymous false
password_file /t/passwd

listener 0 /t/mqtt.sock
allow_anonymous true

listener 1002 127.0.0.1
allow_anonymous true
protocol websockets
",
            ),
            (
                Settings {
                    extra_listeners: vec![
                        ExtraListener {
                            name: "raw".into(),
                            kind: ExtraKind::Raw(vec!["max_connections 1".into()]),
                        },
                        ExtraListener {
                            name: "tls".into(),
                            kind: ExtraKind::Tls(TlsFiles {
                                cafile: "/c/ca.crt".into(),
                                certfile: "/c/server.crt".into(),
                                keyfile: "/c/server.key".into(),
                                require_certificate: true,
                            }),
                        },
                        ExtraListener {
                            name: "psk".into(),
                            kind: ExtraKind::Psk {
                                hint: "hint".into(),
                                keys: vec![("id".into(), "beef".into())],
                            },
                        },
                    ],
                    ..Settings::default()
                },
                "persistence false

listener 1000 127.0.0.1
allow_anonymous true

listener 1001 127.0.0.1
allow_anonymous true
max_connections 1

listener 1002 127.0.0.1
allow_anonymous true
cafile /c/ca.crt
certfile /c/server.crt
keyfile /c/server.key
require_certificate true

listener 1003 127.0.0.1
allow_anonymous true
psk_hint hint
psk_file /t/psk-2
",
            ),
        ];
        for (settings, body) in cases {
            let ports = ports_from(1000, &settings);
            assert_eq!(
                render(&settings, &paths(), &ports),
                format!("{HEADER}{body}"),
                "{settings:?}"
            );
        }
    }

    #[test]
    fn ports_are_taken_only_for_tcp_listeners_asked_for() {
        let cases = [
            (Settings::default(), vec![1000]),
            (
                Settings {
                    unix_socket: true,
                    ..Settings::default()
                },
                vec![1000],
            ),
            (
                Settings {
                    websockets: true,
                    password_users: vec![("a".into(), "b".into())],
                    extra_listeners: vec![ExtraListener {
                        name: "x".into(),
                        kind: ExtraKind::Raw(Vec::new()),
                    }],
                    ..Settings::default()
                },
                vec![1000, 1001, 1002, 1003],
            ),
        ];
        for (settings, expected) in cases {
            assert_eq!(ports_from(1000, &settings).all(), expected, "{settings:?}");
        }
    }

    #[test]
    fn psk_file_has_one_identity_per_line() {
        let keys = [
            ("one".to_string(), "0a0b".to_string()),
            ("two".to_string(), "ff".to_string()),
        ];
        assert_eq!(psk_file_text(&keys), "one:0a0b\ntwo:ff\n");
        assert_eq!(psk_file_text(&[]), "");
    }

    #[test]
    fn files_stay_inside_the_private_directory() {
        let paths = paths();
        for path in [
            &paths.config,
            &paths.log,
            &paths.password_file,
            &paths.persistence_dir,
            &paths.unix_socket,
            &paths.psk_file(3),
        ] {
            assert!(path.starts_with("/t"), "{path:?}");
        }
    }
}
