use crate::chart::Chart;
use crate::chart::values::norm;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Value;

pub static META: RuleMeta = RuleMeta {
    name: "values/port-range",
    severity: Severity::Error,
    summary: "A port value is outside 1-65535",
    doc: r#"## What it does
Reports values under port keys (`port`, `*Port`, `containerPort`, `targetPort`, `nodePort`)
that are numbers outside 1-65535 or not whole numbers, and node ports (`nodePort`) outside
30000-32767. Empty values (`nodePort: ""`, `null`) and `0` are left alone: they mean "unset"
("let Kubernetes choose" for a node port, "none" for a host or debug port).

## Why it matters
The rendered Service or container is rejected by the API server.

## Example
```yaml
service:
  port: 80800
```

## Fix
Use a port number in range.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    for v in ctx.values(chart) {
        let Some(key) = v.key else { continue };
        let k = norm(key);
        if !(k == "port" || k.ends_with("port"))
            || k.ends_with("export")
            || k.ends_with("support")
            || k.ends_with("report")
            || k.ends_with("import")
        {
            continue;
        }
        let Some(s) = v.node.as_scalar() else {
            continue;
        };
        let n = match s.value {
            Value::Int(i) => i as f64,
            Value::Float(f) => f,
            _ => continue,
        };
        // 0 is how charts say "unset": Kubernetes allocates a node port for `nodePort: 0`,
        // and templates skip a `hostPort` or `debugPort` of 0.
        if n == 0.0 {
            continue;
        }
        let node_port = k == "nodeport";
        let (lo, hi) = if node_port {
            (30000.0, 32767.0)
        } else {
            (1.0, 65535.0)
        };
        if n.fract() == 0.0 && n >= lo && n <= hi {
            continue;
        }
        sink.report(
            &META,
            v.file,
            v.node.span,
            format!(
                "`{}` is {}, which is not a valid {}",
                v.path,
                s.text,
                if node_port {
                    "node port (30000-32767)"
                } else {
                    "port (1-65535)"
                }
            ),
        )
        .label("out of range");
    }
}
