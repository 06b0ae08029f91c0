use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::SourceFile;

pub static META: RuleMeta = RuleMeta {
    name: "chart/templates-not-dir",
    severity: Severity::Error,
    summary: "templates exists but is a file, not a directory",
    doc: r#"## What it does
Reports a chart whose `templates` entry is a file instead of a directory.

## Why it matters
Helm only renders files inside the `templates/` directory; `helm lint` (Helm 4) reports
`templates: not a directory` as an error, and the chart installs nothing.

## Example
```text
web/templates       # a file, e.g. a template saved under the folder's name
```

## Fix
Create the `templates/` directory and move the manifests into it as `.yaml` files.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    if !chart.templates_not_dir {
        return;
    }
    let file = SourceFile::path_only(chart.root.join("templates"));
    sink.report_file(&META, &file, "`templates` is not a directory")
        .help("make `templates/` a directory holding the chart's manifests");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_when_templates_is_a_file() {
        let c = chart("web")
            .chart_yaml(GOOD_CHART_YAML)
            .with(|c| c.templates_not_dir = true)
            .build();
        let d = run(CHART, &c);
        assert_one(&d, META.name, (1, 1), "not a directory");
        assert!(d[0].path().ends_with("web/templates"));
    }

    #[test]
    fn silent_with_a_templates_dir() {
        let c = chart("web")
            .chart_yaml(GOOD_CHART_YAML)
            .template("a.yaml", "kind: x\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
