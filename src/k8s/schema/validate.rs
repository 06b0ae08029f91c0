//! Validation of one object against its API type, as the API server decodes and validates it:
//! strict field validation (unknown fields), JSON types after Kubernetes reads the YAML (YAML
//! 1.1 scalars, as [`crate::yaml`] types them), required fields, the values of enumerated
//! fields, base64 data, and list-maps whose entries share their keys.
//!
//! What other rules already say better is left to them (see [`Walker::skip_type`] and the
//! callers of it): volume fields (`manifests/volume-field-unknown`, `host-path-invalid`), label
//! values (`manifests/label-invalid`), probe numbers (`probes/invalid-value`), resource
//! quantities (`manifests/invalid-quantity`), selectors (`manifests/selector-missing`), and
//! duplicate containers, environment variables and mount paths.

use super::{Api, ObjectSchema, Schema};
use crate::k8s::Object;
use crate::source::Span;
use crate::yaml::{Node, NodeKind, Value};

/// What is wrong.
#[derive(Clone, Debug)]
pub enum Problem {
    /// A field the type does not have.
    UnknownField {
        key: String,
        /// The type's short name (`Container`).
        owner: String,
        suggestion: Option<String>,
        /// A later release whose type has the field.
        added_in: Option<(u32, u32)>,
    },
    /// A value of the wrong JSON type (or, for base64 data, not base64).
    Type {
        expected: &'static str,
        found: String,
        help: Option<String>,
    },
    /// A required field absent (or null).
    Required { field: String, owner: String },
    /// A value outside the values the API accepts.
    Enum {
        value: String,
        field: String,
        allowed: Vec<String>,
    },
    /// A list-map entry with the same keys as an earlier one.
    Duplicate {
        list: String,
        keys: String,
        first: Span,
    },
}

/// One problem in one object.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Index of the document set's file the object is in.
    pub doc: usize,
    pub span: Span,
    /// Where in the object: `spec.template.spec.containers[0].ports[1]`.
    pub path: String,
    /// `Deployment/web`.
    pub object: String,
    /// The Kubernetes release validated against.
    pub version: (u32, u32),
    pub problem: Problem,
}

/// A kind of custom resource that no CRD describes, at its first object.
#[derive(Clone, Debug)]
pub struct Missing {
    pub doc: usize,
    /// The object's `apiVersion` value.
    pub span: Span,
    pub api_version: String,
    pub kind: String,
}

/// The result of validating a document set.
#[derive(Default, Debug)]
pub struct Validation {
    pub findings: Vec<Finding>,
    /// Custom resource kinds without a schema, in document order.
    pub missing: Vec<Missing>,
}

/// Every object in `docs` validated: built-in kinds against the release nearest `target`,
/// custom resources against the CRDs among `docs` and in `crd_files` (a chart's `crds/`), then
/// against the configured `catalog`.
/// Plain manifest files holding template text (`{{ … }}`) are not validated: their values are
/// not known until they are rendered.
pub fn documents(
    docs: &[crate::chart::YamlDoc],
    crd_files: impl FnOnce() -> Option<std::sync::Arc<super::crd::CrdSet>>,
    catalog: Option<&super::crd::CrdSet>,
    target: (u32, u32),
    rendered: bool,
) -> Validation {
    let mut out = Validation::default();
    let Some(api) = super::catalog().and_then(|c| c.api(target)) else {
        return out;
    };
    // The CRDs are read when the first object that is not a built-in kind needs them.
    let mut crd_files = Some(crd_files);
    let mut crds: Option<super::crd::CrdSet> = None;
    for (i, doc) in docs.iter().enumerate() {
        if !rendered && has_template(&doc.file.text) {
            continue;
        }
        for obj in crate::k8s::objects(std::slice::from_ref(doc)) {
            if let Some(root) = api.root(obj.api_version, obj.kind) {
                object(&api, root, &obj, i, &mut out.findings);
                continue;
            }
            let crds = crds.get_or_insert_with(|| {
                let mut set = match crd_files.take().and_then(|f| f()) {
                    Some(base) => super::crd::CrdSet::with_base(base),
                    None => super::crd::CrdSet::default(),
                };
                set.add_docs(docs);
                set
            });
            if let Some(schema) = crds
                .get(obj.api_version, obj.kind)
                .or_else(|| catalog.and_then(|c| c.get(obj.api_version, obj.kind)))
            {
                object(&api, (obj.kind, schema), &obj, i, &mut out.findings);
            } else if !super::crd::is_builtin_group(obj.api_version)
                && !out
                    .missing
                    .iter()
                    .any(|m| m.api_version == obj.api_version && m.kind == obj.kind)
            {
                out.missing.push(Missing {
                    doc: i,
                    span: obj.root.get("apiVersion").map_or(obj.root.span, |n| n.span),
                    api_version: obj.api_version.to_string(),
                    kind: obj.kind.to_string(),
                });
            }
        }
    }
    out
}

