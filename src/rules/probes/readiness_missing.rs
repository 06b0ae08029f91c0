use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::k8s::selection::PodSelection;
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

A pod is ready when all its containers are: one readiness probe on the pod gates its traffic,
so containers beside a probed one, and containers that declare no port, are not reported.

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
    let pods = PodSelection::new(&objs);
    // The first Service (in set order) that selects each object's pods.
    let mut service_of: Vec<Option<usize>> = vec![None; objs.len()];
    for (s, svc) in objs.iter().enumerate().filter(|(_, o)| o.kind == "Service") {
        let Some(sel) = svc.root.get_path(&["spec", "selector"]) else {
            continue;
        };
        for i in pods.selected(sel) {
            service_of[i].get_or_insert(s);
        }
    }
    for (i, obj) in objs.iter().enumerate() {
        if !obj.is_long_running() || pods.labels(i).is_none() {
            continue;
        }
        let Some(service) = service_of[i].map(|s| &objs[s]) else {
            continue;
        };
        let containers: Vec<_> = obj.containers().into_iter().filter(|c| !c.init).collect();
        // One readiness probe gates the whole pod: sidecars beside a probed container are fine.
        if containers
            .iter()
            .any(|c| c.node.get("readinessProbe").is_some())
        {
            continue;
        }
        for c in containers {
            // A container that listens on no port gets no traffic of its own.
            if c.node
                .get("ports")
                .and_then(crate::yaml::Node::as_seq)
                .is_none_or(|p| p.is_empty())
            {
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
