use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::{Node, NodeKind};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/selector-missing",
    severity: Severity::Error,
    summary: "A Deployment, ReplicaSet, StatefulSet or DaemonSet has no spec.selector",
    doc: r#"## What it does
Reports a Deployment, ReplicaSet, StatefulSet or DaemonSet without `spec.selector` (or with a
selector whose `matchLabels` and `matchExpressions` are both missing or empty, as a selector
helper that renders nothing leaves it). Unlike `helm lint`, which searches the whole file's
text for `matchLabels`, each object is checked on its own.

Objects of the old API versions that filled a missing selector in from the pod template's
labels (`extensions/v1beta1` Deployments, DaemonSets and ReplicaSets, `apps/v1beta1`
Deployments and StatefulSets) are reported at `info` only, as a step of moving them to
`apps/v1` (their removal itself is `manifests/api-removed`'s concern). `apps/v1beta2` and
`apps/v1` require the selector.

## Why it matters
`apps/v1` rejects the object (`spec.selector: Required value`, or `empty selector is invalid
for deployment`); descriptors written for `extensions/v1beta1`, which defaulted it, fail as
soon as they move to a served API version.

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
        // These API versions defaulted a missing selector from the template labels.
        let defaulted = defaults_selector(obj.api_version, obj.kind);
        let selector = obj.root.get_path(&["spec", "selector"]);
        let non_empty = |n: Option<&Node>| {
            n.is_some_and(|n| match &n.kind {
                NodeKind::Map(m) => !m.is_empty(),
                NodeKind::Seq(s) => !s.is_empty(),
                NodeKind::Scalar(_) => !n.is_null(),
            })
        };
        if selector.is_some_and(|s| {
            non_empty(s.get("matchLabels")) || non_empty(s.get("matchExpressions"))
        }) {
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
        let span = match selector {
            Some(_) => obj
                .root
                .get("spec")
                .and_then(|s| s.entry("selector"))
                .map(|e| e.key.span),
            None => obj.root.entry("spec").map(|e| e.key.span),
        }
        .unwrap_or(span);
        let msg = if defaulted {
            format!(
                "{} has no spec.selector: {} filled it in from the template labels, but apps/v1, which replaces it, requires one",
                obj.describe(),
                obj.api_version
            )
        } else {
            format!(
                "{} has no spec.selector with non-empty matchLabels or matchExpressions",
                obj.describe()
            )
        };
        let d = sink.report(&META, obj.file, span, msg);
        if defaulted {
            // Not a defect while the old version is served; a step of moving to apps/v1.
            d.severity = crate::diagnostic::Severity::Info;
        }
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

/// `extensions/v1beta1` (Deployment, DaemonSet, ReplicaSet) and `apps/v1beta1` (Deployment,
/// StatefulSet) filled a missing selector in from the pod template's labels; `apps/v1beta2`
/// and `apps/v1` require it.
fn defaults_selector(api_version: &str, kind: &str) -> bool {
    match api_version {
        "extensions/v1beta1" => matches!(kind, "Deployment" | "DaemonSet" | "ReplicaSet"),
        "apps/v1beta1" => matches!(kind, "Deployment" | "StatefulSet"),
        _ => false,
    }
}
