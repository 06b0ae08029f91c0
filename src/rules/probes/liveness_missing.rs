use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "probes/liveness-missing",
    severity: Severity::Info,
    summary: "A long-running container has no liveness probe",
    doc: r#"## What it does
Reports a container of a long-running workload (Deployment, StatefulSet, DaemonSet,
ReplicaSet, ReplicationController, Pod) without a `livenessProbe`. Init containers and Jobs are
not checked. It is information, not a warning: many processes exit on fatal errors and need no
liveness probe.

## Why it matters
A process that hangs without exiting (a deadlock, an exhausted pool) is never restarted
without a liveness probe.

## Example
```yaml
containers:
  - name: tsx
    image: hub.kaaiot.net/kaaiot/tsx/tsx:1.0.0
```

## Fix
Add a `livenessProbe` that checks only that the process is alive, more tolerant than the
readiness probe.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs).iter().filter(|o| o.is_long_running()) {
        for c in obj.containers().into_iter().filter(|c| !c.init) {
            if c.node.get("livenessProbe").is_some() {
                continue;
            }
            let span = c
                .node
                .entry("name")
                .map(|e| e.value.span)
                .unwrap_or(c.node.span);
            sink.report(
                &META,
                obj.file,
                span,
                format!(
                    "Container \"{}\" of {} has no liveness probe",
                    c.name(),
                    obj.describe()
                ),
            )
            .label("no livenessProbe")
            .help("add a livenessProbe that checks only that the process is alive");
        }
    }
}
