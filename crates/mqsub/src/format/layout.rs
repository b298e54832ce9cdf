//! Laying out one value under a `%` sequence's width, precision and flags, the way mosquitto's
//! printf calls do: text (`%s`), integers (`%d`), floats (`%f`), absent values and payloads
//! (raw or hex with separators).
//!
//! Rules: everything appends to the caller's buffer without allocating; widths and precisions
//! count bytes, as C does; quirks of mosquitto's payload padding are kept on purpose (see
//! `write_payload`).

use super::c_runtime::{self, FloatLayout};
use super::template::FieldOptions;

/// How `write_payload` prints the payload bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PayloadEncoding {
    Raw,
    HexLower,
    HexUpper,
}

/// `printf("%-*.*s")`-style text: cut to the precision, padded with spaces to the width.
pub(crate) fn write_text(out: &mut Vec<u8>, text: &[u8], options: &FieldOptions) {
    let shown = match usize::try_from(options.precision) {
        Ok(precision) => text.get(..precision).unwrap_or(text),
        Err(_) => text,
    };
    let padding = width(options).saturating_sub(shown.len());
    if options.left {
        out.extend_from_slice(shown);
        pad(out, b' ', padding);
    } else {
        pad(out, b' ', padding);
        out.extend_from_slice(shown);
    }
}

/// `printf("%d")`-style integer with the width and the `-` or `0` flag; precision is ignored.
pub(crate) fn write_int(out: &mut Vec<u8>, value: i64, options: &FieldOptions) {
    let mut digits = [0u8; 20];
    let digits = decimal(value.unsigned_abs(), &mut digits);
    let sign: &[u8] = if value < 0 { b"-" } else { b"" };
    let padding = width(options).saturating_sub(sign.len() + digits.len());
    if options.left {
        out.extend_from_slice(sign);
        out.extend_from_slice(digits);
        pad(out, b' ', padding);
    } else if options.zero {
        out.extend_from_slice(sign);
        pad(out, b'0', padding);
        out.extend_from_slice(digits);
    } else {
        pad(out, b' ', padding);
        out.extend_from_slice(sign);
        out.extend_from_slice(digits);
    }
}

/// Appends `value` in decimal, with no layout.
pub(crate) fn write_decimal(out: &mut Vec<u8>, value: u64) {
    let mut digits = [0u8; 20];
    out.extend_from_slice(decimal(value, &mut digits));
}

/// Appends `value` in decimal, zero-padded to `places` digits (`%09ld`-style).
pub(crate) fn write_zero_padded(out: &mut Vec<u8>, value: u64, places: usize) {
    let mut digits = [0u8; 20];
    let digits = decimal(value, &mut digits);
    pad(out, b'0', places.saturating_sub(digits.len()));
    out.extend_from_slice(digits);
}

/// What an absent property prints: the width filled with the pad character.
pub(crate) fn write_blank(out: &mut Vec<u8>, options: &FieldOptions) {
    pad(out, pad_byte(options), width(options));
}

/// `printf("%f")`-style float with the width, precision and flags.
pub(crate) fn write_float(out: &mut Vec<u8>, value: f64, options: &FieldOptions) {
    let layout = if options.width == 0 {
        FloatLayout::Bare
    } else if options.left {
        FloatLayout::Left
    } else if options.zero {
        FloatLayout::ZeroPadded
    } else {
        FloatLayout::Right
    };
    c_runtime::write_fixed(out, layout, options.width, options.precision, value);
}

/// The payload as mosquitto's `write_payload` prints it. Its quirks, kept for identical output:
/// - a width also caps the number of payload *bytes* printed (even for hex, where each byte
///   takes two columns);
/// - the padding is the width minus the printed columns, and with `-` its absolute value is
///   printed, so `%-p` without a width pads with as many spaces as the payload has bytes;
/// - for hex, the hex separator is counted over padding and digits alike.
pub(crate) fn write_payload(
    out: &mut Vec<u8>,
    payload: &[u8],
    encoding: PayloadEncoding,
    options: &FieldOptions,
) {
    let field_width = i64::from(options.width);
    let mut length = i64::try_from(payload.len()).unwrap_or(i64::MAX);
    let columns_per_byte = if encoding == PayloadEncoding::Raw {
        1
    } else {
        2
    };
    let padding = if field_width > 0 {
        length = length.min(field_width);
        field_width - length * columns_per_byte
    } else {
        field_width - length
    };
    let shown = payload
        .get(..usize::try_from(length).unwrap_or(0))
        .unwrap_or(payload);

    let mut groups = HexGroups::new(options);
    if !options.left {
        let pad_with = pad_byte(options);
        for _ in 0..padding.max(0) {
            out.push(pad_with);
            if encoding != PayloadEncoding::Raw {
                groups.after_nibble(out);
            }
        }
    }
    match encoding {
        PayloadEncoding::Raw => out.extend_from_slice(shown),
        PayloadEncoding::HexLower => write_hex(out, shown, b"0123456789abcdef", &mut groups),
        PayloadEncoding::HexUpper => write_hex(out, shown, b"0123456789ABCDEF", &mut groups),
    }
    if options.left {
        pad(
            out,
            b' ',
            usize::try_from(padding.unsigned_abs()).unwrap_or(usize::MAX),
        );
    }
}

