//! Parsing a `-F` format string into a list of pieces, once, before any message arrives.
//!
//! Rules: the string is read byte by byte as mosquitto_sub does (it stops at a NUL byte, like a
//! C string); it is rejected with mosquitto's exact error lines where mosquitto rejects it, and
//! otherwise split the way mosquitto's printer splits it. `%%`, `@@` and `\` escapes become
//! literal bytes here, so rendering only has message fields and clock readings left to do.

/// Characters that may follow a `%` field's precision to separate groups of hex digits.
const HEX_SEPARATORS: &[u8] = b"!\"#$&'()*+,-./:;<=>?@[\\]^_`{|}~ ";

const INCOMPLETE_FORMAT: &str = "Error: Incomplete format specifier.";
const INCOMPLETE_ESCAPE: &str = "Error: Incomplete escape specifier.";

/// A message value that a `%` sequence prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// `%A`
    TopicAlias,
    /// `%C`
    ContentType,
    /// `%D`
    CorrelationData,
    /// `%E`
    MessageExpiry,
    /// `%F`
    PayloadFormat,
    /// `%I`
    Iso8601,
    /// `%j`
    JsonEscapedPayload,
    /// `%J`
    JsonEmbeddedPayload,
    /// `%l`
    PayloadLength,
    /// `%m`
    Mid,
    /// `%P`
    UserProperties,
    /// `%p`
    Payload,
    /// `%q`
    Qos,
    /// `%R`
    ResponseTopic,
    /// `%r`
    Retain,
    /// `%S`
    SubscriptionId,
    /// `%t`
    Topic,
    /// `%U`
    UnixTime,
    /// `%x`
    HexLower,
    /// `%X`
    HexUpper,
    /// `%f`
    Float,
    /// `%d`
    Double,
}

impl Field {
    fn from_letter(letter: u8) -> Option<Field> {
        Some(match letter {
            b'A' => Field::TopicAlias,
            b'C' => Field::ContentType,
            b'D' => Field::CorrelationData,
            b'E' => Field::MessageExpiry,
            b'F' => Field::PayloadFormat,
            b'I' => Field::Iso8601,
            b'j' => Field::JsonEscapedPayload,
            b'J' => Field::JsonEmbeddedPayload,
            b'l' => Field::PayloadLength,
            b'm' => Field::Mid,
            b'P' => Field::UserProperties,
            b'p' => Field::Payload,
            b'q' => Field::Qos,
            b'R' => Field::ResponseTopic,
            b'r' => Field::Retain,
            b'S' => Field::SubscriptionId,
            b't' => Field::Topic,
            b'U' => Field::UnixTime,
            b'x' => Field::HexLower,
            b'X' => Field::HexUpper,
            b'f' => Field::Float,
            b'd' => Field::Double,
            _ => return None,
        })
    }

    /// Whether printing the field needs the broken-down local time.
    fn needs_local_time(self) -> bool {
        matches!(
            self,
            Field::Iso8601 | Field::JsonEscapedPayload | Field::JsonEmbeddedPayload
        )
    }
}

/// The printf-like options between `%` and the field letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FieldOptions {
    /// Minimum width; 0 when not given.
    pub width: i32,
    /// `.N`; -1 when not given.
    pub precision: i32,
    /// Separator between groups of hex digits (`%x`, `%X`); a space unless given.
    pub separator: u8,
    /// `-`: pad on the right.
    pub left: bool,
    /// `0`: pad with zeros (or, for absent properties, print zeros).
    pub zero: bool,
}

impl Default for FieldOptions {
    fn default() -> Self {
        FieldOptions {
            width: 0,
            precision: -1,
            separator: b' ',
            left: false,
            zero: false,
        }
    }
}

/// One part of a parsed format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Bytes printed as they are.
    Literal(Box<[u8]>),
    /// A message value.
    Field(Field, FieldOptions),
    /// `@X`: the byte X handed to `strftime` as `%X`.
    Strftime(u8),
    /// `@N`: nanoseconds within the second.
    Nanoseconds,
}

