use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "file/not-lintable",
    severity: Severity::Info,
    summary: "A file named on the command line is neither YAML, JSON nor a packaged chart",
    doc: r#"## What it does
Reports a file given explicitly on the command line that lies outside any chart and is neither
a YAML or JSON manifest (`.yaml`, `.yml`, `.json`) nor a packaged chart (`.tgz`, `.tar.gz`).
The file is not read: plimsoll does not parse prose or binary data as YAML. Files inside a
chart are always linted as part of their chart, whatever their name.

## Why it matters
A gate that names a file expects it to be checked. Saying nothing would look like a clean
result for a file that was never looked at; parsing a text or binary file as YAML would report
meaningless syntax errors. It is information, not a warning: a pre-commit hook passes every
file its pattern matches, such as a README.md outside any chart, and such a file has nothing
wrong with it.

## Example
```text
plimsoll lint notes.txt deploy/app.yaml
```

## Fix
Name only manifests, charts and chart files, or give the folder that holds them; in a
pre-commit hook, narrow the hook's `files` pattern.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
