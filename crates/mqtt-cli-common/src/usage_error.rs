//! The error every option check returns, and how it is printed.
//!
//! Rules: a `UsageError` carries its text exactly as mosquitto prints it, trailing newlines
//! included (mosquitto ends some messages with one newline and some with two, and scripts see
//! the difference), plus what follows the text: the "Use '<tool> --help'" hint, the full usage
//! text on stdout, or nothing. The exit code is always 1. No message ever contains a password.

use std::fmt;
use std::io::{self, Write};

/// What mosquitto prints after an error message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    /// A blank line and "Use '<tool> --help' to see usage." on stderr: every error found while
    /// reading the options.
    HelpHint,
    /// The whole help text on stdout: mqpub's "Both topic and message must be supplied".
    Usage(String),
    /// Nothing: errors found while setting the client up, after the options were read.
    Nothing,
}

/// A rejected command line. Exit code 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError {
    message: String,
    follow_up: FollowUp,
}

impl UsageError {
    /// The process exit code for every usage error, as mosquitto's clients use.
    pub const EXIT_CODE: i32 = 1;

    /// An error found while reading the options; `message` is printed as is, so it carries
    /// mosquitto's trailing newline(s).
    pub fn hinted(message: impl Into<String>) -> UsageError {
        UsageError {
            message: message.into(),
            follow_up: FollowUp::HelpHint,
        }
    }

    /// An error followed by the full help text on stdout.
    pub fn with_usage(message: impl Into<String>, usage: String) -> UsageError {
        UsageError {
            message: message.into(),
            follow_up: FollowUp::Usage(usage),
        }
    }

    /// An error found while setting the client up. mosquitto prints these through its
    /// quiet-aware printer, so `--quiet` leaves only the exit code.
    pub fn setup(message: impl Into<String>, quiet: bool) -> UsageError {
        UsageError {
            message: if quiet { String::new() } else { message.into() },
            follow_up: FollowUp::Nothing,
        }
    }

    /// An error that mosquitto prints without the help hint, whatever `--quiet` says.
    pub fn unhinted(message: impl Into<String>) -> UsageError {
        UsageError {
            message: message.into(),
            follow_up: FollowUp::Nothing,
        }
    }

    /// The text exactly as it goes to stderr, trailing newlines included.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn follow_up(&self) -> &FollowUp {
        &self.follow_up
    }

    pub fn exit_code(&self) -> i32 {
        Self::EXIT_CODE
    }
}

impl fmt::Display for UsageError {
    /// The message without its surrounding blank lines, for logs and test output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message.trim_matches('\n'))
    }
}

impl std::error::Error for UsageError {}

/// Prints `err` the way mosquitto does, naming `binary` in the help hint.
pub fn print_usage_error(binary: &str, err: &UsageError) {
    // Nothing useful can be done when stderr or stdout is gone.
    let _ = write_usage_error(
        binary,
        err,
        &mut io::stderr().lock(),
        &mut io::stdout().lock(),
    );
}

/// [`print_usage_error`] onto any pair of streams.
pub fn write_usage_error(
    binary: &str,
    err: &UsageError,
    stderr: &mut dyn Write,
    stdout: &mut dyn Write,
) -> io::Result<()> {
    stderr.write_all(err.message.as_bytes())?;
    match &err.follow_up {
        FollowUp::HelpHint => write!(stderr, "\nUse '{binary} --help' to see usage.\n")?,
        FollowUp::Usage(text) => {
            stderr.flush()?;
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
        FollowUp::Nothing => {}
    }
    stderr.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(err: &UsageError) -> (String, String) {
        let mut stderr = Vec::new();
        let mut stdout = Vec::new();
        write_usage_error("mqpub", err, &mut stderr, &mut stdout).unwrap();
        (
            String::from_utf8(stderr).unwrap(),
            String::from_utf8(stdout).unwrap(),
        )
    }

    #[test]
    fn printed_forms() {
        let cases = [
            (
                UsageError::hinted("Error: Invalid QoS given: 5\n"),
                "Error: Invalid QoS given: 5\n\nUse 'mqpub --help' to see usage.\n",
                "",
            ),
            (
                UsageError::hinted("Error: -t argument given but no topic specified.\n\n"),
                "Error: -t argument given but no topic specified.\n\n\nUse 'mqpub --help' to see usage.\n",
                "",
            ),
            (
                UsageError::with_usage(
                    "Error: Both topic and message must be supplied.\n",
                    "usage text\n".into(),
                ),
                "Error: Both topic and message must be supplied.\n",
                "usage text\n",
            ),
            (
                UsageError::setup("Error: Invalid id.\n", false),
                "Error: Invalid id.\n",
                "",
            ),
            (UsageError::setup("Error: Invalid id.\n", true), "", ""),
            (
                UsageError::unhinted("\nError: Combining '-R' and '--retained-only' makes no sense.\n"),
                "\nError: Combining '-R' and '--retained-only' makes no sense.\n",
                "",
            ),
        ];
        for (err, stderr, stdout) in cases {
            assert_eq!(
                render(&err),
                (stderr.to_string(), stdout.to_string()),
                "{err:?}"
            );
            assert_eq!(err.exit_code(), 1);
        }
    }

    #[test]
    fn display_trims_blank_lines() {
        let err = UsageError::hinted("Error: -k argument given but no keepalive specified.\n\n");
        assert_eq!(
            err.to_string(),
            "Error: -k argument given but no keepalive specified."
        );
    }
}
