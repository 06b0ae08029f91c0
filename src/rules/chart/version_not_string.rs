use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/version-not-string",
    severity: Severity::Error,
    summary: "Chart version is written as a number, not a string",
    doc: r#"## What it does
Reports a chart `version` that YAML reads as a number (`version: 1.0`, `version: 2`) instead
of a string.

## Why it matters
`helm lint` rejects it (`version should be of type string but it's of type float64`), and the
number loses digits: `1.10` becomes `1.1`, `1.0` becomes `1`, so the chart is published under a
different version than the one written.

## Example
```yaml
version: 1.10
```

## Fix
Write a full SemVer version, which YAML reads as a string: `version: 1.10.0`, or quote it.

`plimsoll lint --fix` writes the full version (a safe fix: Helm cannot load the chart as it
is).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;
/// Helm cannot load a chart whose version is a number, so writing the version out breaks nothing that worked.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Safe;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(node) = m.get("version") else {
        return;
    };
    let Some(read) = super::helm_string_of(node) else {
        if node.as_scalar().is_none() {
            sink.report(
                &META,
                m.file(),
                node.span,
                format!("`version` must be a string, not a {}", node.type_name()),
            );
        }
        return;
    };
    let written = super::written(m.file(), node);
    let msg = if read == written {
        format!(
            "`version: {written}` is {}, not a string",
            super::describe_value(node)
        )
    } else {
        format!(
            "`version: {written}` is {}, not a string: Helm reads it as \"{read}\"",
            super::describe_value(node)
        )
    };
    let fixed = full_version(&written);
    sink.report(&META, m.file(), node.span, msg)
        .help(format!("write `version: {fixed}`"))
        .fix(
            crate::fix::Fix::safe(format!("Write `version: {fixed}`")).edit(
                m.file(),
                node.span,
                fixed,
            ),
        );
}

/// `1.10` → `1.10.0`, `2` → `2.0.0`; anything else unchanged, quoted.
pub(crate) fn full_version(written: &str) -> String {
    let parts: Vec<&str> = written.split('.').collect();
    if !parts.is_empty()
        && parts.len() <= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        let mut p: Vec<String> = parts.iter().map(|s| s.to_string()).collect();
        while p.len() < 3 {
            p.push("0".into());
        }
        p.join(".")
    } else {
        format!("\"{written}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_numbers() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nversion: 1.10\n")
            .build();
        let d = run(CHART, &c);
        assert_one(&d, META.name, (2, 10), "Helm reads it as \"1.1\"");
        assert_eq!(d[0].help.as_deref(), Some("write `version: 1.10.0`"));
        let c = chart("web").chart_yaml("version: 2\n").build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (1, 10),
            "the number 2, not a string",
        );
    }

    #[test]
    fn silent_on_strings() {
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
        let c = chart("web").chart_yaml("version: \"1.10\"\n").build();
        assert!(run(CHART, &c).is_empty());
    }
}