/// At most this many findings per object: a document of the wrong kind does not flood.
const PER_OBJECT: usize = 50;

/// Validates `obj` (in document `doc`) against its type in `api`, when the API knows its
/// apiVersion and kind.
pub fn object(
    api: &Api,
    (name, schema): (&str, &Schema),
    obj: &Object,
    doc: usize,
    out: &mut Vec<Finding>,
) {
    let mut w = Walker {
        api,
        doc,
        object: obj.describe(),
        path: Vec::new(),
        out: Vec::new(),
    };
    let at = obj
        .root
        .get("kind")
        .map(|n| n.span)
        .unwrap_or(obj.root.span);
    w.node(obj.root, schema, name, at);
    out.append(&mut w.out);
}

#[derive(Clone, Copy)]
enum Seg<'n> {
    Key(&'n str),
    Index(usize),
}

struct Walker<'a, 'n> {
    api: &'a Api,
    doc: usize,
    object: String,
    path: Vec<Seg<'n>>,
    out: Vec<Finding>,
}

fn short(type_name: &str) -> &str {
    type_name.rsplit('.').next().unwrap_or(type_name)
}

fn has_template(text: &str) -> bool {
    text.contains("{{")
}

impl<'n> Walker<'_, 'n> {
    fn path_string(&self) -> String {
        let mut s = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                Seg::Index(i) => {
                    s.push_str(&format!("[{i}]"));
                }
            }
        }
        s
    }

    fn push(&mut self, span: Span, problem: Problem) {
        if self.out.len() >= PER_OBJECT {
            return;
        }
        self.out.push(Finding {
            doc: self.doc,
            span,
            path: self.path_string(),
            object: self.object.clone(),
            version: self.api.version(),
            problem,
        });
    }

    /// The last key of the path: the field being validated.
    fn field(&self) -> &'n str {
        self.path
            .iter()
            .rev()
            .find_map(|s| match s {
                Seg::Key(k) => Some(*k),
                Seg::Index(_) => None,
            })
            .unwrap_or("")
    }

    /// `node` against `schema`; `owner` is the named type holding the schema (for messages and
    /// the rules other checks own), `at` where a finding about a missing field points.
    fn node(&mut self, node: &'n Node, schema: &Schema, owner: &str, at: Span) {
        if node.is_null() || self.out.len() >= PER_OBJECT {
            return;
        }
        if let Some(s) = node.as_scalar()
            && has_template(&s.text)
        {
            return;
        }
        match schema {
            Schema::Any => {}
            Schema::Ref(name) => {
                if let Some((owner, target)) = self.api.named_with_name(name) {
                    self.node(node, target, owner, at);
                }
            }
            Schema::Object(o) => self.object(node, o, owner, at),
            Schema::Map(values) => {
                let Some(entries) = node.as_map() else {
                    return self.wrong(node, "a mapping", owner);
                };
                if node.duplicate_keys {
                    // The last entry of a key wins; `yaml/duplicate-key` reports the rest.
                    for e in node.entries() {
                        self.map_value(e, values, owner);
                    }
                } else {
                    for e in entries {
                        self.map_value(e, values, owner);
                    }
                }
            }
            Schema::Array { items, keys } => {
                let Some(list) = node.as_seq() else {
                    return self.wrong(node, "a list", owner);
                };
                for (i, item) in list.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    let at = item
                        .as_map()
                        .and_then(|m| m.first())
                        .map_or(item.span, |e| e.key.span);
                    self.node(item, items, owner, at);
                    self.path.pop();
                }
                if !keys.is_empty() {
                    self.duplicates(list, keys, owner);
                }
            }
            _ => self.scalar(node, schema, owner),
        }
    }

    fn map_value(&mut self, e: &'n crate::yaml::Entry, values: &Schema, owner: &str) {
        let Some(key) = e.key.scalar_text() else {
            return;
        };
        if has_template(key) {
            return;
        }
        self.path.push(Seg::Key(key));
        // Label values and resource quantities are judged by their own rules.
        let field = self.path.iter().rev().nth(1).map_or("", |s| match s {
            Seg::Key(k) => k,
            Seg::Index(_) => "",
        });
        let own_rule = matches!(
            (short(owner), field),
            ("ObjectMeta", "labels")
                | ("LabelSelector", "matchLabels")
                | ("ServiceSpec", "selector")
                | ("ResourceRequirements", "limits" | "requests")
        );
        if !own_rule {
            self.node(&e.value, values, owner, e.key.span);
        }
        self.path.pop();
    }

    fn object(&mut self, node: &'n Node, o: &ObjectSchema, owner: &str, at: Span) {
        let Some(entries) = node.as_map() else {
            // `hostPath: /srv` is `manifests/host-path-invalid`'s.
            if short(owner) == "HostPathVolumeSource" {
                return;
            }
            return self.wrong(node, "a mapping", owner);
        };
        if o.props.is_none() {
            return;
        }
        let kept: Vec<&'n crate::yaml::Entry> = if node.duplicate_keys {
            node.entries().collect()
        } else {
            entries.iter().collect()
        };
        for e in &kept {
            let Some(key) = e.key.scalar_text() else {
                continue;
            };
            if has_template(key) {
                continue;
            }
            let key_json = e.key_json_string();
            let Some(field) = o.field(&key_json) else {
                if o.preserve || (o.embedded && matches!(key, "apiVersion" | "kind" | "metadata")) {
                    continue;
                }
                // `manifests/volume-field-unknown` knows volumes better.
                if short(owner) == "Volume" {
                    continue;
                }
                self.path.push(Seg::Key(key));
                let suggestion =
                    crate::suggest::closest(key, o.props.iter().flatten().map(|(k, _)| k.as_str()))
                        .map(str::to_string);
                let added_in = self.api.field_added_in(owner, &key_json);
                self.push(
                    e.key.span,
                    Problem::UnknownField {
                        key: key.to_string(),
                        owner: short(owner).to_string(),
                        suggestion,
                        added_in,
                    },
                );
                self.path.pop();
                continue;
            };
            self.path.push(Seg::Key(key));
            // Probe numbers given as scalars are `probes/invalid-value`'s.
            if !(self.skip_type(owner, key) && matches!(e.value.kind, NodeKind::Scalar(_))) {
                self.node(&e.value, field, owner, e.key.span);
            }
            self.path.pop();
        }
        for r in &o.required {
            let present = kept.iter().any(|e| e.key_json_is(r) && !e.value.is_null());
            if present || self.skip_required(owner, r, o) {
                continue;
            }
            let null = kept.iter().find(|e| e.key_json_is(r));
            self.push(
                null.map_or(at, |e| e.key.span),
                Problem::Required {
                    field: r.clone(),
                    owner: short(owner).to_string(),
                },
            );
        }
    }

    /// Scalar fields whose type another rule checks.
    fn skip_type(&self, owner: &str, field: &str) -> bool {
        matches!(
            (short(owner), field),
            (
                "Probe",
                "initialDelaySeconds"
                    | "periodSeconds"
                    | "timeoutSeconds"
                    | "successThreshold"
                    | "failureThreshold"
            )
        )
    }

    /// Required fields whose absence another rule reports, or the API server accepts.
    fn skip_required(&self, owner: &str, field: &str, o: &ObjectSchema) -> bool {
        // A missing label selector is `manifests/selector-missing`'s (workloads), or matches
        // every pod (NetworkPolicy `podSelector`, required in older releases' specifications).
        if let Some(Schema::Ref(t)) = o.field(field)
            && t.ends_with(".LabelSelector")
        {
            return true;
        }
        matches!(
            (short(owner), field),
            ("HostPathVolumeSource", "path") | ("HTTPHeader", "value")
        )
    }

    fn wrong(&mut self, node: &'n Node, expected: &'static str, _owner: &str) {
        let found = describe(node);
        self.push(
            node.span,
            Problem::Type {
                expected,
                found,
                help: None,
            },
        );
    }

    fn scalar(&mut self, node: &'n Node, schema: &Schema, owner: &str) {
        let Some(s) = node.as_scalar() else {
            let expected = expected_name(schema);
            return self.wrong(node, expected, owner);
        };
        let whole = |f: f64| f.fract() == 0.0 && f.is_finite();
        let value = effective(s);
        let ok = match (schema, &value) {
            (Schema::String | Schema::DateTime, Value::Str) => true,
            (Schema::Enum(allowed), Value::Str) => {
                if !s.text.is_empty() && !allowed.contains(&s.text) {
                    let field = self.field().to_string();
                    self.push(
                        node.span,
                        Problem::Enum {
                            value: s.text.clone(),
                            field,
                            allowed: allowed.clone(),
                        },
                    );
                }
                true
            }
            (Schema::Bytes, Value::Str) => {
                if !is_base64(&s.text) {
                    self.push(
                        node.span,
                        Problem::Type {
                            expected: "base64 data",
                            found: "text that is not base64".to_string(),
                            help: Some(
                                "encode the value (`b64enc` in a template), or put the plain text under `stringData`"
                                    .to_string(),
                            ),
                        },
                    );
                }
                true
            }
            (Schema::Int32, Value::Int(i)) => {
                if i32::try_from(*i).is_err() {
                    self.push(
                        node.span,
                        Problem::Type {
                            expected: "a 32-bit integer",
                            found: format!("the number {}", s.text),
                            help: Some(
                                "the API stores this field as a 32-bit integer: at most 2147483647"
                                    .to_string(),
                            ),
                        },
                    );
                }
                true
            }
            (Schema::Int32, Value::Float(f)) => {
                whole(*f) && *f >= i32::MIN as f64 && *f <= i32::MAX as f64
            }
            (Schema::Int64 | Schema::IntOrString, Value::Int(_)) => true,
            (Schema::Int64 | Schema::IntOrString, Value::Float(f)) => whole(*f),
            (Schema::IntOrString, Value::Str) => true,
            (Schema::Number, Value::Int(_) | Value::Float(_)) => true,
            (Schema::Boolean, Value::Bool(_)) => true,
            (Schema::Quantity, Value::Str | Value::Int(_) | Value::Float(_)) => true,
            _ => false,
        };
        if ok {
            return;
        }
        let expected = expected_name(schema);
        let help = match (schema, &value) {
            (Schema::Int32 | Schema::Int64 | Schema::Number, Value::Str)
                if s.text.trim().parse::<f64>().is_ok() =>
            {
                Some("write the number without quotes (in a template, drop `quote` or pipe the value through `int`)".to_string())
            }
            (Schema::Boolean, Value::Str) if matches!(s.text.as_str(), "true" | "false") => {
                Some("write the boolean without quotes".to_string())
            }
            (Schema::String | Schema::Enum(_) | Schema::Bytes | Schema::DateTime, _)
                if !s.style.is_quoted() =>
            {
                Some(format!(
                    "quote it: `\"{}\"` (in a template, pipe the value through `quote`)",
                    s.text
                ))
            }
            _ => None,
        };
        self.push(
            node.span,
            Problem::Type {
                expected,
                found: describe(node),
                help,
            },
        );
    }

    /// Entries of a list-map that repeat the keys of an earlier one, in the lists where the
    /// API server rejects them or a merge patch would fold them into one: ports, volumes and
    /// topology spread constraints. Containers, environment variables and mount paths have
    /// their own rules; repeated pull secrets or host aliases are harmless.
    fn duplicates(&mut self, list: &'n [Node], keys: &[String], owner: &str) {
        let field = self.field();
        if !matches!(
            (short(owner), field),
            ("PodSpec", "volumes" | "topologySpreadConstraints")
                | ("Container" | "EphemeralContainer" | "ServiceSpec", "ports")
        ) {
            return;
        }
        let mut seen: Vec<(Vec<String>, Span)> = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let mut values = Vec::new();
            for k in keys {
                match item.get(k).filter(|v| !v.is_null()) {
                    Some(v) => match v.scalar_text() {
                        Some(t) if !has_template(t) => values.push(t.to_string()),
                        _ => break,
                    },
                    // A port's protocol defaults to TCP.
                    None if k == "protocol" => values.push("TCP".to_string()),
                    None => break,
                }
            }
            if values.len() != keys.len() {
                continue;
            }
            let span = item.get(&keys[0]).map_or(item.span, |v| v.span);
            if let Some((_, first)) = seen.iter().find(|(v, _)| *v == values) {
                let desc = keys
                    .iter()
                    .zip(&values)
                    .map(|(k, v)| format!("{k} {v}"))
                    .collect::<Vec<_>>()
                    .join(" and ");
                self.path.push(Seg::Index(i));
                self.push(
                    span,
                    Problem::Duplicate {
                        list: field.to_string(),
                        keys: desc,
                        first: *first,
                    },
                );
                self.path.pop();
                continue;
            }
            seen.push((values, span));
        }
    }
}

