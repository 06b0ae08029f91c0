use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/duplicate-mount-path",
    severity: Severity::Error,
    summary: "A container mounts two volumes at the same path",
    doc: r#"## What it does
Reports two `volumeMounts` of one container with the same `mountPath`.

## Why it matters
The API server rejects the pod ("must be unique"), so the workload never starts.

## Example
```yaml
volumeMounts:
  - {name: config, mountPath: /etc/app}
  - {name: secrets, mountPath: /etc/app}
```

## Fix
Give each mount its own path, or use `subPath` or a projected volume to combine sources.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        for c in obj.containers() {
            let mounts = c
                .node
                .get("volumeMounts")
                .and_then(Node::as_seq)
                .unwrap_or(&[]);
            let mut seen: Vec<(&str, &Node)> = Vec::new();
            for m in mounts {
                let Some(path_node) = m.get("mountPath") else {
                    continue;
                };
                let Some(path) = path_node.scalar_text() else {
                    continue;
                };
                let path = path.trim_end_matches('/');
                if let Some((_, first)) = seen.iter().find(|(p, _)| *p == path) {
                    sink.report(
                        &META,
                        obj.file,
                        path_node.span,
                        format!(
                            "Container \"{}\" of {} mounts two volumes at `{path}`",
                            c.name(),
                            obj.describe()
                        ),
                    )
                    .label("mounted again here")
                    .related(obj.file, first.span, "first mounted here")
                    .help("give each mount its own path");
                } else {
                    seen.push((path, path_node));
                }
            }
        }
    }
}
