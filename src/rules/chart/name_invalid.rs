use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    name: "chart/name-invalid",
    severity: Severity::Error,
    summary: "Chart name is missing, not a string, or contains a path separator",
    doc: r#"## What it does
Checks `name` in Chart.yaml: it is required, must be a string, may not contain `/` or `\`, and
may not be `.` or `..`.

## Why it matters
Helm refuses to load or lint such a chart (`name is required`, `chart name "a/b" is invalid`,
`chart.metadata.name ".." is not allowed`). The name also becomes part of file paths when the
chart is packaged, so a separator would write outside the intended folder.

## Example
```yaml
apiVersion: v2
name: charts/web
version: 1.0.0
```

## Fix
Use the chart's bare name, e.g. `name: web`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let file = m.file();
    let Some(entry) = m.entry("name") else {
        let span = m
            .root
            .as_map()
            .and_then(|e| e.first())
            .map(|e| e.key.span)
            .unwrap_or(Span::empty(0));
        let d = sink.report(&META, file, span, "`name` is required");
        if !chart.dir_name.is_empty() {
            d.help(format!("add `name: {}`", chart.dir_name));
        }
        return;
    };
    let node = &entry.value;
    if node.is_null() || node.as_str() == Some("") {
        let span = if node.span.is_empty() {
            entry.key.span
        } else {
            node.span
        };
        sink.report(&META, file, span, "`name` is required but empty");
        return;
    }
    let Some(name) = node.as_str() else {
        sink.report(
            &META,
            file,
            node.span,
            format!(
                "`name` must be a string, but Helm reads {}",
                super::describe_value(node)
            ),
        )
        .help("quote the name");
        return;
    };
    if name == "." || name == ".." {
        sink.report(
            &META,
            file,
            node.span,
            format!("Chart name `{name}` is not allowed"),
        );
    } else if name.contains(['/', '\\']) {
        let base = name
            .rsplit(['/', '\\'])
            .find(|s| !s.is_empty())
            .unwrap_or("");
        let d = sink.report(
            &META,
            file,
            node.span,
            format!("Chart name `{name}` is invalid: it contains a path separator"),
        );
        if !base.is_empty() {
            d.help(format!("use the bare name `{base}`"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_missing_separator_dots_and_numbers() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nversion: 1.0.0\n")
            .build();
        let d = run(CHART, &c);
        assert_one(&d, META.name, (1, 1), "`name` is required");
        assert_eq!(d[0].help.as_deref(), Some("add `name: web`"));
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: charts/web\n")
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (2, 7),
            "contains a path separator",
        );
        let c = chart("web").chart_yaml("name: ..\n").build();
        assert_one(&run(CHART, &c), META.name, (1, 7), "`..` is not allowed");
        let c = chart("web").chart_yaml("name: 1.0\n").build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (1, 7),
            "Helm reads the number 1",
        );
        let c = chart("web").chart_yaml("apiVersion: v2\nname:\n").build();
        assert_one(&run(CHART, &c), META.name, (2, 1), "empty");
    }

    #[test]
    fn silent_on_plain_names() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
        // Not this rule's business: uppercase and dots (see chart/name-not-dns-label).
        let c = chart("web").chart_yaml("name: My.Chart\n").build();
        assert!(run(CHART, &c).is_empty());
    }
}
