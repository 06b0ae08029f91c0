use crate::chart::Chart;
use crate::chart::docs::{Docs, Seg, read, subchart_keys};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::source::Span;
use crate::yaml::{Node, push_key};

pub static META: RuleMeta = RuleMeta {
    name: "docs/undocumented-key",
    severity: Severity::Warning,
    summary: "A value has no documentation in a chart that documents its values",
    doc: r#"## What it does
Decides which documentation convention a chart follows (a README values table, helm-docs
`# --` comments, Bitnami `## @param` comments) and how completely: only a chart that
documents at least 80% of its values (counted as helm-docs rows: scalars, lists, empty maps)
follows a "document everything" convention. In such a chart it reports each undocumented
subtree once, at its topmost key: a value is documented by itself, by a documented parent, or
by a documented path with wildcards or indices (`a[0].b`, `a.*`). `## @skip` exempts a key
and its children; the values of subcharts (under a dependency's name or alias) are
documented by the subchart. Charts that document nothing, or only a handful of keys, are left alone.

## Why it matters
In a chart whose users read the values table, an undocumented value is invisible: they cannot
know it exists, what it does or what it defaults to.

## Example
```yaml
# -- Number of pods.
replicaCount: 1
# -- Image to run.
image: {repository: nginx, tag: "1.27"}
# -- Pod labels.
podLabels: {}
# -- Service port.
port: 80
podAnnotations: {}   # no documentation
```

## Fix
Add a `# --` comment above the key (and regenerate the table), or a row to the README table.
"#,
};

pub const CHART: Option<ChartCheck> = Some(check);
pub const MANIFESTS: Option<ManifestCheck> = None;
/// Adding a row to the README table changes documentation only; its description is left empty to write.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Safe;

/// The share of values a chart must document to be held to documenting all of them.
const COMPLETE: f64 = 0.8;

/// Values counted as helm-docs rows below (and including) `node`.
fn rows(node: &Node) -> usize {
    match node.as_map() {
        Some(m) if !m.is_empty() && node.alias.is_none() => m.iter().map(|e| rows(&e.value)).sum(),
        _ => 1,
    }
}

struct Gap {
    path: String,
    span: Span,
    rows: usize,
}

#[derive(Default)]
struct Tally {
    total: usize,
    documented: usize,
    gaps: Vec<Gap>,
}

fn visit(
    docs: &Docs,
    skip: &[String],
    node: &Node,
    segs: &mut Vec<Seg>,
    path: &mut String,
    t: &mut Tally,
) {
    for e in node.entries() {
        let key = e.key_json_string();
        // Subchart values are documented by the subchart.
        if key == "<<" || (segs.is_empty() && skip.contains(&key)) {
            continue;
        }
        segs.push(Seg::Key(key.clone()));
        let len = path.len();
        push_key(path, &key);
        let n = rows(&e.value);
        let nested = e.value.as_map().is_some_and(|m| !m.is_empty()) && e.value.alias.is_none();
        let unquoted = docs.unquoted(path);
        if docs.covers(segs) || unquoted == Some(true) {
            t.total += n;
            t.documented += n;
        } else if docs.documents_below(segs) || unquoted == Some(false) {
            if nested {
                visit(docs, &[], &e.value, segs, path, t);
            } else {
                t.total += n;
                t.documented += n;
            }
        } else {
            t.total += n;
            t.gaps.push(Gap {
                path: path.clone(),
                span: e.key.span,
                rows: n,
            });
        }
        path.truncate(len);
        segs.pop();
    }
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let docs = read(chart);
    if !docs.any() {
        return;
    }
    let Some(values) = &chart.values else { return };
    let Some(root) = values.yaml.root() else {
        return;
    };
    let mut t = Tally::default();
    let subcharts = subchart_keys(chart);
    visit(
        docs,
        &subcharts,
        root,
        &mut Vec::new(),
        &mut String::new(),
        &mut t,
    );
    if t.total == 0 || (t.documented as f64) < COMPLETE * t.total as f64 {
        return;
    }
    for g in t.gaps {
        let message = if g.rows > 1 {
            format!(
                "`{}` and the {} values below it are not documented",
                g.path, g.rows
            )
        } else {
            format!("`{}` is not documented", g.path)
        };
        let d = sink.report(&META, &values.file, g.span, message);
        d.label("undocumented");
        if let Some(f) = crate::fix::docs::add_rows(docs, root, &g.path) {
            d.fix(f);
        }
        match &docs.readme {
            Some(readme) => d.help(format!(
                "add a `# --` comment above the key, or a row to the values table in {}",
                readme.display_path()
            )),
            None => d.help("add a `# --` comment above the key"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::*;

    fn documented(n: usize, undocumented: usize) -> String {
        let mut v = String::new();
        for i in 0..n {
            v.push_str(&format!("# -- Key {i}.\nk{i}: 1\n"));
        }
        for i in 0..undocumented {
            v.push_str(&format!("u{i}: 1\n"));
        }
        v
    }

    #[test]
    fn silent_when_a_chart_documents_only_a_few_keys() {
        let c = chart("web").values(&documented(2, 8)).build();
        assert!(run(CHART, &c).is_empty());
    }

    #[test]
    fn fires_once_per_undocumented_key_in_a_documented_chart() {
        let c = chart("web").values(&documented(9, 1)).build();
        assert_one(
            &run(CHART, &c),
            META.name,
            (19, 1),
            "`u0` is not documented",
        );
    }
}
