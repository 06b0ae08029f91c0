//! Builds the spanned tree from granit-parser events, with Helm's semantics: YAML 1.1 scalars,
//! merge keys, duplicate keys kept and reported, and limits against alias bombs.

use super::resolve::resolve;
use super::tree::*;
use crate::source::Span;
use granit_parser::{Event, Parser, ScalarStyle, ScanError};
use std::collections::HashMap;

/// Limits that keep hostile input cheap.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Nodes that aliases and merge keys may copy in, per file.
    pub alias_nodes: usize,
    /// Nesting depth after alias expansion.
    pub depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            alias_nodes: 200_000,
            depth: 300,
        }
    }
}

/// Parses a YAML stream. Never fails: syntax errors become issues and the parser resumes at
/// the next document.
pub fn parse(text: &str) -> YamlFile {
    parse_with(text, Limits::default())
}

struct Done {
    node: Node,
    depth: usize,
    count: usize,
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
        depth: usize,
        count: usize,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<Entry>,
        key: Option<Node>,
        depth: usize,
        count: usize,
    },
}

struct Builder<'t> {
    text: &'t str,
    limits: Limits,
    file: YamlFile,
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, usize, usize)>,
    copied: usize,
    root: Option<Node>,
    doc_start: usize,
}

pub fn parse_with(text: &str, limits: Limits) -> YamlFile {
    // The block YAML that charts are made of takes the fast path; anything it does not
    // handle (anchors, tags, errors, …) goes through granit-parser, which gives the same tree.
    if let Some(file) = super::fast::parse(text) {
        return file;
    }
    parse_granit(text, limits)
}

