//! Code actions (fixes, "ignore this rule here") and rule documentation for hover.

use crate::diagnostic::{Diagnostic, RuleMeta};
use crate::fix::{Applicability, Fix};
use crate::source::{File, Span};
use serde_json::{Map, Value, json};
use std::path::Path;

/// The quick fix for a finding: its edits as a workspace edit (possibly in several files).
pub fn fix_action(fix: &Fix, diag: Value, uri_for: &dyn Fn(&Path) -> String) -> Value {
    let mut changes: Map<String, Value> = Map::new();
    for e in &fix.edits {
        let uri = uri_for(&crate::overlay::key(&e.file.path));
        let edit = json!({
            "range": super::proto::range(&e.file, Some(e.span)),
            "newText": e.replacement,
        });
        match changes.get_mut(&uri) {
            Some(Value::Array(list)) => list.push(edit),
            _ => {
                changes.insert(uri, json!([edit]));
            }
        }
    }
    let title = match fix.applicability {
        Applicability::Safe => fix.message.clone(),
        Applicability::Unsafe => format!("{} (unsafe fix: review it)", fix.message),
    };
    json!({
        "title": title,
        "kind": "quickfix",
        "diagnostics": [diag],
        "isPreferred": fix.applicability == Applicability::Safe,
        "edit": { "changes": changes },
    })
}

/// "Fix all safe problems" for one file: every safe fix whose edits all lie in the file,
/// without overlaps (kind `source.fixAll.plimsoll`, which editors can run on save).
pub fn fix_all_action(list: &[Diagnostic], path: &Path, uri: &str) -> Option<Value> {
    let mut taken: Vec<Span> = Vec::new();
    let mut edits = Vec::new();
    let mut count = 0;
    for d in list {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability != Applicability::Safe
            || !fix.changes_anything()
            || fix
                .edits
                .iter()
                .any(|e| crate::overlay::key(&e.file.path) != path)
            || fix
                .edits
                .iter()
                .any(|e| taken.iter().any(|t| crate::fix::edit::overlaps(*t, e.span)))
        {
            continue;
        }
        for e in &fix.edits {
            taken.push(e.span);
            edits.push(json!({
                "range": super::proto::range(&e.file, Some(e.span)),
                "newText": e.replacement,
            }));
        }
        count += 1;
    }
    if count == 0 {
        return None;
    }
    Some(json!({
        "title": format!("Fix all safe problems in this file ({count})"),
        "kind": "source.fixAll.plimsoll",
        "edit": { "changes": { uri: edits } },
    }))
}

/// How a file holds a suppression comment.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Syntax {
    /// `# plimsoll-ignore: rule` (YAML, `.helmignore`).
    Hash,
    /// `{{- /* plimsoll-ignore: rule */}}` (templates: the comment renders as nothing, and
    /// the `-` removes the line it sits on from the output).
    Template,
}

fn syntax(path: &Path) -> Option<Syntax> {
    let s = path.to_string_lossy().replace('\\', "/");
    if s.contains("/templates/") {
        return Some(Syntax::Template);
    }
    let name = path.file_name()?.to_string_lossy();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    if name == ".helmignore" || matches!(ext.as_deref(), Some("yaml" | "yml" | "lock")) {
        return Some(Syntax::Hash);
    }
    // JSON and Markdown tables cannot hold a comment line without changing what they are.
    None
}

fn comment(syntax: Syntax, indent: &str, marker: &str, rule: &str, nl: &str) -> String {
    match syntax {
        Syntax::Hash => format!("{indent}# {marker}: {rule}{nl}"),
        Syntax::Template => format!("{indent}{{{{- /* {marker}: {rule} */}}}}{nl}"),
    }
}

/// Whether the 0-based line lies inside a YAML block scalar (`key: |`), where a `#` line would
/// become part of the text.
fn in_block_scalar(file: &File, line: usize) -> bool {
    // The column of a line's content, after any `- ` of sequence items.
    let indent_of = |t: &str| {
        let mut rest = t.trim_start_matches(' ');
        while let Some(r) = rest.strip_prefix("- ") {
            rest = r.trim_start_matches(' ');
        }
        t.len() - rest.len()
    };
    let here = file.line_text(line);
    if here.trim().is_empty() {
        return false;
    }
    let mut ind = indent_of(here);
    let mut l = line;
    while l > 0 {
        l -= 1;
        let t = file.line_text(l);
        if t.trim().is_empty() {
            continue;
        }
        let i = indent_of(t);
        if i < ind {
            let head = t.split(" #").next().unwrap_or(t).trim_end();
            if head.ends_with('|')
                || head.ends_with('>')
                || ["|-", "|+", ">-", ">+"].iter().any(|m| head.ends_with(m))
            {
                return true;
            }
            ind = i;
            if i == 0 {
                return false;
            }
        }
    }
    false
}

