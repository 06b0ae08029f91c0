use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::{Node, NodeKind};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/missing-kind",
    severity: Severity::Error,
    summary: "A rendered document is not a Kubernetes object (no kind or apiVersion)",
    doc: r#"## What it does
Reports a document of a chart's rendered output that is not a Kubernetes object: a mapping
without `apiVersion` or `kind` (or with one that is not a string), or a list or plain value.
Comment-only and empty documents are fine. Plain manifest files outside charts are not checked
(any YAML file may sit next to them).

## Why it matters
`helm template` prints such a document, but `helm install` fails with `apiVersion not set` or
`kind not set`. It usually comes from a `---` placed inside an `if` so that a document keeps
only part of an object, or from a helper that renders fields at the top level.

## Example
```yaml
{{- if .Values.serviceAccount.create }}
---
{{- end }}
apiVersion: v1          # with create=false this is still a document…
kind: ServiceAccount
---
metadata:               # …and this one has no kind
  name: web
```

## Fix
Put the `---` separator and the whole object inside the same `if`, and give every document
`apiVersion` and `kind`.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    if ctx.rendered.is_none() {
        return;
    }
    for doc in docs {
        for d in &doc.yaml.documents {
            let Some(root) = &d.root else { continue };
            let problem = match &root.kind {
                NodeKind::Map(entries) => {
                    let missing: Vec<&str> = ["apiVersion", "kind"]
                        .into_iter()
                        .filter(|k| root.get(k).and_then(Node::as_str).is_none_or(str::is_empty))
                        .collect();
                    if missing.is_empty() {
                        continue;
                    }
                    let at = entries.first().map(|e| e.key.span).unwrap_or(root.span);
                    Some((
                        at,
                        format!("Rendered object has no `{}`", missing.join("` or `")),
                    ))
                }
                NodeKind::Seq(_) => Some((
                    root.span,
                    "Rendered document is a list, not a Kubernetes object".to_string(),
                )),
                NodeKind::Scalar(_) if root.is_null() => None,
                NodeKind::Scalar(_) => Some((
                    root.span,
                    "Rendered document is plain text, not a Kubernetes object".to_string(),
                )),
            };
            if let Some((span, message)) = problem {
                sink.report(&META, &doc.file, span, message).help(
                    "Helm rejects it at install time; every document needs `apiVersion` and `kind`",
                );
            }
        }
    }
}
