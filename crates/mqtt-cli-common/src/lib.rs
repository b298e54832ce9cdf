//! What `mqpub` and `mqsub` share: the mosquitto-style option groups and their lowering into a
//! validated configuration, the MQTT client engine (v3.1.1 and v5 behind one interface), exit
//! codes and the error printer.

pub mod args;
pub mod c_numbers;
pub mod client;
pub mod command_line;
pub mod config;
pub mod environment;
pub mod error;
pub mod fuzzing;
pub mod generate;
pub mod lower;
pub mod options_file;
pub mod properties;
pub mod property_option;
pub mod proxy;
pub mod reason;
pub mod scan;
pub mod tool;
pub mod topic;
pub mod url;
pub mod usage;
pub mod usage_error;
pub mod utf8;
pub mod values;

pub use command_line::{CommandLine, Parsed};
pub use environment::Environment;
pub use tool::Tool;
pub use usage_error::{print_usage_error, UsageError};
