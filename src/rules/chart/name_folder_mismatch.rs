use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/name-folder-mismatch",
    severity: Severity::Warning,
    summary: "Chart name differs from the name of the folder it lives in",
    doc: r#"## What it does
Compares `name` in Chart.yaml with the chart's folder name (for a packaged chart, the top
folder inside the archive).

## Why it matters
`helm package` names the archive after `name`, chart-testing and most chart repositories
expect the folder to carry the same name, and people look for a chart by its folder. A
mismatch usually means a chart was copied or renamed halfway.

## Example
```text
charts/web-frontend/Chart.yaml:
  name: web
```

## Fix
Rename the folder or change `name` so that both agree.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(node) = m.get("name") else {
        return;
    };
    let Some(name) = node.as_str() else {
        return;
    };
    let dir = chart.dir_name.as_str();
    if name.is_empty() || dir.is_empty() || dir == "." || dir == ".." || name == dir {
        return;
    }
    if name.contains(['/', '\\']) {
        return;
    }
    let what = if chart.archive.is_some() {
        "the top folder of its archive"
    } else {
        "its folder"
    };
    sink.report(
        &META,
        m.file(),
        node.span,
        format!("Chart name `{name}` differs from {what} `{dir}`"),
    )
    .help(format!(
        "rename the folder to `{name}`, or set `name: {dir}`"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_when_folder_differs() {
        let c = chart("charts/web-frontend")
            .chart_yaml("apiVersion: v2\nname: web\n")
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (2, 7),
            "differs from its folder `web-frontend`",
        );
    }

    #[test]
    fn silent_when_equal() {
        let c = chart("charts/web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
    }
}
