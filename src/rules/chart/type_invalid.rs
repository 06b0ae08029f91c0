use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/type-invalid",
    severity: Severity::Error,
    summary: "Chart type is not application or library, or is set with apiVersion v1",
    doc: r#"## What it does
Checks `type` in Chart.yaml: it must be `application` or `library`, and it is only valid with
`apiVersion: v2`.

## Why it matters
Helm refuses to load a chart whose type is anything else (`chart.metadata.type must be
application or library`), and `helm lint` reports `chart type is not valid in apiVersion 'v1'`.

## Example
```yaml
apiVersion: v2
name: common
version: 1.0.0
type: Library
```

## Fix
Write `type: application` (the default when the field is left out) or `type: library`, in
lowercase.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(entry) = m.entry("type") else {
        return;
    };
    let node = &entry.value;
    if node.is_null() {
        return;
    }
    let file = m.file();
    if m.is_v1() {
        sink.report(
            &META,
            file,
            entry.key.span,
            "Chart `type` is not valid in apiVersion \"v1\"; it is valid in apiVersion \"v2\"",
        )
        .help("switch to `apiVersion: v2`, or remove `type`");
        return;
    }
    match node.as_str() {
        Some("application" | "library") => {}
        other => {
            let shown = super::written(file, node);
            let d = sink.report(
                &META,
                file,
                node.span,
                format!("Chart type `{shown}` is not valid; it must be `application` or `library`"),
            );
            match other.map(str::to_ascii_lowercase).as_deref() {
                Some(l @ ("application" | "library")) => {
                    d.help(format!("write it in lowercase: `{l}`"))
                }
                _ => match other
                    .and_then(|o| crate::suggest::closest(o, ["application", "library"]))
                {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(
                        "use `application` (installable) or `library` (templates for other charts)",
                    ),
                },
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_bad_value_and_v1() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\ntype: Library\n")
            .build();
        let d = run(CHART, &c);
        assert_one(&d, META.name, (3, 7), "`Library` is not valid");
        assert_eq!(
            d[0].help.as_deref(),
            Some("write it in lowercase: `library`")
        );
        let c = chart("web")
            .chart_yaml("apiVersion: v2\ntype: aplication\n")
            .build();
        assert_eq!(
            run(CHART, &c)[0].help.as_deref(),
            Some("did you mean `application`?")
        );
        let c = chart("web")
            .chart_yaml("apiVersion: v1\ntype: application\n")
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (2, 1),
            "not valid in apiVersion \"v1\"",
        );
    }

    #[test]
    fn silent_on_valid_types() {
        for t in ["application", "library"] {
            let c = chart("web")
                .chart_yaml(&format!("apiVersion: v2\ntype: {t}\n"))
                .build();
            assert!(run(CHART, &c).is_empty());
        }
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
    }
}
