//! Fuzz target: mqsub's output formats (`-F` format strings, `-v`, `--pretty`) on a message.
//! How the input bytes are read, and what is checked: see
//! `mqsub::fuzzing::render_format`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| mqsub::fuzzing::render_format(data));
