//! A chart's templates parsed once per run, shared by every template rule.
//!
//! Helm parses every file under `templates/` with Go's `text/template` and its function map;
//! files whose name starts with `_` are partials (parsed, never rendered). Here each `.yaml`,
//! `.yml`, `.tpl` and `.txt` file is parsed once, without the function check (unknown functions
//! are reported by `templates/unknown-function` at the function's name, and the rest of the
//! file is still analysed), and the trees are cached on the [`Chart`].

use super::Chart;
use crate::source::File;
use crate::template::{FuncCall, FuncSet, ParseError, ParseOptions, Template, TemplateRef};
use std::sync::OnceLock;

/// Extensions Helm accepts for files under `templates/` (`helm lint`: "file extension … not
/// valid").
pub const TEMPLATE_EXTENSIONS: &[&str] = &["yaml", "yml", "tpl", "txt"];

/// One file under `templates/`, parsed.
#[derive(Debug)]
pub struct ParsedTemplate {
    pub file: File,
    /// The path below `templates/`, with `/` separators: `deployment.yaml`, `_helpers.tpl`.
    pub rel: String,
    /// The name Helm gives the template: `<chart>/templates/<rel>`.
    pub name: String,
    /// The file name starts with `_`: parsed, not rendered.
    pub partial: bool,
    /// Shared with the renderer, which executes the same tree (see [`ParsedTemplate::helm_tree`]).
    pub tree: Result<std::sync::Arc<Template>, ParseError>,
}

impl ParsedTemplate {
    /// Every function identifier of the tree, in walk order (none when it did not parse).
    pub fn function_calls(&self) -> &[FuncCall] {
        self.tree.as_ref().map_or(&[], |t| t.calls())
    }

    /// The tree's `template` and `block` references and `include` calls with a literal name
    /// (none when it did not parse).
    pub fn include_refs(&self) -> &[TemplateRef] {
        self.tree.as_ref().map_or(&[], |t| t.include_refs())
    }

    /// The tree as Helm's parser builds it, when it is that tree: it parsed, and every
    /// function it calls is one Helm defines (Helm's parser refuses any other, so the renderer
    /// parses such a file itself for Helm's error). A file starting with a byte order mark is
    /// rendered without it, at other offsets, so it is parsed again too.
    pub fn helm_tree(&self) -> Option<std::sync::Arc<Template>> {
        let tree = self.tree.as_ref().ok()?;
        if self.file.text.starts_with('\u{feff}') {
            return None;
        }
        // Answered once per tree, which repeated files share.
        tree.calls_only_helm_functions().then(|| tree.clone())
    }
}

/// Lazily computed analyses of a chart's templates (one per chart and run).
#[derive(Debug, Default)]
pub struct TemplateCache {
    parsed: OnceLock<Vec<ParsedTemplate>>,
    reads: OnceLock<super::value_reads::ValueReads>,
}

/// The path of a template file below the chart's `templates/` folder.
pub fn rel_path(chart: &Chart, file: &File) -> String {
    let base = chart.root.join("templates");
    let rel = file
        .path
        .strip_prefix(&base)
        .map(|p| p.to_path_buf())
        .unwrap_or_else(|_| file.path.file_name().map(Into::into).unwrap_or_default());
    rel.to_string_lossy().replace('\\', "/")
}

/// The extension of a file name, without the dot (`""` when there is none).
pub fn extension(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match name.rfind('.') {
        Some(i) if i > 0 => &name[i + 1..],
        _ => "",
    }
}

/// Whether Helm lint accepts the extension (it compares exactly, so `.YAML` is refused).
pub fn has_template_extension(rel: &str) -> bool {
    TEMPLATE_EXTENSIONS.contains(&extension(rel))
}

/// Parse options as Helm uses them, without the function check.
pub fn parse_options(name: &str) -> ParseOptions<'_> {
    ParseOptions {
        check_functions: false,
        ..ParseOptions::new(name, FuncSet::helm())
    }
}

impl Chart {
    /// Every template file with a template extension, parsed (once per chart).
    pub fn parsed_templates(&self) -> &[ParsedTemplate] {
        self.template_cache.parsed.get_or_init(|| {
            let chart_name = self.name().to_string();
            self.templates
                .iter()
                .filter_map(|file| {
                    let rel = rel_path(self, file);
                    if !has_template_extension(&rel) {
                        return None;
                    }
                    let name = format!("{chart_name}/templates/{rel}");
                    let partial = rel.rsplit('/').next().is_some_and(|n| n.starts_with('_'));
                    let tree = crate::incremental::parse_template(
                        &name,
                        &file.text,
                        self.vendored,
                        || {
                            crate::template::parse(&file.text, &parse_options(&name))
                                .map(std::sync::Arc::new)
                        },
                    );
                    Some(ParsedTemplate {
                        file: file.clone(),
                        rel,
                        name,
                        partial,
                        tree,
                    })
                })
                .collect()
        })
    }

