//! Fuzz target: mqsub's option parser and its lowering into a configuration.
//! How the input bytes are read, and what is checked: see
//! `mqsub::fuzzing::parse_command_line`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mqsub::fuzzing::parse_command_line(data));
