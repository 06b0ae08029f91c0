use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "chart/dependency-condition-missing",
    severity: Severity::Warning,
    summary: "A dependency condition names a values path that does not exist or is not a boolean",
    doc: r#"## What it does
Looks up every path of a dependency's `condition` (in Chart.yaml, or in requirements.yaml for
an `apiVersion: v1` chart) (a comma-separated list, e.g.
`redis.enabled,global.redis.enabled`) in the chart's values.yaml, and in the subchart's own
values when the path starts with the subchart's name or alias. Helm takes the first path that
holds a boolean and skips the others, so a missing path is reported only when no path of the
condition holds one (`exporters.enabled,exporters.node-exporter.enabled` is fine when the second
path is set), with the closest existing key; a path whose default is not a boolean is
reported too.

## Why it matters
Helm silently ignores a condition path that does not resolve, and only logs a warning for a
non-boolean one: the subchart is then always installed, and `--set redis.enabled=false` has
no effect because the chart reads another key. A typo here is invisible until someone wonders
why the database is still deployed.

## Example
```yaml
# Chart.yaml
dependencies:
  - name: redis
    version: 17.3.0
    condition: redis.enable
# values.yaml
redis:
  enabled: false
```

## Fix
Point the condition at an existing boolean, or add it to values.yaml
(`redis: {enabled: true}`).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn lookup<'a>(root: &'a Node, path: &[&str]) -> Option<&'a Node> {
    root.get_path(path)
}

