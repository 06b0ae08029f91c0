use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/volume-unused",
    severity: Severity::Warning,
    summary: "A pod defines a volume that no container mounts",
    doc: r#"## What it does
Reports a `volumes[]` entry whose name no container (or init container) mounts through
`volumeMounts` or `volumeDevices`.

In a chart's rendered output the finding is information: the mount is often behind a
condition the values leave off.

## Why it matters
An unused volume is usually half of a renamed pair (the mount was renamed, the volume was not),
and a Secret or ConfigMap volume that is never mounted still has to exist for the pod to start.

## Example
```yaml
volumes:
  - name: kpc-conf-vol          # mounted as kpc-conf-volume
    hostPath: {path: /opt/kpc-config}
```

## Fix
Mount the volume, or remove it.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        let mut mounted: Vec<&str> = Vec::new();
        for c in obj.containers() {
            for field in ["volumeMounts", "volumeDevices"] {
                mounted.extend(
                    c.node
                        .get(field)
                        .and_then(Node::as_seq)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(|m| m.get("name").and_then(Node::scalar_text)),
                );
            }
        }
        for v in super::volumes(&obj) {
            let Some(name_node) = v.get("name") else {
                continue;
            };
            let Some(name) = name_node.scalar_text() else {
                continue;
            };
            if mounted.contains(&name) || name.contains("{{") {
                continue;
            }
            let d = sink.report(
                &META,
                obj.file,
                name_node.span,
                format!(
                    "Volume `{name}` of {} is not mounted by any container",
                    obj.describe()
                ),
            );
            d.label("never mounted")
                .help("mount the volume in a container, or remove it");
            // In a chart, the mount is often behind a condition the values leave off.
            if ctx.rendered.is_some() {
                d.severity = crate::diagnostic::Severity::Info;
            }
        }
    }
}
