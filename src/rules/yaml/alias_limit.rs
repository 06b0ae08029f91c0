use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::YamlIssueKind;

pub static META: RuleMeta = RuleMeta {
    name: "yaml/alias-limit",
    severity: Severity::Error,
    summary: "Aliases expand beyond the size or depth limit",
    doc: r#"## What it does
Stops expanding YAML aliases once they have copied in 200,000 nodes or nest a document deeper
than 300 levels, and reports the alias where the limit was reached.

## Why it matters
A few lines of nested aliases (a "billion laughs" document) expand to billions of nodes and
exhaust the memory of every tool that reads the file, including the Kubernetes API server's
clients and Helm.

## Example
```yaml
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
```

## Fix
Write the data out, or use fewer levels of aliases.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn wanted(k: &YamlIssueKind) -> bool {
    matches!(k, YamlIssueKind::AliasLimit | YamlIssueKind::DepthLimit)
}

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    super::report_issues(super::chart_docs(chart), &META, wanted, sink);
}

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    super::report_issues(docs.iter(), &META, wanted, sink);
}
