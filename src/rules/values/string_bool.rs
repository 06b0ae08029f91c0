use crate::chart::Chart;
use crate::chart::values::norm;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::{Style, Value};

pub static META: RuleMeta = RuleMeta {
    name: "values/string-bool",
    severity: Severity::Warning,
    summary: "A switch such as enabled holds a string instead of a boolean",
    doc: r#"## What it does
Reports values under switch-like keys (`enabled`, `create`, `*Enabled`, `use*`, `disable*`)
that hold a string instead of `true` or `false`: `enabled: ""`, `enabled: "false"`,
`enabled: "no"`, when the chart's templates test the value for truth (`if`, `and`, `or`,
`not`, `with`) or a dependency's `condition` names it. A string the templates only print,
quote or compare (`{{ .Values.config.enabled | quote }}` into an application's config file,
`eq .Values.useAOF "yes"`, a map ranged over into a config file) is text the application
reads, and is left alone. A value no template of the chart reads (a global or a subchart's
switch) is judged by its key.

## Why it matters
Templates test switches with `{{ if .Values.x.enabled }}`, where every non-empty string is
true: `"false"` turns the feature **on**. An empty string is false there but true for
`default true`, fails `eq .Values.x.enabled true` and a schema's `boolean` type, and makes
`--set x.enabled=true` compare a string with a boolean in subcharts.

## Example
```yaml
global:
  keycloak:
    enabled: ""
```

## Fix
Use an unquoted `true` or `false`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

/// Whether a key names an on/off switch.
pub(crate) fn is_switch(key: &str) -> bool {
    let k = norm(key);
    // `useExistingClusterRoleName`, `enableLogsPath`: a name or a path, not a switch.
    if ["name", "names", "path", "file", "url", "dir"]
        .iter()
        .any(|s| k.ends_with(s))
    {
        return false;
    }
    k == "enabled"
        || k == "create"
        || k.ends_with("enabled")
        || k.starts_with("enable")
        || k.starts_with("disable")
        || (k.starts_with("use")
            && k.len() > 3
            && key.as_bytes().get(3).is_some_and(u8::is_ascii_uppercase))
}

fn check<'a>(chart: &'a Chart, ctx: &Ctx<'a>, sink: &mut Sink) {
    for v in ctx.values(chart) {
        let Some(key) = v.key else { continue };
        let Some(s) = v.node.as_scalar() else {
            continue;
        };
        if s.value != Value::Str || !is_switch(key) || crate::chart::values::is_template(&s.text) {
            continue;
        }
        // A value the templates only print or quote (`{{ .Values.x.enabled | quote }}` into a
        // config file) is text. One they test, or that no template of this chart reads (a
        // global or subchart switch), is taken as the switch its key says it is.
        if super::template_use(chart, v.path) == super::TemplateUse::Read {
            continue;
        }
        let lower = s.text.trim().to_ascii_lowercase();
        let meaning = match lower.as_str() {
            "" => {
                "an empty string: false in `if`, but not a boolean for `eq`, `default` or a schema"
                    .to_string()
            }
            "false" | "no" | "off" | "0" | "n" => {
                format!("the string {:?}, which `if` treats as true", s.text)
            }
            "true" | "yes" | "on" | "1" | "y" => {
                format!("the string {:?}, not the boolean true", s.text)
            }
            _ => continue,
        };
        let fix = if matches!(lower.as_str(), "true" | "yes" | "on" | "1" | "y") {
            "true"
        } else {
            "false"
        };
        let quoted = if s.style == Style::Plain {
            ""
        } else {
            " without quotes"
        };
        sink.report(
            &META,
            v.file,
            v.node.span,
            format!("`{}` is {meaning}", v.path),
        )
        .label("string, not boolean")
        .help(format!("write `{key}: {fix}`{quoted}"));
    }
}
