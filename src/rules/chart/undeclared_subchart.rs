use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    name: "chart/undeclared-subchart",
    severity: Severity::Error,
    summary: "A chart in charts/ is not declared in Chart.yaml dependencies",
    doc: r#"## What it does
Reports every chart in `charts/` (folder or `.tgz`, named by the name inside its Chart.yaml)
that no entry of `dependencies` declares, as `helm lint` does (`chart metadata is missing these
dependencies`).

## Why it matters
An undeclared subchart is still installed with the parent, but no condition, alias, tag or
version pin applies to it, and `helm dependency update` deletes it. It is usually a leftover of
an old version (`redis-16.0.0.tgz` next to `redis-17.3.0.tgz`) or a copied folder.

## Example
```text
web/Chart.yaml        # dependencies: [redis]
web/charts/redis-17.3.0.tgz
web/charts/postgresql-12.1.0.tgz   # not declared
```

## Fix
Add the chart to `dependencies` in Chart.yaml, or delete it from `charts/`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    // apiVersion v1 charts declare dependencies in requirements.yaml.
    if m.is_v1() {
        return;
    }
    let declared: Vec<&str> = m
        .dependencies()
        .filter_map(|d| super::dep_names(d).1)
        .collect();
    let span = m
        .entry("dependencies")
        .or_else(|| m.entry("name"))
        .map(|e| e.key.span)
        .or_else(|| m.root.as_map().and_then(|e| e.first()).map(|e| e.key.span))
        .unwrap_or(Span::empty(0));
    for p in super::present_subcharts(chart) {
        if declared.contains(&p.name.as_str()) {
            continue;
        }
        sink.report(
            &META,
            m.file(),
            span,
            format!(
                "`{}` holds chart `{}`, which `dependencies` does not declare",
                p.shown, p.name
            ),
        )
        .help(format!(
            "declare it (`- name: {}` with `version` and `repository`) or delete it from charts/",
            p.name
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_undeclared_folder_and_archive() {
        let c = chart("web")
            .chart_yaml(
                "apiVersion: v2\nname: web\ndependencies:\n  - name: redis\n    version: 1.0.0\n",
            )
            .subchart(chart("redis").chart_yaml("name: redis\nversion: 1.0.0\n"))
            .charts_entry("postgresql-12.1.0.tgz", true)
            .build();
        let d = run(CHART, &c);
        assert_one(
            &d,
            META.name,
            (3, 1),
            "chart `postgresql`, which `dependencies` does not declare",
        );
        assert!(d[0].message.contains("charts/postgresql-12.1.0.tgz"));
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\n")
            .subchart(chart("cache").chart_yaml("name: redis\nversion: 1.0.0\n"))
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (2, 1),
            "`charts/cache` holds chart `redis`",
        );
    }

    #[test]
    fn silent_when_declared_or_hidden() {
        let c = chart("web")
            .chart_yaml(
                "apiVersion: v2\nname: web\ndependencies:\n  - name: redis\n    version: 1.0.0\n",
            )
            .charts_entry("redis-1.0.0.tgz", true)
            .charts_entry("redis-1.0.0.tgz.prov", false)
            .charts_entry(".gitkeep", false)
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
