//! Which `.Values` paths a chart's templates read, found by walking the parsed templates with
//! what `.` and each `$variable` stand for.
//!
//! Followed: `.Values.a.b` and `$.Values.a.b`; `with` and `range` (inside `with .Values.a`,
//! `.b` is `a.b`; inside `range`, `.` is an element and is not followed); variables assigned
//! from values (`$x := .Values.a` then `$x.b`); `index .Values "a" "b"` and `get` with literal
//! keys; `hasKey .Values.a "b"`; `dig "a" "b" default .Values`; named templates called with
//! `.`, `$` or a values path (the same at every call site). Anything else (dynamic keys, values
//! passed inside a `dict`, `tpl`) is not followed: a read the analysis cannot place is never
//! reported as missing, and `.Values` used as a whole marks every value as read.

use super::Chart;
use crate::FastMap;
use crate::source::Span;
use crate::template::{Command, Define, Ident, List, Node, Operand, Pipe};
use std::sync::Arc;

/// One read of a values path.
#[derive(Clone, Debug)]
pub struct Read {
    /// Index into [`Chart::parsed_templates`].
    pub template: usize,
    /// The path below `.Values` (empty for `.Values` itself).
    pub path: Vec<String>,
    /// One span per path segment; segments that came from a variable or from `.` point at it.
    pub spans: Vec<Span>,
    /// The first segment written at this place (earlier ones came from a variable or `.`).
    pub own_from: usize,
    /// The value is consumed whole (printed, passed to a function, ranged over).
    pub whole: bool,
    /// Only tested for truth (`if`, `with`, `and`, `or`, `not`).
    pub test: bool,
    /// Compared with `eq` or `ne`, which take a missing value as unequal without failing.
    pub compared: bool,
    /// Argument of a function that copes with a missing value (`default`, `required`,
    /// `hasKey`, `dig`, `empty`, `coalesce`, `kindIs`, `typeIs`, `ternary`).
    pub optional: bool,
    /// The length of the longest path, equal to this one or a prefix of it, that an
    /// enclosing `if`/`with` tests (0 when none): a segment missing before that length makes
    /// the enclosing block skip with the defaults.
    pub guard_len: usize,
    /// Read by `dig` or `hasKey`, which cope with missing keys at any depth.
    pub lookup: bool,
    /// The value is the base of a parenthesised chain (`(.Values.a).b`): a longer read takes
    /// it further, and a missing value there reads as nothing (Go turns a nil pipeline result
    /// into an invalid value, whose fields are empty), so this read says nothing about a
    /// missing leaf on its own.
    pub chained: bool,
    /// Ranged over: a missing value renders nothing.
    pub ranged: bool,
    /// Keys at the same level as this read's last key that an enclosing `if`/`with` tests
    /// (`accessModes` for a read of `persistence.accessMode` in the `else` of
    /// `if .Values.persistence.accessModes`): the read is a deliberate alternative to them.
    pub sibling_tests: Vec<String>,
    /// First argument of `tpl`.
    pub tpl: bool,
    /// What `.` stands for is known here (false in a named template called from nowhere,
    /// where `.` is assumed to be the chart's context).
    pub checkable: bool,
    /// The output action (`{{ … }}`) the read is printed by, if any.
    pub action: Option<Span>,
    /// That action's pipeline calls `default`, `required`, `coalesce`, `ternary` or `printf`.
    pub action_defaulted: bool,
}

/// Every read of a chart's templates.
#[derive(Debug, Default)]
pub struct ValueReads {
    pub reads: Vec<Read>,
    /// Paths read where `.` is unknown (`$ctx.Values.a.b`, `.root.Values.x`) and paths read by
    /// the `tpl` strings of values.yaml: read, never checked.
    pub loose: Vec<Vec<String>>,
    /// Every template parsed, so the reads are complete.
    pub complete: bool,
    /// The read paths as a tree, for [`ValueReads::is_read`] (built on first use).
    trie: std::sync::OnceLock<PathTrie>,
}

/// Read paths as a tree of path segments: a lookup walks the segments of one path instead of
/// comparing it with every read, so checking every value of a chart costs time linear in the
/// values and the reads.
#[derive(Debug, Default)]
struct PathTrie {
    nodes: Vec<TrieNode>,
}

#[derive(Debug, Default)]
struct TrieNode {
    children: crate::FastMap<String, usize>,
    /// A read consumed whole (or a loose read) ends here.
    whole: bool,
    /// A read ends here.
    end: bool,
}

impl PathTrie {
    fn build(reads: &[Read], loose: &[Vec<String>]) -> PathTrie {
        let mut t = PathTrie {
            nodes: vec![TrieNode::default()],
        };
        for r in reads {
            t.insert(&r.path, r.whole);
        }
        for p in loose {
            t.insert(p, true);
        }
        t
    }

    fn insert(&mut self, path: &[String], whole: bool) {
        let mut at = 0;
        for seg in path {
            at = match self.nodes[at].children.get(seg) {
                Some(&next) => next,
                None => {
                    let next = self.nodes.len();
                    self.nodes.push(TrieNode::default());
                    self.nodes[at].children.insert(seg.clone(), next);
                    next
                }
            };
        }
        let node = &mut self.nodes[at];
        node.end = true;
        node.whole |= whole;
    }

    /// Whether a read consumed whole ends at `path` or above it, and whether some read ends
    /// at `path` or below it.
    fn lookup(&self, path: &[String]) -> (bool, bool) {
        let mut at = 0;
        let mut whole_above = self.nodes[0].whole;
        for seg in path {
            match self.nodes[at].children.get(seg) {
                Some(&next) => at = next,
                None => return (whole_above, false),
            }
            whole_above |= self.nodes[at].whole;
        }
        let node = &self.nodes[at];
        (whole_above, node.end || !node.children.is_empty())
    }
}

impl ValueReads {
    /// `.Values` is used as a whole somewhere (`toYaml .Values`, `index .Values $k`), so any
    /// value may be read.
    pub fn dynamic(&self) -> bool {
        self.reads.iter().any(|r| r.path.is_empty() && r.whole)
    }

    /// Whether a value at `path` is read: a read of it, of a prefix consumed whole, or of
    /// anything below it.
    pub fn is_read(&self, path: &[String]) -> bool {
        let (whole_above, below) = self.trie().lookup(path);
        whole_above || below
    }

    /// [`ValueReads::read_whole`] and [`ValueReads::is_read`] of one path, in one lookup.
    pub fn read_whole_and_read(&self, path: &[String]) -> (bool, bool) {
        let (whole_above, below) = self.trie().lookup(path);
        (whole_above, whole_above || below)
    }

    /// Whether `path` or a value above it is read whole (printed, passed on, ranged over), or
    /// read where `.` is unknown: nothing below it needs to be looked at.
    pub fn read_whole(&self, path: &[String]) -> bool {
        self.trie().lookup(path).0
    }

