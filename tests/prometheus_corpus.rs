//! The PromQL corpus: plimsoll's verdict and error position for every expression of
//! `tests/promql_corpus/corpus.tsv` against the Prometheus 3.x verdict and the recorded
//! promtool output; with promtool on PATH the recorded output is confirmed first.

use plimsoll::prometheus::parse::ParseError;
use plimsoll::prometheus::version::{Target, parse_for};

/// The corpus records the verdict of the current release with every PromQL feature flag
/// enabled (`sort_by_label`, `info` and the like are accepted); without flags, see
/// `prometheus::version`.
fn parse(src: &str) -> Result<plimsoll::prometheus::ast::Expr, ParseError> {
    let target = Target {
        features: plimsoll::prometheus::version::FEATURES
            .iter()
            .map(|f| f.to_string())
            .collect(),
        ..Target::default()
    };
    parse_for(src, &target)
}
use std::process::Command;

struct Row {
    expected: String,
    promtool: String,
    position: String,
    message: String,
    expr: String,
}

fn corpus() -> Vec<Row> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/promql_corpus/corpus.tsv"
    ))
    .expect("corpus.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("expected\t"))
        .map(|l| {
            let f: Vec<&str> = l.splitn(5, '\t').collect();
            assert_eq!(f.len(), 5, "bad corpus line {l:?}");
            Row {
                expected: f[0].into(),
                promtool: f[1].into(),
                position: f[2].into(),
                message: f[3].into(),
                expr: f[4].into(),
            }
        })
        .collect()
}

#[test]
fn corpus_is_large_enough_and_has_both_verdicts() {
    let rows = corpus();
    assert!(rows.len() >= 60, "{} rows", rows.len());
    assert!(rows.iter().filter(|r| r.expected == "ok").count() >= 20);
    assert!(rows.iter().filter(|r| r.expected == "err").count() >= 20);
}

#[test]
fn verdicts_and_columns_match() {
    let mut failures = Vec::new();
    let mut same_message = 0;
    let mut both_err = 0;
    for r in corpus() {
        let got = parse(&r.expr);
        let verdict = if got.is_ok() { "ok" } else { "err" };
        if verdict != r.expected {
            failures.push(format!(
                "{:?}: verdict {verdict}, expected {} ({:?})",
                r.expr,
                r.expected,
                got.err()
            ));
            continue;
        }
        if let Err(e) = got
            && r.promtool == "err"
            && !r.position.is_empty()
        {
            both_err += 1;
            let (line, col) = e.line_col(&r.expr);
            let pos = format!("{line}:{col}");
            if pos != r.position {
                failures.push(format!(
                    "{:?}: position {pos} ({}), promtool {} ({})",
                    r.expr, e.message, r.position, r.message
                ));
            }
            if e.message == r.message {
                same_message += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Messages follow Prometheus's wording; regexp engine texts differ.
    assert!(
        same_message * 10 >= both_err * 8,
        "only {same_message} of {both_err} messages are identical"
    );
}

/// Re-runs promtool (when installed) on all expressions and confirms the recorded output.
#[test]
fn recorded_promtool_output_is_current() {
    let Ok(out) = Command::new("promtool").arg("--version").output() else {
        eprintln!("promtool not on PATH: skipping the live comparison");
        return;
    };
    let version =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/promql_corpus/corpus.tsv"
    ))
    .unwrap();
    let recorded_version = text.lines().next().unwrap_or("");
    if !recorded_version.contains(version.lines().next().unwrap_or("?").trim()) {
        eprintln!("promtool version differs from the recorded one: skipping");
        return;
    }
    let rows = corpus();
    let mut file = String::from("groups:\n  - name: g\n    rules:\n");
    for (i, r) in rows.iter().enumerate() {
        file.push_str(&format!(
            "      - record: r{i}\n        expr: |-\n          {}\n",
            r.expr
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("corpus.yml");
    std::fs::write(&path, file).unwrap();
    let out = Command::new("promtool")
        .arg("check")
        .arg("rules")
        .arg(&path)
        .output()
        .unwrap();
    let all =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let re = regex::Regex::new(
        r#"rule \d+, "r(\d+)": could not parse expression: (\d+:\d+): parse error: (.*)"#,
    )
    .unwrap();
    let mut live = std::collections::HashMap::new();
    for c in re.captures_iter(&all) {
        live.insert(
            c[1].parse::<usize>().unwrap(),
            (c[2].to_string(), c[3].trim().to_string()),
        );
    }
    for (i, r) in rows.iter().enumerate() {
        match live.get(&i) {
            Some((pos, msg)) => {
                assert_eq!(r.promtool, "err", "{:?}", r.expr);
                if !r.position.is_empty() {
                    assert_eq!((pos, msg), (&r.position, &r.message), "{:?}", r.expr);
                }
            }
            None if r.position.is_empty() => {}
            None => panic!("promtool no longer reports a parse error for {:?}", r.expr),
        }
    }
}
