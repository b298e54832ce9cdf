//! mqpub's parts that other code needs to see: the command-line definition (for the generated
//! man page and shell completions) and the progress display.
//!
//! Rule: only modules with no dependency on the rest of the binary live here; the binary itself
//! (`main.rs`) uses them through this library.

pub mod cli;
pub mod progress;
