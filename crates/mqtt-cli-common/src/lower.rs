//! The one place where options are checked against each other and the shared option groups
//! become a [`ConnectionConfig`].
//!
//! It runs in two steps because mosquitto's checks come in three batches and the tools put
//! their own checks in the middle:
//! 1. [`connection`]: the checks mosquitto makes while and right after reading the options
//!    (in command-line order where mosquitto checks as it reads: `-i`/`-I` conflict, `-L`
//!    topic, `-D` properties, `--pw-file`), then the will, TLS file, PSK and session checks.
//!    All of these print the usage hint.
//! 2. the tool's own checks (mqsub: a topic is required; mqpub: topic and message...);
//! 3. [`ConnectionDraft::finish`]: the checks mosquitto makes while setting the client up
//!    (client id, will, user name and password, TLS settings, properties for MQTT 3.1.1).
//!    These print no hint and are silenced by `--quiet`.
//!
//! Rules:
//! - options that set the same thing are settled by command-line order, last one winning, as
//!   in mosquitto: host (`-h`, `--unix`, `-L`), port (`-p`, `--unix`, `-L`), user name (`-u`,
//!   `-L`), password (`-P`, `-L`, `--pw-file`), protocol (`-V`, `-D`, `-x`: the last two mean
//!   MQTT 5);
//! - `MQTT_PASSWORD` is used only with a user name and no password option;
//! - MQTT 3.1 is refused (mosquitto still speaks it; rumqttc does not);
//! - with no `-i`/`-I` the client id is empty and the broker assigns one, as mosquitto 2.1
//!   does;
//! - no message ever contains the password.

use std::path::Path;
use std::time::Duration;

use rumqttc::v5::mqttbytes::v5::ConnectProperties;

use crate::args::{ids, CommonArgs};
use crate::config::{
    Address, ConnectionConfig, Framing, MqttVersion, PskOptions, Qos, ReconnectPolicy, Security,
    TlsOptions, Will,
};
use crate::environment::Environment;
use crate::properties::Properties;
use crate::property_option;
use crate::scan::ArgOrder;
use crate::tool::Tool;
use crate::topic;
use crate::usage_error::UsageError;
use crate::utf8;
use crate::values::ProtocolChoice;

/// The websocket path mosquitto's clients request.
const WEBSOCKET_PATH: &str = "/mqtt";
const MQTT_PORT: i32 = 1883;
const MQTTS_PORT: i32 = 8883;
/// Port 0 means "the host is a unix socket path" in mosquitto.
const UNIX_PORT: i32 = 0;
/// The receive maximum mosquitto announces unless told otherwise.
const DEFAULT_RECEIVE_MAXIMUM: u32 = 20;
/// The longest user name or password MQTT can carry.
const MAX_CREDENTIAL_LEN: usize = 65535;

/// User name and password, as sent.
type Credentials = (Option<String>, Option<String>);

/// The options after the first batch of checks; see the module documentation.
#[derive(Debug, Clone)]
pub struct ConnectionDraft {
    args: CommonArgs,
    tool: Tool,
    pid: u32,
    version: ProtocolChoice,
    replayed: Replayed,
    session_expiry: Option<u32>,
}

/// What the replay of order-dependent options settles.
#[derive(Debug, Clone, Default)]
struct Replayed {
    version: Option<ProtocolChoice>,
    host: Option<String>,
    /// `None`: not given, so it depends on TLS. May be out of range when it came from `-L`.
    port: Option<i32>,
    username: Option<Vec<u8>>,
    password: Option<Vec<u8>>,
    url_topics: Vec<String>,
    websockets: bool,
    os_certs: bool,
    properties: Properties,
}

/// First batch of checks: everything mosquitto checks while reading the options.
pub fn connection(
    args: &CommonArgs,
    order: &ArgOrder,
    tool: Tool,
    env: &Environment,
) -> Result<ConnectionDraft, UsageError> {
    let mut replayed = replay(args, order, tool)?;
    let version = replayed.version.unwrap_or(ProtocolChoice::V311);
    if version == ProtocolChoice::V31 {
        return Err(UsageError::hinted(
            "Error: MQTT v3.1 is not supported, use -V mqttv311 or -V mqttv5 instead.\n\n",
        ));
    }
    check_will(args)?;
    check_tls_material(args)?;
    let session_expiry = session_expiry(args, version)?;

    if replayed.password.is_none() && replayed.username.is_some() {
        replayed.password = env.mqtt_password.as_ref().map(|p| bytes(p).to_vec());
    }
    Ok(ConnectionDraft {
        args: args.clone(),
        tool,
        pid: env.pid,
        version,
        replayed,
        session_expiry,
    })
}

