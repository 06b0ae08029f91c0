use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/api-removed",
    severity: Severity::Error,
    summary: "The apiVersion of an object is no longer served by the target Kubernetes version",
    doc: r#"## What it does
Reports an object whose `apiVersion` and `kind` were removed from Kubernetes at or before the
target version (`kubernetesVersion` in `.plimsoll.yaml` or `--kube-version`; default: the
newest release plimsoll knows). The table covers every removal since 1.16, including
`apiextensions.k8s.io/v1beta1` CustomResourceDefinitions, `autoscaling/v2beta*`
HorizontalPodAutoscalers and PodSecurityPolicy, which `helm lint` does not report.

## Why it matters
The API server rejects the object: `no matches for kind "Deployment" in version
"extensions/v1beta1"`. The install or upgrade fails.

## Example
```yaml
apiVersion: extensions/v1beta1
kind: Deployment
```

## Fix
Move to the replacement API version named in the message (for workloads: `apps/v1`, which also
requires `spec.selector`).

`plimsoll lint --fix --unsafe-fixes` moves `apiVersion` where the replacement has the same
fields (RBAC, CronJob, HorizontalPodAutoscaler `v2beta2`, PodDisruptionBudget, PriorityClass,
storage, Lease, IngressClass, NetworkPolicy, RuntimeClass, and workloads that set
`spec.selector`); Ingress, CustomResourceDefinition and webhooks changed fields and are left to
you.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);
/// Only moves whose schema is the same are offered (RBAC, CronJob, PriorityClass, workloads with a selector…); the cluster then serves the object from another API, which older clusters may not have.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let target = ctx.config.kubernetes_version();
    for (obj, api, span) in super::lifecycle_objects(docs) {
        if target < api.removed {
            continue;
        }
        let d = sink.report(
            &META,
            obj.file,
            span,
            format!(
                "{} {} was removed in Kubernetes {}.{} (target {}.{})",
                obj.api_version, obj.kind, api.removed.0, api.removed.1, target.0, target.1
            ),
        );
        d.label(format!(
            "deprecated in {}.{}, removed in {}.{}",
            api.deprecated.0, api.deprecated.1, api.removed.0, api.removed.1
        ));
        if let Some(f) = crate::fix::api::replace(&obj, api, span) {
            d.fix(f);
        }
        match api.replacement {
            Some(r) => d.help(format!("use {r} {}", obj.kind)),
            None => {
                d.help("this API has no direct replacement; see the Kubernetes deprecation guide")
            }
        };
    }
}
