//! `-w` / `--watch`: each topic keeps its own screen line, so a terminal shows the latest
//! message per topic. The screen is cleared once with a `Broker: <host>` header on line 1;
//! topics get lines 2, 3, ... in the order they are first seen.
//!
//! Rules: only ANSI cursor codes are written (`ESC[2J` to clear, `ESC[<line>;1H` to move);
//! the lines are never cleared, so a shorter message leaves the end of a longer one visible,
//! as with mosquitto_sub. A topic seen before costs a lookup and no allocation.

use std::collections::HashMap;

use super::layout::write_decimal;

/// The screen lines given to topics so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    lines: HashMap<String, u64>,
    /// The line the next new topic gets.
    next_line: u64,
}

impl Default for Watch {
    fn default() -> Self {
        Watch::new()
    }
}

impl Watch {
    pub fn new() -> Watch {
        Watch {
            lines: HashMap::new(),
            next_line: 2,
        }
    }

    /// Clears the screen and writes the header; once, before connecting. `broker` is the host
    /// as given (`localhost` by default, the socket path with `--unix`).
    pub fn start(broker: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\x1b[2J\x1b[1;1HBroker: ");
        out.extend_from_slice(broker.as_bytes());
        out.push(b'\n');
    }

    /// Moves the cursor to `topic`'s line, giving the topic the next line if it is new.
    pub fn before_message(&mut self, topic: &str, out: &mut Vec<u8>) {
        let line = match self.lines.get(topic) {
            Some(&line) => line,
            None => {
                let line = self.next_line;
                self.next_line += 1;
                self.lines.insert(topic.to_owned(), line);
                line
            }
        };
        move_to_line(line, out);
    }

    /// Parks the cursor below the last topic's line after a message was printed.
    pub fn after_message(&self, out: &mut Vec<u8>) {
        move_to_line(self.next_line - 1, out);
        out.push(b'\n');
    }
}

fn move_to_line(line: u64, out: &mut Vec<u8>) {
    out.extend_from_slice(b"\x1b[");
    write_decimal(out, line);
    out.extend_from_slice(b";1H");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header() {
        let mut out = Vec::new();
        Watch::start("localhost", &mut out);
        assert_eq!(out, b"\x1b[2J\x1b[1;1HBroker: localhost\n");
    }

    /// The cursor codes around each message, as mosquitto_sub 2.1 wrote them for messages on
    /// w/a, w/b, w/a, w/c.
    #[test]
    fn lines_per_topic() {
        let mut watch = Watch::new();
        let cases = [
            ("w/a", "\x1b[2;1H", "\x1b[2;1H\n"),
            ("w/b", "\x1b[3;1H", "\x1b[3;1H\n"),
            ("w/a", "\x1b[2;1H", "\x1b[3;1H\n"),
            ("w/c", "\x1b[4;1H", "\x1b[4;1H\n"),
        ];
        for (topic, before, after) in cases {
            let mut out = Vec::new();
            watch.before_message(topic, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), before, "{topic}");
            let mut out = Vec::new();
            watch.after_message(&mut out);
            assert_eq!(String::from_utf8(out).unwrap(), after, "{topic}");
        }
    }
}
