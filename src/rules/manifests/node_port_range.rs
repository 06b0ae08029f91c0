use crate::chart::YamlDoc;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::k8s::objects;
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "manifests/node-port-range",
    severity: Severity::Error,
    summary: "A Service nodePort is outside 30000-32767 or set on a type that has none",
    doc: r#"## What it does
Reports a Service port whose `nodePort` lies outside the default node port range
30000-32767, and a `nodePort` on a Service of type ClusterIP (or without a type), which has no
node ports. Service `port` and numeric `targetPort` values outside 1-65535 are reported too.

`nodePort: 0` and `targetPort: 0` mean unset and are accepted.

## Why it matters
The API server rejects the Service ("provided port is not in the valid range").

## Example
```yaml
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 8080
```

## Fix
Pick a node port in 30000-32767, or leave `nodePort` out and let Kubernetes choose one.
"#,
};

pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = Some(check_manifests);

fn check_manifests(docs: &[YamlDoc], _: &Ctx, sink: &mut Sink) {
    for obj in objects(docs).into_iter().filter(|o| o.kind == "Service") {
        let ty = obj
            .root
            .get_path(&["spec", "type"])
            .and_then(Node::as_str)
            .unwrap_or("ClusterIP");
        for port in obj
            .root
            .get_path(&["spec", "ports"])
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            if let Some(np) = port.get("nodePort")
                && let Some(n) = np.as_i64()
                // 0 asks Kubernetes to pick a port, as leaving nodePort out does.
                && n != 0
            {
                if !matches!(ty, "NodePort" | "LoadBalancer") {
                    sink.report(
                        &META,
                        obj.file,
                        np.span,
                        format!(
                            "`nodePort` {n} on {} of type {ty}, which has no node ports",
                            obj.describe()
                        ),
                    )
                    .label("no node ports on this type")
                    .help("set `type: NodePort` or `LoadBalancer`, or remove nodePort");
                } else if !(30000..=32767).contains(&n) {
                    sink.report(
                        &META,
                        obj.file,
                        np.span,
                        format!(
                            "`nodePort` {n} of {} is outside the node port range 30000-32767",
                            obj.describe()
                        ),
                    )
                    .label("out of range")
                    .help("pick a port in 30000-32767, or leave nodePort out");
                }
            }
            for field in ["port", "targetPort"] {
                if let Some(p) = port.get(field)
                    && let Some(n) = p.as_i64()
                    && !(1..=65535).contains(&n)
                    // `targetPort: 0` is unset: Kubernetes uses `port`.
                    && !(field == "targetPort" && n == 0)
                {
                    sink.report(
                        &META,
                        obj.file,
                        p.span,
                        format!(
                            "`{field}` {n} of {} is not a port number (1-65535)",
                            obj.describe()
                        ),
                    )
                    .label("out of range");
                }
            }
        }
    }
}
