//! Number parsing with the C library's rules, because mosquitto reads every numeric option with
//! `atoi`, `atol`, `atof` or `strtol` and scripts rely on what those accept: `-q 1x` is QoS 1,
//! `-k abc` is keepalive 0 (and so rejected), `-x 0x10` is 16 seconds.
//!
//! Rules: leading white space is skipped, a sign is allowed, parsing stops at the first byte
//! that does not fit and the rest is ignored (the `ato*` forms). Out-of-range integers saturate
//! like `strtol` and `atoi` then keeps the low 32 bits as glibc does. Input is raw bytes so
//! that non-UTF-8 arguments behave as they do in C. Hexadecimal floating point (`0x1p3`) is not
//! read by [`atof`]: it stops at the `x`.

/// `strtol(s, &end, base)` for base 10 or base 0 (auto-detected 0x / 0 prefixes): the value,
/// saturated to `i64`, and how many bytes were consumed (0 when there is no number at all).
fn strtol(s: &[u8], auto_base: bool) -> (i64, usize) {
    let mut pos = skip_space(s, 0);
    let negative = match s.get(pos) {
        Some(b'-') => {
            pos += 1;
            true
        }
        Some(b'+') => {
            pos += 1;
            false
        }
        _ => false,
    };
    let mut radix = 10;
    if auto_base && s.get(pos) == Some(&b'0') {
        let hex = matches!(s.get(pos + 1), Some(b'x' | b'X'))
            && s.get(pos + 2).is_some_and(u8::is_ascii_hexdigit);
        if hex {
            radix = 16;
            pos += 2;
        } else {
            radix = 8;
        }
    }
    let digits_start = pos;
    let mut magnitude: u64 = 0;
    let mut overflow = false;
    while let Some(digit) = s.get(pos).and_then(|b| char::from(*b).to_digit(radix)) {
        match magnitude
            .checked_mul(u64::from(radix))
            .and_then(|m| m.checked_add(u64::from(digit)))
        {
            Some(m) => magnitude = m,
            None => overflow = true,
        }
        pos += 1;
    }
    if pos == digits_start {
        return (0, 0);
    }
    let value = if overflow {
        if negative {
            i64::MIN
        } else {
            i64::MAX
        }
    } else if negative {
        0i64.checked_sub_unsigned(magnitude).unwrap_or(i64::MIN)
    } else {
        i64::try_from(magnitude).unwrap_or(i64::MAX)
    };
    (value, pos)
}

fn skip_space(s: &[u8], mut pos: usize) -> usize {
    // C's isspace in the "C" locale.
    while matches!(
        s.get(pos),
        Some(b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
    ) {
        pos += 1;
    }
    pos
}

/// C's `atol`.
pub fn atol(s: &[u8]) -> i64 {
    strtol(s, false).0
}

/// glibc's `atoi`: `(int) strtol(s, NULL, 10)`, keeping the low 32 bits.
pub fn atoi(s: &[u8]) -> i32 {
    // Truncation is the point: it reproduces what the C cast does.
    atol(s) as i32
}

/// `strtol(s, &end, 0)` where the whole argument must be a number: `None` when it is empty,
/// not a number, or followed by anything.
pub fn strtol_whole(s: &[u8]) -> Option<i64> {
    match strtol(s, true) {
        (_, 0) => None,
        (value, used) if used == s.len() => Some(value),
        _ => None,
    }
}

/// C's `atof` for decimal numbers, `inf`, `infinity` and `nan`; 0.0 when nothing fits.
pub fn atof(s: &[u8]) -> f64 {
    let start = skip_space(s, 0);
    let rest = &s[start..];
    let (sign, unsigned) = match rest.first() {
        Some(b'-') => (-1.0, &rest[1..]),
        Some(b'+') => (1.0, &rest[1..]),
        _ => (1.0, rest),
    };
    let lower: Vec<u8> = unsigned
        .iter()
        .take(8)
        .map(u8::to_ascii_lowercase)
        .collect();
    if lower.starts_with(b"inf") {
        return sign * f64::INFINITY;
    }
    if lower.starts_with(b"nan") {
        return f64::NAN;
    }
    let len = decimal_prefix_len(unsigned);
    std::str::from_utf8(&unsigned[..len])
        .ok()
        .and_then(|text| text.parse::<f64>().ok())
        .map_or(0.0, |value| sign * value)
}

/// Length of the longest prefix shaped like `digits[.digits][e[sign]digits]` with at least one
/// mantissa digit; 0 when there is none.
fn decimal_prefix_len(s: &[u8]) -> usize {
    let digits_from = |pos: usize| {
        s[pos.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let int_digits = digits_from(0);
    let mut pos = int_digits;
    let mut frac_digits = 0;
    if s.get(pos) == Some(&b'.') {
        frac_digits = digits_from(pos + 1);
        pos += 1 + frac_digits;
    }
    if int_digits + frac_digits == 0 {
        return 0;
    }
    if matches!(s.get(pos), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(s.get(pos + 1), Some(b'+' | b'-')));
        let exp_digits = digits_from(pos + 1 + sign);
        if exp_digits > 0 {
            pos += 1 + sign + exp_digits;
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atoi_table() {
        let cases: [(&[u8], i32); 14] = [
            (b"0", 0),
            (b"1", 1),
            (b"  42", 42),
            (b"\t-7", -7),
            (b"+3", 3),
            (b"12abc", 12),
            (b"abc", 0),
            (b"", 0),
            (b"-", 0),
            (b"0x10", 0),
            (b"2147483647", i32::MAX),
            (b"2147483648", i32::MIN),
            (b"99999999999", 1_215_752_191),
            (b"99999999999999999999", -1),
        ];
        for (input, expected) in cases {
            assert_eq!(
                atoi(input),
                expected,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn atol_table() {
        let cases: [(&[u8], i64); 5] = [
            (b"4294967295", 4_294_967_295),
            (b"-1", -1),
            (b"99999999999999999999", i64::MAX),
            (b"-99999999999999999999", i64::MIN),
            (b"-9223372036854775808", i64::MIN),
        ];
        for (input, expected) in cases {
            assert_eq!(
                atol(input),
                expected,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn strtol_whole_table() {
        let cases: [(&[u8], Option<i64>); 13] = [
            (b"10", Some(10)),
            (b"0x10", Some(16)),
            (b"0X1f", Some(31)),
            (b"010", Some(8)),
            (b"0", Some(0)),
            (b"-1", Some(-1)),
            (b" 5", Some(5)),
            (b"", None),
            (b"abc", None),
            (b"10s", None),
            (b"5 ", None),
            (b"0x", None),
            (b"09", None),
        ];
        for (input, expected) in cases {
            assert_eq!(
                strtol_whole(input),
                expected,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn atof_table() {
        let cases: [(&[u8], f64); 14] = [
            (b"0", 0.0),
            (b"1.5", 1.5),
            (b" -2.25", -2.25),
            (b".5", 0.5),
            (b"5.", 5.0),
            (b"1e3", 1000.0),
            (b"1e", 1.0),
            (b"1e+", 1.0),
            (b"2E-1x", 0.2),
            (b"abc", 0.0),
            (b"", 0.0),
            (b".", 0.0),
            (b"inf", f64::INFINITY),
            (b"-Infinity", f64::NEG_INFINITY),
        ];
        for (input, expected) in cases {
            assert_eq!(
                atof(input),
                expected,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
        assert!(atof(b"nan").is_nan());
    }
}
