//! Rule expressions written with Helm template actions are checked: rendered ones as the render
//! prints them (reported at the template text, with the values line when they came from
//! values), the ones no render reaches with placeholders for the actions; each error once.
//! Fixture charts: `tests/fixtures/prometheus-templated/{fire,silent}`.

use plimsoll::diagnostic::Diagnostic;
use plimsoll::lint::{LintOptions, lint};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/prometheus-templated")
        .join(name)
}

fn syntax_findings(name: &str) -> Vec<Diagnostic> {
    lint(&[fixture(name)], &LintOptions::default())
        .expect("lints")
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.name == "prometheus/promql-syntax")
        .collect()
}

/// (file name, line, column, text under the finding, start of the message).
fn summary(d: &Diagnostic) -> (String, usize, usize, String, String) {
    let at = d.start();
    let shown = d
        .span
        .map(|s| d.file.slice(s).to_string())
        .unwrap_or_default();
    (
        d.file
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned(),
        at.line,
        at.col,
        shown,
        d.message.clone(),
    )
}

#[test]
fn broken_templated_expressions_fire_once_at_the_template_text() {
    let found = syntax_findings("fire");
    let got: Vec<_> = found.iter().map(summary).collect();
    let want: &[(&str, usize, usize, &str, &str)] = &[
        // Rendered: `{{ .Values.job }}` in a matcher and a templated range; the error's column
        // in the rendered expression is the column of the same text in the template.
        (
            "rules.yaml",
            10,
            89,
            "by",
            "Invalid PromQL in alert `MatcherValue`: unexpected <by> in aggregation",
        ),
        // Rendered, on the second line of a block scalar with a `range` inside `by (…)`.
        (
            "rules.yaml",
            22,
            22,
            "bool",
            "Invalid PromQL in alert `MultiLine`: unexpected <bool>",
        ),
        // Not rendered (`{{- if }}` around the rules, off by default): placeholders.
        (
            "rules.yaml",
            27,
            17,
            "sumx",
            "Invalid PromQL in alert `NotRendered`: unknown function with name \"sumx\"",
        ),
        (
            "rules.yaml",
            34,
            67,
            "by",
            "Invalid PromQL in alert `NotRenderedList`: unexpected <by>",
        ),
        // `tpl` of a values string: at the action that prints it.
        (
            "rules.yaml",
            46,
            13,
            "{{- tpl .expr $ | nindent 12 }}",
            "Invalid PromQL in alert `FromValues`: unexpected <by>",
        ),
        // `tpl … | quote` hides where the text came from: still reported once.
        (
            "rules.yaml",
            52,
            17,
            "{{ tpl .expr $ | quote }}",
            "Invalid PromQL in alert `QuotedFromValues`: expected type range vector in call to function \"rate\", got instant vector",
        ),
    ];
    let want: Vec<_> = want
        .iter()
        .map(|(f, l, c, s, m)| (f.to_string(), *l, *c, s.to_string(), m.to_string()))
        .collect();
    assert_eq!(got, want);
    // The value printed through `tpl` is shown at the offending text in values.yaml, also
    // when `quote` hides where the printed text came from.
    for (i, line, col, text) in [(4, 10, 73, "by"), (5, 15, 16, "errors_total")] {
        let label = found[i]
            .labels
            .iter()
            .find(|l| l.file.path.ends_with("values.yaml"))
            .expect("values label");
        let at = label.file.line_col(label.span.start as usize);
        assert_eq!((at.line, at.col), (line, col));
        assert_eq!(label.file.slice(label.span), text);
    }
    // Findings from placeholders say so.
    assert!(
        found[2]
            .help
            .as_deref()
            .unwrap()
            .contains("no render reaches this expression")
    );
    assert!(
        found[0]
            .help
            .as_deref()
            .unwrap()
            .starts_with("Prometheus reports: could not parse expression: 1:41")
    );
}

#[test]
fn valid_templated_expressions_stay_silent() {
    let found = syntax_findings("silent");
    assert!(
        found.is_empty(),
        "{:?}",
        found.iter().map(summary).collect::<Vec<_>>()
    );
}

#[test]
fn the_configured_prometheus_version_applies_to_placeholder_checks() {
    // `NotRenderedList` in the silent chart uses only 2.x syntax; the 2.x target must not
    // invent errors from the placeholders (durations stay durations).
    let options = LintOptions {
        prometheus_version: Some((2, 45)),
        ..LintOptions::default()
    };
    let found: Vec<_> = lint(&[fixture("silent")], &options)
        .expect("lints")
        .diagnostics
        .into_iter()
        .filter(|d| d.rule.name == "prometheus/promql-syntax")
        .collect();
    assert!(
        found.is_empty(),
        "{:?}",
        found.iter().map(summary).collect::<Vec<_>>()
    );
}
