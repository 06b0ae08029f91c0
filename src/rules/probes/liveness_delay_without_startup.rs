use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::probes::ProbeGroup;

/// Longer initial delays than this call for a startup probe.
pub const LONG_DELAY_SECONDS: i64 = 60;

pub static META: RuleMeta = RuleMeta {
    name: "probes/liveness-delay-without-startup",
    severity: Severity::Warning,
    summary: "A long liveness initialDelaySeconds stands in for a missing startup probe",
    doc: r#"## What it does
Reports a liveness probe with `initialDelaySeconds` above 60 when the same container (or the
same values object) has no startup probe.

## Why it matters
A long initial delay is paid on every start, also when the application is ready in seconds,
and a container that hangs during start-up is detected only after the whole delay. A startup
probe protects slow starts without slowing fast ones, and liveness takes over as soon as it
passes.

## Example
```yaml
probes:
  liveness:
    initialDelaySeconds: 600
    periodSeconds: 3
```

## Fix
Add a startup probe with the same handler, `failureThreshold × periodSeconds` covering the
slowest start, and drop the liveness `initialDelaySeconds`.
"#,
};

super::each_probe_group!(check);

fn check(group: &ProbeGroup, sink: &mut Sink) {
    let (Some(liveness), None) = (&group.liveness, &group.startup) else {
        return;
    };
    let Some(node) = liveness.field("initialDelaySeconds") else {
        return;
    };
    let Some(delay) = node.as_i64() else { return };
    if delay <= LONG_DELAY_SECONDS {
        return;
    }
    sink.report(
        &META,
        group.file,
        node.span,
        format!(
            "The {} waits {delay} s before its first check, and there is no startup probe",
            super::describe(group, liveness)
        ),
    )
    .label("long initial delay")
    .help("add a startup probe that covers the slow start and remove this delay");
}
