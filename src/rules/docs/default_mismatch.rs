use crate::chart::Chart;
use crate::chart::docs::{Layout, read, resolve};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use serde_json::Value;

pub static META: RuleMeta = RuleMeta {
    name: "docs/default-mismatch",
    severity: Severity::Warning,
    summary: "The documented default of a value differs from values.yaml",
    doc: r#"## What it does
Compares the default a README values table documents (helm-docs `Default` column, written as
JSON in backticks; Bitnami `Value` column) with the value in values.yaml, as Helm reads it.
Defaults documented with `# @default --` or `[default: …]` are descriptions, not values, and
are not compared. The finding points at the value and, as a second label, at the table cell.

## Why it matters
A stale table tells users a default they do not get: they skip an override they need, or set
one that changes nothing.

## Example
```yaml
# README: | replicaCount | int | `1` | |
replicaCount: 2
```

## Fix
Regenerate the table (helm-docs, readme-generator-for-helm) or correct it by hand.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn same(doc: &Value, actual: &Value) -> bool {
    match (doc, actual) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Array(a), Value::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y))
        }
        (Value::Object(a), Value::Object(b)) => {
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same(v, w)))
        }
        _ => doc == actual,
    }
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(values) = &chart.values else { return };
    let Some(root) = values.yaml.root() else {
        return;
    };
    let docs = read(chart);
    let Some(readme) = &docs.readme else { return };
    for row in &docs.rows {
        let Some((text, span)) = &row.default else {
            continue;
        };
        let Some(node) = resolve(root, &row.key) else {
            continue;
        };
        if docs
            .comments
            .iter()
            .any(|c| c.key == row.key && c.custom_default)
        {
            continue;
        }
        let actual = node.to_json();
        let documented = match (row.layout, text.as_str()) {
            (_, "nil") => Value::Null,
            (Layout::HelmDocs, t) => match serde_json::from_str::<Value>(t) {
                Ok(v) => v,
                Err(_) => continue, // a described default, not a value
            },
            (Layout::Bitnami, t) => {
                serde_json::from_str::<Value>(t).unwrap_or_else(|_| Value::String(t.to_string()))
            }
        };
        if same(&documented, &actual)
            || (row.layout == Layout::Bitnami && node.scalar_text() == Some(text.as_str()))
        {
            continue;
        }
        let shown = format!("`{actual}`");
        sink.report(
            &META,
            &values.file,
            node.span,
            format!(
                "`{}` defaults to {shown}, but the README documents `{text}`",
                row.key
            ),
        )
        .label("actual default")
        .related(readme, *span, "documented default")
        .help("regenerate or correct the README values table");
    }
}
