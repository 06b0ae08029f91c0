//! Values as Helm computes them for a render: a port of Helm 3.17's `pkg/chartutil`
//! `coalesce.go` (chart defaults under user values, subchart scoping, globals, `null`
//! deleting keys) and `dependencies.go` (which subcharts are enabled by `condition` and
//! `tags`, aliases, `import-values` and `exports`).
//!
//! The port keeps Helm's order of operations, including its quirks: a condition overrides
//! tags; a disabled subchart's values stay in the parent's values; the parent's default
//! values are replaced by the merge of its subcharts' defaults and imports before the final
//! coalesce; type mismatches keep the user's side. Go shares maps between copies in a few
//! places (a subchart aliased twice, nested global tables); here every chart owns its values,
//! which differs from Helm only in those aliasing corner cases.
//!
//! Coalescing warnings that Helm writes to its log are collected in [`Coalesced::warnings`].

use super::value::{Kind, Value};
use crate::chart::semver;
use std::collections::BTreeMap;
use std::sync::Arc;

pub type Table = BTreeMap<String, Value>;

/// The key of the values shared with every subchart.
pub const GLOBAL_KEY: &str = "global";

/// A dependency as declared in Chart.yaml (or requirements.yaml for apiVersion v1 charts).
#[derive(Clone, Debug, Default)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub alias: String,
    pub condition: String,
    pub tags: Vec<String>,
    /// `import-values` entries: strings or `{child, parent}` tables.
    pub import_values: Vec<Value>,
    pub enabled: bool,
}

/// A chart as the values machinery sees it (Helm's `*chart.Chart` reduced to what matters).
#[derive(Clone, Debug, Default)]
pub struct ChartNode {
    /// `Metadata.Name`: the name, or the alias once the dependency is processed.
    pub name: String,
    /// `Metadata.Version`.
    pub version: String,
    /// The chart's default values (`Chart.Values`).
    pub values: Table,
    /// `Metadata.Dependencies`; `None` is Go's nil slice.
    pub dependencies: Option<Vec<Dependency>>,
    /// `Chart.Dependencies()`: the subcharts.
    pub charts: Vec<ChartNode>,
    /// Caller's handle on the loaded chart this node came from.
    pub id: usize,
}

/// Where coalescing writes what Helm logs.
#[derive(Debug, Default)]
pub struct Log {
    pub warnings: Vec<String>,
}

impl Log {
    fn printf(&mut self, s: String) {
        if self.warnings.len() < 1000 {
            self.warnings.push(s);
        }
    }
}

/// Whether a value is a YAML table (Go's `istable`: a `map[string]interface {}`).
pub fn is_table(v: &Value) -> bool {
    matches!(&v.kind, Kind::Map(m) if m.elem == super::value::Elem::Any)
}

/// The entries of a table.
pub fn table(v: &Value) -> Option<&Table> {
    match &v.kind {
        Kind::Map(m) if m.elem == super::value::Elem::Any => Some(&m.entries),
        _ => None,
    }
}

