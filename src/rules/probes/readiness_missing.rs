use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::{labels_match, objects};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "probes/readiness-missing",
    severity: Severity::Warning,
    summary: "A container behind a Service has no readiness probe",
    doc: r#"## What it does
Reports a container of a long-running workload (Deployment, StatefulSet, DaemonSet,
ReplicaSet, ReplicationController, Pod) without a `readinessProbe`, when a Service in the same
chart or manifest set selects the workload's pods. Init containers and Jobs are not checked;
workloads no Service selects are left alone.

## Why it matters
Without a readiness probe a pod receives traffic as soon as its process starts, before it can
answer, and keeps receiving it while it is overloaded or shutting down: clients see errors on
every rollout.

## Example
```yaml
kind: Deployment
spec:
  template:
    metadata: {labels: {app: kpc}}
    spec:
      containers:
        - name: kpc
          ports: [{name: mqtt, containerPort: 1883}]
---
kind: Service
spec:
  selector: {app: kpc}
```

## Fix
Add a `readinessProbe` that passes only when the container can serve requests.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    let objs = objects(docs);
    let services: Vec<_> = objs.iter().filter(|o| o.kind == "Service").collect();
    for obj in objs.iter().filter(|o| o.is_long_running()) {
        let Some(labels) = obj.pod_labels() else {
            continue;
        };
        let Some(service) = services.iter().find(|s| {
            s.root.get_path(&["spec", "selector"]).is_some_and(|sel| {
                sel.as_map().is_some_and(|m| !m.is_empty()) && labels_match(sel, labels)
            })
        }) else {
            continue;
        };
        for c in obj.containers().into_iter().filter(|c| !c.init) {
            if c.node.get("readinessProbe").is_some() {
                continue;
            }
            let span = c
                .node
                .entry("name")
                .map(|e| e.value.span)
                .unwrap_or(c.node.span);
            let d = sink.report(
                &META,
                obj.file,
                span,
                format!(
                    "Container \"{}\" of {} has no readiness probe, but {} sends it traffic",
                    c.name(),
                    obj.describe(),
                    service.describe()
                ),
            );
            d.label("no readinessProbe");
            if let Some(sel) = service.root.get_path(&["spec", "selector"]) {
                d.related(service.file, sel.span, "this Service selects the pod");
            }
            d.help("add a readinessProbe that passes only when the container can serve");
        }
    }
}
