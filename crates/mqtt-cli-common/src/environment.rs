//! What option parsing takes from the process environment, gathered in one value so tests can
//! supply their own.

use std::ffi::OsString;

/// Environment variables and process facts the option parser depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `XDG_CONFIG_HOME`: where the default options file lives.
    pub xdg_config_home: Option<OsString>,
    /// `HOME`: `$HOME/.config` holds the options file when `XDG_CONFIG_HOME` is unset.
    pub home: Option<OsString>,
    /// `MQTT_PASSWORD`: the password when a user name is given and no password option is.
    pub mqtt_password: Option<OsString>,
    /// Appended to the `-I` prefix to make the client id.
    pub pid: u32,
}

impl Environment {
    /// The environment of this process.
    pub fn from_process() -> Environment {
        Environment {
            xdg_config_home: std::env::var_os("XDG_CONFIG_HOME"),
            home: std::env::var_os("HOME"),
            mqtt_password: std::env::var_os("MQTT_PASSWORD"),
            pid: std::process::id(),
        }
    }
}
