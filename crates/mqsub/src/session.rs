//! mqsub's run: subscribe, print what arrives, and stop when mosquitto_sub would.
//!
//! Stops: after `-C` messages, after the SUBACK with `-E`, at the first non-retained message with
//! `--retained-only`, at `-W` seconds ("Timed out", exit 27), on SIGINT/SIGTERM, and when stdout is
//! closed (quietly, exit 0). Every stop sends DISCONNECT first, after any `--remove-retained`
//! clears still in flight; after a signal or a closed stdout the exit code is 0 even if the
//! broker cannot be told (it is away or has stopped reading). Output is flushed whenever no
//! further message is ready. A lost connection is noted once on stderr while the client
//! reconnects; a `-c` session then resumes where it stopped.

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use tokio::signal::unix::{signal, SignalKind};
use tokio::time::{interval, sleep_until, Instant, MissedTickBehavior};

use mqtt_cli_common::client::{self, Client, Event, Message, SubscribeFilter};
use mqtt_cli_common::config::Qos;
use mqtt_cli_common::error::{code, outage_note, print_error, ClientError};

use crate::cli::SubConfig;
use crate::filter::{topic_matches, Sampler};
use crate::format::{MessageRate, MessageView, Printer};
use crate::output::{Output, OutputError};

/// Why the loop ended.
enum Stop {
    /// Normal end (count reached, -E, retained-only): exit 0.
    Done,
    /// A signal, or nobody reads stdout any more: exit 0, whatever DISCONNECT meets.
    Interrupted,
    /// `-W` ran out: exit 27.
    TimedOut,
}

/// What the message loop decided after one event.
enum Next {
    Continue,
    /// Stop processing; disconnect once nothing we published is in flight.
    Finish,
}

struct Session<'a> {
    config: &'a SubConfig,
    printer: Printer,
    /// `--message-rate`: count messages and print the rate each second instead of them.
    rate: Option<MessageRate>,
    output: Output,
    /// Error text a format produced for the current message (e.g. `%J` on a non-JSON payload).
    errors: Vec<u8>,
    sampler: Option<Sampler>,
    printed: u64,
    processing: bool,
    subscribed_once: bool,
}

pub async fn run(
    config: SubConfig,
    printer: Printer,
    broker_name: String,
) -> Result<u8, ClientError> {
    let io_error = |e: std::io::Error| ClientError::Connect(format!("Error: {e}"));
    let mut interrupt = signal(SignalKind::interrupt()).map_err(io_error)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(io_error)?;
    let deadline = config
        .timeout
        .map(|secs| Instant::now() + Duration::from_secs(u64::from(secs)));

    let (mut client, _) = Client::connect(config.connection.clone()).await?;
    if !config.topics.is_empty() {
        let filters = config
            .topics
            .iter()
            .map(|topic| SubscribeFilter {
                filter: topic.clone(),
                qos: config.qos,
                no_local: false,
                retain_as_published: config.retain_as_published,
                retain_handling: config.retain_handling,
            })
            .collect();
        client.subscribe(filters)?;
    }
    for topic in &config.unsubscribe {
        client.unsubscribe(vec![topic.clone()])?;
    }

    let mut session = Session {
        sampler: config.random_filter.map(Sampler::new),
        config: &config,
        printer,
        rate: config.output.message_rate.then(MessageRate::new),
        output: Output::stdout(),
        errors: Vec::new(),
        printed: 0,
        processing: true,
        subscribed_once: false,
    };

    session.printer.start(&broker_name, session.output.buffer());
    let mut ticks = interval(Duration::from_secs(1));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    ticks.tick().await;
    let stop = loop {
        let event = match client.try_next_event() {
            Some(event) => event?,
            None => {
                if let Err(stop) = session.flush() {
                    break stop?;
                }
                if !session.processing && client.is_idle() {
                    break Stop::Done;
                }
                tokio::select! {
                    event = client.next_event() => event?,
                    _ = interrupt.recv() => break Stop::Interrupted,
                    _ = terminate.recv() => break Stop::Interrupted,
                    _ = sleep_until(deadline.unwrap_or_else(Instant::now)), if deadline.is_some() => {
                        break Stop::TimedOut;
                    }
                    _ = ticks.tick(), if session.rate.is_some() => {
                        session.tick();
                        continue;
                    }
                }
            }
        };
        match session.on_event(&mut client, event) {
            Ok(Next::Continue) => {}
            Ok(Next::Finish) => session.processing = false,
            Err(OutputError::Closed) => break Stop::Interrupted,
            Err(OutputError::Failed(e)) => {
                let _ = client.disconnect().await;
                return Err(ClientError::Connect(format!("Error: {e}")));
            }
        }
    };
    let _ = session.flush();
    let disconnected = client.disconnect().await;
    match stop {
        Stop::TimedOut => {
            if !config.connection.quiet {
                eprintln!("Timed out");
            }
            Ok(code::TIMEOUT)
        }
        Stop::Done => disconnected.map(|()| 0),
        Stop::Interrupted => Ok(0),
    }
}

