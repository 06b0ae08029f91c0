//! Documented values: the README values tables (helm-docs `Key | Type | Default | Description`,
//! Bitnami `Name | Description | Value`, and the classic hand-written
//! `Parameter | Description | Default`) and the documentation comments in values.yaml
//! (helm-docs `# --`, `# -- (type)`, `# @default --`, old-style `# key -- text`; Bitnami
//! `## @param key [modifiers] text`, `## @extra key text` and `## @skip key`).
//!
//! `## @param` names are absolute paths in the Bitnami layout; some charts name the key
//! relative to the block the comment sits in (`## @param enabled` above `enabled:` inside
//! `processAgent:`). A name that does not resolve as an absolute path but resolves relative to
//! the comment's block is read that way.

use super::Chart;
use crate::source::{File, Span};
use crate::yaml::{Node, walk};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// helm-docs: `Key | Type | Default | Description`, defaults as JSON in backticks.
    HelmDocs,
    /// readme-generator-for-helm: `Name | Description | Value`, values in backticks.
    Bitnami,
    /// Hand-written `Parameter | Description | Default`: defaults written loosely.
    Classic,
}

/// One row of a README values table, its texts read from the README.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub key: &'a str,
    pub key_span: Span,
    pub ty: Option<(&'a str, Span)>,
    /// The default cell with backticks removed.
    pub default: Option<(&'a str, Span)>,
    pub layout: Layout,
}

/// A key documented by a comment in values.yaml.
#[derive(Debug, Clone)]
pub struct Commented {
    /// The absolute path of the key.
    pub key: String,
    /// The comment's span.
    pub span: Span,
    /// helm-docs `(type)` hint.
    pub ty: Option<String>,
    /// helm-docs `@default`, or a Bitnami modifier (`[array]`, `[object]`, `[string]`,
    /// `[nullable]`, `[default: …]`): the README prints a placeholder or a description on
    /// purpose, not the value.
    pub custom_default: bool,
    /// Bitnami `@skip`: the key and its children need no documentation.
    pub skip: bool,
    /// Bitnami `@param` (a documented key that must exist).
    pub param: bool,
    /// Bitnami `@extra`: documents a key values.yaml does not set on purpose.
    pub extra: bool,
    /// A `@param` named relative to its block.
    pub relative: bool,
    /// A `@param` whose name matched nothing, neither as an absolute path nor relative to its
    /// block.
    pub unresolved: bool,
}

/// Everything a chart documents about its values.
#[derive(Debug, Default)]
pub struct Docs {
    /// The README, when it has a values table.
    pub readme: Option<File>,
    table: Table,
    pub comments: Vec<Commented>,
    /// `@param` names are relative to their block in this chart (more of them resolve that way
    /// than as absolute paths).
    pub relative_params: bool,
    values: Option<File>,
    /// Key names that appear in commented-out YAML in values.yaml (`# fsGroup: 1000`), read
    /// on first use.
    commented_keys: std::sync::OnceLock<std::collections::HashSet<String>>,
    patterns: Patterns,
    /// The first comment of each key, indexed on first use.
    comment_index: std::sync::OnceLock<crate::FastMap<String, usize>>,
}

/// Patterns longer than this are matched one by one rather than through the indexes.
const INDEXED_DEPTH: usize = 64;

/// The documented paths, indexed so that each lookup costs the length of the path rather
/// than the number of documented keys (a README of thousands of rows).
#[derive(Debug)]
struct Patterns {
    /// The patterns without wildcards (up to [`INDEXED_DEPTH`] segments) as a tree of
    /// segments: node 0 is the root (the empty path), and every node a prefix of a pattern.
    nodes: Vec<PatNode>,
    /// Patterns with a wildcard or longer than [`INDEXED_DEPTH`], matched one by one.
    other: Vec<Vec<Seg>>,
}

#[derive(Debug, Default)]
struct PatNode {
    keys: crate::FastMap<Box<str>, u32>,
    indices: Vec<(usize, u32)>,
    /// A pattern ends here.
    end: bool,
}

impl Default for Patterns {
    fn default() -> Patterns {
        Patterns {
            nodes: vec![PatNode::default()],
            other: Vec::new(),
        }
    }
}

impl PatNode {
    fn has_children(&self) -> bool {
        !self.keys.is_empty() || !self.indices.is_empty()
    }

    fn children(&self) -> impl Iterator<Item = usize> + '_ {
        self.keys
            .values()
            .chain(self.indices.iter().map(|(_, c)| c))
            .map(|&c| c as usize)
    }
}

impl Patterns {
    /// Indexes the documented paths (malformed ones are left out).
    fn new<'a>(all: impl Iterator<Item = &'a str>) -> Patterns {
        let mut p = Patterns::default();
        // A key documented twice (in the README and in values.yaml) is indexed once.
        let mut seen = crate::FastSet::default();
        // The segments of one path, read once.
        let mut segs: Vec<SegRef<'a>> = Vec::new();
        for path in all {
            if !seen.insert(path) {
                continue;
            }
            segs.clear();
            let mut wild = false;
            let ok = each_segment(path, |s| {
                wild |= matches!(s, SegRef::Any);
                segs.push(s);
                Some(())
            })
            .is_some();
            if !ok || segs.is_empty() {
                continue;
            }
            if wild || segs.len() > INDEXED_DEPTH {
                p.other.extend(pattern(path));
                continue;
            }
            let mut node = 0usize;
            for &s in &segs {
                node = p.child_or_insert(node, s);
            }
            p.nodes[node].end = true;
        }
        p
    }

    fn child_or_insert(&mut self, node: usize, s: SegRef<'_>) -> usize {
        if let Some(c) = self.child_ref(node, &s) {
            return c;
        }
        let c = self.nodes.len();
        self.nodes.push(PatNode::default());
        let n = &mut self.nodes[node];
        match s {
            SegRef::Key(k) => {
                n.keys.insert(k.into(), c as u32);
            }
            SegRef::Index(i) => n.indices.push((i, c as u32)),
            SegRef::Any => unreachable!("wildcard patterns are not indexed"),
        }
        c
    }

    fn child_ref(&self, node: usize, s: &SegRef<'_>) -> Option<usize> {
        let n = &self.nodes[node];
        match s {
            SegRef::Key(k) => n.keys.get(*k).map(|&c| c as usize),
            SegRef::Index(i) => n
                .indices
                .iter()
                .find(|(j, _)| j == i)
                .map(|&(_, c)| c as usize),
            SegRef::Any => None,
        }
    }

    fn child(&self, node: usize, s: &Seg) -> Option<usize> {
        match s {
            Seg::Key(k) => self.child_ref(node, &SegRef::Key(k)),
            Seg::Index(i) => self.child_ref(node, &SegRef::Index(*i)),
            Seg::Any => None,
        }
    }

    /// The nodes `path` leads to (a wildcard in `path` follows every child), each with
    /// `visit(node, depth)` until it returns true; a node's depth is the length of the
    /// prefix of `path` it stands for.
    fn walk(
        &self,
        node: usize,
        path: &[Seg],
        depth: usize,
        visit: &mut impl FnMut(usize, usize) -> bool,
    ) -> bool {
        if visit(node, depth) {
            return true;
        }
        let Some(s) = path.get(depth) else {
            return false;
        };
        if *s == Seg::Any {
            return self.nodes[node]
                .children()
                .any(|c| self.walk(c, path, depth + 1, visit));
        }
        self.child(node, s)
            .is_some_and(|c| self.walk(c, path, depth + 1, visit))
    }
}