/// A parsed `-F` format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template {
    pub pieces: Vec<Piece>,
    /// Some piece needs the broken-down local time (computed once per message).
    pub needs_local_time: bool,
}

/// Parses `format`, or returns the error line mosquitto_sub prints for it (without newline).
pub(crate) fn parse(format: &str) -> Result<Template, String> {
    // mosquitto handles the format as a C string.
    let text = format.split('\0').next().unwrap_or_default();
    let bytes = text.as_bytes();
    let len = bytes.len();
    // Reading one past the end yields the C string's terminator.
    let at = |index: usize| bytes.get(index).copied().unwrap_or(0);

    let mut builder = Builder::default();
    let mut i = 0;
    while i < len {
        match at(i) {
            b'%' => {
                let (piece, letter_index) = parse_field(text, i)?;
                match piece {
                    Some(piece) => builder.piece(piece),
                    None => builder.literal(b'%'),
                }
                i = letter_index;
            }
            b'@' => {
                if i + 1 == len {
                    return Err(INCOMPLETE_FORMAT.to_string());
                }
                i += 1;
                match at(i) {
                    b'@' => builder.literal(b'@'),
                    b'N' => builder.piece(Piece::Nanoseconds),
                    letter => builder.piece(Piece::Strftime(letter)),
                }
            }
            b'\\' => {
                if i + 1 == len {
                    return Err(INCOMPLETE_ESCAPE.to_string());
                }
                i += 1;
                let byte = match at(i) {
                    b'\\' => b'\\',
                    b'0' => 0,
                    b'a' => 0x07,
                    b'e' => 0x1b,
                    b'n' => b'\n',
                    b'r' => b'\r',
                    b't' => b'\t',
                    b'v' => 0x0b,
                    _ => {
                        return Err(format!(
                            "Error: Invalid escape specifier '{}'.",
                            char_at(text, i)
                        ))
                    }
                };
                builder.literal(byte);
            }
            byte => builder.literal(byte),
        }
        i += 1;
    }
    Ok(builder.finish())
}

/// Parses the `%` sequence starting at `percent`: its piece (`None` for `%%`) and the index of
/// its field letter. The checks for an unfinished sequence are mosquitto's, one per step.
fn parse_field(text: &str, percent: usize) -> Result<(Option<Piece>, usize), String> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let at = |index: usize| bytes.get(index).copied().unwrap_or(0);
    let incomplete = || Err(INCOMPLETE_FORMAT.to_string());

    let mut options = FieldOptions::default();
    let mut i = percent;
    if i + 1 == len {
        return incomplete();
    }
    if at(i + 1) == b'-' {
        options.left = true;
        i += 1;
        if i + 1 == len {
            return incomplete();
        }
    }
    // A leading zero is the zero flag; it is also read as a digit of the width, which it
    // cannot change.
    options.zero = at(i + 1) == b'0';
    while at(i + 1).is_ascii_digit() {
        i += 1;
        options.width = append_digit(options.width, at(i));
        if i + 1 == len {
            return incomplete();
        }
    }
    if at(i + 1) == b'.' {
        i += 1;
        if i + 1 == len {
            return incomplete();
        }
        options.precision = 0;
        while at(i + 1).is_ascii_digit() {
            i += 1;
            options.precision = append_digit(options.precision, at(i));
            if i + 1 == len {
                return incomplete();
            }
        }
    }
    // The separator may be the last byte; the letter is then the string's terminator, which is
    // reported as an invalid letter.
    if HEX_SEPARATORS.contains(&at(i + 1)) {
        i += 1;
        options.separator = at(i);
    }
    let letter_index = i + 1;
    let letter = at(letter_index);
    if letter == b'%' {
        return Ok((None, letter_index));
    }
    match Field::from_letter(letter) {
        Some(field) => Ok((Some(Piece::Field(field, options)), letter_index)),
        None => Err(format!(
            "Error: Invalid format specifier '{}'.",
            char_at(text, letter_index)
        )),
    }
}

