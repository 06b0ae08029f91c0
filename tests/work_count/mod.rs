//! Counting the work of one run of the binary, for the linear-work tests.

use std::path::Path;
use std::process::{Command, Stdio};

/// The bound on instructions per doubling of the input: linear work with its fixed cost stays
/// below 2.0; a quadratic term of a third of the work at the larger size already passes it.
pub const LINEAR: f64 = 2.3;

/// Instructions one run of the binary executes (`env` added to its environment), counted by
/// valgrind (cachegrind without its cache simulation, the cheapest tool that counts) on one
/// thread: the same input gives the same count whatever else the machine is doing, so a bound
/// on it cannot flake under load as a bound on CPU time does.
pub fn instructions(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> u64 {
    let out = Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
        ])
        .arg(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env("RAYON_NUM_THREADS", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "valgrind could not be run ({e}): the linear-work tests count instructions \
                 under valgrind; install it (Debian package `valgrind`, which .ci/run installs)"
            )
        });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "the run under valgrind failed: {}\n{stderr}",
        out.status
    );
    // `==PID== I   refs:      2,320,024,720`, printed when the program ends.
    stderr
        .lines()
        .filter(|l| l.starts_with("=="))
        .find_map(|l| l.split_once("I   refs:"))
        .and_then(|(_, n)| n.trim().replace(',', "").parse().ok())
        .unwrap_or_else(|| panic!("valgrind printed no instruction count:\n{stderr}"))
}
