use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/app-version-not-string",
    severity: Severity::Error,
    summary: "appVersion is written as a number or boolean, so Helm may change it",
    doc: r#"## What it does
Reports an `appVersion` that YAML reads as a number or a boolean instead of a string, and says
what Helm will make of it.

## Why it matters
`helm lint` rejects it (`appVersion should be of type string but it's of type float64`). When
Helm loads the chart it turns the number back into text its own way: `appVersion: 2.10`
becomes `2.1`, `1.0` becomes `1`, `20240102` becomes `2.0240102e+07`. The
`app.kubernetes.io/version` label and image tags built from `.Chart.AppVersion` then name a
different version.

## Example
```yaml
appVersion: 2.10
```

## Fix
Quote it: `appVersion: "2.10"`.

`plimsoll lint --fix` quotes it when Helm already reads the written text (`20`); where Helm
reads something else (`2.10` is `2.1`) the fix changes the version shown in labels and image
tags, so it needs `--unsafe-fixes`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;
/// Quoting is safe when Helm already reads the written text (`appVersion: 2`), unsafe when it reads something else (`2.10` is `2.1`): the version in labels and image tags changes.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(node) = m.get("appVersion") else {
        return;
    };
    let file = m.file();
    let written = super::written(file, node);
    match super::helm_string_of(node) {
        Some(read) => {
            let what = super::describe_value(node);
            let msg = if read == written {
                format!("`appVersion: {written}` is {what}, not a string")
            } else {
                format!(
                    "`appVersion: {written}` is {what}, not a string: Helm reads this as \"{read}\""
                )
            };
            let applicability = if read == written {
                crate::fix::Applicability::Safe
            } else {
                crate::fix::Applicability::Unsafe
            };
            sink.report(&META, file, node.span, msg)
                .help(format!("quote it: `appVersion: \"{written}\"`"))
                .fix(
                    crate::fix::Fix::new(applicability, "Quote `appVersion`").edit(
                        file,
                        node.span,
                        crate::fix::edit::double_quoted(&written),
                    ),
                );
        }
        None if node.as_scalar().is_none() => {
            sink.report(
                &META,
                file,
                node.span,
                format!("`appVersion` must be a string, not a {}", node.type_name()),
            );
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_float_and_says_what_helm_reads() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nappVersion: 2.10\n")
            .build();
        let d = run(CHART, &c);
        assert_one(&d, META.name, (2, 13), "Helm reads this as \"2.1\"");
        assert_eq!(
            d[0].help.as_deref(),
            Some("quote it: `appVersion: \"2.10\"`")
        );
        let c = chart("web").chart_yaml("appVersion: 20240102\n").build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (1, 13),
            "the number 20240102, not a string",
        );
        let c = chart("web").chart_yaml("appVersion: 1.0\n").build();
        assert_one(&run(CHART, &c), META.name, (1, 13), "reads this as \"1\"");
    }

    #[test]
    fn silent_on_strings() {
        for v in ["\"2.10\"", "v2.10", "2.10.1", "'1.0'"] {
            let c = chart("web")
                .chart_yaml(&format!("appVersion: {v}\n"))
                .build();
            assert!(run(CHART, &c).is_empty(), "{v}");
        }
    }
}
