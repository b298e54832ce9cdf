//! The faults a broker suffers in these tests, the broker they happen to, and the clients that
//! live through them.
//!
//! Rules: a fault happens once, to a broker with persistence and no queue limit. A kill is
//! timed so the broker has nothing unsaved: mosquitto writes its state to disk only every
//! `autosave_interval`, so whatever it acknowledged since the last save dies with it, and
//! that is the broker's loss, not the client's. The client under test is therefore held
//! still (SIGSTOP) just before the kill and let go once the broker is back, which to the
//! client is the same as a crash in the middle of its stream.

use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use mqtt_test_support::{Broker, BrokerBuilder, Running};

use crate::common;

/// How long a frozen broker stays frozen, with [`KEEPALIVE`]: longer than the 1.5 keepalives
/// our clients need to notice, and than the 2 keepalives libmosquitto needs, so that the
/// fault is the same for both.
pub const FREEZE: Duration = Duration::from_secs(12);

/// The keepalive the clients use against a broker that will freeze (the least mosquitto takes).
pub const KEEPALIVE: &str = "5";

/// How long the broker's traffic must have stopped before it counts as having nothing to do.
pub const IDLE: Duration = Duration::from_secs(2);

/// What happens to the broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// SIGKILL, then a restart from the last save (see the module rules).
    Kill,
    /// SIGTERM (mosquitto saves and exits), then a restart.
    Stop,
    /// SIGSTOP for [`FREEZE`], then SIGCONT: connections stay open and nothing answers.
    Freeze,
    /// SIGKILL at a random moment, then a restart: the broker loses what it acknowledged
    /// since its last save, and may resend what it had already delivered. Only reported.
    Crash,
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

    /// Inflicts the fault. For a kill, `hold` (the client under test, if it is running) is
    /// held still around it, and `idle` must return once the broker has nothing left to do.
    pub fn strike(self, broker: &mut Broker, hold: Option<&Running>, idle: impl FnOnce()) {
        match self {
            Fault::Kill => {
                if let Some(client) = hold {
                    client.signal(libc::SIGSTOP);
                }
                idle();
                broker.wait_for_autosave();
                broker.kill();
                broker.start();
                if let Some(client) = hold {
                    client.signal(libc::SIGCONT);
                }
            }
            Fault::Stop => {
                broker.stop();
                broker.start();
            }
            Fault::Crash => {
                broker.kill();
                broker.start();
            }
            Fault::Freeze => {
                broker.pause();
                thread::sleep(FREEZE);
                broker.resume();
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
