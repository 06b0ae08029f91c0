//! Which workloads a Service selects, found through an index of pod labels.
//!
//! A set can hold tens of thousands of objects (a folder of loose manifests, a large rendered
//! release); comparing every Service with every workload is quadratic. The index maps each
//! `key=value` pod label to the workloads that carry it, so a selector looks up one of its
//! labels and compares only with the workloads that have it.

use super::{Object, labels_match};
use crate::yaml::Node;
use std::collections::HashMap;

pub struct PodSelection<'a> {
    /// The pod labels of each object of the set, by index (`None`: not a pod template).
    labels: Vec<Option<&'a Node>>,
    by_label: HashMap<(&'a str, &'a str), Vec<usize>>,
}

impl<'a> PodSelection<'a> {
    pub fn new(objs: &[Object<'a>]) -> PodSelection<'a> {
        let labels: Vec<Option<&'a Node>> = objs.iter().map(|o| o.pod_labels()).collect();
        let mut by_label: HashMap<(&'a str, &'a str), Vec<usize>> = HashMap::new();
        for (i, l) in labels.iter().enumerate() {
            for e in l.iter().flat_map(|l| l.entries()) {
                if let (Some(k), Some(v)) = (e.key_str(), e.value.scalar_text()) {
                    by_label.entry((k, v)).or_default().push(i);
                }
            }
        }
        PodSelection { labels, by_label }
    }

    /// The indices of the objects whose pod labels `selector` (a `matchLabels`-style map)
    /// matches, in set order. An empty selector selects nothing here.
    pub fn selected(&self, selector: &Node) -> Vec<usize> {
        let Some(first) = selector.entries().next() else {
            return Vec::new();
        };
        let (Some(k), Some(v)) = (first.key_str(), first.value.scalar_text()) else {
            return Vec::new();
        };
        self.by_label
            .get(&(k, v))
            .into_iter()
            .flatten()
            .copied()
            .filter(|&i| self.labels[i].is_some_and(|l| labels_match(selector, l)))
            .collect()
    }

    /// Whether any object's pod labels match `selector`.
    pub fn any_selected(&self, selector: &Node) -> bool {
        !self.selected(selector).is_empty()
    }

    /// The pod labels of object `i`.
    pub fn labels(&self, i: usize) -> Option<&'a Node> {
        self.labels[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::YamlDoc;
    use crate::source::SourceFile;

    #[test]
    fn selects_by_every_label_of_the_selector() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    metadata:\n      labels: {app: x, tier: web}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\nspec:\n  template:\n    metadata:\n      labels: {app: x, tier: db}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: x, tier: db}\n";
        let doc = YamlDoc::parse(SourceFile::new("m.yaml", text.to_string()));
        let docs = [doc];
        let objs = super::super::objects(&docs);
        let sel = PodSelection::new(&objs);
        let svc = objs[2].root.get_path(&["spec", "selector"]).unwrap();
        assert_eq!(sel.selected(svc), vec![1]);
        let none = YamlDoc::parse(SourceFile::new("s.yaml", "{app: y}".to_string()));
        assert!(!sel.any_selected(none.yaml.root().unwrap()));
    }
}
