//! Publishing with Debian's `mosquitto_pub`, independent of our code, to feed tests of our
//! subscriber or to check a broker.
//!
//! Rule: like [`crate::Subscriber`], it targets the broker's plain listener unless the caller's
//! arguments (which come last and win) say otherwise, and it runs with a deadline.

use std::time::Duration;

use crate::broker::Broker;
use crate::run::{command, run_with_timeout, RunOutput};
use crate::tools::MOSQUITTO_PUB;

/// How long one mosquitto_pub run may take.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(15);

/// Runs `mosquitto_pub -h 127.0.0.1 -p <broker.port()> ARGS` with empty standard input (or
/// `stdin` for `-s`/`-l`) and returns how it ended.
pub fn run_mosquitto_pub(broker: &Broker, args: &[&str], stdin: Option<&[u8]>) -> RunOutput {
    let mut cmd = command(MOSQUITTO_PUB.require());
    cmd.args(["-h", broker.host(), "-p", &broker.port().to_string()])
        .args(args);
    run_with_timeout(&mut cmd, stdin, PUBLISH_TIMEOUT)
}

/// Publishes with mosquitto_pub, e.g. `publish(&broker, &["-t", "a/b", "-m", "hi", "-q", "1"])`.
///
/// Panics with its output if it fails (test code).
pub fn publish(broker: &Broker, args: &[&str]) {
    let out = run_mosquitto_pub(broker, args, None);
    if !out.success() {
        panic!("mosquitto_pub {args:?} failed: {out}");
    }
}