/// One segment of a documented path; `Any` stands for `*`, `[*]` and `[]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
    Any,
}

impl Seg {
    fn borrowed(&self) -> SegRef<'_> {
        match self {
            Seg::Key(k) => SegRef::Key(k),
            Seg::Index(i) => SegRef::Index(*i),
            Seg::Any => SegRef::Any,
        }
    }

    fn matches(&self, other: &Seg) -> bool {
        match (self, other) {
            (Seg::Any, _) | (_, Seg::Any) => true,
            (a, b) => a == b,
        }
    }
}

/// One segment of a documented path, borrowed from it.
#[derive(Clone, Copy)]
enum SegRef<'a> {
    Key(&'a str),
    Index(usize),
    Any,
}

/// Reads a documented path (`a."b.c".d[0]`, `a[*].b`, `a.*`) segment by segment, handing each
/// to `f`; `None` when the path is malformed or `f` gives up.
fn each_segment<'a>(path: &'a str, mut f: impl FnMut(SegRef<'a>) -> Option<()>) -> Option<()> {
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => i += 1,
            b'"' => {
                let end = path[i + 1..].find('"')? + i + 1;
                f(SegRef::Key(&path[i + 1..end]))?;
                i = end + 1;
            }
            b'[' => {
                let end = path[i..].find(']')? + i;
                f(match path[i + 1..end].trim() {
                    "" | "*" => SegRef::Any,
                    n => SegRef::Index(n.parse().ok()?),
                })?;
                i = end + 1;
            }
            _ => {
                let end = b[i..]
                    .iter()
                    .position(|&c| c == b'.' || c == b'[')
                    .map_or(b.len(), |e| e + i);
                let k = &path[i..end];
                f(if k == "*" {
                    SegRef::Any
                } else {
                    SegRef::Key(k)
                })?;
                i = end;
            }
        }
    }
    Some(())
}

/// Splits a documented path (`a."b.c".d[0]`, `a[*].b`, `a.*`) into segments.
pub fn pattern(path: &str) -> Option<Vec<Seg>> {
    let mut out = Vec::new();
    each_segment(path, |s| {
        out.push(match s {
            SegRef::Key(k) => Seg::Key(k.to_string()),
            SegRef::Index(n) => Seg::Index(n),
            SegRef::Any => Seg::Any,
        });
        Some(())
    })?;
    (!out.is_empty()).then_some(out)
}

fn prefix_of(short: &[Seg], long: &[Seg]) -> bool {
    short.len() <= long.len() && short.iter().zip(long).all(|(a, b)| a.matches(b))
}

impl Docs {
    /// Whether the chart documents its values at all.
    pub fn any(&self) -> bool {
        !self.table.is_empty() || self.comments.iter().any(|c| !c.skip)
    }

    /// The rows of the README's values tables.
    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> + Clone {
        let text = self.readme.as_ref().map_or("", |r| r.text.as_str());
        self.table.rows(text)
    }

    /// Key names that appear in commented-out YAML in values.yaml (`# fsGroup: 1000`).
    pub fn commented_keys(&self) -> &std::collections::HashSet<String> {
        self.commented_keys.get_or_init(|| match &self.values {
            Some(v) => commented_keys(v),
            None => Default::default(),
        })
    }

    /// Whether the value at `path` is documented, itself or through a documented (or
    /// skipped) parent.
    pub fn covers(&self, path: &[Seg]) -> bool {
        let pats = &self.patterns;
        // A pattern (never empty) ends on the way.
        pats.walk(0, path, 0, &mut |n, depth| depth > 0 && pats.nodes[n].end)
            || pats.other.iter().any(|p| prefix_of(p, path))
    }

    /// Whether some documented key lies below `path`.
    pub fn documents_below(&self, path: &[Seg]) -> bool {
        let pats = &self.patterns;
        let longer = |p: &Vec<Seg>| p.len() > path.len() && prefix_of(path, p);
        // The whole of `path` leads to a node with a longer pattern below it.
        pats.walk(0, path, 0, &mut |n, depth| {
            depth == path.len() && pats.nodes[n].has_children()
        }) || pats.other.iter().any(longer)
    }

    /// For a path with quoted keys (`a."b.c"`), whether a documented key written without the
    /// quotes (`a.b.c`) covers it (`Some(true)`), lies below it (`Some(false)`) or neither.
    pub fn unquoted(&self, path: &str) -> Option<bool> {
        if !path.contains('"') {
            return None;
        }
        let plain = path.replace('"', "");
        let under = |a: &str, b: &str| {
            a.strip_prefix(b)
                .is_some_and(|r| r.is_empty() || r.starts_with(['.', '[']))
        };
        let keys = self
            .rows()
            .map(|r| r.key)
            .chain(self.comments.iter().map(|c| c.key.as_str()));
        let mut below = false;
        for k in keys {
            if under(&plain, k) {
                return Some(true);
            }
            below |= under(k, &plain);
        }
        below.then_some(false)
    }

    /// The Bitnami comment for `key`, if any.
    pub fn comment(&self, key: &str) -> Option<&Commented> {
        let index = self.comment_index.get_or_init(|| {
            let mut index = crate::FastMap::default();
            for (i, c) in self.comments.iter().enumerate() {
                index.entry(c.key.clone()).or_insert(i);
            }
            index
        });
        index.get(key).map(|&i| &self.comments[i])
    }
}

/// `a.b[0].c` → `a.b[0]` → `a.b` → `a`; quoted segments are kept whole.
pub fn parent_path(path: &str) -> Option<&str> {
    let b = path.as_bytes();
    let mut in_quote = false;
    let mut cut = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'"' => in_quote = !in_quote,
            b'.' | b'[' if !in_quote => cut = Some(i),
            _ => {}
        }
    }
    cut.map(|i| &path[..i])
}

/// The README table and the values comments of a chart, read once per run.
pub fn read(chart: &Chart) -> &Docs {
    chart.docs_cache.get_or_init(|| read_uncached(chart))
}

fn read_uncached(chart: &Chart) -> Docs {
    let mut docs = Docs::default();
    if let Some(readme) = &chart.readme {
        docs.table = table(readme);
        if !docs.table.is_empty() {
            docs.readme = Some(readme.clone());
        }
    }
    if let Some(values) = &chart.values {
        let root = values.yaml.root();
        docs.comments = comments(&values.file, root);
        let relative = docs
            .comments
            .iter()
            .filter(|c| c.param && c.relative)
            .count();
        let absolute = docs
            .comments
            .iter()
            .filter(|c| c.param && !c.relative && !c.unresolved)
            .count();
        docs.relative_params = relative > absolute;
        docs.values = Some(values.file.clone());
    }
    docs.patterns = Patterns::new(
        docs.rows()
            .map(|r| r.key)
            .chain(docs.comments.iter().map(|c| c.key.as_str())),
    );
    docs
}

