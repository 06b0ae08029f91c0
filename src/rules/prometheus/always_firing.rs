use super::{RuleSet, describe, expr_span, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::prometheus::ast::{Expr, ExprKind};
use crate::prometheus::lex::{Aggr, Kind};
use crate::rules::Ctx;
use std::ops::Range;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/always-firing",
    severity: Severity::Warning,
    summary: "Alert query has no condition and fires whenever the series exist",
    doc: r#"## What it does
Reports alerting rules whose query has no comparison (`> 3`, `== 0`), no `absent()` and no
filtering set operation, and comparisons written with the `bool` modifier, which turns a
filter into a 0/1 value. Queries that are only `vector(1)` (deliberate "watchdog" alerts)
are left alone.

## Why it matters
An alert fires for every series its query returns. Without a condition it fires as soon as
the metric exists; with `bool` it fires for the series where the comparison is false too.

## Example
```yaml
- alert: HighLatency
  expr: histogram_quantile(0.99, sum by (le) (rate(latency_bucket[5m])))
```

## Fix
Add the condition: `... > 0.5`, and drop `bool` from comparisons in alerts.
"#,
};

rule_sets_check!(check);

enum Verdict {
    Condition,
    None,
    Bool(Range<usize>),
}

fn verdict(e: &Expr) -> Verdict {
    match &e.kind {
        ExprKind::Paren(inner) => verdict(inner),
        ExprKind::Binary {
            op,
            op_span,
            lhs,
            rhs,
            return_bool,
            ..
        } => {
            if op.is_comparison() {
                return if *return_bool {
                    Verdict::Bool(op_span.clone())
                } else {
                    Verdict::Condition
                };
            }
            match op {
                Kind::Land | Kind::Lunless => match (verdict(lhs), verdict(rhs)) {
                    (Verdict::Condition, _) | (_, Verdict::Condition) => Verdict::Condition,
                    (Verdict::Bool(s), _) | (_, Verdict::Bool(s)) => Verdict::Bool(s),
                    _ if *op == Kind::Land => Verdict::Condition,
                    _ => Verdict::None,
                },
                Kind::Lor => match (verdict(lhs), verdict(rhs)) {
                    (Verdict::Condition, Verdict::Condition) => Verdict::Condition,
                    (Verdict::Bool(s), _) | (_, Verdict::Bool(s)) => Verdict::Bool(s),
                    _ => Verdict::None,
                },
                _ => match (verdict(lhs), verdict(rhs)) {
                    (Verdict::Bool(s), _) | (_, Verdict::Bool(s)) => Verdict::Bool(s),
                    (Verdict::Condition, _) | (_, Verdict::Condition) => Verdict::Condition,
                    _ => Verdict::None,
                },
            }
        }
        ExprKind::Call { name, args, .. } => match name.as_str() {
            "absent" | "absent_over_time" => Verdict::Condition,
            _ => args
                .iter()
                .map(verdict)
                .find(|v| !matches!(v, Verdict::None))
                .unwrap_or(Verdict::None),
        },
        ExprKind::Aggregate {
            op,
            expr: Some(inner),
            ..
        } if matches!(
            op,
            Aggr::Topk | Aggr::Bottomk | Aggr::Limitk | Aggr::LimitRatio
        ) || inner.ty() == crate::prometheus::ast::Type::Vector =>
        {
            verdict(inner)
        }
        ExprKind::Subquery { expr, .. } => verdict(expr),
        ExprKind::Unary { expr, .. } => verdict(expr),
        _ => Verdict::None,
    }
}

fn is_watchdog(e: &Expr) -> bool {
    matches!(&e.unparen().kind, ExprKind::Call { name, args, .. }
        if name == "vector" && args.len() == 1 && matches!(args[0].kind, ExprKind::Number(_)))
}

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.is_alert()) {
            let (Some(ast), Some(expr)) = (rule.ast(), &rule.expr) else {
                continue;
            };
            if is_watchdog(ast) {
                continue;
            }
            match verdict(ast) {
                Verdict::Condition => {}
                Verdict::None => {
                    sink.report(
                        &META,
                        &set.file,
                        expr.value.span,
                        format!(
                            "The query of {} has no condition, so the alert fires whenever it returns anything",
                            describe(rule)
                        ),
                    )
                    .help("add a comparison such as `> 0`, or use `absent()` for missing series");
                }
                Verdict::Bool(span) => {
                    if let Some(at) = expr_span(rule, span) {
                        sink.report(
                            &META,
                            &set.file,
                            at,
                            format!(
                                "The comparison in {} uses `bool`, so the alert fires for every series, true or false",
                                describe(rule)
                            ),
                        )
                        .help("remove `bool`: a plain comparison filters the series that should alert");
                    }
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
    fn fires_without_condition_or_with_bool() {
        let v = "rules:\n  - alert: A\n    expr: sum(rate(x[5m]))\n  - alert: B\n    expr: up == bool 0\n  - record: r\n    expr: sum(x)\n";
        assert_eq!(spans(&values(&META, v)), ["sum(rate(x[5m]))", "=="]);
    }

    #[test]
    fn silent_with_conditions() {
        let v = "rules:\n  - alert: A\n    expr: sum(x) > 3\n  - alert: B\n    expr: absent(up{job=\"a\"})\n  - alert: W\n    expr: vector(1)\n  - alert: C\n    expr: up == 0 and on(job) y\n  - alert: D\n    expr: (x > 1) * 2\n";
        assert!(values(&META, v).is_empty());
    }
}
