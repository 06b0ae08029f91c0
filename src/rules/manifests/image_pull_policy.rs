use super::image_tag::image_tag;
use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/image-pull-policy",
    severity: Severity::Warning,
    summary: "imagePullPolicy IfNotPresent or Never on an image with a moving tag",
    doc: r#"## What it does
Reports a container whose `imagePullPolicy` is `IfNotPresent` or `Never` while its image has no
tag or the tag `latest`, and an `imagePullPolicy` that is not one of `Always`, `IfNotPresent`,
`Never`.

An empty policy is Kubernetes's default and fine; hooks (`helm test` pods) are not checked. In
a chart's rendered output an untagged image is left to `manifests/image-tag`.

## Why it matters
Each node keeps whatever `latest` it pulled first: pods of one workload run different builds
depending on the node they land on, and a fix pushed under the same tag never arrives.

## Example
```yaml
image: registry.example.com/app:latest
imagePullPolicy: IfNotPresent
```

## Fix
Pin a version tag (then `IfNotPresent` is right), or use `Always` with a moving tag.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        for c in obj.containers() {
            let Some(policy_node) = c.node.get("imagePullPolicy") else {
                continue;
            };
            let Some(policy) = policy_node.as_str() else {
                continue;
            };
            // An empty policy is Kubernetes's default, as leaving it out is; `helm test` pods
            // are not part of the running release.
            if policy.contains("{{") || policy.is_empty() || obj.is_hook() {
                continue;
            }
            if !matches!(policy, "Always" | "IfNotPresent" | "Never") {
                let d = sink.report(
                    &META,
                    obj.file,
                    policy_node.span,
                    format!("`imagePullPolicy` `{policy}` is not Always, IfNotPresent or Never"),
                );
                d.label("invalid policy");
                if let Some(s) =
                    crate::suggest::closest(policy, ["Always", "IfNotPresent", "Never"])
                {
                    d.help(format!("did you mean `{s}`?"));
                }
                continue;
            }
            let Some(image_node) = c.node.get("image") else {
                continue;
            };
            let Some(image) = image_node.as_str().filter(|i| !i.contains("{{")) else {
                continue;
            };
            // In a chart's output an untagged image is `manifests/image-tag`'s finding already.
            if policy == "Always"
                || !matches!(image_tag(image), None | Some("latest"))
                || ctx.rendered.is_some()
            {
                continue;
            }
            sink.report(
                &META,
                obj.file,
                policy_node.span,
                format!("`imagePullPolicy: {policy}` keeps whatever `{image}` a node pulled first"),
            )
            .label("stale images stay")
            .related(obj.file, image_node.span, "moving tag")
            .help("pin a version tag, or use imagePullPolicy: Always");
        }
    }
}