/// Names under which subcharts read their values: dependency names and aliases (Chart.yaml or
/// requirements.yaml) and the charts present in `charts/`.
pub fn subchart_keys(chart: &Chart) -> Vec<String> {
    let mut out: Vec<String> = chart
        .subcharts
        .iter()
        .map(|s| s.name().to_string())
        .collect();
    let declared = chart.chart_yaml.iter().filter_map(|c| c.yaml.root());
    for root in declared {
        for d in root
            .get("dependencies")
            .and_then(Node::as_seq)
            .unwrap_or(&[])
        {
            for k in ["name", "alias"] {
                if let Some(n) = d.get(k).and_then(Node::as_str) {
                    out.push(n.to_string());
                }
            }
        }
    }
    for f in chart
        .files
        .iter()
        .filter(|f| f.display_path().ends_with("requirements.yaml"))
    {
        let json = crate::yaml::parse(&f.text).root().map(Node::to_json);
        for d in json
            .as_ref()
            .and_then(|j| j.get("dependencies"))
            .and_then(|d| d.as_array())
            .into_iter()
            .flatten()
        {
            for k in ["name", "alias"] {
                if let Some(n) = d.get(k).and_then(|n| n.as_str()) {
                    out.push(n.to_string());
                }
            }
        }
    }
    out
}

/// Whether `b` is an ASCII character `char::is_whitespace` accepts (vertical tab included).
fn ascii_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// `str::trim_start`, with a byte loop over ASCII (table cells are padded with spaces).
fn trim_start(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = 0;
    // Padding, eight spaces at a time.
    while i + 8 <= b.len() && b[i..i + 8] == *b"        " {
        i += 8;
    }
    while i < b.len() && ascii_ws(b[i]) {
        i += 1;
    }
    if i < b.len() && b[i] >= 0x80 {
        return s[i..].trim_start();
    }
    &s[i..]
}

/// `str::trim_end`, with a byte loop over ASCII.
fn trim_end(s: &str) -> &str {
    let b = s.as_bytes();
    let mut i = b.len();
    while i >= 8 && b[i - 8..i] == *b"        " {
        i -= 8;
    }
    while i > 0 && ascii_ws(b[i - 1]) {
        i -= 1;
    }
    if i > 0 && b[i - 1] >= 0x80 {
        return s[..i].trim_end();
    }
    &s[..i]
}

/// `str::trim`, with byte loops over ASCII.
fn trim(s: &str) -> &str {
    trim_end(trim_start(s))
}

/// The lines of `text` with their start offsets, as [`File::line_range`] cuts them (without
/// `\n` or `\r\n`), without building a line index.
fn lines_at(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let at = start;
        let end = match memchr::memchr(b'\n', &text.as_bytes()[at..]) {
            Some(i) => {
                start = at + i + 1;
                at + i
            }
            None => {
                done = true;
                text.len()
            }
        };
        let line = &text[at..end];
        Some((at, line.strip_suffix('\r').unwrap_or(line)))
    })
}

/// One cell of a table row: its text as a byte range of the README (with the blanks around
/// it until [`Cell::trimmed`]), and whether it holds an escaped `\|` (its text is then read
/// with `\|` turned into `|`).
#[derive(Clone, Copy, Debug)]
struct Cell {
    start: usize,
    end: usize,
    escaped: bool,
}

impl Cell {
    fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }

    /// The cell without the blanks around its text. Only the cells a row is read for are
    /// trimmed: generated tables pad every cell, descriptions by hundreds of spaces.
    fn trimmed(&self, text: &str) -> Cell {
        let raw = &text[self.start..self.end];
        let t = trim_start(raw);
        let start = self.start + (raw.len() - t.len());
        Cell {
            start,
            end: start + trim_end(t).len(),
            escaped: self.escaped,
        }
    }
}

/// Splits a Markdown table row (a line whose first non-blank character is `|`) into cells
/// (`\|` does not split; as in GitHub's tables, an unescaped `|` splits cells even inside a
/// code span). `line_start` is the line's offset in the README.
fn cells(line: &str, line_start: usize, out: &mut Vec<Cell>) {
    out.clear();
    let rest = trim_start(line);
    let trimmed_start = line.len() - rest.len();
    let body = trim_end(rest);
    let body = body.strip_prefix('|').unwrap_or(body);
    let body = body
        .strip_suffix('|')
        .filter(|b| !b.ends_with('\\'))
        .unwrap_or(body);
    let base = line_start + trimmed_start + usize::from(rest.starts_with('|'));
    let bytes = body.as_bytes();
    let mut start = 0;
    let mut escaped = false;
    let mut push = |start: usize, end: usize, escaped: bool| {
        out.push(Cell {
            start: base + start,
            end: base + end,
            escaped,
        });
    };
    for i in memchr::memchr_iter(b'|', bytes) {
        if i > 0 && bytes[i - 1] == b'\\' {
            // Inside a cell, every `|` follows a `\`: the cell holds `\|`.
            escaped = true;
            continue;
        }
        push(start, i, escaped);
        start = i + 1;
        escaped = false;
    }
    push(start, bytes.len(), escaped);
}

/// A cell without its backticks (an unclosed one included).
fn strip_ticks(s: &str) -> &str {
    let t = trim(s);
    if t.len() >= 2 && t.starts_with('`') && t.ends_with('`') {
        trim(&t[1..t.len() - 1])
    } else if t.starts_with('`') && !t[1..].contains('`') {
        trim(&t[1..])
    } else {
        t
    }
}

/// Whether a key cell names a value path (`image.tag`, `a."b.c"`, `env[0].name`, `a.*`).
fn path_like(key: &str) -> bool {
    /// The bytes a key may hold: 1 for most, 2 for `"` and `[` (which need reading the
    /// segments), 0 for the others.
    const KEY_BYTES: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut c = 0;
        while c < 256 {
            let b = c as u8;
            if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b']' | b'*' | b'/') {
                t[c] = 1;
            } else if matches!(b, b'"' | b'[') {
                t[c] = 2;
            }
            c += 1;
        }
        t
    };
    if key.is_empty() || key.starts_with(['.', '-', '[']) {
        return false;
    }
    // Every allowed character is ASCII, so bytes can be tested one by one.
    let (mut other, mut seen) = (false, 0);
    for &c in key.as_bytes() {
        let k = KEY_BYTES[c as usize];
        other |= k == 0;
        seen |= k;
    }
    if other {
        return false;
    }
    let quoted_or_indexed = seen & 2 != 0;
    // Without quotes or brackets, a key that does not start with `.` reads as dot-separated
    // segments, at least one.
    !quoted_or_indexed || {
        // As `pattern(key).is_some()`, without building the segments.
        let mut segments = 0;
        each_segment(key, |_| {
            segments += 1;
            Some(())
        })
        .is_some()
            && segments > 0
    }
}

