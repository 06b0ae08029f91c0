//! YAML text to template values, as Helm reads values files, `-f` files and `fromYaml`
//! (sigs.k8s.io/yaml v1.4.0 on go-yaml v2.4.0): YAML 1.1 scalar resolution, map keys
//! stringified, then a JSON round trip, so every number becomes a `float64`, every map a
//! `map[string]interface {}` and every sequence a `[]interface {}`.
//!
//! Only the first document of the text is read. Duplicate keys collapse to the last one.
//! Every value keeps its [`Origin`] (file id and byte span of its node) when a file id is given.

use super::gofmt::format_float;
use super::value::{Elem, Kind, List, Map, MapType, Origin, Value};
use crate::yaml::{self, Node, NodeKind, YamlFile, YamlIssueKind};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The Go type a document is decoded into, which decides the error for a mismatch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// `interface {}`: anything goes.
    Any,
    /// `map[string]interface {}` (`fromYaml`); a non-map document is an error.
    Map,
    /// `chartutil.Values` (values files); a non-map document is an error and the map has
    /// the `chartutil.Values` type.
    ChartValues,
    /// `[]interface {}` (`fromYamlArray`).
    List,
}

impl Target {
    fn go_type(self) -> &'static str {
        match self {
            Target::Any => "interface {}",
            Target::Map => "map[string]interface {}",
            Target::ChartValues => "chartutil.Values",
            Target::List => "[]interface {}",
        }
    }
}

/// Parses `text` and converts its first document as `yaml.Unmarshal(text, &target)` does.
/// An empty document gives nil for [`Target::Any`] and an empty map or list otherwise (Helm
/// treats a nil map as empty). The error text is what sigs.k8s.io/yaml returns, e.g.
/// `error converting YAML to JSON: yaml: line 2: ...` or `error unmarshaling JSON: while
/// decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}`.
pub fn load(text: &str, file: Option<u32>, target: Target) -> Result<Value, String> {
    let parsed = yaml::parse(text);
    load_parsed(text, &parsed, file, target)
}

/// Like [`load`], for text already parsed into the spanned tree.
pub fn load_parsed(
    text: &str,
    parsed: &YamlFile,
    file: Option<u32>,
    target: Target,
) -> Result<Value, String> {
    let first = parsed.documents.first();
    // Errors that fall inside the first document (yaml.v2 reads no further).
    let limit = first.map(|d| d.span.end as usize).unwrap_or(usize::MAX);
    for issue in &parsed.issues {
        let in_first =
            (issue.span.start as usize) <= limit || first.is_none_or(|d| d.root.is_none());
        if !in_first {
            continue;
        }
        match issue.kind {
            YamlIssueKind::Syntax | YamlIssueKind::Tab => {
                let line = line_of(text, issue.span.start as usize);
                let msg = lower_first(&issue.message);
                return Err(format!(
                    "error converting YAML to JSON: yaml: line {line}: {msg}"
                ));
            }
            YamlIssueKind::AliasLimit | YamlIssueKind::DepthLimit => {
                return Err(
                    "error converting YAML to JSON: yaml: document contains excessive aliasing"
                        .into(),
                );
            }
            YamlIssueKind::DuplicateKey { .. } => {}
        }
    }
    let root = first.and_then(|d| d.root.as_ref());
    let value = match root {
        None => Value::nil(),
        Some(node) => node_to_value(node, file)?,
    };
    fit(value, target)
}

/// [`load_parsed`] of a values file, converted once per run and shared: a subchart vendored
/// in many charts (a library chart in every one) has its values file parsed into one tree
/// (see [`crate::run_share`]), and every render of every chart holding it, in every scenario,
/// reads the same conversion.
///
/// Sharing is safe because template values are immutable: functions that change a map in
/// place (`set`, `merge`, ...) build a new map and the executor records the replacement for
/// its own render only ([`crate::render::exec`]'s redirects), so no render sees another's
/// changes. A conversion is reused only for the same tree (the same allocation, alive), the
/// same file id (origins carry it) and the same target.
pub fn load_shared(
    text: &str,
    parsed: &Arc<YamlFile>,
    file: Option<u32>,
    target: Target,
) -> Result<Value, String> {
    shared::get(parsed, file, target, || {
        load_parsed(text, parsed, file, target)
    })
}

