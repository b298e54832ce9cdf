//! mqsub: subscribe to MQTT topics and print what arrives, a drop-in for mosquitto_sub.
//!
//! `main` parses and validates the options (exit 1 with mosquitto's message on bad input,
//! including a bad `-F` format), then runs the session on a single-threaded runtime and maps its
//! end onto mosquitto_sub's exit codes: 0, 27 for `-W`, the CONNACK code for a refusal, 1 for a
//! first connection that failed, libmosquitto's codes for the rest.

mod filter;
mod output;
mod session;

use std::process::ExitCode;

use mqsub::{cli, format};
use mqtt_cli_common::config::Address;
use mqtt_cli_common::error::{print_error, ClientError};
use mqtt_cli_common::{command_line, print_usage_error, Tool, UsageError};

use format::{OutputSpec, Printer};

fn main() -> ExitCode {
    let parsed = cli::parse(std::env::args_os().collect());
    let config = match command_line::settle(Tool::Sub, parsed) {
        Ok(config) => config,
        Err(code) => return ExitCode::from(code),
    };
    let output = &config.output;
    let spec = match OutputSpec::new(
        output.verbose,
        output.eol,
        output.format.as_deref(),
        output.pretty,
    ) {
        Ok(spec) => spec,
        Err(message) => {
            let error = UsageError::hinted(format!("{message}\n"));
            print_usage_error(Tool::Sub.name(), &error);
            return ExitCode::from(error.exit_code() as u8);
        }
    };
    let printer = Printer::new(spec, output.watch && !output.message_rate);
    let quiet = config.connection.quiet;
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            print_error(quiet, &format!("Error: {e}"));
            return ExitCode::from(1);
        }
    };
    let broker_name = match &config.connection.address {
        Address::Tcp { host, .. } => host.clone(),
        Address::Unix(path) => path.display().to_string(),
    };
    match runtime.block_on(session::run(config, printer, broker_name)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // mosquitto_sub prints only the first line of a refusal.
            print_error(quiet, &error_text(&e));
            ExitCode::from(e.exit_code())
        }
    }
}

/// The text mosquitto_sub prints for a failure.
fn error_text(error: &ClientError) -> String {
    match error {
        // These carry their whole line already ("Unable to connect (...)", "Error: ...").
        ClientError::Refused { .. } | ClientError::Connect(_) | ClientError::Tls(_) => {
            error.to_string()
        }
        other => format!("Error: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_print_one_error_prefix_at_most() {
        let cases = [
            (
                ClientError::Connect("Unable to connect (Lookup error.).".into()),
                "Unable to connect (Lookup error.).",
            ),
            (
                ClientError::Tls("Unable to connect (A TLS error occurred): why.".into()),
                "Unable to connect (A TLS error occurred): why.",
            ),
            (
                ClientError::Tls("Error: Problem setting TLS options: why.".into()),
                "Error: Problem setting TLS options: why.",
            ),
            (
                ClientError::Protocol("bad".into()),
                "Error: Protocol error: bad",
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(error_text(&error), expected, "{error:?}");
        }
    }
}
