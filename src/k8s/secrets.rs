//! Every form of Secret reference in manifests, and the Secrets a manifest set creates.

use super::{Object, objects};
use crate::chart::YamlDoc;
use crate::yaml::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefKind {
    /// `env[].valueFrom.secretKeyRef`
    EnvKey,
    /// `envFrom[].secretRef`
    EnvFrom,
    /// `volumes[].secret`
    Volume,
    /// `volumes[].projected.sources[].secret`
    Projected,
    /// `imagePullSecrets[]`
    ImagePull,
    /// Ingress `spec.tls[].secretName`
    IngressTls,
}

impl RefKind {
    pub fn describe(self) -> &'static str {
        match self {
            RefKind::EnvKey => "secretKeyRef",
            RefKind::EnvFrom => "envFrom secretRef",
            RefKind::Volume => "secret volume",
            RefKind::Projected => "projected secret",
            RefKind::ImagePull => "imagePullSecrets entry",
            RefKind::IngressTls => "Ingress TLS secretName",
        }
    }
}

pub struct SecretRef<'a> {
    pub object: Object<'a>,
    pub kind: RefKind,
    /// The node holding the whole reference (e.g. the `secretKeyRef` mapping).
    pub node: &'a Node,
    /// The name's node, when present.
    pub name: Option<&'a Node>,
    pub key: Option<&'a Node>,
    pub optional: bool,
}

impl SecretRef<'_> {
    pub fn name_str(&self) -> Option<&str> {
        self.name.and_then(Node::scalar_text)
    }
}

fn optional(n: &Node) -> bool {
    n.get("optional").and_then(Node::as_bool) == Some(true)
}

/// Every Secret reference in a manifest set.
pub fn refs(docs: &[YamlDoc]) -> Vec<SecretRef<'_>> {
    let mut out = Vec::new();
    for obj in objects(docs) {
        for c in obj.containers() {
            for env in c.node.get("env").and_then(Node::as_seq).unwrap_or(&[]) {
                if let Some(r) = env.get_path(&["valueFrom", "secretKeyRef"]) {
                    out.push(SecretRef {
                        object: obj,
                        kind: RefKind::EnvKey,
                        node: r,
                        name: r.get("name"),
                        key: r.get("key"),
                        optional: optional(r),
                    });
                }
            }
            for env in c.node.get("envFrom").and_then(Node::as_seq).unwrap_or(&[]) {
                if let Some(r) = env.get("secretRef") {
                    out.push(SecretRef {
                        object: obj,
                        kind: RefKind::EnvFrom,
                        node: r,
                        name: r.get("name"),
                        key: None,
                        optional: optional(r),
                    });
                }
            }
        }
        if let Some(spec) = obj.pod_spec() {
            for v in spec.get("volumes").and_then(Node::as_seq).unwrap_or(&[]) {
                if let Some(s) = v.get("secret") {
                    out.push(SecretRef {
                        object: obj,
                        kind: RefKind::Volume,
                        node: s,
                        name: s.get("secretName"),
                        key: None,
                        optional: optional(s),
                    });
                }
                for src in v
                    .get_path(&["projected", "sources"])
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                {
                    if let Some(s) = src.get("secret") {
                        out.push(SecretRef {
                            object: obj,
                            kind: RefKind::Projected,
                            node: s,
                            name: s.get("name"),
                            key: None,
                            optional: optional(s),
                        });
                    }
                }
            }
            for p in spec
                .get("imagePullSecrets")
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                out.push(SecretRef {
                    object: obj,
                    kind: RefKind::ImagePull,
                    node: p,
                    name: p.get("name"),
                    key: None,
                    optional: false,
                });
            }
        }
        if obj.kind == "Ingress" {
            for tls in obj
                .root
                .get_path(&["spec", "tls"])
                .and_then(Node::as_seq)
                .unwrap_or(&[])
            {
                if tls.get("secretName").is_some() {
                    out.push(SecretRef {
                        object: obj,
                        kind: RefKind::IngressTls,
                        node: tls,
                        name: tls.get("secretName"),
                        key: None,
                        optional: false,
                    });
                }
            }
        }
    }
    out
}

/// Names of the Secrets a manifest set creates (Secret objects, and the targets of
/// SealedSecret, ExternalSecret and cert-manager Certificate objects).
pub fn created(docs: &[YamlDoc]) -> Vec<String> {
    let mut out = Vec::new();
    for obj in objects(docs) {
        let name = match obj.kind {
            "Secret" | "SealedSecret" => obj.name(),
            "ExternalSecret" => obj
                .root
                .get_path(&["spec", "target", "name"])
                .and_then(Node::as_str)
                .or(obj.name()),
            "Certificate" => obj
                .root
                .get_path(&["spec", "secretName"])
                .and_then(Node::as_str),
            _ => None,
        };
        if let Some(n) = name {
            out.push(n.to_string());
        }
    }
    out
}
