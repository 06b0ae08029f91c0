use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "templates/dict-odd-arguments",
    severity: Severity::Warning,
    summary: "A `dict` call has an odd number of arguments, so its keys and values are out of step",
    doc: r#"## What it does
Reports every call of `dict` whose arguments (counting a value piped into it) are odd in
number. `dict` takes keys and values in pairs; with an odd count, one value is missing or one
is too many.

## Why it matters
Helm does not complain: Sprig's `dict` turns every argument at a key position into a string
and gives the last key an empty value. When a value is added or dropped in the middle of the
list, every later pair shifts by one: a value becomes a key (a map or the whole context printed
as text) and a key becomes a value. The template that receives the dictionary then reads an
empty string for `context` or for its main parameter, and its output is silently wrong.

## Example
```yaml
annotations:
  {{- include "common.tplvalues.render" (dict "value" .Values.annotations .Values.commonAnnotations "context" $) | nindent 4 }}
```
Five arguments: `.Values.commonAnnotations` becomes a key, `"context"` its value, and `$` a
key with an empty value, so the helper gets no `context`.

## Fix
Pass the arguments in pairs, e.g. merge the two maps first:
`(dict "value" (merge .Values.annotations .Values.commonAnnotations) "context" $)`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    for t in chart.parsed_templates() {
        for call in t.function_calls() {
            // Only the head of a command calls the function; `dict` used as a value (passed
            // to `call`, say) has no arguments of its own.
            if call.name != "dict" || call.command.start != call.span.start {
                continue;
            }
            let n = call.args + usize::from(call.piped);
            if n % 2 == 0 {
                continue;
            }
            let d = sink.report(
                &META,
                &t.file,
                call.command,
                if n == 1 {
                    "`dict` has one argument: a key without its value".to_string()
                } else {
                    format!(
                        "`dict` has {n} arguments; keys and values must come in pairs, so the last key gets an empty value and the pairs after a missing one are shifted"
                    )
                },
            );
            d.label("odd number of arguments");
            d.help("check each key has its value; to combine maps, `merge` them into one value");
        }
    }
}
