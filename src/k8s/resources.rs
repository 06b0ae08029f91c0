//! Resource requirements wherever they sit: containers in manifests, `resources` objects in values.

use super::{Container, Object, objects};
use crate::chart::{Chart, YamlDoc};
use crate::source::File;
use crate::yaml::Node;

pub struct Resources<'a> {
    pub file: &'a File,
    /// For messages: `container "api" of Deployment/web` or a values path.
    pub owner: String,
    /// The `resources` mapping, if present.
    pub node: Option<&'a Node>,
    /// The `resources` key, if present.
    pub key: Option<crate::source::Span>,
    pub container: Option<Container<'a>>,
    pub object: Option<Object<'a>>,
}

impl<'a> Resources<'a> {
    pub fn requests(&self) -> Option<&'a Node> {
        self.node.and_then(|n| n.get("requests"))
    }

    pub fn limits(&self) -> Option<&'a Node> {
        self.node.and_then(|n| n.get("limits"))
    }
}

/// One entry per container of every workload.
pub fn in_manifests(docs: &[YamlDoc]) -> Vec<Resources<'_>> {
    let mut out = Vec::new();
    for obj in objects(docs) {
        for c in obj.containers() {
            out.push(Resources {
                file: obj.file,
                owner: format!("container \"{}\" of {}", c.name(), obj.describe()),
                node: c.node.get("resources").filter(|n| n.as_map().is_some()),
                key: c.node.entry("resources").map(|e| e.key.span),
                container: Some(c),
                object: Some(obj),
            });
        }
    }
    out
}

/// Every `resources` mapping in values that holds `requests` or `limits`.
pub fn in_values(chart: &Chart) -> Vec<Resources<'_>> {
    let Some(values) = &chart.values else {
        return Vec::new();
    };
    let mut out = Vec::new();
    crate::chart::values::each_node(chart, &mut |path, entry, node| {
        if entry.and_then(|e| e.key_str()) == Some("resources")
            && (node.get("requests").is_some() || node.get("limits").is_some())
        {
            out.push(Resources {
                file: &values.file,
                owner: format!("values `{path}`"),
                node: Some(node),
                key: entry.map(|e| e.key.span),
                container: None,
                object: None,
            });
        }
    });
    out
}
