//! The per-message printing step of mosquitto_sub: watch-mode cursor moves around the
//! formatted message, and the random filter's verdict applied in between.
//!
//! Rules: the order is mosquitto's: the cursor moves to the topic's line first, then a message
//! dropped by `--random-filter` prints nothing more (not even the cursor park), then the
//! message and the park below the last line. The filter's random draw belongs to the caller.

use std::time::SystemTime;

use super::{MessageView, OutputSpec, Watch};

/// Prints messages with an `OutputSpec`, inside the watch screen when `-w` is on.
#[derive(Debug, Clone)]
pub struct Printer {
    spec: OutputSpec,
    watch: Option<Watch>,
}

impl Printer {
    pub fn new(spec: OutputSpec, watch: bool) -> Printer {
        Printer {
            spec,
            watch: watch.then(Watch::new),
        }
    }

    /// What is printed before connecting: the watch screen's header, if watching.
    pub fn start(&self, broker: &str, out: &mut Vec<u8>) {
        if self.watch.is_some() {
            Watch::start(broker, out);
        }
    }

    /// Prints one message that passed the topic and retain filters; `kept` is the random
    /// filter's verdict (always true without `--random-filter`).
    pub fn print(
        &mut self,
        message: &MessageView,
        at: SystemTime,
        kept: bool,
        out: &mut Vec<u8>,
        err: &mut Vec<u8>,
    ) {
        if let Some(watch) = &mut self.watch {
            watch.before_message(message.topic, out);
        }
        if !kept {
            return;
        }
        self.spec.render(message, at, out, err);
        if let Some(watch) = &self.watch {
            watch.after_message(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str) -> MessageView<'_> {
        MessageView {
            topic,
            payload: b"hi",
            qos: 0,
            retain: false,
            mid: 0,
            properties: None,
            property_order: &[],
        }
    }

    fn print_all(watch: bool, messages: &[(&str, bool)]) -> String {
        let spec = OutputSpec::new(true, true, None, false).unwrap();
        let mut printer = Printer::new(spec, watch);
        let (mut out, mut err) = (Vec::new(), Vec::new());
        printer.start("127.0.0.1", &mut out);
        for (topic, kept) in messages {
            printer.print(
                &message(topic),
                SystemTime::now(),
                *kept,
                &mut out,
                &mut err,
            );
        }
        assert!(err.is_empty());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn sequences() {
        type Messages<'a> = &'a [(&'a str, bool)];
        let cases: &[(bool, Messages, &str)] = &[
            (
                false,
                &[("a", true), ("b", false), ("c", true)],
                "a hi\nc hi\n",
            ),
            (
                true,
                &[("w/a", true), ("w/b", true), ("w/a", true), ("w/c", true)],
                "\x1b[2J\x1b[1;1HBroker: 127.0.0.1\n\x1b[2;1Hw/a hi\n\x1b[2;1H\n\
                 \x1b[3;1Hw/b hi\n\x1b[3;1H\n\x1b[2;1Hw/a hi\n\x1b[3;1H\n\
                 \x1b[4;1Hw/c hi\n\x1b[4;1H\n",
            ),
            (
                true,
                &[("w/a", false), ("w/b", true)],
                "\x1b[2J\x1b[1;1HBroker: 127.0.0.1\n\x1b[2;1H\x1b[3;1Hw/b hi\n\x1b[3;1H\n",
            ),
        ];
        for (watch, messages, expected) in cases {
            assert_eq!(print_all(*watch, messages), *expected, "{messages:?}");
        }
    }
}
