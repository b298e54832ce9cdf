//! Which received messages mqsub prints: `-T` filter-outs (MQTT wildcard matching), `-R`, and
//! `--random-filter`.
//!
//! `--random-filter P` prints each message with probability P percent (the option parser hands
//! over the fraction P/100); at 100 every message is printed (mosquitto_sub scales the percentage
//! wrongly and drops about nine in ten there).

/// Whether `topic` matches the subscription filter `filter` (`+` one level, `#` the rest).
/// Topics starting with `$` do not match filters starting with a wildcard, as in MQTT.
pub fn topic_matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut filter_levels = filter.split('/');
    let mut topic_levels = topic.split('/');
    loop {
        match (filter_levels.next(), topic_levels.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(f), Some(t)) if f == t => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// A small, fast pseudo-random source for `--random-filter` (xorshift64*); not for secrets.
pub struct Sampler {
    state: u64,
    /// Keep a message when a draw in 0..1_000_000 is below this.
    threshold: u64,
}

impl Sampler {
    /// Keeps each message with probability `fraction` (0.0 to 1.0).
    pub fn new(fraction: f64) -> Sampler {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0x9E37_79B9_7F4A_7C15, |d| d.as_nanos() as u64)
            ^ u64::from(std::process::id()).rotate_left(32);
        Sampler {
            state: seed | 1,
            threshold: (fraction.clamp(0.0, 1.0) * 1_000_000.0).round() as u64,
        }
    }

    /// Whether to print the next message.
    pub fn keep(&mut self) -> bool {
        if self.threshold >= 1_000_000 {
            return true;
        }
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let draw = self.state.wrapping_mul(0x2545_F491_4F6C_DD1D) % 1_000_000;
        draw < self.threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_matching() {
        let cases = [
            ("a/b", "a/b", true),
            ("a/+", "a/b", true),
            ("a/+", "a/b/c", false),
            ("a/#", "a", true),
            ("a/#", "a/b/c", true),
            ("#", "a/b", true),
            ("#", "$SYS/x", false),
            ("+/x", "$SYS/x", false),
            ("$SYS/#", "$SYS/broker/uptime", true),
            ("+/+", "/x", true),
            ("a/b", "a/c", false),
            (
                "sensors/machines/+/temperature/+",
                "sensors/machines/m1/temperature/t2",
                true,
            ),
        ];
        for (filter, topic, expected) in cases {
            assert_eq!(
                topic_matches(filter, topic),
                expected,
                "{filter} vs {topic}"
            );
        }
    }

    #[test]
    fn hundred_percent_keeps_everything_and_zero_nothing() {
        let mut all = Sampler::new(1.0);
        assert!((0..100_000).all(|_| all.keep()));
        let mut none = Sampler::new(0.0);
        assert!((0..100_000).all(|_| !none.keep()));
        let mut half = Sampler::new(0.5);
        let kept = (0..100_000).filter(|_| half.keep()).count();
        assert!((45_000..55_000).contains(&kept), "{kept}");
    }
}
