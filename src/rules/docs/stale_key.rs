use crate::chart::Chart;
use crate::chart::docs::{read, resolve};
use crate::chart::values::all;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "docs/stale-key",
    severity: Severity::Warning,
    summary: "The documentation describes a value that values.yaml does not have",
    doc: r#"## What it does
Reports a README values-table row, or a Bitnami `## @param` comment, whose key does not exist
in values.yaml, with the closest existing key as a suggestion.

## Why it matters
Users set the documented key, Helm ignores it silently, and the setting they wanted never
takes effect (a renamed key is the usual cause).

## Example
```markdown
| Key | Type | Default | Description |
|-----|------|---------|-------------|
| image.pullPolicy | string | `"IfNotPresent"` | |
| image.registery | string | `"docker.io"` | |
```

## Fix
Remove the row, or correct its key to the one values.yaml has.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(values) = &chart.values else { return };
    let Some(root) = values.yaml.root() else {
        return;
    };
    let docs = read(chart);
    if !docs.any() {
        return;
    }
    let paths: Vec<String> = all(chart)
        .into_iter()
        .map(|v| v.path)
        .filter(|p| !p.is_empty())
        .collect();
    let mut report = |key: &str, file: &crate::source::File, span| {
        if resolve(root, key).is_some() {
            return;
        }
        let d = sink.report(
            &META,
            file,
            span,
            format!("`{key}` is documented but values.yaml has no such key"),
        );
        d.label("no such value");
        match crate::suggest::closest(key, paths.iter().map(String::as_str)) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("remove the documentation or add the key to values.yaml"),
        };
    };
    if let Some(readme) = &docs.readme {
        for row in &docs.rows {
            report(&row.key, readme, row.key_span);
        }
    }
    for c in docs.comments.iter().filter(|c| c.param) {
        report(&c.key, &values.file, c.span);
    }
}
