//! Custom resource schemas: the `openAPIV3Schema` of each served version of a
//! CustomResourceDefinition, converted to the compact form built-in types use, so a chart's
//! own custom resources are validated like built-in objects.

use super::{ObjectSchema, Schema};
use crate::yaml::Node;

/// Deeper schemas are accepted as they are (a hostile CRD cannot recurse without bound).
const MAX_DEPTH: usize = 64;

/// Custom resource types: `"<group>/<version> <Kind>"` → schema.
#[derive(Default, Debug)]
pub struct CrdSet {
    /// Types known before this set's own (a chart's `crds/`, kept for all its renders): they
    /// come first, as if added first.
    base: Option<std::sync::Arc<CrdSet>>,
    entries: Vec<(String, Schema)>,
}

impl CrdSet {
    /// A set that starts with the types of `base`.
    pub fn with_base(base: std::sync::Arc<CrdSet>) -> CrdSet {
        CrdSet {
            base: Some(base),
            entries: Vec::new(),
        }
    }

    fn has_key(&self, key: &str) -> bool {
        self.base.as_ref().is_some_and(|b| b.has_key(key))
            || self.entries.iter().any(|(k, _)| k == key)
    }

    /// Adds the served versions of the CustomResourceDefinition `root` (apiextensions v1, or
    /// v1beta1 with its one `validation` schema).
    pub fn add(&mut self, root: &Node) {
        let Some(spec) = root.get("spec") else { return };
        let (Some(group), Some(kind)) = (
            spec.get("group").and_then(Node::as_str),
            spec.get_path(&["names", "kind"]).and_then(Node::as_str),
        ) else {
            return;
        };
        let shared = spec.get_path(&["validation", "openAPIV3Schema"]);
        let mut versions: Vec<(&str, Option<&Node>)> = Vec::new();
        for v in spec.get("versions").and_then(Node::as_seq).unwrap_or(&[]) {
            if v.get("served").and_then(Node::as_bool) == Some(false) {
                continue;
            }
            if let Some(name) = v.get("name").and_then(Node::as_str) {
                versions.push((name, v.get_path(&["schema", "openAPIV3Schema"]).or(shared)));
            }
        }
        if versions.is_empty()
            && let Some(name) = spec.get("version").and_then(Node::as_str)
        {
            versions.push((name, shared));
        }
        for (version, schema) in versions {
            let key = format!("{group}/{version} {kind}");
            if self.has_key(&key) {
                continue;
            }
            let schema = match schema {
                Some(s) => root_schema(s),
                // A version without a schema accepts anything.
                None => Schema::Any,
            };
            self.entries.push((key, schema));
        }
    }

    /// The schema of objects of this apiVersion and kind, when a CRD defines it.
    pub fn get(&self, api_version: &str, kind: &str) -> Option<&Schema> {
        if let Some(found) = self.base.as_ref().and_then(|b| b.get(api_version, kind)) {
            return Some(found);
        }
        self.entries.iter().find_map(|(k, s)| {
            let (av, kd) = k.split_once(' ')?;
            (av == api_version && kd.eq_ignore_ascii_case(kind)).then_some(s)
        })
    }

    /// Whether a CRD of this group and kind is known (in any version).
    pub fn has_kind(&self, group: &str, kind: &str) -> bool {
        if self.base.as_ref().is_some_and(|b| b.has_kind(group, kind)) {
            return true;
        }
        self.entries.iter().any(|(k, _)| {
            k.split_once(' ').is_some_and(|(av, kd)| {
                kd == kind && av.rsplit_once('/').is_some_and(|(g, _)| g == group)
            })
        })
    }

    pub fn is_empty(&self) -> bool {
        self.base.as_ref().is_none_or(|b| b.is_empty()) && self.entries.is_empty()
    }

    /// Adds the CustomResourceDefinitions among `docs`.
    pub fn add_docs(&mut self, docs: &[crate::chart::YamlDoc]) {
        for obj in crate::k8s::objects(docs) {
            if obj.kind == "CustomResourceDefinition"
                && obj.api_version.starts_with("apiextensions.k8s.io/")
            {
                self.add(obj.root);
            }
        }
    }

    /// Adds a JSON schema of the kubeconform layout: `<kind>_<version>.json` (the kind in
    /// lower case) in a folder named after the group.
    fn add_json(&mut self, group: &str, file_name: &str, root: &Node) {
        let Some(stem) = file_name.strip_suffix(".json") else {
            return;
        };
        let Some((kind, version)) = stem.rsplit_once('_') else {
            return;
        };
        let key = format!("{group}/{version} {kind}");
        if !self
            .entries
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case(&key))
        {
            self.entries.push((key, root_schema(root)));
        }
    }
}

/// Files a catalog folder may hold, and their size: a catalog is read whole.
const CATALOG_FILES: usize = 20_000;
const CATALOG_FILE_SIZE: u64 = 8 << 20;

