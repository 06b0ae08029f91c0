use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "values/large-number",
    severity: Severity::Warning,
    summary: "A numeric tag or version in values.yaml renders in scientific notation (20240102 → 2.0240102e+07)",
    doc: r#"## What it does
Reports unquoted numbers of a million or more under keys named `tag`, `...Tag`, `version` or
`...Version`, which Helm prints in scientific notation.

## Why it matters
Helm turns every number in values into a float64, and Go prints floats from 1e6 upwards in
exponent form: `tag: 20240102` renders as `image: app:2.0240102e+07`, and `version: 1000000`
as `1e+06`. Date-stamped and build-number image tags are the usual victims.

## Example
```yaml
image:
  tag: 20240102
```

## Fix
Quote it: `tag: "20240102"`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    super::walk_version_numbers(chart, ctx, &mut |doc, path, key, text, value, node| {
        let Some(shown) = super::rendered(value) else {
            return;
        };
        if !shown.contains('e') || text.contains(['e', 'E']) {
            return;
        }
        sink.report(
            &META,
            &doc.file,
            node.span,
            format!("`{path}: {text}` is a number that templates print as \"{shown}\""),
        )
        .help(format!("quote it: `{key}: \"{text}\"`"));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_date_tags() {
        let c = chart("web")
            .values("image:\n  tag: 20240102\nbuildVersion: 1000000\n")
            .build();
        let d = run(CHART, &c);
        assert_eq!(d.len(), 2, "{:#?}", summary(&d));
        assert_eq!(at(&d[0]), (2, 8));
        assert!(d[0].message.contains("print as \"2.0240102e+07\""));
        assert_eq!(at(&d[1]), (3, 15));
        assert!(d[1].message.contains("\"1e+06\""));
    }

    #[test]
    fn silent_on_quoted_small_and_other_keys() {
        let c = chart("web")
            .values("image:\n  tag: \"20240102\"\nversion: 123456\nmaxBytes: 10485760\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
