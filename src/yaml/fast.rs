//! A fast path for the YAML that charts are made of: block mappings and sequences, plain,
//! quoted and block scalars, comments, `---` documents and one-line flow collections.
//!
//! It builds exactly the tree that the granit-parser path builds (same nodes, spans, styles,
//! comments, issues and key index) and gives up, returning `None`, the moment it meets anything
//! else: anchors, aliases, tags, complex keys, tabs, carriage returns, directives, multi-line
//! flow collections or quoted scalars, and any syntax error. The caller then parses the whole
//! file with granit-parser, so the fast path never changes what plimsoll reads.

use super::build::{check_and_merge, key_index};
use super::resolve::resolve;
use super::tree::*;
use crate::source::Span;

/// Why the fast path stopped: the file goes to granit-parser.
struct Bail(#[allow(dead_code)] u32);

#[track_caller]
fn bail() -> Bail {
    Bail(std::panic::Location::caller().line())
}

/// Where the fast path declines `text`: the line of this file that gave up and the byte
/// offset it had reached, to find what is worth handling next. `None` when it takes the text.
#[doc(hidden)]
pub fn decline_line(text: &str) -> Option<(u32, usize)> {
    if !plain_bytes(text.as_bytes()) {
        return Some((0, 0));
    }
    let mut p = P {
        s: text.as_bytes(),
        text,
        pos: 0,
        line_start: 0,
        depth: 0,
        file: YamlFile::default(),
        entries: Vec::new(),
        items: Vec::new(),
    };
    p.stream().err().map(|b| (b.0, p.pos))
}

type R<T> = Result<T, Bail>;

/// A sequence node from `start` to its last item (to `empty_end` when it has none).
fn seq_node(start: usize, empty_end: usize, items: Vec<Node>) -> Node {
    let end = items.last().map_or(empty_end, |n| n.span.end as usize);
    Node {
        span: Span::new(start, end.max(start)),
        kind: NodeKind::Seq(items),
        alias: None,
        duplicate_keys: false,
        index: None,
    }
}

/// Nesting deeper than this goes to granit-parser (which reports its own limit).
const MAX_DEPTH: usize = 64;

/// Simple keys longer than this go to granit-parser.
const MAX_KEY: usize = 1000;

/// Parses `text` when it stays within what the fast path handles; `None` otherwise.
pub fn parse(text: &str) -> Option<YamlFile> {
    if text.len() >= u32::MAX as usize || !plain_bytes(text.as_bytes()) {
        return None;
    }
    let mut p = P {
        s: text.as_bytes(),
        text,
        pos: 0,
        line_start: 0,
        depth: 0,
        file: YamlFile::default(),
        entries: Vec::new(),
        items: Vec::new(),
    };
    p.stream().ok()?;
    Some(p.file)
}

/// No byte that the fast path leaves to granit-parser: tabs, carriage returns, other control
/// characters, a byte order mark, and the Unicode line breaks and non-characters.
fn plain_bytes(s: &[u8]) -> bool {
    // Printable ASCII and line feeds, checked a block at a time without branches; only the
    // bytes of a block holding something else are looked at one by one.
    for (n, block) in s.chunks(64).enumerate() {
        let ascii = block.iter().fold(true, |ok, &b| {
            ok & ((0x20..0x7f).contains(&b) | (b == b'\n'))
        });
        if ascii {
            continue;
        }
        let from = n * 64;
        for i in from..from + block.len() {
            if !plain_at(s, i) {
                return false;
            }
        }
    }
    true
}

/// Whether the byte at `i` (with the bytes after it, for a multi-byte character) is one the
/// fast path takes.
fn plain_at(s: &[u8], i: usize) -> bool {
    match s[i] {
        0x20..=0x7e | b'\n' => true,
        // U+0080..U+009F: C1 controls, NEL
        0xc2 => !matches!(s.get(i + 1), Some(0x80..=0x9f)),
        // U+2028, U+2029
        0xe2 => !(s.get(i + 1) == Some(&0x80) && matches!(s.get(i + 2), Some(0xa8 | 0xa9))),
        // U+FEFF, U+FFFE, U+FFFF
        0xef => !matches!(
            (s.get(i + 1), s.get(i + 2)),
            (Some(0xbb), Some(0xbf)) | (Some(0xbf), Some(0xbe | 0xbf))
        ),
        0x80.. => true,
        _ => false,
    }
}

/// What the next line holds, once blank lines and comments are skipped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Next {
    Eof,
    /// A `---` marker at the start of a line.
    DocStart,
    /// Content at this column.
    Content(usize),
}

