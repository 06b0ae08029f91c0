use super::{RuleSet, describe, expr_span, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::prometheus::labels::removed;
use crate::prometheus::template::template_label_uses;
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/label-dropped-by-aggregation",
    severity: Severity::Warning,
    summary: "Alert template uses a label the query can never return",
    doc: r#"## What it does
Follows labels through the alert's query (aggregations without `by`, `by(...)`, `without(...)`,
`on(...)`/`ignoring(...)` matching, `absent()`, `vector()` and other scalar functions,
`histogram_quantile` dropping `le`, `label_replace`/`label_join` adding theirs) and reports
each `$labels.x`, `.Labels.x` or `index $labels "x"` in the alert's labels and annotations
when no result of the query can carry `x` and the rule's own `labels:` do not set it. The
finding points at the template and at the part of the query that removed the label.

## Why it matters
The template renders an empty string: notifications read "on the pod [/]" and routing or
grouping on that label silently stops working.

## Example
```yaml
- alert: PoolExhausted
  expr: sum(pool_leased{service=~".*-ecr"}) > 3
  annotations:
    message: "Too many leased connections on [{{ $labels.namespace }}/{{ $labels.pod }}]"
```

## Fix
Keep the labels in the aggregation (`sum by (namespace, pod) (...)`), or stop using them in
the template.
"#,
};

rule_sets_check!(check);

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.is_alert()) {
            let Some(ast) = rule.ast() else { continue };
            let own: Vec<(String, String)> = rule.all_labels();
            for field in rule.labels.iter().chain(&rule.annotations) {
                for u in template_label_uses(&field.value.value) {
                    if u.name == "alertname" || own.iter().any(|(k, _)| *k == u.name) {
                        continue;
                    }
                    let Some(why) = removed(ast, &u.name) else {
                        continue;
                    };
                    let at = field.value.span_of(u.span.start, u.span.end);
                    let d = sink.report(
                        &META,
                        &set.file,
                        at,
                        format!(
                            "Template of {} uses label `{}`, which the query results never have",
                            describe(rule),
                            u.name
                        ),
                    );
                    d.label(format!(
                        "the template is using `{}` label but the query results won't have this label",
                        u.name
                    ));
                    if let Some(span) = expr_span(rule, why.span) {
                        d.related(&set.file, span, why.message);
                    }
                    d.help(format!(
                        "keep the label in the query (for example `sum by ({}) (...)`), or remove it from the template",
                        u.name
                    ));
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
    fn fires_with_both_spans() {
        let v = "rules:\n  - alert: A\n    expr: sum by (job) (x) > 3\n    annotations:\n      m: \"{{ $labels.pod }} {{ $labels.job }}\"\n";
        let d = values(&META, v);
        assert_eq!(spans(&d), ["pod"]);
        assert_eq!(d[0].file.slice(d[0].labels[0].span), "by (job)");
    }

    #[test]
    fn silent_when_labels_survive_or_are_set_by_the_rule() {
        let v = "rules:\n  - alert: A\n    expr: sum by (pod) (x) > 3\n    labels:\n      team: a\n    annotations:\n      m: \"{{ $labels.pod }} {{ $labels.team }}\"\n  - alert: B\n    expr: up == 0\n    annotations:\n      m: \"{{ $labels.instance }}\"\n";
        assert!(values(&META, v).is_empty());
    }
}