/// "Ignore this rule here": a suppression comment on the line above the finding (or the rule
/// added to a comment already there); for a finding about the whole file, or inside a block
/// scalar, a file-wide comment at the top.
pub fn ignore_action(d: &Diagnostic, diag: Value, uri: &str) -> Option<Value> {
    let file = &d.file;
    let syntax = syntax(&file.path)?;
    if file.text.is_empty() && d.span.is_none() {
        return None;
    }
    let nl = crate::fix::edit::line_ending(file);
    let rule = d.rule.name;
    let line = d.span.map(|s| file.line_index(s.start as usize));
    let existing = crate::suppress::scan(file);
    let file_wide = match line {
        None => true,
        Some(l) => syntax == Syntax::Hash && in_block_scalar(file, l),
    };
    let (title, span, text) = if file_wide {
        if let Some(s) = existing.iter().find(|s| s.file_wide) {
            let last = s.rules.last()?.1;
            (
                format!("Ignore `{rule}` in this file"),
                Span::empty(last.end as usize),
                format!(", {rule}"),
            )
        } else {
            // After a leading comment block would be nicer; the top is always valid.
            (
                format!("Ignore `{rule}` in this file"),
                Span::empty(0),
                comment(syntax, "", "plimsoll-ignore-file", rule, nl),
            )
        }
    } else {
        let line = line?;
        let here = existing
            .iter()
            .find(|s| !s.file_wide && (s.line == line || s.line + 1 == line));
        match here {
            Some(s) => {
                let last = s.rules.last()?.1;
                (
                    format!("Ignore `{rule}` on this line"),
                    Span::empty(last.end as usize),
                    format!(", {rule}"),
                )
            }
            None => {
                let indent = crate::fix::edit::indentation(file, line).to_string();
                (
                    format!("Ignore `{rule}` on this line"),
                    Span::empty(file.line_start(line)),
                    comment(syntax, &indent, "plimsoll-ignore", rule, nl),
                )
            }
        }
    };
    Some(json!({
        "title": title,
        "kind": "quickfix",
        "diagnostics": [diag],
        "edit": { "changes": { uri: [{
            "range": super::proto::range(file, Some(span)),
            "newText": text,
        }]}},
    }))
}

/// The rule name (`domain/name`) under the byte offset, with its span.
pub fn rule_name_at(file: &File, offset: usize) -> Option<(&str, Span)> {
    let text = &file.text;
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '/' || c == '_';
    let offset = offset.min(text.len());
    if !text.is_char_boundary(offset) {
        return None;
    }
    let start = text[..offset]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name(*c))
        .last()
        .map_or(offset, |(i, _)| i);
    let end = text[offset..]
        .char_indices()
        .find(|(_, c)| !is_name(*c))
        .map_or(text.len(), |(i, _)| offset + i);
    let word = text.get(start..end)?.trim_matches('/');
    if !word.contains('/') || word.is_empty() {
        return None;
    }
    let start = start + text[start..end].find(word)?;
    Some((word, Span::new(start, start + word.len())))
}

/// A rule's documentation as hover text.
pub fn rule_markdown(meta: &RuleMeta) -> String {
    let fixable = match crate::fix::cli::fixable_label(meta.name) {
        "" => String::new(),
        f => format!("; fixable: {f}"),
    };
    format!(
        "**{}** (default severity: {}{fixable})\n\n{}\n\n{}",
        meta.name,
        meta.severity,
        meta.summary,
        meta.doc.trim_end()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn finds_rule_names_under_the_cursor() {
        let f = SourceFile::new(
            "v.yaml",
            "a: 1 # plimsoll-ignore: yaml/duplicate-key, x\n".into(),
        );
        let at = f.text.find("duplicate").unwrap();
        let (name, span) = rule_name_at(&f, at).unwrap();
        assert_eq!(name, "yaml/duplicate-key");
        assert_eq!(f.slice(span), "yaml/duplicate-key");
        assert!(rule_name_at(&f, 1).is_none());
    }

    #[test]
    fn block_scalars_are_recognised() {
        let f = SourceFile::new(
            "r.yaml",
            "groups:\n  - rules:\n      - expr: |\n          sum(x)\n        for: 5\n".into(),
        );
        assert!(in_block_scalar(&f, 3));
        assert!(!in_block_scalar(&f, 4));
        assert!(!in_block_scalar(&f, 1));
    }
}
