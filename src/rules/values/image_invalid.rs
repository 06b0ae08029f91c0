use crate::chart::Chart;
use crate::chart::values::{is_template, norm, parent_key};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::net::check_image;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "values/image-invalid",
    severity: Severity::Error,
    summary: "An image repository or reference in values is not a valid image name",
    doc: r#"## What it does
Reports image values that no registry accepts: `repository` (and `image` when it is a plain
string without a separate tag) under image settings, checked against the image reference
grammar: lowercase path components separated by `/`, no empty components, no trailing `/`,
a valid registry host. A `repository` may hold a tag (`graylog/graylog:3.1`) only when no
`tag` (or `digest`) value sits beside it: then it is the whole reference. Template strings and
empty values are left alone.

## Why it matters
The kubelet cannot pull the image (`InvalidImageName`), so the pod never starts. A trailing
`//` is what a documented default looks like after its template part was stripped.

## Example
```yaml
image:
  repository: "dev-hub.kaaiot.net/core/service//"
```

## Fix
Write the full repository path, e.g. `dev-hub.kaaiot.net/core/service/ecr`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    let values = ctx.values(chart);
    // Mappings that give the tag separately: a `repository` beside them must not carry one.
    let with_tag: std::collections::HashSet<&str> = values
        .iter()
        .filter(|v| matches!(v.key, Some("tag" | "digest")))
        .map(|v| v.path.rsplit_once('.').map(|(p, _)| p).unwrap_or(""))
        .collect();
    for v in values {
        let Some(key) = v.key else { continue };
        let Some(text) = v.node.as_str() else {
            continue;
        };
        if text.is_empty() || is_template(text) {
            continue;
        }
        let k = norm(key);
        let parent = parent_key(v.path).map(norm).unwrap_or_default();
        let (check_it, allow_tag) = match k.as_str() {
            "repository" => (
                parent.contains("image")
                    || parent.is_empty()
                    || parent.ends_with("container")
                    || parent == "curl",
                // `repository: graylog/graylog:3.1` with no `tag` beside it is the whole
                // reference, the way the chart's templates print it.
                !with_tag.contains(v.path.rsplit_once('.').map(|(p, _)| p).unwrap_or("")),
            ),
            "image" => (true, true),
            _ => (
                k.ends_with("image") && !k.contains("pullpolicy") && !k.contains("secret"),
                true,
            ),
        };
        if !check_it {
            continue;
        }
        let Some(problem) = check_image(text, allow_tag) else {
            continue;
        };
        sink.report(&META, v.file, v.node.span, format!("`{}` is not a valid image {}: {problem}", v.path, if allow_tag { "reference" } else { "repository" }))
            .label("invalid image name")
            .help("write the full repository path: registry/namespace/name, lowercase, without empty components");
    }
}
