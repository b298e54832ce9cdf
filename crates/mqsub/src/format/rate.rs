//! `--message-rate`: instead of printing messages, print how many arrived in each second as
//! `<count> msgs/s`.
//!
//! Rules (mosquitto_sub 2.1): every received message counts, before any filtering (`-R`,
//! `-T`, `--random-filter`, ...), and nothing else is printed for it; the main loop calls
//! `on_tick` once a second from when the connection is started (mosquitto sleeps one second
//! between reports, so the report rhythm does not depend on the broker). Watch mode is off in
//! this mode, and `-C` never ends the run because no message is ever "printed".

use super::layout::write_decimal;

/// Messages counted since the last report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageRate {
    count: u64,
}

impl MessageRate {
    pub fn new() -> MessageRate {
        MessageRate::default()
    }

    /// Counts one received message.
    pub fn on_message(&mut self) {
        self.count = self.count.saturating_add(1);
    }

    /// Writes the report for the second that just ended and starts counting again.
    pub fn on_tick(&mut self, out: &mut Vec<u8>) {
        write_decimal(out, self.count);
        out.extend_from_slice(b" msgs/s\n");
        self.count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_and_resets() {
        let mut rate = MessageRate::new();
        let cases = [(30, "30 msgs/s\n"), (0, "0 msgs/s\n"), (1, "1 msgs/s\n")];
        for (messages, expected) in cases {
            for _ in 0..messages {
                rate.on_message();
            }
            let mut out = Vec::new();
            rate.on_tick(&mut out);
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }
}
