use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::prometheus::ast::{Expr, ExprKind, MatchOp};
use crate::prometheus::extract::PromRule;
use crate::prometheus::labels::removed;
use crate::rules::Ctx;
use crate::source::File;
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/duplicate-rule",
    severity: Severity::Warning,
    summary: "Two rules with the same name and labels",
    doc: r#"## What it does
Reports an alerting or recording rule whose name and labels (group labels included) equal
those of an earlier rule in the same chart or manifest set, as `promtool check rules` does with
its `duplicate-rules` lint; rules whose expressions are also identical are called out.

Not duplicates, and not reported:
- rules whose queries select different values of a label that both keep on their results
  (`sum by (code, verb) (x{verb="GET"})` and the same with `verb="PUT"`): one recording rule
  split into parts that write disjoint series;
- rules in templates gated by different Kubernetes-version conditions (`semverCompare` on
  `.Capabilities.KubeVersion`): the alternatives are never rendered together.

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
    let gates: Vec<Option<String>> = sets.iter().map(|s| version_gate(&s.file)).collect();
    let mut seen: HashMap<Key, Vec<(usize, &PromRule)>> = HashMap::new();
    for (set_index, set) in sets.iter().enumerate() {
        for rule in set.rules.iter() {
            let (Some(name), Some(field)) = (rule.name(), rule.name_field()) else {
                continue;
            };
            if rule.has_template_actions {
                continue;
            }
            let key = (rule.is_alert(), name.to_string(), rule.all_labels());
            let earlier = seen.entry(key).or_default();
            let clash = earlier.iter().find(|(i, first)| {
                !exclusive_gates(&gates[*i], &gates[set_index]) && !disjoint(first, rule)
            });
            match clash.copied() {
                None => {
                    // Bounded: a name shared by very many disjoint parts is compared with
                    // its first parts only.
                    if earlier.len() < 64 {
                        earlier.push((set_index, rule));
                    }
                }
                Some((first_index, first)) => {
                    let first_set = &sets[first_index];
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

/// The Kubernetes-version conditions (`semverCompare` on `.Capabilities.KubeVersion`) that
/// gate a template, whitespace-normalised: templates with different ones are alternatives that
/// are never rendered together.
fn version_gate(file: &File) -> Option<String> {
    let text = &file.text;
    let mut gates = Vec::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else { break };
        let action = after[..close].trim_matches(|c: char| c == '-' || c.is_whitespace());
        if (action.starts_with("if ") || action.starts_with("else if "))
            && (action.contains("semverCompare") || action.contains("KubeVersion"))
        {
            gates.push(action.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        rest = &after[close + 2..];
    }
    (!gates.is_empty()).then(|| gates.join(" | "))
}

/// Two different Kubernetes-version gates: the templates are alternatives.
fn exclusive_gates(a: &Option<String>, b: &Option<String>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a != b)
}

/// Whether two rules' queries select different values of a label that both keep on their
/// results (`sum by (verb) (x{verb="GET"})` and `sum by (verb) (x{verb="PUT"})`): they write
/// disjoint series under one name, which is how one recording rule is split into parts.
fn disjoint(a: &PromRule, b: &PromRule) -> bool {
    let (Some(ea), Some(eb)) = (a.ast(), b.ast()) else {
        return false;
    };
    let (ma, mb) = (positive_matchers(ea), positive_matchers(eb));
    ma.iter().any(|(label, va)| {
        mb.get(label).is_some_and(|vb| {
            va != vb && removed(ea, label).is_none() && removed(eb, label).is_none()
        })
    })
}

/// Label name → the `=` and `=~` matchers on it, over every selector of the query.
fn positive_matchers(e: &Expr) -> BTreeMap<String, BTreeSet<(bool, String)>> {
    let mut out: BTreeMap<String, BTreeSet<(bool, String)>> = BTreeMap::new();
    e.walk(&mut |x| {
        if let ExprKind::Selector(s) = &x.kind {
            for m in &s.matchers {
                if matches!(m.op, MatchOp::Equal | MatchOp::Re) && m.name != "__name__" {
                    out.entry(m.name.clone())
                        .or_default()
                        .insert((m.op == MatchOp::Re, m.value.clone()));
                }
            }
        }
    });
    out
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

    fn template_sets(files: &[(&str, &str)]) -> Vec<crate::diagnostic::Diagnostic> {
        use crate::source::SourceFile;
        let sets: Vec<super::RuleSet> = files
            .iter()
            .map(|(name, text)| {
                let file = SourceFile::new(name, text.to_string());
                super::RuleSet {
                    rules: crate::prometheus::extract::template_rules(&file),
                    file,
                }
            })
            .collect();
        let config = crate::config::Config::default();
        let ctx = crate::rules::Ctx::new(&config, &[], None, None);
        let mut sink = crate::diagnostic::Sink::default();
        super::check(&sets, &ctx, &mut sink);
        sink.diagnostics
    }

    fn gated(condition: &str) -> String {
        format!(
            "{{{{- if {condition} }}}}\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: etcd\nspec:\n  groups:\n    - name: etcd\n      rules:\n        - alert: etcdNoLeader\n          expr: etcd_server_has_leader == 0\n          labels:\n            severity: critical\n{{{{- end }}}}\n"
        )
    }

    #[test]
    fn templates_for_different_kubernetes_versions_are_alternatives() {
        let old = gated(
            r#"and (semverCompare "<1.14.0-0" $kubeTargetVersion) .Values.defaultRules.create"#,
        );
        let new = gated(
            r#"and (semverCompare ">=1.14.0-0" $kubeTargetVersion) .Values.defaultRules.create"#,
        );
        assert!(
            template_sets(&[
                ("templates/rules/etcd.yaml", &old),
                ("templates/rules-1.14/etcd.yaml", &new)
            ])
            .is_empty()
        );
        // The same gate twice, or no gate, renders both.
        let d = template_sets(&[("templates/a.yaml", &new), ("templates/b.yaml", &new)]);
        assert_eq!(d.len(), 1);
        let plain = gated(".Values.defaultRules.create");
        let d = template_sets(&[("templates/a.yaml", &plain), ("templates/b.yaml", &plain)]);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].file.path.to_string_lossy(), "templates/b.yaml");
    }

    #[test]
    fn parts_of_one_recording_rule_are_not_duplicates() {
        let m = "groups:\n  - name: g\n    rules:\n      - record: code:x:sum\n        expr: sum by (code) (x{code=~\"2..\"})\n      - record: code:x:sum\n        expr: sum by (code) (x{code=~\"5..\"})\n      - record: x:sum\n        expr: sum(x{code=\"2\"})\n      - record: x:sum\n        expr: sum(x{code=\"5\"})\n";
        let d = manifest(&META, m);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert!(d[0].message.contains("`x:sum`"));
    }
}