/// Walks the order-dependent options in command-line order, as mosquitto reads them.
fn replay(args: &CommonArgs, order: &ArgOrder, tool: Tool) -> Result<Replayed, UsageError> {
    const ORDERED: [&str; 12] = [
        ids::ID,
        ids::ID_PREFIX,
        ids::HOST,
        ids::PORT,
        ids::UNIX,
        ids::URL,
        ids::USERNAME,
        ids::PASSWORD,
        ids::PW_FILE,
        ids::PROTOCOL_VERSION,
        ids::SESSION_EXPIRY,
        ids::PROPERTY,
    ];
    let mut out = Replayed::default();
    let mut urls = args.connect.url.iter();
    let mut properties = args.properties.occurrences();
    let (mut seen_id, mut seen_prefix) = (false, false);

    for id in order.sequence(&ORDERED) {
        // Options kept once (last value wins) are read from their field: an earlier
        // occurrence is always overwritten by the later one, so its value does not matter.
        match id {
            ids::ID | ids::ID_PREFIX => {
                let (this, other) = if id == ids::ID {
                    (&mut seen_id, seen_prefix)
                } else {
                    (&mut seen_prefix, seen_id)
                };
                if other {
                    return Err(UsageError::hinted(
                        "Error: -i and -I argument cannot be used together.\n\n",
                    ));
                }
                *this = true;
            }
            ids::HOST => out.host.clone_from(&args.connect.host),
            ids::PORT => out.port = args.connect.port.map(i32::from),
            ids::UNIX => {
                out.host.clone_from(&args.connect.unix);
                out.port = Some(UNIX_PORT);
            }
            ids::URL => {
                let Some(url) = urls.next() else { continue };
                out.url_topics
                    .push(topic::check(&url.topic, tool.topic_role(), "-L topic")?);
                if let Some(username) = &url.username {
                    out.username = Some(username.clone());
                    if let Some(password) = &url.password {
                        out.password = Some(password.clone());
                    }
                }
                out.host = Some(String::from_utf8(url.host.clone()).map_err(|_| {
                    UsageError::hinted("Error: Malformed UTF-8 in -L argument.\n\n")
                })?);
                out.port = Some(url.port);
                out.websockets |= url.scheme.is_websocket();
                out.os_certs |= url.scheme.is_tls();
            }
            ids::USERNAME => {
                out.username = args.auth.username.as_deref().map(|u| bytes(u).to_vec())
            }
            ids::PASSWORD => {
                out.password = args.auth.password.as_deref().map(|p| bytes(p).to_vec())
            }
            ids::PW_FILE => {
                if let Some(path) = &args.auth.pw_file {
                    out.password = Some(read_password_file(path)?);
                }
            }
            ids::PROTOCOL_VERSION => out.version = args.connect.protocol_version,
            ids::SESSION_EXPIRY => out.version = Some(ProtocolChoice::V5),
            ids::PROPERTY => {
                let Some(values) = properties.next() else {
                    continue;
                };
                property_option::apply(&mut out.properties, values)?;
                out.version = Some(ProtocolChoice::V5);
            }
            _ => {}
        }
    }
    Ok(out)
}

fn bytes(value: &std::ffi::OsStr) -> &[u8] {
    std::os::unix::ffi::OsStrExt::as_bytes(value)
}

/// `--pw-file`: the first line of the file, without its line ending.
fn read_password_file(path: &Path) -> Result<Vec<u8>, UsageError> {
    let content = std::fs::read(path).map_err(|err| {
        UsageError::hinted(format!(
            "Error: Unable to read password file \"{}\": {}.\n\n",
            path.display(),
            io_reason(&err)
        ))
    })?;
    let line = content.split(|b| *b == b'\n').next().unwrap_or_default();
    Ok(line.strip_suffix(b"\r").unwrap_or(line).to_vec())
}

