//! When to try reconnecting after the connection to the broker is lost, and when to give up.
//!
//! Rules:
//! - attempts back off exponentially, from the policy's first delay up to its cap;
//! - a connection that breaks again less than `SETTLE` after it was restored continues the
//!   outage it ended: the backoff keeps growing, the give-up clock keeps running and nobody is
//!   told again, so a broker that accepts and then drops at once is neither hammered nor
//!   reported a hundred times;
//! - with a give-up limit, no attempt starts after the deadline, one starts at it if the
//!   backoff would jump past it, and each attempt may take only what is left (but at least
//!   `LAST_CHANCE`, so the attempt at the deadline can succeed): the client gives up at most
//!   `LAST_CHANCE` after the limit;
//! - a limit of zero means no reconnecting at all.
//!
//! Pure bookkeeping on instants handed in by the caller, so every rule is tested without a
//! clock or a network.

use std::time::Duration;

use tokio::time::Instant;

use crate::config::ReconnectPolicy;

/// How long a restored connection must last before its loss counts as a new outage.
const SETTLE: Duration = Duration::from_secs(10);

/// The least time an attempt gets, even at the give-up deadline.
const LAST_CHANCE: Duration = Duration::from_secs(1);

/// One period without a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Outage {
    since: Instant,
    delay: Duration,
    next_attempt: Instant,
}

/// What a lost connection means under the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lost {
    /// A new outage begins: worth telling the user.
    Began,
    /// The connection had only just been restored: the same outage goes on.
    Continued,
    /// The policy says not to reconnect.
    GiveUp,
}

/// The reconnection state of one client.
#[derive(Debug)]
pub struct Reconnection {
    policy: ReconnectPolicy,
    outage: Option<Outage>,
    /// The outage the current connection ended, and when it ended.
    recovered: Option<(Instant, Outage)>,
}

impl Reconnection {
    pub fn new(policy: ReconnectPolicy) -> Reconnection {
        Reconnection {
            policy,
            outage: None,
            recovered: None,
        }
    }

    /// The connection broke at `now`.
    pub fn lost(&mut self, now: Instant) -> Lost {
        if !self.policy.enabled || self.policy.give_up_after == Some(Duration::ZERO) {
            return Lost::GiveUp;
        }
        let (outage, lost) = match self.recovered.take() {
            Some((at, previous)) if now.saturating_duration_since(at) < SETTLE => {
                let delay = self.grow(previous.delay);
                let outage = Outage {
                    since: previous.since,
                    delay,
                    next_attempt: now + delay,
                };
                (outage, Lost::Continued)
            }
            _ => {
                let delay = self.policy.first_delay;
                let outage = Outage {
                    since: now,
                    delay,
                    next_attempt: now + delay,
                };
                (outage, Lost::Began)
            }
        };
        self.outage = Some(self.clamped(outage));
        lost
    }

    /// When the next attempt is due; `None` while connected.
    pub fn next_attempt(&self) -> Option<Instant> {
        self.outage.map(|o| o.next_attempt)
    }

    /// The most an attempt starting at `now` may take, or `None` for no limit of our own.
    pub fn attempt_limit(&self, now: Instant) -> Option<Duration> {
        let deadline = self.deadline()?;
        Some(deadline.saturating_duration_since(now).max(LAST_CHANCE))
    }

    /// An attempt failed at `now`. `false` means the deadline has passed: give up.
    pub fn failed(&mut self, now: Instant) -> bool {
        if self.deadline().is_some_and(|deadline| now >= deadline) {
            return false;
        }
        let Some(outage) = self.outage else {
            return false;
        };
        let delay = self.grow(outage.delay);
        let next = Outage {
            delay,
            next_attempt: now + delay,
            ..outage
        };
        self.outage = Some(self.clamped(next));
        true
    }

    /// The connection is back at `now`.
    pub fn restored(&mut self, now: Instant) {
        if let Some(outage) = self.outage.take() {
            self.recovered = Some((now, outage));
        }
    }

    fn deadline(&self) -> Option<Instant> {
        let limit = self.policy.give_up_after?;
        self.outage.map(|o| o.since + limit)
    }

    fn grow(&self, delay: Duration) -> Duration {
        (delay * 2).min(self.policy.max_delay)
    }

