//! The ECR seed's `monitoring.rules`: six alerts whose messages use `$labels.namespace` and
//! `$labels.pod` after `sum(...)` without `by`, and empty `runbook` annotations.

use plimsoll::chart::{Chart, YamlDoc};
use plimsoll::config::Config;
use plimsoll::diagnostic::{Diagnostic, Severity, Sink};
use plimsoll::rules::{Ctx, RULES};
use plimsoll::source::SourceFile;

const VALUES: &str = r#"monitoring:
  metrics:
    export:
      path: /prometheus
    type: java
  rules:
    - alert: ECR connection pool has totally more than 3 leased connections
      expr: sum(httpcomponents_httpclient_pool_total_connections{httpclient="rest-client-connection-pool", service=~".*-ecr", state="leased"}) > 3
      for: 1m
      labels:
        severity: error
      annotations:
        message: "Got more then 3 leased pool's connections error on the pod [{{ $labels.namespace }}/{{ $labels.pod }}]."
        runbook: ""
    - alert: ECR connection pool has more than 1 pending connection
      expr: sum(httpcomponents_httpclient_pool_total_pending{httpclient="rest-client-connection-pool", service=~".*-ecr"}) > 1
      for: 1m
      labels:
        severity: error
      annotations:
        message: "Got more then 1 pending pool's connection error on the pod [{{ $labels.namespace }}/{{ $labels.pod }}]."
        runbook: ""
    - alert: ECR connection pool has totally more than 75% available connections
      expr: sum(httpcomponents_httpclient_pool_total_connections{httpclient="rest-client-connection-pool", service=~".*-ecr", state="available"}) > (0.75 * sum(httpclient_pool_total_max{httpclient="rest-client-connection-pool", service=~".*-ecr"}))
      for: 1m
      labels:
        severity: error
      annotations:
        message: "Got more then 75% available pool's connections error on the pod [{{ $labels.namespace }}/{{ $labels.pod }}]."
        runbook: ""
    - alert: ECR connection pool has routes with half leased connections
      expr: sum(httpclient_pool_routes_with_half_leased_connections{service=~".*-ecr"}) > 0
      for: 1m
      labels:
        severity: warning
      annotations:
        message: "Got warning - appeared connection pool's routes with half leased connections on the pod [{{ $labels.namespace }}/{{ $labels.pod }}]."
        runbook: ""
    - alert: ECR connection pool has routes with all leased connections
      expr: sum(httpclient_pool_routes_with_max_leased_connections{service=~".*-ecr"}) > 0
      for: 1m
      labels:
        severity: error
      annotations:
        message: "Got warning - appeared connection pool's routes with all leased connections on the pod [{{ $labels.namespace }}/{{ $labels.pod }}]."
        runbook: ""
    - alert: ECR connection pool has routes with pending connections
      expr: sum(httpclient_pool_routes_with_pending_connections{service=~".*-ecr"}) > 0
      for: 1m
      labels:
        severity: error
      annotations:
        message: "Got warning - appeared connection pool's routes with pending connections on the pod [{{ $labels.namespace }}/{{ $labels.pod }}]."
        runbook: ""
"#;

fn lint(values: &str) -> Vec<Diagnostic> {
    let chart = Chart {
        values: Some(YamlDoc::parse(SourceFile::new(
            "values.yaml",
            values.to_string(),
        ))),
        ..Chart::default()
    };
    let config = Config::default();
    let ctx = Ctx::new(&config, &[], None, None);
    let mut sink = Sink::default();
    for rule in RULES.iter().filter(|r| r.meta.domain() == "prometheus") {
        if let Some(check) = rule.chart {
            check(&chart, &ctx, &mut sink);
        }
    }
    sink.diagnostics
}

fn of<'a>(d: &'a [Diagnostic], rule: &str) -> Vec<&'a Diagnostic> {
    d.iter().filter(|d| d.rule.name == rule).collect()
}

#[test]
fn dropped_namespace_and_pod_on_every_alert_with_both_spans() {
    let d = lint(VALUES);
    let dropped = of(&d, "prometheus/label-dropped-by-aggregation");
    assert_eq!(dropped.len(), 12, "{dropped:#?}");
    for pair in dropped.chunks(2) {
        let names: Vec<&str> = pair.iter().map(|d| d.file.slice(d.span.unwrap())).collect();
        assert_eq!(names, ["namespace", "pod"]);
        for d in pair {
            let span = d.span.unwrap();
            // The primary span sits inside `{{ $labels.<name> }}` on a `message:` line.
            assert!(VALUES[..span.start as usize].ends_with("$labels."));
            let line = d.file.line_text(d.start().line - 1);
            assert!(line.trim_start().starts_with("message:"), "{line}");
            // The second label points at the `sum` that removed it, on the `expr:` line.
            assert_eq!(d.labels.len(), 1);
            let l = &d.labels[0];
            assert_eq!(d.file.slice(l.span), "sum");
            let expr_line = d
                .file
                .line_text(d.file.line_col(l.span.start as usize).line - 1);
            assert!(
                expr_line.trim_start().starts_with("expr: sum("),
                "{expr_line}"
            );
            assert_eq!(
                l.message,
                "Query is using aggregation that removes all labels."
            );
            assert_eq!(d.severity, Severity::Warning);
        }
    }
    // Rule 3 compares two sums: the first `sum` is the one whose labels reach the result.
    let third = dropped[4].labels[0].span;
    let line = d[0].file.line_col(third.start as usize);
    assert_eq!(line.col, "      expr: ".len() + 1);
}

#[test]
fn empty_runbooks_are_info_and_nothing_else_fires() {
    let d = lint(VALUES);
    let empty = of(&d, "prometheus/empty-annotation");
    assert_eq!(empty.len(), 6);
    assert!(empty.iter().all(|d| d.severity == Severity::Info));
    assert!(
        empty
            .iter()
            .all(|d| d.file.slice(d.span.unwrap()) == "\"\"")
    );
    let others: Vec<_> = d
        .iter()
        .filter(|d| {
            d.rule.name != "prometheus/empty-annotation"
                && d.rule.name != "prometheus/label-dropped-by-aggregation"
        })
        .map(|d| format!("{}: {}", d.rule.name, d.message))
        .collect();
    assert!(others.is_empty(), "{others:#?}");
}

#[test]
fn fixed_rules_are_silent() {
    let fixed = VALUES
        .replace("sum(httpclient", "sum by (namespace, pod) (httpclient")
        .replace(
            "sum(httpcomponents",
            "sum by (namespace, pod) (httpcomponents",
        )
        .replace("runbook: \"\"", "runbook: https://runbooks.example/ecr");
    let d = lint(&fixed);
    assert!(d.is_empty(), "{d:#?}");
}
