use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::schema::SchemaProblem;
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

/// The chart's schema compiled once per run (shared by this rule and `values/schema-violation`);
/// `None` when the chart has no schema.
pub fn compiled(chart: &Chart) -> Option<&Result<jsonschema::Validator, SchemaProblem>> {
    let file = chart.values_schema.as_ref()?;
    Some(
        chart
            .schema_cache
            .get_or_init(|| crate::schema::compile(file)),
    )
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let (Some(file), Some(Err(problem))) = (&chart.values_schema, compiled(chart)) else {
        return;
    };
    match problem {
        SchemaProblem::Json { at, message } => {
            sink.report(
                &META,
                file,
                Span::new(*at, (*at + 1).min(file.text.len())),
                format!("values.schema.json is not valid JSON: {message}"),
            )
            .label("syntax error");
        }
        SchemaProblem::Schema { pointer, message } => {
            sink.report(
                &META,
                file,
                locate(file, pointer),
                format!("values.schema.json is not a valid schema: {message}"),
            )
            .label("invalid schema keyword");
        }
        SchemaProblem::TooComplex { .. } => {}
    }
}

/// The span of the schema keyword at a JSON Pointer (JSON is YAML: the spanned tree locates
/// it); the file's start when it cannot be found.
pub(crate) fn locate(file: &crate::source::SourceFile, pointer: &str) -> Span {
    let tree = crate::yaml::parse(&file.text);
    tree.root()
        .and_then(|root| crate::schema::locate(root, pointer))
        .map(|(node, _)| node.span)
        .unwrap_or(Span::new(0, 0))
}