struct Header {
    layout: Layout,
    width: usize,
    key: usize,
    default: usize,
    ty: Option<usize>,
    description: Option<usize>,
}

impl Header {
    /// The header of a values table, from its cells' names (backticks and `*` removed;
    /// compared without regard to ASCII case).
    fn parse(names: &[&str]) -> Option<Header> {
        let col = |ns: &[&str]| {
            names
                .iter()
                .position(|x| ns.iter().any(|n| x.eq_ignore_ascii_case(n)))
        };
        let is = |i: usize, n: &str| names[i].eq_ignore_ascii_case(n);
        let description = col(&["description"]);
        let ty = col(&["type"]);
        let key = col(&["key", "parameter", "parameters", "name"])?;
        let default = col(&["default", "default value", "defaults"])
            .or(col(&["value"]).filter(|_| is(key, "name")))?;
        let layout = if ty.is_some() && is(key, "key") {
            Layout::HelmDocs
        } else if is(key, "name") && is(default, "value") {
            Layout::Bitnami
        } else if description.is_some() {
            Layout::Classic
        } else {
            return None;
        };
        Some(Header {
            layout,
            width: names.len(),
            key,
            default,
            ty,
            description,
        })
    }

    /// The cell of column `c` in a row; an unescaped `|` in the description adds cells, so
    /// the columns after the description are counted from the end.
    fn cell<'a>(&self, cs: &'a [Cell], c: usize) -> Option<&'a Cell> {
        match self.description {
            Some(d) if c > d && cs.len() > self.width => cs.get(cs.len() - (self.width - c)),
            _ => cs.get(c),
        }
    }
}

/// Where the text of a row's field is: a byte range of the README, or of
/// [`Table::unescaped`] (for cells that hold `\|`).
#[derive(Clone, Copy, Debug)]
struct Text {
    start: usize,
    end: usize,
    unescaped: bool,
}

/// One row of a README values table, as stored: its texts are ranges of the README.
#[derive(Clone, Copy, Debug)]
struct RowAt {
    key: Text,
    key_span: Span,
    ty: Option<(Text, Span)>,
    default: Option<(Text, Span)>,
    layout: Layout,
}

/// The values tables of a README: rows that point into its text.
#[derive(Debug, Default)]
pub struct Table {
    rows: Vec<RowAt>,
    /// The texts of cells holding `\|`, with `\|` turned into `|`.
    unescaped: String,
}

impl Table {
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows, read from `readme` (the text the table was parsed from).
    pub fn rows<'a>(&'a self, readme: &'a str) -> impl Iterator<Item = Row<'a>> + Clone + 'a {
        let text = move |t: Text| -> &'a str {
            let from = if t.unescaped {
                self.unescaped.as_str()
            } else {
                readme
            };
            from.get(t.start..t.end).unwrap_or("")
        };
        self.rows.iter().map(move |r| Row {
            key: text(r.key),
            key_span: r.key_span,
            ty: r.ty.map(|(t, s)| (text(t), s)),
            default: r.default.map(|(t, s)| (text(t), s)),
            layout: r.layout,
        })
    }
}

/// The text of a cell: a slice of the README, or the cell with `\|` turned into `|` (rare:
/// the one allocation of the table reader).
enum CellText<'a> {
    Source(&'a str),
    Unescaped(String),
}

impl CellText<'_> {
    fn get<'t>(text: &'t str, c: &Cell) -> CellText<'t> {
        let t = &text[c.start..c.end];
        if c.escaped {
            CellText::Unescaped(t.replace("\\|", "|"))
        } else {
            CellText::Source(t)
        }
    }

    fn as_str(&self) -> &str {
        match self {
            CellText::Source(s) => s,
            CellText::Unescaped(s) => s,
        }
    }

    /// Where `part` (a slice of this cell's text) is kept: in the README, or copied to
    /// `unescaped`.
    fn locate(&self, text: &str, part: &str, unescaped: &mut String) -> Text {
        match self {
            CellText::Source(_) => {
                let start = part.as_ptr() as usize - text.as_ptr() as usize;
                Text {
                    start,
                    end: start + part.len(),
                    unescaped: false,
                }
            }
            CellText::Unescaped(_) => {
                let start = unescaped.len();
                unescaped.push_str(part);
                Text {
                    start,
                    end: unescaped.len(),
                    unescaped: true,
                }
            }
        }
    }
}

/// Whether the cells of a row make a separator row (`|---|:---:|`). A cell holding `\|` is
/// not one: the `|` stays.
fn separator(text: &str, cs: &[Cell]) -> bool {
    cs.iter().all(|c| {
        strip_ticks(&text[c.start..c.end])
            .trim_matches('*')
            .bytes()
            .all(|c| c == b'-' || c == b':' || c == b' ')
    })
}

/// Whether a row holds nothing but the characters of a separator row, blanks, backticks and
/// stars: every byte of a row lies in one of its cells or is a `|` or a blank around them,
/// and [`separator`] reads a cell without its blanks, backticks and stars only, so a row with
/// another character (a letter, first in almost every row) is no separator.
fn plain_row(line: &str) -> bool {
    line.bytes()
        .all(|b| matches!(b, b'|' | b'-' | b':' | b'*' | b'`') || ascii_ws(b) || b >= 0x80)
}

