use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/memory-limit-missing",
    severity: Severity::Warning,
    summary: "A container has no memory limit",
    doc: r#"## What it does
Reports a container (not an init container) of a workload without `resources.limits.memory`.

In a chart's rendered output, containers without a memory limit are the chart leaving
resources for its users to set (`resources: {}` in values.yaml, the common idiom): the rule
then reports once per chart, at `info`, at the first such container, with the next few as
related locations.

## Why it matters
A container without a memory limit can take all of its node's memory: the kernel then kills
other pods, not the one that leaks.

## Example
```yaml
containers:
  - name: api
    resources:
      requests: {memory: 256Mi}
```

## Fix
Set `resources.limits.memory`, usually equal to or somewhat above the request.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let missing = super::container_resources(docs)
        .filter(|(r, _)| r.limits().is_none_or(|l| l.get("memory").is_none()));
    if ctx.rendered.is_some() {
        super::report_once_per_chart(
            &META,
            missing.collect(),
            "no memory limit",
            "set resources.limits.memory in the values, or a default in the chart (a resources preset)",
            sink,
        );
        return;
    }
    for (r, span) in missing {
        sink.report(
            &META,
            r.file,
            span,
            format!("{} has no memory limit", capitalise(&r.owner)),
        )
        .label("no limits.memory")
        .help("set resources.limits.memory");
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}
