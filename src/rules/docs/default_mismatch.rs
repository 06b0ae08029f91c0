use crate::chart::Chart;
use crate::chart::docs::{Layout, read, resolve};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;
use serde_json::Value;

pub static META: RuleMeta = RuleMeta {
    name: "docs/default-mismatch",
    severity: Severity::Warning,
    summary: "The documented default of a value differs from values.yaml",
    doc: r#"## What it does
Compares the default a README values table documents with the value in values.yaml, as Helm
reads it, reading each table the way its generator writes it:
- helm-docs (`Key | Type | Default | Description`): JSON in backticks; numbers compare as
  numbers (`0.10` is `0.1`, `1e+06` is `1000000`);
- Bitnami readme-generator (`Name | Description | Value`): the value in backticks, `nil` for
  null; a `## @param` with a modifier (`[array]`, `[object]`, `[string]`, `[nullable]`,
  `[default: …]`) prints a placeholder on purpose and is not compared, nor is an `## @extra`;
- hand-written `Parameter | Description | Default` tables: only scalars are compared, quoted
  or bare (a path with or without its trailing slash is the same); `nil` stands for any empty
  value; placeholders (`{TAG_NAME}`, `<name>`), prose and
  defaults of unset values (what the application then does) are not compared.
Defaults documented with `# @default --` are descriptions, not values, and are not compared;
nor are multi-line strings, which every generator shortens. An unescaped `|` in a description
does not shift the default cell. The finding points at the value and, as a second label, at
the table cell.

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

/// What a hand-written table's default cell says, when it states a value plainly.
fn classic(text: &str) -> Option<Value> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    let word: String = lower.chars().filter(char::is_ascii_alphanumeric).collect();
    if ["unset", "notset", "none", "empty", "required"].contains(&word.as_str()) {
        return None;
    }
    // Placeholders and words that describe a default rather than state it.
    if t.is_empty()
        || t.contains(['`', '<', '(', '{', '$'])
        || [
            "required",
            "none",
            "n/a",
            "empty",
            "unset",
            "-",
            "generated",
            "random",
        ]
        .contains(&lower.as_str())
    {
        return None;
    }
    if ["nil", "null", "~", "not set"].contains(&lower.as_str()) {
        return Some(Value::Null);
    }
    if let Ok(v) = serde_json::from_str::<Value>(t) {
        return Some(v);
    }
    for q in ['\'', '"'] {
        if let Some(inner) = t.strip_prefix(q).and_then(|r| r.strip_suffix(q))
            && !inner.contains(q)
        {
            return Some(Value::String(inner.to_string()));
        }
    }
    // A bare word is a value; text with spaces describes one.
    (!t.contains(char::is_whitespace)).then(|| Value::String(t.to_string()))
}

/// Whether a loosely written default agrees with the value: the same value, or the same text
/// (`true` for `true`, `1.0` for `"1.0"`), or an empty one for an empty one.
fn classic_same(doc: &Value, node: &Node) -> bool {
    let actual = node.to_json();
    if same(doc, &actual) {
        return true;
    }
    let empty = |v: &Value| match v {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    if empty(doc) && empty(&actual) {
        return true;
    }
    let doc_text = match doc {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let unquote = |t: &str| {
        for q in ['\'', '"'] {
            if let Some(inner) = t.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
                return inner.to_string();
            }
        }
        t.to_string()
    };
    node.scalar_text().is_some_and(|t| {
        t == doc_text
            || t.eq_ignore_ascii_case(&doc_text)
            // A path with or without its trailing slash.
            || (t.len() > 1 && t.trim_end_matches('/') == doc_text.trim_end_matches('/'))
            // `'""'` in values.yaml documented as `''`: both mean empty.
            || unquote(t) == unquote(&doc_text)
            // An image documented by its repository alone (`postgres` for `postgres:9.6`).
            || t.strip_prefix(doc_text.as_str()).is_some_and(|r| r.starts_with(':') && doc_text.contains(char::is_alphabetic) && !doc_text.contains(':'))
            // `${VAR}` is filled in by the environment at run time.
            || t.contains("${")
    })
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(values) = &chart.values else { return };
    let Some(root) = values.yaml.root() else {
        return;
    };
    let docs = read(chart);
    let Some(readme) = &docs.readme else { return };
    // Keys whose comment gives a default of its own (`@default`, Bitnami modifiers).
    let custom: crate::FastSet<&str> = docs
        .comments
        .iter()
        .filter(|c| c.custom_default)
        .map(|c| c.key.as_str())
        .collect();
    for row in docs.rows() {
        let Some((text, span)) = row.default else {
            continue;
        };
        let Some(node) = resolve(root, row.key) else {
            continue;
        };
        if custom.contains(row.key) {
            continue;
        }
        let actual = node.to_json();
        // Multi-line strings are shortened or reflowed by every generator.
        if let Value::String(s) = &actual
            && s.contains('\n')
        {
            continue;
        }
        let agrees = match (row.layout, text) {
            (Layout::HelmDocs | Layout::Bitnami, "nil") => node.is_null(),
            (Layout::HelmDocs, t) => match serde_json::from_str::<Value>(t) {
                Ok(v) => same(&v, &actual),
                Err(_) => continue, // a described default, not a value
            },
            (Layout::Bitnami, t) => {
                let v = serde_json::from_str::<Value>(t)
                    .unwrap_or_else(|_| Value::String(t.to_string()));
                same(&v, &actual) || node.scalar_text() == Some(t)
            }
            (Layout::Classic, t) => {
                // Tables written by hand summarise lists and maps; only scalars are compared.
                let collection = node.as_map().is_some() || node.as_seq().is_some();
                // An unset value documented with what the application then does
                // (`serviceAccount.name: ~` documented as `default`) describes, not states.
                if node.is_null() || node.as_str() == Some("") {
                    continue;
                }
                if node.scalar_text() == Some(t) {
                    continue;
                }
                if collection {
                    continue;
                }
                match classic(t) {
                    Some(v) => classic_same(&v, node),
                    None => continue,
                }
            }
        };
        if agrees {
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
        .related(readme, span, "documented default")
        .help("regenerate or correct the README values table");
    }
}
