use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/dependency-not-vendored",
    severity: Severity::Warning,
    summary: "A declared dependency is not present in charts/",
    doc: r#"## What it does
Reports a dependency of Chart.yaml for which `charts/` holds no chart of that name (neither a
folder nor a packaged `.tgz`), as `helm lint` does (`chart directory is missing these
dependencies`).

## Why it matters
`helm install`, `helm template` and `helm package` fail or package an incomplete chart until
`helm dependency build` has fetched the subcharts. In a repository that does not commit
`charts/`, this finding is expected before the build step: switch the rule off in
`.plimsoll.yaml` for such pipelines.

## Example
```yaml
dependencies:
  - name: redis
    version: 17.3.0
    repository: https://charts.bitnami.com/bitnami
# …but charts/ is empty
```

## Fix
Run `helm dependency build` (or `helm dependency update`) in the chart folder.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    if m.is_v1() {
        return;
    }
    let present = super::present_subcharts(chart);
    for dep in m.dependencies() {
        let (Some(node), Some(name), _) = super::dep_names(dep) else {
            continue;
        };
        if present.iter().any(|p| p.name == name) {
            continue;
        }
        sink.report(
            &META,
            m.file(),
            node.span,
            format!("Dependency `{name}` is missing from the chart's `charts/` directory"),
        )
        .help("run `helm dependency build` in the chart folder");
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