/// `value * 10 + digit`, saturating where C's int arithmetic would overflow.
fn append_digit(value: i32, digit: u8) -> i32 {
    value
        .saturating_mul(10)
        .saturating_add(i32::from(digit - b'0'))
}

/// The character at byte `index` for an error message (NUL past the end). mosquitto prints the
/// single byte; a whole character keeps the message valid UTF-8.
fn char_at(text: &str, index: usize) -> char {
    text.get(index..)
        .and_then(|rest| rest.chars().next())
        .unwrap_or('\0')
}

/// Collects pieces, merging neighbouring literal bytes.
#[derive(Default)]
struct Builder {
    pieces: Vec<Piece>,
    literal: Vec<u8>,
    needs_local_time: bool,
}

impl Builder {
    fn literal(&mut self, byte: u8) {
        self.literal.push(byte);
    }

    fn piece(&mut self, piece: Piece) {
        self.flush_literal();
        self.needs_local_time |= match &piece {
            Piece::Field(field, _) => field.needs_local_time(),
            Piece::Strftime(_) => true,
            Piece::Literal(_) | Piece::Nanoseconds => false,
        };
        self.pieces.push(piece);
    }

    fn flush_literal(&mut self) {
        if !self.literal.is_empty() {
            let bytes = std::mem::take(&mut self.literal);
            self.pieces.push(Piece::Literal(bytes.into_boxed_slice()));
        }
    }

