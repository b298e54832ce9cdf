//! `-L URL`: `mqtt://`, `mqtts://`, `ws://` or `wss://` then `[user[:password]@]host[:port]/topic`,
//! split exactly as mosquitto splits it.
//!
//! Rules (mosquitto's, quirks included):
//! - the scheme is matched without regard to case; any other scheme is an error;
//! - the topic is everything after the FIRST `/` following the scheme, so a `/` inside a
//!   password ends the password; a missing `/` is an error;
//! - the user part is everything before the first `@` of the remainder, split at its first `:`
//!   into user and password (no `:`: only the user is set, any earlier `-P` stays);
//! - the port is what follows the first `:` of the host part, read like C's `atoi` with no
//!   range check here (`lower` reports an unusable one); no port means 1883 (mqtt, ws) or 8883
//!   (mqtts, wss). IPv6 literals are not understood, as in mosquitto;
//! - the topic itself is checked by the caller, which knows whether it publishes or subscribes.
//!
//! The URL is never repeated in an error message: it may hold a password.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use clap::builder::{OsStringValueParser, TypedValueParser};

use crate::c_numbers::atoi;
use crate::usage_error::UsageError;

/// The pieces of one `-L` argument. Byte strings, because mosquitto handles them as bytes and
/// each is checked where it is used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url {
    pub scheme: Scheme,
    pub username: Option<Vec<u8>>,
    pub password: Option<Vec<u8>>,
    pub host: Vec<u8>,
    /// As C's `atoi` read it; may be out of the 0..=65535 range.
    pub port: i32,
    pub topic: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Mqtt,
    Mqtts,
    Ws,
    Wss,
}

impl Scheme {
    const ALL: [(Scheme, &'static [u8]); 4] = [
        (Scheme::Mqtt, b"mqtt://"),
        (Scheme::Mqtts, b"mqtts://"),
        (Scheme::Ws, b"ws://"),
        (Scheme::Wss, b"wss://"),
    ];

    /// Encrypted with TLS, trusting the operating system's certificates.
    pub fn is_tls(self) -> bool {
        matches!(self, Scheme::Mqtts | Scheme::Wss)
    }

    pub fn is_websocket(self) -> bool {
        matches!(self, Scheme::Ws | Scheme::Wss)
    }

    pub fn default_port(self) -> i32 {
        if self.is_tls() {
            8883
        } else {
            1883
        }
    }
}

/// Splits one `-L` argument.
pub fn parse(url: &[u8]) -> Result<Url, UsageError> {
    let (scheme, rest) = Scheme::ALL
        .iter()
        .find_map(|(scheme, prefix)| {
            let head = url.get(..prefix.len())?;
            head.eq_ignore_ascii_case(prefix)
                .then(|| (*scheme, &url[prefix.len()..]))
        })
        .ok_or_else(|| UsageError::hinted("Error: Unsupported URL scheme.\n\n"))?;

    let slash = rest.iter().position(|b| *b == b'/').ok_or_else(|| {
        UsageError::hinted("Error: Invalid URL for -L argument specified - topic missing.\n")
    })?;
    let (authority, topic) = (&rest[..slash], &rest[slash + 1..]);

    let (userinfo, host_port) = match authority.iter().position(|b| *b == b'@') {
        Some(at) => (Some(&authority[..at]), &authority[at + 1..]),
        None => (None, authority),
    };
    let (username, password) = match userinfo {
        Some(info) => match split_at_colon(info) {
            (user, Some(pass)) => (Some(user.to_vec()), Some(pass.to_vec())),
            (user, None) => (Some(user.to_vec()), None),
        },
        None => (None, None),
    };
    let (host, port) = match split_at_colon(host_port) {
        (host, Some(port)) => (host, atoi(port)),
        (host, None) => (host, scheme.default_port()),
    };

    Ok(Url {
        scheme,
        username,
        password,
        host: host.to_vec(),
        port,
        topic: topic.to_vec(),
    })
}

fn split_at_colon(s: &[u8]) -> (&[u8], Option<&[u8]>) {
    match s.iter().position(|b| *b == b':') {
        Some(colon) => (&s[..colon], Some(&s[colon + 1..])),
        None => (s, None),
    }
}

/// [`parse`] as a clap value parser.
pub fn value_parser() -> impl TypedValueParser<Value = Url> {
    OsStringValueParser::new().try_map(|value: OsString| parse(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(
        scheme: Scheme,
        user: Option<&str>,
        pass: Option<&str>,
        host: &str,
        port: i32,
        topic: &str,
    ) -> Url {
        Url {
            scheme,
            username: user.map(|u| u.as_bytes().to_vec()),
            password: pass.map(|p| p.as_bytes().to_vec()),
            host: host.as_bytes().to_vec(),
            port,
            topic: topic.as_bytes().to_vec(),
        }
    }

    #[test]
    fn accepted_forms() {
        use Scheme::*;
        let cases = [
            ("mqtt://host/t", url(Mqtt, None, None, "host", 1883, "t")),
            ("MQTT://host/t", url(Mqtt, None, None, "host", 1883, "t")),
            ("mqtts://host/t", url(Mqtts, None, None, "host", 8883, "t")),
            ("ws://host/t", url(Ws, None, None, "host", 1883, "t")),
            ("wss://host/t", url(Wss, None, None, "host", 8883, "t")),
            (
                "mqtt://host:1884/a/b",
                url(Mqtt, None, None, "host", 1884, "a/b"),
            ),
            (
                "mqtt://u@host/t",
                url(Mqtt, Some("u"), None, "host", 1883, "t"),
            ),
            (
                "mqtt://u:p@host:99/t",
                url(Mqtt, Some("u"), Some("p"), "host", 99, "t"),
            ),
            (
                "mqtt://u:p:q@host/t",
                url(Mqtt, Some("u"), Some("p:q"), "host", 1883, "t"),
            ),
            (
                "mqtt://u:p@h@host/t",
                url(Mqtt, Some("u"), Some("p"), "h@host", 1883, "t"),
            ),
            ("mqtt://host/", url(Mqtt, None, None, "host", 1883, "")),
            ("mqtt:///t", url(Mqtt, None, None, "", 1883, "t")),
            ("mqtt://host:abc/t", url(Mqtt, None, None, "host", 0, "t")),
            (
                "mqtt://host:99999/t",
                url(Mqtt, None, None, "host", 99999, "t"),
            ),
            ("mqtt://host:/t", url(Mqtt, None, None, "host", 0, "t")),
            // The first '/' starts the topic, even inside what was meant as a password.
            (
                "mqtt://u:p/w@host/t",
                url(Mqtt, None, None, "u", 0, "w@host/t"),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input.as_bytes()).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn rejected_forms() {
        let scheme = "Error: Unsupported URL scheme.\n\n";
        let topic = "Error: Invalid URL for -L argument specified - topic missing.\n";
        let cases = [
            ("http://host/t", scheme),
            ("mqtt:/host/t", scheme),
            ("host/t", scheme),
            ("", scheme),
            ("mqtt://host", topic),
            ("mqtt://u:secret@host", topic),
        ];
        for (input, text) in cases {
            let err = parse(input.as_bytes()).unwrap_err();
            assert_eq!(err.message(), text, "{input}");
            assert!(!err.message().contains("secret"));
        }
    }
}