    /// Keeps the next attempt from starting after the give-up deadline.
    fn clamped(&self, outage: Outage) -> Outage {
        match self.policy.give_up_after {
            Some(limit) => Outage {
                next_attempt: outage.next_attempt.min(outage.since + limit),
                ..outage
            },
            None => outage,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    fn policy(give_up_after: Option<Duration>) -> ReconnectPolicy {
        ReconnectPolicy {
            enabled: true,
            give_up_after,
            first_delay: 100 * MS,
            max_delay: 1000 * MS,
        }
    }

    /// The delays between failed attempts, each attempt failing at once.
    fn delays(reconnection: &mut Reconnection, start: Instant, attempts: usize) -> Vec<u64> {
        let mut now = start;
        let mut seen = Vec::new();
        for _ in 0..attempts {
            let Some(next) = reconnection.next_attempt() else {
                break;
            };
            seen.push((next - now).as_millis() as u64);
            now = next;
            if !reconnection.failed(now) {
                break;
            }
        }
        seen
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let t0 = Instant::now();
        let mut r = Reconnection::new(policy(None));
        assert_eq!(r.lost(t0), Lost::Began);
        assert_eq!(
            delays(&mut r, t0, 7),
            [100, 200, 400, 800, 1000, 1000, 1000]
        );
        assert_eq!(r.attempt_limit(t0), None);
    }

    #[test]
    fn what_a_loss_means() {
        let t0 = Instant::now();
        let cases = [
            // (enabled, give up after, lost after being restored for, expected)
            (true, None, None, Lost::Began),
            (true, Some(30_000), None, Lost::Began),
            (true, Some(0), None, Lost::GiveUp),
            (false, None, None, Lost::GiveUp),
            (true, None, Some(50), Lost::Continued),
            (true, None, Some(9_999), Lost::Continued),
            (true, None, Some(10_000), Lost::Began),
            (true, None, Some(60_000), Lost::Began),
        ];
        for (enabled, give_up, restored_for, expected) in cases {
            let mut r = Reconnection::new(ReconnectPolicy {
                enabled,
                ..policy(give_up.map(|ms| ms * MS))
            });
            let mut now = t0;
            if let Some(up) = restored_for {
                assert_eq!(r.lost(now), Lost::Began);
                now += 100 * MS;
                r.restored(now);
                now += up * MS;
            }
            assert_eq!(
                r.lost(now),
                expected,
                "{enabled} {give_up:?} {restored_for:?}"
            );
        }
    }

    #[test]
    fn a_quick_relapse_keeps_backing_off_and_keeps_the_clock() {
        let t0 = Instant::now();
        let mut r = Reconnection::new(policy(Some(3000 * MS)));
        r.lost(t0);
        assert!(r.failed(t0 + 100 * MS));
        // Restored after the second attempt, lost again a moment later.
        r.restored(t0 + 300 * MS);
        assert_eq!(r.lost(t0 + 400 * MS), Lost::Continued);
        // The delay was 200 ms when the connection came back: the next is 400 ms.
        assert_eq!(r.next_attempt(), Some(t0 + 800 * MS));
        // The give-up clock still runs from t0.
        assert_eq!(r.attempt_limit(t0 + 800 * MS), Some(2200 * MS));
    }

    #[test]
    fn no_attempt_starts_after_the_deadline() {
        let t0 = Instant::now();
        let mut r = Reconnection::new(policy(Some(1500 * MS)));
        r.lost(t0);
        // 100, 200, 400 ms, then 800 would pass the deadline at 1500: the last one is at it.
        assert_eq!(delays(&mut r, t0, 10), [100, 200, 400, 800]);
        let mut r = Reconnection::new(policy(Some(1000 * MS)));
        r.lost(t0);
        assert_eq!(delays(&mut r, t0, 10), [100, 200, 400, 300]);
        assert!(!r.failed(t0 + 1000 * MS));
    }

    #[test]
    fn attempts_get_what_is_left_but_a_last_chance_at_least() {
        let t0 = Instant::now();
        let mut r = Reconnection::new(policy(Some(5000 * MS)));
        r.lost(t0);
        let cases = [
            (0, 5000),
            (1000, 4000),
            (4500, 1000),
            (5000, 1000),
            (9000, 1000),
        ];
        for (at, limit) in cases {
            assert_eq!(r.attempt_limit(t0 + at * MS), Some(limit * MS), "{at}");
        }
    }

    #[test]
    fn restoring_ends_the_outage() {
        let t0 = Instant::now();
        let mut r = Reconnection::new(policy(None));
        r.lost(t0);
        r.restored(t0 + 100 * MS);
        assert_eq!(r.next_attempt(), None);
        assert_eq!(r.lost(t0 + 20_000 * MS), Lost::Began);
        assert_eq!(r.next_attempt(), Some(t0 + 20_100 * MS));
    }
}
