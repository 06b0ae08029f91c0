use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::YamlIssueKind;

pub static META: RuleMeta = RuleMeta {
    name: "yaml/duplicate-key",
    severity: Severity::Error,
    summary: "A mapping defines the same key twice",
    doc: r#"## What it does
Reports a key that appears twice in the same mapping, pointing at both occurrences.

## Why it matters
Helm accepts duplicate keys silently and keeps the last value (helm/helm#5524), so the first
value, often the one a reviewer reads, has no effect. `ct lint` fails on the same input.

## Example
```yaml
resources:
  limits:
    memory: 512Mi
  limits:
    cpu: 500m      # the memory limit above is gone
```

## Fix
Remove one of the keys or merge their contents.

`plimsoll lint --fix --unsafe-fixes` removes the earlier entry and keeps the later one, which
is what Helm reads (unsafe: it deletes text).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);
/// Removing the earlier entry keeps what Helm reads, but deletes text the author may have meant to keep.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

fn wanted(k: &YamlIssueKind) -> bool {
    matches!(k, YamlIssueKind::DuplicateKey { .. })
}

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    super::report_issues(super::chart_docs(chart), &META, wanted, sink);
}

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    super::report_issues(docs.iter(), &META, wanted, sink);
}
