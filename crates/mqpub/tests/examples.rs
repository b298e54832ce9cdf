//! The example scripts under `scripts/examples/` pass with this build's binaries: `run-all`
//! starts a private mosquitto broker and runs the ten examples against it, each of which checks
//! its own result. Running them here keeps the examples (and the documentation that quotes
//! them) working.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use mqtt_test_support::{command, run_with_timeout, MOSQUITTO, MOSQUITTO_SUB};

/// run-all takes about 20 s on an idle machine; each example also has its own limit.
const WAIT: Duration = Duration::from_secs(900);

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The directory holding this build's binaries, with an up-to-date mqsub next to mqpub (cargo
/// builds only this package's binaries for its tests).
fn binaries() -> PathBuf {
    let mqpub = Path::new(env!("CARGO_BIN_EXE_mqpub"));
    let Some(dir) = mqpub.parent() else {
        panic!("{} has no directory", mqpub.display());
    };
    let Some(target_dir) = dir.parent() else {
        panic!("{} is not inside a target directory", dir.display());
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut build = Command::new(cargo);
    build
        .args([
            "build",
            "--quiet",
            "-p",
            "mqsub",
            "--bin",
            "mqsub",
            "--target-dir",
        ])
        .arg(target_dir);
    if dir.file_name().is_some_and(|name| name == "release") {
        build.arg("--release");
    }
    let built = run_with_timeout(&mut build, None, WAIT);
    assert!(built.success(), "building mqsub: {built}");
    dir.to_path_buf()
}

#[test]
fn every_example_passes() {
    MOSQUITTO.require();
    MOSQUITTO_SUB.require();
    let bin = binaries();
    let mut path = OsString::from(bin.as_os_str());
    if let Some(rest) = std::env::var_os("PATH") {
        path.push(":");
        path.push(rest);
    }
    let mut run_all = command(repository_root().join("scripts/examples/run-all"));
    run_all.env("PATH", path);
    let out = run_with_timeout(&mut run_all, None, WAIT);
    assert!(out.success(), "{out}");
    let stdout = out.stdout_text();
    assert!(stdout.contains("examples: 10 passed, 0 failed"), "{stdout}");
    // The tools under test, not some other mqpub on PATH.
    assert!(
        stdout.contains(&format!("mqsub: {}", bin.join("mqsub").display())),
        "{stdout}"
    );
}