impl Session<'_> {
    /// Once a second in `--message-rate` mode.
    fn tick(&mut self) {
        if let Some(rate) = self.rate.as_mut() {
            rate.on_tick(self.output.buffer());
        }
    }

    /// Flushes output; a closed pipe becomes a normal stop.
    fn flush(&mut self) -> Result<(), Result<Stop, ClientError>> {
        match self.output.flush() {
            Ok(()) => Ok(()),
            Err(OutputError::Closed) => Err(Ok(Stop::Interrupted)),
            Err(OutputError::Failed(e)) => Err(Err(ClientError::Connect(format!("Error: {e}")))),
        }
    }

    fn on_event(&mut self, client: &mut Client, event: Event) -> Result<Next, OutputError> {
        let quiet = self.config.connection.quiet;
        match event {
            Event::Message(message) => self.on_message(client, message),
            Event::SubAck { pkid, codes } => {
                if self.config.connection.debug && !quiet {
                    let list: Vec<String> = codes.iter().map(u8::to_string).collect();
                    eprintln!("Subscribed (mid: {pkid}): {}", list.join(", "));
                }
                let first_time = !self.subscribed_once;
                self.subscribed_once = true;
                if codes.iter().all(|&c| c >= 0x80) {
                    if !quiet {
                        eprintln!("All subscription requests were denied.");
                    }
                    return Ok(Next::Finish);
                }
                if first_time && self.config.exit_after_sub {
                    return Ok(Next::Finish);
                }
                Ok(Next::Continue)
            }
            Event::Disconnected { cause } => {
                print_error(quiet, &outage_note(&cause));
                Ok(Next::Continue)
            }
            Event::Reconnected { .. }
            | Event::Delivered { .. }
            | Event::UnsubAck { .. }
            | Event::Idle => Ok(Next::Continue),
        }
    }

    fn on_message(&mut self, client: &mut Client, message: Message) -> Result<Next, OutputError> {
        let config = self.config;
        if let Some(rate) = self.rate.as_mut() {
            rate.on_message();
            return Ok(Next::Continue);
        }
        if !self.processing {
            return Ok(Next::Continue);
        }
        if config.retained_only && !message.retain {
            return Ok(Next::Finish);
        }
        if message.retain && config.no_retained {
            return Ok(Next::Continue);
        }
        if config
            .filter_out
            .iter()
            .any(|filter| topic_matches(filter, &message.topic))
        {
            return Ok(Next::Continue);
        }
        if config.remove_retained && message.retain {
            let topic: Arc<str> = Arc::from(message.topic.as_str());
            // Clearing is best effort, as in mosquitto_sub: an error here must not stop output.
            let _ = client.publish(client::message(
                &topic,
                Bytes::new(),
                Qos::AtLeastOnce,
                true,
            ));
        }
        let kept = self.sampler.as_mut().is_none_or(Sampler::keep);
        let view = MessageView {
            topic: &message.topic,
            payload: &message.payload,
            qos: message.qos.as_u8(),
            retain: message.retain,
            mid: message.pkid,
            properties: message.properties.as_ref(),
            property_order: message.property_order.ids(),
        };
        self.printer.print(
            &view,
            SystemTime::now(),
            kept,
            self.output.buffer(),
            &mut self.errors,
        );
        if !self.errors.is_empty() {
            if !config.connection.quiet {
                let _ = std::io::stderr().write_all(&self.errors);
            }
            self.errors.clear();
        }
        self.output.message_done()?;
        if let Some(limit) = config.count {
            self.printed += 1;
            if self.printed >= u64::from(limit) {
                return Ok(Next::Finish);
            }
        }
        Ok(Next::Continue)
    }
}