/// The entries of a table, for changing (copy on write).
pub fn table_mut(v: &mut Value) -> Option<&mut Table> {
    match &mut v.kind {
        Kind::Map(m) if m.elem == super::value::Elem::Any => Some(&mut Arc::make_mut(m).entries),
        _ => None,
    }
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn short(v: &Value) -> String {
    super::gofmt::sprint_value(v)
}

/// `CoalesceValues`: the chart's values (and its subcharts') under the user's values; `null`
/// from the user deletes a default.
pub fn coalesce_values(log: &mut Log, chart: &ChartNode, user: &Table) -> Result<Table, String> {
    let mut dest = user.clone();
    coalesce(log, chart, &mut dest, "", false)?;
    Ok(dest)
}

/// `MergeValues`: as [`coalesce_values`] but keeping `null`s.
pub fn merge_values(log: &mut Log, chart: &ChartNode, user: &Table) -> Result<Table, String> {
    let mut dest = user.clone();
    coalesce(log, chart, &mut dest, "", true)?;
    Ok(dest)
}

fn coalesce(
    log: &mut Log,
    ch: &ChartNode,
    dest: &mut Table,
    prefix: &str,
    merge: bool,
) -> Result<(), String> {
    coalesce_chart_values(log, ch, dest, prefix, merge);
    coalesce_deps(log, ch, dest, prefix, merge)
}

fn coalesce_deps(
    log: &mut Log,
    chrt: &ChartNode,
    dest: &mut Table,
    prefix: &str,
    merge: bool,
) -> Result<(), String> {
    for sub in &chrt.charts {
        match dest.get(&sub.name) {
            None => {
                dest.insert(sub.name.clone(), Value::map(Table::new()));
            }
            Some(c) if !is_table(c) => {
                return Err(format!(
                    "type mismatch on {}: %!t({}={})",
                    sub.name,
                    go_type(c),
                    short(c)
                ));
            }
            Some(_) => {}
        }
        let sub_prefix = concat_prefix(prefix, &chrt.name);
        let mut dv = dest
            .remove(&sub.name)
            .unwrap_or_else(|| Value::map(Table::new()));
        let dvmap = table_mut(&mut dv).expect("checked to be a table");
        coalesce_globals(log, dvmap, dest, &sub_prefix);
        let r = coalesce(log, sub, dvmap, &sub_prefix, merge);
        dest.insert(sub.name.clone(), dv);
        r?;
    }
    Ok(())
}

fn go_type(v: &Value) -> String {
    if v.is_nil() {
        "<nil>".into()
    } else {
        v.type_name()
    }
}

/// `coalesceGlobals`: copies the parent's (`src`) globals into the subchart's (`dest`).
fn coalesce_globals(log: &mut Log, dest: &mut Table, src: &Table, prefix: &str) {
    let mut dg = match dest.get(GLOBAL_KEY) {
        None => Table::new(),
        Some(v) => match table(v) {
            Some(t) => t.clone(),
            None => {
                log.printf(format!(
                    "warning: skipping globals because destination {GLOBAL_KEY} is not a table."
                ));
                return;
            }
        },
    };
    let sg = match src.get(GLOBAL_KEY) {
        None => Table::new(),
        Some(v) => match table(v) {
            Some(t) => t.clone(),
            None => {
                log.printf(format!(
                    "warning: skipping globals because source {GLOBAL_KEY} is not a table."
                ));
                return;
            }
        },
    };
    for (key, val) in sg {
        if let Some(vt) = table(&val) {
            let mut vv = vt.clone();
            match dg.get(&key) {
                None => {
                    dg.insert(key, Value::map(vv));
                }
                Some(destv) => match table(destv) {
                    None => log.printf(format!(
                        "Conflict: cannot merge map onto non-map for {}. Skipping.",
                        super::set_values::go_quote(&key)
                    )),
                    Some(destvmap) => {
                        let sub_prefix = concat_prefix(prefix, &key);
                        coalesce_tables(log, &mut vv, destvmap, &sub_prefix, true);
                        dg.insert(key, Value::map(vv));
                    }
                },
            }
        } else if dg.get(&key).is_some_and(is_table) {
            log.printf(format!("key {key} is table. Skipping"));
        } else {
            dg.insert(key, val);
        }
    }
    dest.insert(GLOBAL_KEY.into(), Value::map(dg));
}

/// `coalesceValues`: the chart's defaults under `v`.
fn coalesce_chart_values(log: &mut Log, c: &ChartNode, v: &mut Table, prefix: &str, merge: bool) {
    if v.is_empty() {
        // Every key is missing: the defaults as they are, copied in one go.
        v.clone_from(&c.values);
        return;
    }
    let sub_prefix = concat_prefix(prefix, &c.name);
    for (key, val) in &c.values {
        match v.get_mut(key) {
            Some(value) => {
                if value.is_nil() && !merge {
                    v.remove(key);
                } else if let Some(dest) = table_mut(value) {
                    match table(val) {
                        None => {
                            if !val.is_nil() {
                                log.printf(format!(
                                    "warning: skipped value for {sub_prefix}.{key}: Not a table."
                                ));
                            }
                        }
                        Some(src) => {
                            let merge = merge || c.charts.iter().any(|s| &s.name == key);
                            coalesce_tables(
                                log,
                                dest,
                                src,
                                &concat_prefix(&sub_prefix, key),
                                merge,
                            );
                        }
                    }
                }
            }
            None => {
                v.insert(key.clone(), val.clone());
            }
        }
    }
}

/// `coalesceTablesFullKey`: `src` under `dst` (`dst` wins).
pub fn coalesce_tables(log: &mut Log, dst: &mut Table, src: &Table, prefix: &str, merge: bool) {
    if dst.is_empty() {
        // Every key is missing: `src` as it is, copied in one go.
        dst.clone_from(src);
        return;
    }
    for (key, val) in src {
        // The full key is made only for a nested table or a warning, not for every key.
        let fullkey = || concat_prefix(prefix, key);
        match dst.get_mut(key) {
            Some(dv) if !merge && dv.is_nil() => {
                dst.remove(key);
            }
            None => {
                dst.insert(key.clone(), val.clone());
            }
            Some(dv) => {
                if let Some(vt) = table(val) {
                    if let Some(dt) = table_mut(dv) {
                        coalesce_tables(log, dt, vt, &fullkey(), merge);
                    } else {
                        log.printf(format!(
                            "warning: cannot overwrite table with non table for {} ({})",
                            fullkey(),
                            short(val)
                        ));
                    }
                } else if is_table(dv) && !val.is_nil() {
                    log.printf(format!(
                        "warning: destination for {} is a table. Ignoring non-table value ({})",
                        fullkey(),
                        short(val)
                    ));
                }
            }
        }
    }
}

/// `chartutil.IsCompatibleRange`.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Some(v) = semver::parse_lenient(version) else {
        return false;
    };
    match semver::parse_constraint(constraint) {
        Ok(c) => c.matches(&v),
        Err(_) => false,
    }
}

