use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/container-name-duplicate",
    severity: Severity::Error,
    summary: "Two containers of a pod have the same name",
    doc: r#"## What it does
Reports a container whose `name` another container of the same pod already uses. Containers
and init containers share one set of names, so an init container may not take the name of a
regular container either. The finding is on the later container (init containers count after
regular ones, as in the API server's message); a related label points at the first.

## Why it matters
The API server rejects the pod, or the workload's pod template:
`spec.template.spec.initContainers[0].name: Duplicate value: "app"`. In a chart this happens
when a sidecar or init container from the values takes the main container's name.

## Example
```yaml
initContainers:
  - name: app
    image: busybox:1.36
containers:
  - name: app
    image: example/app:1.0
```

## Fix
Give every container of the pod its own name.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        let mut seen: Vec<(&str, &Node, bool)> = Vec::new();
        for c in obj.containers() {
            let Some(node) = c.node.get("name") else {
                continue;
            };
            let Some(name) = node.scalar_text().filter(|n| !n.is_empty()) else {
                continue;
            };
            if let Some((_, first, first_init)) = seen.iter().find(|(n, _, _)| *n == name) {
                let what = |init: bool| if init { "init container" } else { "container" };
                sink.report(
                    &META,
                    obj.file,
                    node.span,
                    format!(
                        "{} \"{name}\" of {} has the name of an earlier {}",
                        capitalise(what(c.init)),
                        obj.describe(),
                        what(*first_init)
                    ),
                )
                .label("duplicate container name")
                .related(obj.file, first.span, "first used here")
                .help("give every container and init container of the pod its own name");
                continue;
            }
            seen.push((name, node, c.init));
        }
    }
}

fn capitalise(s: &str) -> String {
    super::memory_limit_missing::capitalise(s)
}
