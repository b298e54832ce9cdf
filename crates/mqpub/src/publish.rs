//! Drives the client for each payload mode: one message (possibly repeated), or a stream of lines.
//!
//! Completion is ours to track: the run ends only when every QoS 1/2 message has its PUBACK or
//! PUBCOMP and every byte is written; then DISCONNECT goes out and the connection closes.
//!
//! SIGINT/SIGTERM stop new work (no further repeat, no further reading of stdin) but not the
//! work already taken on: messages in flight and lines already read get up to `SIGNAL_GRACE`
//! to be delivered, through a reconnect if need be. Then DISCONNECT goes out (so the broker
//! does not publish the will) and mqpub exits 0 if everything it read was delivered, else 7
//! (some messages remain unacknowledged).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::signal::unix::{signal, Signal, SignalKind};
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Instant};

use mqtt_cli_common::client::{self, Client, Event};
use mqtt_cli_common::config::Qos;
use mqtt_cli_common::error::{code, outage_note, print_error, ClientError};
use mqtt_cli_common::reason;

use mqpub::progress::Progress;
use mqpub::source::LineBatch;

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

/// Whether a signal asked mqpub to stop, and until when work already taken on may finish.
#[derive(Debug, Default)]
struct Stopping {
    grace_ends: Option<Instant>,
}

impl Stopping {
    fn requested(&self) -> bool {
        self.grace_ends.is_some()
    }

    fn begin(&mut self) {
        self.grace_ends
            .get_or_insert_with(|| Instant::now() + SIGNAL_GRACE);
    }

    /// Completes when the grace period is over; never before a signal.
    async fn expired(&self) {
        match self.grace_ends {
            Some(end) => sleep_until(end).await,
            None => std::future::pending().await,
        }
    }

    /// How the run ended. After a signal, DISCONNECT is sent here, best effort: the exit code
    /// already says whether everything was delivered, and a broker that stopped reading must
    /// not turn that into an error.
    async fn finish(&self, client: &mut Client, all_delivered: bool) -> Outcome {
        if !self.requested() {
            return Outcome::Done;
        }
        let _ = client.disconnect().await;
        Outcome::Interrupted { all_delivered }
    }
}

