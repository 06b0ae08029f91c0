use crate::chart::Chart;
use crate::chart::semver;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/version-not-semver",
    severity: Severity::Error,
    summary: "Chart version is not a semantic version Helm accepts",
    doc: r#"## What it does
Checks that the chart `version` is a semantic version Helm can parse (it accepts the lenient
forms `v1.2` and `1`; see `chart/version-not-strict-semver` for those), and that it is above
`0.0.0-0`, the lowest version Helm allows.

## Why it matters
Helm refuses to lint, package or install a chart whose version does not parse
(`version 'latest' is not a valid SemVer`); repositories sort and resolve chart versions by
SemVer.

## Example
```yaml
version: 1.2.3.4
```

## Fix
Use `MAJOR.MINOR.PATCH`, with an optional pre-release (`1.2.3-rc.1`) or build (`1.2.3+abc`).
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
    if v.is_empty() {
        return;
    }
    match semver::parse_lenient(v) {
        None => {
            let d = sink.report(
                &META,
                m.file(),
                node.span,
                format!("version `{v}` is not a valid SemVer"),
            );
            if v.trim() != v {
                d.help("remove the surrounding spaces");
            } else {
                d.help("use MAJOR.MINOR.PATCH, e.g. `1.2.3` or `1.2.3-rc.1`");
            }
        }
        Some(parsed) => {
            if parsed.precedence(&semver::Version {
                pre: vec!["0".into()],
                ..semver::Version::new(0, 0, 0)
            }) != std::cmp::Ordering::Greater
            {
                sink.report(
                    &META,
                    m.file(),
                    node.span,
                    format!("version `{v}` is not above 0.0.0-0, the lowest version Helm accepts"),
                )
                .help("start at `0.1.0`");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_when_not_semver() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nversion: 1.2.3.4\n")
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (2, 10),
            "`1.2.3.4` is not a valid SemVer",
        );
        let c = chart("web").chart_yaml("version: latest\n").build();
        assert_one(&run(CHART, &c), META.name, (1, 10), "not a valid SemVer");
        let c = chart("web").chart_yaml("version: 0.0.0-0\n").build();
        assert_one(&run(CHART, &c), META.name, (1, 10), "not above 0.0.0-0");
    }

    #[test]
    fn silent_on_lenient_and_strict_versions() {
        // 0.0.0 is above 0.0.0-0 (a release sorts after its pre-releases), so Helm accepts it;
        // CI pipelines often keep it as a placeholder.
        for v in ["1.2.3", "v1.2", "1", "0.0.0", "1.0.0-rc.1+b5"] {
            let c = chart("web").chart_yaml(&format!("version: {v}\n")).build();
            assert!(run(CHART, &c).is_empty(), "{v}");
        }
    }
}
