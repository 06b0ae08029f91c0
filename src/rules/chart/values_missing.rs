use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::SourceFile;

pub static META: RuleMeta = RuleMeta {
    name: "chart/values-missing",
    severity: Severity::Info,
    summary: "Application chart has no values.yaml",
    doc: r#"## What it does
Notes an application chart without a `values.yaml`, as `helm lint` does (`values.yaml: file
does not exist`). Library charts, which are not installed on their own, are not reported.

## Why it matters
values.yaml documents what users can configure and gives the defaults templates rely on.
Without it every `.Values.x` in the templates is empty unless the user sets it, and
values-based checks (schema, documentation, dependency conditions) have nothing to read.

## Example
```text
web/Chart.yaml
web/templates/deployment.yaml   # uses .Values.image.tag
```

## Fix
Add `values.yaml` with the defaults the templates use (it may be empty: `{}`).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    if chart.values.is_some() || chart.chart_yaml.is_none() || super::is_library(chart) {
        return;
    }
    let file = SourceFile::path_only(chart.root.join("values.yaml"));
    sink.report_file(&META, &file, "The chart has no `values.yaml`")
        .help("add values.yaml with the defaults the templates use");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_for_application_charts() {
        let d = run(CHART, &chart("web").chart_yaml(GOOD_CHART_YAML).build());
        assert_one(&d, META.name, (1, 1), "no `values.yaml`");
        assert!(d[0].path().ends_with("web/values.yaml"));
    }

    #[test]
    fn silent_for_library_charts_and_when_present() {
        let lib = chart("common")
            .chart_yaml("apiVersion: v2\nname: common\ntype: library\nversion: 1.0.0\n")
            .build();
        assert!(run(CHART, &lib).is_empty());
        let c = chart("web")
            .chart_yaml(GOOD_CHART_YAML)
            .values("{}\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
