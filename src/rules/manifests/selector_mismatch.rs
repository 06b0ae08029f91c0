use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/selector-mismatch",
    severity: Severity::Error,
    summary: "A workload's selector does not match its own pod template labels",
    doc: r#"## What it does
Reports a workload whose `spec.selector.matchLabels` (or `matchExpressions` with `In`,
`NotIn`, `Exists`, `DoesNotExist`) does not select the labels of its own pod template. `NotIn`
and `DoesNotExist` are satisfied by a template without the label; expressions with any other
operator are left alone.

## Why it matters
The API server rejects the object ("selector does not match template labels"); for a Job it
creates pods it can never see.

## Example
```yaml
selector:
  matchLabels: {app: web}
template:
  metadata:
    labels: {app: website}
```

## Fix
Make the selector a subset of the template's labels.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        let Some(selector) = obj.root.get_path(&["spec", "selector"]) else {
            continue;
        };
        if obj.kind == "Service" || obj.pod_template().is_none() || selector.as_map().is_none() {
            continue;
        }
        let empty = Node {
            span: obj.root.span,
            kind: crate::yaml::NodeKind::Map(Vec::new()),
            alias: None,
            duplicate_keys: false,
        };
        let labels = obj.pod_labels().unwrap_or(&empty);
        if let Some(ml) = selector.get("matchLabels") {
            for e in ml.entries() {
                let (Some(k), Some(v)) = (e.key_str(), e.value.scalar_text()) else {
                    continue;
                };
                if labels.get(k).and_then(Node::scalar_text) == Some(v) {
                    continue;
                }
                let have = labels.get(k).and_then(Node::scalar_text);
                let msg = match have {
                    Some(h) => format!(
                        "Selector requires `{k}: {v}` but the pod template of {} has `{k}: {h}`",
                        obj.describe()
                    ),
                    None => format!(
                        "Selector requires `{k}: {v}` but the pod template of {} has no `{k}` label",
                        obj.describe()
                    ),
                };
                let d = sink.report(&META, obj.file, e.key.span.cover(e.value.span), msg);
                d.label("not matched");
                if let Some(l) = obj.pod_labels() {
                    d.related(
                        obj.file,
                        l.entry(k).map(|le| le.value.span).unwrap_or(l.span),
                        "pod template labels",
                    );
                }
                d.help("make the selector a subset of the template's labels");
            }
        }
        for expr in selector
            .get("matchExpressions")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            let (Some(key), Some(op)) = (
                expr.get("key").and_then(Node::scalar_text),
                expr.get("operator").and_then(Node::as_str),
            ) else {
                continue;
            };
            let values: Vec<&str> = expr
                .get("values")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
                .iter()
                .filter_map(Node::scalar_text)
                .collect();
            let have = labels.get(key).and_then(Node::scalar_text);
            let ok = match op {
                "In" => have.is_some_and(|h| values.contains(&h)),
                "NotIn" => !have.is_some_and(|h| values.contains(&h)),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                _ => true,
            };
            if !ok {
                let expression = match op {
                    "In" | "NotIn" => format!("{key} {op} ({})", values.join(", ")),
                    _ => format!("{key} {op}"),
                };
                let template = match have {
                    Some(h) => format!("has `{key}: {h}`"),
                    None => format!("has no `{key}` label"),
                };
                let d = sink.report(
                    &META,
                    obj.file,
                    expr.span,
                    format!(
                        "Selector expression `{expression}` does not match the pod template of {}, which {template}",
                        obj.describe()
                    ),
                );
                d.label("not matched");
                if let Some(l) = obj.pod_labels() {
                    d.related(
                        obj.file,
                        l.entry(key).map(|le| le.value.span).unwrap_or(l.span),
                        "pod template labels",
                    );
                }
                d.help("make the selector match the template's labels");
            }
        }
    }
}
