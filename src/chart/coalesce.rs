//! Values as Helm computes them: defaults from values.yaml, overridden by `--values` files
//! (later files win, maps merge, `null` deletes a key), and a subchart's values taken from
//! its parent's values under the subchart's name or alias, with `global` passed down.

use super::{Chart, YamlDoc};
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

fn fill_dependencies(chart: &Chart, v: &mut Value, depth: usize) {
    if depth > 8 {
        return;
    }
    let mut done: Vec<String> = Vec::new();
    let mut keyed: Vec<(String, &Chart)> = Vec::new();
    for d in chart.dependencies() {
        if let Some(sub) = chart.dependency_chart(d.name) {
            keyed.push((d.key().to_string(), sub));
        }
    }
    for sub in chart.dependency_charts() {
        if !keyed.iter().any(|(_, s)| std::ptr::eq(*s, sub)) {
            keyed.push((sub.name().to_string(), sub));
        }
    }
    for (key, sub) in keyed {
        if done.contains(&key) {
            continue;
        }
        done.push(key.clone());
        let mut defaults = effective(sub, &[]);
        fill_dependencies(sub, &mut defaults, depth + 1);
        let Value::Object(m) = v else { return };
        let slot = m
            .entry(key)
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
}
