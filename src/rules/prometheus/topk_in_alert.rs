use super::{RuleSet, describe, expr_span, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::prometheus::ast::{Expr, ExprKind, Grouping};
use crate::prometheus::lex::Aggr;
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/topk-in-alert",
    severity: Severity::Warning,
    summary: "Alert query uses topk, bottomk or limitk",
    doc: r#"## What it does
Reports `topk`, `bottomk`, `limitk` and `limit_ratio` in alerting rule queries. Keeping one
series per group (`topk by (namespace, pod) (1, kube_pod_owner)`) is de-duplication, not
ranking, and is left alone.

## Why it matters
These select a varying subset of series at each evaluation. When the ranking changes, the
alerting series changes: alerts resolve and fire again, `for` restarts, and notifications
flap.

## Example
```yaml
expr: topk(3, rate(errors_total[5m])) > 10
```

## Fix
Alert on every series that crosses the threshold (`rate(errors_total[5m]) > 10`) and leave
ranking to dashboards.
"#,
};

rule_sets_check!(check);

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.is_alert()) {
            let Some(ast) = rule.ast() else { continue };
            ast.walk(&mut |e| {
                if let ExprKind::Aggregate {
                    op,
                    op_span,
                    param,
                    grouping,
                    ..
                } = &e.kind
                    && matches!(
                        op,
                        Aggr::Topk | Aggr::Bottomk | Aggr::Limitk | Aggr::LimitRatio
                    )
                    && !one_per_group(*op, param.as_deref(), grouping.as_ref())
                    && let Some(span) = expr_span(rule, op_span.clone())
                {
                    sink.report(
                        &META,
                        &set.file,
                        span,
                        format!(
                            "{} uses `{}`: the alerting series change whenever the ranking changes",
                            describe(rule),
                            op.name()
                        ),
                    )
                    .help("alert on every series past the threshold instead");
                }
            });
        }
    }
}

/// `topk by (namespace, pod) (1, …)`: one series per group, the usual way to de-duplicate
/// series (for a join with `group_left`); the result does not depend on a ranking.
fn one_per_group(op: Aggr, param: Option<&Expr>, grouping: Option<&Grouping>) -> bool {
    matches!(op, Aggr::Topk | Aggr::Bottomk | Aggr::Limitk)
        && grouping.is_some_and(|g| !g.without && !g.labels.is_empty())
        && param.is_some_and(|p| matches!(p.unparen().kind, ExprKind::Number(n) if n == 1.0))
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::META;

    #[test]
    fn fires_in_alerts_only() {
        let v = "rules:\n  - alert: A\n    expr: topk(3, x) > 1\n  - record: r\n    expr: topk(3, x)\n  - alert: B\n    expr: x > 1\n";
        assert_eq!(spans(&values(&META, v)), ["topk"]);
    }

    #[test]
    fn one_series_per_group_is_deduplication() {
        let v = "rules:\n  - alert: A\n    expr: x * on (pod) group_left (node) topk by (pod) (1, y) > 1\n  - alert: B\n    expr: topk by (pod) (2, y) > 1\n  - alert: C\n    expr: topk(1, y) > 1\n";
        assert_eq!(spans(&values(&META, v)), ["topk", "topk"]);
    }
}
