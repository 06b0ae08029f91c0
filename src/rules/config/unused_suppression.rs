use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "config/unused-suppression",
    severity: Severity::Info,
    summary: "A suppression comment suppresses nothing",
    doc: r#"## What it does
Reports a `plimsoll-ignore` or `plimsoll-ignore-file` comment for a rule that reported nothing
on the lines (or the file) the comment covers.

## Why it matters
Stale suppressions hide the next real finding on that line and mislead readers into thinking
a problem exists there.

## Example
```yaml
replicaCount: 2  # plimsoll-ignore: values/yaml11-boolean
```

## Fix
Remove the comment, or the rule name from it.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
