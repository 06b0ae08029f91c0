use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::probes::ProbeGroup;
use crate::yaml::Value;

/// Fields and the smallest value Kubernetes accepts.
const MINIMUM: [(&str, i64); 5] = [
    ("initialDelaySeconds", 0),
    ("periodSeconds", 1),
    ("timeoutSeconds", 1),
    ("successThreshold", 1),
    ("failureThreshold", 1),
];

pub static META: RuleMeta = RuleMeta {
    name: "probes/invalid-value",
    severity: Severity::Error,
    summary: "A probe timing field is not a whole number in Kubernetes' allowed range",
    doc: r#"## What it does
Reports probe timing fields (`initialDelaySeconds`, `periodSeconds`, `timeoutSeconds`,
`successThreshold`, `failureThreshold`) that are not whole numbers, or are below the minimum
Kubernetes accepts (0 for the initial delay, 1 for the others), in manifests and in values.

## Why it matters
The API server rejects the object, or, for a string such as `"10"` in values, the rendered
manifest fails validation at install time.

## Example
```yaml
readinessProbe:
  periodSeconds: 0
  timeoutSeconds: 1.5
```

## Fix
Use whole numbers at or above the minimum.
"#,
};

super::each_probe_group!(check);

fn check(group: &ProbeGroup, sink: &mut Sink) {
    for probe in group.probes() {
        for (field, min) in MINIMUM {
            let Some(node) = probe.field(field) else {
                continue;
            };
            let Some(scalar) = node.as_scalar() else {
                continue;
            };
            let problem = match &scalar.value {
                Value::Int(i) if *i < min => format!("must be at least {min}, not {i}"),
                Value::Float(f) if f.fract() != 0.0 || !f.is_finite() => {
                    format!("must be a whole number, not {}", scalar.text)
                }
                // In values, a string is rendered by the template and may well be a number there.
                Value::Str if scalar.text.contains("{{") || group.container.is_none() => continue,
                Value::Str => format!("must be a number, not the string {:?}", scalar.text),
                Value::Bool(_) => format!("must be a number, not the boolean {}", scalar.text),
                _ => continue,
            };
            sink.report(
                &META,
                group.file,
                node.span,
                format!(
                    "`{field}` of the {} {problem}",
                    super::describe(group, probe)
                ),
            )
            .label("invalid value");
        }
    }
}