fn write_hex(out: &mut Vec<u8>, bytes: &[u8], digits: &[u8; 16], groups: &mut HexGroups) {
    let last = bytes.len().saturating_sub(1);
    for (index, byte) in bytes.iter().enumerate() {
        out.push(digits[usize::from(byte >> 4)]);
        groups.after_nibble(out);
        out.push(digits[usize::from(byte & 0x0f)]);
        // No separator after the very last digit.
        if index < last {
            groups.after_nibble(out);
        }
    }
}

/// Inserts the separator after every `precision` printed hex columns.
struct HexGroups {
    size: i64,
    separator: u8,
    position: i64,
}

impl HexGroups {
    fn new(options: &FieldOptions) -> HexGroups {
        HexGroups {
            size: i64::from(options.precision),
            separator: options.separator,
            position: 0,
        }
    }

    fn after_nibble(&mut self, out: &mut Vec<u8>) {
        if self.size > 0 && self.position % self.size == self.size - 1 {
            out.push(self.separator);
        }
        self.position += 1;
    }
}

fn width(options: &FieldOptions) -> usize {
    usize::try_from(options.width).unwrap_or(0)
}

fn pad_byte(options: &FieldOptions) -> u8 {
    if options.zero {
        b'0'
    } else {
        b' '
    }
}

fn pad(out: &mut Vec<u8>, byte: u8, count: usize) {
    out.resize(out.len().saturating_add(count), byte);
}

