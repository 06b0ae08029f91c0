use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::k8s::selection::PodSelection;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/service-target-port",
    severity: Severity::Error,
    summary: "A Service targetPort names a port the selected pods do not declare",
    doc: r#"## What it does
Reports a Service port whose `targetPort` is a name that no container of the workloads the
Service selects declares in `ports[].name`. Only Services whose selector matches a workload
in the same set are checked.

In a chart's rendered output the finding is information: the port is often declared in a
branch the values leave off (TLS, an optional component). `helm test` pods and hook Jobs that
share the labels are not counted as the Service's pods.

## Why it matters
The Service has no usable endpoint port: connections are refused although the pods run.

## Example
```yaml
ports:
  - port: 80
    targetPort: rest          # the container port is named rest-api
```

## Fix
Use a declared port name or the container port number.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], ctx: &Ctx, sink: &mut Sink) {
    let objs = objects(docs);
    let pods = PodSelection::new(&objs);
    for svc in objs.iter().filter(|o| o.kind == "Service") {
        let Some(sel) = svc.root.get_path(&["spec", "selector"]) else {
            continue;
        };
        if sel.as_map().is_none_or(|m| m.is_empty()) {
            continue;
        }
        // The workloads behind the Service: not `helm test` pods and hook Jobs that share the
        // labels.
        let selected: Vec<_> = pods
            .selected(sel)
            .into_iter()
            .map(|i| &objs[i])
            .filter(|o| !o.is_hook() && o.is_long_running())
            .collect();
        if selected.is_empty() {
            continue;
        }
        let names: Vec<&str> = selected
            .iter()
            .flat_map(|o| o.containers())
            .filter(|c| !c.init)
            .flat_map(|c| c.port_names())
            .collect();
        for port in svc
            .root
            .get_path(&["spec", "ports"])
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            let Some(tp) = port.get("targetPort") else {
                continue;
            };
            let Some(name) = tp.as_str() else { continue };
            if name.parse::<u16>().is_ok() || names.contains(&name) || name.contains("{{") {
                continue;
            }
            let d = sink.report(
                &META,
                svc.file,
                tp.span,
                format!(
                    "`targetPort` `{name}` of {} is not declared by the pods of {}",
                    svc.describe(),
                    selected[0].describe()
                ),
            );
            d.label("undeclared port name");
            // In a chart, the port is often declared in a branch the values leave off (TLS,
            // an optional component): unsure, so information.
            if ctx.rendered.is_some() {
                d.severity = Severity::Info;
            }
            match crate::suggest::closest(name, names.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => {
                    d.help("use a port name the selected containers declare, or the port number")
                }
            };
        }
    }
}
