use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    name: "chart/chart-yaml-not-mapping",
    severity: Severity::Error,
    summary: "Chart.yaml is empty or is not a mapping of fields",
    doc: r#"## What it does
Reports a `Chart.yaml` that parses but holds no fields: an empty file, only comments, or a
top-level list or plain value instead of a mapping. (Syntax errors are reported by
`yaml/syntax`.)

## Why it matters
Helm reads Chart.yaml into its chart metadata; an empty file gives a chart without name and
version, and a list or scalar fails to load with `cannot unmarshal`.

## Example
```yaml
- apiVersion: v2
- name: web
```

## Fix
Write the fields as a mapping at the top level:
```yaml
apiVersion: v2
name: web
version: 0.1.0
```
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(doc) = &chart.chart_yaml else {
        return;
    };
    if doc.yaml.has_syntax_error() {
        return;
    }
    match doc.yaml.root() {
        None => {
            sink.report(&META, &doc.file, Span::empty(0), "`Chart.yaml` is empty")
                .help("add `apiVersion: v2`, `name` and `version`");
        }
        Some(root) if root.as_map().is_none() => {
            sink.report(
                &META,
                &doc.file,
                root.span,
                format!(
                    "`Chart.yaml` must be a mapping of fields, but its top level is a {}",
                    root.type_name()
                ),
            )
            .help("write the fields as `key: value` lines at the top level");
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_list_and_empty_file() {
        let c = chart("web")
            .chart_yaml("# meta\n- apiVersion: v2\n")
            .build();
        assert_one(&run(CHART, &c), META.name, (2, 1), "top level is a list");
        let c = chart("web").chart_yaml("# nothing\n").build();
        assert_one(&run(CHART, &c), META.name, (1, 1), "is empty");
    }

    #[test]
    fn silent_on_mapping_and_on_syntax_errors() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web").chart_yaml("a: [1, 2\n").build();
        assert!(run(CHART, &c).is_empty());
    }
}