fn expected_name(schema: &Schema) -> &'static str {
    match schema {
        Schema::String | Schema::Enum(_) => "a string",
        Schema::DateTime => "a date-time string",
        Schema::Bytes => "base64 data (a string)",
        Schema::Int32 | Schema::Int64 => "an integer",
        Schema::Number => "a number",
        Schema::Boolean => "a boolean",
        Schema::IntOrString => "an integer or a string",
        Schema::Quantity => "a quantity (a string such as `500m` or a number)",
        Schema::Object(_) | Schema::Map(_) => "a mapping",
        Schema::Array { .. } => "a list",
        Schema::Any | Schema::Ref(_) => "another type",
    }
}

/// The value as the API server sees it: `the string "80"`, `the number 80`, `a mapping`.
fn describe(node: &Node) -> String {
    match &node.kind {
        NodeKind::Map(_) => "a mapping".to_string(),
        NodeKind::Seq(_) => "a list".to_string(),
        NodeKind::Scalar(s) => {
            let text: String = s.text.chars().take(40).collect();
            let more = if s.text.chars().count() > 40 {
                "…"
            } else {
                ""
            };
            match effective(s) {
                Value::Str => format!("the string \"{text}{more}\""),
                Value::Int(_) | Value::Float(_) => format!("the number {text}{more}"),
                Value::Bool(_) => format!(
                    "the boolean `{text}` (YAML reads it as {})",
                    node.as_bool().unwrap_or_default()
                ),
                Value::Null => "null".to_string(),
            }
        }
    }
}

