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
    /// CRD files read when a kind they may define is looked for, after `entries` and in
    /// order: as if their CRDs had been added one file after another.
    files: Vec<LazyFile>,
}

/// A CRD file whose types are read on first need.
#[derive(Debug)]
struct LazyFile {
    file: crate::source::File,
    types: std::sync::OnceLock<CrdSet>,
}

impl LazyFile {
    /// The file's types when it may define `kind`: its text names the kind as the value of a
    /// `kind` key (in block, flow or JSON style, any ASCII case, after an anchor or a tag), or
    /// uses an alias as one.
    fn types_for(&self, kind: &str) -> Option<&CrdSet> {
        match self.types.get() {
            Some(t) => Some(t),
            None => may_define(&self.file.text, kind).then(|| self.all()),
        }
    }

    /// All the file's types (read now if they were not).
    fn all(&self) -> &CrdSet {
        self.types.get_or_init(|| {
            let mut set = CrdSet::default();
            set.add_docs(std::slice::from_ref(&crate::chart::YamlDoc::parse(
                self.file.clone(),
            )));
            set
        })
    }
}

/// Whether `text` may hold a CRD of `kind`: somewhere a `kind` key (optionally quoted) is
/// followed by `:`, spaces, an optional anchor or tag, an optional quote and `kind` in any
/// ASCII case, ending there; or a `kind` key's value is an alias (`*name`), which could be
/// anything.
fn may_define(text: &str, kind: &str) -> bool {
    let b = text.as_bytes();
    let k = kind.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&b[from..], b"kind") {
        let start = from + at;
        from = start + 4;
        let mut i = from;
        if b.get(i).is_some_and(|c| *c == b'"' || *c == b'\'') {
            i += 1;
        }
        let skip_spaces = |mut i: usize| {
            while b.get(i).is_some_and(|c| *c == b' ' || *c == b'\t') {
                i += 1;
            }
            i
        };
        i = skip_spaces(i);
        if b.get(i) != Some(&b':') {
            continue;
        }
        i = skip_spaces(i + 1);
        // An anchor (`&a`) or a tag (`!!str`) before the value.
        while b.get(i).is_some_and(|c| *c == b'&' || *c == b'!') {
            while b.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                i += 1;
            }
            i = skip_spaces(i);
        }
        if b.get(i) == Some(&b'*') {
            return true;
        }
        if b.get(i).is_some_and(|c| *c == b'"' || *c == b'\'') {
            i += 1;
        }
        let Some(word) = b.get(i..i + k.len()) else {
            continue;
        };
        if word.eq_ignore_ascii_case(k)
            && !b.get(i + k.len()).is_some_and(|c| {
                c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-' || *c == b'.'
            })
        {
            return true;
        }
    }
    false
}

impl CrdSet {
    /// A set of the CRDs in `files`, each file read when a kind it may define is looked for.
    pub fn lazy(files: impl IntoIterator<Item = crate::source::File>) -> CrdSet {
        CrdSet {
            files: files
                .into_iter()
                .map(|file| LazyFile {
                    file,
                    types: std::sync::OnceLock::new(),
                })
                .collect(),
            ..CrdSet::default()
        }
    }

    /// A set that starts with the types of `base`.
    pub fn with_base(base: std::sync::Arc<CrdSet>) -> CrdSet {
        CrdSet {
            base: Some(base),
            ..CrdSet::default()
        }
    }

    fn has_key(&self, key: &str) -> bool {
        self.base.as_ref().is_some_and(|b| b.has_key(key))
            || self.entries.iter().any(|(k, _)| k == key)
            || key.split_once(' ').is_some_and(|(_, kind)| {
                self.files
                    .iter()
                    .any(|f| f.types_for(kind).is_some_and(|t| t.has_key(key)))
            })
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
        self.entries
            .iter()
            .find_map(|(k, s)| {
                let (av, kd) = k.split_once(' ')?;
                (av == api_version && kd.eq_ignore_ascii_case(kind)).then_some(s)
            })
            .or_else(|| {
                self.files
                    .iter()
                    .find_map(|f| f.types_for(kind).and_then(|t| t.get(api_version, kind)))
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
        }) || self
            .files
            .iter()
            .any(|f| f.types_for(kind).is_some_and(|t| t.has_kind(group, kind)))
    }