    fn trie(&self) -> &PathTrie {
        self.trie
            .get_or_init(|| PathTrie::build(&self.reads, &self.loose))
    }

    /// Paths passed to `tpl`.
    pub fn tpl_paths(&self) -> impl Iterator<Item = &[String]> {
        self.reads
            .iter()
            .filter(|r| r.tpl && !r.path.is_empty())
            .map(|r| r.path.as_slice())
    }
}

/// What `.` or a variable stands for.
#[derive(Clone, Debug, Default)]
enum Val {
    /// Nothing known (also what an argument taken off the stack leaves).
    #[default]
    Unknown,
    /// The chart's top-level context (`.Values`, `.Release`, …).
    Root,
    /// A values path.
    Values { path: Vec<String>, spans: Vec<Span> },
    /// The values path of a read of this walk, with its spans (as [`Val::Values`], without
    /// copying them until they are needed).
    Read(usize),
}

/// What `.` is inside a named template, from its call sites.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum DefDot {
    /// No call site seen: assume the chart's context, but report nothing.
    Assumed,
    Root,
    Values(Vec<String>),
    Unknown,
}

/// The `.` of a named template called from nowhere.
static ASSUMED: DefDot = DefDot::Assumed;

impl DefDot {
    /// The `.` a named template is walked with: the chart's context when it is called from
    /// nowhere (the walk is the same, only what is reported differs: see [`Found::add_to`]).
    fn walked(&self) -> &DefDot {
        match self {
            DefDot::Assumed => &DefDot::Root,
            d => d,
        }
    }
    /// Joins the `.` of another call site (as `join` would, without copying).
    fn join_with(&mut self, other: &DefDot) {
        match (&*self, other) {
            (DefDot::Assumed, o) => *self = o.clone(),
            (s, o) if s == o => {}
            _ => *self = DefDot::Unknown,
        }
    }
    fn val(&self) -> (Val, bool) {
        match self {
            DefDot::Assumed => (Val::Root, false),
            DefDot::Root => (Val::Root, true),
            DefDot::Values(p) => (
                Val::Values {
                    path: p.clone(),
                    spans: Vec::new(),
                },
                true,
            ),
            DefDot::Unknown => (Val::Unknown, false),
        }
    }
}

/// How the result of a pipeline is used.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Use {
    Value,
    Test,
    Bind,
}

/// What a function does with its arguments, as far as the analysis cares.
#[derive(Clone, Copy, Default)]
struct FuncKind {
    /// Its arguments may be missing without harm (`default`, `required`, `hasKey`, `dig`,
    /// `empty`, `coalesce`, `kindIs`, `typeIs`, `kindOf`, `typeOf`, `ternary`).
    optional: bool,
    /// It tests its arguments for truth (`and`, `or`, `not`).
    test: bool,
    /// It compares its arguments (`eq`, `ne`, `lt`, `le`, `gt`, `ge`).
    compare: bool,
    /// It compares for equality (`eq`, `ne`), taking a missing value as unequal.
    equality: bool,
    /// It gives a printed value a default or a format (`default`, `required`, `coalesce`,
    /// `ternary`, `printf`).
    defaulting: bool,
}

impl FuncKind {
    fn of(name: &str) -> FuncKind {
        let mut k = FuncKind::default();
        match name {
            "default" | "required" | "coalesce" | "ternary" => {
                k.optional = true;
                k.defaulting = true;
            }
            "hasKey" | "dig" | "empty" | "kindIs" | "typeIs" | "kindOf" | "typeOf" => {
                k.optional = true
            }
            "and" | "or" | "not" => k.test = true,
            "eq" | "ne" => {
                k.compare = true;
                k.equality = true;
            }
            "lt" | "le" | "gt" | "ge" => k.compare = true,
            "printf" => k.defaulting = true,
            _ => {}
        }
        k
    }
}

/// The reads that are an operand's value: most often one, or none.
#[derive(Clone, Debug, Default)]
enum Idxs {
    #[default]
    None,
    One(usize),
    Many(Vec<usize>),
}

impl Idxs {
    fn as_slice(&self) -> &[usize] {
        match self {
            Idxs::None => &[],
            Idxs::One(i) => std::slice::from_ref(i),
            Idxs::Many(v) => v,
        }
    }
}

struct Walker<'a> {
    src: &'a str,
    template: usize,
    reads: Vec<Read>,
    loose: Vec<Vec<String>>,
    calls: Vec<(String, DefDot)>,
    scopes: Vec<Vec<(String, Val)>>,
    /// The reads each enclosing `if`/`with` (or earlier `and` argument) tests, as ranges of
    /// `reads` (paths never change once read).
    guards: Vec<std::ops::Range<usize>>,
    /// The arguments of the commands being evaluated (see [`Walker::command`]).
    args: Vec<(Val, Idxs)>,
    dot: Val,
    checkable: bool,
    action: Option<(Span, bool)>,
}

/// What one walk of a rendered template's top level or of a named template found.
#[derive(Default)]
struct Found {
    reads: Vec<Read>,
    loose: Vec<Vec<String>>,
    calls: Vec<(String, DefDot)>,
}

impl Found {
    fn of(w: Walker) -> Found {
        Found {
            reads: w.reads,
            loose: w.loose,
            calls: w.calls,
        }
    }

    /// Moves (or, when shared, copies) the reads into `result`, as reads of `template`; those
    /// of a named template called from nowhere (`assumed`) are not checkable.
    fn add_to(found: Arc<Found>, template: usize, assumed: bool, result: &mut ValueReads) {
        match Arc::try_unwrap(found) {
            Ok(mut f) => {
                if assumed {
                    f.reads.iter_mut().for_each(|r| r.checkable = false);
                }
                result.reads.append(&mut f.reads);
                result.loose.append(&mut f.loose);
            }
            Err(shared) => {
                result.reads.extend(shared.reads.iter().map(|r| Read {
                    template,
                    checkable: r.checkable && !assumed,
                    ..r.clone()
                }));
                result.loose.extend(shared.loose.iter().cloned());
            }
        }
    }
}

/// Walks every template of the chart. Named templates get the `.` their call sites pass, found
/// by iterating until nothing changes.
pub fn analyse(chart: &Chart) -> ValueReads {
    analyse_with(chart, true)
}

