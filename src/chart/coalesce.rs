//! Values as Helm computes them: defaults from values.yaml, overridden by `--values` files
//! (later files win, maps merge, `null` deletes a key), and a subchart's values taken from
//! its parent's values under the subchart's name or alias, with `global` passed down.

use super::{Chart, YamlDoc};
use crate::yaml::Node;
use serde_json::Value;

/// Merges `over` into `base` the way Helm coalesces user values onto defaults.
pub fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                if v.is_null() {
                    b.remove(k);
                    continue;
                }
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => merge(existing, v),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

fn json_of(doc: &YamlDoc) -> Value {
    doc.yaml
        .root()
        .map(|r| r.to_json())
        .unwrap_or(Value::Object(Default::default()))
}

/// The chart's values with the `--values` overrides applied.
pub fn effective(chart: &Chart, overrides: &[YamlDoc]) -> Value {
    let mut v = chart
        .values
        .as_ref()
        .map(json_of)
        .unwrap_or(Value::Object(Default::default()));
    if !v.is_object() {
        v = Value::Object(Default::default());
    }
    for o in overrides {
        merge(&mut v, &json_of(o));
    }
    v
}

/// The key under which a parent passes values to this subchart: the dependency's alias, or
/// the subchart's name.
pub fn subchart_key(parent: &Chart, sub: &Chart) -> String {
    let name = sub.name();
    parent
        .chart_yaml
        .as_ref()
        .and_then(|c| c.yaml.root())
        .and_then(|r| r.get("dependencies"))
        .and_then(|d| d.as_seq())
        .and_then(|deps| {
            deps.iter()
                .find(|d| d.get("name").and_then(|n| n.as_str()) == Some(name))
                .and_then(|d| d.get("alias").and_then(|a| a.as_str()))
        })
        .unwrap_or(name)
        .to_string()
}

/// Fills `base` with `defaults` where `base` has nothing: Helm's coalescing of a chart's
/// defaults under what its parent sets (`null` in `base` deletes the default).
fn fill(base: &mut Value, defaults: &Value) {
    let mut v = defaults.clone();
    merge(&mut v, base);
    *base = v;
}

/// The chart's values as its own templates see them: [`effective`], with the defaults of every
/// dependency (vendored or linked, by alias or name) filled in under the dependency's key, as
/// Helm coalesces them before rendering.
pub fn with_dependencies(chart: &Chart, overrides: &[YamlDoc]) -> Value {
    let mut v = effective(chart, overrides);
    fill_dependencies(chart, &mut v, 0);
    v
}

/// Dependencies deeper than this are not filled in.
const MAX_DEPENDENCY_DEPTH: usize = 8;

/// The charts whose defaults go under each key of `chart`'s values: declared dependencies by
/// alias or name, then other subcharts by name; the first chart of a key wins.
fn keyed_dependencies(chart: &Chart) -> Vec<(&str, &Chart)> {
    let mut keyed: Vec<(&str, &Chart)> = Vec::new();
    for d in chart.dependencies() {
        if let Some(sub) = chart.dependency_chart(d.name) {
            keyed.push((d.key(), sub));
        }
    }
    for sub in chart.dependency_charts() {
        if !keyed.iter().any(|(_, s)| std::ptr::eq(*s, sub)) {
            keyed.push((sub.name(), sub));
        }
    }
    let mut first: Vec<(&str, &Chart)> = Vec::with_capacity(keyed.len());
    for (key, sub) in keyed {
        if !first.iter().any(|(k, _)| *k == key) {
            first.push((key, sub));
        }
    }
    first
}

fn fill_dependencies(chart: &Chart, v: &mut Value, depth: usize) {
    if depth > MAX_DEPENDENCY_DEPTH {
        return;
    }
    for (key, sub) in keyed_dependencies(chart) {
        let mut defaults = effective(sub, &[]);
        fill_dependencies(sub, &mut defaults, depth + 1);
        let Value::Object(m) = v else { return };
        let slot = m
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Default::default()));
        if slot.is_object() {
            fill(slot, &defaults);
        }
    }
}

