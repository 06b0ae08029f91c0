use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::prometheus::template::template_value_uses;
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/value-in-label",
    severity: Severity::Warning,
    summary: "Alert label uses `$value`, creating a new alert on every value change",
    doc: r#"## What it does
Reports `$value` or `.Value` in the `labels` of an alerting rule.

## Why it matters
Labels identify an alert. A label that changes with the value makes every evaluation a new
alert: the old one resolves, a new one fires, `for` starts over and notifications repeat.

## Example
```yaml
labels:
  severity: warning
  current: "{{ $value }}"
```

## Fix
Move the value to an annotation: `annotations: {summary: "current value {{ $value }}"}`.
"#,
};

rule_sets_check!(check);

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.is_alert()) {
            for field in &rule.labels {
                for u in template_value_uses(&field.value.value) {
                    sink.report(
                        &META,
                        &set.file,
                        field.value.span_of(u.span.start, u.span.end),
                        format!(
                            "Label `{}` of {} uses `{}`: every value change creates a new alert",
                            field.key,
                            describe(rule),
                            u.name
                        ),
                    )
                    .help("move the value into an annotation");
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
    fn fires_in_labels_only() {
        let v = "rules:\n  - alert: A\n    expr: x > 1\n    labels:\n      v: \"{{ $value }}\"\n      w: \"{{ .Value | humanize }}\"\n    annotations:\n      s: \"{{ $value }}\"\n";
        assert_eq!(spans(&values(&META, v)), ["$value", ".Value"]);
    }
}