/// Parses every values table of a README.
pub fn table(file: &File) -> Table {
    let text = file.text.as_str();
    let mut out = Table::default();
    let mut header: Option<Header> = None;
    let mut cs: Vec<Cell> = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (line_start, line) in lines_at(text) {
        if !trim_start(line).starts_with('|') {
            header = None;
            continue;
        }
        cells(line, line_start, &mut cs);
        if plain_row(line) && separator(text, &cs) {
            continue;
        }
        if header.is_none() {
            // A cell holding `\|` names no column whether or not it is unescaped.
            names.clear();
            names.extend(
                cs.iter()
                    .map(|c| strip_ticks(&text[c.start..c.end]).trim_matches('*')),
            );
            header = Header::parse(&names);
            if header.is_some() {
                continue;
            }
        }
        let Some(h) = &header else { continue };
        if cs.len() < h.width {
            continue;
        }
        let Some(key_cell) = h.cell(&cs, h.key).map(|c| c.trimmed(text)) else {
            continue;
        };
        let key_span = key_cell.span();
        let key_text = CellText::get(text, &key_cell);
        let key = key_text.as_str();
        // One cell may name several keys: `` `extraVolumes`, `extraVolumeMounts` ``.
        let several = key.contains(',');
        let mut start = 0;
        // `key.split(',')`, without searching a key with no comma again.
        let mut rest = Some(key);
        let parts = std::iter::from_fn(|| {
            let r = rest?;
            match if several { r.split_once(',') } else { None } {
                Some((part, after)) => {
                    rest = Some(after);
                    Some(part)
                }
                None => rest.take(),
            }
        });
        for part in parts {
            let part_start = start;
            start += part.len() + 1;
            // Bold keys: `**rbac.create**`.
            let inner = strip_ticks(part);
            let unbold = inner
                .strip_prefix("**")
                .and_then(|k| k.strip_suffix("**"))
                .unwrap_or(inner);
            let key_part = strip_ticks(unbold);
            if !path_like(key_part) {
                continue;
            }
            // `key_part` is a slice of `part` (trimmed of ticks, stars and spaces).
            let key_offset = part_start + (key_part.as_ptr() as usize - part.as_ptr() as usize);
            let ty = h.ty.and_then(|t| h.cell(&cs, t)).map(|c| {
                let c = c.trimmed(text);
                let t = CellText::get(text, &c);
                (t.locate(text, t.as_str(), &mut out.unescaped), c.span())
            });
            // A default shared by several keys is not compared.
            let default = h.cell(&cs, h.default).filter(|_| !several).map(|c| {
                let c = c.trimmed(text);
                let t = CellText::get(text, &c);
                let d = strip_ticks(t.as_str());
                (t.locate(text, d, &mut out.unescaped), c.span())
            });
            out.rows.push(RowAt {
                key: key_text.locate(text, key_part, &mut out.unescaped),
                key_span: key_span.sub(key_offset, key_offset + key_part.len()),
                ty,
                default,
                layout: h.layout,
            });
        }
    }
    out
}

/// Whether a comment body opens a helm-docs description: `--` followed by a space or the end
/// of the comment (not `---` separators, `--set` usage notes or `-----BEGIN` blocks).
fn helm_docs_marker(body: &str) -> Option<&str> {
    let rest = body.strip_prefix("--")?;
    if rest.is_empty() {
        return Some(rest);
    }
    rest.starts_with([' ', '\t']).then(|| rest.trim_start())
}

/// Key names in commented-out YAML (`#   fsGroup: 1000`, `# - name: x`).
fn commented_keys(file: &File) -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for line_no in 0..file.line_count() {
        let line = file.text[file.line_range(line_no)].trim_start();
        let Some(body) = line.strip_prefix('#') else {
            continue;
        };
        let body = body.trim_start_matches('#').trim_start();
        let body = body.strip_prefix("- ").unwrap_or(body).trim_start();
        if let Some((k, rest)) = body.split_once(':')
            && (rest.is_empty() || rest.starts_with(' '))
        {
            let k = k.trim_matches(['"', '\'']);
            if !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/'))
            {
                out.insert(k.to_string());
            }
        }
    }
    out
}

/// A Bitnami tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tag {
    Param,
    Extra,
    Skip,
}

/// Bitnami `@param`, `@extra` or `@skip key [modifiers] text` → (tag, key, whether modifiers
/// are present), read in one pass: as [`bitnami_tag`] with each tag in turn.
fn tag(rest: &str) -> Option<(Tag, &str, bool)> {
    let r = rest.strip_prefix('@')?;
    let (tag, p) = if let Some(p) = r.strip_prefix("param") {
        (Tag::Param, p)
    } else if let Some(p) = r.strip_prefix("extra") {
        (Tag::Extra, p)
    } else {
        (Tag::Skip, r.strip_prefix("skip")?)
    };
    if !p.starts_with([' ', '\t']) {
        return None;
    }
    let p = trim_start(p);
    // The key ends at the first blank (`char::is_whitespace`), found bytewise over ASCII.
    let b = p.as_bytes();
    let mut end = 0;
    while end < b.len() && b[end] < 0x80 && !ascii_ws(b[end]) {
        end += 1;
    }
    if end < b.len() && b[end] >= 0x80 {
        end += p[end..].find(char::is_whitespace).unwrap_or(p.len() - end);
    }
    let key = &p[..end];
    if key.is_empty() {
        return None;
    }
    let modifiers = trim_start(&p[end..]).starts_with('[');
    Some((tag, key, modifiers))
}

/// Whether a documented path exists in values.yaml. Indices and wildcards into lists always
/// match: they describe the items users provide; a key after a list (`providers.name`) is
/// looked up in its items.
pub fn exists(root: &Node, segs: &[Seg]) -> bool {
    let segs: Vec<SegRef<'_>> = segs.iter().map(Seg::borrowed).collect();
    exists_at(root, &segs)
}

