use crate::chart::Chart;
use crate::chart::values::norm;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "values/negative-count",
    severity: Severity::Error,
    summary: "A replica or count value is negative or not a whole number",
    doc: r#"## What it does
Reports values under count keys (`replicaCount`, `replicas`, `minReplicas`, `maxReplicas`,
`*Count`, `*Limit` for history and backoff limits) that are negative or fractional numbers.

## Why it matters
The API server rejects negative replica counts and history limits; a fractional count is
rejected as "cannot unmarshal number 1.5 into int32".

## Example
```yaml
replicaCount: -1
```

## Fix
Use a whole number of zero or more.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    for v in ctx.values(chart) {
        let Some(key) = v.key else { continue };
        let k = norm(key);
        let counting = k == "replicas"
            || k.ends_with("replicas")
            || k.ends_with("count")
            || k.ends_with("historylimit")
            || k == "backofflimit"
            || k == "parallelism"
            || k == "completions";
        if !counting {
            continue;
        }
        let Some(n) = v.node.as_f64() else { continue };
        if n >= 0.0 && n.fract() == 0.0 {
            continue;
        }
        let what = if n < 0.0 {
            "negative"
        } else {
            "not a whole number"
        };
        sink.report(
            &META,
            v.file,
            v.node.span,
            format!(
                "`{}` is {}, which is {what}",
                v.path,
                v.node.scalar_text().unwrap_or("?")
            ),
        )
        .label(what)
        .help("use a whole number of zero or more");
    }
}
