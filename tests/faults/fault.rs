//! The faults a broker suffers in these tests, the broker they happen to, and the clients that
//! live through them.
//!
//! Rules: a fault happens once, to a broker with persistence and no queue limit, timed so that
//! what the broker itself gets wrong is not counted against the client:
//! - mosquitto writes its state to disk only every `autosave_interval`, so a SIGKILL loses
//!   whatever it acknowledged since its last save. A kill therefore hits a broker that saved
//!   while it had nothing unsaved, then hung (SIGSTOP) while the publisher went on writing
//!   into it: the publisher has messages in flight that the broker never saw, as in any
//!   crash, and must send them again.
//! - After a restart mosquitto 2.0.11 sends a subscriber messages it had already delivered,
//!   the more the longer its queue was, and libmosquitto prints a QoS 2 message sent twice
//!   twice. So before a stop or a kill the publisher is held still (SIGSTOP) until the
//!   counter's queue is empty, then let go, and the fault strikes with messages flowing again.
//!
//! The crash fault keeps none of these precautions, to show the broker's own losses.

use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use mqtt_test_support::{Broker, BrokerBuilder, Running};

use crate::common::{self, wait_quiet};

/// How long a frozen broker stays frozen, with [`KEEPALIVE`]: longer than the 1.5 keepalives
/// our clients need to notice, and than the 2 keepalives libmosquitto needs, so that the
/// fault is the same for both.
pub const FREEZE: Duration = Duration::from_secs(12);

/// The keepalive the clients use against a broker that will freeze (the least mosquitto takes).
pub const KEEPALIVE: &str = "5";

/// How long the counter's output must have stopped growing before the broker counts as
/// having delivered everything.
const IDLE: Duration = Duration::from_secs(2);

/// How long the publisher writes into a hung broker before it is killed.
const WRITING_INTO_THE_VOID: Duration = Duration::from_secs(1);

/// The most any one step of a fault may wait.
const STEP_LIMIT: Duration = Duration::from_secs(60);

/// What happens to the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// SIGKILL of a hung broker with nothing unsaved, then a restart (see the module rules).
    Kill,
    /// SIGTERM (mosquitto saves everything and exits), then a restart.
    Stop,
    /// SIGSTOP for [`FREEZE`], then SIGCONT: connections stay open and nothing answers.
    Freeze,
    /// SIGKILL at a random moment, then a restart: the broker loses what it acknowledged
    /// since its last save, and may send again what it had already delivered. Only reported.
    Crash,
}

/// A publisher streaming through the broker to a counter, as a fault handles it.
pub struct Stream<'a> {
    pub publisher: &'a Running,
    /// What the counter has printed so far.
    pub counted: &'a dyn Fn() -> Vec<u8>,
}

impl Stream<'_> {
    /// Holds the publisher still until the broker has delivered everything it accepted.
    fn hold_until_drained(&self) {
        self.publisher.signal(libc::SIGSTOP);
        wait_quiet(self.counted, IDLE, STEP_LIMIT);
    }

    fn release(&self) {
        self.publisher.signal(libc::SIGCONT);
    }

    /// Waits until the counter prints something new (or the step limit passes: a publisher
    /// with nothing left to send is no reason to fail here).
    fn wait_flowing(&self) {
        let before = (self.counted)().len();
        common::wait_until(STEP_LIMIT, || (self.counted)().len() > before);
    }
}

impl Fault {
    pub fn name(self) -> &'static str {
        match self {
            Fault::Kill => "kill",
            Fault::Stop => "stop",
            Fault::Freeze => "freeze",
            Fault::Crash => "crash",
        }
    }

    /// Inflicts the fault on a broker that `stream` (if any) publishes through. Without a
    /// stream the broker must already be idle.
    pub fn strike(self, broker: &mut Broker, stream: Option<&Stream>) {
        match self {
            Fault::Kill => {
                if let Some(stream) = stream {
                    stream.hold_until_drained();
                }
                broker.wait_for_autosave();
                if let Some(stream) = stream {
                    broker.pause();
                    stream.release();
                    thread::sleep(WRITING_INTO_THE_VOID);
                }
                broker.kill();
                broker.start();
            }
            Fault::Stop => {
                if let Some(stream) = stream {
                    stream.hold_until_drained();
                    stream.release();
                    stream.wait_flowing();
                }
                broker.stop();
                broker.start();
            }
            Fault::Freeze => {
                broker.pause();
                thread::sleep(FREEZE);
                broker.resume();
            }
            Fault::Crash => {
                broker.kill();
                broker.start();
            }
        }
    }
}

/// A broker that keeps sessions and queues on disk and queues without limit.
pub fn persistent_broker() -> BrokerBuilder {
    Broker::builder().persistence().max_queued_messages(0)
}

/// A client program in a comparison: ours (asserted on) or a reference (only reported).
#[derive(Debug, Clone)]
pub struct Tool {
    /// How the figures name it.
    pub name: &'static str,
    pub path: PathBuf,
}

impl Tool {
    pub fn mqpub() -> Tool {
        Tool {
            name: "mqpub",
            path: common::mqpub(),
        }
    }

    pub fn mqsub() -> Tool {
        Tool {
            name: "mqsub",
            path: common::mqsub(),
        }
    }

    /// mosquitto 2.1's `program`, when installed.
    pub fn reference(program: &str, name: &'static str) -> Option<Tool> {
        common::reference(program).map(|path| Tool { name, path })
    }
}

/// The lines in which our tools announce an outage.
pub fn outage_notes(stderr: &str) -> usize {
    stderr
        .lines()
        .filter(|line| line.starts_with("Warning: connection to the broker lost"))
        .count()
}
