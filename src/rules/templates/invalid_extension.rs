use crate::chart::Chart;
use crate::chart::templates::{extension, has_template_extension, rel_path};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "templates/invalid-extension",
    severity: Severity::Error,
    summary: "A file under templates/ has an extension Helm does not accept",
    doc: r#"## What it does
Reports files under `templates/` whose extension is not `.yaml`, `.yml`, `.tpl` or `.txt`
(`NOTES.txt` is fine), as `helm lint` does. Helm 3 compares extensions exactly, so `.YAML`
is refused too.

## Why it matters
`helm lint` fails the chart with "file extension '.json' not valid", and Helm still renders the
file as a template: a JSON or shell file is sent to the cluster as a manifest, or breaks the
render. Files the chart only ships belong elsewhere (read with `.Files`), or in `.helmignore`.

## Example
```text
templates/
  deployment.yaml
  dashboard.json      # not a template
```

## Fix
Rename the file to `.yaml` or `.tpl`, or move it out of `templates/` (for example to
`files/`, read with `.Files.Get`), or list it in `.helmignore`.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

fn check_chart(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    for file in &chart.templates {
        let rel = rel_path(chart, file);
        if has_template_extension(&rel) {
            continue;
        }
        let ext = extension(&rel);
        let shown = if ext.is_empty() {
            "no extension".to_string()
        } else {
            format!("extension '.{ext}'")
        };
        let d = sink.report_file(
            &META,
            file,
            format!(
                "`templates/{rel}` has {shown}; valid extensions are .yaml, .yml, .tpl, or .txt"
            ),
        );
        let lower = ext.to_ascii_lowercase();
        if crate::chart::templates::TEMPLATE_EXTENSIONS.contains(&lower.as_str()) {
            d.help(format!(
                "Helm compares extensions exactly: rename it to `.{lower}`"
            ));
        } else {
            d.help("rename it to .yaml or .tpl, move it out of templates/ (read it with .Files), or list it in .helmignore");
        }
    }
}
