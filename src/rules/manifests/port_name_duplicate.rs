use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/port-name-duplicate",
    severity: Severity::Error,
    summary: "A container declares two ports with the same name",
    doc: r#"## What it does
Reports a `ports[].name` that an earlier port of the same container already uses. The
finding is on the later port; a related label points at the first.

Only names within one container are compared, which is what the API server validates. The
same name in two different containers of a pod is accepted (recent API servers warn that
Services and probes selecting the port by name use the first one), and the same
`containerPort` under two protocols (`53/TCP` and `53/UDP`) is valid: neither is reported.

## Why it matters
The API server rejects the pod, or the workload's pod template:
`spec.template.spec.containers[0].ports[1].name: Duplicate value: "http"`. In a chart this
happens when a port from the values (`extraPorts`, a metrics port) reuses a fixed port's name.

## Example
```yaml
ports:
  - name: http
    containerPort: 8080
  - name: http
    containerPort: 9090
```

## Fix
Give each port of the container its own name (at most 15 characters, lowercase letters,
digits and `-`).
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        for c in obj.containers() {
            let mut seen: Vec<(&str, &Node)> = Vec::new();
            for p in c.node.get("ports").and_then(Node::as_seq).unwrap_or(&[]) {
                let Some(node) = p.get("name") else { continue };
                let Some(name) = node.scalar_text().filter(|n| !n.is_empty()) else {
                    continue;
                };
                if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                    sink.report(
                        &META,
                        obj.file,
                        node.span,
                        format!(
                            "Container \"{}\" of {} declares two ports named `{name}`",
                            c.name(),
                            obj.describe()
                        ),
                    )
                    .label("duplicate port name")
                    .related(obj.file, first.span, "first port with this name")
                    .help("give each port of the container its own name");
                    continue;
                }
                seen.push((name, node));
            }
        }
    }
}
