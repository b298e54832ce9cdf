//! The option groups both tools share, as clap derive structs, with mosquitto's short and long
//! names.
//!
//! Rules:
//! - one field per mosquitto option; a field holds what the user typed, checked only on its own
//!   (see `values`); everything involving two options is `lower`'s job;
//! - every option taking a value reads the next argument whatever it looks like (mosquitto's
//!   `-m -x` publishes "-x"); the command-line pipeline sets that on every such argument;
//! - options given twice keep the last value, except those kept as lists, whose every
//!   occurrence matters (`-L`, `-D`);
//! - the value name of each option is the noun mosquitto uses when the value is missing
//!   ("Error: -t argument given but no topic specified."), so keep them in its words;
//! - field names are the argument ids; [`ids`] names the ones other modules refer to.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgAction, Args};

use crate::config::{Proxy, Qos};
use crate::proxy;
use crate::url::{self, Url};
use crate::usage_error::UsageError;
use crate::values::{self, ProtocolChoice};

/// Argument ids referred to outside the derive structs (order of occurrence, missing-value
/// messages).
pub mod ids {
    pub const HOST: &str = "host";
    pub const PORT: &str = "port";
    pub const UNIX: &str = "unix";
    pub const URL: &str = "url";
    pub const PROTOCOL_VERSION: &str = "protocol_version";
    pub const USERNAME: &str = "username";
    pub const PASSWORD: &str = "password";
    pub const PW_FILE: &str = "pw_file";
    pub const ID: &str = "id";
    pub const ID_PREFIX: &str = "id_prefix";
    pub const SESSION_EXPIRY: &str = "session_expiry";
    pub const MAX_INFLIGHT: &str = "max_inflight";
    pub const PROPERTY: &str = "property";
    pub const OPTIONS_FILE: &str = "options_file";
    /// Each tool's own `-t`, named alike so `-L` topics can be ordered among them.
    pub const TOPIC: &str = "topic";
}

/// Where the broker is and how to reach it.
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectArgs {
    /// `-h`: host name or address of the broker (default localhost).
    #[arg(short = 'h', long = "host", value_name = "host", value_parser = values::text("-h"))]
    pub host: Option<String>,

    /// `-p`: broker port; 0 means the host is a unix socket path.
    #[arg(short = 'p', long = "port", value_name = "port", value_parser = values::raw(values::port))]
    pub port: Option<u16>,

    /// `--unix`: path of the broker's unix socket.
    #[arg(long = "unix", value_name = "socket path", value_parser = values::text("--unix"))]
    pub unix: Option<String>,

    /// `-L`: every URL given, in order.
    #[arg(short = 'L', long = "url", value_name = "URL", action = ArgAction::Append,
          value_parser = url::value_parser())]
    pub url: Vec<Url>,

    /// `-A`: local address to bind to.
    #[arg(short = 'A', value_name = "address", value_parser = values::text("-A"))]
    pub bind_address: Option<String>,

    /// `--nodelay`: no Nagle delay.
    #[arg(long = "nodelay")]
    pub nodelay: bool,

    /// `-k`: keepalive seconds.
    #[arg(short = 'k', long = "keepalive", value_name = "keepalive",
          value_parser = values::raw(values::keepalive))]
    pub keepalive: Option<u16>,

    /// `-V`: MQTT protocol version.
    #[arg(short = 'V', long = "protocol-version", value_name = "version",
          value_parser = values::raw(values::protocol_version))]
    pub protocol_version: Option<ProtocolChoice>,

    /// `--ws`: MQTT over websockets.
    #[arg(long = "ws")]
    pub websockets: bool,

    /// `--reconnect-timeout`: after losing an established connection, give up (exit code 7)
    /// once this many seconds pass without getting it back; 0 gives up at once. Without it the
    /// tools keep trying for ever, as mosquitto's do. Not a mosquitto option.
    #[arg(long = "reconnect-timeout", value_name = "timeout",
          value_parser = values::raw(reconnect_timeout))]
    pub reconnect_timeout: Option<u32>,
}

