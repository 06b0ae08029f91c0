use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/icon-missing",
    severity: Severity::Info,
    summary: "Chart.yaml has no icon",
    doc: r#"## What it does
Notes a Chart.yaml without an `icon` URL, as `helm lint` does (`icon is recommended`). Unlike
in `helm lint`, this finding can be switched off in the configuration.

## Why it matters
Chart repositories and Artifact Hub show the icon next to the chart; without it the chart is
harder to recognise. It does not affect installing the chart.

## Example
```yaml
apiVersion: v2
name: web
version: 1.0.0
```

## Fix
Add an SVG or PNG URL: `icon: https://example.com/web/icon.svg`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    if m.str("icon").is_some_and(|s| !s.is_empty()) {
        return;
    }
    let span = m
        .entry("icon")
        .or_else(|| m.entry("name"))
        .map(|e| e.key.span)
        .or_else(|| m.root.as_map().and_then(|e| e.first()).map(|e| e.key.span))
        .unwrap_or(m.root.span);
    sink.report(&META, m.file(), span, "An icon is recommended")
        .help("add `icon: https://…/icon.svg` (an SVG or PNG URL)");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_without_icon() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
            .build();
        assert_one(&run(CHART, &c), META.name, (2, 1), "icon is recommended");
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nicon: \"\"\n")
            .build();
        assert_one(&run(CHART, &c), META.name, (2, 1), "icon is recommended");
    }

    #[test]
    fn silent_with_icon() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
    }
}
