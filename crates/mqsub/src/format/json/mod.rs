//! JSON for `%j` and `%J`, byte-identical to what mosquitto_sub 2.1 prints through cJSON.
//!
//! Rules: serde_json is not used here because mosquitto's output is cJSON's, which differs
//! from any standard serializer (tab layout, raw non-UTF-8 bytes, "%1.15g" numbers) and from
//! any strict parser (cJSON accepts `01`, raw control bytes, duplicate keys, ...).

mod message;
mod parse;
mod value;
mod writer;

pub(crate) use message::{write_message, NotJson, PayloadAs};
