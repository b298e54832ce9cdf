//! The few C library calls whose exact output the formats must reproduce: `strftime` on local
//! time, `printf`'s `%f` and `%g` conversions and `strtod`.
//!
//! Rules: this is the only module with `unsafe` code; every call gets a buffer with a size the
//! C function is told about, and nothing C returns is trusted beyond the length it reports.
//! The C library is used rather than a Rust re-implementation because mosquitto's output is
//! defined by it (platform `strftime` letters, `printf` rounding, `-nan`, `strtod` prefixes).

use std::ffi::{c_char, c_int};

/// Broken-down local time as the C library sees it.
pub(crate) type LocalTime = libc::tm;

/// `localtime_r` for `secs` since the epoch; `None` when the C library cannot represent it.
pub(crate) fn local_time(secs: i64) -> Option<LocalTime> {
    let time = libc::time_t::try_from(secs).ok()?;
    // SAFETY: `tm` is plain old data, so all-zero is a valid value for the C call to overwrite.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: both pointers are valid for the duration of the call; the result points at `tm`.
    let result = unsafe { libc::localtime_r(&time, &mut tm) };
    if result.is_null() {
        None
    } else {
        Some(tm)
    }
}

/// The size of every `strftime` buffer in mosquitto_sub: longer results print nothing.
const STRFTIME_BUFFER: usize = 100;

/// What one `strftime` call produced, held on the stack.
pub(crate) struct StrftimeText {
    buffer: [u8; STRFTIME_BUFFER],
    length: usize,
}

impl StrftimeText {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buffer.get(..self.length).unwrap_or_default()
    }

    pub(crate) fn as_bytes_mut(&mut self) -> &mut [u8] {
        self.buffer.get_mut(..self.length).unwrap_or_default()
    }
}

/// `strftime(pattern, tm)` with mosquitto's 100-byte buffer, or `None` when it produced
/// nothing (an empty result or one that did not fit), which mosquitto treats as "no value".
pub(crate) fn strftime(pattern: &[u8], tm: &LocalTime) -> Option<StrftimeText> {
    // Room for the longest pattern used here plus its NUL terminator.
    let mut c_pattern = [0u8; 40];
    if pattern.contains(&0) || pattern.len() >= c_pattern.len() {
        return None;
    }
    c_pattern.get_mut(..pattern.len())?.copy_from_slice(pattern);
    let mut text = StrftimeText {
        buffer: [0u8; STRFTIME_BUFFER],
        length: 0,
    };
    // SAFETY: the output buffer's real size is passed; the pattern is NUL-terminated (the array
    // is longer than the pattern and zero-filled); `tm` is a valid `struct tm`.
    text.length = unsafe {
        libc::strftime(
            text.buffer.as_mut_ptr().cast::<c_char>(),
            text.buffer.len(),
            c_pattern.as_ptr().cast::<c_char>(),
            tm,
        )
    };
    (text.length > 0 && text.length < STRFTIME_BUFFER).then_some(text)
}

/// How `printf` is asked to lay out a double with `%f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FloatLayout {
    /// `%.*f`: no field width.
    Bare,
    /// `%-*.*f`
    Left,
    /// `%0*.*f`
    ZeroPadded,
    /// `%*.*f`
    Right,
}

/// Appends `printf("%<layout>.*f", width, precision, value)`; a negative precision means the
/// default of six digits, as in C.
pub(crate) fn write_fixed(
    out: &mut Vec<u8>,
    layout: FloatLayout,
    width: i32,
    precision: i32,
    value: f64,
) {
    let pattern: &std::ffi::CStr = match layout {
        FloatLayout::Bare => c"%.*f",
        FloatLayout::Left => c"%-*.*f",
        FloatLayout::ZeroPadded => c"%0*.*f",
        FloatLayout::Right => c"%*.*f",
    };
    let width = c_int::from(width);
    let precision = c_int::from(precision);
    write_printf(out, |buffer, size| {
        // SAFETY: `buffer` has room for `size` bytes; the pattern's conversions match the
        // arguments (an int width where the pattern has `*` for it, an int precision, a double).
        unsafe {
            if layout == FloatLayout::Bare {
                libc::snprintf(buffer, size, pattern.as_ptr(), precision, value)
            } else {
                libc::snprintf(buffer, size, pattern.as_ptr(), width, precision, value)
            }
        }
    });
}

/// Appends `printf("%1.<significant>g", value)`.
pub(crate) fn write_general(out: &mut Vec<u8>, significant: i32, value: f64) {
    let significant = c_int::from(significant);
    write_printf(out, |buffer, size| {
        // SAFETY: `buffer` has room for `size` bytes; `%1.*g` takes an int and a double.
        unsafe { libc::snprintf(buffer, size, c"%1.*g".as_ptr(), significant, value) }
    });
}

/// Runs an `snprintf` call into a stack buffer, or into a heap buffer of the size it asked for
/// when the stack one was too small (huge field widths or `%f` of huge numbers).
fn write_printf(out: &mut Vec<u8>, call: impl Fn(*mut c_char, usize) -> c_int) {
    let mut stack = [0u8; 512];
    let Ok(needed) = usize::try_from(call(stack.as_mut_ptr().cast::<c_char>(), stack.len())) else {
        return;
    };
    if let Some(text) = stack.get(..needed) {
        if needed < stack.len() {
            out.extend_from_slice(text);
            return;
        }
    }
    let mut heap = vec![0u8; needed.saturating_add(1)];
    let Ok(written) = usize::try_from(call(heap.as_mut_ptr().cast::<c_char>(), heap.len())) else {
        return;
    };
    if let Some(text) = heap.get(..written.min(needed)) {
        out.extend_from_slice(text);
    }
}

