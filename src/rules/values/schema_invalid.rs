use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;

pub static META: RuleMeta = RuleMeta {
    name: "values/schema-invalid",
    severity: Severity::Error,
    summary: "values.schema.json is not valid JSON or not a valid JSON Schema",
    doc: r#"## What it does
Reports a `values.schema.json` that does not parse as JSON (at the position of the syntax
error) or that is not a valid JSON Schema for its draft (for example `"type": "int"` or a
`"required"` that is not a list). Remote `$ref`s are not fetched: plimsoll never opens a
network connection.

## Why it matters
Helm refuses to install the chart: every `helm install`, `upgrade` and `template` fails
before rendering, whatever values are given.

## Example
```json
{ "properties": { "replicaCount": { "type": "int" } } }
```

## Fix
Correct the JSON or the schema keyword at the reported place.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

/// Compiles the chart's schema; `None` when there is none or it is invalid.
pub fn compile(chart: &Chart) -> Option<jsonschema::Validator> {
    let file = chart.values_schema.as_ref()?;
    let json: serde_json::Value = serde_json::from_str(&file.text).ok()?;
    jsonschema::validator_for(&json).ok()
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(file) = &chart.values_schema else {
        return;
    };
    let json: serde_json::Value = match serde_json::from_str(&file.text) {
        Ok(j) => j,
        Err(e) => {
            let at = file.line_start(e.line().saturating_sub(1)) + e.column().saturating_sub(1);
            let at = at.min(file.text.len());
            sink.report(
                &META,
                file,
                Span::new(at, (at + 1).min(file.text.len())),
                format!("values.schema.json is not valid JSON: {e}"),
            )
            .label("syntax error");
            return;
        }
    };
    if let Err(e) = jsonschema::validator_for(&json) {
        let pointer = e.instance_path().as_str().to_string();
        // JSON is YAML: the spanned tree locates the offending keyword.
        let tree = crate::yaml::parse(&file.text);
        let span = tree
            .root()
            .and_then(|root| crate::schema::locate(root, &pointer))
            .map(|(node, _)| node.span)
            .unwrap_or(Span::new(0, 0));
        sink.report(
            &META,
            file,
            span,
            format!("values.schema.json is not a valid schema: {e}"),
        )
        .label("invalid schema keyword");
    }
}
