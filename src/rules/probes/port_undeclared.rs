use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::probes::{ProbeGroup, in_manifests};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "probes/port-undeclared",
    severity: Severity::Error,
    summary: "A probe names a port the container does not declare",
    doc: r#"## What it does
Reports an `httpGet`, `tcpSocket` or `grpc` probe whose `port` is a name that none of the
container's `ports[].name` declares, with a suggestion when a declared name is close.

## Why it matters
The kubelet cannot resolve the name, so the probe fails every time: a liveness probe restarts
the container forever and a readiness probe keeps the pod out of its Service.

## Example
```yaml
ports:
  - name: http
    containerPort: 8080
livenessProbe:
  httpGet: {path: /healthz, port: management}
```

## Fix
Use a declared port name or the port number.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    in_manifests(docs).iter().for_each(|g| check(g, sink));
}

fn check(group: &ProbeGroup, sink: &mut Sink) {
    let Some(container) = &group.container else {
        return;
    };
    let declared = container.port_names();
    for probe in group.probes() {
        for handler in ["httpGet", "tcpSocket", "grpc"] {
            let Some(port) = probe.node.get(handler).and_then(|h| h.get("port")) else {
                continue;
            };
            let Some(name) = port.as_str() else { continue };
            if name.parse::<u16>().is_ok() || declared.contains(&name) || name.contains("{{") {
                continue;
            }
            let d = sink.report(
                &META,
                group.file,
                port.span,
                format!(
                    "The {} uses port `{name}`, which the container does not declare",
                    super::describe(group, probe)
                ),
            );
            d.label("undeclared port name");
            if let Some(ports) = container
                .node
                .get("ports")
                .filter(|p| p.as_seq().is_some_and(|s| !s.is_empty()))
            {
                d.related(group.file, ports_span(ports), "declared ports");
            }
            match crate::suggest::closest(name, declared.iter().copied()) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("use a name from the container's ports, or the port number"),
            };
        }
    }
}

fn ports_span(ports: &Node) -> crate::source::Span {
    ports.span
}
