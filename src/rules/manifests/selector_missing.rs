use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/selector-missing",
    severity: Severity::Error,
    summary: "A Deployment, ReplicaSet, StatefulSet or DaemonSet has no spec.selector",
    doc: r#"## What it does
Reports a Deployment, ReplicaSet, StatefulSet or DaemonSet without `spec.selector` (or with a
selector that has neither `matchLabels` nor `matchExpressions`). Unlike `helm lint`, which
searches the whole file's text for `matchLabels`, each object is checked on its own.

## Why it matters
`apps/v1` requires the selector; the old `extensions/v1beta1` defaulted it from the template
labels, so descriptors written for it fail as soon as they move to a served API version.

## Example
```yaml
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    metadata: {labels: {app: tsx}}
```

## Fix
Add `spec.selector.matchLabels` with the labels that identify the pods (a subset of the
template's labels that never changes).
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        if !matches!(
            obj.kind,
            "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet"
        ) {
            continue;
        }
        let selector = obj.root.get_path(&["spec", "selector"]);
        if selector
            .is_some_and(|s| s.get("matchLabels").is_some() || s.get("matchExpressions").is_some())
        {
            continue;
        }
        let span = match selector {
            Some(s) => s.span,
            None => obj
                .root
                .get("spec")
                .map(|s| s.span)
                .unwrap_or(obj.root.span),
        };
        let span = obj
            .root
            .entry("spec")
            .filter(|_| selector.is_none())
            .map(|e| e.key.span)
            .unwrap_or(span);
        let d = sink.report(
            &META,
            obj.file,
            span,
            format!(
                "{} has no spec.selector with matchLabels or matchExpressions",
                obj.describe()
            ),
        );
        d.label("no selector");
        if let Some(labels) = obj.pod_labels() {
            d.related(
                obj.file,
                labels.span,
                "pod template labels the selector should match",
            );
        }
        d.help("add spec.selector.matchLabels with stable labels of the pod template");
    }
}
