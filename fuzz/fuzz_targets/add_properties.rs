//! Fuzz target: the `-D` property values (`Properties::add`) and their encoding.
//! How the input bytes are read, and what is checked: see
//! `mqtt_cli_common::fuzzing::add_properties`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mqtt_cli_common::fuzzing::add_properties(data));
