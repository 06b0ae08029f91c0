use crate::chart::Chart;
use crate::chart::docs::{Seg, exists, path_exists, pattern, read, subchart_keys};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::{ChartCheck, Ctx, ManifestCheck};
use crate::yaml::Node;

pub static META: RuleMeta = RuleMeta {
    name: "docs/stale-key",
    severity: Severity::Warning,
    summary: "The documentation describes a value that values.yaml does not have",
    doc: r#"## What it does
Reports a README values-table row (helm-docs, Bitnami or a hand-written
`Parameter | Description | Default` table), or a Bitnami `## @param` comment, whose key does not exist
in values.yaml, with the closest existing key as a suggestion. A documented key is not stale
when:
- it, or the part of it before a wildcard or index (`a[0].b`, `a[*].b`, `a.*`), exists;
- it sits below a value that values.yaml leaves open (`null`, `{}`, `[]`): the docs describe
  a setting users add there;
- values.yaml shows it as a commented-out example (`# fsGroup: 1000`);
- the templates read it (an optional setting without a default), or it sits below a value
  they consume whole;
- it is the tail of an existing key (a table under a component's heading that names keys
  relative to the component: `enabled` for `frontend.enabled`);
- it belongs to a subchart (its first segment names a dependency or an alias);
- it is a Bitnami `## @extra`, which documents a key values.yaml does not set on purpose, or a
  `## @param` named relative to its block in a chart that names its params that way.

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
/// Removing a README row deletes a description that may belong to a renamed key.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

/// Whether values.yaml leaves the place of `segs` open: the path runs into `null`, an empty
/// map or a list before it ends.
fn open(node: &Node, segs: &[Seg]) -> bool {
    let Some((first, rest)) = segs.split_first() else {
        return false;
    };
    if node.is_null() || node.as_seq().is_some() || node.as_map().is_some_and(<[_]>::is_empty) {
        return true;
    }
    match first {
        Seg::Key(k) => node.entry_json(k).is_some_and(|e| open(&e.value, rest)),
        Seg::Any => node.entries().any(|e| open(&e.value, rest)),
        Seg::Index(_) => false,
    }
}

fn check(chart: &Chart, _: &Ctx, sink: &mut Sink) {
    let Some(values) = &chart.values else { return };
    let Some(root) = values.yaml.root() else {
        return;
    };
    let docs = read(chart);
    if !docs.any() {
        return;
    }
    let subcharts = subchart_keys(chart);
    let reads = chart.value_reads();
    let extras: Vec<Vec<Seg>> = docs
        .comments
        .iter()
        .filter(|c| c.extra)
        .filter_map(|c| pattern(&c.key))
        .collect();
    let mut paths: Vec<&str> = Vec::new();
    crate::chart::values::each_written(chart, &mut |v| {
        if !v.path.is_empty() {
            paths.push(v.path);
        }
    });
    let keys_only = |segs: Vec<Seg>| -> Vec<Seg> {
        segs.into_iter()
            .filter(|s| matches!(s, Seg::Key(_)))
            .collect()
    };
    // Paths with quoted keys (`a."b.c"`), as written without the quotes.
    let unquoted: crate::FastSet<String> = paths
        .iter()
        .filter(|p| p.contains('"'))
        .map(|p| p.replace('"', ""))
        .collect();
    // Built only once a documented key is not found (most charts have none).
    let all_segs: std::cell::OnceCell<Vec<Vec<Seg>>> = std::cell::OnceCell::new();
    let mut report = |key: &str, file: &crate::source::File, span| {
        // Most documented keys exist: that is found without building their segments.
        if path_exists(root, key) {
            return;
        }
        let Some(segs) = pattern(key) else { return };
        if exists(root, &segs) || open(root, &segs) || extras.contains(&segs) {
            return;
        }
        // `a.b.c` written without the quotes of `a."b.c"`.
        if unquoted.contains(key) {
            return;
        }
        // A table under a component's heading names keys relative to that component
        // (`enabled` for `frontend.enabled`).
        let tail = keys_only(segs.clone());
        if !tail.is_empty()
            && all_segs
                .get_or_init(|| {
                    paths
                        .iter()
                        .filter_map(|p| pattern(p))
                        .map(keys_only)
                        .collect()
                })
                .iter()
                .any(|p| p.len() > tail.len() && p.ends_with(&tail))
        {
            return;
        }
        // A key the templates read (or that sits below a value they consume whole) is an
        // optional setting without a default, not a stale one.
        if segs.iter().all(|s| matches!(s, Seg::Key(_))) {
            let keys: Vec<String> = segs
                .iter()
                .filter_map(|s| match s {
                    Seg::Key(k) => Some(k.clone()),
                    _ => None,
                })
                .collect();
            let covers = |p: &[String], whole: bool| {
                !p.is_empty() && ((whole && keys.starts_with(p)) || p.starts_with(&keys))
            };
            if reads.reads.iter().any(|r| covers(&r.path, r.whole))
                || reads.loose.iter().any(|p| covers(p, true))
            {
                return;
            }
        }
        if let Some(Seg::Key(first)) = segs.first()
            && subcharts.iter().any(|s| s == first)
        {
            return;
        }
        if let Some(Seg::Key(last)) = segs.iter().rev().find(|s| matches!(s, Seg::Key(_)))
            && docs.commented_keys().contains(last)
        {
            return;
        }
        let d = sink.report(
            &META,
            file,
            span,
            format!("`{key}` is documented but values.yaml has no such key"),
        );
        d.label("no such value");
        if let Some(f) = crate::fix::docs::remove_row(file, span) {
            d.fix(f);
        }
        match crate::suggest::closest(key, paths.iter().copied()) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("remove the documentation or add the key to values.yaml"),
        };
    };
    if let Some(readme) = &docs.readme {
        let params: crate::FastSet<&str> = docs
            .comments
            .iter()
            .filter(|c| c.param)
            .map(|c| c.key.as_str())
            .collect();
        for row in docs.rows() {
            // A key documented by a `## @param` too is reported once, at the comment.
            if params.contains(row.key) {
                continue;
            }
            report(row.key, readme, row.key_span);
        }
    }
    for c in docs.comments.iter().filter(|c| c.param) {
        if c.unresolved && docs.relative_params {
            continue;
        }
        report(&c.key, &values.file, c.span);
    }
}
