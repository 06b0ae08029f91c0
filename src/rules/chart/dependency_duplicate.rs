use crate::chart::Chart;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;
use std::collections::HashMap;

pub static META: RuleMeta = RuleMeta {
    name: "chart/dependency-duplicate",
    severity: Severity::Error,
    summary: "Two dependencies share a name or alias",
    doc: r#"## What it does
Reports a dependency whose effective name (its `alias`, or else its `name`) is already used by
an earlier dependency.

## Why it matters
Helm refuses to load the chart (`more than one dependency with name or alias "redis"`): both
subcharts would read and write the same values key and produce resources with the same names.

## Example
```yaml
dependencies:
  - name: redis
    version: 17.3.0
  - name: redis
    version: 18.0.0
```

## Fix
Remove one entry, or give each a distinct `alias` (`alias: cache`, `alias: sessions`).
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(m) = super::meta(chart) else {
        return;
    };
    let file = m.file();
    let mut seen: HashMap<&str, Span> = HashMap::new();
    for dep in m.dependencies() {
        let (_, name, alias) = super::dep_names(dep);
        let Some(effective) = alias.or(name) else {
            continue;
        };
        let node = if alias.is_some() {
            dep.get("alias")
        } else {
            dep.get("name")
        };
        let Some(node) = node else { continue };
        match seen.get(effective) {
            Some(first) => {
                sink.report(
                    &META,
                    file,
                    node.span,
                    format!("More than one dependency with name or alias `{effective}`"),
                )
                .label("repeated here")
                .related(file, *first, "first used here")
                .help("remove one entry, or give each a distinct `alias`");
            }
            None => {
                seen.insert(effective, node.span);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    #[test]
    fn fires_on_repeated_name_or_alias() {
        let text = "apiVersion: v2\ndependencies:\n  - name: redis\n    version: 1.0.0\n  - name: redis\n    version: 2.0.0\n";
        let d = run(CHART, &chart("web").chart_yaml(text).build());
        assert_one(&d, META.name, (5, 11), "`redis`");
        assert_eq!(d[0].labels.len(), 1);
        let text = "dependencies:\n  - name: a\n    alias: cache\n  - name: cache\n";
        assert_one(
            &run(CHART, &chart("web").chart_yaml(text).build()),
            META.name,
            (4, 11),
            "`cache`",
        );
    }

    #[test]
    fn silent_with_aliases() {
        let text = "dependencies:\n  - name: redis\n    alias: cache\n  - name: redis\n    alias: sessions\n";
        assert!(run(CHART, &chart("web").chart_yaml(text).build()).is_empty());
    }
}
