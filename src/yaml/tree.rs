//! The spanned YAML tree: every key and value keeps its byte span and source style.

use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl Style {
    pub fn is_quoted(self) -> bool {
        matches!(self, Style::SingleQuoted | Style::DoubleQuoted)
    }
}

/// A scalar typed the way Helm reads it (go-yaml v2, YAML 1.1 resolution).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str,
}

impl Value {
    /// The name of the type as a chart author would say it (helm-docs wording).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str => "string",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Scalar {
    /// The value after YAML escape processing (for block scalars, the folded content).
    pub text: String,
    pub style: Style,
    pub value: Value,
    /// An explicit tag such as `!!str`, as written.
    pub tag: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: Node,
    pub value: Node,
}

#[derive(Clone, Debug)]
pub enum NodeKind {
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

#[derive(Clone, Debug)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
    /// Set when this node was copied in by an alias or a merge key: the span of the `*alias`.
    pub alias: Option<Span>,
    /// A mapping in which two keys are the same (see [`Node::entries`]); `false` otherwise.
    pub duplicate_keys: bool,
    /// For a large mapping whose keys are all strings: each key's last entry (see
    /// [`Node::entry`]), so lookups do not scan thousands of entries.
    #[allow(clippy::box_collection)] // boxed: one pointer in every node, not a whole map
    pub index: Option<Box<crate::FastMap<String, u32>>>,
}

impl Node {
    pub fn as_scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            NodeKind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(
            &self.kind,
            NodeKind::Scalar(Scalar {
                value: Value::Null,
                ..
            })
        )
    }

    /// The string content of a scalar that Helm reads as a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar(s) if s.value == Value::Str => Some(&s.text),
            _ => None,
        }
    }

    /// Scalar text whatever its type (`1.20` gives "1.20").
    pub fn scalar_text(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_str())
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.kind {
            NodeKind::Scalar(Scalar {
                value: Value::Bool(b),
                ..
            }) => Some(*b),
            _ => None,
        }
    }

    /// A number as Helm sees it (all numbers are float64 after the JSON step).
    pub fn as_f64(&self) -> Option<f64> {
        match &self.kind {
            NodeKind::Scalar(Scalar {
                value: Value::Int(i),
                ..
            }) => Some(*i as f64),
            NodeKind::Scalar(Scalar {
                value: Value::Float(f),
                ..
            }) => Some(*f),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.kind {
            NodeKind::Scalar(Scalar {
                value: Value::Int(i),
                ..
            }) => Some(*i),
            NodeKind::Scalar(Scalar {
                value: Value::Float(f),
                ..
            }) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
            _ => None,
        }
    }

    /// The type name as helm-docs infers it: bool, int, float, string, object, list, null.
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar(s) => s.value.type_name(),
            NodeKind::Seq(_) => "list",
            NodeKind::Map(_) => "object",
        }
    }

    /// The value for a key; with duplicate keys the last one wins, as in Helm.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        let map = self.as_map()?;
        if let Some(index) = &self.index {
            return index.get(key).and_then(|&i| map.get(i as usize));
        }
        map.iter().rev().find(|e| e.key_str() == Some(key))
    }

    /// The entry whose key is `key` as Helm compares keys (their JSON form), as
    /// [`Node::entries`] keeps it.
    pub fn entry_json(&self, key: &str) -> Option<&Entry> {
        if let (Some(index), Some(map)) = (&self.index, self.as_map()) {
            return index.get(key).and_then(|&i| map.get(i as usize));
        }
        self.entries().find(|e| e.key_json_is(key))
    }

    /// Follows a dotted path of mapping keys.
    pub fn get_path(&self, path: &[&str]) -> Option<&Node> {
        let mut node = self;
        for key in path {
            node = node.get(key)?;
        }
        Some(node)
    }

    /// Mapping entries with duplicate keys collapsed the way Helm collapses them
    /// (the last occurrence wins, at the position of its first occurrence).
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        let entries = self.as_map().unwrap_or(&[]);
        // Almost every mapping has distinct keys (the parser records which do not).
        let dups = self.duplicate_keys;
        // Which entries survive: small maps compare directly, large ones index the last
        // occurrence of each key (a 170,000-key map must not be quadratic).
        let keep: Option<Vec<bool>> = (dups && entries.len() > 32).then(|| {
            let mut last: std::collections::HashMap<&str, usize> =
                std::collections::HashMap::with_capacity(entries.len());
            for (i, e) in entries.iter().enumerate() {
                if let Some(k) = e.key_str() {
                    last.insert(k, i);
                }
            }
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| e.key_str().is_none_or(|k| last.get(k) == Some(&i)))
                .collect()
        });
        entries
            .iter()
            .enumerate()
            .filter(move |(i, e)| match &keep {
                _ if !dups => true,
                Some(k) => k[*i],
                None => {
                    let k = e.key_str();
                    k.is_none() || !entries[i + 1..].iter().any(|later| later.key_str() == k)
                }
            })
            .map(|(_, e)| e)
    }

    /// Converts to JSON the way Helm does (sigs.k8s.io/yaml): keys become strings,
    /// duplicate keys collapse to the last.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            NodeKind::Scalar(s) => match &s.value {
                Value::Null => J::Null,
                Value::Bool(b) => J::Bool(*b),
                Value::Int(i) => J::from(*i),
                Value::Float(f) => serde_json::Number::from_f64(*f)
                    .map(J::Number)
                    .unwrap_or(J::Null),
                Value::Str => J::String(s.text.clone()),
            },
            NodeKind::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(_) => {
                let mut m = serde_json::Map::new();
                for e in self.entries() {
                    m.insert(e.key_json_string(), e.value.to_json());
                }
                J::Object(m)
            }
        }
    }
}

