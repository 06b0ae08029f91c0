//! Fixes in YAML text that need more than one node's span.

use super::{Fix, edit};
use crate::source::{File, Span};

/// Removes the mapping entry whose key is at `key` (its line, and the lines below it that are
/// indented deeper, blank lines and comments between them included). `None` when the key does
/// not start its line (a flow mapping, a list item's first key), where removing lines would
/// break the structure.
pub fn remove_entry(file: &File, key: Span, message: &str) -> Option<Fix> {
    let line = file.line_index(key.start as usize);
    let indent = edit::indentation(file, line).len();
    if file.line_start(line) + indent != key.start as usize {
        return None;
    }
    let mut last = line;
    let mut l = line + 1;
    while l < file.line_count() {
        let t = file.line_text(l);
        let trimmed = t.trim_start_matches([' ', '\t']);
        if trimmed.is_empty() || trimmed.starts_with('#') {
            l += 1;
            continue;
        }
        let ind = t.len() - trimmed.len();
        // Deeper lines belong to the entry; so does a block sequence at the key's own indent.
        if ind > indent || (ind == indent && (trimmed.starts_with("- ") || trimmed == "-")) {
            last = l;
            l += 1;
            continue;
        }
        break;
    }
    let span = Span::new(file.line_start(line), file.line_start(last + 1));
    Some(Fix::unsafe_(message).edit(file, span, ""))
}
