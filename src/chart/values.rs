//! Walking a chart's values: every value with its dotted path and the key that holds it.

use super::Chart;
use crate::source::{File, Span};
use crate::yaml::{Entry, Node, walk};

/// One value in values.yaml.
pub struct ValueAt<'a> {
    pub file: &'a File,
    /// helm-docs style path: `image.tag`, `ingress.hosts[0]`.
    pub path: String,
    /// The mapping entry that holds the value (`None` for list items and the root).
    pub entry: Option<&'a Entry>,
    /// The key that holds the value (`None` for list items and the root).
    pub key: Option<&'a str>,
    pub key_span: Option<Span>,
    pub node: &'a Node,
}

/// Every value of the chart's values.yaml, depth first, in file order.
pub fn all(chart: &Chart) -> Vec<ValueAt<'_>> {
    let Some(values) = &chart.values else {
        return Vec::new();
    };
    let Some(root) = values.yaml.root() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Values copied in by an alias or merge key are reported where they were written. The walk
    // is depth first, so a copied subtree's nodes follow its alias node and lie inside the span
    // it copies (or inside a nested alias's span): a stack of those spans, popped as soon as a
    // node lies outside the top one, tells copies from written values in constant time.
    let mut copied: Vec<Span> = Vec::new();
    walk(root, &mut |path, entry, node| {
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
        out.push(ValueAt {
            file: &values.file,
            path: path.to_string(),
            entry,
            key: entry.and_then(|e| e.key_str()),
            key_span: entry.map(|e| e.key.span),
            node,
        });
    });
    out
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
            if v.node.as_str().is_some() && in_pull_secrets(&v.path) {
                out.push(v);
            }
            continue;
        };
        if v.node.as_str().is_none() {
            continue;
        }
        let k = norm(key);
        let parent = parent_key(&v.path).map(norm);
        let is_ref = k == "existingsecret"
            || k == "secretname"
            || (k.ends_with("secretname") && !k.contains("key"))
            || k == "existingsecretname"
            || (k == "name" && matches!(parent.as_deref(), Some("secretref" | "secretkeyref")))
            || (k == "name" && in_pull_secrets(&v.path));
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