/// A subchart's values: its defaults (with its own dependencies'), overridden by the parent's
/// values under its key, with the parent's `global` merged into its own.
pub fn for_subchart(parent_values: &Value, key: &str, sub: &Chart) -> Value {
    let mut v = with_dependencies(sub, &[]);
    if let Some(from_parent) = parent_values.get(key) {
        merge(&mut v, from_parent);
    }
    if let Some(global) = parent_values.get("global") {
        let mut g = v
            .get("global")
            .cloned()
            .unwrap_or(Value::Object(Default::default()));
        merge(&mut g, global);
        if let Value::Object(m) = &mut v {
            m.insert("global".into(), g);
        }
    }
    v
}

/// A chart's values as [`with_dependencies`] computes them without `--values` files, read in
/// place from the YAML trees: looking up the paths templates read costs nothing for the
/// values nobody reads, where the JSON form converts and copies every value of the chart and
/// of its dependencies.
pub struct ChartValues<'a> {
    /// values.yaml, when it is a mapping.
    own: Option<&'a Node>,
    /// The dependencies' values under their keys, as [`fill_dependencies`] fills them in
    /// (the first dependency of a key wins; none below the depth it stops at).
    deps: Vec<(&'a str, ChartValues<'a>)>,
}

impl<'a> ChartValues<'a> {
    pub fn of(chart: &'a Chart) -> ChartValues<'a> {
        ChartValues::at(chart, 0)
    }

    fn at(chart: &'a Chart, depth: usize) -> ChartValues<'a> {
        let own = chart
            .values
            .as_ref()
            .and_then(|v| v.yaml.root())
            .filter(|r| r.as_map().is_some());
        let deps = if depth <= MAX_DEPENDENCY_DEPTH {
            keyed_dependencies(chart)
                .into_iter()
                .map(|(key, sub)| (key, ChartValues::at(sub, depth + 1)))
                .collect()
        } else {
            Vec::new()
        };
        ChartValues { own, deps }
    }

    /// The values as a whole.
    pub fn root(&self) -> ValueView<'_> {
        ValueView::Chart(self)
    }
}

/// A value of [`ChartValues`]: what the JSON form of [`with_dependencies`] holds at a path.
#[derive(Clone)]
pub enum ValueView<'a> {
    /// A value as written.
    Plain(&'a Node),
    /// A mapping coalesced onto a mapping below it (Helm's `merge(under, over)`).
    Merged(&'a Node, Box<ValueView<'a>>),
    /// A chart's values with its dependencies' filled in.
    Chart(&'a ChartValues<'a>),
}

/// What kind of JSON value a view is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewKind {
    Mapping,
    Null,
    /// Any other value, with its name (`a string`, `a list`, …).
    Other(&'static str),
}

/// The value of the last entry whose key's JSON form is `key` (as the JSON form keeps it).
fn entry_value<'a>(map: &'a Node, key: &str) -> Option<&'a Node> {
    if map.index.is_some() {
        return map.entry_json(key).map(|e| &e.value);
    }
    if !map.duplicate_keys {
        // Every entry is kept: the last one of the key is the first from the end.
        return map
            .as_map()?
            .iter()
            .rev()
            .find(|e| e.key_json_is(key))
            .map(|e| &e.value);
    }
    map.entries()
        .filter(|e| e.key_json_is(key))
        .last()
        .map(|e| &e.value)
}

fn kind_of(n: &Node) -> ViewKind {
    use crate::yaml::{NodeKind, Value as Y};
    match &n.kind {
        NodeKind::Map(_) => ViewKind::Mapping,
        NodeKind::Seq(_) => ViewKind::Other("a list"),
        NodeKind::Scalar(s) => match s.value {
            Y::Null => ViewKind::Null,
            // Not a JSON number: the JSON form holds `null`.
            Y::Float(f) if !f.is_finite() => ViewKind::Null,
            Y::Bool(_) => ViewKind::Other("a boolean"),
            Y::Int(_) | Y::Float(_) => ViewKind::Other("a number"),
            Y::Str => ViewKind::Other("a string"),
        },
    }
}