/// The decimal digits of `value`, written at the end of `buffer`.
fn decimal(mut value: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut start = buffer.len();
    loop {
        start -= 1;
        // The remainder is below ten, so the cast cannot truncate.
        buffer[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    &buffer[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(width: i32, precision: i32, separator: u8, left: bool, zero: bool) -> FieldOptions {
        FieldOptions {
            width,
            precision,
            separator,
            left,
            zero,
        }
    }

    const NONE: FieldOptions = FieldOptions {
        width: 0,
        precision: -1,
        separator: b' ',
        left: false,
        zero: false,
    };

    fn text(value: &[u8], options: FieldOptions) -> String {
        let mut out = Vec::new();
        write_text(&mut out, value, &options);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn text_layout() {
        let cases = [
            (NONE, "topic/a"),
            (options(10, -1, b' ', false, false), "   topic/a"),
            (options(10, -1, b' ', true, false), "topic/a   "),
            (options(10, -1, b' ', false, true), "   topic/a"),
            (options(3, -1, b' ', false, false), "topic/a"),
            (options(0, 3, b' ', false, false), "top"),
            (options(0, 0, b' ', false, false), ""),
            (options(6, 3, b' ', false, false), "   top"),
            (options(6, 3, b' ', true, false), "top   "),
            (options(0, 30, b' ', false, false), "topic/a"),
        ];
        for (opts, expected) in cases {
            assert_eq!(text(b"topic/a", opts), expected, "{opts:?}");
        }
    }

    #[test]
    fn int_layout() {
        let cases = [
            (3, NONE, "3"),
            (3, options(5, -1, b' ', false, false), "    3"),
            (3, options(5, -1, b' ', true, false), "3    "),
            (3, options(5, -1, b' ', false, true), "00003"),
            (3, options(5, -1, b' ', true, true), "3    "),
            (3, options(0, 2, b' ', false, false), "3"),
            (-1, options(5, -1, b' ', false, true), "-0001"),
            (-1, options(5, -1, b' ', false, false), "   -1"),
            (-2147483648, NONE, "-2147483648"),
            (12345, options(3, -1, b' ', false, true), "12345"),
            (0, NONE, "0"),
        ];
        for (value, opts, expected) in cases {
            let mut out = Vec::new();
            write_int(&mut out, value, &opts);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                expected,
                "{value} {opts:?}"
            );
        }
    }

    #[test]
    fn plain_numbers() {
        let mut out = Vec::new();
        write_decimal(&mut out, u64::MAX);
        out.push(b'|');
        write_zero_padded(&mut out, 42, 9);
        out.push(b'|');
        write_zero_padded(&mut out, 1_234_567_890, 9);
        assert_eq!(out, b"18446744073709551615|000000042|1234567890");
    }

    #[test]
    fn blanks_for_absent_values() {
        let cases = [
            (NONE, ""),
            (options(5, -1, b' ', false, false), "     "),
            (options(5, -1, b' ', false, true), "00000"),
            (options(5, -1, b' ', true, true), "00000"),
        ];
        for (opts, expected) in cases {
            let mut out = Vec::new();
            write_blank(&mut out, &opts);
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{opts:?}");
        }
    }

    #[test]
    fn float_layout() {
        let cases = [
            (NONE, "3.250000"),
            (options(0, 2, b' ', false, false), "3.25"),
            (options(10, 3, b' ', false, false), "     3.250"),
            (options(10, 2, b' ', true, false), "3.25      "),
            (options(10, 2, b' ', false, true), "0000003.25"),
            (options(10, 2, b' ', true, true), "3.25      "),
            (options(10, -1, b' ', false, false), "  3.250000"),
            (options(0, 0, b' ', false, false), "3"),
        ];
        for (opts, expected) in cases {
            let mut out = Vec::new();
            write_float(&mut out, 3.25, &opts);
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{opts:?}");
        }
    }

    /// Expected bytes recorded from mosquitto_sub 2.1 for the same sequences.
    #[test]
    fn payload_layout() {
        use PayloadEncoding::*;
        let three = [0xde, 0xad, 0xbe];
        let four = [0x01, 0xab, 0xcd, 0xef];
        let cases: &[(&[u8], PayloadEncoding, FieldOptions, &str)] = &[
            (b"abc", Raw, NONE, "abc"),
            (b"abc", Raw, options(8, -1, b' ', false, false), "     abc"),
            (b"abc", Raw, options(8, -1, b' ', true, false), "abc     "),
            (b"abc", Raw, options(8, -1, b' ', false, true), "00000abc"),
            (b"abc", Raw, options(0, -1, b' ', true, false), "abc   "),
            (b"abc", Raw, options(8, -1, b' ', true, true), "abc     "),
            (b"abcdef", Raw, options(2, -1, b' ', false, false), "ab"),
            (b"abcdef", Raw, options(0, 2, b' ', false, false), "abcdef"),
            (b"hello", HexLower, NONE, "68656c6c6f"),
            (b"hello", HexUpper, NONE, "68656C6C6F"),
            (
                &three,
                HexLower,
                options(8, -1, b' ', false, false),
                "  deadbe",
            ),
            (
                &three,
                HexLower,
                options(8, -1, b' ', true, false),
                "deadbe  ",
            ),
            (
                &three,
                HexLower,
                options(4, -1, b' ', false, false),
                "deadbe",
            ),
            (
                &three,
                HexLower,
                options(4, -1, b' ', true, false),
                "deadbe  ",
            ),
            (
                &three,
                HexUpper,
                options(8, -1, b' ', false, true),
                "00DEADBE",
            ),
            (
                &three,
                HexLower,
                options(0, -1, b' ', true, false),
                "deadbe   ",
            ),
            (
                &four,
                HexLower,
                options(0, 2, b' ', false, false),
                "01 ab cd ef",
            ),
            (
                &four,
                HexLower,
                options(0, 4, b':', false, false),
                "01ab:cdef",
            ),
            (
                &four,
                HexUpper,
                options(0, 3, b'-', false, false),
                "01A-BCD-EF",
            ),
            (
                &four,
                HexLower,
                options(0, 1, b'.', false, false),
                "0.1.a.b.c.d.e.f",
            ),
            (
                &three,
                HexLower,
                options(12, 2, b' ', false, false),
                "         de ad be",
            ),
            (
                &three,
                HexLower,
                options(12, 2, b'_', false, true),
                "00_00_00_de_ad_be",
            ),
            (
                &three,
                HexLower,
                options(12, 2, b'_', true, false),
                "de_ad_be      ",
            ),
            (
                &three,
                HexLower,
                options(10, 3, b' ', false, false),
                "     de adb e",
            ),
            (b"", Raw, NONE, ""),
            (b"", HexLower, options(0, 2, b' ', false, false), ""),
            (b"", Raw, options(3, -1, b' ', false, true), "000"),
        ];
        for (payload, encoding, opts, expected) in cases {
            let mut out = Vec::new();
            write_payload(&mut out, payload, *encoding, opts);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                *expected,
                "{payload:?} {encoding:?} {opts:?}"
            );
        }
    }
}