/// `Values.Table`: the table at a dotted path.
pub fn table_at<'a>(v: &'a Table, path: &str) -> Option<&'a Table> {
    let mut t = v;
    for n in path.split('.') {
        t = table(t.get(n)?)?;
    }
    Some(t)
}

/// `Values.PathValue`: a non-table value at a dotted path (`None` is Helm's `ErrNoValue`).
pub fn path_value<'a>(v: &'a Table, path: &str) -> Option<&'a Value> {
    if path.is_empty() {
        return None;
    }
    let parts: Vec<&str> = path.split('.').collect();
    let (key, rest) = parts.split_last()?;
    let t = if rest.is_empty() {
        v
    } else {
        table_at(v, &rest.join("."))?
    };
    t.get(*key).filter(|x| !is_table(x))
}

/// `ProcessDependenciesWithMerge`: removes disabled subcharts (conditions, tags), applies
/// aliases, then imports values from children to parents.
pub fn process_dependencies(log: &mut Log, c: &mut ChartNode, user: &Table) -> Result<(), String> {
    process_dependency_enabled(log, c, user, "")?;
    process_dependency_import_values(log, c, true)
}

fn process_dependency_enabled(
    log: &mut Log,
    c: &mut ChartNode,
    v: &Table,
    path: &str,
) -> Result<(), String> {
    let Some(mut reqs) = c.dependencies.take() else {
        return Ok(());
    };
    let existing = std::mem::take(&mut c.charts);
    let mut chart_deps: Vec<ChartNode> = Vec::new();
    for e in &existing {
        let declared = reqs
            .iter()
            .any(|r| e.name == r.name && is_compatible_range(&r.version, &e.version));
        if !declared {
            chart_deps.push(e.clone());
        }
    }
    for req in &mut reqs {
        if let Some(found) = existing
            .iter()
            .find(|ch| ch.name == req.name && is_compatible_range(&req.version, &ch.version))
        {
            let mut out = found.clone();
            if !req.alias.is_empty() {
                out.name = req.alias.clone();
            }
            chart_deps.push(out);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    c.charts = chart_deps;
    for r in &mut reqs {
        r.enabled = true;
    }
    c.dependencies = Some(reqs);
    let cvals = coalesce_values(log, c, v)?;
    let reqs = c.dependencies.as_mut().expect("set above");
    process_dependency_tags(log, reqs, &cvals);
    process_dependency_conditions(log, reqs, &cvals, path);
    let rm: Vec<String> = reqs
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    let kept_meta: Vec<Dependency> = reqs
        .iter()
        .filter(|r| !rm.contains(&r.name))
        .cloned()
        .collect();
    let mut cd: Vec<ChartNode> = std::mem::take(&mut c.charts)
        .into_iter()
        .filter(|n| !rm.contains(&n.name))
        .collect();
    for t in &mut cd {
        let subpath = format!("{path}{}.", t.name);
        process_dependency_enabled(log, t, &cvals, &subpath)?;
    }
    c.dependencies = if kept_meta.is_empty() {
        None
    } else {
        Some(kept_meta)
    };
    c.charts = cd;
    Ok(())
}

fn process_dependency_tags(log: &mut Log, reqs: &mut [Dependency], cvals: &Table) {
    let Some(vt) = cvals.get("tags").and_then(table) else {
        return;
    };
    for r in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            if let Some(b) = vt.get(k) {
                match b.kind {
                    Kind::Bool(true) => has_true = true,
                    Kind::Bool(false) => has_false = true,
                    _ => log.printf(format!(
                        "Warning: Tag '{k}' for chart {} returned non-bool value",
                        r.name
                    )),
                }
            }
        }
        r.enabled = has_true || !has_false;
    }
}

