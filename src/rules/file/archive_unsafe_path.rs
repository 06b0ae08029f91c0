use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "file/archive-unsafe-path",
    severity: Severity::Error,
    summary: "A packaged chart holds an entry outside its chart folder",
    doc: r#"## What it does
Reports entries of a packaged chart (`.tgz`) whose path is absolute, contains `..`, is a link,
or lies outside the archive's single top-level chart folder. plimsoll reads archives in memory
and never writes their entries anywhere; the entry is skipped.

## Why it matters
Such entries are a path-traversal attack on tools that unpack charts to disk
("zip slip"), and Helm refuses to load them.

## Example
```text
mychart-1.0.0.tgz
├── mychart/Chart.yaml
└── ../../etc/cron.d/evil
```

## Fix
Repackage the chart with `helm package` from a clean folder.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
