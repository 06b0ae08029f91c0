//! Text from a chart never drives the reader's terminal or CI log.
//!
//! File names, keys, values and messages can hold control characters (an escape sequence
//! recolours or rewrites a terminal; a bidirectional override reorders what is shown). Every
//! format that prints text as it is (human, compact, github) passes it through here first.

use std::borrow::Cow;

/// Whether a character must not reach a terminal as it is: C0 controls other than line feed
/// and tab, DEL, C1 controls, and the bidirectional overrides and isolates.
pub(crate) fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Text with every unsafe character written as a visible escape (`\u{1b}`).
pub(crate) fn escaped(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Source text for a snippet with every unsafe character replaced by one of the same length
/// in UTF-8 (`?`, `¿` or `\u{fffd}`), so byte offsets and line numbers stay valid.
pub(crate) fn same_length(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if !is_unsafe(c) || c == '\r' {
                    c
                } else {
                    match c.len_utf8() {
                        1 => '?',
                        2 => '\u{bf}',
                        _ => '\u{fffd}',
                    }
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi_overrides() {
        assert_eq!(escaped("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escaped("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(escaped("a\u{9b}b"), "a\\u{9b}b");
        assert_eq!(escaped("line\nnext\ttab"), "line\nnext\ttab");
        assert!(matches!(escaped("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn same_length_keeps_offsets() {
        for s in ["a\u{1b}[2Jb\r\nc", "\u{9b}x\u{202e}y\u{7f}"] {
            let t = same_length(s);
            assert_eq!(t.len(), s.len());
            assert!(!t.chars().any(|c| is_unsafe(c) && c != '\r'));
            for (i, _) in s.char_indices() {
                assert!(t.is_char_boundary(i));
            }
        }
    }
}
