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

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
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
