use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/env-duplicate",
    severity: Severity::Warning,
    summary: "A container defines the same environment variable twice",
    doc: r#"## What it does
Reports an `env[].name` that an earlier entry of the same container's `env` list already
defines. The finding is on the later entry; a related label points at the first one.
Variables from `envFrom` are not compared: overriding them with `env` is what `env` is for.

## Why it matters
Kubernetes keeps the last definition and silently drops the earlier one; the API server only
warns ("hides previous definition"). The value a reader sees first is not the one the
container gets, and `kubectl apply` merges the list by name, so a later change to either entry
can remove both. In a chart this is usually a fixed variable that a values list (`extraEnv`)
repeats.

## Example
```yaml
env:
  - name: LOG_LEVEL
    value: info
  - name: LOG_LEVEL        # wins: the container runs with debug
    value: debug
```

## Fix
Keep one definition; in a chart, let the values override the default in one place (for
example with a `default` in the template) instead of appending a second entry.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        for c in obj.containers() {
            let env = c.node.get("env").and_then(Node::as_seq).unwrap_or(&[]);
            let mut seen: Vec<(&str, &Node)> = Vec::new();
            for e in env {
                let Some(name_node) = e.get("name") else {
                    continue;
                };
                let Some(name) = name_node.as_str().filter(|n| !n.is_empty()) else {
                    continue;
                };
                if let Some((_, first)) = seen.iter().find(|(n, _)| *n == name) {
                    sink.report(
                        &META,
                        obj.file,
                        name_node.span,
                        format!(
                            "Environment variable `{name}` of container \"{}\" of {} is defined twice; the container gets this later value",
                            c.name(),
                            obj.describe()
                        ),
                    )
                    .label("defined again")
                    .related(obj.file, first.span, "first defined here, and ignored")
                    .help("keep one definition of the variable");
                    continue;
                }
                seen.push((name, name_node));
            }
        }
    }
}
