//! Fixes of the README values table (helm-docs layout): rows for undocumented keys, removal
//! of rows for keys values.yaml no longer has.

use super::{Fix, edit};
use crate::chart::docs::{Docs, Layout};
use crate::source::{File, Span};
use crate::yaml::Node;

/// Rows for the value at `path` (the leaves below it, as helm-docs lists them) added to the
/// README's helm-docs table at their sorted places, with an empty description. `None` when the
/// README has no helm-docs table or a value cannot be written in a table cell.
pub fn add_rows(docs: &Docs, root: &Node, path: &str) -> Option<Fix> {
    let readme = docs.readme.as_ref()?;
    let rows: Vec<crate::chart::docs::Row> = docs
        .rows()
        .filter(|r| r.layout == Layout::HelmDocs)
        .collect();
    if rows.is_empty() {
        return None;
    }
    let node = crate::chart::docs::resolve(root, path)?;
    let mut leaves = Vec::new();
    collect_leaves(node, &mut path.to_string(), &mut leaves);
    if leaves.is_empty() || leaves.len() > 200 {
        return None;
    }
    let nl = edit::line_ending(readme);
    // Each new row goes before the first existing row that sorts after it, else after the last.
    let mut inserts: Vec<(usize, String)> = Vec::new();
    for (key, node) in leaves {
        let line = row_text(&key, node)?;
        let at = match rows.iter().find(|r| r.key > key.as_str()) {
            Some(r) => readme.line_start(readme.line_index(r.key_span.start as usize)),
            None => {
                let last = rows.last()?;
                let l = readme.line_index(last.key_span.start as usize);
                let next = readme.line_start(l + 1);
                if next == readme.text.len() && !readme.text.ends_with('\n') {
                    // The table ends the file without a newline: start the row on a new line.
                    inserts.push((next, format!("{nl}{line}")));
                    continue;
                }
                next
            }
        };
        inserts.push((at, format!("{line}{nl}")));
    }
    let mut fix = Fix::safe(format!(
        "Add {} to the values table in {}",
        if inserts.len() == 1 {
            "a row".to_string()
        } else {
            format!("{} rows", inserts.len())
        },
        readme.display_path()
    ));
    // Rows inserted at one place form one edit, in order.
    inserts.sort_by_key(|(at, _)| *at);
    let mut merged: Vec<(usize, String)> = Vec::new();
    for (at, text) in inserts {
        match merged.last_mut() {
            Some((a, t)) if *a == at => t.push_str(&text),
            _ => merged.push((at, text)),
        }
    }
    for (at, text) in merged {
        fix = fix.edit(readme, Span::empty(at), text);
    }
    Some(fix)
}

fn collect_leaves<'a>(node: &'a Node, path: &mut String, out: &mut Vec<(String, &'a Node)>) {
    match node.as_map() {
        Some(m) if !m.is_empty() && node.alias.is_none() => {
            for e in m {
                let key = e.key_json_string();
                if key == "<<" {
                    continue;
                }
                let len = path.len();
                crate::yaml::push_key(path, &key);
                collect_leaves(&e.value, path, out);
                path.truncate(len);
            }
        }
        _ => out.push((path.clone(), node)),
    }
}

/// `| key | type | `default` |  |` as helm-docs writes it.
fn row_text(key: &str, node: &Node) -> Option<String> {
    let (ty, default) = if node.is_null() {
        ("string", "nil".to_string())
    } else {
        (node.type_name(), node.to_json().to_string())
    };
    if default.contains('`') || default.contains('\n') || key.contains('|') {
        return None;
    }
    let default = default.replace('|', "\\|");
    Some(format!("| {key} | {ty} | `{default}` |  |"))
}

/// Removes the README table row holding `span` (a documented key values.yaml does not have).
/// `None` when the span is not in a table row.
pub fn remove_row(file: &File, span: Span) -> Option<Fix> {
    let line = file.line_index(span.start as usize);
    if !file.line_text(line).trim_start().starts_with('|') {
        return None;
    }
    let whole = edit::whole_lines(file, span);
    Some(Fix::unsafe_(format!("Remove the row from {}", file.display_path())).edit(file, whole, ""))
}
