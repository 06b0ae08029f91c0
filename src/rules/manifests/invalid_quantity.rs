use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::quantity;
use crate::k8s::resources::{Resources, in_manifests, in_values};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Value;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/invalid-quantity",
    severity: Severity::Error,
    summary: "A resource request or limit is not a valid Kubernetes quantity",
    doc: r#"## What it does
Reports `requests` and `limits` values that Kubernetes cannot parse as a quantity, in container
specs and in `resources` objects in values, with the likely intended spelling: `700MB` is not
a quantity (`700M` or `700Mi` are), and neither is `500mi` (`500Mi`; a lowercase `m` means
thousandths).

## Why it matters
The API server rejects the pod with "quantities must match the regular expression", so the
chart fails at install time with the defaults it ships.

## Example
```yaml
resources:
  limits:
    memory: 700MB
```

## Fix
Use a decimal (`k`, `M`, `G`) or binary (`Ki`, `Mi`, `Gi`) suffix, or plain numbers of cores
and bytes.
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

fn check(res: &Resources, sink: &mut Sink) {
    for (section, node) in [("requests", res.requests()), ("limits", res.limits())] {
        let Some(node) = node else { continue };
        for e in node.entries() {
            let Some(scalar) = e.value.as_scalar() else {
                continue;
            };
            let text = scalar.text.as_str();
            let valid = match scalar.value {
                Value::Int(_) | Value::Float(_) => true,
                Value::Null => true,
                Value::Bool(_) => false,
                Value::Str => text.contains("{{") || quantity::parse(text).is_some(),
            };
            if valid {
                continue;
            }
            let key = e.key_str().unwrap_or("?");
            let d = sink.report(
                &META,
                res.file,
                e.value.span,
                format!(
                    "`{section}.{key}` of {} is `{text}`, which is not a Kubernetes quantity",
                    res.owner
                ),
            );
            d.label("invalid quantity");
            match quantity::suggest(text) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("use a number with a suffix such as 500m, 128Mi or 1Gi"),
            };
        }
    }
}
