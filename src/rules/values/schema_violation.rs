use crate::chart::coalesce::{effective, for_subchart, subchart_key};
use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::schema::{errors, span_in};

pub static META: RuleMeta = RuleMeta {
    name: "values/schema-violation",
    severity: Severity::Error,
    summary: "Values do not satisfy the chart's values.schema.json",
    doc: r#"## What it does
Validates the chart's values against its `values.schema.json` the way current Helm does:
drafts 4, 6, 7, 2019-09 and 2020-12 (2020-12 when `$schema` is absent), format assertions on
for drafts up to 7 and off for the newer ones. The values are values.yaml merged with every
`--values FILE` (later files win, as `helm install -f` merges them); a subchart's schema is
checked against its own defaults merged with the parent's values under its name or alias, with
`global` passed down. Each error points at the offending value in the file that set it: an
unexpected key at the key, a missing required key at the key of the mapping that lacks it.

## Why it matters
Helm refuses to install or upgrade with values that fail the schema, and reports the errors
without any position.

## Example
```yaml
# values.schema.json: {"properties": {"replicaCount": {"type": "integer", "minimum": 1}}}
replicaCount: 0
```

## Fix
Change the value, or the schema if the value is meant to be allowed.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, ctx: &Ctx, sink: &mut Sink) {
    let Some(Ok(validator)) = super::schema_invalid::compiled(chart) else {
        return;
    };
    // Where values come from, most specific first, with the pointer prefix they live under.
    let mut sources: Vec<(&YamlDoc, String)> = Vec::new();
    let instance = match ctx.parent {
        None => {
            sources.extend(ctx.overrides.iter().rev().map(|d| (d, String::new())));
            effective(chart, ctx.overrides)
        }
        Some(parent) => {
            let key = subchart_key(parent, chart);
            let prefix = format!("/{}", key.replace('~', "~0").replace('/', "~1"));
            sources.extend(ctx.overrides.iter().rev().map(|d| (d, prefix.clone())));
            sources.extend(parent.values.iter().map(|d| (d, prefix.clone())));
            for_subchart(&effective(parent, ctx.overrides), &key, chart)
        }
    };
    sources.extend(chart.values.iter().map(|d| (d, String::new())));
    let schema_file = chart.values_schema.as_ref();
    for err in errors(validator, &instance) {
        let located = sources.iter().find_map(|(doc, prefix)| {
            let root = doc.yaml.root()?;
            let mut e = err.clone();
            e.pointer = e.pointer.strip_prefix(prefix.as_str())?.to_string();
            if !prefix.is_empty()
                && !err.pointer.starts_with(&format!("{prefix}/"))
                && err.pointer != *prefix
            {
                return None;
            }
            span_in(root, &e).map(|span| (&doc.file, span))
        });
        let path = if err.pointer.is_empty() {
            "the values".to_string()
        } else {
            format!(
                "`{}`",
                err.pointer.trim_start_matches('/').replace('/', ".")
            )
        };
        let message = format!("{path}: {}", err.message);
        match located {
            Some((file, span)) => {
                let d = sink.report(&META, file, span, message);
                d.label("does not match the schema");
                if let Some(s) = schema_file {
                    d.related(s, crate::source::Span::new(0, 0), "schema");
                }
            }
            None => {
                // Not set in any file (a required key missing at the top): point at values.yaml.
                match chart.values.as_ref().map(|v| &v.file).or(schema_file) {
                    Some(file) => {
                        sink.report_file(&META, file, message);
                    }
                    None => continue,
                }
            }
        }
    }
}
