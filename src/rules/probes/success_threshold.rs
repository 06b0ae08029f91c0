use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::probes::{ProbeGroup, ProbeKind};

pub static META: RuleMeta = RuleMeta {
    name: "probes/success-threshold",
    severity: Severity::Error,
    summary: "A liveness or startup probe sets successThreshold other than 1",
    doc: r#"## What it does
Reports a liveness or startup probe whose `successThreshold` is not 1, in manifests and in
probe settings in values.

## Why it matters
The API server rejects the object: "must be 1" is the only allowed value for liveness and
startup probes. A chart with such a default fails at install time.

## Example
```yaml
livenessProbe:
  tcpSocket: {port: 8080}
  successThreshold: 3
```

## Fix
Remove `successThreshold` (it defaults to 1); use it on the readiness probe if several
successes are really needed.
"#,
};

super::each_probe_group!(check);

fn check(group: &ProbeGroup, sink: &mut Sink) {
    for probe in group.probes().filter(|p| p.kind != ProbeKind::Readiness) {
        let Some(node) = probe.field("successThreshold") else {
            continue;
        };
        match node.as_i64() {
            Some(1) | None => {}
            Some(n) => {
                sink.report(
                    &META,
                    group.file,
                    node.span,
                    format!(
                        "`successThreshold` is {n} in the {}; Kubernetes accepts only 1",
                        super::describe(group, probe)
                    ),
                )
                .label("must be 1")
                .help("remove successThreshold or set it to 1");
            }
        }
    }
}
