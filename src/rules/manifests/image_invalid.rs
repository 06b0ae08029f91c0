use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/image-invalid",
    severity: Severity::Error,
    summary: "A container image is empty or has an empty or invalid part",
    doc: r#"## What it does
Reports a container or init container whose `image` is missing or empty, or whose reference
has an empty part: an empty tag (`nginx:`), an empty repository (`:1.2`, `@sha256:…`), an
empty digest (`nginx@`), a trailing `/` (`registry:5000/`) or an empty path component
(`registry//nginx`). Other references are checked against the image reference grammar
(lowercase path components, a valid registry host, a tag of at most 128 letters, digits,
`_`, `.` and `-`, a digest `algorithm:hex`). In plain manifest files, images holding template
text (`{{ … }}`) are left alone; in rendered output they are what the cluster would receive.
References with a scheme (`ko://github.com/org/cmd`) belong to build tools that replace them
before deploying, and are left alone too.

Images without a tag, or tagged `latest`, are `manifests/image-tag`'s concern, not this
rule's.

## Why it matters
An empty image is rejected by the API server (`containers[0].image: Required value`); an
invalid reference is accepted and then never pulled (`InvalidImageName`), so the pod never
starts. In a chart these are what `{{ .Values.image.repository }}:{{ .Values.image.tag }}`
renders when one of the two values is empty.

## Example
```yaml
containers:
  - name: web
    image: "nginx:"          # image.tag left empty
```

## Fix
Give the image a repository and a tag; in a chart, default the tag
(`{{ .Values.image.tag | default .Chart.AppVersion }}`) and require the repository.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

/// What is wrong with a (non-empty) image reference, in words; `None` when it is valid.
pub(crate) fn problem(image: &str) -> Option<String> {
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (image, None),
    };
    // The tag is after the last ':' that follows the last '/' (a ':' before it is a port).
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], Some(&name[last_slash + i + 1..])),
        None => (name, None),
    };
    if repo.is_empty() {
        return Some("the repository is empty".into());
    }
    if tag == Some("") {
        return Some("the tag after ':' is empty".into());
    }
    match digest {
        Some("") => return Some("the digest after '@' is empty".into()),
        Some(d) if !valid_digest(d) => {
            return Some(format!(
                "`{d}` is not a digest (`algorithm:hex`, such as `sha256:` and 64 hex digits)"
            ));
        }
        _ => {}
    }
    crate::net::check_image(name, true)
}

/// `sha256:0123…`: an algorithm of letters and digits (with `+`, `.`, `_`, `-` between
/// parts), `:`, at least 32 hex digits.
fn valid_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    !alg.is_empty()
        && alg.starts_with(|c: char| c.is_ascii_alphabetic())
        && alg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+._-".contains(&b))
        && hex.len() >= 32
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let rendered = ctx.rendered.is_some();
    for obj in objects(docs) {
        for c in obj.containers() {
            let node = c.node.get("image");
            let image = match node {
                Some(n) if n.is_null() => "",
                Some(n) => match n.scalar_text() {
                    Some(t) => t,
                    None => continue,
                },
                // A partial container (a patch) may leave the image out; rendered
                // output is what the cluster receives.
                None if rendered => "",
                None => continue,
            };
            // `ko://github.com/org/cmd`: a build tool's reference, replaced before deploying.
            if (!rendered && image.contains("{{")) || image.contains("://") {
                continue;
            }
            let what = if c.init {
                "init container"
            } else {
                "container"
            };
            let msg = if image.trim().is_empty() {
                format!(
                    "The image of {what} \"{}\" of {} is empty",
                    c.name(),
                    obj.describe()
                )
            } else {
                match problem(image) {
                    Some(p) => format!(
                        "Image `{image}` of {what} \"{}\" is not a valid image reference: {p}",
                        c.name()
                    ),
                    None => continue,
                }
            };
            let span = node
                .map(|n| n.span)
                .or_else(|| c.node.get("name").map(|n| n.span))
                .unwrap_or(c.node.span);
            sink.report(&META, obj.file, span, msg)
                .label("invalid image")
                .help("write the full image reference, repository and tag: `registry/name:tag`");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn image_references() {
        for ok in [
            "nginx",
            "nginx:1.25",
            "docker.io/bitnami/nginx:1.25.3-debian-12-r0",
            "registry:5000/team/app:v1",
            "localhost:5000/app",
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "nginx:1.25@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        assert_eq!(
            problem("nginx:").as_deref(),
            Some("the tag after ':' is empty")
        );
        assert_eq!(problem(":1.2").as_deref(), Some("the repository is empty"));
        assert_eq!(
            problem("nginx@").as_deref(),
            Some("the digest after '@' is empty")
        );
        assert_eq!(
            problem("@sha256:0123456789abcdef0123456789abcdef").as_deref(),
            Some("the repository is empty")
        );
        assert!(problem("nginx@sha256:12").is_some());
        assert!(problem("registry:5000/").is_some());
        assert!(problem("registry:5000/:1.0").is_some());
        assert!(problem("registry//nginx:1").is_some());
        assert!(problem("Nginx:1").is_some());
    }
}
