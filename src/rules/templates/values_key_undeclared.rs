use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "templates/values-key-undeclared",
    severity: Severity::Info,
    summary: "A template reads a value that values.yaml does not declare",
    doc: r#"## What it does
Reports `.Values` paths that a template reads and prints (or passes on) without a guard,
whose last key values.yaml does not declare, when no existing key at that level looks like a
misspelling of it (that case is `templates/values-path-missing`). The analysis is the same as
that rule's: subchart defaults, `--values` files, guards and nil-safe reads all count, and
keys below an empty mapping (`podAnnotations: {}`) are never reported.

It is information, not a warning: reading an undeclared key is how many charts offer an
optional setting (`{{ .Values.priorityClassName }}` prints nothing until a user sets it).

## Why it matters
An undeclared value is invisible to users: it is not in values.yaml, so it is not documented
there, `helm show values` does not list it and values.schema.json cannot describe it. Where
an empty value is not valid (a port, an image), the chart breaks when the user does not know
to set it.

## Example
```yaml
# templates/deployment.yaml
      priorityClassName: {{ .Values.priorityClassName }}
# values.yaml has no priorityClassName
```

## Fix
Declare the key in values.yaml with its default (`priorityClassName: ""`) and a comment, or
guard the read (`{{ with .Values.priorityClassName }}priorityClassName: {{ . }}{{ end }}`).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check_chart(chart: &Chart, ctx: &Ctx, sink: &mut Sink) {
    super::values_path_missing::check_reads(
        chart,
        ctx,
        sink,
        super::values_path_missing::Kind::Undeclared,
    );
}
