use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/helm2-field",
    severity: Severity::Info,
    summary: "Chart.yaml has a Helm 2 field that Helm 3 ignores",
    doc: r#"## What it does
Reports the Helm 2 chart metadata fields `engine` (the template engine, always `gotpl`) and
`tillerVersion` (the Tiller versions the chart supports) at `info`.

## Why it matters
Helm 3 has no Tiller and a single template engine: it reads both fields without error and
ignores them. They do no harm, but they say the chart was written for Helm 2, and
`tillerVersion` may suggest a constraint that nothing enforces any more (use `kubeVersion`
for the Kubernetes versions the chart supports).

## Example
```yaml
apiVersion: v1
name: web
version: 1.0.0
engine: gotpl
tillerVersion: ">=2.8.0"
```

## Fix
Delete both lines when the chart no longer supports Helm 2.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    for key in super::unknown_field::HELM2_ONLY {
        let Some(e) = m.entry(key) else { continue };
        sink.report(
            &META,
            m.file(),
            e.key.span,
            format!("`{key}` is a Helm 2 field; Helm 3 ignores it"),
        )
        .label("Helm 2 only")
        .help("delete it once the chart no longer supports Helm 2");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn reports_helm2_fields_only() {
        let c = chart("web")
            .chart_yaml("apiVersion: v1\nname: web\nversion: 1.0.0\nengine: gotpl\ntillerVersion: \">=2.8.0\"\n")
            .build();
        let d = run(CHART, &c);
        assert_eq!(d.len(), 2, "{:#?}", summary(&d));
        assert_eq!(at(&d[0]), (4, 1));
        assert!(d[0].message.contains("`engine` is a Helm 2 field"));
        assert_eq!(at(&d[1]), (5, 1));
        let c = chart("web").chart_yaml(GOOD_CHART_YAML).build();
        assert!(run(CHART, &c).is_empty());
    }
}
