//! The reference mosquitto programs the helpers run, and the one clear failure when one is missing.
//!
//! Rule: the paths are fixed Debian locations, never looked up on `PATH`, so a test can never
//! pick up one of our own binaries (or another mosquitto build) by accident. A missing program
//! is reported together with the Debian package that ships it.

use std::path::Path;

/// A reference program and the Debian package that installs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tool {
    /// Absolute path of the program.
    pub path: &'static str,
    /// The Debian package that ships it.
    pub package: &'static str,
}

/// The broker.
pub const MOSQUITTO: Tool = Tool {
    path: "/usr/sbin/mosquitto",
    package: "mosquitto",
};

/// The password file tool, shipped with the broker.
pub const MOSQUITTO_PASSWD: Tool = Tool {
    path: "/usr/bin/mosquitto_passwd",
    package: "mosquitto",
};

/// The reference subscriber.
pub const MOSQUITTO_SUB: Tool = Tool {
    path: "/usr/bin/mosquitto_sub",
    package: "mosquitto-clients",
};

/// The reference publisher.
pub const MOSQUITTO_PUB: Tool = Tool {
    path: "/usr/bin/mosquitto_pub",
    package: "mosquitto-clients",
};

/// A SOCKS5 proxy for proxy tests.
pub const MICROSOCKS: Tool = Tool {
    path: "/usr/bin/microsocks",
    package: "microsocks",
};

/// Checks throwaway certificates in the test-support crate's own tests.
pub const OPENSSL: Tool = Tool {
    path: "/usr/bin/openssl",
    package: "openssl",
};

impl Tool {
    /// The program's path, or a message saying how to install it.
    pub fn check(&self) -> Result<&'static Path, String> {
        let path = Path::new(self.path);
        if path.is_file() {
            Ok(path)
        } else {
            Err(missing_message(self))
        }
    }

    /// The program's path; panics with the install hint when it is missing (test code).
    pub fn require(&self) -> &'static Path {
        match self.check() {
            Ok(path) => path,
            Err(message) => panic!("{message}"),
        }
    }
}

fn missing_message(tool: &Tool) -> String {
    format!(
        "{} is not installed; the tests need it: run `apt-get install -y {}`",
        tool.path, tool.package
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_program_names_its_package() {
        let cases = [
            (
                Tool {
                    path: "/nonexistent/mosquitto",
                    package: "mosquitto",
                },
                "/nonexistent/mosquitto is not installed; the tests need it: run `apt-get install -y mosquitto`",
            ),
            (
                Tool {
                    path: "/nonexistent/mosquitto_sub",
                    package: "mosquitto-clients",
                },
                "/nonexistent/mosquitto_sub is not installed; the tests need it: run `apt-get install -y mosquitto-clients`",
            ),
        ];
        for (tool, expected) in cases {
            assert_eq!(tool.check(), Err(expected.to_string()));
        }
    }

    #[test]
    fn present_program_is_returned_as_is() {
        let tool = Tool {
            path: "/bin/sh",
            package: "dash",
        };
        assert_eq!(tool.check(), Ok(Path::new("/bin/sh")));
    }
}
