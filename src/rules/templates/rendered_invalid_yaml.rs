use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "templates/rendered-invalid-yaml",
    severity: Severity::Error,
    summary: "A template renders text that is not valid YAML",
    doc: r#"## What it does
Renders the chart (default values, then each `ci/*-values.yaml` scenario) and parses each
rendered file as YAML, as Helm does before it installs anything. Reports the first syntax error
of a file at the template line that wrote the offending text. The most common cause is an
`indent`/`nindent` of the wrong width, or whitespace trimming (`{{-`, `-}}`) that joins two
lines.

## Why it matters
Helm fails the whole release with `YAML parse error on <template>`; the template's text looks
fine, and the error names a line of output that exists nowhere on disk.

## Example
```yaml
spec:
  containers:
    - name: app
      resources:
{{ toYaml .Values.resources | indent 4 }}   # 4, not 8: the keys land under `containers`
```

## Fix
Use `nindent` with the indentation of the line the block belongs under, and check the output
with `plimsoll template`.
"#,
};

/// Emitted by the rendered-output lint (`crate::rendered`).
pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
