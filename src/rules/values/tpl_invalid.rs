use crate::chart::Chart;
use crate::chart::coalesce::subchart_key;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;
use crate::template::ParseOptions;
use crate::yaml::{Node, Style};
use std::collections::BTreeSet;

pub static META: RuleMeta = RuleMeta {
    name: "values/tpl-invalid",
    severity: Severity::Error,
    summary: "A values string rendered with `tpl` does not parse as a Go template",
    doc: r#"## What it does
Finds the values that the chart's templates (or its subcharts' templates) pass to `tpl`, and
parses those holding `{{` as Helm will, with Helm's functions, reporting Go's message at the
position inside the value (for strings with escapes or block scalars, at the value).

Other strings with `{{` are left alone: they are often templates for another program
(Prometheus alert annotations, Argo workflows) that only pass through the chart. What a tpl
string renders to is not checked (plimsoll does not render).

## Why it matters
`tpl` parses the string at render time: a broken string fails the whole release with
`error calling tpl`, and only when that value is used.

## Example
```yaml
keycloak:
  existingSecret: "{{ .Release.Name -keycloak-backend"
```

## Fix
Close the action: `"{{ .Release.Name }}-keycloak-backend"`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

/// Values paths of this chart that a template of the chart or of a subchart passes to `tpl`.
fn tpl_paths(chart: &Chart, depth: usize) -> BTreeSet<Vec<String>> {
    let mut out: BTreeSet<Vec<String>> = chart
        .value_reads()
        .tpl_paths()
        .map(<[String]>::to_vec)
        .collect();
    if depth > 16 {
        return out;
    }
    for sub in &chart.subcharts {
        let key = subchart_key(chart, sub);
        for p in tpl_paths(sub, depth + 1) {
            if p.first().map(String::as_str) == Some("global") {
                out.insert(p);
            } else {
                let mut q = vec![key.clone()];
                q.extend(p);
                out.insert(q);
            }
        }
    }
    out
}

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(values) = &chart.values else { return };
    let Some(root) = values.yaml.root() else {
        return;
    };
    // Only a string that does not parse can be reported, and most values hold none: the
    // `tpl` paths of the chart and its subcharts are looked for only when one does.
    let mut all = Vec::new();
    template_strings(root, &mut Vec::new(), &mut all);
    let broken: std::collections::HashSet<crate::source::Span> = all
        .iter()
        .filter(|(_, n)| {
            n.as_str()
                .is_some_and(|t| crate::template::parse(t, &ParseOptions::helm("tpl")).is_err())
        })
        .map(|(_, n)| n.span)
        .collect();
    if broken.is_empty() {
        return;
    }
    let mut strings = Vec::new();
    for path in tpl_paths(chart, 0) {
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        let Some(node) = root.get_path(&keys) else {
            continue;
        };
        template_strings(node, &mut path.clone(), &mut strings);
    }
    // One finding per string, even when several `tpl` calls reach it.
    let mut seen = std::collections::HashSet::new();
    for (path, node) in strings {
        if broken.contains(&node.span) && seen.insert(node.span) {
            check_string(values, &path, node, sink);
        }
    }
}

/// Strings holding `{{` at or below a node (`tpl (toYaml .Values.x)` parses them all), with
/// their paths.
fn template_strings<'n>(
    node: &'n Node,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, &'n Node)>,
) {
    use crate::yaml::NodeKind;
    if node.alias.is_some() {
        return;
    }
    match &node.kind {
        NodeKind::Scalar(_) => {
            if node.as_str().is_some_and(|t| t.contains("{{")) {
                out.push((path.clone(), node));
            }
        }
        NodeKind::Seq(items) => {
            for (i, n) in items.iter().enumerate() {
                let mut item = path.clone();
                if let Some(last) = item.last_mut() {
                    last.push_str(&format!("[{i}]"));
                }
                template_strings(n, &mut item, out);
            }
        }
        NodeKind::Map(_) => {
            for e in node.entries() {
                let Some(k) = e.key_str() else { continue };
                path.push(k.to_string());
                template_strings(&e.value, path, out);
                path.pop();
            }
        }
    }
}

fn check_string(values: &crate::chart::YamlDoc, path: &[String], node: &Node, sink: &mut Sink) {
    let Some(text) = node.as_str() else { return };
    let Err(e) = crate::template::parse(text, &ParseOptions::helm("tpl")) else {
        return;
    };
    let focus = e.focus();
    let file = &values.file;
    let (span, exact) = match text_start(&file.text, node, text) {
        Some(base) => (
            Span::new(base + focus.start as usize, base + focus.end as usize),
            true,
        ),
        None => (node.span, false),
    };
    let mut message = format!(
        "`{}` is rendered with `tpl` but does not parse: {}",
        path.join("."),
        e.message
    );
    if !exact {
        let before = text.get(..focus.start as usize).unwrap_or("");
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        message.push_str(&format!(" (at line {line}, column {col} of the string)"));
    }
    sink.report(&META, file, span, message)
        .label("template error")
        .help("fix the template syntax; to keep `{{` literally, write it as {{ \"{{\" }}");
}

/// The byte offset in the file where a scalar's text starts, when the text appears there
/// verbatim (plain scalars, and quoted ones without escapes or line folding).
fn text_start(src: &str, node: &Node, text: &str) -> Option<usize> {
    let s = node.as_scalar()?;
    let raw = src.get(node.span.range())?;
    let (inner, offset) = match s.style {
        Style::Plain => (raw, 0),
        Style::SingleQuoted | Style::DoubleQuoted => (raw.get(1..raw.len().checked_sub(1)?)?, 1),
        Style::Literal | Style::Folded => return None,
    };
    (inner == text).then_some(node.span.start as usize + offset)
}