mod shared {
    use super::{Target, Value};
    use crate::yaml::YamlFile;
    use std::sync::{Arc, Mutex, OnceLock, Weak};

    type Key = (usize, Option<u32>, Target);
    type Entry = (Weak<YamlFile>, Result<Value, String>);

    /// Conversions by tree. Those of freed trees are dropped whenever one is added, so the
    /// table holds conversions of live trees only: the values files of the charts being
    /// linted, and those of the parses [`crate::run_share`] keeps (within its bound).
    type Cache = crate::FastMap<Key, Entry>;

    /// A bound even if every tree stays alive: past it everything is forgotten (a miss only
    /// costs a conversion).
    const LIMIT: usize = 4096;

    fn cache() -> &'static Mutex<Cache> {
        static CACHE: OnceLock<Mutex<Cache>> = OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    pub(super) fn get(
        tree: &Arc<YamlFile>,
        file: Option<u32>,
        target: Target,
        convert: impl FnOnce() -> Result<Value, String>,
    ) -> Result<Value, String> {
        // The weak reference keeps the tree's allocation (not its contents) until the entry
        // goes, so its address cannot be reused by another tree meanwhile.
        let key = (Arc::as_ptr(tree) as usize, file, target);
        {
            let c = cache().lock().unwrap_or_else(|e| e.into_inner());
            if let Some((weak, value)) = c.get(&key)
                && weak.strong_count() > 0
            {
                return value.clone();
            }
        }
        let value = convert();
        let mut c = cache().lock().unwrap_or_else(|e| e.into_inner());
        c.retain(|_, (weak, _)| weak.strong_count() > 0);
        if c.len() >= LIMIT {
            c.clear();
        }
        c.insert(key, (Arc::downgrade(tree), value.clone()));
        value
    }
}

/// Converts one node (and everything under it) as the JSON round trip of sigs.k8s.io/yaml
/// leaves it.
pub fn node_to_value(node: &Node, file: Option<u32>) -> Result<Value, String> {
    let mut depth = 0;
    convert(node, file, &mut depth)
}

fn convert(node: &Node, file: Option<u32>, depth: &mut usize) -> Result<Value, String> {
    let origin = file.map(|file| Origin {
        file,
        span: node.span,
    });
    *depth += 1;
    if *depth > 10_000 {
        return Err("error converting YAML to JSON: yaml: exceeded max depth".into());
    }
    let kind = match &node.kind {
        NodeKind::Scalar(s) => match &s.value {
            yaml::Value::Null => Kind::Nil,
            yaml::Value::Bool(b) => Kind::Bool(*b),
            yaml::Value::Int(i) => Kind::Float(*i as f64),
            yaml::Value::Float(f) => {
                if f.is_nan() {
                    return Err(
                        "error converting YAML to JSON: json: unsupported value: NaN".into(),
                    );
                }
                if f.is_infinite() {
                    let s = if *f > 0.0 { "+Inf" } else { "-Inf" };
                    return Err(format!(
                        "error converting YAML to JSON: json: unsupported value: {s}"
                    ));
                }
                // -0 does not survive JSON (`-0` decodes to -0 in Go; keep the sign).
                Kind::Float(*f)
            }
            yaml::Value::Str => Kind::Str(Arc::from(s.text.as_str())),
        },
        NodeKind::Seq(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(convert(item, file, depth)?);
            }
            Kind::List(Arc::new(List {
                elem: Elem::Any,
                items: out,
            }))
        }
        NodeKind::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len());
            for e in entries {
                let key = key_string(&e.key)?;
                let v = convert(&e.value, file, depth)?;
                out.push((key, v));
            }
            // Built in one go from the sorted entries; of duplicate keys the last one stays.
            let out: BTreeMap<String, Value> = out.into_iter().collect();
            Kind::Map(Arc::new(Map::new(Elem::Any, MapType::Plain, out)))
        }
    };
    *depth -= 1;
    Ok(Value { kind, origin })
}

