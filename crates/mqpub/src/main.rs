//! mqpub: publish MQTT messages, a drop-in for mosquitto_pub.
//!
//! `main` parses and validates the options (exit 1 with mosquitto's message on bad input), loads
//! a whole payload before connecting (as mosquitto_pub does), connects, publishes, waits for every
//! acknowledgement, disconnects, and maps the outcome onto mosquitto_pub's exit codes.

mod publish;

use std::process::ExitCode;
use std::sync::Arc;

use bytes::Bytes;
use mqpub::progress::Progress;
use mqpub::{cli, source};
use mqtt_cli_common::client::Client;
use mqtt_cli_common::error::{print_error, ClientError};
use mqtt_cli_common::{command_line, Tool};

use cli::{PayloadSource, PubConfig};
use publish::{Outcome, Plan, Signals};

fn main() -> ExitCode {
    let parsed = cli::parse(std::env::args_os().collect());
    let config = match command_line::settle(Tool::Pub, parsed) {
        Ok(config) => config,
        Err(code) => return ExitCode::from(code),
    };
    let quiet = config.connection.quiet;
    let payload = match &config.source {
        PayloadSource::Message(bytes) => Some(bytes.clone()),
        PayloadSource::Null => Some(Bytes::new()),
        PayloadSource::File(path) => match source::read_file(path) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                print_error(quiet, &e.to_string());
                return ExitCode::from(1);
            }
        },
        PayloadSource::Stdin => match source::read_stdin() {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                print_error(quiet, &e.to_string());
                return ExitCode::from(1);
            }
        },
        PayloadSource::Lines => None,
    };
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
    match runtime.block_on(run(config, payload)) {
        Ok(outcome) => ExitCode::from(outcome.exit_code()),
        Err(e) => {
            print_error(quiet, &error_text(&e));
            ExitCode::from(e.exit_code())
        }
    }
}

/// The text mosquitto_pub prints for a failure.
fn error_text(error: &ClientError) -> String {
    match error {
        ClientError::Refused { followup, .. } => format!("{error}\n{followup}"),
        // These carry their whole line already ("Unable to connect (...)", "Error: ...").
        ClientError::Connect(_) | ClientError::Tls(_) | ClientError::PayloadTooLarge(_) => {
            error.to_string()
        }
        other => format!("Error: {other}"),
    }
}

async fn run(config: PubConfig, payload: Option<Bytes>) -> Result<Outcome, ClientError> {
    let mut signals =
        Signals::install().map_err(|e| ClientError::Connect(format!("Error: {e}")))?;
    let plan = Plan {
        topic: Arc::from(config.topic.as_str()),
        qos: config.qos,
        retain: config.retain,
        quiet: config.connection.quiet,
    };
    let lines = payload
        .is_none()
        .then(|| source::spawn_line_reader(std::io::stdin()));
    let count = config.repeat_count.max(1);
    let mut progress = match (&config.source, &payload) {
        (_, Some(_)) if count > 1 => Progress::for_repeats(count, plan.quiet),
        (PayloadSource::File(_), Some(bytes)) => Progress::for_file(bytes.len() as u64, plan.quiet),
        (PayloadSource::Lines, _) => match source::stdin_file_len() {
            Some(len) => Progress::for_lines(len, plan.quiet),
            None => Progress::hidden(),
        },
        _ => Progress::hidden(),
    };
    let (mut client, _) = Client::connect(config.connection).await?;
    let outcome = match (payload, lines) {
        (Some(payload), _) => {
            publish::publish_repeated(
                &mut client,
                &plan,
                payload,
                count,
                config.repeat_delay,
                &mut signals,
                &mut progress,
            )
            .await?
        }
        (None, Some(lines)) => {
            publish::publish_lines(&mut client, &plan, lines, &mut signals, &mut progress).await?
        }
        (None, None) => Outcome::Done,
    };
    progress.finish();
    client.disconnect().await?;
    Ok(outcome)
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
