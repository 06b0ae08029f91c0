use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::probes::ProbeGroup;

pub static META: RuleMeta = RuleMeta {
    name: "probes/liveness-before-readiness",
    severity: Severity::Warning,
    summary: "The liveness probe can restart the container before readiness is first checked",
    doc: r#"## What it does
Compares the earliest time a liveness probe can restart a container
(`initialDelaySeconds + periodSeconds × failureThreshold`) with the readiness probe's
`initialDelaySeconds`. When the restart can come first, and no startup probe guards the start,
the finding points at the liveness delay with the readiness delay as a second label.

## Why it matters
A container that takes as long to start as readiness expects is killed by liveness before it
could ever report ready: it restarts forever (CrashLoopBackOff) although it is healthy.

## Example
```yaml
livenessProbe:
  initialDelaySeconds: 5
  periodSeconds: 5
  failureThreshold: 2      # restart after 15 s
readinessProbe:
  initialDelaySeconds: 60  # first checked after 60 s
```

## Fix
Add a startup probe, or give liveness a later start than readiness.
"#,
};

super::each_probe_group!(check);

fn check(group: &ProbeGroup, sink: &mut Sink) {
    let (Some(l), Some(r), None) = (&group.liveness, &group.readiness, &group.startup) else {
        return;
    };
    if !r.is_set("initialDelaySeconds") {
        return;
    }
    let (Some(l_delay), Some(l_period), Some(l_failures), Some(r_delay)) = (
        l.number("initialDelaySeconds"),
        l.number("periodSeconds"),
        l.number("failureThreshold"),
        r.number("initialDelaySeconds"),
    ) else {
        return;
    };
    let kill_at = l_delay + l_period * l_failures;
    if kill_at >= r_delay {
        return;
    }
    sink.report(
        &META,
        group.file,
        super::field_span(l, "initialDelaySeconds"),
        format!("The {} can restart the container after {kill_at} s, before readiness is first checked at {r_delay} s", super::describe(group, l)),
    )
    .label(format!("restart possible after {kill_at} s"))
    .related(group.file, super::field_span(r, "initialDelaySeconds"), format!("readiness starts at {r_delay} s"))
    .help("add a startup probe, or start liveness later than readiness");
}
