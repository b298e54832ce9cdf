//! Fuzz target: the `-L` URL parser.
//! How the input bytes are read, and what is checked: see
//! `mqtt_cli_common::fuzzing::parse_url`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mqtt_cli_common::fuzzing::parse_url(data));
