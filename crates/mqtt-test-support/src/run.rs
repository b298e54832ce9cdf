//! Running programs under test: an isolated environment, captured output and hard deadlines.
//!
//! Rules: a test must never hang, so every wait takes a timeout and a child that overstays it is
//! killed together with everything it started (each child leads its own process group). Standard
//! input is never inherited (CI runs with none): it is empty, given bytes, or a pipe the test
//! writes to. Children still running when their handle is dropped are killed.

use std::ffi::OsStr;
use std::fmt;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::capture::{complete_lines, count_lines, Capture};
use crate::home::empty_home;
use crate::signal;

/// How long a child may take to exit after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// How long output pipes may stay open after the child exited (a grandchild may hold them).
const PIPE_GRACE: Duration = Duration::from_secs(2);

/// How often an exit is polled for; std has no wait-with-timeout.
const POLL: Duration = Duration::from_millis(5);

/// A command for `program` whose `HOME` and `XDG_CONFIG_HOME` point at an empty directory, so no
/// user option file (`~/.config/mosquitto_pub` and the like) changes what the program does.
pub fn command(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    command
        .env("HOME", empty_home())
        .env("XDG_CONFIG_HOME", empty_home());
    command
}

/// What a child reads on standard input.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Input {
    /// Nothing: `/dev/null`, as in CI.
    #[default]
    Null,
    /// These bytes, then end of file.
    Bytes(Vec<u8>),
    /// A pipe kept open for [`Running::write_stdin`] until [`Running::close_stdin`].
    Pipe,
}

/// How a child ended, and everything it printed.
#[derive(Debug, Clone)]
pub struct RunOutput {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The child overstayed its deadline and was killed.
    pub timed_out: bool,
}

impl RunOutput {
    /// The exit code; `None` when a signal ended the child.
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }

    /// Exited by itself with status 0.
    pub fn success(&self) -> bool {
        !self.timed_out && self.status.success()
    }

    /// Standard output, decoded lossily.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Standard error, decoded lossily.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// The complete lines of standard output.
    pub fn stdout_lines(&self) -> Vec<String> {
        complete_lines(&self.stdout)
    }
}

/// A readable summary for assertion messages.
impl fmt::Display for RunOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ending = if self.timed_out {
            "killed after its deadline".to_string()
        } else {
            self.status.to_string()
        };
        write!(
            f,
            "{ending}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.stdout_text(),
            self.stderr_text()
        )
    }
}

/// Runs `cmd` to completion with `stdin` as its input (`None`: empty), killing it (and
/// everything it started) if it is still running after `timeout`.
///
/// Panics if the program cannot be started (test code).
pub fn run_with_timeout(cmd: &mut Command, stdin: Option<&[u8]>, timeout: Duration) -> RunOutput {
    let input = match stdin {
        Some(bytes) => Input::Bytes(bytes.to_vec()),
        None => Input::Null,
    };
    Running::spawn(cmd, input).wait(timeout)
}

/// A child running in the background, its output collected as it arrives.
#[derive(Debug)]
pub struct Running {
    child: Child,
    program: String,
    stdin: Option<ChildStdin>,
    stdout: Capture,
    stderr: Capture,
    finished: Option<RunOutput>,
}

