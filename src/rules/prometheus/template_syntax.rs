use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::prometheus::template::{PRELUDE, PROMETHEUS_FUNCTIONS};
use crate::rules::Ctx;
use crate::template::{FuncSet, ParseOptions};
use std::sync::OnceLock;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/template-syntax",
    severity: Severity::Error,
    summary: "An alert label or annotation is not a valid Prometheus template",
    doc: r#"## What it does
Parses every label and annotation of an alerting rule the way Prometheus does: as a Go
`text/template` named `__alert_<name>`, after the prelude
`{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}`,
with Go's builtins and Prometheus's template functions (`humanize`, `query`, `first`, `label`,
`toUpper`, `reReplaceAll`, …). Syntax errors, undefined variables (`$label` for `$labels`) and
unknown functions (`humanise`) are reported at their position inside the value. Values that
hold Helm template actions are skipped; the Helm escape forms are read as Prometheus sees them.

## Why it matters
`promtool check rules` rejects the file, and a Prometheus that loads it anyway fails to expand
the template: the notification shows an error instead of the message.

## Example
```yaml
annotations:
  summary: "{{ $label.instance }} is down for {{ humanise $value }}"
```

## Fix
Use `$labels`, `$value`, `$externalLabels` or `$externalURL`, and Prometheus's function names.
"#,
};

rule_sets_check!(check);

fn functions() -> &'static FuncSet {
    static SET: OnceLock<FuncSet> = OnceLock::new();
    SET.get_or_init(|| {
        FuncSet::go_builtins()
            .clone()
            .with(PROMETHEUS_FUNCTIONS.iter().map(|(name, _)| *name))
    })
}

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter().filter(|r| r.is_alert()) {
            let name = format!("__alert_{}", rule.name().unwrap_or_default());
            let fields = rule
                .labels
                .iter()
                .map(|f| ("label", f))
                .chain(rule.annotations.iter().map(|f| ("annotation", f)));
            for (what, field) in fields {
                if !field.scalar
                    || rule.templated.contains(&field.key)
                    || !field.value.value.contains("{{")
                {
                    continue;
                }
                let src = format!("{PRELUDE}{}", field.value.value);
                let Err(err) = crate::template::parse(&src, &ParseOptions::new(&name, functions()))
                else {
                    continue;
                };
                let focus = err.focus();
                let start = (focus.start as usize).saturating_sub(PRELUDE.len());
                let end = (focus.end as usize)
                    .saturating_sub(PRELUDE.len())
                    .max(start);
                sink.report(&META, &set.file, field.value.span_of(start, end), format!("{what} `{}` of {}: {}", field.key, describe(rule), err.message))
                    .label("template error")
                    .help("alert templates know $labels, $value, $externalLabels, $externalURL and Prometheus's template functions");
            }
        }
    }
}
