//! `--proxy socks5h://[user[:password]@]host[:port]`, split as mosquitto 2.1 splits it.
//!
//! Rules (mosquitto's):
//! - only `socks5h://` (the proxy resolves the broker's name) is accepted, matched exactly;
//! - the user part ends at the first `@`; its first `:` separates user and password, a second
//!   `:` is an error, an empty user before a `:` is an error;
//! - `[...]` holds an IPv6 address; otherwise the first `:` separates host and port;
//! - user and password may contain `%25` (`%`), `%3A`/`%3a` (`:`) and `%40` (`@`), nothing else
//!   after a `%` (mosquitto decodes `%40` to `:`, a slip we do not copy);
//! - the port defaults to 1080 and must be 1..=65535.
//!
//! The password is never repeated in an error message.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use clap::builder::{OsStringValueParser, TypedValueParser};

use crate::c_numbers::atoi;
use crate::config::Proxy;
use crate::usage_error::UsageError;

const SCHEME: &[u8] = b"socks5h://";
const DEFAULT_PORT: u16 = 1080;

/// Splits one `--proxy` argument.
pub fn parse(url: &[u8]) -> Result<Proxy, UsageError> {
    let Some(rest) = url.strip_prefix(SCHEME) else {
        return Err(UsageError::hinted(format!(
            "Error: Unsupported proxy protocol: {}\n",
            redacted(url)
        )));
    };
    let (credentials, address) = match rest.iter().position(|b| *b == b'@') {
        Some(at) => (Some(&rest[..at]), &rest[at + 1..]),
        None => (None, rest),
    };
    let (username, password) = match credentials {
        Some(info) => {
            let (user, pass) = split_credentials(info)?;
            (Some(decode(user)?), pass.map(decode).transpose()?)
        }
        None => (None, None),
    };
    let (host, port) = split_address(address)?;
    let port = match port {
        Some(port) => {
            let n = atoi(port);
            u16::try_from(n)
                .ok()
                .filter(|p| *p >= 1)
                .ok_or_else(|| UsageError::hinted(format!("Error: Invalid proxy port {n}\n")))?
        }
        None => DEFAULT_PORT,
    };
    Ok(Proxy {
        host: utf8(host)?,
        port,
        remote_dns: true,
        username: username.map(|u| utf8(&u)).transpose()?,
        password: password.map(|p| utf8(&p)).transpose()?,
    })
}

/// mosquitto rejects some malformed proxy URLs without a word; only the usage hint follows.
fn malformed() -> UsageError {
    UsageError::hinted("")
}

fn split_credentials(info: &[u8]) -> Result<(&[u8], Option<&[u8]>), UsageError> {
    let mut parts = info.split(|b| *b == b':');
    let user = parts.next().unwrap_or_default();
    let pass = parts.next();
    if pass.is_some() && user.is_empty() {
        return Err(malformed());
    }
    match parts.next() {
        // A second ':' right after the first leaves an empty piece: mosquitto fails silently.
        Some(_) if pass.is_some_and(<[u8]>::is_empty) => Err(malformed()),
        Some(_) => Err(UsageError::hinted("Error: Username cannot contain ':'.\n")),
        None => Ok((user, pass)),
    }
}

