use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "config/unknown-rule",
    severity: Severity::Warning,
    summary: "A configuration file or suppression comment names a rule that does not exist",
    doc: r#"## What it does
Reports a rule name in `.plimsoll.yaml` or in a `plimsoll-ignore` comment that no rule has,
with the closest existing name as a suggestion.

## Why it matters
A misspelt name silently does nothing: the rule keeps firing, or the severity override never
applies.

## Example
```yaml
image:
  tag: "1.0"  # plimsoll-ignore: values/float-tag
```

## Fix
Use a name from `plimsoll rules`.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
