use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/api-deprecated",
    severity: Severity::Warning,
    summary: "The apiVersion of an object is deprecated in the target Kubernetes version",
    doc: r#"## What it does
Reports an object whose `apiVersion` and `kind` are deprecated, but still served, in the target
Kubernetes version, with the version that removes it and the replacement.

## Why it matters
The next cluster upgrade past the removal version breaks the chart. Migrating early is cheap;
migrating during an upgrade is not.

## Example
```yaml
apiVersion: policy/v1beta1
kind: PodDisruptionBudget    # with kubernetesVersion: "1.22"
```

## Fix
Move to the replacement API version named in the message.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let target = ctx.config.kubernetes_version();
    for (obj, api, span) in super::lifecycle_objects(docs) {
        if target < api.deprecated || target >= api.removed {
            continue;
        }
        let d = sink.report(
            &META,
            obj.file,
            span,
            format!(
                "{} {} is deprecated since Kubernetes {}.{} and removed in {}.{}",
                obj.api_version,
                obj.kind,
                api.deprecated.0,
                api.deprecated.1,
                api.removed.0,
                api.removed.1
            ),
        );
        d.label("deprecated");
        if let Some(r) = api.replacement {
            d.help(format!("use {r} {}", obj.kind));
        }
    }
}
