use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::template::{FuncSet, GO_BUILTINS, HELM_FUNCTIONS};

pub static META: RuleMeta = RuleMeta {
    name: "templates/unknown-function",
    severity: Severity::Error,
    summary: "A template calls a function that Helm does not define",
    doc: r#"## What it does
Reports every function name in a template that is neither a Go template builtin nor one of
Helm's functions (Sprig without `env` and `expandenv`, plus `include`, `tpl`, `required`,
`toYaml`, `lookup` and the other Helm additions), with the closest known name.

## Why it matters
Go checks function names while parsing, so Helm refuses the whole chart with
`function "x" not defined`, and reports only the first one.

## Example
```yaml
metadata:
  labels:
    {{- include "web.labels" . | indent4 }}
```

## Fix
Use the function's real name (`nindent`, `toYaml`, `quote`); `env` and `expandenv` are not
available in Helm charts, pass such settings through values instead.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let known = FuncSet::helm();
    for t in chart.parsed_templates() {
        for call in t.function_calls() {
            if known.contains(&call.name) {
                continue;
            }
            let d = sink.report(
                &META,
                &t.file,
                call.span,
                format!("Function `{}` is not defined in Helm templates", call.name),
            );
            d.label("unknown function");
            let candidates = GO_BUILTINS.iter().chain(HELM_FUNCTIONS).copied();
            if let Some(s) =
                crate::suggest::closest(&call.name, candidates).or_else(|| case_match(&call.name))
            {
                d.help(format!("did you mean `{s}`?"));
            } else if matches!(call.name.as_str(), "env" | "expandenv") {
                d.help("Helm removes `env` and `expandenv` from Sprig; pass the setting through values");
            }
        }
    }
}

/// A known name that differs only in case (`toyaml` → `toYaml`).
fn case_match(name: &str) -> Option<&'static str> {
    GO_BUILTINS
        .iter()
        .chain(HELM_FUNCTIONS)
        .copied()
        .find(|k| k.eq_ignore_ascii_case(name))
}
