//! Prometheus's own parser test inputs (`promql/parser/parse_test.go`, the `testExpr` table),
//! recorded as data in `tests/promql_corpus/prometheus_parser_tests.tsv` by
//! `tests/promql_corpus/extract_parser_tests.py`: plimsoll's verdict must be Prometheus's on
//! every input outside the listed known differences, and its first error offset must match on
//! most of the inputs both reject.

use plimsoll::prometheus::version::{self, Target, parse_for};

struct Row {
    verdict: String,
    pos: String,
    message: String,
    expr: String,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/promql_corpus/prometheus_parser_tests.tsv"
    ))
    .expect("prometheus_parser_tests.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.splitn(4, '\t').collect();
            assert_eq!(f.len(), 4, "bad line {l:?}");
            Row {
                verdict: f[0].into(),
                pos: f[1].into(),
                message: f[2].into(),
                expr: f[3].into(),
            }
        })
        .collect()
}

/// Inputs where plimsoll's verdict differs from Prometheus's parser tests, with the reason
/// (none today; add here rather than loosening the test).
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

#[test]
fn verdicts_match_prometheus_parser_tests() {
    // The options of Prometheus's TestParseExpressions.
    let target = Target {
        features: [
            version::EXPERIMENTAL_FUNCTIONS,
            version::DURATION_EXPR,
            version::EXTENDED_RANGE_SELECTORS,
        ]
        .iter()
        .map(|f| f.to_string())
        .collect(),
        ..Target::default()
    };
    let rows = rows();
    assert!(rows.len() >= 300, "{} rows", rows.len());
    let mut failures = Vec::new();
    let (mut both_err, mut same_pos, mut same_msg) = (0, 0, 0);
    for r in &rows {
        let got = parse_for(&r.expr, &target);
        let verdict = if got.is_ok() { "ok" } else { "err" };
        let known = KNOWN_DIFFERENCES.iter().any(|(e, _)| *e == r.expr);
        if verdict != r.verdict {
            if !known {
                failures.push(format!(
                    "{:?}: plimsoll {verdict} ({:?}), Prometheus {} {}",
                    r.expr,
                    got.err().map(|e| e.message),
                    r.verdict,
                    r.message
                ));
            }
            continue;
        }
        if let Err(e) = got {
            both_err += 1;
            if e.pos.to_string() == r.pos {
                same_pos += 1;
            }
            if e.message == r.message {
                same_msg += 1;
            }
        }
    }
    eprintln!(
        "{} inputs; {} both rejected: {same_pos} at the same offset, {same_msg} with the same message",
        rows.len(),
        both_err
    );
    assert!(
        failures.is_empty(),
        "{}\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Measured: 141 of 142 at Prometheus's offset, 136 with its message.
    assert!(both_err >= 100, "{both_err}");
    assert!(same_pos * 100 >= both_err * 95, "{same_pos} of {both_err}");
    assert!(same_msg * 100 >= both_err * 90, "{same_msg} of {both_err}");
}