/// [`analyse`], taking walks of files already walked in another chart when `share` is set.
fn analyse_with(chart: &Chart, share: bool) -> ValueReads {
    let parsed = chart.parsed_templates();
    let keys: Vec<Option<Arc<shared::Key>>> = parsed
        .iter()
        .map(|t| (share && t.tree.is_ok()).then(|| shared::key(t)).flatten())
        .collect();
    // A walk depends only on the file and on what `.` is: taken from another chart's walk of
    // the same file when there is one.
    let walk = |i: usize, what: Option<(usize, &DefDot)>, f: &dyn Fn() -> Found| {
        let key = keys[i].as_ref();
        if let Some(found) = key.and_then(|k| k.get(what)) {
            return found;
        }
        let found = Arc::new(f());
        if let Some(k) = key {
            k.put(what, &found);
        }
        found
    };
    // The top level of each rendered template does not depend on the named templates' `.`:
    // walked once. A named template is walked again only when its `.` changed.
    let top: Vec<Option<Arc<Found>>> = parsed
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let tree = t.tree.as_ref().ok().filter(|_| !t.partial)?;
            Some(walk(i, None, &|| {
                let mut w = Walker::new(&t.file.text, i, Val::Root, true);
                w.list(&tree.root);
                Found::of(w)
            }))
        })
        .collect();
    // Per file, per named template: the `.` of its last walk and what that walk found.
    type Walked = Option<(DefDot, Arc<Found>)>;
    let mut defines: Vec<Vec<Walked>> = parsed
        .iter()
        .map(|t| {
            t.tree.as_ref().map_or(Vec::new(), |tree| {
                tree.defines.iter().map(|_| None).collect()
            })
        })
        .collect();
    // The named templates of the chart, numbered by name: only their `.` is looked up, so
    // calls of other names are left out.
    let mut ids: FastMap<&str, usize> = FastMap::default();
    let def_ids: Vec<Vec<usize>> = parsed
        .iter()
        .map(|t| {
            t.tree.as_ref().map_or(Vec::new(), |tree| {
                tree.defines
                    .iter()
                    .map(|d| {
                        let next = ids.len();
                        *ids.entry(d.name.as_str()).or_insert(next)
                    })
                    .collect()
            })
        })
        .collect();
    // Joins the `.` of the calls a walk makes into `into` (calls from a named template called
    // from nowhere pass nothing known).
    let join = |into: &mut Vec<Option<DefDot>>, f: &Found, assumed: bool| {
        for (name, dot) in &f.calls {
            let Some(&id) = ids.get(name.as_str()) else {
                continue;
            };
            let dot = if assumed { &ASSUMED } else { dot };
            match &mut into[id] {
                Some(cur) => cur.join_with(dot),
                slot => *slot = Some(dot.clone()),
            }
        }
    };
    // The top levels are walked once: their calls are joined once.
    let mut from_top: Vec<Option<DefDot>> = vec![None; ids.len()];
    for f in top.iter().flatten() {
        join(&mut from_top, f, false);
    }
    let mut dots: Vec<Option<DefDot>> = vec![None; ids.len()];
    for _round in 0..16 {
        for (i, t) in parsed.iter().enumerate() {
            let Ok(tree) = &t.tree else { continue };
            for (n, (d, slot)) in tree.defines.iter().zip(defines[i].iter_mut()).enumerate() {
                let want = dots[def_ids[i][n]].as_ref().unwrap_or(&DefDot::Assumed);
                if let Some((had, _)) = slot {
                    if had == want {
                        continue;
                    }
                    // A named template called from nowhere is walked as one called with the
                    // chart's context: a first call with `.` changes what is reported of the
                    // same walk.
                    if had.walked() == want.walked() {
                        *had = want.clone();
                        continue;
                    }
                }
                let walked = want.walked();
                let found = walk(i, Some((n, walked)), &|| {
                    let (dot, checkable) = walked.val();
                    let mut w = Walker::new(&t.file.text, i, Val::Root, true);
                    w.define(d, dot, checkable);
                    Found::of(w)
                });
                *slot = Some((want.clone(), found));
            }
        }
        let mut next = from_top.clone();
        for (want, f) in defines.iter().flatten().flatten() {
            join(&mut next, f, *want == DefDot::Assumed);
        }
        if next == dots {
            break;
        }
        dots = next;
    }
    // In the order of a walk of each template: its top level, then its named templates.
    let mut result = ValueReads::default();
    let found = || {
        top.iter()
            .flatten()
            .chain(defines.iter().flatten().flatten().map(|(_, f)| f))
    };
    result.reads.reserve(found().map(|f| f.reads.len()).sum());
    result.loose.reserve(found().map(|f| f.loose.len()).sum());
    for (i, (t, defs)) in top.into_iter().zip(defines).enumerate() {
        for (f, assumed) in t.into_iter().map(|f| (f, false)).chain(
            defs.into_iter()
                .flatten()
                .map(|(want, f)| (f, want == DefDot::Assumed)),
        ) {
            Found::add_to(f, i, assumed, &mut result);
        }
    }
    result.complete = parsed.iter().all(|t| t.tree.is_ok());
    // Values that templates pass to `tpl` may themselves read values.
    if let Some(root) = chart.values_root() {
        let mut extra = Vec::new();
        for path in result.tpl_paths() {
            let keys: Vec<&str> = path.iter().map(String::as_str).collect();
            if let Some(node) = root.get_path(&keys) {
                tpl_string_reads(node, &mut extra);
            }
        }
        result.loose.append(&mut extra);
    }
    result
}

/// Walks shared between the charts of a run that hold the same template file (a library
/// chart copied into every chart, a subchart vendored into many): a walk depends only on the
/// file's name and text and on what `.` stands for, so a file met again is not walked again.
/// A file is kept from its second sighting on, and the store is emptied when it reaches
/// [`shared::BUDGET`] reads, so memory stays bounded however many charts a run reads.
mod shared {
    use super::{DefDot, Found};
    use crate::chart::templates::ParsedTemplate;
    use crate::source::File;
    use crate::{FastMap, FastSet};
    use std::hash::BuildHasher;
    use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

    /// Reads, loose reads and calls kept at most (a few megabytes).
    pub(super) const BUDGET: usize = 1 << 16;

    /// Which walk of a file: the top level (`None`) or a named template (by its index in the
    /// file) with a `.`.
    type Which = Option<(usize, DefDot)>;

    #[derive(Default)]
    struct Store {
        hasher: foldhash::fast::RandomState,
        /// Files met once (by hash).
        seen: FastSet<u64>,
        /// Files met more than once, by hash.
        files: FastMap<u64, Vec<Arc<Key>>>,
        /// Reads, loose reads and calls held.
        size: usize,
    }

    fn store() -> MutexGuard<'static, Store> {
        static S: OnceLock<Mutex<Store>> = OnceLock::new();
        S.get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// A template file met more than once, and its walks.
    pub(super) struct Key {
        name: String,
        file: File,
        walks: Mutex<FastMap<Which, Arc<Found>>>,
    }

    /// The length of a text and a few slices of it, to tell files apart cheaply (files with
    /// the same sample are compared whole).
    fn sample(text: &str) -> (usize, [&[u8]; 4]) {
        const PART: usize = 64;
        let b = text.as_bytes();
        let at = |i: usize| {
            let start = (b.len().saturating_sub(PART) * i / 3).min(b.len());
            &b[start..(start + PART).min(b.len())]
        };
        (b.len(), [at(0), at(1), at(2), at(3)])
    }

