use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/image-tag",
    severity: Severity::Warning,
    summary: "A container image has no tag or uses latest",
    doc: r#"## What it does
Reports a container `image` without a tag or digest, or with the tag `latest`. Empty images
and references with an empty or malformed part (`nginx:`, `registry:5000/`) are reported by
`manifests/image-invalid` instead.

Helm hooks (`helm test` pods, install Jobs) are not checked.

## Why it matters
The image that runs changes whenever the registry changes: two pods of the same ReplicaSet can
run different code, a rollback does not roll back, and a node restart can upgrade a service
nobody touched.

## Example
```yaml
image: hub.kaaiot.net/kaaiot/tsx/tsx
```

## Fix
Pin a version tag (`tsx:1.0.0`) or a digest (`tsx@sha256:…`).
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

/// The tag of an image reference, `None` when it has none; digests count as pinned (`Some("")`).
pub(crate) fn image_tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return Some("");
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, tag)| tag)
}

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    // Hooks (`helm test` pods, install Jobs) run once with throwaway tools.
    for obj in objects(docs).into_iter().filter(|o| !o.is_hook()) {
        for c in obj.containers() {
            let Some(node) = c.node.get("image") else {
                continue;
            };
            let Some(image) = node.as_str() else { continue };
            // Empty and malformed references are `manifests/image-invalid`'s.
            if image.contains("{{")
                || image.trim().is_empty()
                || super::image_invalid::problem(image).is_some()
            {
                continue;
            }
            let problem = match image_tag(image) {
                None => "has no tag, so it pulls `latest`",
                Some("latest") => "uses the `latest` tag",
                _ => continue,
            };
            sink.report(
                &META,
                obj.file,
                node.span,
                format!("Image `{image}` of container \"{}\" {problem}", c.name()),
            )
            .label("unpinned image")
            .help("pin a version tag or a digest");
        }
    }
}
