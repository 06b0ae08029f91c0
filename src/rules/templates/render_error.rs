use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "templates/render-error",
    severity: Severity::Error,
    summary: "A template fails to render",
    doc: r#"## What it does
Renders the chart as `helm template` does (default values, then each `ci/*-values.yaml`
scenario) and reports every template whose execution fails, at the action where it stops,
with Helm's message: a `required` value left empty, a `fail` call, a nil pointer
(`.Values.a.b` where `a` is missing), a function given the wrong type, an `include` of a
template that does not exist. Unlike Helm, which stops at the first failing template, every
template is executed, so one failure hides nothing else. When a failure happens only in some
scenarios, the message names them.

A `required` or `fail` message is information, as `helm lint` reports it: the chart asks the
user for a value on purpose. A failure while dependencies are missing from `charts/` is
information too: it may come from their templates or values.

## Why it matters
`helm install`, `helm upgrade`, `helm template` and `helm lint` all stop at this error: the
chart cannot be installed with these values.

## Example
```yaml
# values.yaml
image: {}
# templates/deployment.yaml
image: {{ .Values.image.registry.host }}/app   # nil pointer evaluating interface {}.host
```

## Fix
Give the value a default in values.yaml, guard the access (`{{ with .Values.image.registry }}`,
`dig`), or, for a value the user must set, document it and keep `required`, and add a
`ci/*-values.yaml` file that sets it so the chart is tested with it.
"#,
};

/// Emitted by the rendered-output lint (`crate::rendered`).
pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
