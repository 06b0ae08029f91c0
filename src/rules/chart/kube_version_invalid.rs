use crate::chart::Chart;
use crate::chart::semver;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/kube-version-invalid",
    severity: Severity::Error,
    summary: "kubeVersion is not a valid SemVer constraint",
    doc: r#"## What it does
Parses `kubeVersion` in Chart.yaml as a version constraint, with the syntax Helm uses
(Masterminds/semver): comparisons `=`, `!=`, `>`, `>=`, `<`, `<=`, `~`, `^`, wildcards `1.2.x`,
hyphen ranges `1.20 - 1.28`, `,` or spaces for AND, `||` for OR.

## Why it matters
`helm lint` does not check this field, but `helm install` and `helm template` compare the
cluster version against it and fail with `chart requires kubeVersion: … which is incompatible
with Kubernetes` when it does not parse, so the chart cannot be installed anywhere.

## Example
```yaml
kubeVersion: ">= 1.22 and < 1.30"
```

## Fix
Write a constraint such as `">=1.22.0-0 <1.31.0-0"`. The `-0` suffix lets pre-release cluster
versions such as `1.28.3-eks-4f4795d` match too.

For a number (`kubeVersion: 1.20`), `plimsoll lint --fix --unsafe-fixes` writes `">=1.20.0-0"`
(unsafe: the operator is a guess).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;
/// A number becomes a lower bound (`1.20` → `">=1.20.0-0"`): the operator is a guess.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let Some(node) = m.get("kubeVersion") else {
        return;
    };
    if node.is_null() {
        return;
    }
    let file = m.file();
    let Some(text) = node.as_str() else {
        let written = super::written(file, node);
        sink.report(
            &META,
            file,
            node.span,
            format!(
                "`kubeVersion` must be a string constraint, but Helm reads {}",
                super::describe_value(node)
            ),
        )
        .help(format!(
            "quote it and add an operator: `kubeVersion: \">={written}.0-0\"`"
        ))
        .fix(
            crate::fix::Fix::unsafe_(format!("Write `kubeVersion: \">={written}.0-0\"`")).edit(
                file,
                node.span,
                format!("\">={written}.0-0\""),
            ),
        );
        return;
    };
    if let Err(e) = semver::parse_constraint(text) {
        let bad = text.get(e.at..(e.at + e.len).min(text.len())).unwrap_or("");
        let span = if bad.is_empty() {
            node.span
        } else {
            super::sub_span(file, node, bad, 0)
        };
        sink.report(
            &META,
            file,
            span,
            format!(
                "`kubeVersion` \"{text}\" is not a valid constraint: {}",
                e.message
            ),
        )
        .help("use a constraint such as `>=1.22.0-0` or `>=1.22.0-0 <1.31.0-0`");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_bad_constraints() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nkubeVersion: \">= 1.22 and < 1.30\"\n")
            .build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (2, 23),
            "`and` is not a version",
        );
        let c = chart("web").chart_yaml("kubeVersion: 1.22\n").build();
        assert_one(&run(CHART, &c), META.name, (1, 14), "the number 1.22");
    }

    #[test]
    fn silent_on_valid_constraints() {
        for k in [
            "\">=1.22.0-0\"",
            "'^1.2'",
            "~1.2.3",
            "1.2.x",
            "\">= 1.19.0, < 1.30.0 || 2.x\"",
            "1.20 - 1.28",
        ] {
            let c = chart("web")
                .chart_yaml(&format!("kubeVersion: {k}\n"))
                .build();
            assert!(run(CHART, &c).is_empty(), "{k}");
        }
    }
}
