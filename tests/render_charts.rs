//! `plimsoll template` against outputs recorded from a real `helm template` (v3.17.1).
//!
//! Each folder of `tests/render_charts/` holds a chart (`chart/`), possibly values files, and
//! one or more `NAME.args` files (one argument per line; `CHART` stands for the chart). The
//! expected stdout is `NAME.out`; for a failing run, `NAME.err` holds Helm's error text (from
//! `Error: ` on). The folders each exercise a group of rules: coalescing, subchart scoping and
//! globals, conditions/tags/import-values, `--set` forms, output ordering/hooks/CRDs/`.Files`,
//! and errors.
//!
//! When a `helm` binary is available (`$HOME/.cache/plimsoll-oracles/helm` or `helm` on PATH)
//! the recorded files are re-checked against it; `PLIMSOLL_RECORD_RENDER=1` rewrites them from
//! Helm's answers instead.

mod oracle;
use clap::Parser;
use oracle::helm_binary;
use plimsoll::cli::{Cli, Command};
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/render_charts")
}

struct Run {
    case: PathBuf,
    name: String,
    args: Vec<String>,
}

fn runs() -> Vec<Run> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("cases")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for d in dirs {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .expect("case")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "args"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).expect("args");
            out.push(Run {
                case: d.clone(),
                name: f.file_stem().unwrap().to_string_lossy().into_owned(),
                args: text.lines().map(str::to_string).collect(),
            });
        }
    }
    out
}

/// Arguments with paths made absolute (the test does not change the working folder).
fn absolute_args(run: &Run) -> Vec<String> {
    let mut out = Vec::new();
    let mut prev_takes_path = false;
    for a in &run.args {
        if a == "CHART" {
            out.push(run.case.join("chart").to_string_lossy().into_owned());
        } else if prev_takes_path {
            out.push(run.case.join(a).to_string_lossy().into_owned());
        } else {
            out.push(a.clone());
        }
        prev_takes_path = a == "-f" || a == "--values";
    }
    out
}

/// (stdout, Helm's error text) as plimsoll produces them.
fn plimsoll(run: &Run) -> Result<String, String> {
    let mut argv = vec!["plimsoll".to_string(), "template".to_string()];
    argv.extend(absolute_args(run));
    let cli = Cli::try_parse_from(&argv).expect("arguments parse");
    let Command::Template(args) = cli.command else {
        panic!("not a template command")
    };
    plimsoll::render::chart::template_command(&args, &mut Vec::new())
        .map_err(|e| format!("{}\n", e.helm_text()))
}

fn expected(run: &Run) -> Result<String, String> {
    let out = run.case.join(format!("{}.out", run.name));
    let err = run.case.join(format!("{}.err", run.name));
    match std::fs::read_to_string(&out) {
        Ok(s) => Ok(s),
        Err(_) => Err(std::fs::read_to_string(&err).expect("a .out or .err file")),
    }
}

fn helm(bin: &Path, run: &Run) -> Result<String, String> {
    let args: Vec<String> = run
        .args
        .iter()
        .map(|a| {
            if a == "CHART" {
                "chart".into()
            } else {
                a.clone()
            }
        })
        .collect();
    let out = std::process::Command::new(bin)
        .arg("template")
        .args(&args)
        .current_dir(&run.case)
        .output()
        .expect("helm runs");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        let at = err.find("Error: ").unwrap_or(0);
        Err(err[at..].to_string())
    }
}

#[test]
fn recorded_outputs_match_helm() {
    let Some(bin) = helm_binary() else {
        eprintln!("no helm binary: recorded outputs not re-checked");
        return;
    };
    let record = std::env::var_os("PLIMSOLL_RECORD_RENDER").is_some();
    let mut stale = Vec::new();
    for run in runs() {
        let got = helm(&bin, &run);
        if record {
            let out = run.case.join(format!("{}.out", run.name));
            let err = run.case.join(format!("{}.err", run.name));
            let _ = std::fs::remove_file(&out);
            let _ = std::fs::remove_file(&err);
            match &got {
                Ok(s) => std::fs::write(out, s).unwrap(),
                Err(s) => std::fs::write(err, s).unwrap(),
            }
        } else if got != expected(&run) {
            stale.push(format!("{}/{}", run.case.display(), run.name));
        }
    }
    assert!(
        stale.is_empty(),
        "recorded outputs differ from helm: {stale:?}"
    );
}

#[test]
fn plimsoll_template_matches_recorded_helm_output() {
    let runs = runs();
    assert!(runs.len() >= 12, "only {} runs", runs.len());
    let mut failures = Vec::new();
    for run in &runs {
        let want = expected(run);
        let got = plimsoll(run);
        if got != want {
            failures.push(format!(
                "== {}/{}\n-- helm:\n{}\n-- plimsoll:\n{}",
                run.case.file_name().unwrap().to_string_lossy(),
                run.name,
                want.unwrap_or_else(|e| e),
                got.unwrap_or_else(|e| e)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} runs differ:\n{}",
        failures.len(),
        runs.len(),
        failures.join("\n")
    );
}