/// The OS error text without Rust's " (os error N)" suffix.
fn io_reason(err: &std::io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

fn check_will(args: &CommonArgs) -> Result<(), UsageError> {
    let will = &args.will;
    if will.will_topic.is_none() {
        if will.will_payload.is_some() {
            return Err(UsageError::hinted(
                "Error: Will payload given, but no will topic given.\n",
            ));
        }
        if will.will_retain {
            return Err(UsageError::hinted(
                "Error: Will retain given, but no will topic given.\n",
            ));
        }
    }
    Ok(())
}

fn check_tls_material(args: &CommonArgs) -> Result<(), UsageError> {
    let tls = &args.tls;
    if tls.cert.is_some() != tls.key.is_some() {
        return Err(UsageError::hinted(
            "Error: Both certfile and keyfile must be provided if one of them is set.\n",
        ));
    }
    if tls.keyform.is_some() && tls.key.is_none() {
        return Err(UsageError::hinted(
            "Error: If keyform is set, keyfile must be also specified.\n",
        ));
    }
    if tls.tls_engine_kpass_sha1.is_some() && (tls.keyform.is_none() || tls.tls_engine.is_none()) {
        return Err(UsageError::hinted(
            "Error: when using tls-engine-kpass-sha1, both tls-engine and keyform must also be provided.\n",
        ));
    }
    let has_ca = tls.cafile.is_some() || tls.capath.is_some();
    if has_ca && tls.psk.is_some() {
        return Err(UsageError::hinted(
            "Error: Only one of --psk or --cafile/--capath may be used at once.\n",
        ));
    }
    if tls.psk.is_some() && tls.psk_identity.is_none() {
        return Err(UsageError::hinted(
            "Error: --psk-identity required if --psk used.\n",
        ));
    }
    Ok(())
}

/// The session expiry interval to send, and the client-id requirements of `-c` and `-x`.
fn session_expiry(args: &CommonArgs, version: ProtocolChoice) -> Result<Option<u32>, UsageError> {
    let session = &args.session;
    let no_fixed_id = session.id_prefix.is_some() || session.id.is_none();
    if version != ProtocolChoice::V5 {
        if session.disable_clean_session && no_fixed_id {
            return Err(UsageError::hinted(
                "Error: You must provide a client id if you are using the -c option.\n",
            ));
        }
        return Ok(None);
    }
    // MQTT 5 has no persistent session without an expiry: -c alone means "never expires".
    let expiry = match session.session_expiry {
        None if session.disable_clean_session => u32::MAX,
        other => other.unwrap_or(0),
    };
    if expiry == u32::MAX && no_fixed_id {
        return Err(UsageError::hinted(
            "Error: You must provide a client id if you are using an infinite session expiry interval.\n",
        ));
    }
    Ok((expiry > 0).then_some(expiry))
}

impl ConnectionDraft {
    /// The topics of the `-L` options, checked, in command-line order.
    pub fn url_topics(&self) -> &[String] {
        &self.replayed.url_topics
    }

    /// The protocol that will be spoken.
    pub fn version(&self) -> MqttVersion {
        match self.version {
            ProtocolChoice::V5 => MqttVersion::V5,
            ProtocolChoice::V31 | ProtocolChoice::V311 => MqttVersion::V311,
        }
    }

    pub fn quiet(&self) -> bool {
        self.args.debug.quiet
    }

    /// Last batch of checks, then the configuration.
    pub fn finish(self) -> Result<ConnectionConfig, UsageError> {
        let quiet = self.quiet();
        let fail = |message: &str| Err(UsageError::setup(message, quiet));
        let v5 = self.version() == MqttVersion::V5;
        let clean_start = !self.args.session.disable_clean_session;

        let client_id = match self.client_id() {
            Some(id) => id,
            None => return fail(self.invalid_id_message()),
        };
        if !clean_start && client_id.is_empty() {
            return fail(self.invalid_id_message());
        }

        let will = self.will();
        if will.is_some() && !v5 && self.replayed.properties.will.is_some() {
            return fail("Error: Problem setting will.\n");
        }

        let (username, password) = match self.credentials(v5) {
            Some(credentials) => credentials,
            None => return fail("Error: Problem setting username and/or password.\n"),
        };

        let port = self.port();
        let security = match self.security(port) {
            Ok(security) => security,
            Err(message) => return fail(&message),
        };

        if !v5 && self.replayed.properties.connect.is_some() {
            return fail("Unable to connect (This feature is not supported).\n");
        }
        let address = match u16::try_from(port) {
            Ok(0) => Address::Unix(self.host().into()),
            Ok(port) => Address::Tcp {
                host: self.host(),
                port,
            },
            Err(_) => return fail("Unable to connect (Invalid input).\n"),
        };

        let connect = &self.args.connect;
        Ok(ConnectionConfig {
            address,
            bind_address: connect.bind_address.clone(),
            nodelay: connect.nodelay,
            security,
            framing: if connect.websockets || self.replayed.websockets {
                Framing::WebSocket {
                    path: WEBSOCKET_PATH.to_owned(),
                }
            } else {
                Framing::Raw
            },
            proxy: self.args.tls.proxy.clone(),
            version: self.version(),
            client_id,
            clean_start,
            keepalive: connect.keepalive.unwrap_or(60),
            session_expiry: self.session_expiry,
            username,
            password,
            will,
            properties: if v5 {
                self.replayed.properties.clone()
            } else {
                Properties::default()
            },
            max_inflight: self.args.session.max_inflight,
            debug: self.args.debug.debug,
            quiet,
            reconnect: ReconnectPolicy {
                give_up_after: connect
                    .reconnect_timeout
                    .map(|secs| Duration::from_secs(u64::from(secs))),
                ..ReconnectPolicy::default()
            },
        })
    }

    /// The client id to send: `-i`, the `-I` prefix and our pid, or empty for the broker to
    /// choose. `None` when it is not an acceptable MQTT string.
    fn client_id(&self) -> Option<String> {
        let session = &self.args.session;
        let id = match (&session.id, &session.id_prefix) {
            (Some(id), _) => bytes(id).to_vec(),
            (None, Some(prefix)) => {
                let mut id = bytes(prefix).to_vec();
                id.extend_from_slice(self.pid.to_string().as_bytes());
                id
            }
            (None, None) => return Some(String::new()),
        };
        // An explicitly empty id is refused like any other malformed one.
        utf8::mqtt_str(&id)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
    }

    fn invalid_id_message(&self) -> &'static str {
        match self.tool {
            Tool::Pub => "Error: Invalid id.\n",
            Tool::Sub => "Error: Invalid id and/or clean_session.\n",
        }
    }

    fn will(&self) -> Option<Will> {
        let will = &self.args.will;
        let topic = will.will_topic.clone()?;
        Some(Will {
            topic,
            payload: will
                .will_payload
                .as_deref()
                .map(|p| bytes::Bytes::copy_from_slice(bytes(p)))
                .unwrap_or_default(),
            qos: will.will_qos.unwrap_or(Qos::AtMostOnce),
            retain: will.will_retain,
        })
    }

    /// User name and password, or `None` when mosquitto would refuse them: a password without
    /// a user name in MQTT 3.1.1, a user name that is not an MQTT string, anything too long.
    /// Passwords must be UTF-8 here (mosquitto accepts any bytes).
    fn credentials(&self, v5: bool) -> Option<Credentials> {
        if !v5 && self.replayed.password.is_some() && self.replayed.username.is_none() {
            return None;
        }
        let username = match &self.replayed.username {
            Some(u) if u.len() <= MAX_CREDENTIAL_LEN => Some(utf8::mqtt_str(u)?.to_owned()),
            Some(_) => return None,
            None => None,
        };
        let password = match &self.replayed.password {
            Some(p) if p.len() <= MAX_CREDENTIAL_LEN => Some(String::from_utf8(p.clone()).ok()?),
            Some(_) => return None,
            None => None,
        };
        Some((username, password))
    }

    fn host(&self) -> String {
        self.replayed
            .host
            .clone()
            .unwrap_or_else(|| "localhost".to_owned())
    }

    /// The port to connect to: as given, else 8883 with a CA or PSK, else 1883.
    fn port(&self) -> i32 {
        let tls = &self.args.tls;
        self.replayed.port.unwrap_or(
            if tls.cafile.is_some() || tls.capath.is_some() || tls.psk.is_some() {
                MQTTS_PORT
            } else {
                MQTT_PORT
            },
        )
    }

    /// The encryption, as mosquitto decides it: a CA means certificate TLS, else a PSK means
    /// PSK TLS, else port 8883, `--tls-use-os-certs`, `mqtts://` or `wss://` mean TLS trusting
    /// the system's CAs; `--no-tls` turns all of it off (and skips every TLS check).
    fn security(&self, port: i32) -> Result<Security, String> {
        let tls = &self.args.tls;
        if tls.no_tls {
            return Ok(Security::Plain);
        }
        let has_ca = tls.cafile.is_some() || tls.capath.is_some();
        if has_ca {
            let files = [&tls.cafile, &tls.cert, &tls.key];
            if files
                .into_iter()
                .flatten()
                .any(|f| std::fs::File::open(f).is_err())
            {
                return Err("Error: Problem setting TLS options: File not found.\n".into());
            }
        }
        let psk = match &tls.psk {
            Some(key) if !has_ca => Some(
                decode_psk(key).ok_or("Error: Problem setting TLS-PSK options.\n".to_owned())?,
            ),
            _ => None,
        };
        if let Some(engine) = &tls.tls_engine {
            // Engines are an OpenSSL feature; no engine is ever valid here.
            return Err(format!(
                "Error: Problem setting TLS engine, is {engine} a valid engine?\n"
            ));
        }
        if let Some(keyform) = &tls.keyform {
            if keyform.eq_ignore_ascii_case("engine") {
                return Err("Error: Problem setting key form, 'engine' needs a TLS engine, which is not supported.\n".into());
            }
            if !keyform.eq_ignore_ascii_case("pem") {
                return Err(
                    "Error: Problem setting key form, it must be one of 'pem' or 'engine'.\n"
                        .into(),
                );
            }
        }
        let version = match &tls.tls_version {
            Some(v) if v.eq_ignore_ascii_case("tlsv1.2") || v.eq_ignore_ascii_case("tlsv1.3") => {
                Some(v.to_ascii_lowercase())
            }
            Some(_) => {
                return Err(
                    "Error: Problem setting TLS options, check the options are valid.\n".into(),
                )
            }
            None => None,
        };

        let use_os_certs = tls.tls_use_os_certs || self.replayed.os_certs;
        if let Some(key) = psk {
            return Ok(Security::Psk(PskOptions {
                key,
                identity: tls.psk_identity.clone().unwrap_or_default(),
                ciphers: tls.ciphers.clone(),
            }));
        }
        if !has_ca && !use_os_certs && port != MQTTS_PORT {
            return Ok(Security::Plain);
        }
        Ok(Security::Tls(TlsOptions {
            cafile: tls.cafile.clone(),
            capath: tls.capath.clone(),
            cert: tls.cert.clone(),
            key: tls.key.clone(),
            insecure: tls.insecure,
            alpn: tls.tls_alpn.clone(),
            version,
            ciphers: tls.ciphers.clone(),
            use_os_certs: use_os_certs || !has_ca,
            keylog: tls.tls_keylog.clone(),
        }))
    }
}

