//! A real mosquitto broker for one test: private directory, free loopback ports, killed on drop.
//!
//! Rules: the broker is Debian's `/usr/sbin/mosquitto`; its config, log, password and
//! persistence files live in a temp directory that lives as long as the [`Broker`] value, so a
//! restart finds the same config, ports and saved state. A start returns only when every
//! listener accepts connections; every wait is bounded. If another process takes a port between
//! choosing it and the first start, the first start retries on fresh ports; restarts keep them.

mod builder;
mod config;
mod files;
mod log;

use std::fs::{File, OpenOptions};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub use builder::BrokerBuilder;
pub use config::TlsFiles;
pub(crate) use log::LogFile;

use crate::ports::free_port;
use crate::signal;
use crate::tools::MOSQUITTO;
use config::{Paths, Ports, Settings};

/// How long a start may take until every listener accepts connections.
const START_TIMEOUT: Duration = Duration::from_secs(15);

/// How long [`Broker::stop`] waits after SIGTERM before killing.
const STOP_TIMEOUT: Duration = Duration::from_secs(10);

/// How many fresh port sets the first start tries when a port was taken meanwhile.
const PORT_ATTEMPTS: usize = 5;

/// How often readiness and exit are polled.
const POLL: Duration = Duration::from_millis(10);

/// What mosquitto logs when it begins (not finishes) writing its persistence file.
const SAVING: &str = "Saving in-memory database";

/// How long [`Broker::wait_for_autosave`] may take: two autosaves, each every second or two.
const AUTOSAVE_TIMEOUT: Duration = Duration::from_secs(15);

/// What mosquitto logs when a listener's port is taken.
const PORT_TAKEN: &str = "Address already in use";

/// A running (or stopped) mosquitto broker. Dropping it kills the broker and removes its files.
#[derive(Debug)]
pub struct Broker {
    settings: Settings,
    paths: Paths,
    ports: Ports,
    log: LogFile,
    child: Option<Child>,
    paused: bool,
    /// Removed when the value is dropped, after `Drop::drop` has killed the broker.
    dir: TempDir,
}

/// Why a start failed.
enum LaunchError {
    /// A listener's port was taken: worth another try on fresh ports.
    PortTaken(String),
    Other(String),
}

impl Broker {
    /// Chooses listeners and limits; see [`BrokerBuilder`].
    pub fn builder() -> BrokerBuilder {
        BrokerBuilder::new()
    }

    /// A started broker with only the plain anonymous listener.
    pub fn plain() -> Broker {
        BrokerBuilder::new().start()
    }

