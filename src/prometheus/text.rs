//! Strings taken out of YAML scalars that remember where each of their bytes came from, so a
//! column inside a PromQL expression or an alert template maps back to the file, whatever the
//! scalar style (plain multi-line, quoted with escapes, `|` and `>` blocks).

use crate::source::Span;
use crate::yaml::{Node, NodeKind, Style};

/// A scalar's decoded value with a per-byte map to file offsets.
#[derive(Clone, Debug)]
pub struct Text {
    pub value: String,
    /// The whole scalar node in the file.
    pub span: Span,
    /// For each byte of `value`: the file range of the source character(s) that produced it.
    map: Vec<(u32, u32)>,
}

impl Text {
    /// Builds the map for a scalar node. `src` is the text the YAML was parsed from; `to_file`
    /// converts offsets in `src` to offsets in the file (identity unless the YAML was
    /// preprocessed, as for chart templates).
    pub fn from_node(node: &Node, src: &str, to_file: &dyn Fn(usize) -> usize) -> Option<Text> {
        let NodeKind::Scalar(s) = &node.kind else {
            return None;
        };
        let raw_start = node.span.start as usize;
        let raw_end = (node.span.end as usize).min(src.len());
        let raw = src.get(raw_start..raw_end).unwrap_or("");
        let map = align(&s.text, raw, s.style)
            .map(|m| {
                m.into_iter()
                    .map(|(a, b)| {
                        (
                            to_file(raw_start + a as usize) as u32,
                            to_file(raw_start + b as usize) as u32,
                        )
                    })
                    .collect()
            })
            .unwrap_or_else(|| {
                let at = to_file(raw_start) as u32;
                vec![(at, at); s.text.len()]
            });
        let span = Span::new(to_file(raw_start), to_file(raw_end));
        Some(Text {
            value: s.text.clone(),
            span,
            map,
        })
    }

    /// A text made of a value that is not in any file (tests, synthesized values).
    pub fn detached(value: &str, span: Span) -> Text {
        Text {
            value: value.to_string(),
            span,
            map: vec![(span.start, span.start); value.len()],
        }
    }

    /// The file span of the byte range `start..end` of the value.
    pub fn span_of(&self, start: usize, end: usize) -> Span {
        if self.map.is_empty() {
            return Span::empty(self.span.start as usize);
        }
        let last = self.map.len() - 1;
        let s = self.map[start.min(last)].0;
        if end <= start {
            return Span::new(s as usize, s as usize);
        }
        let e = self.map[(end - 1).min(last)].1;
        Span::new(s as usize, (e as usize).max(s as usize))
    }

    /// The file span of one offset (a caret position); past the end, the point after the
    /// last character.
    pub fn point(&self, at: usize) -> Span {
        match self.map.get(at) {
            Some(&(s, e)) => Span::new(s as usize, e as usize),
            None => Span::empty(self.map.last().map(|m| m.1).unwrap_or(self.span.end) as usize),
        }
    }
}

/// Decodes one double-quoted escape at `raw[i..]` (starting with `\`); returns the character
/// and the escape's length.
fn dq_escape(raw: &str, i: usize) -> Option<(Option<char>, usize)> {
    let rest = raw.get(i + 1..)?;
    let c = rest.chars().next()?;
    let simple = |ch: char| Some((Some(ch), 1 + c.len_utf8()));
    match c {
        '0' => simple('\0'),
        'a' => simple('\x07'),
        'b' => simple('\x08'),
        't' | '\t' => simple('\t'),
        'n' => simple('\n'),
        'v' => simple('\x0b'),
        'f' => simple('\x0c'),
        'r' => simple('\r'),
        'e' => simple('\x1b'),
        ' ' => simple(' '),
        '"' => simple('"'),
        '/' => simple('/'),
        '\\' => simple('\\'),
        'N' => simple('\u{85}'),
        '_' => simple('\u{a0}'),
        'L' => simple('\u{2028}'),
        'P' => simple('\u{2029}'),
        'x' | 'u' | 'U' => {
            let n = match c {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let hex = rest.get(1..1 + n)?;
            let v = u32::from_str_radix(hex, 16).ok()?;
            Some((char::from_u32(v), 2 + n))
        }
        '\n' | '\r' => Some((None, 1)),
        _ => None,
    }
}

/// Aligns decoded characters to raw characters. Returns, for each byte of `decoded`, the raw
/// range that produced it; `None` when the two cannot be aligned.
fn align(decoded: &str, raw: &str, style: Style) -> Option<Vec<(u32, u32)>> {
    let mut out = Vec::with_capacity(decoded.len());
    let mut cur = 0usize;
    // Skip the opening quote; block scalar nodes start at their content.
    if style.is_quoted() {
        cur = 1.min(raw.len());
    }
    for c in decoded.chars() {
        let mut p = cur;
        let found = loop {
            if p >= raw.len() {
                break None;
            }
            let Some(rc) = raw[p..].chars().next() else {
                break None;
            };
            if style == Style::DoubleQuoted && rc == '\\' {
                match dq_escape(raw, p) {
                    Some((Some(ch), len)) if ch == c => break Some((p, p + len)),
                    Some((_, len)) => {
                        p += len;
                        continue;
                    }
                    None => break None,
                }
            }
            if rc == c || ((c == ' ' || c == '\n') && (rc == '\n' || rc == '\r')) {
                break Some((p, p + rc.len_utf8()));
            }
            let skippable = rc == ' '
                || rc == '\t'
                || rc == '\n'
                || rc == '\r'
                || (style == Style::SingleQuoted && rc == '\'')
                || (style == Style::DoubleQuoted && rc == '"');
            if !skippable {
                break None;
            }
            p += rc.len_utf8();
        };
        let (s, e) = found?;
        for _ in 0..c.len_utf8() {
            out.push((s as u32, e as u32));
        }
        cur = e;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(yaml: &str, key: &str) -> (Text, String) {
        let f = crate::yaml::parse(yaml);
        let root = f.root().unwrap();
        let node = root.get(key).unwrap();
        (
            Text::from_node(node, yaml, &|o| o).unwrap(),
            yaml.to_string(),
        )
    }

    fn check(yaml: &str, needle: &str) {
        let (t, src) = text_of(yaml, "expr");
        let at = t.value.find(needle).expect("needle in value");
        let span = t.span_of(at, at + needle.len());
        assert_eq!(&src[span.range()], needle, "{yaml:?}");
    }

    #[test]
    fn maps_every_style() {
        check("expr: sum(foo) > 3\n", "foo");
        check("expr: \"sum(foo{a=\\\"b\\\"}) > 3\"\n", "> 3");
        check("expr: 'sum(foo{a=''b''}) > 3'\n", "> 3");
        check("expr: |\n  sum(foo)\n    > 3\n", "> 3");
        check("expr: >\n  sum(foo)\n  > 3\n", "> 3");
        check("expr: sum(foo)\n  > 3\n", "> 3");
        check("expr: \"sum(foo)\n  > 3\"\n", "> 3");
        check("expr: \"a\\u00e9b > 3\"\n", "> 3");
    }
}