/// The schemas of the catalog folders (`crdCatalogs`): CRD files (YAML) and kubeconform-layout
/// JSON schemas, read once per set of folders in a run.
pub fn catalog(folders: &[std::path::PathBuf]) -> Option<std::sync::Arc<CrdSet>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    if folders.is_empty() {
        return None;
    }
    static CACHE: OnceLock<Mutex<HashMap<Vec<std::path::PathBuf>, Arc<CrdSet>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(set) = cache.lock().ok()?.get(folders) {
        return Some(set.clone());
    }
    let mut set = CrdSet::default();
    let mut files = 0;
    for folder in folders {
        for entry in walkdir::WalkDir::new(folder)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            if !entry.file_type().is_file()
                || entry
                    .metadata()
                    .map_or(true, |m| m.len() > CATALOG_FILE_SIZE)
            {
                continue;
            }
            files += 1;
            if files > CATALOG_FILES {
                break;
            }
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let yaml = crate::yaml::parse(&text);
            if name.ends_with(".json") {
                let group = path
                    .parent()
                    .and_then(|p| p.file_name())
                    .map(|g| g.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Some(root) = yaml.root() {
                    set.add_json(&group, &name, root);
                }
            } else if name.ends_with(".yaml") || name.ends_with(".yml") {
                for doc in &yaml.documents {
                    if let Some(root) = &doc.root
                        && root.get("kind").and_then(Node::as_str)
                            == Some("CustomResourceDefinition")
                    {
                        set.add(root);
                    }
                }
            }
        }
    }
    let set = Arc::new(set);
    cache.lock().ok()?.insert(folders.to_vec(), set.clone());
    Some(set)
}

/// The root of a custom resource: `apiVersion`, `kind` and `metadata` are always accepted.
fn root_schema(node: &Node) -> Schema {
    match convert(node, 0) {
        Schema::Object(mut o) => {
            o.embedded = true;
            Schema::Object(o)
        }
        other => other,
    }
}

fn flag(node: &Node, key: &str) -> bool {
    node.get(key).and_then(Node::as_bool) == Some(true)
}

fn convert(node: &Node, depth: usize) -> Schema {
    if depth > MAX_DEPTH || node.as_map().is_none() {
        return Schema::Any;
    }
    if flag(node, "x-kubernetes-int-or-string") {
        return Schema::IntOrString;
    }
    let props = node.get("properties").and_then(Node::as_map);
    if flag(node, "x-kubernetes-preserve-unknown-fields") && props.is_none() {
        return Schema::Any;
    }
    // JSON schemas converted from OpenAPI write `type: [string, "null"]` for nullable fields.
    let ty: Option<&str> = match node.get("type") {
        Some(t) => match t.as_seq() {
            Some(list) => {
                let kinds: Vec<&str> = list
                    .iter()
                    .filter_map(Node::as_str)
                    .filter(|k| *k != "null")
                    .collect();
                match kinds.as_slice() {
                    [one] => Some(*one),
                    _ => return Schema::Any,
                }
            }
            None => t.as_str(),
        },
        None => None,
    };
    match ty {
        Some("string") => {
            let values: Option<Vec<String>> = node.get("enum").and_then(Node::as_seq).map(|e| {
                e.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            });
            let all_strings = node
                .get("enum")
                .and_then(Node::as_seq)
                .is_some_and(|e| e.iter().all(|v| v.as_str().is_some()));
            match (values, node.get("format").and_then(Node::as_str)) {
                (Some(v), _) if all_strings && !v.is_empty() => Schema::Enum(v),
                (_, Some("byte")) => Schema::Bytes,
                (_, Some("date-time")) => Schema::DateTime,
                _ => Schema::String,
            }
        }
        Some("integer") => match node.get("format").and_then(Node::as_str) {
            Some("int32") => Schema::Int32,
            _ => Schema::Int64,
        },
        Some("number") => Schema::Number,
        Some("boolean") => Schema::Boolean,
        Some("array") => {
            let items = node
                .get("items")
                .map_or(Schema::Any, |i| convert(i, depth + 1));
            let keys = if node.get("x-kubernetes-list-type").and_then(Node::as_str) == Some("map") {
                node.get("x-kubernetes-list-map-keys")
                    .and_then(Node::as_seq)
                    .unwrap_or(&[])
                    .iter()
                    .filter_map(|k| k.as_str().map(str::to_string))
                    .collect()
            } else {
                Vec::new()
            };
            Schema::Array {
                items: Box::new(items),
                keys,
            }
        }
        Some("object") | None => {
            if let Some(props) = props {
                let mut fields: Vec<(String, Schema)> = props
                    .iter()
                    .filter_map(|e| Some((e.key_str()?.to_string(), convert(&e.value, depth + 1))))
                    .collect();
                fields.sort_by(|a, b| a.0.cmp(&b.0));
                fields.dedup_by(|a, b| a.0 == b.0);
                return Schema::Object(Box::new(ObjectSchema {
                    props: Some(fields),
                    // A required field with a `default` is filled in before validation.
                    required: node
                        .get("required")
                        .and_then(Node::as_seq)
                        .unwrap_or(&[])
                        .iter()
                        .filter_map(|r| r.as_str().map(str::to_string))
                        .filter(|r| {
                            node.get("properties")
                                .and_then(|p| p.get(r))
                                .and_then(|p| p.get("default"))
                                .is_none()
                        })
                        .collect(),
                    preserve: flag(node, "x-kubernetes-preserve-unknown-fields"),
                    embedded: flag(node, "x-kubernetes-embedded-resource"),
                }));
            }
            match node.get("additionalProperties") {
                Some(ap) if ap.as_map().is_some() => Schema::Map(Box::new(convert(ap, depth + 1))),
                _ if ty.is_some() => Schema::Object(Box::default()),
                // No type and no properties (`anyOf`, `oneOf`, or nothing): anything.
                _ => Schema::Any,
            }
        }
        _ => Schema::Any,
    }
}

/// Whether an apiVersion belongs to a group that Kubernetes itself serves (`v1`, `apps/v1`,
/// `networking.k8s.io/v1`): objects of other groups are custom resources.
pub fn is_builtin_group(api_version: &str) -> bool {
    match api_version.rsplit_once('/') {
        None => true,
        Some((group, _)) => !group.contains('.') || group.ends_with(".k8s.io"),
    }
}
