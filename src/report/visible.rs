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

/// Whether `s` holds an unsafe character (other than `\r` when `allow_cr`). Whole source files
/// pass through here before a snippet is shown, so it scans bytes: every unsafe character
/// starts with a byte below 0x20, 0x7f, 0xc2 (C1 controls) or 0xe2 (the bidirectional marks),
/// and only those bytes are looked at more closely.
fn has_unsafe(s: &str, allow_cr: bool) -> bool {
    let b = s.as_bytes();
    let suspect = |x: u8| {
        (x < 0x20 && x != b'\n' && x != b'\t' && (x != b'\r' || !allow_cr))
            || x == 0x7f
            || x == 0xc2
            || x == 0xe2
    };
    // Branch-free over blocks, so the common case (nothing suspect) runs vectorised.
    const BLOCK: usize = 64;
    let mut start = 0;
    while start < b.len() {
        let end = (start + BLOCK).min(b.len());
        if b[start..end].iter().fold(false, |acc, &x| acc | suspect(x)) {
            // Back to the start of the character the block may begin inside.
            let mut i = start;
            while i > 0 && !s.is_char_boundary(i) {
                i -= 1;
            }
            let mut j = end;
            while j < s.len() && !s.is_char_boundary(j) {
                j += 1;
            }
            for c in s[i..j].chars() {
                if is_unsafe(c) && !(allow_cr && c == '\r') {
                    return true;
                }
            }
        }
        start = end;
    }
    false
}

/// Text with every unsafe character written as a visible escape (`\u{1b}`).
pub(crate) fn escaped(s: &str) -> Cow<'_, str> {
    if !has_unsafe(s, false) {
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
    if !has_unsafe(s, true) {
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
    fn the_byte_scan_agrees_with_the_character_test() {
        let samples = [
            "plain ascii\n\twith tabs",
            "carriage\r\nreturn",
            "esc \u{1b}[31m",
            "del \u{7f}",
            "c1 \u{85} next line",
            "latin \u{e9}\u{c2}\u{a9} fine",
            "quotes \u{2019} and dash \u{2014} fine",
            "bidi \u{202e}override",
            "isolate \u{2067}x",
            "marks \u{200e}\u{200f}",
            "nbsp \u{a0} fine",
            "",
        ];
        // Unsafe and multi-byte characters on every side of a block boundary.
        let mut shifted = Vec::new();
        for pad in 58..70 {
            for c in ['\u{202e}', '\u{2019}', '\u{85}', '\u{1b}', '\r', '\u{e9}'] {
                shifted.push(format!("{}{c}{}", "a".repeat(pad), "b".repeat(70)));
            }
        }
        for s in samples
            .iter()
            .copied()
            .chain(shifted.iter().map(String::as_str))
        {
            for allow_cr in [false, true] {
                let slow = s.chars().any(|c| is_unsafe(c) && !(allow_cr && c == '\r'));
                assert_eq!(has_unsafe(s, allow_cr), slow, "{s:?} allow_cr={allow_cr}");
            }
        }
    }

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