/// `--reconnect-timeout`: whole seconds. Read strictly, unlike mosquitto's own numbers: it is
/// not a mosquitto option, so no script relies on `atoi`'s leniency, and reading "abc" as 0
/// would silently switch reconnecting off.
fn reconnect_timeout(value: &[u8]) -> Result<u32, UsageError> {
    std::str::from_utf8(value)
        .ok()
        .filter(|text| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| {
            UsageError::hinted(format!(
                "Error: Invalid reconnect timeout \"{}\", it must be a whole number of seconds.\n\n",
                String::from_utf8_lossy(value)
            ))
        })
}

/// Who we are to the broker.
#[derive(Debug, Clone, Default, Args)]
pub struct AuthArgs {
    /// `-u`: user name, checked when the client is set up.
    #[arg(short = 'u', long = "username", value_name = "username", value_parser = values::os_string())]
    pub username: Option<OsString>,

    /// `-P`: password (visible to other users of the machine; see `--pw-file`).
    #[arg(short = 'P', long = "pw", value_name = "password", value_parser = values::os_string())]
    pub password: Option<OsString>,

    /// `--pw-file`: read the password from the first line of this file.
    #[arg(long = "pw-file", value_name = "file", value_parser = values::path())]
    pub pw_file: Option<PathBuf>,
}

/// The MQTT session.
#[derive(Debug, Clone, Default, Args)]
pub struct SessionArgs {
    /// `-i`: client id.
    #[arg(short = 'i', long = "id", value_name = "id", value_parser = values::os_string())]
    pub id: Option<OsString>,

    /// `-I`: client id prefix; the process id is appended.
    #[arg(short = 'I', long = "id-prefix", value_name = "id prefix", value_parser = values::os_string())]
    pub id_prefix: Option<OsString>,

    /// `-c`: keep the session (no clean start).
    #[arg(short = 'c', long = "disable-clean-session")]
    pub disable_clean_session: bool,

    /// `-x`: MQTT 5 session expiry interval in seconds (`u32::MAX`: never).
    #[arg(short = 'x', value_name = "session expiry interval",
          value_parser = values::raw(values::session_expiry))]
    pub session_expiry: Option<u32>,

    /// `-M`: most QoS 1 and 2 messages in flight at once.
    #[arg(short = 'M', value_name = "max_inflight", value_parser = values::raw(values::max_inflight))]
    pub max_inflight: Option<u16>,
}

/// The last will.
#[derive(Debug, Clone, Default, Args)]
pub struct WillArgs {
    #[arg(long = "will-topic", value_name = "will topic", value_parser = values::raw(values::will_topic))]
    pub will_topic: Option<String>,

    #[arg(long = "will-payload", value_name = "will payload", value_parser = values::os_string())]
    pub will_payload: Option<OsString>,

    #[arg(long = "will-qos", value_name = "will QoS", value_parser = values::raw(values::will_qos))]
    pub will_qos: Option<Qos>,

    #[arg(long = "will-retain")]
    pub will_retain: bool,
}

/// MQTT 5 properties.
#[derive(Debug, Clone, Default, Args)]
pub struct PropertyArgs {
    /// `-D command identifier value`: every occurrence in order, three values each (see
    /// [`PropertyArgs::occurrences`]). A user property's key and value arrive joined by the
    /// argument scanner (see `property_option`).
    #[arg(short = 'D', long = "property", num_args = 3, action = ArgAction::Append,
          value_names = ["command", "identifier", "value"], value_parser = values::os_string())]
    pub property: Vec<OsString>,
}

impl PropertyArgs {
    /// Each `-D` occurrence's command, identifier and value.
    pub fn occurrences(&self) -> std::slice::ChunksExact<'_, OsString> {
        self.property.chunks_exact(3)
    }
}

/// Encryption and the SOCKS proxy.
#[derive(Debug, Clone, Default, Args)]
pub struct TlsArgs {
    #[arg(long = "cafile", value_name = "file", value_parser = values::path())]
    pub cafile: Option<PathBuf>,

