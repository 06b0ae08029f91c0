use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::prometheus::extract::PromRule;
use crate::rules::Ctx;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/duplicate-rule",
    severity: Severity::Warning,
    summary: "Two rules with the same name and labels",
    doc: r#"## What it does
Reports an alerting or recording rule whose name and labels (group labels included) equal
those of an earlier rule in the same chart or manifest set, as `promtool check rules` does with
its `duplicate-rules` lint; rules whose expressions are also identical are called out.

## Why it matters
Two recording rules writing the same series overwrite each other; two identical alerts
notify twice or, with different queries, hide which condition fired.

## Example
```yaml
- record: job:up:sum
  expr: sum by (job) (up)
- record: job:up:sum
  expr: sum by (job) (up{env="prod"})
```

## Fix
Remove the copy, or give the rules distinct names or labels.
"#,
};

rule_sets_check!(check);

/// Alert or not, name, labels.
type Key = (bool, String, Vec<(String, String)>);

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    let mut seen: HashMap<Key, (&RuleSet, &PromRule)> = HashMap::new();
    for set in sets {
        for rule in set.rules.iter() {
            let (Some(name), Some(field)) = (rule.name(), rule.name_field()) else {
                continue;
            };
            if rule.has_template_actions {
                continue;
            }
            let key = (rule.is_alert(), name.to_string(), rule.all_labels());
            match seen.get(&key) {
                None => {
                    seen.insert(key, (set, rule));
                }
                Some((first_set, first)) => {
                    let same_expr = match (&first.expr, &rule.expr) {
                        (Some(a), Some(b)) => a.value.value.trim() == b.value.value.trim(),
                        _ => false,
                    };
                    let lc = first_set.file.line_col(first.span.start as usize);
                    let d = sink.report(
                        &META,
                        &set.file,
                        field.value.span,
                        format!(
                            "Duplicate {}: same name and labels as the rule at {}:{}{}",
                            describe(rule),
                            first_set.file.display_path(),
                            lc.line,
                            if same_expr {
                                ", with the same expression"
                            } else {
                                ""
                            }
                        ),
                    );
                    let first_span = first
                        .name_field()
                        .map(|f| f.value.span)
                        .unwrap_or(first.span);
                    d.related(&first_set.file, first_span, "first defined here");
                    d.help("remove one of the rules, or give them different names or labels");
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
    fn fires_on_same_name_and_labels() {
        let m = "groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n      - record: job:up:sum\n        expr: sum by (job) (up)\n      - alert: A\n        expr: up == 0\n        labels: {severity: page}\n      - alert: A\n        expr: up == 0\n        labels: {severity: info}\n";
        let d = manifest(&META, m);
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("rules.yaml:4"));
        assert!(d[0].message.contains("same expression"));
        assert_eq!(d[0].start().line, 6);
    }
}
