//! What mqsub prints for each received message, byte for byte as mosquitto_sub 2.1 prints it:
//! the payload alone (default), `topic payload` (`-v`), or a `-F` format (with `%j`/`%J` JSON
//! and `--pretty`); plus the `-w` watch screen and the `--message-rate` counter.
//!
//! Rules: options are checked once (`OutputSpec::new`, with mosquitto's error texts); printing
//! a message appends to buffers the caller owns and allocates nothing in the common cases, so
//! a flood of messages costs no per-message allocation; the time a message is printed at is
//! passed in, never read here; stdout bytes and stderr bytes go to separate buffers, and the
//! caller writes the stderr bytes first (mosquitto's stderr is unbuffered while its stdout is
//! flushed after each message).

mod c_runtime;
mod json;
mod layout;
mod printer;
mod rate;
mod render;
mod template;
mod watch;

#[cfg(test)]
mod snapshots;

use std::time::SystemTime;

use rumqttc::v5::mqttbytes::v5::PublishProperties;

pub use printer::Printer;
pub use rate::MessageRate;
pub use watch::Watch;

/// The parts of a received PUBLISH that the output formats read.
#[derive(Debug, Clone, Copy)]
pub struct MessageView<'a> {
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub qos: u8,
    pub retain: bool,
    /// The packet identifier; 0 for QoS 0.
    pub mid: u16,
    /// MQTT 5 properties; `None` for MQTT 3.1.1 or a packet without any.
    pub properties: Option<&'a PublishProperties>,
    /// The property identifiers in the order they arrived; JSON output follows it, as
    /// mosquitto_sub does. Empty: a fixed order.
    pub property_order: &'a [u8],
}

/// How each message is printed, fixed at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputSpec {
    style: Style,
    /// End each message with a newline (no `-N`).
    eol: bool,
    /// `--pretty`: multi-line JSON for `%j` and `%J`.
    pretty: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Style {
    /// The payload alone.
    Payload,
    /// `-v`: `topic payload`.
    Verbose,
    /// `-F`, which overrides `-v`.
    Format(template::Template),
}

impl OutputSpec {
    /// Checks the output options. The error is the line mosquitto_sub prints for a bad `-F`
    /// (e.g. `Error: Invalid format specifier 'z'.`), without newline; mosquitto then prints a
    /// blank line, `Use 'mosquitto_sub --help' to see usage.` and exits with status 1.
    pub fn new(
        verbose: bool,
        eol: bool,
        format: Option<&str>,
        pretty: bool,
    ) -> Result<OutputSpec, String> {
        let style = match format {
            Some(format) => Style::Format(template::parse(format)?),
            None if verbose => Style::Verbose,
            None => Style::Payload,
        };
        Ok(OutputSpec { style, eol, pretty })
    }

    /// Appends what mosquitto_sub prints for `message`, received at `at`: stdout bytes to
    /// `out`, stderr bytes to `err` (those need `--quiet` applied by the caller).
    pub fn render(
        &self,
        message: &MessageView,
        at: SystemTime,
        out: &mut Vec<u8>,
        err: &mut Vec<u8>,
    ) {
        match &self.style {
            Style::Format(template) => {
                render::render_template(template, message, at, self.pretty, out, err);
                self.end_line(out);
            }
            // An empty payload prints nothing at all, not even the end of line.
            Style::Payload if message.payload.is_empty() => {}
            Style::Payload => {
                out.extend_from_slice(message.payload);
                self.end_line(out);
            }
            // Under -N an empty message prints nothing; otherwise a placeholder.
            Style::Verbose if message.payload.is_empty() => {
                if self.eol {
                    out.extend_from_slice(until_nul(message.topic.as_bytes()));
                    out.extend_from_slice(b" (null)\n");
                }
            }
            Style::Verbose => {
                out.extend_from_slice(until_nul(message.topic.as_bytes()));
                out.push(b' ');
                out.extend_from_slice(message.payload);
                self.end_line(out);
            }
        }
    }

    fn end_line(&self, out: &mut Vec<u8>) {
        if self.eol {
            out.push(b'\n');
        }
    }
}

/// The bytes of a C string held in `bytes`: everything before the first NUL.
fn until_nul(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&byte| byte == 0) {
        Some(end) => &bytes[..end],
        None => bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_strings() {
        let cases: &[(&[u8], &[u8])] = &[
            (b"abc", b"abc"),
            (b"ab\0c", b"ab"),
            (b"\0", b""),
            (b"", b""),
        ];
        for (bytes, expected) in cases {
            assert_eq!(until_nul(bytes), *expected);
        }
    }

    #[test]
    fn format_wins_over_verbose() {
        let spec = OutputSpec::new(true, true, Some("%p"), false).unwrap();
        assert!(matches!(spec.style, Style::Format(_)));
        let spec = OutputSpec::new(true, true, None, true).unwrap();
        assert_eq!(spec.style, Style::Verbose);
        let spec = OutputSpec::new(false, true, None, true).unwrap();
        assert_eq!(spec.style, Style::Payload);
    }

    #[test]
    fn bad_formats_are_reported() {
        assert_eq!(
            OutputSpec::new(false, true, Some("%z"), false),
            Err("Error: Invalid format specifier 'z'.".to_string())
        );
    }
}
