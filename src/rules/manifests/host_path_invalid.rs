use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/host-path-invalid",
    severity: Severity::Error,
    summary: "A hostPath volume is not a mapping with an absolute path",
    doc: r#"## What it does
Reports a `hostPath` volume source that is not a mapping with an absolute `path` (and, when
given, a valid `type`). A string such as `hostPath: ~/cm-config` is the usual mistake: the
field is an object, and `~` is never expanded on the node.

## Why it matters
The API server rejects the pod (`cannot unmarshal string into Go struct field
Volume.hostPath`, or `must be an absolute path`).

## Example
```yaml
volumes:
  - name: cm-conf-volume
    hostPath: ~/cm-config
```

## Fix
```yaml
    hostPath:
      path: /home/kaa/cm-config
      type: Directory
```
"#,
};

const TYPES: [&str; 7] = [
    "",
    "DirectoryOrCreate",
    "Directory",
    "FileOrCreate",
    "File",
    "Socket",
    "CharDevice",
];

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        for v in super::volumes(&obj) {
            let Some(hp) = v.get("hostPath") else {
                continue;
            };
            if let Some(text) = hp.scalar_text() {
                let d = sink.report(&META, obj.file, hp.span, format!("`hostPath` must be a mapping with an absolute `path`, not the string `{text}`"));
                d.label("a string, not a mapping");
                if text.starts_with('~') {
                    d.help(format!("write `hostPath: {{path: /absolute/path}}`; `~` in `{text}` is not expanded on the node"));
                } else {
                    d.help(format!("write `hostPath: {{path: {text}}}`"));
                }
                continue;
            }
            if hp.as_map().is_none() {
                continue;
            }
            match hp.get("path") {
                None => {
                    sink.report(&META, obj.file, hp.span, "`hostPath` has no `path`")
                        .label("missing path");
                }
                Some(p) => {
                    if let Some(path) = p.scalar_text()
                        && !path.starts_with('/')
                        && !path.contains("{{")
                        && !is_windows_absolute(path)
                    {
                        sink.report(
                            &META,
                            obj.file,
                            p.span,
                            format!("`hostPath.path` must be absolute, not `{path}`"),
                        )
                        .label("relative path")
                        .help("use an absolute path on the node");
                    }
                }
            }
            if let Some(t) = hp.get("type").and_then(Node::scalar_text)
                && !TYPES.contains(&t)
                && !t.contains("{{")
            {
                let d = sink.report(
                    &META,
                    obj.file,
                    hp.get("type").map(|n| n.span).unwrap_or(hp.span),
                    format!("`hostPath.type` `{t}` is not a hostPath type"),
                );
                d.label("unknown type");
                if let Some(s) = crate::suggest::closest(t, TYPES.iter().copied()) {
                    d.help(format!("did you mean `{s}`?"));
                }
            }
        }
    }
}

fn is_windows_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && (b[2] == b'\\' || b[2] == b'/')
}
