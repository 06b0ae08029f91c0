use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::probes::ProbeGroup;

pub static META: RuleMeta = RuleMeta {
    name: "probes/timeout-exceeds-period",
    severity: Severity::Warning,
    summary: "A probe's timeoutSeconds is above its periodSeconds",
    doc: r#"## What it does
Reports a probe whose `timeoutSeconds` is greater than its `periodSeconds` (Kubernetes
defaults: timeout 1 s, period 10 s), in manifests and in probe settings in values. A timeout
equal to the period is valid and common; `probes/timeout-equals-period` reports it at `info`.

## Why it matters
The kubelet does not start a probe while the previous one still runs, so a timeout above the
period silently stretches the period: a hung container is found later than the settings
suggest, and a liveness restart comes late. The two settings contradict each other.

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

`plimsoll lint --fix --unsafe-fixes` sets a `timeoutSeconds` written in the file to
`periodSeconds - 1` (unsafe: the kubelet then gives up sooner).
"#,
};

super::each_probe_group!(check);

/// Lowering the timeout changes when the kubelet gives up on a probe: review it.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

fn check(group: &ProbeGroup, sink: &mut Sink) {
    compare(
        group,
        sink,
        &META,
        |timeout, period| timeout > period,
        "above",
    );
}

/// Reports each probe of the group whose timeout and period (defaults included, one of them
/// set) satisfy `hit`; `relation` words the message (`above`, `equal to`).
pub(crate) fn compare(
    group: &ProbeGroup,
    sink: &mut Sink,
    meta: &'static RuleMeta,
    hit: fn(i64, i64) -> bool,
    relation: &str,
) {
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
        if !hit(timeout, period) {
            continue;
        }
        let d = sink.report(
            meta,
            group.file,
            super::field_span(probe, "timeoutSeconds"),
            format!(
                "`timeoutSeconds` ({timeout}) is {relation} `periodSeconds` ({period}) in the {}",
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
        let span = super::field_span(probe, "timeoutSeconds");
        if probe.is_set("timeoutSeconds")
            && period > 1
            && group.file.slice(span).parse::<i64>() == Ok(timeout)
        {
            d.fix(
                crate::fix::Fix::unsafe_(format!("Set `timeoutSeconds: {}`", period - 1)).edit(
                    group.file,
                    span,
                    (period - 1).to_string(),
                ),
            );
        }
    }
}