/// sigs.k8s.io/yaml's key stringification: ints in decimal, floats with 32-bit `'g'`,
/// bools as `true`/`false`; other keys are an error.
fn key_string(key: &Node) -> Result<String, String> {
    match &key.kind {
        NodeKind::Scalar(s) => match &s.value {
            yaml::Value::Str => Ok(s.text.clone()),
            yaml::Value::Bool(b) => Ok(b.to_string()),
            yaml::Value::Int(i) => Ok(i.to_string()),
            yaml::Value::Float(f) => Ok(match format_float(*f, b'g', -1, 32).as_str() {
                "+Inf" => ".inf".into(),
                "-Inf" => "-.inf".into(),
                "NaN" => ".nan".into(),
                s => s.to_string(),
            }),
            yaml::Value::Null => Err(
                "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>"
                    .into(),
            ),
        },
        NodeKind::Seq(_) => Err(
            "error converting YAML to JSON: unsupported map key of type: []interface {}".into(),
        ),
        NodeKind::Map(_) => Err(
            "error converting YAML to JSON: unsupported map key of type: map[interface {}]interface {}"
                .into(),
        ),
    }
}

fn fit(value: Value, target: Target) -> Result<Value, String> {
    let mismatch = |what: &str| {
        Err(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {what} into Go value of type {}",
            target.go_type()
        ))
    };
    let what = match &value.kind {
        Kind::Nil => None,
        Kind::Bool(_) => Some("bool"),
        Kind::Float(_) => Some("number"),
        Kind::Str(_) => Some("string"),
        Kind::List(_) => Some("array"),
        Kind::Map(_) => Some("object"),
        _ => None,
    };
    match target {
        Target::Any => Ok(value),
        Target::Map | Target::ChartValues => match value.kind {
            Kind::Nil => Ok(Value {
                kind: Kind::Map(Arc::new(Map::new(
                    Elem::Any,
                    if target == Target::ChartValues {
                        MapType::ChartValues
                    } else {
                        MapType::Plain
                    },
                    BTreeMap::new(),
                ))),
                origin: value.origin,
            }),
            Kind::Map(m) if target == Target::ChartValues => {
                let m = Arc::try_unwrap(m).unwrap_or_else(|m| (*m).clone());
                Ok(Value {
                    kind: Kind::Map(Arc::new(Map {
                        ty: MapType::ChartValues,
                        ..m
                    })),
                    origin: value.origin,
                })
            }
            Kind::Map(_) => Ok(value),
            _ => mismatch(what.unwrap_or("value")),
        },
        Target::List => match value.kind {
            Kind::Nil => Ok(Value::list(Vec::new()).with_origin(value.origin)),
            Kind::List(_) => Ok(value),
            _ => mismatch(what.unwrap_or("value")),
        },
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_any(text: &str) -> Value {
        load(text, Some(3), Target::Any).unwrap()
    }

    fn get<'a>(v: &'a Value, k: &str) -> &'a Value {
        v.as_map().unwrap().entries.get(k).unwrap()
    }

    #[test]
    fn numbers_are_float64_and_keys_are_stringified() {
        let v = load_any("port: 8080\nratio: 0.5\nmode: 0755\non: x\n1.5: yy\n2: zz\nn: no\n");
        assert!(matches!(get(&v, "port").kind, Kind::Float(f) if f == 8080.0));
        assert!(matches!(get(&v, "ratio").kind, Kind::Float(f) if f == 0.5));
        assert!(matches!(get(&v, "mode").kind, Kind::Float(f) if f == 493.0));
        assert_eq!(get(&v, "true").as_str(), Some("x"));
        let keys: Vec<_> = v.as_map().unwrap().entries.keys().collect();
        assert_eq!(get(&v, "1.5").as_str(), Some("yy"), "{keys:?}");
        assert_eq!(get(&v, "2").as_str(), Some("zz"));
        assert!(matches!(get(&v, "false").kind, Kind::Bool(false)));
        assert!(!v.as_map().unwrap().entries.contains_key("n"));
    }

    #[test]
    fn origins_point_at_the_nodes() {
        let text = "a:\n  b: hello\n";
        let v = load_any(text);
        let b = get(get(&v, "a"), "b");
        let o = b.origin.unwrap();
        assert_eq!(o.file, 3);
        assert_eq!(&text[o.span.range()], "hello");
        assert!(load("a: 1", None, Target::Any).unwrap().origin.is_none());
    }

    #[test]
    fn strings_dates_and_nulls() {
        let v = load_any("d: 2020-01-01\nt: 1:20\nq: \"123\"\nnil: ~\nempty:\nlist: [1, a]\n");
        assert_eq!(get(&v, "d").as_str(), Some("2020-01-01"));
        assert_eq!(get(&v, "t").as_str(), Some("1:20"));
        assert_eq!(get(&v, "q").as_str(), Some("123"));
        assert!(matches!(get(&v, "nil").kind, Kind::Nil));
        assert!(matches!(get(&v, "empty").kind, Kind::Nil));
        let l = get(&v, "list").as_list().unwrap();
        assert!(matches!(l.items[0].kind, Kind::Float(f) if f == 1.0));
        assert_eq!(v.type_name(), "map[string]interface {}");
    }

    #[test]
    fn only_the_first_document_and_duplicate_keys_last_wins() {
        let v = load_any("a: 1\na: 2\n---\nb: 3\n");
        assert!(matches!(get(&v, "a").kind, Kind::Float(f) if f == 2.0));
        assert!(!v.as_map().unwrap().entries.contains_key("b"));
    }

    #[test]
    fn infinity_fails_the_json_step() {
        let e = load("x: .inf\n", None, Target::Any).unwrap_err();
        assert_eq!(
            e,
            "error converting YAML to JSON: json: unsupported value: +Inf"
        );
    }

    #[test]
    fn targets() {
        let e = load("- a\n", None, Target::Map).unwrap_err();
        assert_eq!(
            e,
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
        let v = load("", None, Target::ChartValues).unwrap();
        assert_eq!(v.type_name(), "chartutil.Values");
        let v = load("a: 1", None, Target::ChartValues).unwrap();
        assert_eq!(v.type_name(), "chartutil.Values");
        assert!(load("a: 1", None, Target::List).is_err());
        assert!(load("- 1", None, Target::List).unwrap().as_list().is_some());
        assert!(
            load("a: [", None, Target::Any)
                .unwrap_err()
                .starts_with("error converting YAML to JSON: yaml: line ")
        );
    }
}