/// Parses a YAML stream with granit-parser alone (the reference the fast path is checked
/// against; [`parse_with`] gives the same tree).
pub fn parse_granit(text: &str, limits: Limits) -> YamlFile {
    let options = granit_parser::options! {
        max_buffered_comment_events: usize::MAX / 2,
        simple_key_max_lookahead: 1 << 20,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut b = Builder {
        text,
        limits,
        file: YamlFile::default(),
        stack: Vec::new(),
        anchors: HashMap::new(),
        copied: 0,
        root: None,
        doc_start: 0,
    };
    loop {
        match parser.next() {
            None => break,
            Some(Ok((event, span))) => {
                let range = span.byte_range().unwrap_or_else(|| {
                    b.char_to_byte(span.start.index())..b.char_to_byte(span.end.index())
                });
                b.event(event, Span::new(range.start, range.end));
            }
            Some(Err(err)) => {
                b.syntax_error(&err);
                match parser.proceed_next_document() {
                    Ok(true) => continue,
                    _ => break,
                }
            }
        }
    }
    b.file
}

impl Builder<'_> {
    fn char_to_byte(&self, chars: usize) -> usize {
        if self.text.is_ascii() {
            return chars.min(self.text.len());
        }
        self.text
            .char_indices()
            .nth(chars)
            .map(|(i, _)| i)
            .unwrap_or(self.text.len())
    }

    fn syntax_error(&mut self, err: &ScanError) {
        let m = err.marker();
        let at = m
            .byte_offset()
            .unwrap_or_else(|| self.char_to_byte(m.index()));
        let at = at.min(self.text.len());
        let mut message = err.info();
        if let Some(first) = message.get(..1) {
            message = first.to_uppercase() + &message[1..];
        }
        self.file.issues.push(YamlIssue {
            kind: YamlIssueKind::Syntax,
            span: Span::new(at, (at + 1).min(self.text.len()).max(at)),
            message,
        });
        self.stack.clear();
        self.root = None;
        self.file.documents.push(Document {
            root: None,
            span: Span::new(self.doc_start, at),
        });
    }

    fn event(&mut self, event: Event<'_>, span: Span) {
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Anchor(..) => {}
            Event::DocumentStart(..) => {
                self.stack.clear();
                self.root = None;
                self.doc_start = span.start as usize;
            }
            Event::DocumentEnd => {
                let root = self.root.take();
                let span = root
                    .as_ref()
                    .map(|r| r.span)
                    .unwrap_or(Span::empty(self.doc_start));
                self.file.documents.push(Document { root, span });
            }
            Event::Comment(..) => self.file.comments.push(Comment { span }),
            Event::Scalar(text, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let core = tag
                    .as_ref()
                    .and_then(|t| t.core_suffix().map(str::to_string));
                let value = resolve(&text, style, core.as_deref());
                let node = Node {
                    span,
                    kind: NodeKind::Scalar(Scalar {
                        text: text.into_owned(),
                        style,
                        value,
                        tag: tag.map(|t| t.original()),
                    }),
                    alias: None,
                    duplicate_keys: false,
                    index: None,
                };
                self.finish(
                    Done {
                        node,
                        depth: 1,
                        count: 1,
                    },
                    anchor,
                );
            }
            Event::Alias(id) => {
                let done = match self.anchors.get(&id) {
                    Some((node, depth, count)) => {
                        if self.copied + count > self.limits.alias_nodes {
                            self.limit_issue(YamlIssueKind::AliasLimit, span, format!(
                                "Aliases copy in more than {} nodes; the rest of this document's aliases are left empty",
                                self.limits.alias_nodes
                            ));
                            None
                        } else if self.stack.len() + depth > self.limits.depth {
                            self.limit_issue(
                                YamlIssueKind::DepthLimit,
                                span,
                                format!(
                                    "This alias nests the document deeper than {} levels",
                                    self.limits.depth
                                ),
                            );
                            None
                        } else {
                            self.copied += count;
                            let mut node = node.clone();
                            node.alias = Some(span);
                            Some(Done {
                                node,
                                depth: *depth,
                                count: *count,
                            })
                        }
                    }
                    None => None,
                };
                let done = done.unwrap_or_else(|| Done {
                    node: null_node(span),
                    depth: 1,
                    count: 1,
                });
                self.finish(done, 0);
            }
            Event::UnresolvedAlias(name) => {
                self.limit_issue(
                    YamlIssueKind::Syntax,
                    span,
                    format!("Unknown anchor `{name}`"),
                );
                self.finish(
                    Done {
                        node: null_node(span),
                        depth: 1,
                        count: 1,
                    },
                    0,
                );
            }
            Event::SequenceStart(_, anchor, _) => self.stack.push(Frame::Seq {
                start: span.start as usize,
                anchor,
                items: Vec::new(),
                depth: 0,
                count: 0,
            }),
            Event::MappingStart(_, anchor, _) => self.stack.push(Frame::Map {
                start: span.start as usize,
                anchor,
                entries: Vec::new(),
                key: None,
                depth: 0,
                count: 0,
            }),
            Event::SequenceEnd => {
                if let Some(Frame::Seq {
                    start,
                    anchor,
                    items,
                    depth,
                    count,
                }) = self.stack.pop()
                {
                    let end = items
                        .last()
                        .map(|n| n.span.end as usize)
                        .unwrap_or(span.end as usize);
                    let node = Node {
                        span: Span::new(start, end.max(start)),
                        kind: NodeKind::Seq(items),
                        alias: None,
                        duplicate_keys: false,
                        index: None,
                    };
                    self.finish(
                        Done {
                            node,
                            depth: depth + 1,
                            count: count + 1,
                        },
                        anchor,
                    );
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Map {
                    start,
                    anchor,
                    entries,
                    depth,
                    count,
                    ..
                }) = self.stack.pop()
                {
                    let end = entries
                        .last()
                        .map(|e| e.value.span.end.max(e.key.span.end) as usize)
                        .unwrap_or(span.end as usize);
                    let (entries, duplicate_keys) = check_and_merge(entries, &mut self.file.issues);
                    let index = key_index(&entries);
                    let node = Node {
                        span: Span::new(start, end.max(start)),
                        kind: NodeKind::Map(entries),
                        alias: None,
                        duplicate_keys,
                        index,
                    };
                    self.finish(
                        Done {
                            node,
                            depth: depth + 1,
                            count: count + 1,
                        },
                        anchor,
                    );
                }
            }
            _ => {}
        }
    }

    fn limit_issue(&mut self, kind: YamlIssueKind, span: Span, message: String) {
        if !self.file.issues.iter().any(|i| i.kind == kind) {
            self.file.issues.push(YamlIssue {
                kind,
                span,
                message,
            });
        }
    }

    fn finish(&mut self, done: Done, anchor: usize) {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (done.node.clone(), done.depth, done.count));
        }
        match self.stack.last_mut() {
            None => self.root = Some(done.node),
            Some(Frame::Seq {
                items,
                depth,
                count,
                ..
            }) => {
                *depth = (*depth).max(done.depth);
                *count += done.count;
                items.push(done.node);
            }
            Some(Frame::Map {
                entries,
                key,
                depth,
                count,
                ..
            }) => {
                *depth = (*depth).max(done.depth);
                *count += done.count;
                match key.take() {
                    None => *key = Some(done.node),
                    Some(k) => entries.push(Entry {
                        key: k,
                        value: done.node,
                    }),
                }
            }
        }
    }
}

