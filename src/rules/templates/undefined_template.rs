use crate::chart::Chart;
use crate::chart::templates::tree;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::template::TemplateRefKind;
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    name: "templates/undefined-template",
    severity: Severity::Error,
    summary: "`include` or `template` names a template that no `define` provides",
    doc: r#"## What it does
Reports `{{ include "x" … }}` and `{{ template "x" … }}` with a literal name that no `define`
or `block` provides in the chart, its subcharts or its parent charts (Helm parses all of them
into one set). Names computed at render time are skipped, and so are charts whose declared
dependencies are not in `charts/` (their templates are unknown).

## Why it matters
Rendering stops with `no template "x" associated with template "gotpl"` as soon as the action
runs; inside a rarely enabled `if` the mistake ships unnoticed.

## Example
```yaml
metadata:
  labels:
    {{- include "web.lables" . | nindent 4 }}
```

## Fix
Use the name of an existing `define` (see the suggestion), or add the `define` to a partial
such as `templates/_helpers.tpl`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

/// The templates of the whole chart tree form one set, so the check runs once, from the top.
fn check_chart(chart: &Chart, ctx: &Ctx, sink: &mut Sink) {
    if ctx.parent.is_some() {
        return;
    }
    let charts = tree(chart);
    if charts.iter().any(|(_, c)| missing_dependencies(c)) {
        return;
    }
    let mut defined: HashSet<&str> = HashSet::new();
    let mut unparsed: Vec<&str> = Vec::new();
    for (_, c) in &charts {
        for t in c.parsed_templates() {
            match &t.tree {
                Ok(tree) => defined.extend(tree.define_names()),
                Err(_) => unparsed.push(&t.file.text),
            }
        }
    }
    for (_, c) in &charts {
        for t in c.parsed_templates() {
            let Ok(tree) = &t.tree else { continue };
            for r in tree.template_refs(&["include"]) {
                if r.kind == TemplateRefKind::Block || defined.contains(r.name.as_str()) {
                    continue;
                }
                // A file that does not parse may still hold the define.
                let quoted = format!("\"{}\"", r.name);
                if unparsed
                    .iter()
                    .any(|text| text.contains("define") && text.contains(&quoted))
                {
                    continue;
                }
                let how = match &r.kind {
                    TemplateRefKind::Function(f) => f.as_str(),
                    _ => "template",
                };
                let d = sink.report(
                    &META,
                    &t.file,
                    r.name_span,
                    format!(
                        "`{how}` names template \"{}\", which no `define` in the chart or its subcharts provides",
                        r.name
                    ),
                );
                d.label("no such template");
                if let Some(s) = crate::suggest::closest(&r.name, defined.iter().copied()) {
                    d.help(format!("did you mean \"{s}\"?"));
                } else {
                    d.help("define it (usually in templates/_helpers.tpl) or use an existing name");
                }
            }
        }
    }
}

/// Chart.yaml declares a dependency that is not loaded from `charts/`.
fn missing_dependencies(chart: &Chart) -> bool {
    let Some(root) = chart.chart_yaml.as_ref().and_then(|d| d.yaml.root()) else {
        return false;
    };
    let Some(deps) = root.get("dependencies").and_then(|d| d.as_seq()) else {
        return false;
    };
    deps.iter().any(|d| {
        let Some(name) = d.get("name").and_then(|n| n.as_str()) else {
            return false;
        };
        !chart.subcharts.iter().any(|s| s.name() == name)
    })
}
