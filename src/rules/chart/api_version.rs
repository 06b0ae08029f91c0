use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    name: "chart/api-version",
    severity: Severity::Error,
    summary: "Chart.yaml apiVersion is missing or not v1/v2, or v1 declares dependencies",
    doc: r#"## What it does
Checks `apiVersion` in Chart.yaml: it must be present and be `v2` (Helm 3 and later) or `v1`
(Helm 2 charts). A `v1` chart may not declare `dependencies` in Chart.yaml: they belong in
`requirements.yaml` there.

## Why it matters
`helm lint` fails the chart (`apiVersion is required. The value must be either "v1" or "v2"`),
so a CI gate built on it fails too. Helm 3 still installs a chart without `apiVersion`, reading
it as `v1` (a Helm 2 chart: dependencies come from `requirements.yaml`), and ignores or rejects
fields that the apiVersion does not support. `apiVersion: v1` itself is valid: Helm 3 reads
and installs v1 charts.

## Example
```yaml
apiVersion: v3
name: web
version: 1.0.0
```

## Fix
Use `apiVersion: v2` for charts written for Helm 3 or later; add `apiVersion: v1` to a Helm 2
chart that keeps `requirements.yaml`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let file = m.file();
    match m.get("apiVersion") {
        None => {
            let span = m
                .root
                .as_map()
                .and_then(|e| e.first())
                .map(|e| e.key.span)
                .unwrap_or(Span::empty(0));
            sink.report(
                &META,
                file,
                span,
                "`apiVersion` is required; the value must be either \"v1\" or \"v2\"",
            )
            .help("add `apiVersion: v2` as the first line");
        }
        Some(node) if node.is_null() => {
            let span = m
                .entry("apiVersion")
                .map(|e| e.key.span)
                .unwrap_or(node.span);
            sink.report(
                &META,
                file,
                span,
                "`apiVersion` is empty; the value must be either \"v1\" or \"v2\"",
            )
            .help("write `apiVersion: v2`");
        }
        Some(node) => match node.as_str() {
            Some("v1" | "v2") => {}
            _ => {
                let shown = super::written(file, node);
                let d = sink.report(
                    &META,
                    file,
                    node.span,
                    format!(
                        "apiVersion `{shown}` is not valid; the value must be either \"v1\" or \"v2\""
                    ),
                );
                if shown.eq_ignore_ascii_case("v2") || shown == "2" || shown == "V2" {
                    d.help("write it exactly as `v2`");
                } else {
                    d.help("use `apiVersion: v2` for charts made for Helm 3 or later");
                }
            }
        },
    }
    if m.is_v1()
        && let Some(e) = m.entry("dependencies")
    {
        sink.report(
            &META,
            file,
            e.key.span,
            "`dependencies` are not valid in a Chart.yaml with apiVersion \"v1\"; they are valid in apiVersion \"v2\"",
        )
        .help("switch to `apiVersion: v2`, or move the list to requirements.yaml");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_missing_and_invalid() {
        let c = chart("web")
            .chart_yaml("name: web\nversion: 1.0.0\n")
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (1, 1),
            "`apiVersion` is required",
        );
        let c = chart("web")
            .chart_yaml("name: web\napiVersion: v3\n")
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (2, 13),
            "apiVersion `v3` is not valid",
        );
        let c = chart("web").chart_yaml("apiVersion: 2\n").build();
        assert_one(&run(CHART, &c), META.name, (1, 13), "`2` is not valid");
    }

    #[test]
    fn fires_on_dependencies_in_v1() {
        let c = chart("web")
            .chart_yaml("apiVersion: v1\nname: web\ndependencies:\n  - name: x\n")
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (3, 1),
            "not valid in a Chart.yaml with apiVersion \"v1\"",
        );
    }

    #[test]
    fn silent_on_v1_and_v2() {
        for text in [
            GOOD_CHART_YAML,
            "apiVersion: v1\nname: web\nversion: 1.0.0\n",
        ] {
            let c = chart("web").chart_yaml(text).build();
            assert!(run(CHART, &c).is_empty());
        }
    }
}
