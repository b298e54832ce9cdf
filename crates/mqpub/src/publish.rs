//! Drives the client for each payload mode: one message (possibly repeated), or a stream of lines.
//!
//! Completion is ours to track: the run ends only when every QoS 1/2 message has its PUBACK or
//! PUBCOMP and every byte is written; then DISCONNECT goes out and the connection closes. On
//! SIGINT/SIGTERM mqpub stops reading, waits up to `SIGNAL_GRACE` for what is in flight, sends
//! DISCONNECT (so the broker does not publish the will) and exits 0 if everything read was
//! delivered, else 7 (connection lost: messages remain unacknowledged).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

use mqtt_cli_common::client::{self, Client, Event};
use mqtt_cli_common::config::Qos;
use mqtt_cli_common::error::{code, ClientError};
use mqtt_cli_common::reason;

use crate::source::LineBatch;

/// How long a signal lets in-flight messages finish before DISCONNECT.
const SIGNAL_GRACE: Duration = Duration::from_secs(5);

/// How a run ended, when it did not fail.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    /// Stopped by a signal; `true` when every message read was delivered.
    Interrupted {
        all_delivered: bool,
    },
}

impl Outcome {
    pub fn exit_code(&self) -> u8 {
        match self {
            Outcome::Done
            | Outcome::Interrupted {
                all_delivered: true,
            } => 0,
            Outcome::Interrupted {
                all_delivered: false,
            } => code::CONN_LOST,
        }
    }
}

/// What one publishing run needs besides the client.
pub struct Plan {
    pub topic: Arc<str>,
    pub qos: Qos,
    pub retain: bool,
    pub quiet: bool,
}

/// SIGINT and SIGTERM as one stream.
pub struct Signals {
    interrupt: Signal,
    terminate: Signal,
}

impl Signals {
    pub fn install() -> std::io::Result<Signals> {
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    async fn recv(&mut self) {
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
    }
}

/// Reports what the client says on the way: failed publishes and outages.
fn note_event(event: Event, quiet: bool) {
    if quiet {
        return;
    }
    match event {
        Event::Delivered {
            pkid,
            reason,
            reason_string,
        } if reason >= 0x80 => {
            eprintln!(
                "Warning: Publish {pkid} failed: {}.",
                reason::reason_string(reason)
            );
            if let Some(text) = reason_string {
                eprintln!("{text}");
            }
        }
        Event::Disconnected { cause } => {
            eprintln!("Warning: connection to the broker lost ({cause}); reconnecting.");
        }
        Event::Reconnected { .. } => eprintln!("Reconnected to the broker."),
        _ => {}
    }
}

/// Publishes one payload `count` times, `delay` apart; each repeat waits for the previous
/// message to finish, as mosquitto_pub does.
pub async fn publish_repeated(
    client: &mut Client,
    plan: &Plan,
    payload: Bytes,
    count: u32,
    delay: Duration,
    signals: &mut Signals,
) -> Result<Outcome, ClientError> {
    for round in 0..count {
        if round > 0 {
            let wake = Instant::now() + delay;
            loop {
                tokio::select! {
                    event = client.next_event() => note_event(event?, plan.quiet),
                    _ = sleep_until(wake) => break,
                    _ = signals.recv() => return finish_after_signal(client, plan).await,
                }
            }
        }
        client.publish(client::message(
            &plan.topic,
            payload.clone(),
            plan.qos,
            plan.retain,
        ))?;
        if let Some(outcome) = drain(client, plan, signals).await? {
            return Ok(outcome);
        }
    }
    Ok(Outcome::Done)
}

/// Runs the client until everything accepted is finished. `Some` if a signal cut it short.
async fn drain(
    client: &mut Client,
    plan: &Plan,
    signals: &mut Signals,
) -> Result<Option<Outcome>, ClientError> {
    while !client.is_idle() {
        tokio::select! {
            event = client.next_event() => note_event(event?, plan.quiet),
            _ = signals.recv() => return finish_after_signal(client, plan).await.map(Some),
        }
    }
    Ok(None)
}

/// After a signal: a bounded wait for what is in flight.
async fn finish_after_signal(client: &mut Client, plan: &Plan) -> Result<Outcome, ClientError> {
    let give_up = Instant::now() + SIGNAL_GRACE;
    while !client.is_idle() {
        tokio::select! {
            event = client.next_event() => note_event(event?, plan.quiet),
            _ = sleep_until(give_up) => break,
        }
    }
    Ok(Outcome::Interrupted {
        all_delivered: client.is_idle(),
    })
}

/// `-l`: publishes each line as it arrives, reading no faster than the window allows.
pub async fn publish_lines(
    client: &mut Client,
    plan: &Plan,
    mut lines: mpsc::Receiver<LineBatch>,
    signals: &mut Signals,
) -> Result<Outcome, ClientError> {
    let mut waiting: VecDeque<Bytes> = VecDeque::new();
    let mut input_done = false;
    loop {
        while !waiting.is_empty() && client.can_publish(plan.qos) {
            if let Some(line) = waiting.pop_front() {
                client.publish(client::message(&plan.topic, line, plan.qos, plan.retain))?;
            }
        }
        if input_done && waiting.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            event = client.next_event() => note_event(event?, plan.quiet),
            batch = lines.recv(), if waiting.is_empty() && !input_done => match batch {
                Some(Ok(batch)) => waiting.extend(batch),
                Some(Err(e)) => {
                    if !plan.quiet {
                        eprintln!("{e}");
                    }
                    input_done = true;
                }
                None => input_done = true,
            },
            _ = signals.recv() => return finish_after_signal(client, plan).await,
        }
    }
    Ok(drain(client, plan, signals).await?.unwrap_or(Outcome::Done))
}
