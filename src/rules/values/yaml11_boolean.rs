use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Value;

pub static META: RuleMeta = RuleMeta {
    name: "values/yaml11-boolean",
    severity: Severity::Warning,
    summary: "Unquoted yes/no/on/off/y/n in values.yaml is a boolean for Helm",
    doc: r#"## What it does
Reports unquoted `yes`, `no`, `on`, `off`, `y`, `n` (in any of their YAML 1.1 spellings) in
values.yaml, as values and as keys. A value the chart's templates test for truth
(`{{ if .Values.tls.enabled }}` with `enabled: yes`), or a switch (`enabled`, `create`) that no
template of the chart reads, is meant as a boolean and is left alone.

## Why it matters
Helm reads YAML 1.1, where these words are booleans: `country: no` becomes `false`, a key `on:`
becomes `"true"`, `answer: y` becomes `true`. Templates then print `false` or `true` where a
string was meant, and a values schema expecting a string fails.

## Example
```yaml
debug: yes
locale:
  country: NO
```

## Fix
Write `true`/`false` for booleans, and quote words meant as text: `country: "NO"`.

`plimsoll lint --fix` writes `true`/`false` under a switch key such as `enabled` (safe: Helm
already reads that boolean); quoting a value or a key changes what templates see and needs
`--unsafe-fixes`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;
/// Writing `true`/`false` under a switch key (`enabled`) is safe: Helm already reads that boolean. Quoting a key or a value is unsafe: the string replaces the boolean templates saw.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

fn is_yaml11_word(text: &str) -> bool {
    matches!(
        text,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// A `yes`/`no` the templates test for truth, or under a switch key (`enabled`, `create`)
/// that no template of the chart reads, is meant as the boolean Helm reads.
fn meant_as_boolean(chart: &Chart, path: &str, entry: Option<&crate::yaml::Entry>) -> bool {
    match super::template_use(chart, path) {
        super::TemplateUse::Tested => true,
        super::TemplateUse::Read => false,
        super::TemplateUse::Unknown => entry
            .and_then(|e| e.key_str())
            .is_some_and(super::string_bool::is_switch),
    }
}

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    super::walk_values(chart, ctx, &mut |doc, path, entry, node| {
        if let Some(e) = entry
            && let Some((text, Value::Bool(b))) = super::plain_value(&e.key)
            && is_yaml11_word(text)
        {
            sink.report(
                &META,
                &doc.file,
                e.key.span,
                format!("The key `{text}` is the boolean {b} for Helm, so the key becomes \"{b}\""),
            )
            .help(format!("quote the key: `\"{text}\":`"))
            .fix(crate::fix::Fix::unsafe_("Quote the key").edit(
                &doc.file,
                e.key.span,
                crate::fix::edit::double_quoted(text),
            ));
        }
        if let Some((text, Value::Bool(b))) = super::plain_value(node)
            && is_yaml11_word(text)
            && !meant_as_boolean(chart, path, entry)
        {
            let shown = if path.is_empty() {
                String::new()
            } else {
                format!("`{path}`: ")
            };
            sink.report(
                &META,
                &doc.file,
                node.span,
                format!("{shown}`{text}` is the boolean {b} for Helm, not the string \"{text}\""),
            )
            .help(format!(
                "write `{b}` for a boolean, or quote it (`\"{text}\"`) for text"
            ))
            .fix(
                if entry
                    .and_then(|e| e.key_str())
                    .is_some_and(super::string_bool::is_switch)
                {
                    crate::fix::Fix::safe(format!("Write `{b}`")).edit(
                        &doc.file,
                        node.span,
                        b.to_string(),
                    )
                } else {
                    crate::fix::Fix::unsafe_(format!("Quote `{text}`")).edit(
                        &doc.file,
                        node.span,
                        crate::fix::edit::double_quoted(text),
                    )
                },
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_values_and_keys() {
        let c = chart("web")
            .values("debug: yes\nlocale:\n  country: NO\non: 1\n")
            .build();
        let d = run(CHART, &c);
        assert_eq!(d.len(), 3, "{:#?}", summary(&d));
        assert_eq!(at(&d[0]), (1, 8));
        assert!(d[0].message.contains("`debug`: `yes` is the boolean true"));
        assert_eq!(
            d[0].help.as_deref(),
            Some("write `true` for a boolean, or quote it (`\"yes\"`) for text")
        );
        assert_eq!(at(&d[1]), (3, 12));
        assert!(d[1].message.contains("boolean false"));
        assert_eq!(at(&d[2]), (4, 1));
        assert!(d[2].message.contains("key `on`"));
    }

    #[test]
    fn silent_on_true_false_and_quoted() {
        let c = chart("web")
            .values("a: true\nb: False\nc: \"yes\"\nd: 'no'\ne: !!str on\nf: yess\n")
            .build();
        assert!(run(CHART, &c).is_empty());
    }
}
