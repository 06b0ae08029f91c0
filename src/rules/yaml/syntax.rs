use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::YamlIssueKind;

pub static META: RuleMeta = RuleMeta {
    name: "yaml/syntax",
    severity: Severity::Error,
    summary: "YAML file does not parse",
    doc: r#"## What it does
Reports a YAML syntax error at the position where the parser stopped. The rest of the file's
documents (after the next `---`) and the rest of the chart are still linted.

## Why it matters
Helm refuses to install a chart whose Chart.yaml or values.yaml does not parse, and
`kubectl` rejects a manifest that does not parse.

## Example
```yaml
image:
  repository: nginx
   tag: 1.27   # indented one space too far
```

## Fix
Correct the indentation or quoting at the reported position.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn wanted(k: &YamlIssueKind) -> bool {
    *k == YamlIssueKind::Syntax
}

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    for doc in super::chart_docs(chart) {
        for issue in doc.yaml.issues.iter().filter(|i| wanted(&i.kind)) {
            // A tab in indentation gets the clearer `values/tab-indent` finding instead.
            if crate::rules::values::tab_indent::explains(doc, issue.span) {
                continue;
            }
            sink.report(&META, &doc.file, issue.span, issue.message.clone());
        }
    }
}

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    super::report_issues(docs.iter(), &META, wanted, sink);
}
