//! Helpers shared by the tests that drive the binary as a user would.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs plimsoll in `cwd` without colour.
pub fn plimsoll(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

/// Runs plimsoll in `cwd` with `input` on its standard input.
pub fn plimsoll_stdin(args: &[&str], cwd: &Path, input: &str) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs git in `dir` with a fixed identity, no signing and `main` as the first branch;
/// fails the test when git fails.
pub fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Writes `text` to `dir/rel`, creating folders.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A Chart.yaml that plimsoll's chart rules accept.
pub const CHART: &str = "apiVersion: v2\nname: demo\ndescription: demo\nversion: 1.0.0\nappVersion: \"1.0\"\nicon: https://example.com/i.svg\n";

/// A Chart.yaml like [`CHART`] for a chart named `name`.
pub fn chart_yaml(name: &str) -> String {
    CHART.replace(
        "name: demo\ndescription: demo",
        &format!("name: {name}\ndescription: {name}"),
    )
}