fn process_dependency_conditions(
    log: &mut Log,
    reqs: &mut [Dependency],
    cvals: &Table,
    cpath: &str,
) {
    for r in reqs {
        for c in r.condition.trim().split(',') {
            if c.is_empty() {
                continue;
            }
            if let Some(vv) = path_value(cvals, &format!("{cpath}{c}")) {
                if let Kind::Bool(b) = vv.kind {
                    r.enabled = b;
                    break;
                }
                log.printf(format!(
                    "Warning: Condition path '{c}' for chart {} returned non-bool value",
                    r.name
                ));
            }
        }
    }
}

fn process_dependency_import_values(
    log: &mut Log,
    c: &mut ChartNode,
    merge: bool,
) -> Result<(), String> {
    for d in &mut c.charts {
        process_dependency_import_values(log, d, merge)?;
    }
    process_import_values(log, c, merge)
}

/// `pathToMap`: nests `data` under a dotted path.
fn path_to_map(path: &str, data: Table) -> Table {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for p in path.split('.').rev() {
        let mut m = Table::new();
        m.insert(p.to_string(), Value::map(cur));
        cur = m;
    }
    cur
}

fn process_import_values(log: &mut Log, c: &mut ChartNode, merge: bool) -> Result<(), String> {
    let Some(deps) = c.dependencies.clone() else {
        return Ok(());
    };
    let cvals = if merge {
        merge_values(log, c, &Table::new())?
    } else {
        coalesce_values(log, c, &Table::new())?
    };
    let mut b = Table::new();
    let mut new_deps = deps.clone();
    for (r, out) in deps.iter().zip(new_deps.iter_mut()) {
        let mut outiv = Vec::new();
        for riv in &r.import_values {
            match &riv.kind {
                Kind::Map(m) => {
                    let get = |k: &str| {
                        m.entries
                            .get(k)
                            .and_then(|v| v.as_str())
                            .map(str::to_string)
                    };
                    // Helm's type assertion panics on a non-string; treat it as missing.
                    let (Some(child), Some(parent)) = (get("child"), get("parent")) else {
                        continue;
                    };
                    let mut iv = Table::new();
                    iv.insert("child".into(), Value::str(child.as_str()));
                    iv.insert("parent".into(), Value::str(parent.as_str()));
                    outiv.push(Value::map(iv));
                    match table_at(&cvals, &format!("{}.{child}", r.name)) {
                        None => log.printf(format!(
                            "Warning: ImportValues missing table from chart {}: no table named {}",
                            r.name,
                            super::set_values::go_quote(&child)
                        )),
                        Some(vv) => {
                            let add = path_to_map(&parent, vv.clone());
                            coalesce_tables(log, &mut b, &add, "", merge);
                            // MergeTables(b, add) keeps b's entries: b is dst.
                        }
                    }
                }
                Kind::Str(s) => {
                    let child = format!("exports.{s}");
                    let mut iv = Table::new();
                    iv.insert("child".into(), Value::str(child.as_str()));
                    iv.insert("parent".into(), Value::str("."));
                    outiv.push(Value::map(iv));
                    match table_at(&cvals, &format!("{}.{child}", r.name)) {
                        None => log.printf(format!(
                            "Warning: ImportValues missing table: no table named {}",
                            super::set_values::go_quote(&child)
                        )),
                        Some(vm) => coalesce_tables(log, &mut b, &vm.clone(), "", merge),
                    }
                }
                _ => {}
            }
        }
        out.import_values = outiv;
    }
    c.dependencies = Some(new_deps);
    let mut cvals = cvals;
    if merge {
        coalesce_tables(log, &mut cvals, &b, "", true);
    } else {
        trim_nil_values(&mut cvals);
        coalesce_tables(log, &mut cvals, &b, "", false);
    }
    c.values = cvals;
    Ok(())
}

