use crate::FastMap;
use crate::chart::Chart;
use crate::chart::templates::tree;
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::File;
use crate::template::Define;

pub static META: RuleMeta = RuleMeta {
    name: "templates/duplicate-define",
    severity: Severity::Warning,
    summary: "Two files define a template with the same name",
    doc: r#"## What it does
Reports a `define` whose name is also defined in another file of the chart or of its
subcharts, with different content. Helm loads every template of the chart tree into one set;
of two definitions, the one loaded last wins silently (subcharts load before their parent,
and within a folder `_b.tpl` loads before `_a.tpl`). The finding sits on the definition Helm
ignores and points at the one it uses. `block` defaults meant to be overridden, empty
definitions and identical copies (a library chart vendored twice) are not reported.

## Why it matters
Every `include` of that name renders the surviving definition, so one chart's names or labels
change when another chart is added: the classic case is two charts both defining `fullname`.

## Example
```yaml
# templates/_helpers.tpl
{{- define "fullname" -}}{{ .Release.Name }}-web{{- end -}}
# charts/cache/templates/_helpers.tpl
{{- define "fullname" -}}{{ .Release.Name }}-cache{{- end -}}
```

## Fix
Prefix every named template with its chart's name (`web.fullname`, `cache.fullname`), or
remove the copy that is not meant to be used.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check_chart);
pub const MANIFESTS: Option<ManifestCheck> = None;

struct Def<'a> {
    file: &'a File,
    /// The template's name is `{prefix}/templates/{rel}` (built only for a message).
    prefix: &'a str,
    rel: &'a str,
    define: &'a Define,
}

impl Def<'_> {
    fn name(&self) -> String {
        format!("{}/templates/{}", self.prefix, self.rel)
    }

    /// The bytes of [`Def::name`], without building it.
    fn name_bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.prefix
            .bytes()
            .chain(*b"/templates/")
            .chain(self.rel.bytes())
    }

    /// Helm's load order of two definitions' files (as [`crate::chart::templates::load_order_key`] of their names).
    fn load_order(&self, other: &Def) -> std::cmp::Ordering {
        let slashes = |d: &Def| d.prefix.matches('/').count() + 2 + d.rel.matches('/').count();
        slashes(other)
            .cmp(&slashes(self))
            .then_with(|| other.name_bytes().cmp(self.name_bytes()))
    }

    /// The definition's body, trimmed.
    fn body(&self) -> &str {
        self.file
            .text
            .get(self.define.body.span.range())
            .unwrap_or("")
            .trim()
    }
}

/// The templates of the whole chart tree form one set, so the check runs once, from the top.
fn check_chart(chart: &Chart, ctx: &Ctx, sink: &mut Sink) {
    if ctx.parent.is_some() {
        return;
    }
    let charts = tree(chart);
    let mut by_name: FastMap<&str, Vec<Def>> = FastMap::default();
    for (prefix, c) in &charts {
        for t in c.parsed_templates() {
            let Ok(tree) = &t.tree else { continue };
            for d in &tree.defines {
                by_name.entry(d.name.as_str()).or_default().push(Def {
                    file: &t.file,
                    prefix,
                    rel: &t.rel,
                    define: d,
                });
            }
        }
    }
    // Names defined more than once, in name order.
    let mut by_name: Vec<(&str, Vec<Def>)> = by_name
        .into_iter()
        .filter(|(_, defs)| defs.len() >= 2)
        .collect();
    by_name.sort_unstable_by_key(|(name, _)| *name);
    for (name, mut defs) in by_name {
        // A block is a default meant to be overridden; empty definitions never replace.
        if defs.iter().any(|d| d.define.is_block) {
            continue;
        }
        defs.retain(|d| !d.define.body.is_empty_tree(&d.file.text));
        defs.sort_by(|a, b| a.load_order(b));
        let Some(winner) = defs.last() else { continue };
        let win_body = winner.body();
        for d in &defs[..defs.len() - 1] {
            if std::ptr::eq(d.file.as_ref(), winner.file.as_ref()) || d.body() == win_body {
                continue;
            }
            sink.report(
                &META,
                d.file,
                d.define.name_span,
                format!(
                    "Template \"{name}\" is also defined in {}; Helm uses that definition and ignores this one",
                    winner.name()
                ),
            )
            .label("ignored definition")
            .related(winner.file, winner.define.name_span, "the definition Helm uses")
            .help("give each chart's named templates a prefix of its own (`<chart>.name`), or remove the unused copy");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Def;
    use crate::chart::templates::load_order_key;

    #[test]
    fn load_order_without_names_is_the_order_of_their_keys() {
        let file = crate::source::SourceFile::new("t.tpl", String::new());
        let tree = crate::template::parse(
            "{{ define \"x\" }}{{ end }}",
            &crate::template::ParseOptions::helm("t"),
        )
        .expect("parses");
        let places = [
            ("web", "_helpers.tpl"),
            ("web", "_a.tpl"),
            ("web", "sub/_b.tpl"),
            ("web/charts/common", "_helpers.tpl"),
            ("web/charts/common", "_labels.tpl"),
            ("web/charts/db", "x/y/_z.tpl"),
            ("webapp", "_a.tpl"),
            ("we", "b/_a.tpl"),
        ];
        let defs: Vec<Def> = places
            .iter()
            .map(|(prefix, rel)| Def {
                file: &file,
                prefix,
                rel,
                define: &tree.defines[0],
            })
            .collect();
        for a in &defs {
            for b in &defs {
                assert_eq!(
                    a.load_order(b),
                    load_order_key(&a.name()).cmp(&load_order_key(&b.name())),
                    "{} {}",
                    a.name(),
                    b.name()
                );
            }
        }
    }
}
