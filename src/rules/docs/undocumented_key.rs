use crate::chart::Chart;
use crate::chart::docs::read;
use crate::chart::values::all;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "docs/undocumented-key",
    severity: Severity::Warning,
    summary: "A value has no documentation in a chart that documents its values",
    doc: r#"## What it does
In a chart that documents its values (a README values table, helm-docs `# --` comments or
Bitnami `## @param` comments), reports every value that helm-docs would list as a row (scalars,
empty lists and maps) and that is not documented, neither itself nor through a documented
parent. `## @skip` exempts a key and its children. Charts that document nothing are left
alone.

## Why it matters
An undocumented value is invisible to users: they cannot know it exists, what it does or what
it defaults to.

## Example
```yaml
# -- Number of pods.
replicaCount: 1
podAnnotations: {}   # no documentation
```

## Fix
Add a `# --` comment above the key (and regenerate the table), or a row to the README table.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let docs = read(chart);
    if !docs.any() {
        return;
    }
    for v in all(chart) {
        if v.path.is_empty() {
            continue;
        }
        let leaf = match (v.node.as_map(), v.node.as_seq()) {
            (Some(m), _) => m.is_empty(),
            (_, Some(s)) => s.is_empty(),
            _ => true,
        };
        if !leaf || docs.covers(&v.path) {
            continue;
        }
        let span = v.key_span.unwrap_or(v.node.span);
        let d = sink.report(
            &META,
            v.file,
            span,
            format!("`{}` is not documented", v.path),
        );
        d.label("undocumented");
        match &docs.readme {
            Some(readme) => d.help(format!(
                "add a `# --` comment above the key, or a row to the values table in {}",
                readme.display_path()
            )),
            None => d.help("add a `# --` comment above the key"),
        };
    }
}
