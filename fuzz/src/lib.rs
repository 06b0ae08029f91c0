//! Shared by the fuzz targets: turning fuzz bytes into an in-memory chart and linting it.

use plimsoll::config::Config;
use plimsoll::diagnostic::Diagnostic;
use std::path::Path;

/// A well-formed Chart.yaml for targets that fuzz another file.
pub const CHART: &str = "apiVersion: v2\nname: demo\ndescription: A chart\ntype: application\nversion: 1.0.0\nappVersion: \"1.0\"\nicon: https://example.com/icon.svg\n";

/// A small values.yaml for targets that fuzz another file.
pub const VALUES: &str =
    "replicaCount: 1\nimage:\n  repository: nginx\n  tag: \"1.25\"\nservice:\n  port: 80\n";

/// A template reading the values above.
pub const TEMPLATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  port: {{ .Values.service.port | quote }}\n";

/// Splits fuzz bytes into at most `n` sections separated by NUL bytes.
pub fn sections(data: &[u8], n: usize) -> Vec<&[u8]> {
    data.splitn(n, |b| *b == 0).collect()
}

/// Lints a chart made of `files` (chart-relative path, content) with the default config.
pub fn lint(files: Vec<(String, Vec<u8>)>) -> Vec<Diagnostic> {
    let (_, diags) =
        plimsoll::lint::lint_chart_in_memory(Path::new("/fuzz/demo"), files, &Config::default());
    report(&diags);
    diags
}

/// Renders findings in every output format (the reports must not panic either).
pub fn report(diags: &[Diagnostic]) {
    use plimsoll::report::{Format, ReportOptions, render};
    for format in [
        Format::Human,
        Format::Compact,
        Format::Github,
        Format::Json,
        Format::Sarif,
        Format::Junit,
    ] {
        for color in [false, true] {
            if color && format != Format::Human {
                continue;
            }
            let mut out = Vec::new();
            render(
                format,
                diags,
                &mut out,
                &ReportOptions {
                    color,
                    ..Default::default()
                },
            )
            .expect("writes to memory");
        }
    }
}

/// `(path, content)` pairs from names and texts.
pub fn files(list: &[(&str, &[u8])]) -> Vec<(String, Vec<u8>)> {
    list.iter()
        .map(|(n, b)| (n.to_string(), b.to_vec()))
        .collect()
}
