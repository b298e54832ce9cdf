//! mqpub's parts that stand on their own: the command line, the payload sources and the progress
//! display. They are a library so that the generated man page and completions, the fuzz targets
//! in `fuzz/` and the corpus replay tests in [`fuzzing`] can reach them; the binary (`main.rs`)
//! drives them.

pub mod cli;
pub mod fuzzing;
pub mod progress;
pub mod source;
