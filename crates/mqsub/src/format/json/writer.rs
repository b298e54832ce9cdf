//! Writing JSON byte for byte as cJSON (the library behind mosquitto_sub's `%j` and `%J`)
//! prints it, compact or `--pretty`.
//!
//! Rules: strings are C strings (they end at the first NUL byte) and are copied byte for byte
//! except for the characters cJSON escapes, so non-UTF-8 payloads come out unchanged; numbers
//! use cJSON's "%1.15g, or %1.17g when that does not read back" rule; the pretty layout is
//! cJSON's: tabs, `":\t"`, one member per line, and arrays on one line with `", "`.
//! The writer appends to the caller's buffer and allocates nothing itself.

use super::super::c_runtime;
use super::super::layout::write_decimal;
use super::super::until_nul;

/// Streams one JSON value into a byte buffer.
pub(crate) struct JsonWriter<'a> {
    out: &'a mut Vec<u8>,
    pretty: bool,
    /// How many objects and arrays are open: cJSON's indentation depth.
    depth: usize,
}

impl<'a> JsonWriter<'a> {
    pub(crate) fn new(out: &'a mut Vec<u8>, pretty: bool) -> JsonWriter<'a> {
        JsonWriter {
            out,
            pretty,
            depth: 0,
        }
    }

    pub(crate) fn begin_object(&mut self) {
        self.out.push(b'{');
        self.depth += 1;
        if self.pretty {
            self.out.push(b'\n');
        }
    }

    /// Starts a member: `first` is true for the first member of the object.
    pub(crate) fn key(&mut self, first: bool, name: &[u8]) {
        if !first {
            self.out.push(b',');
            if self.pretty {
                self.out.push(b'\n');
            }
        }
        if self.pretty {
            self.indent(self.depth);
        }
        self.string(name);
        self.out.push(b':');
        if self.pretty {
            self.out.push(b'\t');
        }
    }

    /// Closes the object; `empty` tells whether any member was written.
    pub(crate) fn end_object(&mut self, empty: bool) {
        if self.pretty {
            if !empty {
                self.out.push(b'\n');
            }
            self.indent(self.depth.saturating_sub(1));
        }
        self.out.push(b'}');
        self.depth = self.depth.saturating_sub(1);
    }

    pub(crate) fn begin_array(&mut self) {
        self.out.push(b'[');
        self.depth += 1;
    }

    /// Separates array elements: call before each element, `first` for the first one.
    pub(crate) fn element(&mut self, first: bool) {
        if !first {
            self.out.push(b',');
            if self.pretty {
                self.out.push(b' ');
            }
        }
    }

    pub(crate) fn end_array(&mut self) {
        self.out.push(b']');
        self.depth = self.depth.saturating_sub(1);
    }

    pub(crate) fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    pub(crate) fn boolean(&mut self, value: bool) {
        let text: &[u8] = if value { b"true" } else { b"false" };
        self.out.extend_from_slice(text);
    }

    /// A JSON number as cJSON prints a double (non-finite values become `null`).
    pub(crate) fn number(&mut self, value: f64) {
        if !value.is_finite() {
            self.null();
        } else if is_small_integer(value) {
            // What "%1.15g" prints for these, without the C round trip.
            if value < 0.0 {
                self.out.push(b'-');
            }
            // Integral and below 1e15 in magnitude, so the conversion is exact.
            write_decimal(self.out, value.abs() as u64);
        } else {
            let start = self.out.len();
            c_runtime::write_general(self.out, 15, value);
            let reads_back = self
                .out
                .get(start..)
                .and_then(c_runtime::strtod_prefix)
                .is_some_and(|(read, _)| nearly_equal(read, value));
            if !reads_back {
                self.out.truncate(start);
                c_runtime::write_general(self.out, 17, value);
            }
        }
    }

    /// A JSON string from a C string: escaped as cJSON escapes, other bytes copied unchanged.
    pub(crate) fn string(&mut self, text: &[u8]) {
        let text = until_nul(text);
        self.out.push(b'"');
        let mut plain_from = 0;
        for (index, &byte) in text.iter().enumerate() {
            let escape: &[u8] = match byte {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                0x0c => b"\\f",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1f => b"",
                _ => continue,
            };
            self.out.extend_from_slice(&text[plain_from..index]);
            plain_from = index + 1;
            if escape.is_empty() {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                self.out.extend_from_slice(b"\\u00");
                self.out.push(HEX[usize::from(byte >> 4)]);
                self.out.push(HEX[usize::from(byte & 0x0f)]);
            } else {
                self.out.extend_from_slice(escape);
            }
        }
        self.out.extend_from_slice(&text[plain_from..]);
        self.out.push(b'"');
    }

    fn indent(&mut self, depth: usize) {
        self.out.resize(self.out.len() + depth, b'\t');
    }
}

/// Integral values below 1e15 in magnitude, except negative zero (printed "-0" by "%g").
fn is_small_integer(value: f64) -> bool {
    value.fract() == 0.0 && value.abs() < 1e15 && !(value == 0.0 && value.is_sign_negative())
}

/// cJSON's test for "the printed number reads back as the same double".
fn nearly_equal(a: f64, b: f64) -> bool {
    let larger = a.abs().max(b.abs());
    (a - b).abs() <= larger * f64::EPSILON
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(value: f64) -> String {
        let mut out = Vec::new();
        JsonWriter::new(&mut out, false).number(value);
        String::from_utf8(out).unwrap()
    }

    /// Expected texts recorded from mosquitto_sub 2.1's `%J` on the same numbers.
    #[test]
    fn numbers_as_cjson_prints_them() {
        let cases = [
            (1.0, "1"),
            (2.5, "2.5"),
            (-0.0, "-0"),
            (0.0, "0"),
            (100.0, "100"),
            (0.1, "0.1"),
            (12_345_678_901.0, "12345678901"),
            (9_223_372_036_854_775_807.0, "9.2233720368547758e+18"),
            (0.300_000_000_000_000_04, "0.3"),
            (1e300, "1e+300"),
            (-1.5e-7, "-1.5e-07"),
            (1e20, "1e+20"),
            (123_456_789_012_345_678.0, "1.2345678901234568e+17"),
            (2_147_483_648.0, "2147483648"),
            (-2_147_483_649.0, "-2147483649"),
            (std::f64::consts::PI, "3.1415926535897931"),
            (999_999_999_999_999.0, "999999999999999"),
            (1e15, "1e+15"),
            (f64::INFINITY, "null"),
            (f64::NAN, "null"),
        ];
        for (value, expected) in cases {
            assert_eq!(number(value), expected, "{value:e}");
        }
    }

    #[test]
    fn strings_as_cjson_escapes_them() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"hello", b"\"hello\""),
            (b"he\"l\\lo", b"\"he\\\"l\\\\lo\""),
            (
                b"\x01\x02\x1f\x7f\"\\/\x08\x0c\n\r\t",
                b"\"\\u0001\\u0002\\u001f\x7f\\\"\\\\/\\b\\f\\n\\r\\t\"",
            ),
            (b"ab\0cd", b"\"ab\""),
            (b"\xff\xfeA\xc3\xa9", b"\"\xff\xfeA\xc3\xa9\""),
            (b"", b"\"\""),
        ];
        for (text, expected) in cases {
            let mut out = Vec::new();
            JsonWriter::new(&mut out, false).string(text);
            assert_eq!(out, *expected, "{text:?}");
        }
    }

    /// Writes {"a":[1,{}],"b":{},"c":[]} with the writer.
    fn sample(pretty: bool) -> String {
        let mut out = Vec::new();
        let mut json = JsonWriter::new(&mut out, pretty);
        json.begin_object();
        json.key(true, b"a");
        json.begin_array();
        json.element(true);
        json.number(1.0);
        json.element(false);
        json.begin_object();
        json.end_object(true);
        json.end_array();
        json.key(false, b"b");
        json.begin_object();
        json.end_object(true);
        json.key(false, b"c");
        json.begin_array();
        json.end_array();
        json.end_object(false);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn layouts() {
        assert_eq!(sample(false), r#"{"a":[1,{}],"b":{},"c":[]}"#);
        assert_eq!(
            sample(true),
            "{\n\t\"a\":\t[1, {\n\t\t}],\n\t\"b\":\t{\n\t},\n\t\"c\":\t[]\n}"
        );
    }

    #[test]
    fn empty_top_level_object_when_pretty() {
        let mut out = Vec::new();
        let mut json = JsonWriter::new(&mut out, true);
        json.begin_object();
        json.end_object(true);
        assert_eq!(out, b"{\n}");
    }
}
