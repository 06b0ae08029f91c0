use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/unknown-field",
    severity: Severity::Error,
    summary: "Rule has a field Prometheus does not know",
    doc: r#"## What it does
Reports keys of a rule in a rule file, a `PrometheusRule` resource or a chart template that are
not rule fields (`alert`, `record`, `expr`, `for`, `keep_firing_for`, `labels`, `annotations`),
with the closest known field as a hint. Rules in values files are not checked, since charts may
keep extra keys there for their templates.

## Why it matters
Prometheus rejects the rule file (`field fro not found in type rulefmt.RuleNode`); the
Prometheus Operator's admission webhook rejects the resource. A misspelt `annotations` or `for`
otherwise silently changes the alert.

## Example
```yaml
- alert: Down
  expr: up == 0
  fro: 5m
```

## Fix
Correct the key (`for`), or move it to `labels`/`annotations`.
"#,
};

rule_sets_check!(check);

const FIELDS: &[&str] = &[
    "alert",
    "record",
    "expr",
    "for",
    "keep_firing_for",
    "labels",
    "annotations",
];

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.origin.is_strict()) {
            for (key, span) in &rule.unknown {
                let d = sink.report(
                    &META,
                    &set.file,
                    *span,
                    format!("field `{key}` is not a rule field ({})", describe(rule)),
                );
                if let Some(s) = crate::suggest::closest(key, FIELDS.iter().copied()) {
                    d.help(format!("did you mean `{s}`?"));
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
    fn fires_in_rule_files_not_in_values() {
        let m = "groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up == 0\n        fro: 5m\n        anotations: {}\n";
        let d = manifest(&META, m);
        assert_eq!(spans(&d), ["fro", "anotations"]);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `for`?"));
        let v = "rules:\n  - alert: A\n    expr: up == 0\n    enabled: true\n";
        assert!(values(&META, v).is_empty());
    }
}