/// The scalar's type as Kubernetes reads the YAML (go-yaml v2): a scalar with a tag other
/// than the core ones (`!!string False`, `!custom 1`) is the string as written.
fn effective(s: &crate::yaml::Scalar) -> Value {
    match s.tag.as_deref() {
        None => s.value.clone(),
        Some(tag) => {
            let short = tag
                .strip_prefix("tag:yaml.org,2002:")
                .or_else(|| tag.strip_prefix("!!"))
                .unwrap_or("");
            if matches!(
                short,
                "str" | "bool" | "int" | "float" | "null" | "timestamp" | "binary"
            ) {
                s.value.clone()
            } else {
                Value::Str
            }
        }
    }
}

/// Whether `text` decodes as Go's `encoding/json` decodes `[]byte`: standard base64 with
/// padding; line breaks are ignored.
fn is_base64(text: &str) -> bool {
    let bytes: Vec<u8> = text
        .bytes()
        .filter(|b| *b != b'\n' && *b != b'\r')
        .collect();
    if !bytes.len().is_multiple_of(4) {
        return false;
    }
    let pad = bytes.iter().rev().take_while(|b| **b == b'=').count();
    if pad > 2 {
        return false;
    }
    bytes[..bytes.len() - pad]
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_go_decodes_it() {
        assert!(is_base64("aGVsbG8="));
        assert!(is_base64(""));
        assert!(is_base64("aGVs\nbG8="));
        assert!(!is_base64("hello"));
        assert!(!is_base64("aGVsbG8"));
        assert!(!is_base64("a===",));
        assert!(!is_base64("aGV-bG8="));
    }
}