/// The deepest existing prefix of `path` and the keys available under it.
fn near_miss<'a>(root: &'a Node, path: &[&str]) -> Option<(usize, Vec<&'a str>)> {
    let mut node = root;
    for (i, key) in path.iter().enumerate() {
        match node.get(key) {
            Some(n) => node = n,
            None => {
                let keys = node.as_map()?.iter().filter_map(|e| e.key_str()).collect();
                return Some((i, keys));
            }
        }
    }
    None
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    if super::meta(chart).is_none() {
        return;
    }
    let values = chart.values_root();
    // Without a parsed values.yaml there is nothing to compare against (see chart/values-missing).
    if chart.values.is_none()
        || chart
            .values
            .as_ref()
            .is_some_and(|v| v.yaml.has_syntax_error())
    {
        return;
    }
    // Chart.yaml's dependencies, or requirements.yaml's for an `apiVersion: v1` chart.
    for d in chart.dependencies() {
        let (dep, file) = (d.node, d.file);
        let Some(cnode) = dep.get("condition") else {
            continue;
        };
        let Some(cond) = cnode.as_str() else {
            continue;
        };
        let (_, name, alias) = super::dep_names(dep);
        let sub = name.and_then(|n| chart.dependency_chart(n));
        let mut offset = 0;
        let mut paths = Vec::new();
        for raw in cond.split(',') {
            let path_text = raw.trim();
            let from = offset;
            offset += raw.len() + 1;
            if path_text.is_empty() {
                continue;
            }
            let path: Vec<&str> = path_text.split('.').collect();
            let found = values.and_then(|v| lookup(v, &path)).or_else(|| {
                // A subchart's own default for `<name or alias>.enabled`.
                let first = *path.first()?;
                if Some(first) != name && Some(first) != alias {
                    return None;
                }
                lookup(sub?.values_root()?, &path[1..])
            });
            paths.push((path_text, path, from, found));
        }
        // Helm uses the first path that holds a boolean and skips the others: a missing path
        // is only a problem when no path of the condition holds one.
        let any_found = paths
            .iter()
            .any(|p| p.3.is_some_and(|n| n.as_bool().is_some()));
        for (path_text, path, from, found) in paths {
            if found.is_none() && any_found {
                continue;
            }
            let span = super::sub_span(file, cnode, path_text, from.min(cond.len()));
            match found {
                Some(node) if node.as_bool().is_some() => {}
                Some(node) => {
                    sink.report(
                        &META,
                        file,
                        span,
                        format!(
                            "Condition `{path_text}` is {} in values, not a boolean; Helm ignores it",
                            super::describe_value(node)
                        ),
                    )
                    .help(format!("set `{path_text}` to `true` or `false` in values.yaml"));
                }
                None => {
                    let d = sink.report(
                        &META,
                        file,
                        span,
                        format!(
                            "Condition `{path_text}` does not exist in values.yaml; the dependency is always enabled"
                        ),
                    );
                    let hint = values
                        .and_then(|v| near_miss(v, &path))
                        .and_then(|(i, keys)| {
                            crate::suggest::closest(path[i], keys).map(|k| {
                                let mut p: Vec<&str> = path[..i].to_vec();
                                p.push(k);
                                p.extend(&path[i + 1..]);
                                p.join(".")
                            })
                        });
                    match hint {
                        Some(h) => d.help(format!("did you mean `{h}`?")),
                        None => d.help(format!("add `{path_text}: true` to values.yaml")),
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    const CHART_YAML: &str = "apiVersion: v2\nname: web\ndependencies:\n  - name: redis\n    version: 17.3.0\n    condition: redis.enable,global.redis.enabled\n";

    #[test]
    fn fires_on_missing_path_with_suggestion() {
        let c = chart("web")
            .chart_yaml(CHART_YAML)
            .values("redis:\n  enabled: false\nglobal:\n  redis: {}\n")
            .build();
        let d = run(CHART, &c);
        assert_eq!(d.len(), 2, "{:#?}", summary(&d));
        assert_eq!(at(&d[0]), (6, 16));
        assert!(d[0].message.contains("`redis.enable` does not exist"));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `redis.enabled`?"));
        // When a later path holds a boolean, Helm uses it: nothing to say.
        let c = chart("web")
            .chart_yaml(CHART_YAML)
            .values("redis:\n  enabled: false\nglobal:\n  redis:\n    enabled: true\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }

    #[test]
    fn fires_on_second_path_and_non_boolean() {
        let c = chart("web")
            .chart_yaml(CHART_YAML)
            .values("redis:\n  enable: \"false\"\n")
            .build();
        let d = run(CHART, &c);
        assert_eq!(d.len(), 2, "{:#?}", summary(&d));
        assert!(d[0].message.contains("a string in values, not a boolean"));
        assert_eq!(at(&d[1]), (6, 29));
        assert!(
            d[1].message
                .contains("`global.redis.enabled` does not exist")
        );
    }

    #[test]
    fn reads_requirements_yaml_of_v1_charts() {
        let c = chart("web")
            .chart_yaml("apiVersion: v1\nname: web\nversion: 1.0.0\n")
            .requirements("dependencies:\n  - name: etcd-operator\n    version: 0.x\n    condition: etcd.operator.enabled\n")
            .values("etcd:\n  operatorEnabled: true\n")
            .build();
        let d = run(CHART, &c);
        assert_eq!(d.len(), 1, "{:#?}", summary(&d));
        assert!(d[0].file.path.ends_with("requirements.yaml"));
        assert_eq!(at(&d[0]), (4, 16));
    }

    #[test]
    fn a_later_path_that_exists_is_enough() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\ndependencies:\n  - name: node-exporter\n    version: 1.0.0\n    condition: exporters.enabled,exporters.node-exporter.enabled\n")
            .values("exporters:\n  node-exporter:\n    enabled: true\n")
            .build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\ndependencies:\n  - name: node-exporter\n    version: 1.0.0\n    condition: exporters.enabled,exporters.node-exporter.enabled\n")
            .values("exporters: {}\n")
            .build();
        assert_eq!(run(CHART, &c).len(), 2);
    }

    #[test]
    fn silent_when_found_in_parent_or_subchart_values() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\ndependencies:\n  - name: redis\n    version: 1.0.0\n    condition: redis.enabled\n")
            .values("redis:\n  enabled: true\n")
            .build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web")
            .chart_yaml("apiVersion: v2\ndependencies:\n  - name: redis\n    alias: cache\n    version: 1.0.0\n    condition: cache.enabled\n")
            .values("image: x\n")
            .subchart(chart("redis").chart_yaml("apiVersion: v2\nname: redis\nversion: 1.0.0\n").values("enabled: false\n"))
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