/// Reports what the client says on the way: failed publishes and outages (printed with the
/// progress bar out of the way), and acknowledged messages (counted on the bar).
fn note_event(event: Event, quiet: bool, progress: &mut Progress) {
    match event {
        Event::Delivered {
            pkid,
            reason,
            reason_string,
        } if reason >= 0x80 => progress.suspend(|| {
            print_error(
                quiet,
                &format!(
                    "Warning: Publish {pkid} failed: {}.",
                    reason::reason_string(reason)
                ),
            );
            if let Some(text) = reason_string {
                print_error(quiet, &text);
            }
        }),
        Event::Delivered { .. } => progress.lines_acknowledged(1),
        Event::Disconnected { cause } => {
            progress.suspend(|| print_error(quiet, &outage_note(&cause)))
        }
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
    progress: &mut Progress,
) -> Result<Outcome, ClientError> {
    let mut stopping = Stopping::default();
    // One repeat counts as one on a `--repeat` bar; a single `-f` message counts its bytes.
    let unit = if count > 1 { 1 } else { payload.len() as u64 };
    for round in 0..count {
        if round > 0 {
            let wake = Instant::now() + delay;
            loop {
                tokio::select! {
                    biased;
                    _ = signals.recv() => {
                        stopping.begin();
                        break;
                    }
                    event = client.next_event() => note_event(event?, plan.quiet, progress),
                    _ = sleep_until(wake) => break,
                }
            }
            if stopping.requested() {
                break;
            }
        }
        client.publish(client::message(
            &plan.topic,
            payload.clone(),
            plan.qos,
            plan.retain,
        ))?;
        settle(client, plan, signals, &mut stopping, progress).await?;
        if client.is_idle() {
            progress.acknowledged(unit);
        }
        if stopping.requested() {
            break;
        }
    }
    let all_delivered = client.is_idle();
    Ok(stopping.finish(client, all_delivered).await)
}

/// Runs the client until everything accepted is finished, or until a signal's grace runs out.
async fn settle(
    client: &mut Client,
    plan: &Plan,
    signals: &mut Signals,
    stopping: &mut Stopping,
    progress: &mut Progress,
) -> Result<(), ClientError> {
    while !client.is_idle() {
        tokio::select! {
            biased;
            _ = signals.recv(), if !stopping.requested() => stopping.begin(),
            _ = stopping.expired() => break,
            event = client.next_event() => note_event(event?, plan.quiet, progress),
        }
    }
    Ok(())
}

/// `-l`: publishes each line as it arrives, reading no faster than the window allows: lines
/// wait in `waiting` (one batch at most) while the window is full, and the reader thread
/// blocks on the full channel behind them, so an outage stops the reading of stdin.
pub async fn publish_lines(
    client: &mut Client,
    plan: &Plan,
    mut lines: mpsc::Receiver<LineBatch>,
    signals: &mut Signals,
    progress: &mut Progress,
) -> Result<Outcome, ClientError> {
    let mut waiting: VecDeque<Bytes> = VecDeque::new();
    let mut input_done = false;
    let mut stopping = Stopping::default();
    loop {
        while !waiting.is_empty() && client.can_publish(plan.qos) {
            if let Some(line) = waiting.pop_front() {
                // Each line was read with its newline.
                progress.read(line.len() as u64 + 1);
                client.publish(client::message(&plan.topic, line, plan.qos, plan.retain))?;
                if plan.qos == Qos::AtMostOnce {
                    progress.lines_acknowledged(1);
                }
            }
        }
        if input_done && waiting.is_empty() && client.is_idle() {
            break;
        }
        tokio::select! {
            biased;
            _ = signals.recv(), if !stopping.requested() => {
                stopping.begin();
                // Lines the reader has already taken from stdin are delivered with the rest.
                while let Ok(batch) = lines.try_recv() {
                    take_batch(Some(batch), &mut waiting, plan.quiet);
                }
                input_done = true;
            }
            _ = stopping.expired() => break,
            event = client.next_event() => note_event(event?, plan.quiet, progress),
            batch = lines.recv(), if waiting.is_empty() && !input_done => {
                input_done = take_batch(batch, &mut waiting, plan.quiet);
            }
        }
    }
    let all_delivered = waiting.is_empty() && client.is_idle();
    Ok(stopping.finish(client, all_delivered).await)
}

/// Queues what the line reader handed over; returns whether input has ended.
fn take_batch(batch: Option<LineBatch>, waiting: &mut VecDeque<Bytes>, quiet: bool) -> bool {
    match batch {
        Some(Ok(lines)) => {
            waiting.extend(lines);
            false
        }
        Some(Err(e)) => {
            print_error(quiet, &e.to_string());
            true
        }
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes() {
        let cases = [
            (Outcome::Done, 0),
            (
                Outcome::Interrupted {
                    all_delivered: true,
                },
                0,
            ),
            (
                Outcome::Interrupted {
                    all_delivered: false,
                },
                7,
            ),
        ];
        for (outcome, code) in cases {
            assert_eq!(outcome.exit_code(), code, "{outcome:?}");
        }
    }

    #[test]
    fn batches_fill_the_queue_until_input_ends() {
        let mut waiting = VecDeque::new();
        let line = |text: &'static str| Bytes::from_static(text.as_bytes());
        assert!(!take_batch(
            Some(Ok(vec![line("a"), line("b")])),
            &mut waiting,
            true
        ));
        assert!(!take_batch(Some(Ok(vec![line("c")])), &mut waiting, true));
        assert_eq!(waiting, [line("a"), line("b"), line("c")]);
        let failed = crate::source::LoadError("Error: x.".into());
        assert!(take_batch(Some(Err(failed)), &mut waiting, true));
        assert!(take_batch(None, &mut waiting, true));
        assert_eq!(waiting.len(), 3);
    }
}
