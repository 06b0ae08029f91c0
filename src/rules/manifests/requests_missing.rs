use super::memory_limit_missing::capitalise;
use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/requests-missing",
    severity: Severity::Info,
    summary: "A container has no CPU or memory request",
    doc: r#"## What it does
Reports a container (not an init container) of a workload without `resources.requests.cpu`
or `resources.requests.memory`. When a limit is set, Kubernetes uses it as the request, so
only resources with neither are reported.

In a chart's rendered output, containers without requests are the chart leaving resources
for its users to set (`resources: {}` in values.yaml, the common idiom): the rule then reports
once per chart, at the first such container, with the next few as related locations.

## Why it matters
The scheduler places pods by their requests: without them, nodes are overcommitted and the pod
is the first to be evicted under pressure (QoS class BestEffort).

## Example
```yaml
resources:
  requests: {memory: 25Mi}
  limits: {memory: 100Mi}     # no CPU request
```

## Fix
Set `resources.requests.cpu` and `resources.requests.memory` to the container's usual usage.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

/// CPU and memory, whichever has neither a request nor a limit.
fn unrequested(r: &crate::k8s::resources::Resources) -> Vec<&'static str> {
    ["cpu", "memory"]
        .into_iter()
        .filter(|res| {
            r.requests().and_then(|q| q.get(res)).is_none()
                && r.limits().and_then(|l| l.get(res)).is_none()
        })
        .collect()
}

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    if ctx.rendered.is_some() {
        super::report_once_per_chart(
            &META,
            super::container_resources(docs)
                .filter(|(r, _)| !unrequested(r).is_empty())
                .collect(),
            "no CPU or memory request",
            "set resources.requests in the values, or a default in the chart (a resources preset)",
            sink,
        );
        return;
    }
    for (r, span) in super::container_resources(docs) {
        let missing: Vec<&str> = ["cpu", "memory"]
            .into_iter()
            .filter(|res| {
                r.requests().and_then(|q| q.get(res)).is_none()
                    && r.limits().and_then(|l| l.get(res)).is_none()
            })
            .collect();
        if missing.is_empty() {
            continue;
        }
        sink.report(
            &META,
            r.file,
            span,
            format!(
                "{} has no {} request",
                capitalise(&r.owner),
                missing.join(" or ")
            ),
        )
        .label("no request")
        .help(format!(
            "set resources.requests.{}",
            missing.join(" and resources.requests.")
        ));
    }
}