fn trim_nil_values(vals: &mut Table) {
    vals.retain(|_, v| !v.is_nil());
    for v in vals.values_mut() {
        if let Some(t) = table_mut(v) {
            trim_nil_values(t);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::set_values::{SetKind, parse_into};

    fn t(s: &str) -> Table {
        let mut m = Table::new();
        if !s.is_empty() {
            crate::render::set_values::parse_into(s, &mut m, SetKind::Json).unwrap();
        }
        m
    }

    fn json(v: &Table) -> String {
        fn go(v: &Value) -> serde_json::Value {
            match &v.kind {
                Kind::Map(m) => serde_json::Value::Object(
                    m.entries.iter().map(|(k, v)| (k.clone(), go(v))).collect(),
                ),
                Kind::List(l) => serde_json::Value::Array(l.items.iter().map(go).collect()),
                Kind::Str(s) => serde_json::Value::String(s.to_string()),
                Kind::Bool(b) => serde_json::Value::Bool(*b),
                Kind::Int(i) | Kind::Int64(i) => serde_json::json!(i),
                Kind::Float(f) => serde_json::json!(f),
                _ => serde_json::Value::Null,
            }
        }
        go(&Value::map(v.clone())).to_string()
    }

    fn node(name: &str, values: &str, charts: Vec<ChartNode>) -> ChartNode {
        ChartNode {
            name: name.into(),
            version: "1.0.0".into(),
            values: t(values),
            dependencies: None,
            charts,
            id: 0,
        }
    }

    fn dep(name: &str) -> Dependency {
        Dependency {
            name: name.into(),
            version: "1.x".into(),
            enabled: true,
            ..Dependency::default()
        }
    }

    // Expectations recorded with helm v3.17.1 (`{{ toJson .Values }}` in parent and subchart).
    #[test]
    fn user_values_win_and_null_deletes() {
        let c = node(
            "p",
            r#"a={"b":1,"c":2,"l":[1,2]},d=1,n=null,keep={"x":1}"#,
            vec![],
        );
        let mut log = Log::default();
        let out = coalesce_values(
            &mut log,
            &c,
            &t(r#"a={"b":9,"c":null,"l":[3]},d=null,keep=5"#),
        )
        .unwrap();
        assert_eq!(
            json(&out),
            r#"{"a":{"b":9.0,"l":[3.0]},"keep":5.0,"n":null}"#
        );
    }

    #[test]
    fn subchart_values_and_globals() {
        let sub = node(
            "s",
            r#"x=1,global={"g1":"sub","g2":"sub","gm":{"a":1}}"#,
            vec![],
        );
        let c = node(
            "p",
            r#"global={"g1":"parent","gm":{"b":2}},s={"x":2}"#,
            vec![sub],
        );
        let mut log = Log::default();
        let out = coalesce_values(&mut log, &c, &Table::new()).unwrap();
        assert_eq!(
            json(&out),
            r#"{"global":{"g1":"parent","gm":{"b":2.0}},"s":{"global":{"g1":"parent","g2":"sub","gm":{"a":1.0,"b":2.0}},"x":2.0}}"#
        );
    }

    #[test]
    fn type_mismatch_on_subchart_fails() {
        let c = node("p", "", vec![node("s", "", vec![])]);
        let mut user = Table::new();
        parse_into("s=str", &mut user, SetKind::Typed).unwrap();
        let mut log = Log::default();
        assert_eq!(
            coalesce_values(&mut log, &c, &user).unwrap_err(),
            "type mismatch on s: %!t(string=str)"
        );
    }

    #[test]
    fn conditions_override_tags_and_aliases_rename() {
        let mut c = node(
            "p",
            r#"a={"enabled":true},tags={"front":false,"back":false}"#,
            vec![
                node("a", "", vec![]),
                node("b", "", vec![]),
                node("e", "", vec![]),
            ],
        );
        let mut da = dep("a");
        da.condition = "a.enabled".into();
        da.tags = vec!["front".into()];
        let mut db = dep("b");
        db.tags = vec!["back".into()];
        let mut db2 = dep("b");
        db2.alias = "bee".into();
        c.dependencies = Some(vec![da, db, db2]);
        let mut log = Log::default();
        process_dependencies(&mut log, &mut c, &Table::new()).unwrap();
        let names: Vec<&str> = c.charts.iter().map(|c| c.name.as_str()).collect();
        // `e` is undeclared and always kept; `b` is off by its tag, its alias `bee` has no tags.
        assert_eq!(names, ["e", "a", "bee"]);
    }

    #[test]
    fn import_values_both_forms() {
        let child = node(
            "c",
            r#"exports={"data":{"exported":1}},deep={"thing":{"v":2}}"#,
            vec![],
        );
        let mut c = node("p", r#"imported={"v":9}"#, vec![child]);
        let mut d = dep("c");
        let mut m = Table::new();
        m.insert("child".into(), Value::str("deep.thing"));
        m.insert("parent".into(), Value::str("imported"));
        d.import_values = vec![Value::str("data"), Value::map(m)];
        c.dependencies = Some(vec![d]);
        let mut log = Log::default();
        process_dependencies(&mut log, &mut c, &Table::new()).unwrap();
        let out = coalesce_values(&mut log, &c, &Table::new()).unwrap();
        assert_eq!(out.get("exported").map(short), Some("1".into()));
        // The parent's own value wins over the import.
        assert_eq!(
            json(table(out.get("imported").unwrap()).unwrap()),
            r#"{"v":9.0}"#
        );
    }

    #[test]
    fn path_values() {
        let v = t(r#"a={"b":{"c":true}},x=1"#);
        assert!(path_value(&v, "a.b.c").is_some());
        assert!(path_value(&v, "a.b").is_none());
        assert!(path_value(&v, "x").is_some());
        assert!(path_value(&v, "a.z.c").is_none());
        assert!(path_value(&v, "").is_none());
    }
}