/// mqsub `-C count`: with MQTT 5 and fewer than 20 messages wanted, announce a receive
/// maximum of `count` (unless `-D connect receive-maximum` set one), so the broker does not
/// push more messages than will be printed before the client stops.
pub fn limit_receive_maximum(connection: &mut ConnectionConfig, count: u32) {
    if connection.version != MqttVersion::V5 || count >= DEFAULT_RECEIVE_MAXIMUM {
        return;
    }
    let connect = connection
        .properties
        .connect
        .get_or_insert_with(ConnectProperties::new);
    if connect.receive_maximum.is_none() {
        connect.receive_maximum = u16::try_from(count).ok();
    }
}

/// A PSK given in hexadecimal (no `0x`); an odd number of digits reads as if a leading 0 were
/// there, as OpenSSL reads it.
fn decode_psk(hex: &str) -> Option<Vec<u8>> {
    let digits: Vec<u8> = hex
        .chars()
        .map(|c| c.to_digit(16).and_then(|d| u8::try_from(d).ok()))
        .collect::<Option<_>>()?;
    let padded: Vec<u8> = if digits.len() % 2 == 1 {
        std::iter::once(0).chain(digits).collect()
    } else {
        digits
    };
    Some(
        padded
            .chunks(2)
            .map(|pair| pair[0] << 4 | pair[1])
            .collect(),
    )
}

#[cfg(test)]
mod tests;