    /// The address every TCP listener binds.
    pub fn host(&self) -> &'static str {
        "127.0.0.1"
    }

    /// The plain anonymous TCP listener's port.
    pub fn port(&self) -> u16 {
        self.ports.plain
    }

    /// The password listener's port. Panics if no user was added (test code).
    pub fn password_port(&self) -> u16 {
        match self.ports.password {
            Some(port) => port,
            None => {
                panic!("this broker has no password listener: use BrokerBuilder::password_user")
            }
        }
    }

    /// The unix socket's path. Panics if it was not asked for (test code).
    pub fn unix_path(&self) -> &Path {
        if !self.settings.unix_socket {
            panic!("this broker has no unix socket: use BrokerBuilder::unix_socket");
        }
        &self.paths.unix_socket
    }

    /// The websockets listener's port. Panics if it was not asked for (test code).
    pub fn ws_port(&self) -> u16 {
        match self.ports.websockets {
            Some(port) => port,
            None => panic!("this broker has no websockets listener: use BrokerBuilder::websockets"),
        }
    }

    /// The port of the further listener called `name` (see [`BrokerBuilder::listener`],
    /// [`BrokerBuilder::tls_listener`], [`BrokerBuilder::psk_listener`]). Panics if unknown.
    pub fn listener_port(&self, name: &str) -> u16 {
        let index = self
            .settings
            .extra_listeners
            .iter()
            .position(|listener| listener.name == name);
        match index.and_then(|index| self.ports.extra.get(index)) {
            Some(port) => *port,
            None => panic!("this broker has no listener named {name:?}"),
        }
    }

    /// The broker's private directory.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The generated mosquitto.conf.
    pub fn config_path(&self) -> &Path {
        &self.paths.config
    }

    /// Where persistent state is saved (used when built with [`BrokerBuilder::persistence`]).
    pub fn persistence_dir(&self) -> &Path {
        &self.paths.persistence_dir
    }

    /// Everything the broker logged, across restarts; for failure messages.
    pub fn log(&self) -> String {
        self.log.text_since(0)
    }

    /// The current end of the log, to pass to [`Broker::wait_for_log`].
    pub fn log_offset(&self) -> u64 {
        self.log.offset()
    }

    /// Waits until the log written since `offset` contains `needle`; returns whether it did.
    pub fn wait_for_log(&self, offset: u64, needle: &str, timeout: Duration) -> bool {
        self.log.wait_for(offset, Instant::now() + timeout, |text| {
            text.contains(needle)
        })
    }

    /// Waits until the broker has saved everything it held when this was called, so a
    /// [`Broker::kill`] afterwards loses nothing. Panics without persistence or on timeout.
    pub fn wait_for_autosave(&self) {
        if !self.settings.persistence {
            panic!("this broker saves nothing: use BrokerBuilder::persistence");
        }
        // mosquitto logs a save as it starts and saves on one thread: the save that started
        // after now is complete once the next one has been announced.
        let offset = self.log.offset();
        let deadline = Instant::now() + AUTOSAVE_TIMEOUT;
        let saved = self
            .log
            .wait_for(offset, deadline, |text| text.matches(SAVING).count() >= 2);
        if !saved {
            panic!(
                "no autosave within {AUTOSAVE_TIMEOUT:?}; log:\n{}",
                self.log()
            );
        }
    }

    /// The broker's process id while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Whether the broker process is running (paused counts as running).
    pub fn is_running(&mut self) -> bool {
        match self.child.as_mut().map(Child::try_wait) {
            Some(Ok(None)) => true,
            Some(_) => {
                self.child = None;
                false
            }
            None => false,
        }
    }

    /// Starts the broker again with the same config, on the same ports, after
    /// [`Broker::stop`] or [`Broker::kill`]. Panics if it is running or cannot start.
    pub fn start(&mut self) {
        if self.is_running() {
            panic!("the broker is already running");
        }
        match self.launch() {
            Ok(()) => {}
            Err(LaunchError::PortTaken(message) | LaunchError::Other(message)) => {
                panic!("{message}")
            }
        }
    }

    /// Stops the broker cleanly (SIGTERM; it saves persistent state) and waits for it; kills
    /// it if it takes too long. Does nothing if it is not running.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = signal::to_process(child.id(), signal::SIGTERM);
        if self.paused {
            // A stopped process only acts on SIGTERM once continued.
            let _ = signal::to_process(child.id(), signal::SIGCONT);
        }
        self.paused = false;
        let deadline = Instant::now() + STOP_TIMEOUT;
        while Instant::now() < deadline {
            if !matches!(child.try_wait(), Ok(None)) {
                return;
            }
            thread::sleep(POLL);
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Kills the broker at once (SIGKILL), as a crash would; state not yet saved is lost.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        self.paused = false;
    }

    /// Freezes the broker (SIGSTOP): connections stay open, nothing is answered.
    pub fn pause(&mut self) {
        self.signal_running(signal::SIGSTOP, "pause");
        self.paused = true;
    }

    /// Lets a paused broker go on (SIGCONT).
    pub fn resume(&mut self) {
        self.signal_running(signal::SIGCONT, "resume");
        self.paused = false;
    }

    fn signal_running(&self, signal: i32, action: &str) {
        let Some(pid) = self.pid() else {
            panic!("cannot {action} the broker: it is not running");
        };
        if let Err(error) = signal::to_process(pid, signal) {
            panic!("cannot {action} the broker: {error}");
        }
    }

    /// Sets up the directory and files, then starts on fresh ports until they are free.
    fn launch_new(settings: Settings) -> Result<Broker, String> {
        MOSQUITTO.check()?;
        let dir = tempfile::Builder::new()
            .prefix("mqtt-test-broker-")
            .tempdir()
            .map_err(|error| format!("cannot create the broker's directory: {error}"))?;
        let paths = Paths::inside(dir.path());
        files::prepare(&settings, &paths)?;
        let mut broker = Broker {
            ports: Ports::assign(&settings, free_port),
            log: LogFile::new(&paths.log),
            settings,
            paths,
            child: None,
            paused: false,
            dir,
        };
        let mut attempt = 1;
        loop {
            let text = config::render(&broker.settings, &broker.paths, &broker.ports);
            std::fs::write(&broker.paths.config, text)
                .map_err(|error| format!("cannot write the broker config: {error}"))?;
            match broker.launch() {
                Ok(()) => return Ok(broker),
                Err(LaunchError::PortTaken(_)) if attempt < PORT_ATTEMPTS => {
                    attempt += 1;
                    broker.ports = Ports::assign(&broker.settings, free_port);
                }
                Err(LaunchError::PortTaken(message) | LaunchError::Other(message)) => {
                    return Err(message)
                }
            }
        }
    }

    /// Runs mosquitto on the current config and waits until every listener accepts.
    fn launch(&mut self) -> Result<(), LaunchError> {
        let offset = self.log.offset();
        let child = self
            .spawn()
            .map_err(|error| LaunchError::Other(format!("cannot start mosquitto: {error}")))?;
        self.child = Some(child);
        self.paused = false;
        let deadline = Instant::now() + START_TIMEOUT;
        let mut waiting = self.endpoints();
        loop {
            if !self.is_running() {
                let log = self.log.text_since(offset);
                let message = format!("mosquitto exited during start-up; its log:\n{log}");
                return Err(if log.contains(PORT_TAKEN) {
                    LaunchError::PortTaken(message)
                } else {
                    LaunchError::Other(message)
                });
            }
            waiting.retain(|endpoint| !endpoint.accepts());
            if waiting.is_empty() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                self.kill();
                return Err(LaunchError::Other(format!(
                    "mosquitto did not accept connections on {waiting:?} within {START_TIMEOUT:?}; its log:\n{}",
                    self.log.text_since(offset)
                )));
            }
            thread::sleep(POLL);
        }
    }

    fn spawn(&self) -> std::io::Result<Child> {
        let log = open_append(self.log.path())?;
        let log_for_stderr = log.try_clone()?;
        Command::new(MOSQUITTO.path)
            .arg("-c")
            .arg(&self.paths.config)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_for_stderr)
            .spawn()
    }

    fn endpoints(&self) -> Vec<Endpoint> {
        let mut endpoints: Vec<Endpoint> =
            self.ports.all().into_iter().map(Endpoint::Tcp).collect();
        if self.settings.unix_socket {
            endpoints.push(Endpoint::Unix(self.paths.unix_socket.clone()));
        }
        endpoints
    }

    pub(crate) fn log_file(&self) -> &LogFile {
        &self.log
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A listener to probe for readiness.
#[derive(Debug)]
enum Endpoint {
    Tcp(u16),
    Unix(std::path::PathBuf),
}

impl Endpoint {
    fn accepts(&self) -> bool {
        match self {
            Endpoint::Tcp(port) => {
                let address = SocketAddr::from((Ipv4Addr::LOCALHOST, *port));
                TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok()
            }
            Endpoint::Unix(path) => UnixStream::connect(path).is_ok(),
        }
    }
}

fn open_append(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(path)
}