impl<'a> ValueView<'a> {
    pub fn kind(&self) -> ViewKind {
        match self {
            ValueView::Plain(n) => kind_of(n),
            ValueView::Merged(..) | ValueView::Chart(_) => ViewKind::Mapping,
        }
    }

    /// The value under `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<ValueView<'a>> {
        match self {
            ValueView::Plain(n) => entry_value(n, key).map(ValueView::Plain),
            ValueView::Merged(over, under) => match entry_value(over, key) {
                Some(v) => match kind_of(v) {
                    ViewKind::Null => None,
                    ViewKind::Mapping => match under.get(key) {
                        Some(u) if u.kind() == ViewKind::Mapping => {
                            Some(ValueView::Merged(v, Box::new(u)))
                        }
                        _ => Some(ValueView::Plain(v)),
                    },
                    ViewKind::Other(_) => Some(ValueView::Plain(v)),
                },
                None => under.get(key),
            },
            ValueView::Chart(c) => {
                let own = c.own.and_then(|o| entry_value(o, key));
                match c.deps.iter().find(|(k, _)| *k == key) {
                    Some((_, dep)) => match own {
                        None => Some(ValueView::Chart(dep)),
                        Some(v) if kind_of(v) == ViewKind::Mapping => {
                            Some(ValueView::Merged(v, Box::new(ValueView::Chart(dep))))
                        }
                        Some(v) => Some(ValueView::Plain(v)),
                    },
                    None => own.map(ValueView::Plain),
                }
            }
        }
    }

    /// Which value this is (the same value at every lookup of its path).
    pub fn identity(&self) -> (u8, usize) {
        match self {
            ValueView::Plain(n) => (0, std::ptr::from_ref(*n) as usize),
            ValueView::Merged(over, _) => (1, std::ptr::from_ref(*over) as usize),
            ValueView::Chart(c) => (2, std::ptr::from_ref(*c) as usize),
        }
    }

    /// The keys of a mapping, sorted (as the JSON form orders them).
    pub fn keys(&self) -> Vec<String> {
        let mut keys = std::collections::BTreeSet::new();
        self.collect_keys(&mut keys);
        keys.into_iter().collect()
    }

    fn collect_keys(&self, keys: &mut std::collections::BTreeSet<String>) {
        match self {
            ValueView::Plain(n) => keys.extend(n.entries().map(|e| e.key_json_string())),
            ValueView::Merged(over, under) => {
                under.collect_keys(keys);
                for e in over.entries() {
                    if kind_of(&e.value) == ViewKind::Null {
                        keys.remove(&e.key_json_string());
                    } else {
                        keys.insert(e.key_json_string());
                    }
                }
            }
            ValueView::Chart(c) => {
                if let Some(o) = c.own {
                    keys.extend(o.entries().map(|e| e.key_json_string()));
                }
                keys.extend(c.deps.iter().map(|(k, _)| k.to_string()));
            }
        }
    }

    /// Whether a mapping has no keys.
    pub fn is_empty(&self) -> bool {
        match self {
            ValueView::Plain(n) => n.entries().next().is_none(),
            ValueView::Chart(c) => {
                c.deps.is_empty() && c.own.is_none_or(|o| o.entries().next().is_none())
            }
            ValueView::Merged(..) => self.keys().is_empty(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_like_helm() {
        let mut base = json!({"a": {"b": 1, "c": 2}, "l": [1, 2], "d": 1});
        merge(&mut base, &json!({"a": {"b": 9}, "l": [3], "d": null}));
        assert_eq!(base, json!({"a": {"b": 9, "c": 2}, "l": [3]}));
    }

    #[test]
    fn dependency_defaults_fill_in_under_alias_or_name() {
        use crate::rules::chart::test_support::chart;
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: postgresql\n    version: 1.0.0\n    alias: db\n")
            .values("db:\n  auth:\n    username: app\n")
            .subchart(
                chart("postgresql")
                    .chart_yaml("apiVersion: v2\nname: postgresql\nversion: 1.0.0\n")
                    .values("auth:\n  username: postgres\n  database: pg\nimage:\n  tag: \"16\"\n"),
            )
            .build();
        let v = with_dependencies(&c, &[]);
        assert_eq!(
            v["db"],
            json!({"auth": {"username": "app", "database": "pg"}, "image": {"tag": "16"}})
        );
        assert!(v.get("postgresql").is_none());
    }

    /// Every key the test's values use.
    const PROBES: &[&str] = &[
        "auth",
        "username",
        "database",
        "extra",
        "a",
        "b",
        "c",
        "image",
        "tag",
        "list",
        "nil",
        "nan",
        "db",
        "other",
        "postgresql",
        "cache",
        "size",
        "new",
        "deep",
        "k",
        "labels",
        "common",
        "1",
        "true",
        "x",
    ];

    /// The JSON form of a view, built from its keys and lookups only.
    fn json_of_view(v: &ValueView) -> Value {
        match v.kind() {
            ViewKind::Mapping => {
                let mut m = serde_json::Map::new();
                for k in v.keys() {
                    let child = v.get(&k).expect("a listed key is found");
                    m.insert(k, json_of_view(&child));
                }
                assert_eq!(v.is_empty(), m.is_empty());
                // Keys not listed are not found either.
                for k in PROBES {
                    assert_eq!(v.get(k).is_some(), m.contains_key(*k), "{k}");
                }
                Value::Object(m)
            }
            ViewKind::Null => Value::Null,
            ViewKind::Other(_) => match v {
                ValueView::Plain(n) => n.to_json(),
                _ => unreachable!("only plain values are not mappings"),
            },
        }
    }

    #[test]
    fn values_read_in_place_are_the_coalesced_json() {
        use crate::rules::chart::test_support::chart;
        let sub_values = [
            "auth:\n  username: postgres\n  database: pg\n  extra: {a: 1, b: null}\nimage:\n  tag: \"16\"\nlist: [1, 2]\nnil: ~\n",
            "",
            "- a list\n",
            "auth: plain\nnan: .nan\n",
        ];
        let parent_values = [
            "db:\n  auth:\n    username: app\n    database: null\n    extra: {b: 2, c: ~}\n  image: null\n  list: {x: 1}\nother: 1\n",
            "db: null\n",
            "db: a string\npostgresql:\n  auth: {username: x}\n",
            "",
            "db:\n  auth: [1]\n  nil: {a: 1}\n  new: {deep: {k: v}}\ncache: {size: 1}\n1: one\ntrue: yes\n",
        ];
        for sv in sub_values {
            for pv in parent_values {
                let c = chart("web")
                    .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: postgresql\n    version: 1.0.0\n    alias: db\n  - name: cache\n    version: 1.0.0\n")
                    .values(pv)
                    .subchart(
                        chart("postgresql")
                            .chart_yaml("apiVersion: v2\nname: postgresql\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 1.0.0\n")
                            .values(sv)
                            .subchart(
                                chart("common")
                                    .chart_yaml("apiVersion: v2\nname: common\nversion: 1.0.0\n")
                                    .values("labels: {a: b}\n"),
                            ),
                    )
                    .subchart(
                        chart("cache")
                            .chart_yaml("apiVersion: v2\nname: cache\nversion: 1.0.0\n")
                            .values(sv),
                    )
                    .build();
                let values = ChartValues::of(&c);
                assert_eq!(
                    json_of_view(&values.root()),
                    with_dependencies(&c, &[]),
                    "{sv:?} under {pv:?}"
                );
            }
        }
    }
}
