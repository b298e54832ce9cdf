//! Fuzz target: the MQTT packet decoder (`client::wire::decode`) on a stream from a server.
//! How the input bytes are read, and what is checked: see
//! `mqtt_cli_common::fuzzing::decode_packets`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mqtt_cli_common::fuzzing::decode_packets(data));
