use crate::chart::Chart;
use crate::chart::docs::{read, resolve};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "docs/type-mismatch",
    severity: Severity::Warning,
    summary: "The documented type of a value differs from its type in values.yaml",
    doc: r#"## What it does
Compares the type a chart documents for a value (the `Type` column of a helm-docs README
table, or a `# -- (type)` hint in values.yaml) with the type Helm reads from values.yaml
(`string`, `int`, `float`, `bool`, `list`, `object`). Custom types such as `tpl` or `yaml`,
and values that are `null`, are not compared. The finding points at the value and, as a second
label, at the documentation.

## Why it matters
Users copy the documented type into their overrides: `enabled: ""` documented as `string`
where the templates test a boolean, or `1.10` documented as `string` but read as the float
1.1, breaks their installs in ways the docs do not explain.

## Example
```yaml
# README: | global.keycloak.enabled | bool | `false` | |
global:
  keycloak:
    enabled: ""
```

## Fix
Fix the value's type in values.yaml (usually), or the documentation.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

/// The helm-docs type a documented type name stands for; `None` for custom types.
fn canonical(ty: &str) -> Option<&'static [&'static str]> {
    Some(match ty.trim().to_ascii_lowercase().as_str() {
        "string" | "str" => &["string"],
        "int" | "integer" => &["int"],
        "float" | "double" => &["float", "int"],
        "number" => &["int", "float"],
        "bool" | "boolean" => &["bool"],
        "list" | "array" | "sequence" => &["list"],
        "object" | "map" | "dict" | "dictionary" => &["object"],
        _ => return None,
    })
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(values) = &chart.values else { return };
    let Some(root) = values.yaml.root() else {
        return;
    };
    let docs = read(chart);
    let mut report =
        |key: &str, ty: &str, doc_file: &crate::source::File, doc_span, node: &Node| {
            let Some(allowed) = canonical(ty) else { return };
            if node.is_null() || allowed.contains(&node.type_name()) {
                return;
            }
            sink.report(
                &META,
                &values.file,
                node.span,
                format!(
                    "`{key}` is documented as {ty} but values.yaml holds {} {} {}",
                    article(node.type_name()),
                    node.type_name(),
                    node_text(node)
                ),
            )
            .label(format!("a {} here", node.type_name()))
            .related(doc_file, doc_span, format!("documented as {ty}"))
            .help("make the value and its documentation agree");
        };
    if let Some(readme) = &docs.readme {
        for row in docs.rows() {
            // Only typed rows are looked up in values.yaml.
            let Some((ty, span)) = row.ty else { continue };
            let Some(node) = resolve(root, row.key) else {
                continue;
            };
            report(row.key, ty, readme, span, node);
        }
    }
    for c in &docs.comments {
        let Some(ty) = &c.ty else { continue };
        let Some(node) = resolve(root, &c.key) else {
            continue;
        };
        report(&c.key, ty, &values.file, c.span, node);
    }
}

fn article(t: &str) -> &'static str {
    if t == "int" || t == "object" {
        "an"
    } else {
        "a"
    }
}

fn node_text(node: &Node) -> String {
    let json = node.to_json().to_string();
    if json.len() > 60 {
        format!("{}…", &json[..json.floor_char_boundary(57)])
    } else {
        json
    }
}
