use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/unknown-severity",
    severity: Severity::Warning,
    summary: "Alert `severity` is not one of the configured values",
    doc: r#"## What it does
When `prometheus.alertSeverities` is set in `.plimsoll.yaml`, reports alerts whose `severity`
label is not one of those values.

## Why it matters
Alertmanager routes on exact label values: `severity: error` where the routes know `critical`
and `warning` reaches the default receiver only.

## Example
```yaml
# .plimsoll.yaml
prometheus:
  alertSeverities: [critical, warning, info]
```
```yaml
labels:
  severity: error
```

## Fix
Use one of the configured values, or add the value to the configuration and the routes.
"#,
};

rule_sets_check!(check);

fn check(sets: &[RuleSet], ctx: &Ctx, sink: &mut Sink) {
    let allowed = &ctx.config.alert_severities;
    if allowed.is_empty() {
        return;
    }
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.is_alert()) {
            let Some(sev) = rule.label("severity") else {
                continue;
            };
            if !sev.scalar || allowed.contains(&sev.value.value) {
                continue;
            }
            let d = sink.report(
                &META,
                &set.file,
                sev.value.span,
                format!(
                    "Severity `{}` of {} is not one of: {}",
                    sev.value.value,
                    describe(rule),
                    allowed.join(", ")
                ),
            );
            if let Some(s) =
                crate::suggest::closest(&sev.value.value, allowed.iter().map(|s| s.as_str()))
            {
                d.help(format!("did you mean `{s}`?"));
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
    fn fires_only_with_configured_values() {
        let v = "rules:\n  - alert: A\n    expr: up == 0\n    labels:\n      severity: error\n  - alert: B\n    expr: up == 0\n    labels:\n      severity: warning\n";
        assert!(values(&META, v).is_empty());
        let config = Config {
            alert_severities: vec!["critical".into(), "warning".into()],
            ..Config::default()
        };
        assert_eq!(spans(&values_with(&META, v, &config)), ["error"]);
    }
}
