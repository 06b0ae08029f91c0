use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "file/unreadable",
    severity: Severity::Error,
    summary: "A file or folder could not be read",
    doc: r#"## What it does
Reports a file or folder inside a linted path that cannot be read: permission denied, a
symbolic link loop, a link that points nowhere or outside the chart, a file larger than the
size limit, or an archive that cannot be unpacked. Linting of everything else goes on.

## Why it matters
Helm fails to package or install a chart with unreadable files, and a linter that skips them
silently gives a false all-clear.

## Example
```text
templates/secret.yaml  (mode 000)
charts/self -> ..      (a symbolic link loop)
```

## Fix
Fix the permissions, remove the loop, or list the path in `.helmignore`.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
