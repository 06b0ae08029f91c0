use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/schema-missing",
    severity: Severity::Info,
    summary: "Custom resources whose CRD is not in the chart are not validated",
    doc: r#"## What it does
Says, once per chart (or per set of manifest files), which custom resource kinds plimsoll
could not validate because no CustomResourceDefinition for them is in the chart (`crds/`,
templates, subcharts), among the manifest files or in the `crdCatalogs` folders: usually resources of an operator installed
separately (`monitoring.coreos.com/v1 ServiceMonitor`, `cert-manager.io/v1 Certificate`).
Custom resources whose CRD is there are validated like built-in objects by the
`manifests/schema-*` rules.

## Why it matters
It is information, not a defect: the finding tells you that a typo in those resources would
go unnoticed until the operator's API server rejects them at install time.

## Example
```yaml
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
spec:
  endpoints:
    - port: metrics
```

## Fix
Nothing to fix. To validate these resources, give plimsoll their CRDs: in the chart's `crds/`
folder, among the linted manifest files, or in a folder listed in `crdCatalogs` in
`.plimsoll.yaml` (CRD files, or JSON schemas in the kubeconform layout
`<group>/<kind>_<version>.json`). Turn the rule off (`manifests/schema-missing: off`) to
silence it.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let missing = &ctx.schema_findings(docs).missing;
    let Some(first) = missing.first() else {
        return;
    };
    let Some(doc) = docs.get(first.doc) else {
        return;
    };
    let kinds: Vec<String> = missing
        .iter()
        .map(|m| format!("{} {}", m.api_version, m.kind))
        .collect();
    let shown = kinds.iter().take(4).cloned().collect::<Vec<_>>().join(", ");
    let more = match kinds.len() {
        n if n > 4 => format!(" and {} more", n - 4),
        _ => String::new(),
    };
    let what = if ctx.rendered.is_some() {
        "the chart"
    } else {
        "these manifests"
    };
    let d = sink.report(
        &META,
        &doc.file,
        first.span,
        format!("No CRD in {what} for {shown}{more}: these custom resources are not validated"),
    );
    d.label("no schema for this kind");
    for m in missing.iter().skip(1).take(3) {
        if let Some(other) = docs.get(m.doc) {
            d.related(&other.file, m.span, format!("no schema for {}", m.kind));
        }
    }
    d.help("custom resources are validated against the CRDs in the chart (crds/, templates) or among the linted files, and the folders listed in `crdCatalogs`");
}