impl Entry {
    /// The key as text, when it is a scalar.
    pub fn key_str(&self) -> Option<&str> {
        self.key.scalar_text()
    }

    /// Whether [`Entry::key_json_string`] is `k`, without building it for string keys.
    pub fn key_json_is(&self, k: &str) -> bool {
        match &self.key.kind {
            NodeKind::Scalar(s) if matches!(s.value, Value::Str) => s.text == k,
            _ => self.key_json_string() == k,
        }
    }

    /// The key as Helm's JSON step writes it (`yes:` becomes `"true"`).
    pub fn key_json_string(&self) -> String {
        match &self.key.kind {
            NodeKind::Scalar(s) => match &s.value {
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".to_string(),
                Value::Int(i) => i.to_string(),
                Value::Float(f) => f.to_string(),
                Value::Str => s.text.clone(),
            },
            _ => String::from("<complex key>"),
        }
    }
}

/// A YAML comment with its span (covering `#` up to the end of the line). Its text is the
/// source's: most files have hundreds of comments and nothing reads them from the tree.
#[derive(Clone, Debug)]
pub struct Comment {
    pub span: Span,
}

impl Comment {
    /// The text after `#`, read from the source the comment was parsed from.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.span.start as usize + 1..self.span.end as usize)
            .unwrap_or("")
    }
}

/// One document of a stream.
#[derive(Clone, Debug)]
pub struct Document {
    /// `None` for an empty document or one abandoned after a syntax error.
    pub root: Option<Node>,
    /// Span from the document's first to its last byte of content.
    pub span: Span,
}

/// A problem found while reading YAML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YamlIssueKind {
    Syntax,
    DuplicateKey { first: Span },
    AliasLimit,
    DepthLimit,
    Tab,
}

#[derive(Clone, Debug)]
pub struct YamlIssue {
    pub kind: YamlIssueKind,
    pub span: Span,
    pub message: String,
}

/// A parsed YAML file: its documents, comments and the problems found while reading it.
#[derive(Clone, Debug, Default)]
pub struct YamlFile {
    pub documents: Vec<Document>,
    pub comments: Vec<Comment>,
    pub issues: Vec<YamlIssue>,
}

impl YamlFile {
    /// The root of the first non-empty document.
    pub fn root(&self) -> Option<&Node> {
        self.documents.iter().find_map(|d| d.root.as_ref())
    }

    pub fn has_syntax_error(&self) -> bool {
        self.issues.iter().any(|i| {
            i.kind != YamlIssueKind::Tab && !matches!(i.kind, YamlIssueKind::DuplicateKey { .. })
        })
    }
}

/// Depth-first walk over every node with its dotted path, as helm-docs spells it
/// (`a.b`, `list[0]`, `annotations."x.y/z"`).
pub fn walk<'a>(node: &'a Node, f: &mut dyn FnMut(&str, Option<&'a Entry>, &'a Node)) {
    fn go<'a>(
        path: &mut String,
        entry: Option<&'a Entry>,
        node: &'a Node,
        f: &mut dyn FnMut(&str, Option<&'a Entry>, &'a Node),
    ) {
        f(path, entry, node);
        match &node.kind {
            NodeKind::Map(_) => {
                for e in node.entries() {
                    let len = path.len();
                    match &e.key.kind {
                        NodeKind::Scalar(k) if k.value == Value::Str => push_key(path, &k.text),
                        _ => push_key(path, &e.key_json_string()),
                    }
                    go(path, Some(e), &e.value, f);
                    path.truncate(len);
                }
            }
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    let len = path.len();
                    let _ = std::fmt::Write::write_fmt(path, format_args!("[{i}]"));
                    go(path, None, item, f);
                    path.truncate(len);
                }
            }
            NodeKind::Scalar(_) => {}
        }
    }
    let mut path = String::new();
    go(&mut path, None, node, f);
}

/// Appends one key to a dotted path, quoting keys that hold `.` or spaces.
pub fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    if key.contains(['.', ' ', '[', ']']) {
        path.push('"');
        path.push_str(key);
        path.push('"');
    } else {
        path.push_str(key);
    }
}
