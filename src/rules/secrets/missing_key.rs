use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::secrets::{RefKind, refs};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "secrets/missing-key",
    severity: Severity::Error,
    summary: "A secretKeyRef has no key or no name",
    doc: r#"## What it does
Reports an `env[].valueFrom.secretKeyRef` without `key` or without `name`, and an empty key.

## Why it matters
The API server rejects the pod ("Required value"), so the workload never starts.

## Example
```yaml
env:
  - name: DB_PASSWORD
    valueFrom:
      secretKeyRef:
        name: db-credentials
```

## Fix
Name the Secret and the key inside it: `key: password`.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for r in refs(docs).into_iter().filter(|r| r.kind == RefKind::EnvKey) {
        let missing = match (r.name, r.key) {
            (_, None) => "key",
            (None, _) => "name",
            (_, Some(k)) if k.scalar_text().is_some_and(str::is_empty) => "key",
            _ => continue,
        };
        sink.report(
            &META,
            r.object.file,
            r.node.span,
            format!(
                "This secretKeyRef in {} has no `{missing}`",
                r.object.describe()
            ),
        )
        .label(format!("no {missing}"))
        .help(format!(
            "add `{missing}:` naming the {}",
            if missing == "key" {
                "entry inside the Secret"
            } else {
                "Secret"
            }
        ));
    }
}
