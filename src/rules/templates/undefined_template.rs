use crate::chart::Chart;
use crate::chart::templates::tree;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::template::TemplateRefKind;
use crate::{FastMap, FastSet};
use aho_corasick::AhoCorasick;

pub static META: RuleMeta = RuleMeta {
    name: "templates/undefined-template",
    severity: Severity::Error,
    summary: "`include` or `template` names a template that no `define` provides",
    doc: r#"## What it does
Reports `{{ include "x" … }}` and `{{ template "x" … }}` with a literal name that no `define`
or `block` provides in the chart, its subcharts or its parent charts (Helm parses all of them
into one set), including dependencies declared in Chart.yaml or, for `apiVersion: v1` charts,
in `requirements.yaml`. A dependency that `charts/` does not hold counts when it is found
locally (a `file://` repository, a sibling chart folder of that name, or a folder listed in
`dependencyPaths` in `.plimsoll.yaml`, with a version that satisfies the constraint), so a
library chart such as `common` next to the charts that use it provides its `define`s. Names
computed at render time are skipped, and so are charts with a dependency found nowhere (its
templates are unknown), a `define` that rendering never calls (dead code; unless the chart is
a library or computes `include` names), and names the README shows in a `define` for users
to provide (a hook filled in by a parent chart).

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
    if charts.iter().any(|(_, c)| !c.dependencies_known()) {
        return;
    }
    let mut defined: FastSet<&str> = FastSet::default();
    let mut unparsed: Vec<&str> = Vec::new();
    let mut providers: Vec<&Chart> = charts.iter().map(|(_, c)| *c).collect();
    let mut i = 0;
    while i < providers.len() && i < 512 {
        let c = providers[i];
        for l in &c.linked {
            providers.extend(tree(l).into_iter().map(|(_, c)| c));
        }
        i += 1;
    }
    for c in &providers {
        for t in c.parsed_templates() {
            match &t.tree {
                Ok(tree) => defined.extend(tree.define_names()),
                Err(_) => unparsed.push(&t.file.text),
            }
        }
    }
    // Which defines run matters only for a name nothing defines, which most charts never have.
    let mut live: Option<Option<FastSet<&str>>> = None;
    let mut sorted: Option<Vec<&str>> = None;
    // Names the READMEs show in a `define` are hooks for users to provide (in a parent chart).
    let hooks: Vec<&str> = charts
        .iter()
        .filter_map(|(_, c)| c.readme.as_ref())
        .map(|r| r.text.as_str())
        .collect();
    for (_, c) in &charts {
        for t in c.parsed_templates() {
            for r in t.include_refs() {
                if r.kind == TemplateRefKind::Block || defined.contains(r.name.as_str()) {
                    continue;
                }
                // Never executed: a `define` nothing calls, or the top level of a partial.
                if let Some(live) = live.get_or_insert_with(|| reachable(&charts)) {
                    let runs = match &r.define {
                        Some(d) => live.contains(&**d),
                        None => !t.partial,
                    };
                    if !runs {
                        continue;
                    }
                }
                let quoted = format!("\"{}\"", r.name);
                if hooks
                    .iter()
                    .any(|text| text.contains("define") && text.contains(&quoted))
                {
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
                // In name order: once the suggestion budget runs out, what was searched must not
                // depend on the set's per-process hash order.
                let names = sorted.get_or_insert_with(|| {
                    let mut v: Vec<&str> = defined.iter().copied().collect();
                    v.sort_unstable();
                    v
                });
                if let Some(s) = crate::suggest::closest(&r.name, names.iter().copied()) {
                    d.help(format!("did you mean \"{s}\"?"));
                } else {
                    d.help("define it (usually in templates/_helpers.tpl) or use an existing name");
                }
            }
        }
    }
}

/// The `define`s that rendering can run: those called, directly or through other `define`s,
/// from the rendered templates, or named in a values.yaml (for `tpl`). `None` when any may
/// run: a library chart (other charts call its `define`s), a chart of partials only, or an
/// `include` whose name is computed.
fn reachable<'a>(charts: &[(String, &'a Chart)]) -> Option<FastSet<&'a str>> {
    let top = charts.first()?.1;
    if crate::rules::chart::is_library(top) || top.parsed_templates().iter().all(|t| t.partial) {
        return None;
    }
    let mut edges: Vec<(Option<&str>, &str)> = Vec::new();
    let mut names: FastSet<&'a str> = FastSet::default();
    for (_, c) in charts {
        for t in c.parsed_templates() {
            let Ok(tree) = &t.tree else { return None };
            names.extend(tree.define_names());
            let refs = t.include_refs();
            let literal = refs
                .iter()
                .filter(|r| matches!(&r.kind, TemplateRefKind::Function(f) if f == "include"))
                .count();
            let calls = t
                .function_calls()
                .iter()
                .filter(|f| f.name == "include")
                .count();
            if calls > literal {
                return None;
            }
            for r in refs {
                match (&r.define, t.partial) {
                    (None, true) => {}
                    (d, _) => edges.push((d.as_deref(), &r.name)),
                }
            }
        }
    }
    let mut by_from: FastMap<&str, Vec<&str>> = FastMap::default();
    let mut todo: Vec<&str> = Vec::new();
    for (from, to) in edges {
        match from {
            None => todo.push(to),
            Some(f) => by_from.entry(f).or_default().push(to),
        }
    }
    // Names a values.yaml holds (for `tpl`), found in one pass over each text.
    let list: Vec<&'a str> = names.iter().copied().collect();
    if let Ok(finder) = AhoCorasick::new(&list) {
        for (_, c) in charts {
            if let Some(v) = &c.values {
                for m in finder.find_overlapping_iter(v.file.text.as_str()) {
                    todo.push(list[m.pattern().as_usize()]);
                }
            }
        }
    }
    let mut live: FastSet<&'a str> = FastSet::default();
    while let Some(n) = todo.pop() {
        let Some(&name) = names.get(n) else { continue };
        if !live.insert(name) {
            continue;
        }
        if let Some(next) = by_from.get(name) {
            todo.extend(next);
        }
    }
    Some(live)
}
