//! PrometheusRule resources in chart templates and in plain manifests.

use plimsoll::chart::{Chart, YamlDoc};
use plimsoll::config::Config;
use plimsoll::diagnostic::{Diagnostic, Sink};
use plimsoll::rules::{Ctx, RULES};
use plimsoll::source::SourceFile;

const TEMPLATE: &str = r#"{{- if .Values.monitoring.enabled }}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  groups:
    - name: app
      rules:
        - alert: AppDown
          expr: sum(up{job="{{ .Values.job }}"}) == 0
          labels:
            severity: critical
          annotations:
            summary: "{{`{{`}} $labels.instance {{`}}`}} is down"
        - alert: HighErrors
          expr: |
            sum by (service) (rate(errors_total[5m]))
              > bool 1
          for: 5 minutes
          labels:
            severity: warning
          annotations:
            summary: '{{ "{{" }} $labels.pod {{ "}}" }} errors'
{{- end }}
"#;

fn run(chart: Option<&Chart>, docs: &[YamlDoc]) -> Vec<Diagnostic> {
    let config = Config::default();
    let ctx = Ctx::new(&config, &[], None, None);
    let mut sink = Sink::default();
    for rule in RULES.iter().filter(|r| r.meta.domain() == "prometheus") {
        if let (Some(check), Some(chart)) = (rule.chart, chart) {
            check(chart, &ctx, &mut sink);
        }
        if let Some(check) = rule.manifests {
            check(docs, &ctx, &mut sink);
        }
    }
    sink.diagnostics
}

fn summary(d: &[Diagnostic]) -> Vec<(String, String, usize, usize)> {
    let mut v: Vec<_> = d
        .iter()
        .map(|d| {
            let lc = d.start();
            (
                d.rule.name.to_string(),
                d.file.slice(d.span.unwrap()).to_string(),
                lc.line,
                lc.col,
            )
        })
        .collect();
    v.sort_by_key(|x| (x.2, x.3));
    v
}

#[test]
fn template_rules_are_checked_at_their_template_positions() {
    let chart = Chart {
        templates: vec![SourceFile::new(
            "templates/rules.yaml",
            TEMPLATE.to_string(),
        )],
        ..Chart::default()
    };
    let got = summary(&run(Some(&chart), &[]));
    let want = [
        // `up{job="{{ .Values.job }}"}` is only known after rendering: no finding on rule 1's
        // expression, but the escaped template is read as Prometheus reads it.
        ("prometheus/label-dropped-by-aggregation", "pod", 26, 42),
        ("prometheus/always-firing", ">", 21, 15),
        ("prometheus/invalid-duration", "5 minutes", 22, 16),
    ];
    // Columns: the `>` of `> bool` is two spaces deeper than `sum` in the block scalar; `pod`
    // is counted in the original template text, escapes included.
    let want: Vec<_> = want
        .iter()
        .map(|(r, s, l, c)| (r.to_string(), s.to_string(), *l, *c))
        .collect();
    let got_main: Vec<_> = got
        .iter()
        .filter(|g| {
            matches!(
                g.0.as_str(),
                "prometheus/label-dropped-by-aggregation"
                    | "prometheus/always-firing"
                    | "prometheus/invalid-duration"
            )
        })
        .cloned()
        .collect();
    let mut want_sorted = want.clone();
    want_sorted.sort_by_key(|x| (x.2, x.3));
    assert_eq!(got_main, want_sorted, "all: {got:#?}");
}

#[test]
fn plain_rule_files_and_manifests() {
    let text = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(rate(x[5m]) by (job) > 3\n        fro: 5m\n";
    let docs = vec![YamlDoc::parse(SourceFile::new(
        "rules.yml",
        text.to_string(),
    ))];
    let got = summary(&run(None, &docs));
    let names: Vec<_> = got.iter().map(|g| (g.0.as_str(), g.1.as_str())).collect();
    assert!(
        names.contains(&("prometheus/promql-syntax", "by")),
        "{got:?}"
    );
    assert!(
        names.contains(&("prometheus/unknown-field", "fro")),
        "{got:?}"
    );
    let syntax = got
        .iter()
        .find(|g| g.0 == "prometheus/promql-syntax")
        .unwrap();
    // promtool: 5:15 for the expr node, 1:17 inside the expression.
    assert_eq!((syntax.2, syntax.3), (5, 15 + 16));
}
