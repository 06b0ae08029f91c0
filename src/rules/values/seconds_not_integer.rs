use crate::chart::Chart;
use crate::chart::values::is_template;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Value;

pub static META: RuleMeta = RuleMeta {
    name: "values/seconds-not-integer",
    severity: Severity::Error,
    summary: "A *Seconds value is not a whole number",
    doc: r#"## What it does
Reports values under keys ending in `Seconds` (`terminationGracePeriodSeconds`,
`initialDelaySeconds`, `activeDeadlineSeconds`, `ttlSecondsAfterFinished` …) that are
fractional numbers, booleans, or strings that are not numbers. Template strings and empty
values are left alone.

## Why it matters
Kubernetes declares these fields as integers: `1.5` or `"30s"` is rejected when the chart is
installed ("cannot unmarshal number 1.5 into Go struct field … of type int64").

## Example
```yaml
terminationGracePeriodSeconds: 30s
```

## Fix
Write a whole number of seconds: `terminationGracePeriodSeconds: 30`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    for v in ctx.values(chart) {
        let Some(key) = v.key else { continue };
        if !(key.ends_with("Seconds") || key.contains("SecondsAfter")) {
            continue;
        }
        let Some(s) = v.node.as_scalar() else {
            continue;
        };
        let problem = match &s.value {
            Value::Float(f) if f.fract() != 0.0 || !f.is_finite() => {
                format!("the fraction {}", s.text)
            }
            Value::Bool(_) => format!("the boolean {}", s.text),
            Value::Str
                if !s.text.is_empty()
                    && !is_template(&s.text)
                    && s.text.trim().parse::<i64>().is_err() =>
            {
                format!("the string {:?}", s.text)
            }
            _ => continue,
        };
        sink.report(
            &META,
            v.file,
            v.node.span,
            format!(
                "`{}` is {problem}; Kubernetes expects whole seconds",
                v.path
            ),
        )
        .label("not whole seconds")
        .help("write a whole number of seconds without a unit");
    }
}