    #[arg(long = "capath", value_name = "directory", value_parser = values::path())]
    pub capath: Option<PathBuf>,

    #[arg(long = "cert", value_name = "file", value_parser = values::path())]
    pub cert: Option<PathBuf>,

    #[arg(long = "key", value_name = "file", value_parser = values::path())]
    pub key: Option<PathBuf>,

    #[arg(long = "keyform", value_name = "keyform", value_parser = values::text("--keyform"))]
    pub keyform: Option<String>,

    #[arg(long = "tls-engine", value_name = "engine_id", value_parser = values::text("--tls-engine"))]
    pub tls_engine: Option<String>,

    #[arg(long = "tls-engine-kpass-sha1", value_name = "kpass sha1",
          value_parser = values::text("--tls-engine-kpass-sha1"))]
    pub tls_engine_kpass_sha1: Option<String>,

    #[arg(long = "insecure")]
    pub insecure: bool,

    #[arg(long = "tls-version", value_name = "version", value_parser = values::text("--tls-version"))]
    pub tls_version: Option<String>,

    #[arg(long = "ciphers", value_name = "ciphers", value_parser = values::text("--ciphers"))]
    pub ciphers: Option<String>,

    #[arg(long = "tls-alpn", value_name = "protocol", value_parser = values::text("--tls-alpn"))]
    pub tls_alpn: Option<String>,

    #[arg(long = "tls-use-os-certs")]
    pub tls_use_os_certs: bool,

    #[arg(long = "tls-keylog", value_name = "file", value_parser = values::path())]
    pub tls_keylog: Option<PathBuf>,

    #[arg(long = "no-tls")]
    pub no_tls: bool,

    #[arg(long = "psk", value_name = "key", value_parser = values::text("--psk"))]
    pub psk: Option<String>,

    #[arg(long = "psk-identity", value_name = "identity", value_parser = values::text("--psk-identity"))]
    pub psk_identity: Option<String>,

    #[arg(long = "proxy", value_name = "proxy url", value_parser = proxy::value_parser())]
    pub proxy: Option<Proxy>,
}

/// What goes to stderr.
#[derive(Debug, Clone, Default, Args)]
pub struct DebugArgs {
    #[arg(short = 'd', long = "debug")]
    pub debug: bool,

    #[arg(long = "quiet")]
    pub quiet: bool,
}

/// Every option both tools accept.
#[derive(Debug, Clone, Default, Args)]
pub struct CommonArgs {
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub auth: AuthArgs,
    #[command(flatten)]
    pub session: SessionArgs,
    #[command(flatten)]
    pub will: WillArgs,
    #[command(flatten)]
    pub properties: PropertyArgs,
    #[command(flatten)]
    pub tls: TlsArgs,
    #[command(flatten)]
    pub debug: DebugArgs,

    /// `-o`: the options file; read before parsing (see `options_file`), kept here so the
    /// option is known.
    #[arg(short = 'o', value_name = "options file", value_parser = values::os_string())]
    pub options_file: Option<OsString>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reconnect_timeout_values() {
        let invalid = |shown: &str| {
            format!(
                "Error: Invalid reconnect timeout \"{shown}\", it must be a whole number of seconds.\n\n"
            )
        };
        let cases: [(&[u8], Result<u32, String>); 8] = [
            (b"0", Ok(0)),
            (b"30", Ok(30)),
            (b"4294967295", Ok(u32::MAX)),
            (b"4294967296", Err(invalid("4294967296"))),
            (b"-1", Err(invalid("-1"))),
            (b"10s", Err(invalid("10s"))),
            (b" 5", Err(invalid(" 5"))),
            (b"", Err(invalid(""))),
        ];
        for (input, expected) in cases {
            let got = reconnect_timeout(input).map_err(|e| e.message().to_owned());
            assert_eq!(got, expected, "{input:?}");
        }
    }
}
