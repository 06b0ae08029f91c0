use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Value;

pub static META: RuleMeta = RuleMeta {
    name: "values/float-version",
    severity: Severity::Warning,
    summary: "A version or tag in values.yaml is a float that Helm prints differently (1.20 → 1.2)",
    doc: r#"## What it does
Reports unquoted numbers with a decimal point or exponent under keys named `tag`, `...Tag`,
`version` or `...Version` whose text Helm does not print back unchanged: `1.20` prints as
`1.2`, `3.0` as `3`, `1e3` as `1000`.

## Why it matters
Helm reads values as YAML 1.1 and turns every number into a float, so
`image: {tag: 1.20}` pulls `nginx:1.2` — a different image, or one that does not exist.

## Example
```yaml
image:
  repository: postgres
  tag: 15.10
```

## Fix
Quote it: `tag: "15.10"`.

`plimsoll lint --fix --unsafe-fixes` quotes it (unsafe: templates then print the digits as
written instead of the number Helm read, which changes what is deployed).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;
/// Quoting changes the value templates print (`1.10` instead of `1.1`): what the author wrote, but a change to what is deployed.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    super::walk_version_numbers(chart, ctx, &mut |doc, path, key, text, value, node| {
        if !matches!(value, Value::Float(_)) {
            return;
        }
        let Some(shown) = super::rendered(value) else {
            return;
        };
        // Exponent forms are values/large-number's, leading zeros values/leading-zero-number's.
        if shown == text
            || shown.contains('e')
            || super::leading_zero_number::has_leading_zero(text)
        {
            return;
        }
        sink.report(
            &META,
            &doc.file,
            node.span,
            format!(
                "`{path}: {text}` is the number {shown} for Helm, so templates print \"{shown}\""
            ),
        )
        .help(format!("quote it: `{key}: \"{text}\"`"))
        .fix(crate::fix::Fix::unsafe_(format!("Quote `{key}`")).edit(
            &doc.file,
            node.span,
            crate::fix::edit::double_quoted(text),
        ));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_versions_that_change() {
        let c = chart("web")
            .values("image:\n  tag: 15.10\nkubeVersion: 1.0\n")
            .build();
        let d = run(CHART, &c);
        assert_eq!(d.len(), 2, "{:#?}", summary(&d));
        assert_eq!(at(&d[0]), (2, 8));
        assert!(
            d[0].message
                .contains("`image.tag: 15.10` is the number 15.1")
        );
        assert_eq!(d[0].help.as_deref(), Some("quote it: `tag: \"15.10\"`"));
        assert_eq!(at(&d[1]), (3, 14));
        assert!(d[1].message.contains("print \"1\""));
    }

    #[test]
    fn silent_on_strings_stable_floats_and_other_keys() {
        let c = chart("web")
            .values("image:\n  tag: \"15.10\"\nversion: 1.5\nratio: 1.50\nappVersion: 2.1.0\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
