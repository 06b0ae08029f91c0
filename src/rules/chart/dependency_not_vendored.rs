use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/dependency-not-vendored",
    severity: Severity::Info,
    summary: "A declared dependency is not present in charts/ nor found locally",
    doc: r#"## What it does
Reports a dependency (of Chart.yaml, or of requirements.yaml for an `apiVersion: v1` chart)
for which `charts/` holds no chart of that name (neither a folder nor a packaged `.tgz`), as
`helm lint` does (`chart directory is missing these dependencies`), unless the dependency
resolves locally:
- its `repository` is a `file://` path to a chart folder that exists;
- a sibling folder of the chart has a chart of that name whose version satisfies the
  constraint (a monorepo of charts, such as a `common` library chart next to the charts that
  use it);
- a folder listed in `dependencyPaths` in `.plimsoll.yaml` holds such a chart.

A dependency found locally also provides its `define`s and default values to
`templates/undefined-template` and `templates/values-path-missing`.

It is information, not a warning: in a source repository, dependencies are normally fetched
by `helm dependency build` in CI and not committed.

## Why it matters
`helm install`, `helm template` and `helm package` fail or package an incomplete chart until
`helm dependency build` has fetched the subcharts, and until then plimsoll cannot see the
dependency's templates and values either (checks that need them stay silent).

## Example
```yaml
dependencies:
  - name: redis
    version: 17.3.0
    repository: https://charts.bitnami.com/bitnami
# …but charts/ is empty
```

## Fix
Run `helm dependency build` (or `helm dependency update`) in the chart folder before linting,
or list the folder that holds the dependency's chart in `dependencyPaths`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    if super::meta(chart).is_none() {
        return;
    }
    let present = super::present_subcharts(chart);
    for dep in chart.dependencies() {
        let name = dep.name;
        if chart.dependency_chart(name).is_some() || present.iter().any(|p| p.name == name) {
            continue;
        }
        // A `file://` repository that points at a chart folder resolves locally.
        if let Some(rest) = dep.repository.and_then(|r| r.strip_prefix("file://"))
            && chart.archive.is_none()
            && chart.root.join(rest).join("Chart.yaml").is_file()
        {
            continue;
        }
        let span = dep
            .node
            .get("name")
            .map(|n| n.span)
            .unwrap_or(dep.node.span);
        sink.report(
            &META,
            dep.file,
            span,
            format!("Dependency `{name}` is missing from the chart's `charts/` directory"),
        )
        .help("run `helm dependency build` in the chart folder, or list the folder that holds it in `dependencyPaths` in .plimsoll.yaml");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    const TEXT: &str = "apiVersion: v2\nname: web\ndependencies:\n  - name: redis\n    version: 17.3.0\n    repository: https://charts.bitnami.com/bitnami\n";

    #[test]
    fn fires_when_charts_dir_lacks_it() {
        let c = chart("web")
            .chart_yaml(TEXT)
            .charts_entry("postgresql-12.1.0.tgz", true)
            .build();
        assert_one(&run(CHART, &c), META.name, (4, 11), "`redis` is missing");
    }

    #[test]
    fn silent_when_vendored_as_folder_or_archive() {
        let c = chart("web")
            .chart_yaml(TEXT)
            .subchart(chart("redis").chart_yaml("name: redis\nversion: 17.3.0\n"))
            .build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web")
            .chart_yaml(TEXT)
            .charts_entry("redis-17.3.0.tgz", true)
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