/// `strtod` on `text`: the value and how many bytes of `text` it used, or `None` when no prefix
/// of `text` is a number. `text` holds no NUL byte (callers pass a run of number characters).
pub(crate) fn strtod_prefix(text: &[u8]) -> Option<(f64, usize)> {
    // Short texts (every printed number) get a NUL-terminated copy on the stack.
    let mut stack = [0u8; 64];
    let heap;
    let c_text: &[u8] = match stack.get_mut(..text.len()) {
        Some(slot) if text.len() < 64 => {
            slot.copy_from_slice(text);
            &stack
        }
        _ => {
            heap = [text, &[0]].concat();
            &heap
        }
    };
    let start = c_text.as_ptr().cast::<c_char>();
    let mut end = start.cast_mut();
    // SAFETY: `c_text` is NUL-terminated and outlives the call; `end` receives a pointer into it.
    let value = unsafe { libc::strtod(start, &mut end) };
    // SAFETY: `strtod` sets `end` to a position inside `c_text` (or to `start`).
    let used = usize::try_from(unsafe { end.cast_const().offset_from(start) }).ok()?;
    if used == 0 || used > text.len() {
        None
    } else {
        Some((value, used))
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Tests render local time; they pin the process to UTC once, before any conversion.

    use std::sync::Once;

    extern "C" {
        fn tzset();
    }

    /// Makes local time UTC for the rest of the test process.
    pub(crate) fn use_utc() {
        static UTC: Once = Once::new();
        UTC.call_once(|| {
            std::env::set_var("TZ", "UTC");
            // SAFETY: `tzset` takes no arguments and only re-reads TZ.
            unsafe { tzset() };
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2023-11-14T22:13:20Z.
    const SECS: i64 = 1_700_000_000;

    #[test]
    fn strftime_letters() {
        test_support::use_utc();
        let tm = local_time(SECS).unwrap();
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"%Y-%m-%d", Some("2023-11-14")),
            (b"%FT%T%z", Some("2023-11-14T22:13:20+0000")),
            (b"%s", Some("1700000000")),
            (b"%Z", Some("UTC")),
            (b"%Q", Some("%Q")),
            (b"%%", Some("%")),
            (b"", None),
            (b"%c%c%c%c%c", None),
        ];
        for (pattern, expected) in cases {
            let text = strftime(pattern, &tm);
            assert_eq!(
                text.as_ref().map(StrftimeText::as_bytes),
                expected.map(str::as_bytes),
                "{pattern:?}"
            );
        }
    }

    #[test]
    fn fixed_point_like_printf() {
        let cases = [
            (FloatLayout::Bare, 0, -1, 3.25, "3.250000"),
            (FloatLayout::Bare, 0, 2, 0.125, "0.12"),
            (FloatLayout::Right, 10, 3, 3.25, "     3.250"),
            (FloatLayout::Left, 10, 2, 3.25, "3.25      "),
            (FloatLayout::ZeroPadded, 10, 1, -1234.5678, "-0001234.6"),
            (
                FloatLayout::ZeroPadded,
                10,
                -1,
                f64::NEG_INFINITY,
                "      -inf",
            ),
            (FloatLayout::Bare, 0, -1, f64::NAN, "nan"),
            (FloatLayout::Bare, 0, -1, -f64::NAN, "-nan"),
        ];
        for (layout, width, precision, value, expected) in cases {
            let mut out = Vec::new();
            write_fixed(&mut out, layout, width, precision, value);
            assert_eq!(
                String::from_utf8_lossy(&out),
                expected,
                "{layout:?} {value}"
            );
        }
    }

    #[test]
    fn fixed_point_longer_than_the_stack_buffer() {
        let mut out = Vec::new();
        write_fixed(&mut out, FloatLayout::Bare, 0, 0, 1e300);
        assert_eq!(out.len(), 301);
        assert!(
            out.starts_with(b"1000000000000000052504760255204420248704468581108159154915854115")
        );
        let mut out = Vec::new();
        write_fixed(&mut out, FloatLayout::Right, 600, 1, 1.5);
        assert_eq!(out.len(), 600);
        assert!(out.ends_with(b" 1.5"));
    }

    #[test]
    fn general_format() {
        let cases = [
            (15, 0.1, "0.1"),
            (15, 1e300, "1e+300"),
            (15, -1.5e-7, "-1.5e-07"),
            (17, 9.223_372_036_854_776e18, "9.2233720368547758e+18"),
            (15, -0.0, "-0"),
        ];
        for (significant, value, expected) in cases {
            let mut out = Vec::new();
            write_general(&mut out, significant, value);
            assert_eq!(String::from_utf8_lossy(&out), expected);
        }
    }

    #[test]
    fn strtod_prefixes() {
        type Read = Option<(f64, usize)>;
        let cases: &[(&[u8], Read)] = &[
            (b"12", Some((12.0, 2))),
            (b"1.", Some((1.0, 2))),
            (b"-.5", Some((-0.5, 3))),
            (b"1e", Some((1.0, 1))),
            (b"1e+5", Some((100000.0, 4))),
            (b"1-2", Some((1.0, 1))),
            (b"-", None),
            (b"+", None),
            (b"", None),
            (b"1e400", Some((f64::INFINITY, 5))),
            (&[b'1'; 80], Some((1.111_111_111_111_111_1e79, 80))),
        ];
        for (text, expected) in cases {
            assert_eq!(strtod_prefix(text), *expected, "{text:?}");
        }
    }
}
