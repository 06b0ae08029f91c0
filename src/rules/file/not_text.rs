use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "file/not-text",
    severity: Severity::Error,
    summary: "A chart file that must be text is binary or not UTF-8",
    doc: r#"## What it does
Reports a file that plimsoll must read as text (Chart.yaml, values files, templates, manifests,
README.md, values.schema.json) but that holds NUL bytes or is not valid UTF-8. The position of
the first offending byte is given.

## Why it matters
Helm and Kubernetes read these files as UTF-8 text; a binary or mis-encoded file fails to
render or is silently garbled.

## Example
```text
values.yaml saved as UTF-16, or a PNG copied into templates/
```

## Fix
Save the file as UTF-8, or move binary files out of `templates/` (or add them to `.helmignore`).
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
