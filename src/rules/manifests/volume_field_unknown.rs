use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

/// Fields of `core/v1 Volume`: the name and one volume source.
pub(crate) const SOURCES: [&str; 30] = [
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "gitRepo",
    "glusterfs",
    "hostPath",
    "image",
    "iscsi",
    "nfs",
    "persistentVolumeClaim",
    "photonPersistentDisk",
    "portworxVolume",
    "projected",
    "quobyte",
    "rbd",
    "scaleIO",
    "secret",
    "storageos",
    "vsphereVolume",
];

pub static META: RuleMeta = RuleMeta {
    name: "manifests/volume-field-unknown",
    severity: Severity::Error,
    summary: "A volume has a field that belongs to no volume source, or several sources",
    doc: r#"## What it does
Reports a field of a `volumes[]` entry that is neither `name` nor a volume source
(`secret`, `configMap`, `hostPath`, `emptyDir`, `persistentVolumeClaim`, …), for example a
`defaultMode` written next to `hostPath` instead of inside a `secret` or `configMap` source,
and a volume with more than one source.

## Why it matters
The API server rejects unknown fields in strict mode and ignores them otherwise, so the
setting silently has no effect; two sources are rejected ("may not specify more than 1
volume type").

## Example
```yaml
volumes:
  - name: cm-conf-volume
    hostPath: {path: /srv/cm-config}
    defaultMode: 444
```

## Fix
Move the field under the source it belongs to (`defaultMode` exists for `secret`,
`configMap`, `projected` and `downwardAPI`; it is an octal mode such as `0444`), or remove it.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        for v in super::volumes(&obj) {
            let Some(entries) = v.as_map() else { continue };
            let mut sources = Vec::new();
            for e in entries {
                let Some(key) = e.key_str() else { continue };
                if key == "name" || key.contains("{{") {
                    continue;
                }
                if SOURCES.contains(&key) {
                    sources.push(e);
                    continue;
                }
                let d = sink.report(
                    &META,
                    obj.file,
                    e.key.span,
                    format!("`{key}` is not a field of a volume"),
                );
                d.label("unknown volume field");
                if key == "defaultMode" || key == "items" || key == "optional" {
                    d.help(format!("`{key}` belongs inside a `secret`, `configMap`, `projected` or `downwardAPI` source"));
                } else if let Some(s) = crate::suggest::closest(key, SOURCES.iter().copied()) {
                    d.help(format!("did you mean `{s}`?"));
                } else {
                    d.help("a volume has a `name` and exactly one source such as `secret`, `configMap` or `emptyDir`");
                }
            }
            if sources.len() > 1 {
                let names: Vec<_> = sources.iter().filter_map(|e| e.key_str()).collect();
                sink.report(
                    &META,
                    obj.file,
                    sources[1].key.span,
                    format!(
                        "A volume may have one source, this one has {}",
                        names.join(", ")
                    ),
                )
                .label("second source")
                .related(obj.file, sources[0].key.span, "first source")
                .help("split it into one volume per source, or use a projected volume");
            }
        }
    }
}