#[cfg(test)]
mod shared_tests {
    use super::*;

    fn map(v: &Value) -> &Arc<Map> {
        match &v.kind {
            Kind::Map(m) => m,
            _ => panic!("not a map"),
        }
    }

    #[test]
    fn one_conversion_per_tree_file_id_and_target() {
        let text = "a:\n  b: hello\n";
        let tree = Arc::new(yaml::parse(text));
        let first = load_shared(text, &tree, Some(4), Target::Map).unwrap();
        let again = load_shared(text, &tree, Some(4), Target::Map).unwrap();
        assert!(Arc::ptr_eq(map(&first), map(&again)));
        // Another file id: origins name that file.
        let other = load_shared(text, &tree, Some(9), Target::Map).unwrap();
        assert!(!Arc::ptr_eq(map(&first), map(&other)));
        let b = map(map(&other).entries.get("a").unwrap())
            .entries
            .get("b")
            .unwrap();
        assert_eq!(b.origin.map(|o| o.file), Some(9));
        // Another target: its own type.
        let values = load_shared(text, &tree, Some(4), Target::ChartValues).unwrap();
        assert_eq!(values.type_name(), "chartutil.Values");
        assert_eq!(first.type_name(), "map[string]interface {}");
        // Another tree of the same text: converted on its own, equal.
        let tree2 = Arc::new(yaml::parse(text));
        let second = load_shared(text, &tree2, Some(4), Target::Map).unwrap();
        assert!(!Arc::ptr_eq(map(&first), map(&second)));
        assert_eq!(
            map(&second).entries.keys().collect::<Vec<_>>(),
            map(&first).entries.keys().collect::<Vec<_>>()
        );
        // Errors are the same each time.
        let bad = Arc::new(yaml::parse("- a\n"));
        let e1 = load_shared("- a\n", &bad, None, Target::Map).unwrap_err();
        let e2 = load_shared("- a\n", &bad, None, Target::Map).unwrap_err();
        assert_eq!(e1, e2);
        assert!(e1.contains("cannot unmarshal array"), "{e1}");
    }
}
