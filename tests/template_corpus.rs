//! Go template corpus: each `tests/template_corpus/cases/*.tpl` is a chart template whose
//! verdict under a real `helm template` (Helm 3.17, Go 1.23) is recorded in
//! `tests/template_corpus/expected.json`: `ok`, `parse_error` (with Go's line and the message
//! as Helm prints it, which keeps only the text after the last `": "`), `exec_error` (parses,
//! fails when executed) or `other_error`.
//!
//! The parser must agree on every parse verdict, line and message. When a `helm` binary is
//! available (`$HOME/.cache/plimsoll-oracles/helm`, see `scripts/get-helm.sh`, or `helm` on
//! PATH) the recorded answers are re-checked against it; `PLIMSOLL_RECORD_CORPUS=1` rewrites
//! the file from Helm's answers instead.

mod oracle;
use oracle::helm_binary;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use plimsoll::template::{ParseOptions, parse};
use serde::{Deserialize, Serialize};

const CHART: &str = "c";

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
struct Expected {
    verdict: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    /// plimsoll's error kind for parse errors (reviewed by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/template_corpus")
}

fn cases() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let dir = corpus_dir().join("cases");
    for entry in std::fs::read_dir(&dir).expect("corpus dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "tpl") {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("name")
                .to_string();
            let text = std::fs::read_to_string(&path).expect("read case");
            out.push((name, text));
        }
    }
    out.sort();
    out
}

fn expected() -> BTreeMap<String, Expected> {
    let text = std::fs::read_to_string(corpus_dir().join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json parses")
}

fn template_name(case: &str) -> String {
    format!("{CHART}/templates/{case}.yaml")
}

fn line_of(text: &str, offset: u32) -> usize {
    1 + text.as_bytes()[..(offset as usize).min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[test]
fn corpus_has_every_error_kind_and_enough_cases() {
    let exp = expected();
    assert!(exp.len() >= 40, "only {} cases", exp.len());
    assert_eq!(exp.len(), cases().len(), "expected.json and cases/ differ");
    let kinds: std::collections::BTreeSet<&str> =
        exp.values().filter_map(|e| e.kind.as_deref()).collect();
    for k in [
        "UnclosedAction",
        "UnexpectedEof",
        "UnexpectedEnd",
        "UnexpectedElse",
        "UndefinedVariable",
        "BadNumber",
        "UnterminatedString",
        "UnterminatedRawString",
        "UnclosedComment",
        "BreakOutsideRange",
        "FunctionNotDefined",
    ] {
        assert!(kinds.contains(k), "no corpus case for {k}");
    }
    assert!(exp.values().any(|e| e.verdict == "ok"));
    assert!(exp.values().any(|e| e.verdict == "exec_error"));
}

#[test]
fn parser_matches_recorded_go_verdicts() {
    let exp = expected();
    let mut failures = Vec::new();
    for (name, text) in cases() {
        let Some(want) = exp.get(&name) else {
            failures.push(format!("{name}: not recorded"));
            continue;
        };
        let tname = template_name(&name);
        let got = parse(&text, &ParseOptions::helm(&tname));
        match (want.verdict.as_str(), got) {
            ("parse_error", Ok(_)) => failures.push(format!("{name}: parsed, Go rejects it")),
            ("parse_error", Err(e)) => {
                let line = line_of(&text, e.span.start);
                if Some(line) != want.line {
                    failures.push(format!(
                        "{name}: line {line}, Go says {:?} ({})",
                        want.line, e.message
                    ));
                }
                let msg = want.message.as_deref().unwrap_or("");
                if !e.message.ends_with(msg) {
                    failures.push(format!("{name}: message {:?}, Go says {msg:?}", e.message));
                }
                let kind = format!("{:?}", e.kind);
                if want.kind.as_deref() != Some(kind.as_str()) {
                    failures.push(format!("{name}: kind {kind}, recorded {:?}", want.kind));
                }
                if e.span.end as usize > text.len() || e.span.start > e.span.end {
                    failures.push(format!("{name}: bad span {:?}", e.span));
                }
            }
            (_, Err(e)) => failures.push(format!("{name}: rejected ({}), Go parses it", e.message)),
            (_, Ok(_)) => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs `helm template` on a one-template chart and classifies the answer.
fn ask_helm(helm: &Path, name: &str, text: &str) -> Expected {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join(CHART);
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {CHART}\nversion: 0.1.0\n"),
    )
    .expect("Chart.yaml");
    std::fs::copy(corpus_dir().join("values.yaml"), chart.join("values.yaml")).expect("values");
    std::fs::write(chart.join("templates").join(format!("{name}.yaml")), text).expect("tpl");
    let out = Command::new(helm)
        .arg("template")
        .arg(CHART)
        .arg(&chart)
        .output()
        .expect("run helm");
    if out.status.success() {
        return Expected {
            verdict: "ok".into(),
            line: None,
            message: None,
            kind: None,
        };
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let first = stderr
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("Error: ");
    let prefix = format!("parse error at ({}:", template_name(name));
    if let Some(rest) = first.strip_prefix(&prefix) {
        let (line, msg) = rest.split_once("): ").unwrap_or((rest, ""));
        return Expected {
            verdict: "parse_error".into(),
            line: line.parse().ok(),
            message: Some(msg.to_string()),
            kind: None,
        };
    }
    let verdict = if first.contains("execution error at") || first.contains("executing") {
        "exec_error"
    } else {
        "other_error"
    };
    Expected {
        verdict: verdict.into(),
        line: None,
        message: Some(first.to_string()),
        kind: None,
    }
}

#[test]
fn recorded_answers_still_match_helm() {
    let Some(helm) = helm_binary() else {
        eprintln!("helm not installed: using the recorded answers only");
        return;
    };
    let record = std::env::var_os("PLIMSOLL_RECORD_CORPUS").is_some();
    let exp = if record {
        std::fs::read_to_string(corpus_dir().join("expected.json"))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    } else {
        expected()
    };
    let mut fresh = BTreeMap::new();
    let mut failures = Vec::new();
    for (name, text) in cases() {
        let mut got = ask_helm(&helm, &name, &text);
        let old: Option<&Expected> = exp.get(&name);
        if got.verdict == "parse_error" {
            got.kind = old.and_then(|o| o.kind.clone()).or_else(|| {
                parse(&text, &ParseOptions::helm(&template_name(&name)))
                    .err()
                    .map(|e| format!("{:?}", e.kind))
            });
        }
        if !record {
            match old {
                Some(o)
                    if o.verdict == got.verdict
                        && (o.verdict != "parse_error"
                            || (o.line == got.line && o.message == got.message)) => {}
                _ => failures.push(format!("{name}: helm says {got:?}, recorded {old:?}")),
            }
        }
        fresh.insert(name, got);
    }
    if record {
        let json = serde_json::to_string_pretty(&fresh).expect("json");
        std::fs::write(corpus_dir().join("expected.json"), json + "\n").expect("write");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
