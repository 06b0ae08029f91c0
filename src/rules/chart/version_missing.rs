use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    name: "chart/version-missing",
    severity: Severity::Error,
    summary: "Chart.yaml has no version",
    doc: r#"## What it does
Reports a Chart.yaml without `version`, or with an empty one.

## Why it matters
Helm refuses to load, lint or package a chart without a version (`version is required`);
repositories index charts by name and version.

## Example
```yaml
apiVersion: v2
name: web
```

## Fix
Add a SemVer 2 version, e.g. `version: 0.1.0`, and raise it with every change to the chart.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    match m.entry("version") {
        None => {
            let span = m
                .entry("name")
                .map(|e| e.key.span)
                .or_else(|| m.root.as_map().and_then(|e| e.first()).map(|e| e.key.span))
                .unwrap_or(Span::empty(0));
            sink.report(&META, m.file(), span, "`version` is required")
                .help("add `version: 0.1.0` (SemVer 2)");
        }
        Some(e) if e.value.is_null() || e.value.as_str() == Some("") => {
            sink.report(
                &META,
                m.file(),
                e.key.span,
                "`version` is required but empty",
            )
            .help("set a SemVer 2 version such as `0.1.0`");
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_when_missing_or_empty() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\n")
            .build();
        assert_one(&run(CHART, &c), META.name, (2, 1), "`version` is required");
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: \"\"\n")
            .build();
        assert_one(&run(CHART, &c), META.name, (3, 1), "empty");
    }

    #[test]
    fn silent_when_present() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
    }
}