/// Host and optional port of `host`, `host:port`, `[v6]` or `[v6]:port`.
fn split_address(address: &[u8]) -> Result<(&[u8], Option<&[u8]>), UsageError> {
    let mut host: Option<&[u8]> = None;
    let mut start = 0;
    let mut in_brackets = false;
    let mut i = 0;
    while i < address.len() {
        match address[i] {
            b'[' | b']' if host.is_some() => {
                return Err(UsageError::hinted("Error: Duplicate IPv6 address.\n"));
            }
            b'[' => {
                in_brackets = true;
                start = i + 1;
            }
            b']' => {
                in_brackets = false;
                host = Some(&address[start.min(i)..i]);
                start = i + 1;
                if address.get(i + 1) == Some(&b':') {
                    start += 1;
                    i += 1;
                }
            }
            b':' if !in_brackets => {
                if host.is_some() {
                    return Err(malformed());
                }
                host = Some(&address[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let remainder = (start < address.len()).then(|| &address[start..]);
    match (host, remainder) {
        (Some(host), port) => Ok((host, port)),
        (None, Some(host)) => Ok((host, None)),
        (None, None) => Err(UsageError::hinted("Error: Invalid proxy.\n")),
    }
}

/// Undoes the three escapes mosquitto allows in proxy credentials.
fn decode(s: &[u8]) -> Result<Vec<u8>, UsageError> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'%' {
            out.push(s[i]);
            i += 1;
            continue;
        }
        let decoded = match s.get(i + 1..i + 3) {
            Some(b"25") => b'%',
            Some(b"3A" | b"3a") => b':',
            Some(b"40") => b'@',
            _ => return Err(malformed()),
        };
        out.push(decoded);
        i += 3;
    }
    Ok(out)
}

fn utf8(bytes: &[u8]) -> Result<String, UsageError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| UsageError::hinted("Error: Malformed UTF-8 in --proxy argument.\n\n"))
}

/// The URL with any password replaced by `****`, for error messages.
fn redacted(url: &[u8]) -> String {
    let text = String::from_utf8_lossy(url);
    let authority_start = text.find("://").map_or(0, |i| i + 3);
    let authority = &text[authority_start..];
    let authority_end = authority.find('/').unwrap_or(authority.len());
    let Some(at) = authority[..authority_end].rfind('@') else {
        return text.into_owned();
    };
    match authority[..at].find(':') {
        Some(colon) => format!(
            "{}{}:****{}",
            &text[..authority_start],
            &authority[..colon],
            &authority[at..]
        ),
        None => text.into_owned(),
    }
}

/// [`parse`] as a clap value parser.
pub fn value_parser() -> impl TypedValueParser<Value = Proxy> {
    OsStringValueParser::new().try_map(|value: OsString| parse(value.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxy(host: &str, port: u16, user: Option<&str>, pass: Option<&str>) -> Proxy {
        Proxy {
            host: host.into(),
            port,
            remote_dns: true,
            username: user.map(Into::into),
            password: pass.map(Into::into),
        }
    }

    #[test]
    fn accepted_forms() {
        let cases = [
            ("socks5h://host", proxy("host", 1080, None, None)),
            ("socks5h://host:1081", proxy("host", 1081, None, None)),
            ("socks5h://u@host", proxy("host", 1080, Some("u"), None)),
            (
                "socks5h://u:p@host:9",
                proxy("host", 9, Some("u"), Some("p")),
            ),
            ("socks5h://@host", proxy("host", 1080, Some(""), None)),
            (
                "socks5h://u:@host",
                proxy("host", 1080, Some("u"), Some("")),
            ),
            ("socks5h://[::1]", proxy("::1", 1080, None, None)),
            ("socks5h://[::1]:1090", proxy("::1", 1090, None, None)),
            ("socks5h://host:", proxy("host", 1080, None, None)),
            (
                "socks5h://a%3Ab:p%25%40x%3a@host",
                proxy("host", 1080, Some("a:b"), Some("p%@x:")),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parse(input.as_bytes()).unwrap(), expected, "{input}");
        }
    }

    #[test]
    fn rejected_forms() {
        let cases = [
            (
                "socks5://host",
                "Error: Unsupported proxy protocol: socks5://host\n",
            ),
            (
                "socks5://u:secret@host",
                "Error: Unsupported proxy protocol: socks5://u:****@host\n",
            ),
            (
                "SOCKS5H://host",
                "Error: Unsupported proxy protocol: SOCKS5H://host\n",
            ),
            (
                "socks5h://u:p:q@host",
                "Error: Username cannot contain ':'.\n",
            ),
            ("socks5h://:p@host", ""),
            ("socks5h://u::@host", ""),
            ("socks5h://u:%zz@host", ""),
            ("socks5h://u:abc%2@host", ""),
            ("socks5h://host:1:2", ""),
            ("socks5h://[::1][::2]", "Error: Duplicate IPv6 address.\n"),
            ("socks5h://", "Error: Invalid proxy.\n"),
            ("socks5h://u@", "Error: Invalid proxy.\n"),
            ("socks5h://host:0", "Error: Invalid proxy port 0\n"),
            ("socks5h://host:65536", "Error: Invalid proxy port 65536\n"),
            ("socks5h://host:x", "Error: Invalid proxy port 0\n"),
        ];
        for (input, text) in cases {
            let err = parse(input.as_bytes()).unwrap_err();
            assert_eq!(err.message(), text, "{input}");
        }
    }
}
