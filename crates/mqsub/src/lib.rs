//! mqsub's command-line definition, as a library so the generated man page and shell
//! completions are built from the very definition the binary parses with.
//!
//! Rule: only modules with no dependency on the rest of the binary live here; the binary itself
//! (`main.rs`) uses them through this library.

pub mod cli;
