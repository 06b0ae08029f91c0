use crate::chart::Chart;
use crate::chart::templates::{load_order_key, tree};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::File;
use crate::template::Define;
use std::collections::BTreeMap;

pub static META: RuleMeta = RuleMeta {
    name: "templates/duplicate-define",
    severity: Severity::Warning,
    summary: "Two files define a template with the same name",
    doc: r#"## What it does
Reports a `define` whose name is also defined in another file of the chart or of its
subcharts, with different content. Helm loads every template of the chart tree into one set;
of two definitions, the one loaded last wins silently (subcharts load before their parent,
and within a folder `_b.tpl` loads before `_a.tpl`). The finding sits on the definition Helm
ignores and points at the one it uses. `block` defaults meant to be overridden, empty
definitions and identical copies (a library chart vendored twice) are not reported.

## Why it matters
Every `include` of that name renders the surviving definition, so one chart's names or labels
change when another chart is added: the classic case is two charts both defining `fullname`.

## Example
```yaml
# templates/_helpers.tpl
{{- define "fullname" -}}{{ .Release.Name }}-web{{- end -}}
# charts/cache/templates/_helpers.tpl
{{- define "fullname" -}}{{ .Release.Name }}-cache{{- end -}}
```

## Fix
Prefix every named template with its chart's name (`web.fullname`, `cache.fullname`), or
remove the copy that is not meant to be used.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

struct Def<'a> {
    file: &'a File,
    name: String,
    define: &'a Define,
}

/// The templates of the whole chart tree form one set, so the check runs once, from the top.
fn check_chart(chart: &Chart, ctx: &Ctx, sink: &mut Sink) {
    if ctx.parent.is_some() {
        return;
    }
    let mut by_name: BTreeMap<&str, Vec<Def>> = BTreeMap::new();
    for (prefix, c) in tree(chart) {
        for t in c.parsed_templates() {
            let Ok(tree) = &t.tree else { continue };
            for d in &tree.defines {
                by_name.entry(d.name.as_str()).or_default().push(Def {
                    file: &t.file,
                    name: format!("{prefix}/templates/{}", t.rel),
                    define: d,
                });
            }
        }
    }
    for (name, mut defs) in by_name {
        if defs.len() < 2 {
            continue;
        }
        // A block is a default meant to be overridden; empty definitions never replace.
        if defs.iter().any(|d| d.define.is_block) {
            continue;
        }
        defs.retain(|d| !d.define.body.is_empty_tree(&d.file.text));
        defs.sort_by_key(|d| load_order_key(&d.name));
        let Some(winner) = defs.last() else { continue };
        let body = |d: &Def| {
            d.file
                .text
                .get(d.define.body.span.range())
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let win_body = body(winner);
        for d in &defs[..defs.len() - 1] {
            if std::ptr::eq(d.file.as_ref(), winner.file.as_ref()) || body(d) == win_body {
                continue;
            }
            sink.report(
                &META,
                d.file,
                d.define.name_span,
                format!(
                    "Template \"{name}\" is also defined in {}; Helm uses that definition and ignores this one",
                    winner.name
                ),
            )
            .label("ignored definition")
            .related(winner.file, winner.define.name_span, "the definition Helm uses")
            .help("give each chart's named templates a prefix of its own (`<chart>.name`), or remove the unused copy");
        }
    }
}
