use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::k8s::selection::PodSelection;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "manifests/service-selector-unmatched",
    severity: Severity::Warning,
    summary: "A Service selector matches no pod template in the same chart or manifest set",
    doc: r#"## What it does
Reports a Service whose `spec.selector` matches the pod labels of no workload in the same
chart or manifest set. Sets without any workload are not checked, and neither are Services
without a selector (they are managed by hand or by an operator). In a chart's rendered output,
where Services also front pods the chart does not create (an operator's, kube-system
components, pods labelled at run time), a Service is reported only when a pod template of the
release has every label of its selector but one.

## Why it matters
The Service has no endpoints: every request to it fails, usually after a label was renamed on
one side only.

## Example
```yaml
kind: Service
spec:
  selector: {app: cm, tier: frontend}   # the pods are labelled tier: backend
```

## Fix
Make the selector a subset of the pod template labels of the workload it fronts.
"#,
};

/// Whether some pod template has every label of `selector` but one.
fn near_miss(objs: &[crate::k8s::Object], sel: &crate::yaml::Node) -> bool {
    let wanted: Vec<(&str, &str)> = sel
        .entries()
        .filter_map(|e| Some((e.key_str()?, e.value.scalar_text()?)))
        .collect();
    wanted.len() > 1
        && objs.iter().filter(|o| !o.is_hook()).any(|o| {
            o.pod_labels().is_some_and(|l| {
                let missing = wanted
                    .iter()
                    .filter(|(k, v)| l.get(k).and_then(crate::yaml::Node::scalar_text) != Some(v))
                    .count();
                missing == 1
            })
        })
}

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let objs = objects(docs);
    let pods = PodSelection::new(&objs);
    if !objs.iter().any(|o| o.is_workload()) {
        return;
    }
    for svc in objs.iter().filter(|o| o.kind == "Service") {
        let Some(sel) = svc.root.get_path(&["spec", "selector"]) else {
            continue;
        };
        if sel.as_map().is_none_or(|m| m.is_empty()) || svc.file.slice(sel.span).contains("{{") {
            continue;
        }
        if pods.any_selected(sel) {
            continue;
        }
        // A chart's Services also front pods it does not create (an operator's, kube-system
        // components, labels set at run time): in rendered output, speak only when a pod
        // template of the release misses the selector by one label, the mark of a label
        // renamed on one side.
        if ctx.rendered.is_some() && !near_miss(&objs, sel) {
            continue;
        }
        let d = sink.report(
            &META,
            svc.file,
            sel.span,
            format!(
                "The selector of {} matches no pod template in this set",
                svc.describe()
            ),
        );
        d.label("matches nothing")
            .help("make the selector a subset of the labels of the pods this Service fronts");
        if ctx.rendered.is_some() {
            d.severity = Severity::Info;
        }
    }
}