    /// The walks of a template file met before (in this chart or another), `None` on its
    /// first sighting.
    pub(super) fn key(t: &ParsedTemplate) -> Option<Arc<Key>> {
        let hasher = store().hasher.clone();
        let hash = hasher.hash_one((t.name.as_str(), sample(&t.file.text)));
        let mut s = store();
        let same = |k: &Arc<Key>| {
            k.name == t.name && (Arc::ptr_eq(&k.file, &t.file) || k.file.text == t.file.text)
        };
        if let Some(k) = s.files.get(&hash).and_then(|b| b.iter().find(|k| same(k))) {
            return Some(k.clone());
        }
        if s.seen.insert(hash) {
            if s.seen.len() > BUDGET {
                s.seen.clear();
            }
            return None;
        }
        let k = Arc::new(Key {
            name: t.name.clone(),
            file: t.file.clone(),
            walks: Mutex::default(),
        });
        s.files.entry(hash).or_default().push(k.clone());
        Some(k)
    }

    impl Key {
        fn walks(&self) -> MutexGuard<'_, FastMap<Which, Arc<Found>>> {
            self.walks.lock().unwrap_or_else(|e| e.into_inner())
        }

        pub(super) fn get(&self, which: Option<(usize, &DefDot)>) -> Option<Arc<Found>> {
            let which: Which = which.map(|(n, d)| (n, d.clone()));
            self.walks().get(&which).cloned()
        }

        pub(super) fn put(&self, which: Option<(usize, &DefDot)>, found: &Arc<Found>) {
            let which: Which = which.map(|(n, d)| (n, d.clone()));
            let size = found.reads.len() + found.loose.len() + found.calls.len() + 1;
            {
                let mut s = store();
                if s.size + size > BUDGET {
                    // Files being analysed keep their walks until they are done.
                    s.files.clear();
                    s.size = 0;
                }
                s.size += size;
            }
            self.walks().insert(which, found.clone());
        }
    }
}

