use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/empty-annotation",
    severity: Severity::Info,
    summary: "Alert annotation has an empty value",
    doc: r#"## What it does
Reports annotations of alerting rules whose value is empty (`runbook: ""`).

## Why it matters
An empty annotation is sent with every notification and usually marks a placeholder nobody
filled in: the runbook link the on-call engineer looks for is not there.

## Example
```yaml
annotations:
  message: "Connection pool exhausted"
  runbook: ""
```

## Fix
Fill in the value, or remove the annotation.
"#,
};

rule_sets_check!(check);

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.is_alert()) {
            for a in &rule.annotations {
                if a.scalar && a.value.value.trim().is_empty() {
                    let span = if a.value.span.is_empty() {
                        a.key_span
                    } else {
                        a.value.span
                    };
                    sink.report(
                        &META,
                        &set.file,
                        span,
                        format!("Annotation `{}` of {} is empty", a.key, describe(rule)),
                    )
                    .help("fill in the value or remove the annotation");
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
    fn fires_on_empty_values() {
        let v = "rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      runbook: \"\"\n      other:\n      summary: ok\n";
        assert_eq!(spans(&values(&META, v)), ["\"\"", "other"]);
    }
}
