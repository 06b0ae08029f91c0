//! Walking a chart's values: every value with its dotted path and the key that holds it.

use super::Chart;
use crate::source::{File, Span};
use crate::yaml::{Entry, Node, NodeKind, walk};

/// One value in values.yaml.
pub struct ValueAt<'a> {
    pub file: &'a File,
    /// helm-docs style path: `image.tag`, `ingress.hosts[0]`.
    pub path: &'a str,
    /// The mapping entry that holds the value (`None` for list items and the root).
    pub entry: Option<&'a Entry>,
    /// The key that holds the value (`None` for list items and the root).
    pub key: Option<&'a str>,
    pub key_span: Option<Span>,
    pub node: &'a Node,
}

/// Every value of the chart's values.yaml, depth first, in file order.
pub fn all(chart: &Chart) -> Vec<ValueAt<'_>> {
    let mut out = Vec::with_capacity(chart.values_paths.get().map_or(0, Vec::len));
    each_written(chart, &mut |v| out.push(v));
    out
}

/// [`all`] without collecting: each value written in values.yaml, in the same order.
pub fn each_written<'a>(chart: &'a Chart, f: &mut dyn FnMut(ValueAt<'a>)) {
    let Some(values) = &chart.values else {
        return;
    };
    if values.yaml.root().is_none() {
        return;
    }
    // Values copied in by an alias or merge key are reported where they were written. The walk
    // is depth first, so a copied subtree's nodes follow its alias node and lie inside the span
    // it copies (or inside a nested alias's span): a stack of those spans, popped as soon as a
    // node lies outside the top one, tells copies from written values in constant time.
    let mut copied: Vec<Span> = Vec::new();
    each_node(chart, &mut |path, entry, node| {
        let inside = |c: &Span| c.start <= node.span.start && node.span.end <= c.end;
        while copied.last().is_some_and(|c| !inside(c)) {
            copied.pop();
        }
        if node.alias.is_some() {
            copied.push(node.span);
        }
        if !copied.is_empty() {
            return;
        }
        f(ValueAt {
            file: &values.file,
            path,
            entry,
            key: entry.and_then(|e| e.key_str()),
            key_span: entry.map(|e| e.key.span),
            node,
        });
    });
}

/// Every node of values.yaml with its dotted path (as [`walk`] gives them, copies by aliases
/// included). The paths are built once per chart; each call walks the nodes again, in the
/// same order, and borrows them.
pub fn each_node<'a>(chart: &'a Chart, f: &mut dyn FnMut(&'a str, Option<&'a Entry>, &'a Node)) {
    let Some(root) = chart.values.as_ref().and_then(|v| v.yaml.root()) else {
        return;
    };
    let paths = chart.values_paths.get_or_init(|| {
        let mut paths = Vec::new();
        walk(root, &mut |path, _, _| paths.push(path.to_string()));
        paths
    });
    let mut i = 0;
    walk_nodes(root, None, &mut |entry, node| {
        let path = paths.get(i).map_or("", String::as_str);
        i += 1;
        f(path, entry, node);
    });
}

/// [`walk`] without the paths: the same nodes in the same order.
fn walk_nodes<'a>(
    node: &'a Node,
    entry: Option<&'a Entry>,
    f: &mut dyn FnMut(Option<&'a Entry>, &'a Node),
) {
    f(entry, node);
    match &node.kind {
        NodeKind::Map(_) => {
            for e in node.entries() {
                walk_nodes(&e.value, Some(e), f);
            }
        }
        NodeKind::Seq(items) => {
            for item in items {
                walk_nodes(item, None, f);
            }
        }
        NodeKind::Scalar(_) => {}
    }
}

/// Whether a string is a `tpl` template rather than a literal (it holds an action).
pub fn is_template(text: &str) -> bool {
    text.contains("{{")
}

/// Lower-cased key without `-` and `_`, for matching key names loosely.
pub fn norm(key: &str) -> String {
    key.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Values that name a Secret: `existingSecret`, `secretName`, `*SecretName`, the `name` of a
/// `secretRef`/`secretKeyRef`, and image pull secrets (strings or `{name: …}` entries).
pub fn secret_refs(chart: &Chart) -> Vec<ValueAt<'_>> {
    let all = all(chart);
    let mut out = Vec::new();
    for v in all {
        let Some(key) = v.key else {
            // list items of imagePullSecrets / pullSecrets written as strings
            if v.node.as_str().is_some() && in_pull_secrets(v.path) {
                out.push(v);
            }
            continue;
        };
        if v.node.as_str().is_none() {
            continue;
        }
        let k = norm(key);
        let parent = parent_key(v.path).map(norm);
        let is_ref = k == "existingsecret"
            || k == "secretname"
            || (k.ends_with("secretname") && !k.contains("key"))
            || k == "existingsecretname"
            || (k == "name" && matches!(parent.as_deref(), Some("secretref" | "secretkeyref")))
            || (k == "name" && in_pull_secrets(v.path));
        if is_ref {
            out.push(v);
        }
    }
    out
}

fn in_pull_secrets(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains("pullsecrets[")
}

/// The key before the last one in a dotted path (`a.secretRef.name` → `secretRef`).
pub fn parent_key(path: &str) -> Option<&str> {
    let mut parts = path.rsplit('.');
    parts.next()?;
    parts.next().map(|p| p.trim_matches('"'))
}
