use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::secrets::{created, refs};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "secrets/not-found",
    severity: Severity::Warning,
    summary: "A referenced Secret is neither created in the set nor declared external",
    doc: r#"## What it does
Reports a Secret reference whose Secret is not created by the same chart or manifest set
(Secret, SealedSecret, ExternalSecret and cert-manager Certificate objects count) and is not
listed under `externalSecrets` in `.plimsoll.yaml`. References marked `optional: true` are
left alone.

## Why it matters
The pod stays in `CreateContainerConfigError` (or `ContainerCreating` for volumes, or
`ErrImagePull` for pull secrets) until somebody creates the Secret by hand, and a typo in the
name looks exactly like a missing Secret.

## Example
```yaml
secretKeyRef:
  name: license.cert.pass
  key: password
```

## Fix
Create the Secret in the chart, fix the name, or declare it in `.plimsoll.yaml`:
```yaml
externalSecrets: [license.cert.pass]
```
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let made = created(docs);
    let known: Vec<&str> = made
        .iter()
        .map(String::as_str)
        .chain(ctx.config.external_secrets.iter().map(String::as_str))
        .collect();
    for r in refs(docs) {
        if r.optional {
            continue;
        }
        let Some(node) = r.name.filter(|n| !n.is_null()) else {
            continue;
        };
        let Some(name) = node.scalar_text() else {
            continue;
        };
        if name.is_empty() || name.contains("{{") || known.contains(&name) {
            continue;
        }
        let d = sink.report(
            &META,
            r.object.file,
            node.span,
            format!(
                "Secret `{name}` ({} of {}) is not created here and not declared external",
                r.kind.describe(),
                r.object.describe()
            ),
        );
        d.label("unknown Secret");
        match crate::suggest::closest(name, known.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`? Otherwise create it, or list it under externalSecrets in .plimsoll.yaml")),
            None => d.help("create the Secret in this chart, or list it under externalSecrets in .plimsoll.yaml"),
        };
    }
}