/// Reports duplicate keys and expands `<<` merge keys (explicit keys win; in
/// `<<: [*a, *b]` the earlier source wins).
/// Returns the entries and whether two keys are the same (as JSON keys, the way Helm
/// compares them, or as written).
pub(super) fn check_and_merge(
    entries: Vec<Entry>,
    issues: &mut Vec<YamlIssue>,
) -> (Vec<Entry>, bool) {
    use std::borrow::Cow;
    // A small mapping of string keys (most of them) compares its keys directly: the same
    // issues, in the same order, as the hashed check below.
    let string_key =
        |e: &Entry| matches!(&e.key.kind, NodeKind::Scalar(s) if s.value == Value::Str);
    if entries.len() <= 8
        && entries
            .iter()
            .all(|e| string_key(e) && !is_merge_key(&e.key))
    {
        let mut duplicates = false;
        for (i, e) in entries.iter().enumerate() {
            let key = e.key_str().unwrap_or_default();
            if let Some(first) = entries[..i].iter().find(|f| f.key_str() == Some(key)) {
                duplicates = true;
                issues.push(YamlIssue {
                    kind: YamlIssueKind::DuplicateKey {
                        first: first.key.span,
                    },
                    span: e.key.span,
                    message: format!(
                        "Duplicate key `{key}`: the later value silently replaces the earlier one"
                    ),
                });
            }
        }
        return (entries, duplicates);
    }
    // Keys as Helm compares them (their JSON form), borrowed for string keys; and as
    // written, which is what [`Node::entries`] compares.
    let mut seen: crate::FastMap<Cow<'_, str>, Span> =
        crate::FastMap::with_capacity_and_hasher(entries.len(), Default::default());
    let mut written: crate::FastSet<&str> =
        crate::FastSet::with_capacity_and_hasher(entries.len(), Default::default());
    let mut has_merge = false;
    let mut duplicates = false;
    for e in &entries {
        if is_merge_key(&e.key) {
            has_merge = true;
            continue;
        }
        let Some(scalar) = e.key.as_scalar() else {
            continue;
        };
        duplicates |= !written.insert(&scalar.text);
        let key = match scalar.value {
            Value::Str => Cow::Borrowed(scalar.text.as_str()),
            _ => Cow::Owned(e.key_json_string()),
        };
        if let Some(first) = seen.get(&key) {
            duplicates = true;
            issues.push(YamlIssue {
                kind: YamlIssueKind::DuplicateKey { first: *first },
                span: e.key.span,
                message: format!(
                    "Duplicate key `{key}`: the later value silently replaces the earlier one"
                ),
            });
        } else {
            seen.insert(key, e.key.span);
        }
    }
    if !has_merge {
        return (entries, duplicates);
    }
    let mut seen: HashMap<String, Span> = seen
        .into_iter()
        .map(|(k, span)| (k.into_owned(), span))
        .collect();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        if !is_merge_key(&e.key) {
            out.push(e);
            continue;
        }
        let merge_span = e.value.alias.unwrap_or(e.value.span);
        let sources: Vec<Node> = match e.value.kind {
            NodeKind::Map(_) => vec![e.value],
            NodeKind::Seq(items) => items,
            NodeKind::Scalar(_) => Vec::new(),
        };
        for src in sources {
            if let NodeKind::Map(src_entries) = src.kind {
                for mut se in src_entries {
                    let key = se.key_json_string();
                    if seen.contains_key(&key) {
                        continue;
                    }
                    seen.insert(key, se.key.span);
                    se.value.alias.get_or_insert(merge_span);
                    out.push(se);
                }
            }
        }
    }
    (out, duplicates)
}

/// Mappings with more entries than this get a key index.
const INDEXED_MAP: usize = 16;

