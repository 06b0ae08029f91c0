//! Kubernetes objects over the spanned YAML tree: kind, apiVersion, metadata, and pod-spec
//! accessors for every workload kind.

pub mod deprecations;
pub mod names;
pub mod probes;
pub mod quantity;
pub mod resources;
pub mod schema;
pub mod secrets;
pub mod selection;

use crate::chart::YamlDoc;
use crate::source::File;
use crate::yaml::Node;

/// One Kubernetes object: a YAML document with `apiVersion` and `kind`.
#[derive(Clone, Copy)]
pub struct Object<'a> {
    pub file: &'a File,
    pub root: &'a Node,
    pub api_version: &'a str,
    pub kind: &'a str,
}

impl<'a> Object<'a> {
    pub fn name(&self) -> Option<&'a str> {
        self.root
            .get_path(&["metadata", "name"])
            .and_then(Node::as_str)
    }

    pub fn namespace(&self) -> Option<&'a str> {
        self.root
            .get_path(&["metadata", "namespace"])
            .and_then(Node::as_str)
    }

    /// `Kind/name` for messages.
    pub fn describe(&self) -> String {
        format!("{}/{}", self.kind, self.name().unwrap_or("<unnamed>"))
    }

    /// The pod spec of a workload or Pod.
    pub fn pod_spec(&self) -> Option<&'a Node> {
        self.pod_template()
            .and_then(|t| t.get("spec"))
            .or_else(|| match self.kind {
                "Pod" => self.root.get("spec"),
                _ => None,
            })
    }

    /// The pod template (`metadata` + `spec`) of a workload.
    pub fn pod_template(&self) -> Option<&'a Node> {
        match self.kind {
            "Deployment"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicaSet"
            | "Job"
            | "ReplicationController" => self.root.get_path(&["spec", "template"]),
            "CronJob" => self
                .root
                .get_path(&["spec", "jobTemplate", "spec", "template"]),
            _ => None,
        }
    }

    /// Labels on the pods this object creates.
    pub fn pod_labels(&self) -> Option<&'a Node> {
        match self.kind {
            "Pod" => self.root.get_path(&["metadata", "labels"]),
            _ => self
                .pod_template()
                .and_then(|t| t.get_path(&["metadata", "labels"])),
        }
    }

    pub fn is_workload(&self) -> bool {
        self.pod_spec().is_some()
    }

    /// A Helm hook (`helm.sh/hook`): created around an install or by `helm test`, not part of
    /// the running release.
    pub fn is_hook(&self) -> bool {
        self.root
            .get_path(&["metadata", "annotations", "helm.sh/hook"])
            .is_some()
    }

    /// Workloads whose pods are meant to keep running (not Jobs).
    pub fn is_long_running(&self) -> bool {
        matches!(
            self.kind,
            "Deployment"
                | "StatefulSet"
                | "DaemonSet"
                | "ReplicaSet"
                | "ReplicationController"
                | "Pod"
        ) && !(self.kind == "Pod"
            && matches!(
                self.root
                    .get_path(&["spec", "restartPolicy"])
                    .and_then(Node::as_str),
                Some("Never" | "OnFailure")
            ))
    }

    /// Containers of the pod spec: `containers` then `initContainers` (and ephemeral ones).
    pub fn containers(&self) -> Vec<Container<'a>> {
        let Some(spec) = self.pod_spec() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (field, init) in [("containers", false), ("initContainers", true)] {
            for node in spec.get(field).and_then(Node::as_seq).unwrap_or(&[]) {
                out.push(Container { node, init });
            }
        }
        out
    }
}

#[derive(Clone, Copy)]
pub struct Container<'a> {
    pub node: &'a Node,
    pub init: bool,
}

impl<'a> Container<'a> {
    pub fn name(&self) -> &'a str {
        self.node
            .get("name")
            .and_then(Node::scalar_text)
            .unwrap_or("<unnamed>")
    }

    /// Named ports this container declares.
    pub fn port_names(&self) -> Vec<&'a str> {
        self.node
            .get("ports")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|p| p.get("name").and_then(Node::as_str))
            .collect()
    }

    /// Declared container port numbers.
    pub fn port_numbers(&self) -> Vec<i64> {
        self.node
            .get("ports")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|p| p.get("containerPort").and_then(Node::as_i64))
            .collect()
    }
}

/// Every object of a set of YAML files, in file order.
pub fn objects(docs: &[YamlDoc]) -> Vec<Object<'_>> {
    let mut out = Vec::new();
    for doc in docs {
        for d in &doc.yaml.documents {
            let Some(root) = &d.root else { continue };
            let (Some(api_version), Some(kind)) = (
                root.get("apiVersion").and_then(Node::as_str),
                root.get("kind").and_then(Node::as_str),
            ) else {
                continue;
            };
            if kind == "List" {
                for item in root.get("items").and_then(Node::as_seq).unwrap_or(&[]) {
                    if let (Some(av), Some(k)) = (
                        item.get("apiVersion").and_then(Node::as_str),
                        item.get("kind").and_then(Node::as_str),
                    ) {
                        out.push(Object {
                            file: &doc.file,
                            root: item,
                            api_version: av,
                            kind: k,
                        });
                    }
                }
                continue;
            }
            out.push(Object {
                file: &doc.file,
                root,
                api_version,
                kind,
            });
        }
    }
    out
}

/// Whether every label of `selector` (a `matchLabels`-style map) is in `labels` with the same value.
pub fn labels_match(selector: &Node, labels: &Node) -> bool {
    selector
        .entries()
        .all(|e| match (e.key_str(), e.value.scalar_text()) {
            (Some(k), Some(v)) => labels.get(k).and_then(Node::scalar_text) == Some(v),
            _ => false,
        })
}
