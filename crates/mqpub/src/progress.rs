//! A progress bar on stderr for the long runs of mqpub: a large `-f` file (bytes acknowledged),
//! `-l` reading a regular file (bytes read, lines acknowledged) and `--repeat` (messages
//! acknowledged).
//!
//! Rules:
//! - the bar is drawn only when stderr is a terminal and `--quiet` is not given: scripts,
//!   pipes and log files see exactly what mosquitto_pub prints, which is nothing;
//! - short runs get no bar (small files, a single message), so everyday use looks the same
//!   as with mosquitto_pub;
//! - a hidden bar is a no-op, so the publishing loop calls the same methods either way;
//! - the bar is cleared when the run finishes, and anything printed while it is shown goes
//!   through [`Progress::suspend`], so messages never end up glued to a half-drawn bar.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Files (for `-f` and `-l`) smaller than this are sent without a bar: they are over before a
/// bar would mean anything.
pub const LARGE_FILE: u64 = 1024 * 1024;

/// What the bar shows for each kind of run. Each template names its unit, so a glance tells
/// what is being counted.
const FILE_TEMPLATE: &str =
    "{elapsed_precise} [{bar:30}] {bytes}/{total_bytes} acknowledged ({bytes_per_sec})";
const LINES_TEMPLATE: &str =
    "{elapsed_precise} [{bar:30}] {bytes}/{total_bytes} read, {msg} lines acknowledged";
const REPEAT_TEMPLATE: &str = "{elapsed_precise} [{bar:30}] {pos}/{len} messages acknowledged";
const BAR_CHARACTERS: &str = "=> ";

/// The progress of one mqpub run; hidden unless [`visible`] says otherwise.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
    /// `-l` only: lines acknowledged so far (the bar itself counts bytes read).
    lines: u64,
}

/// Whether a bar may be drawn at all: on a terminal, and not silenced by `--quiet`.
pub fn visible(quiet: bool, stderr_is_terminal: bool) -> bool {
    stderr_is_terminal && !quiet
}

impl Progress {
    /// A bar that never draws.
    pub fn hidden() -> Progress {
        Progress {
            bar: ProgressBar::hidden(),
            lines: 0,
        }
    }

    /// `-f`: a file of `len` bytes sent as one message; advance with
    /// [`Progress::acknowledged`].
    pub fn for_file(len: u64, quiet: bool) -> Progress {
        Progress::shown_if(len >= LARGE_FILE, quiet, len, FILE_TEMPLATE)
    }

    /// `-l` reading a regular file of `len` bytes; advance with [`Progress::read`] and
    /// [`Progress::lines_acknowledged`]. Terminals and pipes have no length: use
    /// [`Progress::hidden`] for them.
    pub fn for_lines(len: u64, quiet: bool) -> Progress {
        let progress = Progress::shown_if(len >= LARGE_FILE, quiet, len, LINES_TEMPLATE);
        progress.bar.set_message("0");
        progress
    }

    /// `--repeat count`: advance with [`Progress::acknowledged`], one per message.
    pub fn for_repeats(count: u32, quiet: bool) -> Progress {
        Progress::shown_if(count > 1, quiet, u64::from(count), REPEAT_TEMPLATE)
    }

    fn shown_if(long_run: bool, quiet: bool, len: u64, template: &str) -> Progress {
        if !long_run || !visible(quiet, std::io::stderr().is_terminal()) {
            return Progress::hidden();
        }
        let style = match ProgressStyle::with_template(template) {
            Ok(style) => style.progress_chars(BAR_CHARACTERS),
            // The templates are constants checked by the tests; never fail a publish over one.
            Err(_) => ProgressStyle::default_bar(),
        };
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
            .with_style(style);
        // Draw at once: a run that ends before the first redraw still showed where it was.
        bar.tick();
        Progress { bar, lines: 0 }
    }

    /// `amount` more is acknowledged by the broker: bytes for `-f`, messages for `--repeat`.
    pub fn acknowledged(&self, amount: u64) {
        self.bar.inc(amount);
    }

    /// `-l`: `bytes` more were read from the file.
    pub fn read(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    /// `-l`: `count` more lines were acknowledged (or, at QoS 0, written).
    pub fn lines_acknowledged(&mut self, count: u64) {
        self.lines += count;
        if !self.bar.is_hidden() {
            self.bar.set_message(self.lines.to_string());
        }
    }

    /// Runs `print` with the bar taken off the screen, for warnings and errors.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.bar.suspend(print)
    }

    /// The run is over (done, failed or interrupted): the bar leaves the screen.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    /// An early return must not leave a bar behind the error message that follows.
    fn drop(&mut self) {
        if !self.bar.is_finished() {
            self.bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_only_on_a_terminal_without_quiet() {
        // (quiet, stderr is a terminal, visible)
        let cases = [
            (false, true, true),
            (true, true, false),
            (false, false, false),
            (true, false, false),
        ];
        for (quiet, terminal, expected) in cases {
            assert_eq!(visible(quiet, terminal), expected, "{quiet} {terminal}");
        }
    }

    #[test]
    fn templates_are_valid() {
        for template in [FILE_TEMPLATE, LINES_TEMPLATE, REPEAT_TEMPLATE] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }

    #[test]
    fn short_runs_and_tests_get_a_hidden_bar() {
        // The test harness's stderr is not a terminal, so every constructor hides; small
        // inputs hide even on a terminal. Either way every method is a harmless no-op.
        let cases = [
            Progress::for_file(LARGE_FILE, false),
            Progress::for_file(10, false),
            Progress::for_lines(LARGE_FILE * 3, false),
            Progress::for_repeats(1, false),
            Progress::for_repeats(50, true),
            Progress::hidden(),
        ];
        for mut progress in cases {
            assert!(progress.bar.is_hidden());
            progress.acknowledged(5);
            progress.read(7);
            progress.lines_acknowledged(2);
            assert_eq!(progress.suspend(|| 42), 42);
            progress.finish();
            assert_eq!(progress.lines, 2);
        }
    }
}
