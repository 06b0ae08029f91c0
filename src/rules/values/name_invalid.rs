use crate::chart::Chart;
use crate::chart::values::{is_template, norm};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::names::{is_dns1123_subdomain, subdomain_problem};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "values/name-invalid",
    severity: Severity::Error,
    summary: "A value that names a Kubernetes object is not a valid object name",
    doc: r#"## What it does
Reports values that name existing Kubernetes objects (`existingClaim`, `claimName`,
`existingConfigMap`, `configMapName`, `serviceAccountName`, `priorityClassName`,
`storageClassName`, `runtimeClassName`) when they are not RFC 1123 subdomains. Secret names
are checked by `secrets/invalid-name`. Template strings are checked by `values/tpl-invalid`
instead; empty values are left alone.

## Why it matters
No object can have such a name: the reference fails when the chart is installed.

## Example
```yaml
persistence:
  existingClaim: "-data"
```

## Fix
Use the object's real name, or a tpl string such as `{{ .Release.Name }}-data` that the
templates render with `tpl`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

const KEYS: [&str; 8] = [
    "existingclaim",
    "claimname",
    "existingconfigmap",
    "configmapname",
    "serviceaccountname",
    "priorityclassname",
    "storageclassname",
    "runtimeclassname",
];

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    for v in ctx.values(chart) {
        let Some(key) = v.key else { continue };
        if !KEYS.contains(&norm(key).as_str()) {
            continue;
        }
        let Some(text) = v.node.as_str() else {
            continue;
        };
        if text.is_empty()
            || is_template(text)
            || text == "-" && norm(key) == "storageclassname"
            || is_dns1123_subdomain(text)
        {
            continue;
        }
        sink.report(&META, v.file, v.node.span, format!("`{}` is `{text}`, which is not a valid object name: {}", v.path, subdomain_problem(text)))
            .label("invalid name")
            .help("object names are lowercase letters, digits, '-' and '.', starting and ending with a letter or digit");
    }
}
