use super::schema_invalid::{compiled, locate};
use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::schema::SchemaProblem;

pub static META: RuleMeta = RuleMeta {
    name: "values/schema-too-complex",
    severity: Severity::Warning,
    summary: "values.schema.json expands through its references beyond what can be validated",
    doc: r##"## What it does
Reports a `values.schema.json` whose `$ref`s, followed everywhere they appear, expand it to
more than 200,000 subschemas (recursion counted once), at the definition that expands most.
plimsoll then does not validate values against it (`values/schema-violation` stays silent).

## Why it matters
A validator may evaluate every one of those subschemas for each value. A chain of definitions
that each reference the next twice (`anyOf: [{$ref: next}, {$ref: next}]`) doubles the work
per level: twenty levels make `helm install` spend minutes and gigabytes checking values, and
a schema like that in a pull request is a way to stall CI. Real chart schemas, Kubernetes
definitions included, expand to a few thousand subschemas at most.

## Example
```json
{ "definitions": {
    "d0": { "anyOf": [ { "$ref": "#/definitions/d1" }, { "$ref": "#/definitions/d1" } ] },
    "d1": { "anyOf": [ { "$ref": "#/definitions/d2" }, { "$ref": "#/definitions/d2" } ] } } }
```

## Fix
Reference a shared definition once (`anyOf` of two identical references is one reference),
or flatten the chain.
"##,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let (Some(file), Some(Err(SchemaProblem::TooComplex { pointer, message }))) =
        (&chart.values_schema, compiled(chart))
    else {
        return;
    };
    sink.report(
        &META,
        file,
        locate(file, pointer),
        format!("values.schema.json is too complex to validate against: {message}"),
    )
    .label("expands most");
}
