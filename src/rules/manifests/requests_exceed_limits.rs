use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::quantity;
use crate::k8s::resources::{Resources, in_manifests, in_values};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/requests-exceed-limits",
    severity: Severity::Error,
    summary: "A resource request is larger than its limit",
    doc: r#"## What it does
Compares each resource's request with its limit (CPU, memory, ephemeral storage, extended
resources), in container specs and in `resources` objects in values, after parsing both as
quantities (`1` CPU is more than `900m`; `1Gi` is more than `1000Mi`).

## Why it matters
The API server rejects the pod: "must be less than or equal to … limit".

## Example
```yaml
resources:
  requests: {memory: 1Gi}
  limits: {memory: 512Mi}
```

## Fix
Raise the limit or lower the request.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    in_values(chart).iter().for_each(|r| check(r, sink));
}

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    in_manifests(docs).iter().for_each(|r| check(r, sink));
}

fn amount(node: &Node) -> Option<f64> {
    node.as_f64()
        .or_else(|| node.as_str().and_then(quantity::parse))
}

fn check(res: &Resources, sink: &mut Sink) {
    let (Some(requests), Some(limits)) = (res.requests(), res.limits()) else {
        return;
    };
    for e in requests.entries() {
        let Some(key) = e.key_str() else { continue };
        let Some(limit) = limits.get(key) else {
            continue;
        };
        let (Some(r), Some(l)) = (amount(&e.value), amount(limit)) else {
            continue;
        };
        if r <= l {
            continue;
        }
        let (rt, lt) = (
            e.value.scalar_text().unwrap_or("?"),
            limit.scalar_text().unwrap_or("?"),
        );
        sink.report(
            &META,
            res.file,
            e.value.span,
            format!(
                "The {key} request ({rt}) of {} is larger than its limit ({lt})",
                res.owner
            ),
        )
        .label("request")
        .related(res.file, limit.span, "limit")
        .help("raise the limit or lower the request");
    }
}