impl Running {
    /// Starts `cmd` in its own process group with captured output.
    ///
    /// Panics if the program cannot be started (test code).
    pub fn spawn(cmd: &mut Command, input: Input) -> Running {
        let program = cmd.get_program().to_string_lossy().into_owned();
        let stdin = match input {
            Input::Null => Stdio::null(),
            Input::Bytes(_) | Input::Pipe => Stdio::piped(),
        };
        let spawned = cmd
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(error) => panic!("cannot start {program}: {error}"),
        };
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            panic!("{program}: output pipes missing although requested");
        };
        let mut child_stdin = child.stdin.take();
        if let Input::Bytes(bytes) = input {
            if let Some(mut pipe) = child_stdin.take() {
                // A separate thread, because the child may not read until it has written, and
                // a child that never reads must not block the test (the write fails once it
                // exits).
                thread::spawn(move || {
                    let _ = pipe.write_all(&bytes);
                });
            }
        }
        Running {
            child,
            program,
            stdin: child_stdin,
            stdout: Capture::spawn(stdout),
            stderr: Capture::spawn(stderr),
            finished: None,
        }
    }

    /// The child's process id (also its process group id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Writes to the child's standard input (started with [`Input::Pipe`]).
    ///
    /// Panics if there is no open pipe or the child stopped reading (test code).
    pub fn write_stdin(&mut self, bytes: &[u8]) {
        let Some(pipe) = self.stdin.as_mut() else {
            panic!("{}: standard input is not an open pipe", self.program);
        };
        let written = pipe.write_all(bytes).and_then(|()| pipe.flush());
        if let Err(error) = written {
            panic!("{}: cannot write standard input: {error}", self.program);
        }
    }

    /// Closes the child's standard input, so it sees end of file.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Standard output so far.
    pub fn stdout(&self) -> Vec<u8> {
        self.stdout.bytes()
    }

    /// Standard error so far, decoded lossily.
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.bytes()).into_owned()
    }

    /// The complete lines of standard output so far.
    pub fn lines(&self) -> Vec<String> {
        complete_lines(&self.stdout.bytes())
    }

    /// Waits until standard output holds at least `count` complete lines; returns all complete
    /// lines, or `None` if the deadline passed or the output ended first.
    pub fn wait_for_lines(&self, count: usize, timeout: Duration) -> Option<Vec<String>> {
        let deadline = Instant::now() + timeout;
        self.wait_for_stdout(deadline, |bytes| count_lines(bytes) >= count)
            .then(|| self.lines())
    }

    /// Waits until `done` holds for standard output so far; returns whether it did.
    pub fn wait_for_stdout(&self, deadline: Instant, done: impl FnMut(&[u8]) -> bool) -> bool {
        self.stdout.wait_until(deadline, done)
    }

    /// Waits until standard error contains `needle`; returns whether it did.
    pub fn wait_for_stderr(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        self.stderr.wait_until(deadline, |bytes| {
            String::from_utf8_lossy(bytes).contains(needle)
        })
    }

    /// The exit status if the child has exited; never blocks.
    pub fn try_exit(&mut self) -> Option<ExitStatus> {
        if let Some(finished) = &self.finished {
            return Some(finished.status);
        }
        self.child.try_wait().ok().flatten()
    }

    /// Sends a signal (a `libc::SIG*` number) to the child alone.
    ///
    /// Panics if the child cannot be signalled, e.g. because it was already reaped (test code).
    pub fn signal(&self, signal: i32) {
        if let Err(error) = signal::to_process(self.pid(), signal) {
            panic!("{}: cannot send signal {signal}: {error}", self.program);
        }
    }

    /// Waits up to `timeout` for the child to exit by itself; kills it (and its process group)
    /// after that. Further calls return the same result.
    pub fn wait(&mut self, timeout: Duration) -> RunOutput {
        if let Some(finished) = &self.finished {
            return finished.clone();
        }
        let deadline = Instant::now() + timeout;
        let (status, timed_out) = match self.exit_by(deadline) {
            Some(status) => (status, false),
            None => (self.kill_group(), true),
        };
        // A grandchild that inherited stdout would keep the pipe open: give it a moment, then
        // take it down with the rest of the group.
        let pipes_deadline = Instant::now() + PIPE_GRACE;
        if !(self.stdout.wait_closed(pipes_deadline) && self.stderr.wait_closed(pipes_deadline)) {
            let _ = signal::to_group(self.pid(), signal::SIGKILL);
            let retry = Instant::now() + PIPE_GRACE;
            self.stdout.wait_closed(retry);
            self.stderr.wait_closed(retry);
        }
        let finished = RunOutput {
            status,
            stdout: self.stdout.bytes(),
            stderr: self.stderr.bytes(),
            timed_out,
        };
        self.finished = Some(finished.clone());
        finished
    }

    /// Asks the child to exit with SIGTERM, and kills it if it has not within a few seconds.
    pub fn stop(&mut self) -> RunOutput {
        if self.finished.is_none() && self.try_exit().is_none() {
            let _ = signal::to_process(self.pid(), signal::SIGTERM);
        }
        self.wait(STOP_GRACE)
    }

    fn exit_by(&mut self, deadline: Instant) -> Option<ExitStatus> {
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < deadline => thread::sleep(POLL),
                Ok(None) | Err(_) => return None,
            }
        }
    }

    fn kill_group(&mut self) -> ExitStatus {
        let _ = signal::to_group(self.pid(), signal::SIGKILL);
        let _ = self.child.kill();
        match self.child.wait() {
            Ok(status) => status,
            Err(error) => panic!("{}: cannot reap the killed child: {error}", self.program),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.finished.is_none() {
            // Also when the child itself has exited: what it started may still be running.
            let _ = signal::to_group(self.pid(), signal::SIGKILL);
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Command {
        let mut cmd = command("/bin/sh");
        cmd.arg("-c").arg(script);
        cmd
    }

    #[test]
    fn output_and_exit_code_are_returned() {
        let out = run_with_timeout(
            &mut sh("echo out; echo err >&2; exit 3"),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(out.code(), Some(3));
        assert!(!out.timed_out);
        assert!(!out.success());
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr_text(), "err\n");
    }

    #[test]
    fn input_bytes_reach_standard_input() {
        let out = run_with_timeout(
            &mut command("/bin/cat"),
            Some(b"a\nb"),
            Duration::from_secs(10),
        );
        assert!(out.success(), "{out}");
        assert_eq!(out.stdout, b"a\nb");
        assert_eq!(out.stdout_lines(), ["a"]);
    }

    #[test]
    fn no_input_means_end_of_file() {
        let out = run_with_timeout(&mut command("/bin/cat"), None, Duration::from_secs(10));
        assert!(out.success(), "{out}");
        assert!(out.stdout.is_empty());
    }

    #[test]
    fn overstaying_children_and_their_children_are_killed() {
        let started = Instant::now();
        // The background sleep holds stdout open: it must die with the group.
        let out = run_with_timeout(
            &mut sh("sleep 30 & echo started; sleep 30"),
            None,
            Duration::from_millis(300),
        );
        assert!(out.timed_out);
        assert_eq!(out.code(), None);
        assert_eq!(out.stdout_text(), "started\n");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn a_grandchild_holding_the_pipe_after_a_normal_exit_does_not_hang() {
        let started = Instant::now();
        let out = run_with_timeout(&mut sh("sleep 30 & exit 0"), None, Duration::from_secs(10));
        assert!(out.success(), "{out}");
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_environment_has_an_empty_home() {
        let out = run_with_timeout(
            &mut sh("echo \"$HOME\"; echo \"$XDG_CONFIG_HOME\"; ls -A \"$HOME\" | wc -l"),
            None,
            Duration::from_secs(10),
        );
        let home = empty_home().to_string_lossy().into_owned();
        assert_eq!(out.stdout_lines(), [home.as_str(), home.as_str(), "0"]);
    }

    #[test]
    fn a_background_child_can_be_fed_and_watched() {
        let mut cat = Running::spawn(&mut command("/bin/cat"), Input::Pipe);
        cat.write_stdin(b"first\n");
        assert_eq!(
            cat.wait_for_lines(1, Duration::from_secs(10)),
            Some(vec!["first".to_string()])
        );
        assert_eq!(cat.try_exit(), None);
        cat.write_stdin(b"second\n");
        cat.close_stdin();
        let out = cat.wait(Duration::from_secs(10));
        assert!(out.success(), "{out}");
        assert_eq!(out.stdout_lines(), ["first", "second"]);
        assert_eq!(cat.wait(Duration::ZERO).stdout, out.stdout);
    }

    #[test]
    fn stop_terminates_politely() {
        let mut sleeper = Running::spawn(command("/bin/sleep").arg("30"), Input::Null);
        let out = sleeper.stop();
        assert!(!out.timed_out);
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&out.status),
            Some(signal::SIGTERM)
        );
    }

    #[test]
    fn waiting_for_lines_gives_up_at_end_of_output() {
        let mut short = Running::spawn(&mut sh("echo only"), Input::Null);
        let started = Instant::now();
        assert_eq!(short.wait_for_lines(2, Duration::from_secs(10)), None);
        assert!(started.elapsed() < Duration::from_secs(8));
        assert!(short.wait(Duration::from_secs(10)).success());
    }

    #[test]
    fn the_summary_shows_everything() {
        let out = run_with_timeout(
            &mut sh("echo o; echo e >&2; exit 1"),
            None,
            Duration::from_secs(10),
        );
        assert_eq!(
            out.to_string(),
            "exit status: 1\n--- stdout ---\no\n\n--- stderr ---\ne\n"
        );
    }
}
