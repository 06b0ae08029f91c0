use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/duplicate-object",
    severity: Severity::Error,
    summary: "Two objects have the same kind, namespace and name",
    doc: r#"## What it does
Reports an object with the same API group, kind, namespace and name as an earlier one in the
same set: the rendered output of a chart and its subcharts (one release), or the manifest files
of one folder. Objects named with `generateName` and Helm hooks (created and deleted on their
own) are left out. In a chart's output, an object without `metadata.namespace` is in the
release's namespace.

## Why it matters
Helm refuses to install a release whose manifests contain the same object twice, and
`kubectl apply` silently keeps only the last one. It usually comes from two templates using the
same name helper, or from a subchart and its parent both creating an object such as a
ServiceAccount or ConfigMap.

## Example
```yaml
# templates/sa.yaml and templates/rbac.yaml both render:
kind: ServiceAccount
metadata:
  name: {{ include "app.fullname" . }}
```

## Fix
Create the object in one template, or give each a distinct name (a suffix on the helper's
output).
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let mut seen: HashMap<
        (String, String, String, String),
        (&crate::source::File, crate::source::Span),
    > = HashMap::new();
    for obj in crate::k8s::objects(docs) {
        let Some(name_node) = obj.root.get_path(&["metadata", "name"]) else {
            continue;
        };
        let Some(name) = name_node.as_str().filter(|n| !n.is_empty()) else {
            continue;
        };
        if obj
            .root
            .get_path(&["metadata", "annotations", "helm.sh/hook"])
            .is_some()
        {
            continue;
        }
        let group = obj
            .api_version
            .rsplit_once('/')
            .map_or("", |(g, _)| g)
            .to_string();
        let namespace = match obj
            .root
            .get_path(&["metadata", "namespace"])
            .and_then(Node::as_str)
        {
            Some(ns) => ns.to_string(),
            // The release namespace, which `helm template` calls `default`.
            None if ctx.rendered.is_some() => "default".to_string(),
            None => String::new(),
        };
        let key = (group, obj.kind.to_string(), namespace, name.to_string());
        match seen.get(&key) {
            Some((first_file, first_span)) => {
                sink.report(
                    &META,
                    obj.file,
                    name_node.span,
                    format!("{} is defined twice", obj.describe()),
                )
                .label("second definition")
                .related(first_file, *first_span, "first defined here")
                .help("give each object its own name, or create it in one place");
            }
            None => {
                seen.insert(key, (obj.file, name_node.span));
            }
        }
    }
}
