//! Applying byte-range edits to a text, and small helpers rules use to build them.

use crate::source::{File, Span};

/// Whether two edits touch the same bytes. Two insertions at one point overlap (their order
/// would be a guess); an insertion at the end of a replaced range does not.
pub fn overlaps(a: Span, b: Span) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    if a.is_empty() {
        return a.start > b.start && a.start < b.end;
    }
    if b.is_empty() {
        return b.start > a.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

/// Applies the edits to `text`: identical edits once, an edit that overlaps one before it (in
/// position order) not at all. Bytes outside the edits are copied unchanged.
pub fn apply(text: &str, edits: &[(Span, &str)]) -> String {
    let mut sorted: Vec<(Span, &str)> = edits.to_vec();
    sorted.sort_by_key(|(s, _)| (s.start, s.end));
    sorted.dedup();
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0usize;
    let mut last: Option<Span> = None;
    for (span, replacement) in sorted {
        let (start, end) = (span.start as usize, span.end as usize);
        if end > text.len()
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
            || last.is_some_and(|l| overlaps(l, span))
            || start < at
        {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(replacement);
        at = end;
        last = Some(span);
    }
    out.push_str(&text[at..]);
    out
}

/// The line ending the file uses (`\r\n` when its first line ends so).
pub fn line_ending(file: &File) -> &'static str {
    match file.text.find('\n') {
        Some(i) if i > 0 && file.text.as_bytes()[i - 1] == b'\r' => "\r\n",
        _ => "\n",
    }
}

/// The span of the whole lines holding `span`, line terminator of the last one included.
pub fn whole_lines(file: &File, span: Span) -> Span {
    let first = file.line_index(span.start as usize);
    let end_at = (span.end as usize)
        .max(span.start as usize + 1)
        .saturating_sub(1);
    let last = file.line_index(end_at.max(span.start as usize));
    Span::new(file.line_start(first), file.line_start(last + 1))
}

/// The leading spaces of the 0-based line.
pub fn indentation(file: &File, line: usize) -> &str {
    let text = file.line_text(line);
    &text[..text.len() - text.trim_start_matches([' ', '\t']).len()]
}

/// A YAML double-quoted scalar holding `text` exactly.
pub fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn applies_non_overlapping_edits_and_keeps_the_rest() {
        let text = "a: 1 # one\nb: 2\nc: 3\n";
        let a = text.find('1').unwrap();
        let b = text.find('2').unwrap();
        let out = apply(
            text,
            &[
                (Span::new(b, b + 1), "\"2\""),
                (Span::new(a, a + 1), "\"1\""),
                // Overlaps the first edit: left out.
                (Span::new(a, a + 3), "x"),
                // The same edit twice is applied once.
                (Span::new(b, b + 1), "\"2\""),
            ],
        );
        assert_eq!(out, "a: \"1\" # one\nb: \"2\"\nc: 3\n");
    }

    #[test]
    fn insertions_and_deletions() {
        let text = "x\ny\n";
        assert_eq!(apply(text, &[(Span::empty(2), "# c\n")]), "x\n# c\ny\n");
        assert_eq!(apply(text, &[(Span::new(0, 2), "")]), "y\n");
        // Insertions at one point overlap; at the end of a replaced range they do not.
        assert!(overlaps(Span::empty(2), Span::empty(2)));
        assert!(!overlaps(Span::new(0, 2), Span::empty(2)));
        assert!(overlaps(Span::new(0, 2), Span::empty(1)));
    }

    #[test]
    fn helpers() {
        let f = SourceFile::new("v.yaml", "a:\r\n  b: 1\r\n  c: 2\r\n".into());
        assert_eq!(line_ending(&f), "\r\n");
        let b = f.text.find("b:").unwrap();
        let lines = whole_lines(&f, Span::new(b, b + 4));
        assert_eq!(f.slice(lines), "  b: 1\r\n");
        assert_eq!(indentation(&f, 1), "  ");
        assert_eq!(double_quoted("a\"b\\"), r#""a\"b\\""#);
    }
}