fn exists_at(node: &Node, segs: &[SegRef<'_>]) -> bool {
    let Some((first, rest)) = segs.split_first() else {
        return true;
    };
    if let Some(items) = node.as_seq() {
        return match first {
            SegRef::Index(_) | SegRef::Any => true,
            // `providers.name` for the `name` of each item of `providers`.
            SegRef::Key(_) => items.iter().any(|i| exists_at(i, segs)),
        };
    }
    match first {
        SegRef::Key(k) => node
            .entry_json(k)
            .is_some_and(|e| exists_at(&e.value, rest)),
        SegRef::Any => node.entries().any(|e| exists_at(&e.value, rest)),
        SegRef::Index(_) => false,
    }
}

/// [`exists`] for a documented path as written (`false` when it is malformed or empty),
/// without building its segments.
pub fn path_exists(root: &Node, path: &str) -> bool {
    // Mapping keys are followed directly; from the first list or wildcard on, the segments
    // are collected for [`exists_at`], which tries every item.
    let mut node = root;
    let mut n = 0;
    let mut rest: Vec<SegRef<'_>> = Vec::new();
    let ok = each_segment(path, |s| {
        n += 1;
        if !rest.is_empty() || node.as_seq().is_some() || matches!(s, SegRef::Any) {
            rest.push(s);
            return Some(());
        }
        // What `exists_at` does with a key or an index on a mapping or a scalar; a missing
        // key ends the reading (the path does not exist).
        match s {
            SegRef::Key(k) => node = &node.entry_json(k)?.value,
            _ => return None,
        }
        Some(())
    })
    .is_some();
    ok && n > 0 && exists_at(node, &rest)
}

/// Documentation comments in values.yaml.
pub fn comments(file: &File, root: Option<&Node>) -> Vec<Commented> {
    let mut out = Vec::new();
    // The path of the key on each line, for reading `@param` names relative to their block.
    // Built on first use: only `@param` names that are not full paths need it.
    let key_at: std::cell::OnceCell<HashMap<usize, String>> = std::cell::OnceCell::new();
    let key_at = || {
        key_at.get_or_init(|| {
            let mut key_at = HashMap::new();
            if let Some(root) = root {
                walk(root, &mut |path, entry, _| {
                    if let Some(e) = entry {
                        key_at.insert(file.line_index(e.key.span.start as usize), path.to_string());
                    }
                });
            }
            key_at
        })
    };
    let next_key = |from: usize| -> Option<&String> {
        let mut l = from + 1;
        while l < file.line_count() {
            let t = file.text[file.line_range(l)].trim();
            if !t.is_empty() && !t.starts_with('#') {
                return key_at().get(&l);
            }
            l += 1;
        }
        None
    };
    let blank = |key: &str, span| Commented {
        key: key.to_string(),
        span,
        ty: None,
        custom_default: false,
        skip: false,
        param: false,
        extra: false,
        relative: false,
        unresolved: false,
    };
    // Whether some comment line opens a helm-docs description (`# --`): without one, the
    // walk over every key below finds nothing.
    let mut any_marker = false;
    // Bitnami tags and old-style helm-docs comments name their key.
    for line_no in 0..file.line_count() {
        let range = file.line_range(line_no);
        let line = trim_start(&file.text[range.clone()]);
        let span = Span::new(range.start + (range.len() - line.len()), range.end);
        // A comment's body: the text after its `#`s, read once.
        let after = line.trim_start_matches('#');
        let hashes = line.len() - after.len();
        if hashes == 0 {
            continue;
        }
        let body = trim_start(after);
        // Cut at the end, a body still opens with `--`.
        if !any_marker && body.starts_with("--") {
            // As the walk below reads a comment line.
            let body = trim_start(trim(line).trim_start_matches('#'));
            any_marker = helm_docs_marker(body).is_some();
        }
        if hashes >= 2 {
            // After `###`, the text opens with `#`: no tag.
            let tag = if hashes == 2 { tag(body) } else { None };
            if let Some((Tag::Param, key, modifiers)) = tag {
                let mut c = blank(key, span);
                c.param = true;
                c.custom_default = modifiers;
                if let Some(root) = root
                    && !path_exists(root, key)
                {
                    let mut block = next_key(line_no).and_then(|k| parent_path(k));
                    let mut found = None;
                    while let Some(b) = block {
                        let full = format!("{b}.{key}");
                        if path_exists(root, &full) {
                            found = Some(full);
                            break;
                        }
                        block = parent_path(b);
                    }
                    match found {
                        Some(full) => {
                            c.key = full;
                            c.relative = true;
                        }
                        None => c.unresolved = true,
                    }
                }
                out.push(c);
            } else if let Some((Tag::Extra, key, _)) = tag {
                let mut c = blank(key, span);
                c.extra = true;
                c.custom_default = true;
                out.push(c);
            } else if let Some((Tag::Skip, key, _)) = tag {
                let mut c = blank(key, span);
                c.skip = true;
                out.push(c);
            }
            continue;
        }
        // A single `#`.
        if let Some((key, _)) = body.split_once(" -- ")
            && path_like(key)
            && !key.starts_with('@')
        {
            out.push(blank(key, span));
        }
    }
    // New-style helm-docs: `# --` in the comment block directly above a key.
    let Some(root) = root.filter(|_| any_marker) else {
        return out;
    };
    walk(root, &mut |path, entry, _| {
        let Some(e) = entry else { return };
        let key_line = file.line_index(e.key.span.start as usize);
        let mut l = key_line;
        let mut described: Option<(Span, Option<String>)> = None;
        let mut custom_default = false;
        while l > 0 {
            l -= 1;
            let range = file.line_range(l);
            let text = file.text[range.clone()].trim();
            if !text.starts_with('#') {
                break;
            }
            let body = text.trim_start_matches('#').trim_start();
            if body.starts_with("@default") {
                custom_default = true;
            }
            if let Some(rest) = helm_docs_marker(body) {
                let ty = rest
                    .strip_prefix('(')
                    .and_then(|r| r.split_once(')'))
                    .map(|(t, _)| t.trim().to_string());
                described = Some((Span::new(range.start, range.end), ty));
                break;
            }
        }
        if let Some((span, ty)) = described {
            let mut c = blank(path, span);
            c.ty = ty;
            c.custom_default = custom_default;
            out.push(c);
        }
    });
    out
}

/// Splits a helm-docs path (`a."b.c".d[0]`) into keys and indices: a [`pattern`] without
/// wildcards.
pub fn segments(path: &str) -> Option<Vec<Segment>> {
    if path.is_empty() {
        return Some(Vec::new());
    }
    pattern(path)?
        .into_iter()
        .map(|s| match s {
            Seg::Key(k) => Some(Segment::Key(k)),
            Seg::Index(i) => Some(Segment::Index(i)),
            Seg::Any => None,
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The value at a helm-docs path, read segment by segment without building the segments (every
/// documented key of every chart is resolved this way); a wildcard resolves to nothing.
pub fn resolve<'a>(root: &'a Node, path: &str) -> Option<&'a Node> {
    let mut node = root;
    each_segment(path, |s| {
        node = match s {
            SegRef::Key(k) => &node.entry_json(k)?.value,
            SegRef::Index(n) => node.as_seq()?.get(n)?,
            SegRef::Any => return None,
        };
        Some(())
    })?;
    Some(node)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn reads_both_table_layouts() {
        let text = "# x\n\n| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n| image.tag | string | `\"1.0\"` | Tag. |\n| a.\"b.c\" | object | `{}` | pipe \\| inside |\n\nText\n\n| Name | Description | Value |\n|---|---|---|\n| `replicaCount` | Replicas | `1` |\n";
        let f = SourceFile::new("README.md", text.to_string());
        let t = table(&f);
        let rows: Vec<Row> = t.rows(&f.text).collect();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].key, "image.tag");
        assert_eq!(&f.text[rows[0].key_span.range()], "image.tag");
        assert_eq!(rows[0].default.unwrap().0, "\"1.0\"");
        assert_eq!(rows[1].key, "a.\"b.c\"");
        assert_eq!(rows[2].layout, Layout::Bitnami);
        assert_eq!(rows[2].key, "replicaCount");
        assert_eq!(&f.text[rows[2].key_span.range()], "replicaCount");
    }

    #[test]
    fn reads_comment_forms() {
        let text = "## @param image.tag Image tag\n## @skip extra\nimage:\n  # -- (int) Port.\n  port: 80\n  # old.style -- Described.\n  other: 1\n";
        let f = SourceFile::new("values.yaml", text.to_string());
        let y = crate::yaml::parse(&f.text);
        let c = comments(&f, y.root());
        let keys: Vec<_> = c
            .iter()
            .map(|c| (c.key.as_str(), c.ty.as_deref(), c.skip))
            .collect();
        assert!(keys.contains(&("image.tag", None, false)));
        assert!(keys.contains(&("extra", None, true)));
        assert!(keys.contains(&("image.port", Some("int"), false)));
        assert!(keys.contains(&("old.style", None, false)));
        // Tags follow exactly two `#` (blanks between optional); old-style descriptions one.
        let text = "### @param not.a.tag x\n##@param glued x\n#\t@skip nor.this\n ##\t@skip s.kip\n##  old.two -- x\n#   old.one -- y\na: 1\n";
        let f = SourceFile::new("values.yaml", text.to_string());
        let y = crate::yaml::parse(&f.text);
        let keys: Vec<_> = comments(&f, y.root())
            .into_iter()
            .map(|c| (c.key, c.skip))
            .collect();
        assert_eq!(
            keys,
            [
                ("glued".to_string(), false),
                ("s.kip".to_string(), true),
                ("old.one".to_string(), false)
            ]
        );
        assert_eq!(parent_path("a.b[0].c"), Some("a.b[0]"));
        assert_eq!(parent_path("a.\"b.c\""), Some("a"));
    }

    #[test]
    fn reads_classic_tables_and_shifted_cells() {
        let text = "| Parameter | Description | Default |\n|---|---|---|\n| `**rbac.create**` | Create RBAC | `true` |\n| `tde.algo` | Allowed: A, B | default: A | `B` |\n| not a key | prose | x |\n| `a`, `b` | Two keys | `1` |\n\n| Name | Version |\n|---|---|\n| mongodb | 1.0 |\n";
        let f = SourceFile::new("README.md", text.to_string());
        let t = table(&f);
        let rows: Vec<Row> = t.rows(&f.text).collect();
        let keys: Vec<_> = rows.iter().map(|r| r.key).collect();
        assert_eq!(keys, ["rbac.create", "tde.algo", "a", "b"]);
        assert_eq!(&f.text[rows[3].key_span.range()], "b");
        assert!(rows[3].default.is_none());
        assert_eq!(rows[0].layout, Layout::Classic);
        // The unescaped `|` in the description does not shift the default.
        assert_eq!(rows[1].default.unwrap().0, "B");
    }

    #[test]
    fn trims_as_the_standard_library() {
        let pad = " ".repeat(19);
        for s in [
            String::new(),
            pad.clone(),
            format!("{pad}x{pad}"),
            format!("\t\u{b} {pad}`a b`{pad}\r\n"),
            format!("\u{3000}{pad}\u{a0}x\u{85}{pad}\u{2029}"),
            format!("{pad}é{pad}\u{200a}"),
        ] {
            assert_eq!(trim_start(&s), s.trim_start(), "{s:?}");
            assert_eq!(trim_end(&s), s.trim_end(), "{s:?}");
            assert_eq!(trim(&s), s.trim(), "{s:?}");
        }
    }

    /// The tag reader [`tag`] replaced: Bitnami `## @tag key [modifiers] text` → (key, whether modifiers are present).
    fn bitnami_tag<'a>(rest: &'a str, tag: &str) -> Option<(&'a str, bool)> {
        let p = rest.strip_prefix(tag)?;
        if !p.starts_with([' ', '\t']) {
            return None;
        }
        // The first two words: the key, and whether modifiers follow it.
        let p = p.trim_start();
        let end = p.find(char::is_whitespace).unwrap_or(p.len());
        let key = &p[..end];
        if key.is_empty() {
            return None;
        }
        let modifiers = p[end..].trim_start().starts_with('[');
        Some((key, modifiers))
    }

    #[test]
    fn the_one_pass_tag_reader_reads_as_each_tag_in_turn() {
        let heads = [
            "@param", "@extra", "@skip", "@params", "@para", "@", "", "param", "@skipx", "@Param",
            "@extras", "x@param",
        ];
        let gaps = ["", " ", "\t", "   ", "\u{a0}", " \t ", "\u{3000} ", "\n"];
        let keys = [
            "",
            "a",
            "a.b",
            "a.b[0]",
            "é",
            "a\u{a0}b",
            "a\u{2003}b",
            "x\u{85}",
            "[a]",
            "k\u{b}v",
            "a\u{1680}",
            "ü.ö",
        ];
        let tails = [
            "",
            " ",
            "  [array] x",
            " [",
            "\t[x",
            " plain [x]",
            "\u{3000}[a]",
            "\u{a0}",
            "\r",
            " \u{2029}[",
        ];
        let mut n = 0;
        for h in heads {
            for g in gaps {
                for k in keys {
                    for t in tails {
                        let s = format!("{h}{g}{k}{t}");
                        let old = [
                            ("@param", Tag::Param),
                            ("@extra", Tag::Extra),
                            ("@skip", Tag::Skip),
                        ]
                        .into_iter()
                        .find_map(|(name, tag)| bitnami_tag(&s, name).map(|(k, m)| (tag, k, m)));
                        assert_eq!(tag(&s), old, "{s:?}");
                        n += usize::from(old.is_some());
                    }
                }
            }
        }
        // Both readers accept a good share of the strings.
        assert!(n > 1000, "{n}");
    }

    /// The key test [`path_like`] replaced, which read every key's segments.
    fn path_like_by_segments(key: &str) -> bool {
        !key.is_empty()
            && !key.starts_with(['.', '-', '['])
            && key.bytes().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(c, b'.' | b'_' | b'-' | b'[' | b']' | b'*' | b'"' | b'/')
            })
            && pattern(key).is_some()
    }

    /// Every string of up to `len` characters drawn from `alphabet`.
    fn strings(alphabet: &[&str], len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn key_cells_name_paths_as_read_by_segments() {
        let keys = strings(&["a", ".", "\"", "[", "]", "0", "*", "-", " ", "é"], 5);
        let mut n = 0;
        for k in &keys {
            assert_eq!(path_like(k), path_like_by_segments(k), "{k:?}");
            n += usize::from(path_like(k));
        }
        assert!(n > 1000, "{n}");
        for k in [
            "image.tag",
            "a.\"b.c\".d[0]",
            "env[0].name",
            "a.*",
            "a/b-c_d",
        ] {
            assert!(path_like(k), "{k}");
        }
        for k in ["a.\"b", "a[x]", "a[0", ".a", "a b", ""] {
            assert!(!path_like(k), "{k}");
        }
    }

    #[test]
    fn only_plain_rows_are_separators() {
        let lines = strings(&["|", "-", ":", "*", "`", " ", "\u{a0}", "a", "\\"], 6);
        let mut cs = Vec::new();
        let mut n = 0;
        for line in &lines {
            cells(line, 0, &mut cs);
            if separator(line, &cs) {
                assert!(plain_row(line), "{line:?}");
                n += 1;
            }
        }
        assert!(n > 1000, "{n}");
        let text = "| Key | Type | Default | Description |\n| :-- | `---` | **---** |\u{a0}--- |\n| a | int | `1` | d |\n";
        let f = SourceFile::new("README.md", text.to_string());
        let t = table(&f);
        let rows: Vec<_> = t.rows(text).map(|r| r.key).collect();
        assert_eq!(rows, ["a"]);
    }

    #[test]
    fn long_and_short_paths_exist_as_their_segments() {
        let mut yaml = String::new();
        for depth in 0..20 {
            yaml.push_str(&format!("{}k{depth}:\n", "  ".repeat(depth)));
        }
        yaml.push_str(&format!("{}- leaf: 1\n", "  ".repeat(20)));
        let y = crate::yaml::parse(&yaml);
        let root = y.root().unwrap();
        let deep: Vec<String> = (0..20).map(|d| format!("k{d}")).collect();
        let deep = deep.join(".");
        for p in [
            deep.clone(),
            format!("{deep}[0].leaf"),
            format!("{deep}[*].leaf"),
            format!("{deep}.leaf"),
            format!("{deep}.other"),
            format!("{deep}[0].leaf.x"),
            deep.replace("k15", "k99"),
            "k0.k1".to_string(),
            "k0.k2".to_string(),
            "k0.*.k2".to_string(),
        ] {
            let expected = exists(root, &pattern(&p).unwrap());
            assert_eq!(path_exists(root, &p), expected, "{p}");
        }
        assert!(path_exists(root, &format!("{deep}[0].leaf")));
        assert!(!path_exists(root, &format!("{deep}.other")));
        assert!(!path_exists(root, &format!("{deep}[0")));
    }

    #[test]
    fn bitnami_tags_name_a_key_and_modifiers() {
        assert_eq!(
            bitnami_tag("@param a.b [array] List", "@param"),
            Some(("a.b", true))
        );
        assert_eq!(
            bitnami_tag("@param\ta.b\u{a0} Plain [x]", "@param"),
            Some(("a.b", false))
        );
        assert_eq!(bitnami_tag("@param a", "@param"), Some(("a", false)));
        assert_eq!(bitnami_tag("@param  \t", "@param"), None);
        assert_eq!(bitnami_tag("@params a", "@param"), None);
        assert_eq!(bitnami_tag("@skip a", "@param"), None);
    }

    #[test]
    fn helm_docs_marker_needs_a_space() {
        assert_eq!(
            helm_docs_marker("-- Number of pods"),
            Some("Number of pods")
        );
        assert_eq!(helm_docs_marker("--"), Some(""));
        for not in [
            "-----------",
            "--set a=b",
            "-----BEGIN CERTIFICATE-----",
            "---",
        ] {
            assert_eq!(helm_docs_marker(not), None, "{not}");
        }
    }

    #[test]
    fn reads_bitnami_modifiers_extra_and_relative_params() {
        let text = "## @param a [array] List\na: [1]\n## @param b Plain\nb: 1\n## @extra c Extra\nblock:\n  ## @param enabled - boolean\n  enabled: true\n## @param gone Missing\nz: 1\n";
        let f = SourceFile::new("values.yaml", text.to_string());
        let y = crate::yaml::parse(&f.text);
        let c = comments(&f, y.root());
        let get = |k: &str| c.iter().find(|c| c.key == k).unwrap();
        assert!(get("a").custom_default);
        assert!(!get("b").custom_default);
        assert!(get("c").extra);
        assert!(get("block.enabled").relative);
        assert!(get("gone").unresolved);
    }

    #[test]
    fn patterns_match_indices_and_wildcards() {
        let p = pattern("a[*].b").unwrap();
        assert_eq!(p, [Seg::Key("a".into()), Seg::Any, Seg::Key("b".into())]);
        assert_eq!(pattern("a.*").unwrap()[1], Seg::Any);
        assert_eq!(pattern("a[]").unwrap()[1], Seg::Any);
        let y = crate::yaml::parse("a:\n  - b: 1\nm:\n  x:\n    b: 2\n    l: [1, {c: 3}]\n");
        let root = y.root().unwrap();
        assert!(exists(root, &pattern("a[0].b").unwrap()));
        assert!(exists(root, &pattern("m.*.b").unwrap()));
        assert!(!exists(root, &pattern("m.*.c").unwrap()));
        assert!(!exists(root, &pattern("m.y").unwrap()));
        for p in [
            "a[0].b",
            "a.b",
            "a.c",
            "m.*.b",
            "m.*.c",
            "m.y",
            "m.x",
            "m.x.b",
            "a[*]",
            "z",
            "a[0]",
            "a.b.c",
            "m[0]",
            "m.x[0]",
            "m.x.b.c",
            "m.x.b[0]",
            "*",
            "*.x",
            "*.x.b",
            "*.b",
            "m.\"x\".b",
            "a[0].*",
            "m.*",
            "m.*.*",
            "a[1].b",
            "a.*.b",
            "m.x.l.c",
            "m.x.l[1].c",
            "m.x.l.d",
            "m.x.l[*]",
        ] {
            assert_eq!(
                path_exists(root, p),
                exists(root, &pattern(p).unwrap()),
                "{p}"
            );
        }
        assert!(!path_exists(root, ""));
        assert!(!path_exists(root, "a[x]"));
    }

    #[test]
    fn the_pattern_index_answers_as_comparing_every_pattern() {
        // Keys documented twice (README and values.yaml) included.
        let documented = [
            "a.b.c", "a.b", "x[0].y", "x.\"0\"", "w.*.v", "list[*]", "q", "bad[", "", "a.b",
            "w.*.v", "q",
        ];
        let docs = Docs {
            patterns: Patterns::new(documented.iter().copied()),
            ..Docs::default()
        };
        let all: Vec<Vec<Seg>> = documented.iter().filter_map(|k| pattern(k)).collect();
        let paths = [
            "a", "a.b", "a.b.c", "a.b.c.d", "a.c", "x", "x[0]", "x[0].y", "x[1]", "x.0", "x.\"0\"",
            "w", "w.k", "w.k.v", "w.k.v.z", "w[*]", "list", "list[3]", "list.k", "q", "q.r", "*",
            "a.*", "*.b", "x[*]", "z",
        ];
        for p in paths {
            let path = pattern(p).unwrap();
            let covers = all.iter().any(|d| prefix_of(d, &path));
            let below = all
                .iter()
                .any(|d| d.len() > path.len() && prefix_of(&path, d));
            assert_eq!(docs.covers(&path), covers, "covers {p}");
            assert_eq!(docs.documents_below(&path), below, "below {p}");
        }
        assert!(docs.documents_below(&[]));
        assert!(!Docs::default().documents_below(&[]));
        assert!(!Docs::default().covers(&pattern("a").unwrap()));
    }

    #[test]
    fn escaped_pipes_and_unicode_blanks_in_cells() {
        let text = "| Key | Type | Default | Description |\n|--|--|--|--|\n|\u{3000}`a.b`\u{a0}| string | `x\\|y` | d |\r\n| `c`, `d` | int | `1` | e \\| f |\n";
        let f = SourceFile::new("README.md", text.to_string());
        let t = table(&f);
        let rows: Vec<Row> = t.rows(&f.text).collect();
        let keys: Vec<_> = rows.iter().map(|r| r.key).collect();
        assert_eq!(keys, ["a.b", "c", "d"]);
        assert_eq!(&text[rows[0].key_span.range()], "a.b");
        assert_eq!(rows[0].ty.unwrap().0, "string");
        // The default is read with `\|` unescaped; its span covers the cell as written.
        let (default, span) = rows[0].default.unwrap();
        assert_eq!(default, "x|y");
        assert_eq!(&text[span.range()], "`x\\|y`");
        assert_eq!(&text[rows[2].key_span.range()], "d");
        assert!(rows[1].default.is_none());
    }
}
