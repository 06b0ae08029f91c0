use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/volume-mount-undefined",
    severity: Severity::Error,
    summary: "A volumeMount names a volume the pod does not define",
    doc: r#"## What it does
Reports a container `volumeMounts[].name` (or `volumeDevices[].name`) that matches no
`volumes[].name` of the pod (nor, in a StatefulSet, any `volumeClaimTemplates[].metadata.name`,
which gives each pod a volume of that name), with the closest defined name as a suggestion and the pod's
volumes as a second label.

## Why it matters
The API server rejects the pod: `volumeMounts[0].name: Not found: "kpc-conf-volume"`. The
workload never starts.

## Example
```yaml
volumeMounts:
  - name: kpc-conf-volume
    mountPath: /srv/kpc
volumes:
  - name: kpc-conf-vol
    hostPath: {path: /opt/kpc-config}
```

## Fix
Use the same name in the mount and the volume.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs) {
        let volumes = super::volumes(&obj);
        let mut names: Vec<&str> = volumes
            .iter()
            .filter_map(|v| v.get("name").and_then(Node::scalar_text))
            .collect();
        // A StatefulSet's volume claim templates give each pod a volume of the same name.
        let claims = claim_templates(&obj);
        names.extend(claims.iter().map(|(n, _)| *n));
        for c in obj.containers() {
            for field in ["volumeMounts", "volumeDevices"] {
                for m in c.node.get(field).and_then(Node::as_seq).unwrap_or(&[]) {
                    let Some(name_node) = m.get("name") else {
                        continue;
                    };
                    let Some(name) = name_node.scalar_text() else {
                        continue;
                    };
                    if names.contains(&name) || name.contains("{{") {
                        continue;
                    }
                    let d = sink.report(&META, obj.file, name_node.span, format!("Container \"{}\" of {} mounts volume `{name}`, which the pod does not define", c.name(), obj.describe()));
                    d.label("no such volume");
                    match crate::suggest::closest(name, names.iter().copied())
                        .or_else(|| prefix_match(name, &names))
                    {
                        Some(s) => {
                            let vspan = volumes
                                .iter()
                                .find(|v| v.get("name").and_then(Node::scalar_text) == Some(s))
                                .and_then(|v| v.get("name"))
                                .map(|n| n.span)
                                .or_else(|| {
                                    claims.iter().find(|(n, _)| *n == s).map(|(_, sp)| *sp)
                                });
                            if let Some(vs) = vspan {
                                d.related(obj.file, vs, "a volume with a similar name");
                            }
                            d.help(format!("did you mean `{s}`?"));
                        }
                        None => {
                            if let Some(list) = obj.pod_spec().and_then(|s| s.entry("volumes")) {
                                d.related(obj.file, list.key.span, "the pod's volumes");
                            }
                            d.help("add the volume to spec.volumes or fix the mount's name");
                        }
                    }
                }
            }
        }
    }
}

/// Names of a StatefulSet's `spec.volumeClaimTemplates[].metadata.name`, with their spans.
pub(crate) fn claim_templates<'a>(
    obj: &crate::k8s::Object<'a>,
) -> Vec<(&'a str, crate::source::Span)> {
    if obj.kind != "StatefulSet" {
        return Vec::new();
    }
    obj.root
        .get_path(&["spec", "volumeClaimTemplates"])
        .and_then(Node::as_seq)
        .unwrap_or(&[])
        .iter()
        .filter_map(|t| t.get_path(&["metadata", "name"]))
        .filter_map(|n| n.scalar_text().map(|s| (s, n.span)))
        .collect()
}

/// `kpc-conf-volume` vs `kpc-conf-vol`: one name is a prefix of the other.
fn prefix_match<'a>(name: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .copied()
        .find(|n| n.len() >= 3 && (name.starts_with(n) || n.starts_with(name)))
}
