use crate::chart::Chart;
use crate::chart::value_reads::ValueReads;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::File;
use crate::yaml::Node;
use std::collections::HashSet;

pub static META: RuleMeta = RuleMeta {
    name: "templates/values-unused",
    severity: Severity::Info,
    summary: "A value in values.yaml is not read by any template",
    doc: r#"## What it does
Reports keys of values.yaml that no template of the chart reads. A mapping none of whose
keys is read is reported once, at its key. Keys read as a whole count for everything below
them (`toYaml .Values.resources`, `range .Values.hosts`, `.Values.x` passed to a function),
and so do values read by `tpl` strings.

Nothing is reported for `global`, `tags`, `exports`, keys consumed by a subchart or a declared
dependency (its name or alias, from Chart.yaml or, for `apiVersion: v1` charts,
requirements.yaml), dependency conditions, library charts, charts without
templates or whose templates read no values, charts with a template that does not parse, and
charts that use `.Values` in a way that cannot be followed (`index .Values $key`,
`toYaml .Values`).

## Why it matters
An unused value is a setting that does nothing: users change it and nothing happens. It is
often a leftover of a removed template or a typo on the template side.

## Example
```yaml
# values.yaml
ingress:
  enabled: false
  hosts: [chart-example.local]
# ...but no template reads .Values.ingress
```

## Fix
Remove the value, or use it in a template; if another chart reads it through this one,
suppress the finding with a comment that says so.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    if chart.templates.is_empty() || crate::rules::chart::is_library(chart) {
        return;
    }
    let Some(values) = &chart.values else { return };
    let Some(root) = values.yaml.root() else {
        return;
    };
    let reads = chart.value_reads();
    if !reads.complete || reads.dynamic() || (reads.reads.is_empty() && reads.loose.is_empty()) {
        return;
    }
    let mut skip: HashSet<String> = ["global", "tags", "exports"]
        .into_iter()
        .map(String::from)
        .collect();
    let mut conditions: Vec<Vec<String>> = Vec::new();
    // Dependencies from Chart.yaml, or requirements.yaml for `apiVersion: v1` charts.
    for d in chart.dependencies() {
        skip.insert(d.name.to_string());
        if let Some(a) = d.alias {
            skip.insert(a.to_string());
        }
        if let Some(c) = d.node.get("condition").and_then(|c| c.as_str()) {
            conditions.extend(
                c.split(',')
                    .map(|p| p.trim().split('.').map(String::from).collect()),
            );
        }
    }
    for sub in &chart.subcharts {
        skip.insert(sub.name().to_string());
    }
    let w = Walk {
        reads,
        conditions,
        file: &values.file,
    };
    for e in root.entries() {
        let Some(k) = e.key_str() else { continue };
        if skip.contains(k) {
            continue;
        }
        let mut path = vec![k.to_string()];
        if !w.visit(&e.key, &e.value, &mut path, sink) {
            w.report(&e.key, &e.value, &path, sink);
        }
    }
}

struct Walk<'a> {
    reads: &'a ValueReads,
    conditions: Vec<Vec<String>>,
    file: &'a File,
}

impl Walk<'_> {
    /// Reports unread leaves below `node`; returns whether anything at or below it is read.
    /// A mapping with nothing read is left to the caller, to report once.
    fn visit(&self, key: &Node, node: &Node, path: &mut Vec<String>, sink: &mut Sink) -> bool {
        if node.alias.is_some() {
            return true;
        }
        // One lookup answers both questions (a condition is never read whole).
        let (whole, read) = self.reads.read_whole_and_read(path);
        let read = read || self.conditions.iter().any(|c| c.starts_with(path));
        if whole || node.entries().next().is_none() || !read {
            return read;
        }
        let _ = key;
        for e in node.entries() {
            let Some(k) = e.key_str() else { continue };
            path.push(k.to_string());
            if !self.visit(&e.key, &e.value, path, sink) {
                self.report(&e.key, &e.value, path, sink);
            }
            path.pop();
        }
        true
    }

    fn report(&self, key: &Node, node: &Node, path: &[String], sink: &mut Sink) {
        let shown = path.join(".");
        let message = if node.entries().next().is_some() {
            format!("`{shown}` and everything below it is not read by any template")
        } else {
            format!("`{shown}` is not read by any template")
        };
        sink.report(&META, self.file, key.span, message)
            .label("unused value")
            .help("remove it, or read it in a template; a value used only by another chart can be suppressed here with a comment saying so");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::chart::test_support::*;

    #[test]
    fn requirements_yaml_dependencies_consume_their_values() {
        let c = chart("web")
            .chart_yaml("apiVersion: v1\nname: web\nversion: 1.0.0\n")
            .requirements("dependencies:\n  - name: postgresql\n    version: 8.x\n    repository: https://charts.example.com\n    condition: postgresql.enabled\n  - name: redis\n    alias: cache\n    version: 10.x\n")
            .values("image: nginx\nleftover: 1\npostgresql:\n  enabled: true\n  auth: {}\ncache:\n  size: 1\n")
            .template("cm.yaml", "image: {{ .Values.image }}\n")
            .build();
        let d = run(super::CHART, &c);
        assert_one(&d, super::META.name, (2, 1), "`leftover` is not read");
    }
}
