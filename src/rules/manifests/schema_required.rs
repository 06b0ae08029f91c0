use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::schema::validate::Problem;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/schema-required",
    severity: Severity::Error,
    summary: "A field the Kubernetes API requires is missing",
    doc: r#"## What it does
Reports an object, or a part of one, without a field its Kubernetes API type requires in the
target version: a container without `name`, a Service port without `port`, an HTTP probe
without `port`, a RoleBinding without `roleRef`, an Ingress path without `pathType`, a CronJob
without `schedule`. A field set to null counts as missing. The finding points at the first
field of the mapping that lacks it (or at the null value).

Missing label selectors are left to `manifests/selector-missing`, a `hostPath` without `path`
to `manifests/host-path-invalid`.

## Why it matters
The API server rejects the object (`spec.template.spec.containers[0].name: Required value`),
and `helm install` fails. In a chart it happens when a value that fills a required field is
empty by default, or a block of a template is left out by a condition.

## Example
```yaml
ports:
  - name: http
    targetPort: 8080
```

## Fix
Set the field (`port: 80`), or give the value it comes from a default.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    for f in &ctx.schema_findings(docs).findings {
        let Problem::Required { field, owner } = &f.problem else {
            continue;
        };
        let Some(doc) = docs.get(f.doc) else { continue };
        let at = if f.path.is_empty() {
            String::new()
        } else {
            format!(" at `{}`", f.path)
        };
        let d = sink.report(
            &META,
            &doc.file,
            f.span,
            format!(
                "{owner}{at} of {} has no `{field}`, which the API requires",
                f.object
            ),
        );
        d.label(format!("`{field}` missing"));
        d.help(format!(
            "set `{field}`; the API server rejects the object without it"
        ));
    }
}
