use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::probes::{ProbeGroup, in_manifests, in_values};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "probes/timeout-exceeds-period",
    severity: Severity::Warning,
    summary: "A probe's timeoutSeconds is not below its periodSeconds",
    doc: r#"## What it does
Reports a probe whose `timeoutSeconds` is greater than or equal to its `periodSeconds`
(Kubernetes defaults: timeout 1 s, period 10 s), in manifests and in probe settings in values.

## Why it matters
The kubelet does not start a probe while the previous one still runs, so a timeout at or above
the period stretches every failure detection: a hung container is found later than the
settings suggest, and a liveness restart comes late.

## Example
```yaml
livenessProbe:
  httpGet: {path: /healthz, port: http}
  periodSeconds: 5
  timeoutSeconds: 10
```

## Fix
Keep `timeoutSeconds` below `periodSeconds`, for example `periodSeconds: 10` and
`timeoutSeconds: 3`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    in_values(chart).iter().for_each(|g| check(g, sink));
}

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    in_manifests(docs).iter().for_each(|g| check(g, sink));
}

fn check(group: &ProbeGroup, sink: &mut Sink) {
    for probe in group.probes() {
        if !probe.is_set("timeoutSeconds") && !probe.is_set("periodSeconds") {
            continue;
        }
        let (Some(timeout), Some(period)) = (
            probe.number("timeoutSeconds"),
            probe.number("periodSeconds"),
        ) else {
            continue;
        };
        if timeout < period {
            continue;
        }
        let d = sink.report(
            &META,
            group.file,
            super::field_span(probe, "timeoutSeconds"),
            format!(
                "`timeoutSeconds` ({timeout}) is not below `periodSeconds` ({period}) in the {}",
                super::describe(group, probe)
            ),
        );
        d.label(if probe.is_set("timeoutSeconds") {
            "timeout"
        } else {
            "timeoutSeconds defaults to 1"
        });
        if probe.is_set("periodSeconds") {
            d.related(
                group.file,
                super::field_span(probe, "periodSeconds"),
                "period",
            );
        } else {
            d.label("timeout, while periodSeconds defaults to 10");
        }
        d.help("set timeoutSeconds below periodSeconds");
    }
}