/// The index of a large mapping whose keys are all strings: each key's last entry.
#[allow(clippy::box_collection)] // boxed: one pointer in every node, not a whole map
pub(super) fn key_index(entries: &[Entry]) -> Option<Box<crate::FastMap<String, u32>>> {
    if entries.len() <= INDEXED_MAP || entries.len() > u32::MAX as usize {
        return None;
    }
    let mut index = crate::FastMap::with_capacity_and_hasher(entries.len(), Default::default());
    for (i, e) in entries.iter().enumerate() {
        match &e.key.kind {
            NodeKind::Scalar(k) if k.value == Value::Str => {
                index.insert(k.text.clone(), i as u32);
            }
            _ => return None,
        }
    }
    Some(Box::new(index))
}

fn is_merge_key(key: &Node) -> bool {
    matches!(&key.kind, NodeKind::Scalar(s) if s.style == Style::Plain && s.text == "<<" && s.tag.is_none())
}

fn null_node(span: Span) -> Node {
    Node {
        span,
        kind: NodeKind::Scalar(Scalar {
            text: String::new(),
            style: Style::Plain,
            value: Value::Null,
            tag: None,
        }),
        alias: None,
        duplicate_keys: false,
        index: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice<'a>(text: &'a str, n: &Node) -> &'a str {
        &text[n.span.range()]
    }

    #[test]
    fn spans_of_keys_and_values_are_bytes() {
        let text = "a: \"héllo ✓\"\nb:\n  c: 0777\n  d: [1, yes]\n";
        let f = parse(text);
        assert!(f.issues.is_empty(), "{:?}", f.issues);
        let root = f.root().unwrap();
        assert_eq!(slice(text, root.get("a").unwrap()), "\"héllo ✓\"");
        let c = root.get_path(&["b", "c"]).unwrap();
        assert_eq!(slice(text, c), "0777");
        assert_eq!(c.as_i64(), Some(511));
        let d = root.get_path(&["b", "d"]).unwrap().as_seq().unwrap();
        assert_eq!(d[1].as_bool(), Some(true));
        assert_eq!(slice(text, &root.entry("b").unwrap().key), "b");
    }

    #[test]
    fn duplicate_keys_are_reported_and_last_wins() {
        let text = "a: 1\nb: 2\na: 3\n";
        let f = parse(text);
        let root = f.root().unwrap();
        assert_eq!(root.get("a").unwrap().as_i64(), Some(3));
        assert_eq!(f.issues.len(), 1);
        assert_eq!(
            f.issues[0].kind,
            YamlIssueKind::DuplicateKey {
                first: Span::new(0, 1)
            }
        );
        assert_eq!(f.issues[0].span, Span::new(10, 11));
        assert_eq!(root.entries().count(), 2);
    }

    #[test]
    fn merge_keys_explicit_wins_and_earlier_source_wins() {
        let text = "a: &a {x: 1, y: 1}\nb: &b {x: 2, z: 2}\nc:\n  <<: [*a, *b]\n  y: 9\n";
        let f = parse(text);
        let c = f.root().unwrap().get("c").unwrap();
        assert_eq!(c.get("x").unwrap().as_i64(), Some(1));
        assert_eq!(c.get("y").unwrap().as_i64(), Some(9));
        assert_eq!(c.get("z").unwrap().as_i64(), Some(2));
        assert!(c.get("<<").is_none());
    }

    #[test]
    fn alias_bomb_is_stopped() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in "bcdefghijk".chars() {
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let f = parse(&text);
        assert!(f.issues.iter().any(|i| i.kind == YamlIssueKind::AliasLimit));
    }

    #[test]
    fn syntax_error_recovers_at_next_document() {
        let text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n";
        let f = parse(text);
        assert_eq!(f.issues.len(), 1);
        assert_eq!(f.issues[0].kind, YamlIssueKind::Syntax);
        let roots: Vec<_> = f.documents.iter().filter_map(|d| d.root.as_ref()).collect();
        assert_eq!(roots.len(), 2);
        assert!(roots[1].get("c").is_some());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        let f = parse(&text);
        assert!(f.has_syntax_error());
        let text = (0..10_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect::<String>();
        let f = parse(&text);
        assert!(f.has_syntax_error());
    }

    #[test]
    fn comments_bom_and_crlf() {
        let text = "\u{feff}# top\r\na: 1 # right\r\n";
        let f = parse(text);
        assert_eq!(f.comments.len(), 2);
        assert_eq!(&text[f.comments[1].span.range()], "# right");
        assert_eq!(f.comments[1].text(text), " right");
        let a = f.root().unwrap().get("a").unwrap();
        assert_eq!(&text[a.span.range()], "1");
    }
}
