use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/missing-required-annotation",
    severity: Severity::Warning,
    summary: "Alert lacks a configured annotation, or leaves it empty",
    doc: r#"## What it does
When `prometheus.requiredAnnotations` is set in `.plimsoll.yaml` (for example `[summary,
runbook_url]`), reports alerting rules that do not set each of them to a non-empty value.

## Why it matters
On-call engineers rely on the summary and the runbook link in the notification; an alert
without them costs time when it matters most.

## Example
```yaml
# .plimsoll.yaml
prometheus:
  requiredAnnotations: [summary, runbook_url]
```

## Fix
Add the annotations with meaningful values.
"#,
};

rule_sets_check!(check);

fn check(sets: &[RuleSet], ctx: &Ctx, sink: &mut Sink) {
    let required = &ctx.config.required_alert_annotations;
    if required.is_empty() {
        return;
    }
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.is_alert()) {
            if rule.templated.iter().any(|t| t == "annotations") || rule.has_template_actions {
                continue;
            }
            for name in required {
                let found = rule.annotations.iter().rev().find(|a| a.key == *name);
                match found {
                    Some(a) if !a.value.value.trim().is_empty() => {}
                    Some(a) => {
                        sink.report(
                            &META,
                            &set.file,
                            a.value.span,
                            format!(
                                "Required annotation `{name}` of {} is empty",
                                describe(rule)
                            ),
                        );
                    }
                    None => {
                        let at = rule
                            .annotations_span
                            .or(rule.alert.as_ref().map(|a| a.value.span))
                            .unwrap_or(rule.span);
                        sink.report(
                            &META,
                            &set.file,
                            at,
                            format!("{} has no `{name}` annotation", describe(rule)),
                        );
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
    use crate::config::Config;

    #[test]
    fn fires_with_configuration() {
        let v = "rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      summary: down\n      runbook_url: \"\"\n  - alert: B\n    expr: up == 0\n";
        assert!(values(&META, v).is_empty());
        let config = Config {
            required_alert_annotations: vec!["summary".into(), "runbook_url".into()],
            ..Config::default()
        };
        assert_eq!(spans(&values_with(&META, v, &config)), ["\"\"", "B", "B"]);
    }
}
