//! Cross-checks plimsoll's PromQL verdicts with the `promql-parser` crate on the corpus.
//!
//! plimsoll has its own PromQL parser because the crate drops its error positions and messages,
//! and diverges from Prometheus in known places (backtick strings with backslashes, duration
//! arithmetic, `or` inside braces, and others). On every corpus expression outside those known
//! gaps, both parsers must agree; on the gaps, plimsoll must give Prometheus's answer, which the
//! corpus records.

use std::path::Path;

/// Expressions where promql-parser 0.11 is known to differ from Prometheus 3.x: backtick
/// strings, `or` between matchers inside braces, duration arithmetic (in ranges, subqueries
/// and offsets), `integral()`, which the crate lists but Prometheus does not have, regular
/// expressions where Go's RE2 syntax differs from the Rust `regex` crate the crate validates
/// with (`\Q…\E`, stacked repetitions, counts over 1000, `(?x)`, unknown `[:class:]`), and
/// durations, timestamps and numbers beyond Go's int64/float64 range.
fn known_gap(expr: &str) -> bool {
    let or_in_braces = regex::Regex::new(r"\{[^}]* or [^}]*\}").unwrap();
    let duration_arithmetic = regex::Regex::new(r"\[[^\]]*[-+*/][^\]]*\]|offset \(").unwrap();
    let go_regex =
        regex::Regex::new(r#"[=!]~"[^"]*(\\\\Q|\*\*|\+\*|\}\{|\{\d{4,}|\[\[:|\(\?x)"#).unwrap();
    let out_of_range = regex::Regex::new(r"\d{3,}y|@ 1e\d|\de3\d\d").unwrap();
    go_regex.is_match(expr)
        || out_of_range.is_match(expr)
        || expr.contains('`')
        || expr.starts_with("integral(")
        || or_in_braces.is_match(expr)
        || duration_arithmetic.is_match(expr)
}

#[test]
fn verdicts_agree_with_promql_parser_outside_known_gaps() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/promql_corpus/corpus.tsv"),
    )
    .unwrap();
    let mut compared = 0;
    let mut disagreements = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("expected\t"))
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let (expected, expr) = (cols[0], cols[cols.len() - 1]);
        // The corpus records the current release with every PromQL feature flag.
        let target = plimsoll::prometheus::version::Target {
            features: plimsoll::prometheus::version::FEATURES
                .iter()
                .map(|f| f.to_string())
                .collect(),
            ..Default::default()
        };
        let ours = plimsoll::prometheus::version::parse_for(expr, &target).is_ok();
        assert_eq!(
            ours,
            expected == "ok",
            "plimsoll disagrees with the recorded Prometheus verdict on {expr}"
        );
        let crate_ok = promql_parser::parser::parse(expr).is_ok();
        if crate_ok != ours && !known_gap(expr) {
            disagreements.push(format!("{expr}: plimsoll {ours}, promql-parser {crate_ok}"));
        }
        compared += 1;
    }
    assert!(compared >= 60, "corpus too small: {compared}");
    // Disagreements outside the known gaps are listed so that a crate upgrade that closes a gap,
    // or a plimsoll regression, shows up here.
    assert!(
        disagreements.is_empty(),
        "{} disagreements:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
