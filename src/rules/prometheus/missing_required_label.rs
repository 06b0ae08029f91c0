use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/missing-required-label",
    severity: Severity::Warning,
    summary: "Alert lacks a label every alert must carry (default `severity`)",
    doc: r#"## What it does
Reports alerting rules that do not set each label listed in `prometheus.requiredLabels` of
`.plimsoll.yaml` (default: `severity`), either in the rule's `labels` or its group's `labels`.
Rules whose labels come from template actions are skipped.

## Why it matters
Alertmanager routes, silences and inhibits by labels; an alert without `severity` usually
falls through to the default receiver or pages nobody.

## Example
```yaml
- alert: Down
  expr: up == 0
```

## Fix
Add the label: `labels: {severity: critical}`.
"#,
};

rule_sets_check!(check);

fn check(sets: &[RuleSet], ctx: &Ctx, sink: &mut Sink) {
    let required = ctx.config.required_labels();
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.is_alert()) {
            if rule.templated.iter().any(|t| t == "labels") || rule.has_template_actions {
                continue;
            }
            let have = rule.all_labels();
            for label in &required {
                if have.iter().any(|(k, v)| k == label && !v.trim().is_empty()) {
                    continue;
                }
                let at = rule
                    .labels_span
                    .or(rule.alert.as_ref().map(|a| a.value.span))
                    .unwrap_or(rule.span);
                sink.report(
                    &META,
                    &set.file,
                    at,
                    format!("{} has no `{label}` label", describe(rule)),
                )
                .help(format!("add `{label}` under `labels:`"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::META;

    #[test]
    fn fires_without_severity() {
        let v = "rules:\n  - alert: A\n    expr: up == 0\n  - alert: B\n    expr: up == 0\n    labels:\n      severity: page\n  - record: r\n    expr: up\n";
        assert_eq!(spans(&values(&META, v)), ["A"]);
    }
}
