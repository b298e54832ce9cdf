//! What `mqpub` and `mqsub` share: the mosquitto-style option groups and their lowering into a
//! validated configuration, the MQTT client engine (v3.1.1 and v5 behind one interface), exit
//! codes and the error printer.

pub mod client;
pub mod config;
pub mod error;
pub mod properties;
pub mod reason;