struct P<'t> {
    s: &'t [u8],
    text: &'t str,
    pos: usize,
    line_start: usize,
    depth: usize,
    file: YamlFile,
    /// Work stacks: the entries and items of the mappings and sequences being parsed. Each
    /// collection collects from the length it found and moves its own into a vector of
    /// exactly their number when it completes (no vector grows entry by entry).
    entries: Vec<Entry>,
    items: Vec<Node>,
}

fn is_blank_or_end(b: Option<&u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\n'))
}

fn scalar(span: Span, text: String, style: Style) -> Node {
    let value = resolve(&text, style, None);
    Node {
        span,
        kind: NodeKind::Scalar(Scalar {
            text,
            style,
            value,
            tag: None,
        }),
        alias: None,
        duplicate_keys: false,
        index: None,
    }
}

/// An empty node: granit-parser gives it the text `~`.
fn null_at(span: Span) -> Node {
    scalar(span, "~".to_string(), Style::Plain)
}

fn null(at: usize) -> Node {
    null_at(Span::empty(at))
}

impl P<'_> {
    fn at(&self, i: usize) -> Option<u8> {
        self.s.get(i).copied()
    }

    fn col(&self) -> usize {
        self.pos - self.line_start
    }

    fn skip_spaces(&mut self) {
        self.pos += spaces(self.s.get(self.pos..).unwrap_or(&[]));
    }

    /// A `---` or `...` marker at the start of the line at `self.pos`.
    fn marker(&self, c: u8) -> bool {
        self.pos == self.line_start
            && self.s.len() >= self.pos + 3
            && self.s[self.pos..self.pos + 3] == [c, c, c]
            && is_blank_or_end(self.s.get(self.pos + 3))
    }

    /// Skips spaces, line breaks and comments (recording the comments) up to the next content.
    fn next(&mut self) -> R<Next> {
        loop {
            self.skip_spaces();
            match self.at(self.pos) {
                None => return Ok(Next::Eof),
                Some(b'\n') => {
                    self.pos += 1;
                    self.line_start = self.pos;
                }
                Some(b'#') => {
                    if self.pos > self.line_start && self.s[self.pos - 1] != b' ' {
                        return Err(bail());
                    }
                    self.comment();
                }
                Some(_) => {
                    if self.marker(b'-') {
                        return Ok(Next::DocStart);
                    }
                    if self.marker(b'.') {
                        return Err(bail());
                    }
                    return Ok(Next::Content(self.col()));
                }
            }
        }
    }

    /// Records the comment at `self.pos` (a `#`) and moves to the end of its line.
    fn comment(&mut self) {
        let start = self.pos;
        let end = memchr_nl(self.s, start);
        self.file.comments.push(Comment {
            span: Span::new(start, end),
        });
        self.pos = end;
    }

    /// After a node in block context: only spaces and a comment may follow on its line.
    fn end_of_line(&mut self) -> R<()> {
        self.skip_spaces();
        match self.at(self.pos) {
            None | Some(b'\n') => Ok(()),
            Some(b'#') if self.s[self.pos - 1] == b' ' => Ok(()),
            _ => Err(bail()),
        }
    }

    fn stream(&mut self) -> R<()> {
        let mut next = self.next()?;
        loop {
            match next {
                Next::Eof => return Ok(()),
                Next::DocStart => {
                    let marker = self.pos;
                    self.pos += 3;
                    // Only a comment may follow the marker on its line.
                    self.end_of_line()?;
                    next = self.next()?;
                    let root = match next {
                        Next::Eof | Next::DocStart => {
                            // An empty document: a null at the end of the marker.
                            null(marker + 3)
                        }
                        Next::Content(_) => {
                            let root = self.root()?;
                            next = self.next()?;
                            root
                        }
                    };
                    self.push_document(root);
                }
                Next::Content(_) => {
                    let root = self.root()?;
                    self.push_document(root);
                    next = self.next()?;
                }
            }
            if let Next::Content(_) = next {
                // Content after the root that no collection took: granit-parser reports it.
                return Err(bail());
            }
        }
    }

    fn push_document(&mut self, root: Node) {
        let span = root.span;
        self.file.documents.push(Document {
            root: Some(root),
            span,
        });
    }

    /// A document's root: a block or flow collection.
    fn root(&mut self) -> R<Node> {
        let node = self.block_node(-1, true)?;
        match &node.kind {
            NodeKind::Scalar(_) => Err(bail()),
            _ => Ok(node),
        }
    }

    /// The node at `self.pos` in block context, inside a collection indented at `parent`.
    /// `collection`: whether a block collection may start here (not on a key's line).
    fn block_node(&mut self, parent: isize, collection: bool) -> R<Node> {
        let start = self.pos;
        let col = self.col();
        let node = match self.s[start] {
            b'-' if is_blank_or_end(self.s.get(start + 1)) => {
                if !collection {
                    return Err(bail());
                }
                return self.block_seq(col, false);
            }
            b'[' | b'{' => {
                let node = self.flow_node()?;
                self.skip_spaces();
                if self.at(self.pos) == Some(b':') {
                    return Err(bail());
                }
                node
            }
            b'|' | b'>' => return self.block_scalar(parent),
            b'"' | b'\'' => self.quoted(Some(parent))?,
            _ => self.plain_block(Some(parent))?,
        };
        self.skip_spaces();
        if self.at(self.pos) == Some(b':') && is_blank_or_end(self.s.get(self.pos + 1)) {
            if self.line_start > start {
                // A key over more than one line.
                return Err(bail());
            }
            if !collection || !matches!(node.kind, NodeKind::Scalar(_)) {
                return Err(bail());
            }
            if node.span.len() > MAX_KEY {
                return Err(bail());
            }
            return self.block_map(col, node);
        }
        self.end_of_line()?;
        Ok(node)
    }

    fn enter(&mut self) -> R<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(bail());
        }
        Ok(())
    }

    /// A block mapping at column `indent` whose first key is read; `self.pos` is at its `:`.
    fn block_map(&mut self, indent: usize, first: Node) -> R<Node> {
        self.enter()?;
        let start = first.span.start as usize;
        let base = self.entries.len();
        let mut key = first;
        loop {
            let colon = self.pos;
            self.pos += 1;
            let value = self.map_value(indent, colon)?;
            self.entries.push(Entry { key, value });
            match self.next()? {
                Next::Content(c) if c == indent => key = self.map_key()?,
                Next::Content(c) if c > indent => return Err(bail()),
                _ => break,
            }
        }
        self.depth -= 1;
        let entries = self.entries.split_off(base);
        Ok(self.map_node(start, start, entries))
    }

    /// A mapping node from `start` to its last entry (to `empty_end` when it has none), with
    /// merge keys applied and duplicate keys marked, as the granit path builds it.
    fn map_node(&mut self, start: usize, empty_end: usize, entries: Vec<Entry>) -> Node {
        let end = entries
            .last()
            .map(|e| e.value.span.end.max(e.key.span.end) as usize)
            .unwrap_or(empty_end);
        let (entries, duplicate_keys) = check_and_merge(entries, &mut self.file.issues);
        let index = key_index(&entries);
        Node {
            span: Span::new(start, end.max(start)),
            kind: NodeKind::Map(entries),
            alias: None,
            duplicate_keys,
            index,
        }
    }

    /// A key of a block mapping at `self.pos`, up to its `:`.
    fn map_key(&mut self) -> R<Node> {
        let key = match self.s[self.pos] {
            b'"' | b'\'' => self.quoted(None)?,
            _ => self.plain_block(None)?,
        };
        self.skip_spaces();
        if self.at(self.pos) == Some(b':')
            && is_blank_or_end(self.s.get(self.pos + 1))
            && key.span.len() <= MAX_KEY
        {
            Ok(key)
        } else {
            Err(bail())
        }
    }

    /// The value after the `:` at `colon` of a key in a block mapping at column `indent`.
    fn map_value(&mut self, indent: usize, colon: usize) -> R<Node> {
        self.skip_spaces();
        match self.at(self.pos) {
            None | Some(b'\n' | b'#') => match self.next()? {
                Next::Content(c) if c > indent => self.block_node(indent as isize, true),
                Next::Content(c) if c == indent && self.dash() => self.block_seq(indent, true),
                _ => Ok(null(colon)),
            },
            Some(_) => self.block_node(indent as isize, false),
        }
    }

    /// A `- ` sequence entry at `self.pos`.
    fn dash(&self) -> bool {
        self.s[self.pos] == b'-' && is_blank_or_end(self.s.get(self.pos + 1))
    }

    /// A block sequence whose entries start at column `indent`; `indentless`: the value of a
    /// mapping key at the same column.
    fn block_seq(&mut self, indent: usize, indentless: bool) -> R<Node> {
        self.enter()?;
        let mut start = self.pos;
        let base = self.items.len();
        loop {
            self.pos += 1;
            // Where granit-parser marks the entry: after the dash, its spaces and a comment.
            let before = self.pos;
            self.skip_spaces();
            if self.at(self.pos) == Some(b'#') {
                if self.pos == before {
                    return Err(bail());
                }
                self.comment();
            }
            let mark = self.pos;
            if indentless && self.items.len() == base {
                start = mark;
            }
            let item = match self.at(self.pos) {
                None | Some(b'\n') => match self.next()? {
                    Next::Content(c) if c > indent => self.block_node(indent as isize, true)?,
                    _ => null(mark),
                },
                Some(_) => self.block_node(indent as isize, true)?,
            };
            self.items.push(item);
            match self.next()? {
                Next::Content(c) if c == indent && self.dash() => {}
                Next::Content(c) if c > indent || (c == indent && !indentless) => {
                    return Err(bail());
                }
                _ => break,
            }
        }
        self.depth -= 1;
        let items = self.items.split_off(base);
        Ok(seq_node(start, start, items))
    }

    /// A plain scalar in block context, inside a collection indented at `parent`: it goes on
    /// over the following lines indented deeper than `parent` (`None`: one line only, a key).
    fn plain_block(&mut self, parent: Option<isize>) -> R<Node> {
        let start = self.pos;
        match self.s[start] {
            b'-' if is_blank_or_end(self.s.get(start + 1)) => return Err(bail()),
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' => return Err(bail()),
            _ => {}
        }
        let s = self.s;
        let (mut end, mut stop) = plain_line(s, start);
        // Continuation lines, folded: one line break becomes a space, each empty line a
        // line break.
        let mut text: Option<String> = None;
        while let Some(parent) = parent {
            if s.get(stop) != Some(&b'\n') {
                break;
            }
            let mut j = stop + 1;
            let mut line = j;
            let mut breaks = 0;
            loop {
                while s.get(j) == Some(&b' ') {
                    j += 1;
                }
                if s.get(j) != Some(&b'\n') {
                    break;
                }
                breaks += 1;
                j += 1;
                line = j;
            }
            if j >= s.len() || ((j - line) as isize) <= parent || s[j] == b'#' {
                break;
            }
            if parent < 0 {
                // A root scalar: document markers would need checking.
                return Err(bail());
            }
            let (line_end, line_stop) = plain_line(s, j);
            if s.get(line_stop) == Some(&b':') {
                return Err(bail());
            }
            let t = text.get_or_insert_with(|| self.text[start..end].to_string());
            if breaks == 0 {
                t.push(' ');
            }
            for _ in 0..breaks {
                t.push('\n');
            }
            t.push_str(&self.text[j..line_end]);
            self.line_start = line;
            end = line_end;
            stop = line_stop;
        }
        self.pos = end;
        let text = text.unwrap_or_else(|| self.text[start..end].to_string());
        Ok(scalar(Span::new(start, end), text, Style::Plain))
    }

    /// A single- or double-quoted scalar, inside a collection indented at `parent`: it may go
    /// on over lines indented deeper than `parent` (`None`: one line only).
    fn quoted(&mut self, parent: Option<isize>) -> R<Node> {
        let start = self.pos;
        let s = self.s;
        let q = s[start];
        let mut text = String::new();
        let mut i = start + 1;
        let mut run = i;
        loop {
            match s.get(i) {
                None => return Err(bail()),
                Some(b'\n') => {
                    // A line break folds: trailing spaces go, one break becomes a space,
                    // each empty line a line break.
                    text.push_str(self.text[run..i].trim_end_matches(' '));
                    let breaks = self.quoted_breaks(&mut i, parent)?;
                    if breaks == 0 {
                        text.push(' ');
                    }
                    for _ in 0..breaks {
                        text.push('\n');
                    }
                    run = i;
                }
                Some(&c) if c == q => {
                    if q == b'\'' && s.get(i + 1) == Some(&b'\'') {
                        text.push_str(&self.text[run..i + 1]);
                        i += 2;
                        run = i;
                        continue;
                    }
                    text.push_str(&self.text[run..i]);
                    i += 1;
                    break;
                }
                Some(b'\\') if q == b'"' => {
                    text.push_str(&self.text[run..i]);
                    if s.get(i + 1) == Some(&b'\n') {
                        // An escaped line break joins the lines.
                        i += 1;
                        let breaks = self.quoted_breaks(&mut i, parent)?;
                        for _ in 0..breaks {
                            text.push('\n');
                        }
                    } else {
                        i = self.escape(i, &mut text)?;
                    }
                    run = i;
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i;
        let style = if q == b'"' {
            Style::DoubleQuoted
        } else {
            Style::SingleQuoted
        };
        Ok(scalar(Span::new(start, i), text, style))
    }

    /// From the line break at `*i` inside a quoted scalar to the next line's content: counts
    /// the empty lines between and checks the content is indented deeper than `parent`.
    fn quoted_breaks(&mut self, i: &mut usize, parent: Option<isize>) -> R<usize> {
        let parent = parent.ok_or_else(bail)?;
        let s = self.s;
        let mut breaks = 0;
        let mut j = *i + 1;
        let mut line = j;
        loop {
            while s.get(j) == Some(&b' ') {
                j += 1;
            }
            if s.get(j) != Some(&b'\n') {
                break;
            }
            breaks += 1;
            j += 1;
            line = j;
        }
        if j >= s.len() || ((j - line) as isize) <= parent || parent < 0 {
            return Err(bail());
        }
        self.line_start = line;
        *i = j;
        Ok(breaks)
    }

    /// The escape sequence at `i` (a backslash) in a double-quoted scalar; returns the index
    /// after it.
    fn escape(&self, i: usize, text: &mut String) -> R<usize> {
        let c = match self.at(i + 1).ok_or_else(bail)? {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'N' => '\u{85}',
            b'_' => '\u{a0}',
            b'L' => '\u{2028}',
            b'P' => '\u{2029}',
            b'x' | b'u' | b'U' => {
                let n = match self.s[i + 1] {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = self.s.get(i + 2..i + 2 + n).ok_or_else(bail)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err(bail());
                }
                let hex = std::str::from_utf8(hex).map_err(|_| bail())?;
                let code = u32::from_str_radix(hex, 16).map_err(|_| bail())?;
                text.push(char::from_u32(code).ok_or_else(bail)?);
                return Ok(i + 2 + n);
            }
            _ => return Err(bail()),
        };
        text.push(c);
        Ok(i + 2)
    }

    /// A block scalar (`|` or `>`) at `self.pos`, in a collection indented at `parent`.
    fn block_scalar(&mut self, parent: isize) -> R<Node> {
        let start = self.pos;
        let s = self.s;
        let literal = s[start] == b'|';
        self.pos += 1;
        // Chomping: -1 strip, 0 clip, 1 keep. An indentation indicator goes to granit-parser.
        let mut chomping = 0i8;
        match self.at(self.pos) {
            Some(b'-') => {
                chomping = -1;
                self.pos += 1;
            }
            Some(b'+') => {
                chomping = 1;
                self.pos += 1;
            }
            _ => {}
        }
        if matches!(self.at(self.pos), Some(b'0'..=b'9')) {
            return Err(bail());
        }
        let before = self.pos;
        self.skip_spaces();
        match self.at(self.pos) {
            Some(b'\n') => {}
            Some(b'#') if self.pos > before => self.comment(),
            _ => return Err(bail()),
        }
        if self.at(self.pos) != Some(b'\n') {
            return Err(bail());
        }
        self.pos += 1;
        self.line_start = self.pos;
        // The indentation: that of the first non-empty line, which no empty line before it
        // may exceed.
        let mut i = self.pos;
        let mut max_empty = 0;
        let indent = loop {
            let line = i;
            while s.get(i) == Some(&b' ') {
                i += 1;
            }
            match s.get(i) {
                None => return Err(bail()),
                Some(b'\n') => {
                    max_empty = max_empty.max(i - line);
                    i += 1;
                }
                Some(_) => break i - line,
            }
        };
        if (indent as isize) <= parent || indent == 0 {
            // No content line: an empty scalar (its line breaks kept with `+`), at the next
            // line's content.
            if max_empty > 0 || parent < 0 {
                return Err(bail());
            }
            let breaks = s[self.pos..i].iter().filter(|&&b| b == b'\n').count();
            self.line_start = i - indent;
            self.pos = i;
            let text = if chomping == 1 {
                "\n".repeat(breaks)
            } else {
                String::new()
            };
            let style = if literal {
                Style::Literal
            } else {
                Style::Folded
            };
            return Ok(scalar(Span::empty(i), text, style));
        }
        if max_empty > indent {
            return Err(bail());
        }
        let mut text = String::new();
        let mut leading_break = false;
        let start = i;
        let mut trailing_breaks = 0usize;
        let mut leading_blank = false;
        // Leading empty lines.
        self.scalar_breaks(indent, &mut trailing_breaks);
        while self.col() == indent && self.pos < s.len() {
            let trailing_blank = s[self.pos] == b' ';
            if !literal && leading_break && !leading_blank && !trailing_blank {
                if trailing_breaks == 0 {
                    text.push(' ');
                }
            } else if leading_break {
                text.push('\n');
            }
            for _ in 0..trailing_breaks {
                text.push('\n');
            }
            trailing_breaks = 0;
            leading_blank = trailing_blank;
            let end = memchr_nl(s, self.pos);
            text.push_str(&self.text[self.pos..end]);
            self.pos = end;
            if end == s.len() {
                return Err(bail());
            }
            self.pos += 1;
            self.line_start = self.pos;
            leading_break = true;
            self.scalar_breaks(indent, &mut trailing_breaks);
        }
        if chomping != -1 && leading_break {
            text.push('\n');
        }
        if chomping == 1 {
            for _ in 0..trailing_breaks {
                text.push('\n');
            }
        }
        let end = self.pos;
        let style = if literal {
            Style::Literal
        } else {
            Style::Folded
        };
        Ok(scalar(Span::new(start, end), text, style))
    }

    /// Eats the indentation (up to `indent` spaces) and empty lines at the start of a line of
    /// a block scalar.
    fn scalar_breaks(&mut self, indent: usize, breaks: &mut usize) {
        loop {
            if self.col() < indent {
                let want = indent - self.col();
                let s = self.s.get(self.pos..).unwrap_or(&[]);
                self.pos += spaces(s.get(..want).unwrap_or(s));
            }
            if self.at(self.pos) != Some(b'\n') {
                return;
            }
            *breaks += 1;
            self.pos += 1;
            self.line_start = self.pos;
        }
    }

    /// A flow collection or scalar at `self.pos`, all on one line.
    fn flow_node(&mut self) -> R<Node> {
        match self.s[self.pos] {
            b'[' => self.flow_seq(),
            b'{' => self.flow_map(),
            b'"' | b'\'' => self.quoted(None),
            _ => self.plain_flow(),
        }
    }

    /// Spaces inside a flow collection; a line break or comment goes to granit-parser.
    fn flow_spaces(&mut self) -> R<u8> {
        self.skip_spaces();
        match self.at(self.pos) {
            None | Some(b'\n' | b'#') => Err(bail()),
            Some(c) => Ok(c),
        }
    }

    fn flow_seq(&mut self) -> R<Node> {
        self.enter()?;
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        let close = loop {
            if self.flow_spaces()? == b']' {
                self.pos += 1;
                break self.pos;
            }
            items.push(self.flow_node()?);
            match self.flow_spaces()? {
                b',' => self.pos += 1,
                b']' => {}
                _ => return Err(bail()),
            }
        };
        self.depth -= 1;
        Ok(seq_node(start, close, items))
    }

    fn flow_map(&mut self) -> R<Node> {
        self.enter()?;
        let start = self.pos;
        self.pos += 1;
        let mut entries = Vec::new();
        let close = loop {
            let c = self.flow_spaces()?;
            if c == b'}' {
                self.pos += 1;
                break self.pos;
            }
            let key = match c {
                b'"' | b'\'' => self.quoted(None)?,
                b'[' | b'{' => return Err(bail()),
                _ => self.plain_flow()?,
            };
            if self.flow_spaces()? != b':' || self.at(self.pos + 1) != Some(b' ') {
                return Err(bail());
            }
            self.pos += 1;
            if matches!(self.flow_spaces()?, b',' | b'}') {
                return Err(bail());
            }
            let value = self.flow_node()?;
            entries.push(Entry { key, value });
            match self.flow_spaces()? {
                b',' => self.pos += 1,
                b'}' => {}
                _ => return Err(bail()),
            }
        };
        self.depth -= 1;
        Ok(self.map_node(start, close, entries))
    }

    /// A plain scalar inside a flow collection: up to `,`, a bracket, a brace or `:`.
    fn plain_flow(&mut self) -> R<Node> {
        let start = self.pos;
        let s = self.s;
        match s[start] {
            b'-' => {
                if matches!(
                    s.get(start + 1),
                    None | Some(b' ' | b'\n' | b',' | b'[' | b']' | b'{' | b'}')
                ) {
                    return Err(bail());
                }
            }
            b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|'
            | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`' => return Err(bail()),
            _ => {}
        }
        let mut i = start;
        let mut end = start;
        while i < s.len() {
            match s[i] {
                b'\n' | b',' | b'[' | b']' | b'{' | b'}' | b':' | b'#' => break,
                b' ' => {}
                _ => end = i + 1,
            }
            i += 1;
        }
        if matches!(s.get(i), Some(b'#' | b'\n') | None) {
            return Err(bail());
        }
        self.pos = end;
        Ok(scalar(
            Span::new(start, end),
            self.text[start..end].to_string(),
            Style::Plain,
        ))
    }
}

/// One line of a plain scalar in block context from `from`: the end of its text (trailing
/// spaces left out) and where it stops (a line break, `: `, ` #` or the end of the text).
fn plain_line(s: &[u8], from: usize) -> (usize, usize) {
    // Only `\n`, `:` and `#` can stop the scalar: jump from one to the next.
    let mut i = from;
    let stop = loop {
        let Some(at) = memchr::memchr3(b'\n', b':', b'#', s.get(i..).unwrap_or(&[])) else {
            break s.len().max(from);
        };
        i += at;
        match s[i] {
            b'\n' => break i,
            b':' if is_blank_or_end(s.get(i + 1)) => break i,
            // ` #`: the scalar stops at the space.
            b'#' if i > from && s[i - 1] == b' ' => break i - 1,
            _ => i += 1,
        }
    };
    // The end: after the last byte before `stop` that is not a space.
    let end = s
        .get(from..stop)
        .unwrap_or(&[])
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(from, |p| from + p + 1);
    (end, stop)
}

/// How many spaces `s` starts with, counted eight bytes at a time (indentation).
fn spaces(s: &[u8]) -> usize {
    let mut n = 0;
    while let Some(w) = s.get(n..n + 8) {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let other = w ^ 0x2020_2020_2020_2020;
        if other != 0 {
            // The first byte that is not a space is the lowest non-zero byte.
            return n + (other.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + s[n..].iter().take_while(|&&b| b == b' ').count()
}

/// The end of the line at `from` (the index of its `\n`, or the end of the text).
fn memchr_nl(s: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &s[from..]).map_or(s.len(), |p| from + p)
}

/// The first difference between two parsed files (nodes, spans, styles, values, comments,
/// issues, duplicate marks, key indexes), or `None` when they are the same. Floats compare by
/// their bits, so a NaN equals a NaN.
pub fn difference(a: &YamlFile, b: &YamlFile) -> Option<String> {
    if a.documents.len() != b.documents.len() {
        return Some(format!(
            "{} documents against {}",
            a.documents.len(),
            b.documents.len()
        ));
    }
    for (i, (x, y)) in a.documents.iter().zip(&b.documents).enumerate() {
        if x.span != y.span {
            return Some(format!(
                "document {i}: span {:?} against {:?}",
                x.span, y.span
            ));
        }
        match (&x.root, &y.root) {
            (None, None) => {}
            (Some(x), Some(y)) => {
                if let Some(d) = node_difference(x, y) {
                    return Some(format!("document {i}: {d}"));
                }
            }
            _ => return Some(format!("document {i}: one root is missing")),
        }
    }
    if a.comments.len() != b.comments.len() {
        return Some(format!(
            "{} comments against {}",
            a.comments.len(),
            b.comments.len()
        ));
    }
    for (x, y) in a.comments.iter().zip(&b.comments) {
        if x.span != y.span {
            return Some(format!("comment {x:?} against {y:?}"));
        }
    }
    if a.issues.len() != b.issues.len() {
        return Some(format!("issues {:?} against {:?}", a.issues, b.issues));
    }
    for (x, y) in a.issues.iter().zip(&b.issues) {
        if x.kind != y.kind || x.span != y.span || x.message != y.message {
            return Some(format!("issue {x:?} against {y:?}"));
        }
    }
    None
}

fn node_difference(a: &Node, b: &Node) -> Option<String> {
    if a.span != b.span {
        return Some(format!("node span {:?} against {:?}", a.span, b.span));
    }
    if a.alias != b.alias || a.duplicate_keys != b.duplicate_keys || a.index != b.index {
        return Some(format!(
            "node at {:?}: alias, duplicate or index mark",
            a.span
        ));
    }
    match (&a.kind, &b.kind) {
        (NodeKind::Scalar(x), NodeKind::Scalar(y)) => {
            let same_value = match (&x.value, &y.value) {
                (Value::Float(f), Value::Float(g)) => f.to_bits() == g.to_bits(),
                (v, w) => v == w,
            };
            if x.text != y.text || x.style != y.style || !same_value || x.tag != y.tag {
                return Some(format!("scalar at {:?}: {x:?} against {y:?}", a.span));
            }
        }
        (NodeKind::Seq(x), NodeKind::Seq(y)) => {
            if x.len() != y.len() {
                return Some(format!("sequence at {:?}: length", a.span));
            }
            for (x, y) in x.iter().zip(y) {
                if let Some(d) = node_difference(x, y) {
                    return Some(d);
                }
            }
        }
        (NodeKind::Map(x), NodeKind::Map(y)) => {
            if x.len() != y.len() {
                return Some(format!("mapping at {:?}: length", a.span));
            }
            for (x, y) in x.iter().zip(y) {
                if let Some(d) = node_difference(&x.key, &y.key) {
                    return Some(d);
                }
                if let Some(d) = node_difference(&x.value, &y.value) {
                    return Some(d);
                }
            }
        }
        _ => return Some(format!("node at {:?}: kind", a.span)),
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_counts_the_leading_spaces_at_every_length() {
        for n in 0..40 {
            for tail in ["", "a", "\n", " a", "\t ", "é"] {
                let s = format!("{}{tail}", " ".repeat(n));
                let want = s.bytes().take_while(|&b| b == b' ').count();
                assert_eq!(spaces(s.as_bytes()), want, "{s:?}");
            }
        }
    }
}
