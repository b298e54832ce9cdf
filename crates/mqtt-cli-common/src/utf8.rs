//! The UTF-8 rule mosquitto applies to MQTT strings given on the command line (topics, client
//! ids, user names, string properties).
//!
//! Rules: stricter than Rust's `str::from_utf8`: besides well-formed UTF-8 it refuses NUL and
//! the other control characters (U+0001..U+001F, U+007F..U+009F), the non-characters
//! (U+FDD0..U+FDEF and every U+xxFFFE/U+xxFFFF) and anything longer than 65536 bytes, as the
//! MQTT specification asks of a UTF-8 string.

/// The longest string mosquitto's check accepts, in bytes.
const MAX_LEN: usize = 65536;

/// `Some(text)` when `bytes` is an acceptable MQTT UTF-8 string.
pub fn mqtt_str(bytes: &[u8]) -> Option<&str> {
    if bytes.len() > MAX_LEN {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    text.chars().all(allowed).then_some(text)
}

fn allowed(c: char) -> bool {
    let code = u32::from(c);
    let control = code <= 0x1F || (0x7F..=0x9F).contains(&code);
    let non_character = (0xFDD0..=0xFDEF).contains(&code) || (code & 0xFFFE) == 0xFFFE;
    !control && !non_character
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let long_ok = vec![b'a'; MAX_LEN];
        let too_long = vec![b'a'; MAX_LEN + 1];
        let cases: [(&[u8], bool); 16] = [
            (b"plain/topic", true),
            (b"", true),
            ("caf\u{e9}/\u{1F600}".as_bytes(), true),
            (b"a\x00b", false),
            (b"tab\there", false),
            (b"del\x7f", false),
            ("c1\u{85}".as_bytes(), false),
            ("nc\u{FDD0}".as_bytes(), false),
            ("nc\u{FFFE}".as_bytes(), false),
            ("nc\u{1FFFF}".as_bytes(), false),
            (b"\xff", false),
            (b"\xc0\x80", false),
            (b"\xed\xa0\x80", false),
            (b"\xe2\x82", false),
            (&long_ok, true),
            (&too_long, false),
        ];
        for (bytes, ok) in cases {
            assert_eq!(
                mqtt_str(bytes).is_some(),
                ok,
                "{:?}",
                &bytes[..bytes.len().min(12)]
            );
        }
    }
}
