use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "chart/helmignore-invalid-pattern",
    severity: Severity::Error,
    summary: "A .helmignore pattern that Helm refuses, so Helm cannot load the chart",
    doc: r#"## What it does
Reports a line of `.helmignore` that Helm rejects: a pattern containing `**`, or a glob that Go's
`filepath.Match` calls malformed (an unclosed `[`, an empty or reversed class such as `[z-`,
a trailing `\`). Reported by the loader at the pattern's position; the other patterns still apply.

## Why it matters
`.helmignore` is not `.gitignore`. Helm parses it before loading a chart folder and stops at the
first bad line: `helm lint`, `helm package`, `helm install` and `helm template` all fail with
"double-star (**) syntax is not supported" or "syntax error in pattern".

## Example
```text
# .helmignore
**/*.bak
[z-
```

## Fix
Patterns are Go globs: `*` never crosses `/`, and a pattern without `/` already matches a file
name at any depth. Write `*.bak` instead of `**/*.bak`, `tmp/` instead of `**/tmp/`, and close
every character class (`[a-z]`).
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
