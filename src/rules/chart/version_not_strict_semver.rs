use crate::chart::Chart;
use crate::chart::semver;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/version-not-strict-semver",
    severity: Severity::Warning,
    summary: "Chart version is lenient SemVer (`v1.2`, `1`, leading zeros), not strict SemVer 2",
    doc: r#"## What it does
Reports a chart `version` that Helm's lenient parser accepts but that is not a strict SemVer 2
version: a leading `v`, fewer than three parts, or parts with leading zeros.

## Why it matters
Helm 4 warns about it (`version 'v1.2' is not a valid SemVerV2`), OCI registries and Helm's
chart apiVersion v3 require strict versions, and the packaged file name and the version Helm
shows (`1.2.0`) differ from what is written.

## Example
```yaml
version: v1.2
```

## Fix
Write all three parts without a prefix: `version: 1.2.0`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(node) = m.get("version") else {
        return;
    };
    let Some(v) = node.as_str() else {
        return;
    };
    if semver::parse_strict(v).is_some() {
        return;
    }
    // Not even lenient SemVer: chart/version-not-semver reports it.
    let Some(parsed) = semver::parse_lenient(v) else {
        return;
    };
    sink.report(
        &META,
        m.file(),
        node.span,
        format!("version `{v}` is not a valid SemVer 2 version"),
    )
    .help(format!("write `version: {parsed}`"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_lenient_forms() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nversion: v1.2\n")
            .build();
        let d = run(CHART, &c);
        assert_one(&d, META.name, (2, 10), "`v1.2` is not a valid SemVer 2");
        assert_eq!(d[0].help.as_deref(), Some("write `version: 1.2.0`"));
        let c = chart("web").chart_yaml("version: 01.2.3\n").build();
        assert_one(&run(CHART, &c), META.name, (1, 10), "not a valid SemVer 2");
    }

    #[test]
    fn silent_on_strict_and_on_garbage() {
        for v in ["1.2.3", "0.1.0-alpha.1+build.7", "latest"] {
            let c = chart("web").chart_yaml(&format!("version: {v}\n")).build();
            assert!(run(CHART, &c).is_empty(), "{v}");
        }
    }
}
