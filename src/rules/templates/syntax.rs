use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::template::ErrorKind;

pub static META: RuleMeta = RuleMeta {
    name: "templates/syntax",
    severity: Severity::Error,
    summary: "A template does not parse as a Go template",
    doc: r#"## What it does
Parses every `.yaml`, `.yml`, `.tpl` and `.txt` file under `templates/` (partials included) as
Helm does, with Go's `text/template` grammar, and reports the first parse error of each file
with Go's message: unclosed actions, a block without `{{ end }}`, a stray `{{ end }}` or
`{{ else }}`, undefined variables, bad strings and numbers, and a `define` repeated in one file.
The finding points at the token at fault; when Go names another line (it reports a missing
`{{ end }}` at the end of the file), the message says so and a second label marks the block.

Unknown function names are reported by `templates/unknown-function` instead.

## Why it matters
Helm parses every template before rendering any: one parse error stops `helm install`,
`helm template` and `helm lint` for the whole chart, and `helm lint` only shows the first one.

## Example
```yaml
{{- if .Values.ingress.enabled }}
apiVersion: networking.k8s.io/v1
kind: Ingress
# no {{ end }}: "unexpected EOF"
```

## Fix
Close every `if`, `range`, `with`, `define` and `block` with `{{ end }}`, close every action
with `}}`, and declare variables (`{{ $x := … }}`) before using them.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    for t in chart.parsed_templates() {
        let Err(e) = &t.tree else { continue };
        if e.kind == ErrorKind::FunctionNotDefined {
            continue;
        }
        // A block left open is best shown at its opening action.
        let focus = match (e.kind, &e.related, e.culprit) {
            (ErrorKind::UnexpectedEof, Some((open, _)), None) => *open,
            _ => e.focus(),
        };
        let go_line = t.file.line_col(e.span.start as usize).line;
        let shown_line = t.file.line_col(focus.start as usize).line;
        if e.kind == ErrorKind::TooDeep {
            // plimsoll's own bound (its parser recurses), not Helm's: Helm may accept the file.
            let d = sink.report(
                &META,
                &t.file,
                focus,
                format!("Template not checked: {}", e.message),
            );
            d.severity = Severity::Info;
            d.label("plimsoll's nesting limit");
            d.help("plimsoll parses templates nested up to 1,000 levels deep; flatten the nesting (a named template, or `and`/`or` in one condition) to have it checked");
            continue;
        }
        let mut message = format!("Template does not parse: {}", e.message);
        if go_line != shown_line {
            message.push_str(&format!(" (Helm reports line {go_line})"));
        }
        let d = sink.report(&META, &t.file, focus, message);
        d.label(label(e.kind));
        if let Some((span, msg)) = &e.related
            && *span != focus
        {
            d.related(&t.file, *span, msg.clone());
        }
        if let Some(h) = help(e.kind) {
            d.help(h);
        }
    }
}

fn label(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::UnexpectedEof => "this block has no {{ end }}",
        ErrorKind::UndefinedVariable => "not declared here",
        ErrorKind::UnclosedAction => "action not closed",
        ErrorKind::UnexpectedEnd => "no open block",
        ErrorKind::MultipleDefinition => "defined again",
        _ => "parse error",
    }
}

fn help(kind: ErrorKind) -> Option<&'static str> {
    Some(match kind {
        ErrorKind::UnexpectedEof => "add the missing `{{ end }}`",
        ErrorKind::UnexpectedEnd => "remove the `{{ end }}` or open the block it should close",
        ErrorKind::UndefinedVariable => {
            "declare it with `{{ $name := … }}` before use; variables do not leak out of `define`, `range`, `with` or `if` blocks, and `$` is the top-level context"
        }
        ErrorKind::UnclosedAction => "close the action with `}}`",
        ErrorKind::MultipleDefinition => "rename one of the templates or remove one",
        ErrorKind::UnterminatedString | ErrorKind::UnterminatedRawString => "close the string",
        _ => return None,
    })
}