    /// Whether every template parsed (analyses that need every read stay silent otherwise).
    pub fn templates_all_parsed(&self) -> bool {
        self.parsed_templates().iter().all(|t| t.tree.is_ok())
    }

    /// Which `.Values` paths the templates read (once per chart).
    pub fn value_reads(&self) -> &super::value_reads::ValueReads {
        self.template_cache
            .reads
            .get_or_init(|| super::value_reads::analyse(self))
    }
}

/// A chart and the charts below it, with the name Helm gives each one's template folder
/// (`parent/charts/sub`), depth first.
pub fn tree(chart: &Chart) -> Vec<(String, &Chart)> {
    fn go<'a>(prefix: String, c: &'a Chart, depth: usize, out: &mut Vec<(String, &'a Chart)>) {
        out.push((prefix.clone(), c));
        if depth > 32 {
            return;
        }
        for sub in &c.subcharts {
            go(
                format!("{prefix}/charts/{}", sub.name()),
                sub,
                depth + 1,
                out,
            );
        }
    }
    let mut out = Vec::new();
    go(chart.name().to_string(), chart, 0, &mut out);
    out
}

/// Helm's load order for a set of template names: deeper paths first, then reverse
/// alphabetical; a later `define` replaces an earlier one of the same name. Returns the sort
/// key: a template with a greater key is loaded later.
pub fn load_order_key(name: &str) -> (std::cmp::Reverse<usize>, std::cmp::Reverse<String>) {
    (
        std::cmp::Reverse(name.matches('/').count()),
        std::cmp::Reverse(name.to_string()),
    )
}

/// Whether any template file of the chart creates a `kind: Secret` named `name` (a text
/// check: the file has `kind: Secret` and `name: <name>`, quoted or not).
pub fn creates_secret(chart: &Chart, name: &str) -> bool {
    chart.templates.iter().any(|f| {
        let text = &f.text;
        let has_kind = text.lines().any(|l| {
            let l = l.trim();
            l == "kind: Secret" || l == "kind: \"Secret\"" || l == "kind: 'Secret'"
        });
        has_kind
            && text.lines().any(|l| {
                let l = l.trim().trim_start_matches("- ");
                l.strip_prefix("name:")
                    .map(|v| v.trim().trim_matches(['"', '\'']))
                    == Some(name)
            })
    })
}

/// A Secret the chart expects to exist outside it: a non-empty literal value that names a
/// Secret (see [`super::values::secret_refs`]) and that no template of the chart creates.
pub struct ExternalSecret<'a> {
    pub name: &'a str,
    pub value: super::values::ValueAt<'a>,
}

/// The Secrets a chart expects to exist outside it, for checks against other manifests.
pub fn external_secrets(chart: &Chart) -> Vec<ExternalSecret<'_>> {
    super::values::secret_refs(chart)
        .into_iter()
        .filter_map(|v| {
            let name = v.node.as_str()?;
            if name.is_empty() || super::values::is_template(name) || creates_secret(chart, name) {
                return None;
            }
            Some(ExternalSecret { name, value: v })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::chart;

    #[test]
    fn parses_each_template_once_and_skips_other_extensions() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
            .template("a.yaml", "{{ .Values.x }}")
            .template("_h.tpl", "{{ define \"x\" }}{{ end }}")
            .template("bad.yaml", "{{ if }}")
            .template("notes.md", "{{")
            .build();
        let p = c.parsed_templates();
        assert_eq!(p.len(), 3);
        assert!(std::ptr::eq(p, c.parsed_templates()));
        assert!(p.iter().any(|t| t.rel == "_h.tpl" && t.partial));
        assert!(p.iter().any(|t| t.rel == "bad.yaml" && t.tree.is_err()));
        assert_eq!(p[0].name, "web/templates/a.yaml");
        assert!(!c.templates_all_parsed());
    }

    #[test]
    fn extensions() {
        assert!(has_template_extension("x.yaml"));
        assert!(has_template_extension("sub/NOTES.txt"));
        assert!(!has_template_extension("x.YAML"));
        assert!(!has_template_extension("x.json"));
        assert!(!has_template_extension("Makefile"));
        assert_eq!(extension(".hidden"), "");
    }

    #[test]
    fn load_order_puts_the_parent_last() {
        let mut names = vec![
            "p/templates/_b.tpl",
            "p/charts/s/templates/_a.tpl",
            "p/templates/_a.tpl",
        ];
        names.sort_by_key(|n| load_order_key(n));
        assert_eq!(
            names,
            [
                "p/charts/s/templates/_a.tpl",
                "p/templates/_b.tpl",
                "p/templates/_a.tpl"
            ]
        );
    }

    #[test]
    fn external_secrets_exclude_created_and_empty_ones() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
            .values("existingSecret: creds\ntls:\n  secretName: made-here\nother:\n  secretName: \"\"\n")
            .template(
                "secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: made-here\n",
            )
            .build();
        let names: Vec<&str> = external_secrets(&c).iter().map(|s| s.name).collect();
        assert_eq!(names, ["creds"]);
    }
}
