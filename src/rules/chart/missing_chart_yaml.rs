use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::SourceFile;

pub static META: RuleMeta = RuleMeta {
    name: "chart/missing-chart-yaml",
    severity: Severity::Error,
    summary: "Chart folder has no Chart.yaml file",
    doc: r#"## What it does
Reports a chart whose `Chart.yaml` is missing or is a directory. No other Chart.yaml check runs
for such a chart.

## Why it matters
Helm cannot load a chart without its metadata file: `helm lint`, `helm install` and
`helm package` all stop with `Chart.yaml file is missing`.

## Example
```text
mychart/
  Chart.yml        # wrong extension: Helm only reads Chart.yaml
  values.yaml
  templates/
```

## Fix
Create `Chart.yaml` (exactly this name) at the chart's root with at least `apiVersion: v2`,
`name` and `version`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    if chart.chart_yaml.is_some() {
        return;
    }
    let file = SourceFile::path_only(chart.root.join("Chart.yaml"));
    if chart.chart_yaml_is_dir {
        sink.report_file(&META, &file, "`Chart.yaml` is a directory, not a file")
            .help("replace the directory with the chart's metadata file");
    } else {
        sink.report_file(&META, &file, "The chart has no `Chart.yaml`")
            .help("create Chart.yaml with `apiVersion: v2`, `name` and `version`");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_when_missing_or_a_directory() {
        let d = run(CHART, &chart("web").values("a: 1\n").build());
        assert_one(&d, META.name, (1, 1), "has no `Chart.yaml`");
        assert!(d[0].span.is_none());
        assert!(d[0].path().ends_with("web/Chart.yaml"));
        let c = chart("web").with(|c| c.chart_yaml_is_dir = true).build();
        assert_one(&run(CHART, &c), META.name, (1, 1), "is a directory");
    }

    #[test]
    fn silent_when_present() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
    }
}
