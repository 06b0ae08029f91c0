use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Value;

pub static META: RuleMeta = RuleMeta {
    name: "values/leading-zero-number",
    severity: Severity::Warning,
    summary: "A number with a leading zero in values.yaml is octal (0777 = 511) or loses its zero",
    doc: r#"## What it does
Reports unquoted numbers in values.yaml that start with `0` followed by a digit. Helm reads
YAML 1.1: `0777` is the octal number 511, and `08` or `0123.5` (not octal) become the plain
numbers 8 and 123.5. Keys named `mode` or `...Mode` (`defaultMode: 0644`), where octal is
what Kubernetes file modes mean, are not reported.

## Why it matters
Templates print the converted number: a zip code `01234` renders as `668`, an id `007` as `7`,
a tag `0123` as `83`.

## Example
```yaml
customer:
  id: 0042
```

## Fix
Quote the value (`id: "0042"`) when the digits are text, or write the decimal number.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

pub(crate) fn has_leading_zero(text: &str) -> bool {
    let t = text.trim_start_matches(['-', '+']);
    let b = t.as_bytes();
    b.len() > 1 && b[0] == b'0' && (b[1].is_ascii_digit() || b[1] == b'_')
}

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    super::walk_values(chart, ctx, &mut |doc, path, entry, node| {
        let Some((text, value)) = super::plain_value(node) else {
            return;
        };
        if !matches!(value, Value::Int(_) | Value::Float(_)) || !has_leading_zero(text) {
            return;
        }
        let key = entry.and_then(|e| e.key_str()).unwrap_or("");
        if matches!(value, Value::Int(_)) && key.to_ascii_lowercase().ends_with("mode") {
            return;
        }
        let Some(shown) = super::rendered(value) else {
            return;
        };
        let what = match value {
            Value::Int(_) => format!("the octal number {text}, which Helm reads as {shown}"),
            _ => format!("not an octal number; Helm reads it as {shown}"),
        };
        let at = if path.is_empty() {
            String::new()
        } else {
            format!("`{path}`: ")
        };
        sink.report(
            &META,
            &doc.file,
            node.span,
            format!("{at}`{text}` is {what}"),
        )
        .help(format!(
            "quote it (`\"{text}\"`) if the digits are text, or write `{shown}`"
        ));
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_octal_and_invalid_octal() {
        let c = chart("web").values("zip: 01234\nid: 08\n").build();
        let d = run(CHART, &c);
        assert_eq!(d.len(), 2, "{:#?}", summary(&d));
        assert_eq!(at(&d[0]), (1, 6));
        assert!(
            d[0].message
                .contains("`zip`: `01234` is the octal number 01234, which Helm reads as 668")
        );
        assert_eq!(at(&d[1]), (2, 5));
        assert!(
            d[1].message
                .contains("not an octal number; Helm reads it as 8")
        );
    }

    #[test]
    fn silent_on_modes_quoted_and_plain_numbers() {
        let c = chart("web")
            .values("defaultMode: 0644\nvolume:\n  mode: 0600\na: \"0042\"\nb: 0\nc: 0.5\nd: 0x1F\ne: 10\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