    fn finish(mut self) -> Template {
        self.flush_literal();
        Template {
            pieces: self.pieces,
            needs_local_time: self.needs_local_time,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal(bytes: &[u8]) -> Piece {
        Piece::Literal(bytes.into())
    }

    fn field(
        field: Field,
        width: i32,
        precision: i32,
        separator: u8,
        left: bool,
        zero: bool,
    ) -> Piece {
        Piece::Field(
            field,
            FieldOptions {
                width,
                precision,
                separator,
                left,
                zero,
            },
        )
    }

    fn plain(f: Field) -> Piece {
        Piece::Field(f, FieldOptions::default())
    }

    #[test]
    fn accepted_formats() {
        use Field::*;
        let cases: Vec<(&str, Vec<Piece>)> = vec![
            ("", vec![]),
            ("hello", vec![literal(b"hello")]),
            ("%%|@@|\\\\", vec![literal(b"%|@|\\")]),
            (
                "\\0\\a\\e\\n\\r\\t\\v",
                vec![literal(b"\0\x07\x1b\n\r\t\x0b")],
            ),
            ("%t %p", vec![plain(Topic), literal(b" "), plain(Payload)]),
            ("%10t", vec![field(Topic, 10, -1, b' ', false, false)]),
            ("%-10t", vec![field(Topic, 10, -1, b' ', true, false)]),
            (
                "%010l",
                vec![field(PayloadLength, 10, -1, b' ', false, true)],
            ),
            ("%-05A", vec![field(TopicAlias, 5, -1, b' ', true, true)]),
            ("%0-x", vec![field(HexLower, 0, -1, b'-', false, true)]),
            ("%--x", vec![field(HexLower, 0, -1, b'-', true, false)]),
            ("%00p", vec![field(Payload, 0, -1, b' ', false, true)]),
            ("%.p", vec![field(Payload, 0, 0, b' ', false, false)]),
            ("%5.3t", vec![field(Topic, 5, 3, b' ', false, false)]),
            ("%.2:x", vec![field(HexLower, 0, 2, b':', false, false)]),
            ("%12.4.X", vec![field(HexUpper, 12, 4, b'.', false, false)]),
            ("%.2@x", vec![field(HexLower, 0, 2, b'@', false, false)]),
            ("% x", vec![field(HexLower, 0, -1, b' ', false, false)]),
            ("%5%", vec![literal(b"%")]),
            ("%.%", vec![literal(b"%")]),
            (
                "@Y@N@%",
                vec![
                    Piece::Strftime(b'Y'),
                    Piece::Nanoseconds,
                    Piece::Strftime(b'%'),
                ],
            ),
            (
                "%A%C%D%E%F%I%j%J%l%m%P%p%q%R%r%S%t%U%x%X%f%d",
                vec![
                    plain(TopicAlias),
                    plain(ContentType),
                    plain(CorrelationData),
                    plain(MessageExpiry),
                    plain(PayloadFormat),
                    plain(Iso8601),
                    plain(JsonEscapedPayload),
                    plain(JsonEmbeddedPayload),
                    plain(PayloadLength),
                    plain(Mid),
                    plain(UserProperties),
                    plain(Payload),
                    plain(Qos),
                    plain(ResponseTopic),
                    plain(Retain),
                    plain(SubscriptionId),
                    plain(Topic),
                    plain(UnixTime),
                    plain(HexLower),
                    plain(HexUpper),
                    plain(Float),
                    plain(Double),
                ],
            ),
            // Non-ASCII bytes pass through; after `@` only the first byte goes to strftime.
            (
                "é@é",
                vec![
                    literal("é".as_bytes()),
                    Piece::Strftime(0xc3),
                    literal(&[0xa9]),
                ],
            ),
            // The format ends at a NUL, as a C string does.
            ("a\0%z", vec![literal(b"a")]),
            (
                "%99999999999t",
                vec![field(Topic, i32::MAX, -1, b' ', false, false)],
            ),
        ];
        for (format, pieces) in cases {
            let template = parse(format).unwrap_or_else(|e| panic!("{format:?}: {e}"));
            assert_eq!(template.pieces, pieces, "{format:?}");
        }
    }

    #[test]
    fn local_time_is_needed_only_for_calendar_fields() {
        let cases = [
            ("%t %p %U @N", false),
            ("%I", true),
            ("%j", true),
            ("%J", true),
            ("@Y", true),
            ("@@", false),
        ];
        for (format, needed) in cases {
            assert_eq!(
                parse(format).unwrap().needs_local_time,
                needed,
                "{format:?}"
            );
        }
    }

    #[test]
    fn rejected_formats() {
        let cases = [
            ("%", INCOMPLETE_FORMAT),
            ("%-", INCOMPLETE_FORMAT),
            ("%0", INCOMPLETE_FORMAT),
            ("%5", INCOMPLETE_FORMAT),
            ("%-5", INCOMPLETE_FORMAT),
            ("%.", INCOMPLETE_FORMAT),
            ("%.5", INCOMPLETE_FORMAT),
            ("%5.", INCOMPLETE_FORMAT),
            ("%%%", INCOMPLETE_FORMAT),
            ("abc@", INCOMPLETE_FORMAT),
            ("@", INCOMPLETE_FORMAT),
            ("\\", INCOMPLETE_ESCAPE),
            ("a\\", INCOMPLETE_ESCAPE),
            ("%z", "Error: Invalid format specifier 'z'."),
            ("%-z", "Error: Invalid format specifier 'z'."),
            ("%.2:z", "Error: Invalid format specifier 'z'."),
            ("%.2:", "Error: Invalid format specifier '\0'."),
            ("%.5..x", "Error: Invalid format specifier '.'."),
            ("%.2@@", "Error: Invalid format specifier '@'."),
            ("%é", "Error: Invalid format specifier 'é'."),
            ("\\z", "Error: Invalid escape specifier 'z'."),
            ("\\N", "Error: Invalid escape specifier 'N'."),
        ];
        for (format, message) in cases {
            assert_eq!(parse(format), Err(message.to_string()), "{format:?}");
        }
    }
}
