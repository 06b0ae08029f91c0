use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::probes::ProbeGroup;

pub static META: RuleMeta = RuleMeta {
    name: "probes/timeout-equals-period",
    severity: Severity::Info,
    summary: "A probe's timeoutSeconds equals its periodSeconds",
    doc: r#"## What it does
Reports a probe whose `timeoutSeconds` equals its `periodSeconds` (Kubernetes defaults:
timeout 1 s, period 10 s), in manifests and in probe settings in values, at `info`. A
timeout above the period is `probes/timeout-exceeds-period`.

## Why it matters
Kubernetes accepts it, and it is common, so this is only a note: a probe that hangs until its
timeout runs back to back with the next one, so a slow endpoint is probed without pause and
failures take `failureThreshold × timeoutSeconds` to be noticed. With the default timeout of
1 s, a `periodSeconds: 1` probe also leaves no margin at all.

## Example
```yaml
readinessProbe:
  httpGet: {path: /ready, port: http}
  periodSeconds: 1
```

## Fix
Keep `timeoutSeconds` below `periodSeconds` when the probe may be slow, for example
`periodSeconds: 10` and `timeoutSeconds: 3`; leave it when back-to-back probing is intended.

`plimsoll lint --fix --unsafe-fixes` sets a `timeoutSeconds` written in the file to
`periodSeconds - 1` (unsafe: the kubelet then gives up sooner).
"#,
};

super::each_probe_group!(check);

/// Lowering the timeout changes when the kubelet gives up on a probe: review it.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

fn check(group: &ProbeGroup, sink: &mut Sink) {
    super::timeout_exceeds_period::compare(
        group,
        sink,
        &META,
        |timeout, period| timeout == period,
        "equal to",
    );
}
