//! The progress bar of a long `-f` publish appears only where a person watches: on a terminal
//! (here a pseudo-terminal made by `script` from util-linux), never in a pipe, never with
//! `--quiet`.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use mqtt_test_support::{command, run_with_timeout, Broker, RunOutput};

const WAIT: Duration = Duration::from_secs(60);

/// Large enough for a bar (see `progress::LARGE_FILE`), small enough to publish quickly.
const FILE_SIZE: usize = 8 * 1024 * 1024;

/// Text every `-f` bar shows.
const BAR_TEXT: &str = "acknowledged";

fn big_file() -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let block: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    for _ in 0..FILE_SIZE / block.len() {
        file.write_all(&block).unwrap();
    }
    file.flush().unwrap();
    file
}

fn publish_args(broker: &Broker, file: &Path) -> Vec<String> {
    [
        "-h",
        "127.0.0.1",
        "-p",
        &broker.port().to_string(),
        "-t",
        "big/file",
        "-q",
        "1",
        "-f",
        &file.display().to_string(),
    ]
    .map(String::from)
    .to_vec()
}

/// Runs mqpub with stdout and stderr on a pseudo-terminal; returns what the terminal showed.
fn on_a_terminal(args: &[String]) -> RunOutput {
    let mut line = shell_quote(env!("CARGO_BIN_EXE_mqpub"));
    for arg in args {
        line.push(' ');
        line.push_str(&shell_quote(arg));
    }
    let mut script = command("script");
    script.args(["-qfec", &line, "/dev/null"]);
    run_with_timeout(&mut script, None, WAIT)
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[test]
fn bar_on_a_terminal() {
    let broker = Broker::plain();
    let file = big_file();
    let out = on_a_terminal(&publish_args(&broker, file.path()));
    assert!(out.success(), "{out}");
    let shown = out.stdout_text();
    assert!(shown.contains(BAR_TEXT), "{shown:?}");
    assert!(shown.contains("8.00 MiB"), "{shown:?}");
}

#[test]
fn no_bar_with_quiet_on_a_terminal() {
    let broker = Broker::plain();
    let file = big_file();
    let mut args = publish_args(&broker, file.path());
    args.push("--quiet".into());
    let out = on_a_terminal(&args);
    assert!(out.success(), "{out}");
    assert!(!out.stdout_text().contains(BAR_TEXT), "{out}");
}

#[test]
fn never_in_a_pipe() {
    let broker = Broker::plain();
    let file = big_file();
    let mut mqpub = command(env!("CARGO_BIN_EXE_mqpub"));
    mqpub.args(publish_args(&broker, file.path()));
    let out = run_with_timeout(&mut mqpub, None, WAIT);
    assert!(out.success(), "{out}");
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out}");
}
