//! Reading a message payload as JSON for `%J`, accepting exactly what mosquitto_sub 2.1 accepts.
//!
//! Rules: mosquitto parses with cJSON and then requires the parse to end at the payload's end,
//! so this follows cJSON's parser rather than the JSON grammar: any byte up to 0x20 is
//! whitespace, a UTF-8 byte order mark is skipped, numbers are whatever `strtod` reads from a
//! run of `0-9 + - e E .` (so `01` and `1.` pass), strings may hold raw control bytes and
//! invalid UTF-8, a malformed `\u` escape reads as U+0000, objects keep duplicate keys, and
//! nesting stops at 1000 levels. A payload holding a NUL byte never passes.

use super::super::c_runtime::strtod_prefix;
use super::value::Json;

/// cJSON's limit on nested arrays and objects.
const NESTING_LIMIT: usize = 1000;

/// The payload as JSON, or `None` where mosquitto reports it as not valid JSON.
pub(crate) fn parse_payload(payload: &[u8]) -> Option<Json> {
    if payload.contains(&0) {
        return None;
    }
    let mut parser = Parser {
        text: payload,
        pos: 0,
        depth: 0,
    };
    if payload.len() >= 4 && payload.starts_with(b"\xEF\xBB\xBF") {
        parser.pos = 3;
    }
    parser.skip_whitespace();
    let value = parser.value()?;
    parser.skip_whitespace();
    (parser.pos == payload.len()).then_some(value)
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    /// The byte at `index`; the end of the text reads as the C string's NUL.
    fn byte(&self, index: usize) -> u8 {
        self.text.get(index).copied().unwrap_or(0)
    }

    fn rest(&self) -> &[u8] {
        self.text.get(self.pos..).unwrap_or_default()
    }

    fn skip_whitespace(&mut self) {
        while self.pos < self.text.len() && self.byte(self.pos) <= b' ' {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Option<Json> {
        for (word, value) in [
            (&b"null"[..], Json::Null),
            (b"false", Json::Bool(false)),
            (b"true", Json::Bool(true)),
        ] {
            if self.rest().starts_with(word) {
                self.pos += word.len();
                return Some(value);
            }
        }
        match self.byte(self.pos) {
            b'"' => self.string().map(Json::String),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' => self.nested(Parser::array),
            b'{' => self.nested(Parser::object),
            _ => None,
        }
    }

    fn number(&mut self) -> Option<Json> {
        let rest = self.rest();
        let run = rest
            .iter()
            .take_while(|byte| matches!(byte, b'0'..=b'9' | b'+' | b'-' | b'e' | b'E' | b'.'))
            .count();
        let (value, used) = strtod_prefix(rest.get(..run)?)?;
        self.pos += used;
        Some(Json::Number(value))
    }

    /// A string starting at the opening quote under `pos`.
    fn string(&mut self) -> Option<Vec<u8>> {
        if self.byte(self.pos) != b'"' {
            return None;
        }
        let start = self.pos + 1;
        // Find the closing quote first, stepping over every escaped byte.
        let mut end = start;
        while end < self.text.len() && self.byte(end) != b'"' {
            if self.byte(end) == b'\\' {
                end += 1;
            }
            end += 1;
        }
        if end >= self.text.len() {
            return None;
        }

        let mut decoded = Vec::with_capacity(end - start);
        let mut i = start;
        while i < end {
            let byte = self.byte(i);
            if byte != b'\\' {
                decoded.push(byte);
                i += 1;
                continue;
            }
            let simple = match self.byte(i + 1) {
                b'b' => 0x08,
                b'f' => 0x0c,
                b'n' => b'\n',
                b'r' => b'\r',
                b't' => b'\t',
                quoted @ (b'"' | b'\\' | b'/') => quoted,
                b'u' => {
                    i += self.utf16_escape(i, end, &mut decoded)?;
                    continue;
                }
                _ => return None,
            };
            decoded.push(simple);
            i += 2;
        }
        self.pos = end + 1;
        Some(decoded)
    }

    /// Decodes `\uXXXX` (or a surrogate pair of them) at `at`, before `end`, into UTF-8;
    /// returns how many bytes it used.
    fn utf16_escape(&self, at: usize, end: usize, decoded: &mut Vec<u8>) -> Option<usize> {
        if end.saturating_sub(at) < 6 {
            return None;
        }
        let first = self.hex4(at + 2);
        let (code_point, used) = match first {
            0xDC00..=0xDFFF => return None,
            0xD800..=0xDBFF => {
                let second_at = at + 6;
                if end.saturating_sub(second_at) < 6
                    || self.byte(second_at) != b'\\'
                    || self.byte(second_at + 1) != b'u'
                {
                    return None;
                }
                let second = self.hex4(second_at + 2);
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return None;
                }
                (0x10000 + (((first & 0x3FF) << 10) | (second & 0x3FF)), 12)
            }
            _ => (first, 6),
        };
        push_utf8(decoded, code_point);
        Some(used)
    }

    /// Four hex digits at `at`; cJSON reads anything else as 0.
    fn hex4(&self, at: usize) -> u32 {
        let mut value = 0;
        for index in at..at + 4 {
            let Some(digit) = char::from(self.byte(index)).to_digit(16) else {
                return 0;
            };
            value = (value << 4) | digit;
        }
        value
    }

    /// Parses an array or object one level deeper, within the nesting limit.
    fn nested(&mut self, parse: fn(&mut Self) -> Option<Json>) -> Option<Json> {
        if self.depth >= NESTING_LIMIT {
            return None;
        }
        self.depth += 1;
        let value = parse(self)?;
        self.depth -= 1;
        Some(value)
    }

    fn array(&mut self) -> Option<Json> {
        let mut elements = Vec::new();
        self.pos += 1;
        self.skip_whitespace();
        if self.byte(self.pos) != b']' {
            loop {
                elements.push(self.value()?);
                self.skip_whitespace();
                if !self.after_comma() {
                    break;
                }
            }
            if self.byte(self.pos) != b']' {
                return None;
            }
        }
        self.pos += 1;
        Some(Json::Array(elements))
    }

    fn object(&mut self) -> Option<Json> {
        let mut members = Vec::new();
        self.pos += 1;
        self.skip_whitespace();
        if self.byte(self.pos) != b'}' {
            loop {
                let key = self.string()?;
                self.skip_whitespace();
                if self.byte(self.pos) != b':' {
                    return None;
                }
                self.pos += 1;
                self.skip_whitespace();
                members.push((key, self.value()?));
                self.skip_whitespace();
                if !self.after_comma() {
                    break;
                }
            }
            if self.byte(self.pos) != b'}' {
                return None;
            }
        }
        self.pos += 1;
        Some(Json::Object(members))
    }

    /// Steps over a `,` and the whitespace after it, if there is one.
    fn after_comma(&mut self) -> bool {
        if self.byte(self.pos) != b',' {
            return false;
        }
        self.pos += 1;
        self.skip_whitespace();
        true
    }
}

/// Appends `code_point` (at most U+10FFFF) as UTF-8, surrogates included, as cJSON does.
fn push_utf8(out: &mut Vec<u8>, code_point: u32) {
    // Each cast keeps only the bits the mask or shift leaves, which fit a byte.
    match code_point {
        0..=0x7F => out.push(code_point as u8),
        0x80..=0x7FF => out.extend_from_slice(&[
            0xC0 | (code_point >> 6) as u8,
            0x80 | (code_point & 0x3F) as u8,
        ]),
        0x800..=0xFFFF => out.extend_from_slice(&[
            0xE0 | (code_point >> 12) as u8,
            0x80 | ((code_point >> 6) & 0x3F) as u8,
            0x80 | (code_point & 0x3F) as u8,
        ]),
        _ => out.extend_from_slice(&[
            0xF0 | ((code_point >> 18) & 0x07) as u8,
            0x80 | ((code_point >> 12) & 0x3F) as u8,
            0x80 | ((code_point >> 6) & 0x3F) as u8,
            0x80 | (code_point & 0x3F) as u8,
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::super::writer::JsonWriter;
    use super::*;

    /// What `%J` prints for the payload (compact), or `None` for "not valid JSON".
    fn reprint(payload: &[u8]) -> Option<String> {
        let value = parse_payload(payload)?;
        let mut out = Vec::new();
        value.write(&mut JsonWriter::new(&mut out, false));
        Some(String::from_utf8_lossy(&out).into_owned())
    }

    /// Payloads and results recorded from mosquitto_sub 2.1 (`-F %J`).
    #[test]
    fn payloads_mosquitto_accepts() {
        let cases: &[(&[u8], &str)] = &[
            (
                br#"{"a":1,"b":[1,2.5,-0,1e2,0.1,1.0,12345678901,9223372036854775807,0.30000000000000004,1e300,-1.5e-7,100000000000000000000],"c":"\u00e9\/x\u0001","d":{},"e":[],"f":null,"g":true,"h":false,"a":2}"#,
                "{\"a\":1,\"b\":[1,2.5,-0,100,0.1,1,12345678901,9.2233720368547758e+18,0.3,1e+300,-1.5e-07,1e+20],\"c\":\"é/x\\u0001\",\"d\":{},\"e\":[],\"f\":null,\"g\":true,\"h\":false,\"a\":2}",
            ),
            (b"  \"str\" ", "\"str\""),
            (b"01", "1"),
            (b"1.", "1"),
            (b"\"\\uZZZZabc\"", "\"\""),
            (b"\"\\ud83d\\ude00\"", "\"\u{1F600}\""),
            (b"\"a\\u0000b\"", "\"a\""),
            (b"\"tab\tin\"", "\"tab\\tin\""),
            (b"1e5", "100000"),
            (b"1E+2", "100"),
            (b"-0", "-0"),
            (b"-0.0", "-0"),
            (b"0.1e-400", "0"),
            (b"1e400", "null"),
            (b"123456789012345678", "1.2345678901234568e+17"),
            (b"2147483648", "2147483648"),
            (b"3.14159265358979311", "3.1415926535897931"),
            (b"[1 , 2 ]", "[1,2]"),
            (b"{\"a\" : 1}", "{\"a\":1}"),
            (b"{\"\":1}", "{\"\":1}"),
            (b"{\"k\\\"ey\":\"v\\nal\"}", "{\"k\\\"ey\":\"v\\nal\"}"),
            (b"[true,false,null]", "[true,false,null]"),
            (b"\xEF\xBB\xBF{}", "{}"),
            (
                b"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "1.2345678901234568e+79",
            ),
            (b"-.5", "-0.5"),
            (b"\x01\x1f[]\x01", "[]"),
            (b"\"\xff\xfe\"", "\"\u{FFFD}\u{FFFD}\""),
        ];
        for (payload, expected) in cases {
            assert_eq!(
                reprint(payload).as_deref(),
                Some(*expected),
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
    }

    /// Payloads mosquitto_sub 2.1 reports as not valid JSON.
    #[test]
    fn payloads_mosquitto_rejects() {
        let cases: &[&[u8]] = &[
            b"-",
            b"\"\\ud800\"",
            b"\"\\udc00\"",
            b"\"\\ud800\\u0041\"",
            b"[1,]",
            b"{\"a\":1,}",
            b"nul",
            b"true false",
            b"\xff\xfeA\xc3\xa9",
            b"\"\\x\"",
            b"+1",
            b".5",
            b"0x10",
            b"1-2",
            b"\"a\0\"",
            b"1\0",
            b"",
            b"   ",
            b"\"open",
            b"\"ends in backslash\\",
            b"[",
            b"{\"a\"}",
            b"{1:2}",
            b"\xEF\xBB\xBF",
        ];
        for payload in cases {
            assert_eq!(
                reprint(payload),
                None,
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
    }

    /// mosquitto_sub 2.1 embeds 1000 nested arrays and rejects 1001.
    #[test]
    fn nesting_limit() {
        let deep = |levels: usize| {
            let mut text = "[".repeat(levels);
            text.push_str(&"]".repeat(levels));
            text
        };
        assert!(parse_payload(deep(NESTING_LIMIT).as_bytes()).is_some());
        assert!(parse_payload(deep(NESTING_LIMIT + 1).as_bytes()).is_none());
    }
}