    pub fn is_empty(&self) -> bool {
        self.base.as_ref().is_none_or(|b| b.is_empty())
            && self.entries.is_empty()
            && self.files.iter().all(|f| f.all().is_empty())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::YamlDoc;
    use crate::source::SourceFile;

    fn crd(group: &str, kind: &str, style: &str) -> String {
        let names = match style {
            "flow" => format!("  names: {{kind: {kind}, plural: x}}\n"),
            "quoted" => format!("  names:\n    \"kind\": '{kind}'\n"),
            "anchor" => format!("  names:\n    kind: &k {kind}\n"),
            _ => format!("  names:\n    kind: {kind}\n"),
        };
        format!(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec:\n  group: {group}\n{names}  versions:\n    - name: v1\n      served: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec: {{type: object, properties: {{{kind}Field: {{type: string}}}}}}\n"
        )
    }

    #[test]
    fn crds_read_on_demand_answer_as_crds_read_at_once() {
        let texts = [
            crd("a.io", "Widget", "block"),
            // The same kind again: the first file's type wins.
            format!(
                "{}---\n{}",
                crd("b.io", "Gadget", "flow"),
                crd("a.io", "Widget", "flow")
            ),
            crd("c.io", "Thing", "quoted"),
            crd("d.io", "Anchored", "anchor"),
            // Names other kinds in its description only: read for neither.
            "kind: ConfigMap\ndata: {description: 'a Widget, a Gadget, an Other kind'}\n"
                .to_string(),
        ];
        let files: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| SourceFile::new(format!("crds/{i}.yaml"), t.clone()))
            .collect();
        let mut eager = CrdSet::default();
        for f in &files {
            eager.add_docs(std::slice::from_ref(&YamlDoc::parse(f.clone())));
        }
        let lazy = CrdSet::lazy(files.iter().cloned());
        let lookups = [
            ("a.io/v1", "Widget"),
            ("a.io/v1", "widget"),
            ("b.io/v1", "Gadget"),
            ("b.io/v1", "GADGET"),
            ("c.io/v1", "Thing"),
            ("d.io/v1", "Anchored"),
            ("a.io/v2", "Widget"),
            ("x.io/v1", "Other"),
        ];
        for (av, kind) in lookups {
            let show = |s: Option<&Schema>| format!("{s:?}");
            assert_eq!(
                show(lazy.get(av, kind)),
                show(eager.get(av, kind)),
                "{av} {kind}"
            );
            let group = av.split('/').next().unwrap();
            assert_eq!(lazy.has_kind(group, kind), eager.has_kind(group, kind));
        }
        assert!(lazy.get("a.io/v1", "Widget").is_some());
        // A file is read only when it may define a kind looked for.
        assert!(lazy.files[4].types.get().is_none());
        assert!(lazy.files[0].types.get().is_some());
        // A set made on top of the lazy one skips types the lazy one has.
        let mut derived = CrdSet::with_base(std::sync::Arc::new(CrdSet::lazy(files.clone())));
        derived.add_docs(&[YamlDoc::parse(SourceFile::new(
            "r.yaml",
            crd("a.io", "Widget", "block"),
        ))]);
        assert!(derived.entries.is_empty());
        assert_eq!(lazy.is_empty(), eager.is_empty());
    }

    #[test]
    fn may_define_finds_the_kind_as_a_value_of_a_kind_key_only() {
        assert!(may_define("  kind: Widget\n", "Widget"));
        assert!(may_define("{\"kind\": \"widget\"}", "Widget"));
        assert!(may_define("kind: !!str Widget", "Widget"));
        assert!(may_define("kind: *alias", "Widget"));
        assert!(!may_define("kind: WidgetList\n", "Widget"));
        assert!(!may_define("description: a Widget\nkind: Other", "Widget"));
    }
}