/// `.Values` paths read by the template strings in a values subtree.
fn tpl_string_reads(node: &crate::yaml::Node, out: &mut Vec<Vec<String>>) {
    use crate::yaml::NodeKind;
    match &node.kind {
        NodeKind::Scalar(s) => {
            if !s.text.contains("{{") {
                return;
            }
            let Ok(t) = crate::template::parse(&s.text, &super::templates::parse_options("tpl"))
            else {
                return;
            };
            for f in t.field_chains() {
                let from = match &f.root {
                    crate::template::FieldRoot::Dot => 0,
                    crate::template::FieldRoot::Variable(v) if v == "$" => 0,
                    _ => continue,
                };
                if f.path.get(from).map(String::as_str) == Some("Values") {
                    out.push(f.path[from + 1..].to_vec());
                }
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|n| tpl_string_reads(n, out)),
        NodeKind::Map(entries) => entries.iter().for_each(|e| tpl_string_reads(&e.value, out)),
    }
}

impl<'a> Walker<'a> {
    fn new(src: &'a str, template: usize, dot: Val, checkable: bool) -> Walker<'a> {
        Walker {
            src,
            template,
            reads: Vec::new(),
            loose: Vec::new(),
            calls: Vec::new(),
            scopes: vec![vec![("$".to_string(), dot.clone())]],
            guards: Vec::new(),
            args: Vec::new(),
            dot,
            checkable,
            action: None,
        }
    }

    fn define(&mut self, d: &Define, dot: Val, checkable: bool) {
        let saved = (
            std::mem::replace(&mut self.dot, dot.clone()),
            std::mem::replace(&mut self.scopes, vec![vec![("$".to_string(), dot)]]),
            std::mem::replace(&mut self.checkable, checkable),
            std::mem::take(&mut self.guards),
        );
        self.list(&d.body);
        (self.dot, self.scopes, self.checkable, self.guards) = saved;
    }

    fn list(&mut self, list: &List) {
        for n in &list.nodes {
            self.node(n);
        }
    }

    fn scoped(&mut self, list: &List, dot: Val, guards: Option<std::ops::Range<usize>>) {
        let saved_dot = std::mem::replace(&mut self.dot, dot);
        self.scopes.push(Vec::new());
        let pushed = guards.is_some();
        if let Some(g) = guards {
            self.guards.push(g);
        }
        self.list(list);
        if pushed {
            self.guards.pop();
        }
        self.scopes.pop();
        self.dot = saved_dot;
    }

    fn node(&mut self, n: &Node) {
        // Only blocks nest lists (pipelines nest through `operand`).
        match n {
            Node::If(_) | Node::With(_) | Node::Range(_) => {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.node_inner(n))
            }
            _ => self.node_inner(n),
        }
    }

    fn node_inner(&mut self, n: &Node) {
        match n {
            Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
            Node::Action(a) => {
                let defaulted = a.pipe.cmds.iter().any(|c| {
                    c.args.iter().any(|op| {
                        matches!(op, Operand::Function { name, .. } if FuncKind::of(name).defaulting)
                    })
                });
                let outputs = a.pipe.decl.is_empty();
                let saved = self.action.take();
                if outputs {
                    self.action = Some((a.tag.span, defaulted));
                }
                self.pipe(&a.pipe, Use::Value);
                self.action = saved;
            }
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                let keyword = self.src.get(b.keyword.range()).unwrap_or("if");
                self.scopes.push(Vec::new());
                let first = self.reads.len();
                let use_ = if keyword == "range" {
                    Use::Value
                } else {
                    Use::Test
                };
                let val = self.pipe(&b.pipe, use_);
                if keyword == "range" {
                    // `range $k, $v := .Values.env` reads every entry, as `range .Values.env`
                    // does: the loop variables are bound to elements, not to the value.
                    let whole = !b.pipe.decl.is_empty();
                    for r in &mut self.reads[first..] {
                        r.ranged = true;
                        r.whole |= whole;
                    }
                }
                let guard = first..self.reads.len();
                let inner_dot = match keyword {
                    "with" => val,
                    "range" => Val::Unknown,
                    _ => self.dot.clone(),
                };
                if keyword == "range" {
                    // The loop variables hold elements.
                    for d in &b.pipe.decl {
                        self.set_var(&d.name, Val::Unknown, true);
                    }
                }
                let guards = (keyword != "range").then_some(guard);
                self.scoped(&b.list, inner_dot, guards.clone());
                if let Some(e) = &b.else_list {
                    let dot = self.dot.clone();
                    self.scoped(e, dot, guards);
                }
                self.scopes.pop();
            }
            Node::Template(t) => {
                let val = match &t.pipe {
                    Some(p) => self.pipe(p, Use::Value),
                    None => Val::Unknown,
                };
                let dot = self.call_dot(&val);
                self.calls.push((t.name.clone(), dot));
            }
        }
    }

    /// What a call from here passes as `.`: nothing is known from a named template that is
    /// itself called from nowhere (dead code is not checked).
    fn call_dot(&self, v: &Val) -> DefDot {
        if self.checkable {
            match v {
                Val::Root => DefDot::Root,
                Val::Values { path, .. } => DefDot::Values(path.clone()),
                Val::Read(i) => DefDot::Values(self.reads[*i].path.clone()),
                Val::Unknown => DefDot::Unknown,
            }
        } else {
            DefDot::Assumed
        }
    }

    fn lookup(&self, name: &str) -> Val {
        for scope in self.scopes.iter().rev() {
            if let Some((_, v)) = scope.iter().rev().find(|(n, _)| n == name) {
                return v.clone();
            }
        }
        Val::Unknown
    }

    fn set_var(&mut self, name: &str, val: Val, declare: bool) {
        if declare {
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((name.to_string(), val));
            }
            return;
        }
        for scope in self.scopes.iter_mut().rev() {
            if let Some(slot) = scope.iter_mut().rev().find(|(n, _)| n == name) {
                // Assigned, maybe in a branch: no longer known.
                slot.1 = Val::Unknown;
                return;
            }
        }
    }

    /// Evaluates a pipeline; returns what its result stands for.
    fn pipe(&mut self, p: &Pipe, use_: Use) -> Val {
        let mut prev: Option<(Val, Idxs)> = None;
        let last = p.cmds.len().saturating_sub(1);
        for (i, cmd) in p.cmds.iter().enumerate() {
            let this_use = if i == last {
                if p.decl.is_empty() { use_ } else { Use::Bind }
            } else {
                Use::Value
            };
            prev = Some(self.command(cmd, prev, this_use));
        }
        let val = prev.map(|(v, _)| v).unwrap_or(Val::Unknown);
        if !p.decl.is_empty() {
            if p.is_assign {
                for d in &p.decl {
                    self.set_var(&d.name, Val::Unknown, false);
                }
            } else if p.decl.len() == 1 {
                self.set_var(&p.decl[0].name, val.clone(), true);
            } else {
                for d in &p.decl {
                    self.set_var(&d.name, Val::Unknown, true);
                }
            }
        }
        val
    }

    fn mark(&mut self, idxs: &[usize], f: impl Fn(&mut Read)) {
        for &i in idxs {
            if let Some(r) = self.reads.get_mut(i) {
                f(r);
            }
        }
    }

    /// Evaluates one command; returns its value and the reads that are its value.
    fn command(&mut self, cmd: &Command, piped: Option<(Val, Idxs)>, use_: Use) -> (Val, Idxs) {
        let Some(head) = cmd.args.first() else {
            return (Val::Unknown, Idxs::None);
        };
        let Operand::Function { name, .. } = head else {
            // A lone operand: its value is the command's value.
            let (val, idxs) = self.operand(head);
            match use_ {
                Use::Test => self.mark(idxs.as_slice(), |r| {
                    r.whole = false;
                    r.test = true;
                }),
                Use::Bind => self.mark(idxs.as_slice(), |r| r.whole = false),
                Use::Value => {}
            }
            return (val, idxs);
        };
        // The arguments' values go on a stack the walker keeps (commands nested in
        // parentheses push theirs above and take them off before this one goes on).
        let base = self.args.len();
        let mut first_range = None;
        // `and` stops at the first false argument, so each argument is only evaluated when
        // the ones before it hold: their paths guard it like an enclosing `if`.
        let short_circuit = name == "and";
        let guards_before = self.guards.len();
        for op in &cmd.args[1..] {
            let first = self.reads.len();
            let arg = self.operand(op);
            self.args.push(arg);
            first_range.get_or_insert(first..self.reads.len());
            if short_circuit {
                self.guards.push(first..self.reads.len());
            }
        }
        self.guards.truncate(guards_before);
        if let Some(p) = piped {
            self.args.push(p);
        }
        let out = self.call(cmd, name, base, first_range, use_);
        self.args.truncate(base);
        out
    }

    /// Marks the reads of every argument on the stack from `base`.
    fn mark_args(&mut self, base: usize, f: fn(&mut Read)) {
        for (_, idxs) in &self.args[base..] {
            for &i in idxs.as_slice() {
                if let Some(r) = self.reads.get_mut(i) {
                    f(r);
                }
            }
        }
    }

    /// The path and spans of the argument at `at` when it is a values path (with room for
    /// `extra` more segments), and its reads.
    fn arg_path(&self, at: usize, extra: usize) -> Option<(Vec<String>, Vec<Span>, Idxs)> {
        let (v, idxs) = self.args.get(at)?;
        let (path, spans) = self.values_of(v, extra)?;
        Some((path, spans, idxs.clone()))
    }

    /// A function call whose arguments are on the stack from `base`.
    fn call(
        &mut self,
        cmd: &Command,
        name: &str,
        base: usize,
        first_range: Option<std::ops::Range<usize>>,
        use_: Use,
    ) -> (Val, Idxs) {
        let literal = |i: usize| match cmd.args.get(i + 1) {
            Some(Operand::String(s)) => Some((s.value.to_string(), s.span)),
            _ => None,
        };
        let is_literal = |i: usize| matches!(cmd.args.get(i + 1), Some(Operand::String(_)));
        let nargs = self.args.len() - base;
        let kind = FuncKind::of(name);
        if kind.optional {
            self.mark_args(base, |r| r.optional = true);
        }
        // `and`, `or` and `not` test their arguments for truth wherever they appear (also in
        // parentheses inside a condition); a missing value is false.
        if kind.test {
            self.mark_args(base, |r| r.test = true);
            if use_ == Use::Test {
                self.mark_args(base, |r| r.whole = false);
            }
        }
        if kind.compare {
            self.mark_args(base, |r| r.whole = false);
        }
        // `eq` and `ne` compare a missing value as unequal without failing.
        if kind.equality {
            self.mark_args(base, |r| r.compared = true);
        }
        match name {
            "index" | "get" => {
                // `index M "a" "b"`: a deeper path when every key is a literal.
                let piped_extra = nargs > cmd.args.len() - 1;
                let keys = cmd.args.len().saturating_sub(2);
                let Some((mut path, mut spans, base_idxs)) = self.arg_path(base, keys) else {
                    return (Val::Unknown, Idxs::None);
                };
                let own_from = path.len();
                // Literal keys up to the first dynamic one.
                let mut all_literal = true;
                for i in 1..cmd.args.len() - 1 {
                    match literal(i) {
                        Some((k, s)) => {
                            path.push(k);
                            spans.push(s);
                        }
                        None => {
                            all_literal = false;
                            break;
                        }
                    }
                }
                if path.len() == own_from {
                    return (Val::Unknown, Idxs::None);
                }
                self.mark(base_idxs.as_slice(), |r| r.whole = false);
                let i = self.push_read(path, spans, own_from);
                if !all_literal || piped_extra {
                    // Read whole: what the dynamic keys pick is not known.
                    return (Val::Unknown, Idxs::None);
                }
                // `if index .Values.conf "single-node"` tests the value it reads.
                match use_ {
                    Use::Test => self.mark(&[i], |r| {
                        r.whole = false;
                        r.test = true;
                    }),
                    Use::Bind => self.mark(&[i], |r| r.whole = false),
                    Use::Value => {}
                }
                (Val::Read(i), Idxs::One(i))
            }
            "hasKey" => {
                if let Some((k, s)) = literal(1)
                    && let Some((path, spans, base_idxs)) = self.arg_path(base, 1)
                {
                    self.mark(base_idxs.as_slice(), |r| r.whole = false);
                    let own_from = path.len();
                    let mut path = path;
                    let mut spans = spans;
                    path.push(k);
                    spans.push(s);
                    let i = self.push_read(path, spans, own_from);
                    self.mark(&[i], |r| {
                        r.whole = false;
                        r.optional = true;
                        r.test = true;
                        r.lookup = true;
                    });
                }
                (Val::Unknown, Idxs::None)
            }
            "dig" => {
                // `dig "a" "b" default M`.
                let n = cmd.args.len() - 1;
                if n >= 3
                    && (0..n - 2).all(is_literal)
                    && let Some((path, spans, base_idxs)) = self.arg_path(base + n - 1, n - 2)
                {
                    self.mark(base_idxs.as_slice(), |r| r.whole = false);
                    let own_from = path.len();
                    let mut path = path;
                    let mut spans = spans;
                    for (k, s) in (0..n - 2).filter_map(literal) {
                        path.push(k);
                        spans.push(s);
                    }
                    let i = self.push_read(path, spans, own_from);
                    self.mark(&[i], |r| {
                        r.optional = true;
                        r.lookup = true;
                    });
                }
                (Val::Unknown, Idxs::None)
            }
            "tpl" => {
                // Every value read to build the template text (`tpl (toYaml .Values.x) .`).
                if let Some(range) = first_range {
                    for r in &mut self.reads[range] {
                        r.tpl = true;
                    }
                }
                (Val::Unknown, Idxs::None)
            }
            "include" | "template" => {
                if let Some((n, _)) = literal(0) {
                    let dot = self
                        .args
                        .get(base + 1)
                        .map(|(v, _)| self.call_dot(v))
                        .unwrap_or(DefDot::Unknown);
                    self.calls.push((n, dot));
                }
                (Val::Unknown, Idxs::None)
            }
            _ => (Val::Unknown, Idxs::None),
        }
    }

    fn push_read(&mut self, path: Vec<String>, spans: Vec<Span>, own_from: usize) -> usize {
        // One pass over the paths the enclosing conditions test: the longest that is a
        // prefix of this one, and the keys they test beside this one's last key.
        let mut guard_len = 0;
        let mut sibling_tests: Vec<String> = Vec::new();
        let parent = path.split_last().map(|(_, parent)| parent);
        for g in self
            .guards
            .iter()
            .flat_map(|g| &self.reads[g.clone()])
            .map(|r| &r.path)
            .filter(|p| !p.is_empty())
        {
            if path.starts_with(g) {
                guard_len = guard_len.max(g.len());
            }
            if let Some(parent) = parent
                && g.len() > parent.len()
                && g.starts_with(parent)
                && g[parent.len()] != path[parent.len()]
                && !sibling_tests.contains(&g[parent.len()])
            {
                sibling_tests.push(g[parent.len()].clone());
            }
        }
        self.reads.push(Read {
            sibling_tests,
            template: self.template,
            path,
            spans,
            own_from,
            whole: true,
            test: false,
            compared: false,
            optional: false,
            guard_len,
            lookup: false,
            chained: false,
            ranged: false,
            tpl: false,
            checkable: self.checkable,
            action: self.action.map(|a| a.0),
            action_defaulted: self.action.is_some_and(|a| a.1),
        });
        self.reads.len() - 1
    }

    /// The path and spans of a values path or of a read (the spans as far as they are
    /// known), copied with room for `extra` more segments; `None` for other values.
    fn values_of(&self, v: &Val, extra: usize) -> Option<(Vec<String>, Vec<Span>)> {
        let (p, s) = match v {
            Val::Values { path, spans } => (path, spans),
            &Val::Read(i) => (&self.reads[i].path, &self.reads[i].spans),
            Val::Root | Val::Unknown => return None,
        };
        let mut path = Vec::with_capacity(p.len() + extra);
        path.extend(p.iter().cloned());
        let mut spans = Vec::with_capacity(p.len() + extra);
        spans.extend_from_slice(s);
        Some((path, spans))
    }

    /// A read of a values path or of a read as a whole (`.` or a variable without fields),
    /// its unknown spans at `span`.
    fn whole_of(&mut self, v: Val, span: Span) -> (Val, Idxs) {
        match self.values_of(&v, 0) {
            Some((path, mut spans)) => {
                spans.resize(path.len(), span);
                let own = path.len();
                let i = self.push_read(path, spans, own);
                (Val::Read(i), Idxs::One(i))
            }
            None => (v, Idxs::None),
        }
    }

    /// A chain of fields on a base value.
    fn chain(&mut self, base: &Val, fields: &[Ident], base_span: Span) -> (Val, Idxs) {
        if let Val::Root = base {
            let Some(first) = fields.first() else {
                return (Val::Root, Idxs::None);
            };
            if first.name != "Values" {
                return (Val::Unknown, Idxs::None);
            }
            let path: Vec<String> = fields[1..].iter().map(|f| f.name.clone()).collect();
            let spans: Vec<Span> = fields[1..].iter().map(|f| f.span).collect();
            let i = self.push_read(path, spans, 0);
            return (Val::Read(i), Idxs::One(i));
        }
        match self.values_of(base, fields.len()) {
            Some((mut path, mut spans)) => {
                let own_from = path.len();
                spans.resize(path.len(), base_span);
                for f in fields {
                    path.push(f.name.clone());
                    spans.push(f.span);
                }
                let i = self.push_read(path, spans, own_from);
                (Val::Read(i), Idxs::One(i))
            }
            None => {
                if let Some(i) = fields.iter().position(|f| f.name == "Values") {
                    self.loose
                        .push(fields[i + 1..].iter().map(|f| f.name.clone()).collect());
                }
                (Val::Unknown, Idxs::None)
            }
        }
    }

    fn operand(&mut self, op: &Operand) -> (Val, Idxs) {
        // Only parentheses and chains nest.
        match op {
            Operand::Paren { .. } | Operand::Chain { .. } => {
                stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.operand_inner(op))
            }
            _ => self.operand_inner(op),
        }
    }

    fn operand_inner(&mut self, op: &Operand) -> (Val, Idxs) {
        match op {
            Operand::Field { fields, span } => {
                // (`chain` does not look at `.`: lent without a copy.)
                let dot = std::mem::take(&mut self.dot);
                let out = self.chain(&dot, fields, Span::empty(span.start as usize));
                self.dot = dot;
                out
            }
            Operand::Variable {
                name,
                fields,
                name_span,
                ..
            } => {
                let base = self.lookup(name);
                if fields.is_empty() {
                    return self.whole_of(base, *name_span);
                }
                self.chain(&base, fields, *name_span)
            }
            Operand::Dot(span) => {
                let dot = std::mem::take(&mut self.dot);
                let out = match self.values_of(&dot, 0) {
                    Some((path, mut spans)) => {
                        spans.resize(path.len(), *span);
                        let own = path.len();
                        let i = self.push_read(path, spans, own);
                        (Val::Read(i), Idxs::One(i))
                    }
                    None => (dot.clone(), Idxs::None),
                };
                self.dot = dot;
                out
            }
            Operand::Chain { node, fields, .. } => {
                let (base, idxs) = self.operand(node);
                if matches!(base, Val::Values { .. } | Val::Read(_)) {
                    self.mark(idxs.as_slice(), |r| {
                        r.whole = false;
                        r.chained = true;
                    });
                }
                let span = node.span();
                self.chain(&base, fields, span)
            }
            Operand::Paren { pipe, .. } => {
                let first = self.reads.len();
                let v = self.pipe(pipe, Use::Value);
                // The reads that are the parenthesised value.
                let idxs = match &v {
                    Val::Values { path, .. } => (first..self.reads.len())
                        .filter(|&i| self.reads[i].path == *path)
                        .collect(),
                    &Val::Read(j) => (first..self.reads.len())
                        .filter(|&i| self.reads[i].path == self.reads[j].path)
                        .collect(),
                    _ => Vec::new(),
                };
                (v, Idxs::Many(idxs))
            }
            Operand::Function { .. }
            | Operand::Nil(_)
            | Operand::Bool { .. }
            | Operand::Number(_)
            | Operand::String(_) => (Val::Unknown, Idxs::None),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::chart::test_support::chart;

    #[test]
    fn the_path_tree_answers_as_a_scan_of_every_read() {
        // Every path of up to three segments over {a, b}.
        let mut paths: Vec<Vec<String>> = vec![vec![]];
        for len in 1..=3 {
            for bits in 0..(1u32 << len) {
                paths.push(
                    (0..len)
                        .map(|i| if bits >> i & 1 == 1 { "b" } else { "a" }.to_string())
                        .collect(),
                );
            }
        }
        // Read sets picked by a small linear congruential generator.
        let mut seed = 7u64;
        for _ in 0..200 {
            let mut reads: Vec<(Vec<String>, bool)> = Vec::new();
            for p in &paths {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                match seed >> 60 {
                    0 => reads.push((p.clone(), true)),
                    1 | 2 => reads.push((p.clone(), false)),
                    _ => {}
                }
            }
            let mut t = super::PathTrie {
                nodes: vec![super::TrieNode::default()],
            };
            for (p, whole) in &reads {
                t.insert(p, *whole);
            }
            for path in &paths {
                let scan_read = reads
                    .iter()
                    .any(|(p, whole)| (*whole && path.starts_with(p)) || p.starts_with(path));
                let scan_whole = reads.iter().any(|(p, whole)| *whole && path.starts_with(p));
                let (whole_above, below) = t.lookup(path);
                assert_eq!(whole_above || below, scan_read, "{path:?} in {reads:?}");
                assert_eq!(whole_above, scan_whole, "{path:?} in {reads:?}");
            }
        }
    }

    fn reads(templates: &[(&str, &str)]) -> Vec<(String, bool, bool, usize, bool)> {
        let mut b = chart("web").chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n");
        for (n, t) in templates {
            b = b.template(n, t);
        }
        let c = b.build();
        c.value_reads()
            .reads
            .iter()
            .map(|r| {
                (
                    r.path.join("."),
                    r.whole,
                    r.optional,
                    r.guard_len,
                    r.checkable,
                )
            })
            .collect()
    }

    fn paths(templates: &[(&str, &str)]) -> Vec<String> {
        reads(templates).into_iter().map(|r| r.0).collect()
    }

    #[test]
    fn walks_shared_between_charts_read_as_their_own() {
        // The same helper file at another position and called with another `.` in each chart.
        let helpers = "{{ define \"h\" }}{{ .Values.p }}{{ .tag }}{{ if .x }}{{ .Values.q.r }}{{ end }}{{ end }}{{ define \"n\" }}{{ include \"h\" . }}{{ .Values.s }}{{ end }}";
        let one = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
            .template("_h.tpl", helpers)
            .template("a.yaml", "{{ include \"h\" . }}{{ .Values.a }}")
            .build();
        let two = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
            .template("_a.tpl", "{{ define \"x\" }}{{ .Values.x }}{{ end }}")
            .template("_h.tpl", helpers)
            .template(
                "b.yaml",
                "{{ include \"n\" .Values.img }}{{ include \"x\" . }}",
            )
            .build();
        let shown = |r: &super::ValueReads| format!("{:?} {:?}", r.reads, r.loose);
        let alone = [
            shown(&super::analyse_with(&one, false)),
            shown(&super::analyse_with(&two, false)),
        ];
        assert_ne!(alone[0], alone[1]);
        // Met once, kept, then taken from the store, in either chart.
        for _ in 0..3 {
            assert_eq!(shown(&super::analyse(&one)), alone[0]);
            assert_eq!(shown(&super::analyse(&two)), alone[1]);
        }
        let two_reads = super::analyse(&two);
        let helper_file = two
            .parsed_templates()
            .iter()
            .position(|t| t.rel == "_h.tpl")
            .unwrap();
        assert!(
            two_reads
                .reads
                .iter()
                .any(|r| r.template == helper_file && r.path == ["img", "tag"])
        );
    }

    #[test]
    fn follows_with_variables_index_and_dollar() {
        let p = paths(&[(
            "a.yaml",
            "{{ with .Values.a }}{{ .b }}{{ $.Values.c }}{{ end }}{{ $x := .Values.d }}{{ $x.e }}{{ index .Values \"f\" \"g\" }}{{ range .Values.h }}{{ .i }}{{ end }}",
        )]);
        for want in ["a", "a.b", "c", "d", "d.e", "f.g", "h"] {
            assert!(p.contains(&want.to_string()), "{want} missing from {p:?}");
        }
        assert!(!p.iter().any(|x| x.ends_with(".i")), "{p:?}");
    }

    #[test]
    fn guards_and_optional_functions() {
        let r = reads(&[(
            "a.yaml",
            "{{ if .Values.a.b }}{{ .Values.a.b.c }}{{ end }}{{ .Values.x | default 1 }}{{ hasKey .Values.m \"k\" }}",
        )]);
        let get = |p: &str| r.iter().find(|x| x.0 == p).cloned().unwrap();
        assert_eq!(get("a.b.c").3, 2);
        assert!(get("x").2);
        assert!(get("m.k").2);
        assert_eq!(get("x").3, 0);
    }

    #[test]
    fn functions_with_literal_keys_read_deeper_paths() {
        let r = reads(&[(
            "a.yaml",
            "{{ $k := \"v\" }}{{ index .Values.a \"b\" $k }}{{ index .Values \"c\" \"d\" }}{{ index .Values.e }}{{ \"x\" | index .Values.m \"k\" }}{{ dig \"p\" \"q\" \"none\" .Values.n }}{{ hasKey .Values.h \"k\" }}{{ if index .Values.t \"on\" }}{{ end }}{{ tpl .Values.s . }}",
        )]);
        let get = |p: &str| {
            r.iter()
                .find(|x| x.0 == p)
                .cloned()
                .unwrap_or_else(|| panic!("{p} in {r:?}"))
        };
        // A dynamic key after a literal one: the literal part, read whole.
        assert!(get("a.b").1);
        assert!(!get("a").1, "the base is not read whole");
        assert!(get("c.d").1);
        assert!(!r.iter().any(|x| x.0 == "e" && !x.1), "{r:?}");
        // A piped argument: the literal keys, read whole.
        assert!(get("m.k").1);
        let dig = get("n.p.q");
        assert!(dig.2 && !get("n").1);
        assert!(get("h.k").2);
        // Tested, not read whole.
        assert!(!get("t.on").1);
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
            .template(
                "a.yaml",
                "{{ tpl .Values.s . }}{{ tpl (toYaml .Values.u) . }}",
            )
            .build();
        let tpl: Vec<String> = c.value_reads().tpl_paths().map(|p| p.join(".")).collect();
        assert_eq!(tpl, ["s", "u"]);
    }

    #[test]
    fn a_template_called_with_different_values_has_no_known_dot() {
        let r = reads(&[
            (
                "a.yaml",
                "{{ include \"one\" .Values.x }}{{ include \"one\" .Values.x }}{{ include \"two\" .Values.x }}{{ include \"two\" .Values.y }}{{ include \"nowhere\" . }}",
            ),
            (
                "_h.tpl",
                "{{ define \"one\" }}{{ .a }}{{ end }}{{ define \"two\" }}{{ .b }}{{ .Values.z }}{{ end }}",
            ),
        ]);
        let get = |p: &str| r.iter().find(|x| x.0 == p).cloned();
        assert!(
            get("x.a").expect("x.a").4,
            "the same values at every call: {r:?}"
        );
        assert!(get("x.b").is_none() && get("y.b").is_none(), "{r:?}");
        // `.` unknown: `.Values.z` there is read, never checked.
        assert!(get("z").is_none(), "{r:?}");
    }

    #[test]
    fn named_templates_take_the_dot_of_their_callers() {
        let r = reads(&[
            (
                "a.yaml",
                "{{ include \"h\" . }}{{ include \"v\" .Values.img }}",
            ),
            (
                "_h.tpl",
                "{{ define \"h\" }}{{ .Values.p }}{{ end }}{{ define \"v\" }}{{ .tag }}{{ end }}{{ define \"never\" }}{{ .Values.q }}{{ end }}",
            ),
        ]);
        let get = |p: &str| r.iter().find(|x| x.0 == p).cloned();
        assert!(get("p").unwrap().4, "called with . : checkable");
        assert!(get("img.tag").unwrap().4);
        assert!(!get("q").unwrap().4, "never called: assumed, not checkable");
    }

    #[test]
    fn deep_nesting_does_not_overflow_a_small_stack() {
        let deep_ifs = format!(
            "{}{}",
            "{{ if .Values.a }}{{ with .Values.b }}".repeat(500),
            "{{ end }}".repeat(1000)
        );
        let deep_parens = format!(
            "{{{{ {}.Values.x{} }}}}",
            "(default 1 ".repeat(900),
            ")".repeat(900)
        );
        let handle = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || {
                let c = chart("web")
                    .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
                    .template("a.yaml", &deep_ifs)
                    .template("b.yaml", &deep_parens)
                    .build();
                let parsed_ok = c
                    .parsed_templates()
                    .iter()
                    .filter(|t| t.tree.is_ok())
                    .count();
                (parsed_ok, c.value_reads().reads.len())
            })
            .unwrap();
        let (ok, n) = handle.join().unwrap();
        assert!(ok >= 1 && n > 0, "{ok} {n}");
    }

    #[test]
    fn templates_called_from_nowhere_pass_nothing_on() {
        let r = reads(&[
            (
                "_h.tpl",
                "{{ define \"never\" }}{{ include \"inner\" .Values.x }}{{ .Values.n }}{{ end }}{{ define \"inner\" }}{{ .y }}{{ .Values.i }}{{ end }}{{ define \"called\" }}{{ .Values.c }}{{ end }}",
            ),
            ("a.yaml", "{{ include \"called\" . }}"),
        ]);
        let get = |p: &str| r.iter().find(|x| x.0 == p).cloned();
        assert!(get("x.y").is_none(), "{r:?}");
        assert!(!get("n").unwrap().4, "never called: not checkable");
        assert!(
            !get("i").unwrap().4,
            "called only from dead code: not checkable"
        );
        assert!(get("c").unwrap().4, "called with .: checkable");
    }

    #[test]
    fn dynamic_use_of_values_is_detected() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
            .template(
                "a.yaml",
                "{{ range $k, $v := .Values.m }}{{ index $.Values $k }}{{ end }}",
            )
            .build();
        assert!(c.value_reads().dynamic());
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
            .template("a.yaml", "{{ toYaml .Values.m }}{{ .Values.n.o }}")
            .build();
        let r = c.value_reads();
        assert!(!r.dynamic());
        assert!(r.is_read(&["m".into(), "deep".into()]));
        assert!(r.is_read(&["n".into()]));
        assert!(!r.is_read(&["n".into(), "p".into()]));
    }

    #[test]
    fn partial_top_level_is_not_rendered_and_loose_chains_count() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\n")
            .template(
                "_x.tpl",
                "{{ .Values.top }}{{ define \"d\" }}{{ .ctx.Values.deep.key }}{{ end }}",
            )
            .template("a.yaml", "{{ include \"d\" (dict \"ctx\" $) }}")
            .build();
        let r = c.value_reads();
        assert!(!r.reads.iter().any(|x| x.path == ["top"]));
        assert!(r.is_read(&["deep".into(), "key".into()]));
    }
}
