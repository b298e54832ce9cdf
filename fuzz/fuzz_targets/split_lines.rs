//! Fuzz target: mqpub's `-l` line splitter.
//! How the input bytes are read, and what is checked: see
//! `mqpub::fuzzing::split_lines`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mqpub::fuzzing::split_lines(data));
