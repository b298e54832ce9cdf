//! Reliability of mqpub and mqsub when the broker fails under them, counted by code that is not
//! ours, side by side with mosquitto 2.1's clients when those are installed.
//!
//! Every case starts its own persistent broker (`persistence`, `max_queued_messages 0`), inflicts
//! one fault (see `fault`) in the middle of a stream of numbered messages, and counts what came
//! out: lost, duplicated and out-of-order messages.
//! - `publisher`: `mqpub -l` (then `mosquitto_pub -l`) publishes; Debian's `mosquitto_sub -c -i`
//!   counts, itself on a persistent session so it loses nothing across the fault.
//! - `subscriber`: `mqsub -c -i` (then `mosquitto_sub`) is away across a broker restart while
//!   Debian's `mosquitto_pub` publishes; it must print what was queued for it, in order, once.
//!
//! Assertions are for our tools only: nothing lost at QoS 1 and 2, nothing duplicated at QoS 2
//! with a persistent session, exactly one outage note. QoS 0 and the reference clients are only
//! reported: each case prints one line per tool, which `--nocapture` shows:
//!
//! ```sh
//! cargo build --workspace && cargo test -p e2e --test faults -- --nocapture
//! ```
//!
//! Cases run one at a time (they load the machine), and every wait is bounded.

mod common;
#[path = "faults/fault.rs"]
mod fault;
#[path = "faults/publisher.rs"]
mod publisher;
#[path = "faults/subscriber.rs"]
mod subscriber;
