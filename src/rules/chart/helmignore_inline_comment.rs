use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/helmignore-inline-comment",
    severity: Severity::Warning,
    summary: "A `#` comment after a .helmignore pattern is part of the pattern",
    doc: r#"## What it does
Reports a `.helmignore` pattern holding white space followed by `#`. Helm treats only lines that
start with `#` as comments; anything after a pattern is part of it. Reported by the loader.

## Why it matters
The line matches only a file literally named `secrets.yaml # local only`, so the file it was
meant to exclude is packaged and installed, which may leak credentials or break rendering.

## Example
```text
# .helmignore
secrets.yaml   # local only
```

## Fix
Move the comment to a line of its own:

```text
# local only
secrets.yaml
```
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
