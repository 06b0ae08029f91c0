use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/invalid-rule",
    severity: Severity::Error,
    summary: "Rule structure that Prometheus rejects",
    doc: r#"## What it does
Checks each rule the way `promtool check rules` does: exactly one of `alert` and `record`, a
non-empty `expr`, a valid recording rule name without braces, no `for`, `keep_firing_for` or
`annotations` on recording rules, and string values for labels and annotations.

## Why it matters
Prometheus refuses to load a rule file with any of these problems, so none of its rules run.

## Example
```yaml
- record: "job:errors:rate5m{code=500}"
  expr: sum by (job) (rate(errors_total{code="500"}[5m]))
  for: 5m
```

## Fix
Keep one of `alert`/`record`; name recording rules `level:metric:operations`; move selectors
into `expr`; drop `for` and `annotations` from recording rules.
"#,
};

rule_sets_check!(check);

fn legacy_metric_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter() {
            let f = &set.file;
            match (&rule.alert, &rule.record) {
                (Some(a), Some(r)) => {
                    sink.report(
                        &META,
                        f,
                        r.key_span,
                        "only one of `record` and `alert` may be set",
                    )
                    .related(f, a.key_span, "`alert` is set here")
                    .help("split this into an alerting rule and a recording rule");
                }
                (None, None) if rule.templated.iter().all(|t| t != "alert" && t != "record") => {
                    let at = rule.expr.as_ref().map(|e| e.key_span).unwrap_or(rule.span);
                    sink.report(&META, f, at, "one of `record` or `alert` must be set");
                }
                _ => {}
            }
            if let Some(a) = &rule.alert
                && a.value.value.trim().is_empty()
            {
                sink.report(&META, f, a.value.span, "the alert name is empty");
            }
            let expr_empty = rule
                .expr
                .as_ref()
                .is_none_or(|e| !e.scalar || e.value.value.trim().is_empty());
            if expr_empty && !rule.templated.iter().any(|t| t == "expr") {
                let at = rule
                    .expr
                    .as_ref()
                    .map(|e| e.key_span)
                    .or(rule.name_field().map(|n| n.key_span))
                    .unwrap_or(rule.span);
                sink.report(
                    &META,
                    f,
                    at,
                    format!("`expr` must be set in {}", describe(rule)),
                );
            }
            if let Some(r) = &rule.record {
                let name = &r.value.value;
                if name.contains('{') || name.contains('}') {
                    sink.report(
                        &META,
                        f,
                        r.value.span,
                        "braces present in the recording rule name; should it be in expr?",
                    );
                } else if !legacy_metric_name(name) {
                    sink.report(
                        &META,
                        f,
                        r.value.span,
                        format!("invalid recording rule name: {name}"),
                    )
                    .help("use letters, digits, `_` and `:`, e.g. `job:http_requests:rate5m`; Prometheus 2 rejects other names and Prometheus 3 needs them quoted in every query");
                }
                for other in [&rule.for_, &rule.keep_firing_for].into_iter().flatten() {
                    sink.report(
                        &META,
                        f,
                        other.key_span,
                        format!("invalid field `{}` in recording rule", other.key),
                    );
                }
                if let Some(span) = rule.annotations_span {
                    sink.report(
                        &META,
                        f,
                        span,
                        "invalid field `annotations` in recording rule",
                    );
                }
            }
            for field in rule.labels.iter().chain(&rule.annotations) {
                if !field.scalar {
                    sink.report(
                        &META,
                        f,
                        field.value.span,
                        format!("the value of `{}` must be a string", field.key),
                    );
                }
                if field.key == "__name__" {
                    sink.report(&META, f, field.key_span, "invalid label name: __name__");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::META;

    #[test]
    fn fires_on_promtool_structure_errors() {
        let m = "groups:\n  - name: g\n    rules:\n      - record: \"bad metric name\"\n        expr: up\n        for: 1m\n        annotations:\n          a: b\n      - alert: Both\n        record: both\n        expr: up\n      - alert: EmptyExpr\n        expr: \"\"\n      - record: \"x{a=1}\"\n        expr: up\n";
        let d = manifest(&META, m);
        let msgs: Vec<_> = d.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 6, "{msgs:?}");
        assert!(msgs[0].starts_with("invalid recording rule name"));
        assert_eq!(spans(&d)[1], "for");
        assert_eq!(spans(&d)[2], "annotations");
        assert_eq!(spans(&d)[3], "record");
        assert!(msgs[4].contains("`expr` must be set"));
        assert!(msgs[5].starts_with("braces present"));
    }

    #[test]
    fn silent_on_valid_rules() {
        let m = "groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n      - alert: Down\n        expr: up == 0\n        for: 5m\n        labels:\n          severity: page\n";
        assert!(manifest(&META, m).is_empty());
    }
}
