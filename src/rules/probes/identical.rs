use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::probes::ProbeGroup;

const TIMING: [&str; 5] = [
    "initialDelaySeconds",
    "periodSeconds",
    "timeoutSeconds",
    "successThreshold",
    "failureThreshold",
];

pub static META: RuleMeta = RuleMeta {
    name: "probes/identical",
    severity: Severity::Warning,
    summary: "Liveness and readiness probes are identical in handler and timing",
    doc: r#"## What it does
Reports a container whose liveness and readiness probes use the same handler (same
`httpGet` path and port, `tcpSocket` port, `exec` command or `grpc` service) **and** the same
timing. Probes that share a handler but differ in timing (a later, more tolerant liveness)
are fine and not reported.

## Why it matters
With identical probes, a pod that is briefly overloaded fails readiness and liveness at the
same moment: instead of being taken out of the load balancer until it recovers, it is
restarted, which turns a load spike into an outage.

## Example
```yaml
livenessProbe:  {httpGet: {path: /health, port: http}, periodSeconds: 5}
readinessProbe: {httpGet: {path: /health, port: http}, periodSeconds: 5}
```

## Fix
Make liveness more tolerant (higher `failureThreshold` or `periodSeconds`), or give it a
handler that checks only that the process is alive.
"#,
};

super::each_probe_group!(check);

fn check(group: &ProbeGroup, sink: &mut Sink) {
    let (Some(l), Some(r)) = (&group.liveness, &group.readiness) else {
        return;
    };
    let (Some(lh), Some(rh)) = (l.handler(), r.handler()) else {
        return;
    };
    if lh != rh
        || TIMING
            .iter()
            .any(|f| l.number(f) != r.number(f) || l.number(f).is_none())
    {
        return;
    }
    sink.report(
        &META,
        group.file,
        l.key,
        format!(
            "Liveness and readiness probes of {} are identical in handler and timing",
            group.owner
        ),
    )
    .label("liveness")
    .related(group.file, r.key, "readiness, the same")
    .help("make liveness more tolerant than readiness (higher failureThreshold or periodSeconds)");
}
