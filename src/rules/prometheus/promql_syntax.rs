use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/promql-syntax",
    severity: Severity::Error,
    summary: "PromQL expression of a rule does not parse",
    doc: r#"## What it does
Parses the `expr` of every alerting and recording rule with Prometheus's grammar and type rules
and reports the first error at the column Prometheus reports it, with Prometheus's message
("unexpected <by> in aggregation", "unknown function with name \"sumx\"", "expected type range
vector in call to function \"rate\", got instant vector").

## Why it matters
Prometheus refuses to load a rule file with an invalid expression; with the Prometheus Operator
the whole `PrometheusRule` is rejected, so none of its alerts fire.

## Example
```yaml
- alert: HighErrorRate
  expr: sum(rate(http_requests_total[5m]) by (job) > 3   # `by` inside the parentheses
```

## Fix
Correct the expression at the reported position; `promtool check rules` gives the same verdict.
"#,
};

rule_sets_check!(check);

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter() {
            let (Some(Err(err)), Some(expr)) = (&rule.parsed, &rule.expr) else {
                continue;
            };
            let text = &expr.value.value;
            let pos = err.pos.min(text.len());
            // Underline the token Prometheus stopped at.
            let end = crate::prometheus::lex::lex(text)
                .tokens
                .iter()
                .find(|t| t.start == pos && t.end > t.start)
                .map(|t| t.end)
                .unwrap_or(pos + 1)
                .min(text.len().max(pos));
            let span = if end > pos {
                expr.value.span_of(pos, end)
            } else {
                expr.value.point(pos)
            };
            let (line, col) = err.line_col(text);
            sink.report(
                &META,
                &set.file,
                span,
                format!("Invalid PromQL in {}: {}", describe(rule), err.message),
            )
            .label(err.message.clone())
            .help(format!(
                "Prometheus reports: could not parse expression: {line}:{col}: parse error: {}",
                err.message
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::META;

    #[test]
    fn fires_at_the_prometheus_column_in_every_scalar_style() {
        let v = "rules:\n  - alert: A\n    expr: sum(rate(x[5m]) by (job) > 3\n  - alert: B\n    expr: |\n      sum(x)\n        by (a) by (b)\n  - alert: C\n    expr: \"sumx(foo{a=\\\"b\\\"})\"\n";
        let d = values(&META, v);
        assert_eq!(spans(&d), ["by", "by", "sumx"]);
        // `expr: ` ends at column 10; `by` is at offset 16 of the expression.
        assert_eq!(d[0].start().col, 11 + 16);
        assert_eq!(d[1].start().line, 7);
        assert_eq!(d[1].start().col, 16);
        assert!(d[0].message.contains("unexpected <by> in aggregation"));
        assert!(
            d[2].help
                .as_deref()
                .unwrap()
                .contains("1:1: parse error: unknown function")
        );
    }

    #[test]
    fn silent_on_valid_expressions() {
        let v = "rules:\n  - alert: A\n    expr: label_replace(up, \"d\", \"$1\", \"s\", `(\\d+)`) > 0\n  - record: job:x:rate5m\n    expr: sum by (job) (rate(x[5m+1m]))\n";
        assert!(values(&META, v).is_empty());
    }
}
