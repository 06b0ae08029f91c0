//! Results of `include` kept for calls that repeat.
//!
//! Charts call the same helpers again and again with the same argument (`include
//! "common.names.fullname" .`, a `dict` of the same values for the labels), and an `include`
//! returns a string: what it prints is a function of the template, its argument and the state
//! of the maps it can reach. A call that repeats one already made is answered from here
//! instead of executed again, when nothing that call could observe has changed since:
//!
//! - **Maps changed in place.** Every map carries the serial of when it was made
//!   ([`Map::serial`](crate::render::value::Map)). A call starts at a new serial, so the maps
//!   it can reach through its argument are older than the call. Changing a map (`set`,
//!   `merge`, ...) forgets every result of a call that started after that map was made, and
//!   a call in progress that changes a map older than itself is not kept (its effect would be
//!   lost on a repeat). Changing a map the call made itself is neither.
//! - **Randomness.** A call that draws random numbers is not kept.
//! - **Templates `tpl` defines** are visible to `include` only during that `tpl` call: no
//!   result is used or kept while such a template may shadow one of the chart's, and a call
//!   that looks a name up among the `tpl` text's own templates is not kept.
//! - **Limits.** A result is used only when charging its steps, output and nesting depth
//!   stays within the render's limits, so a render stops where it would have stopped.
//!
//! Two arguments are the same when they are equal scalars from the same place, or maps and
//! lists that are the same value, or (for the argument and the values directly inside it) a
//! small map or list whose items are the same in this sense. The argument of
//! `include "x" (dict "context" $)` is a new map on each call, with the same items.

use super::Unit;
use crate::FastMap;
use crate::render::engine::TRef;
use crate::render::value::{Kind, Value};
use std::collections::BTreeMap;
use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::Arc;

use super::provenance::Recent;

/// Levels of the argument compared item by item (the argument, and the values in it).
const SHALLOW: u8 = 2;
/// Larger maps and lists are compared as values only: the argument with up to 64 items, the
/// values in it with up to 8 (a `dict` built for the call, or the top-level context; not
/// `.Values`, which is the same value from call to call).
const MAX_ITEMS: [usize; SHALLOW as usize] = [64, 8];
/// Bounds on what is kept per render; past them everything is forgotten.
const MAX_ENTRIES: usize = 20_000;
const MAX_BYTES: usize = 16 << 20;

/// What one kept call cost, charged again when its result is used.
pub(crate) struct Cost {
    pub steps: u64,
    pub written: usize,
    /// Nesting below the call.
    pub depth: u32,
}

struct Entry {
    start: u64,
    unit: Arc<Unit>,
    define: Option<usize>,
    dot: Value,
    recent: Recent,
    cost: Cost,
}

/// A call in progress.
struct Active {
    start: u64,
    keep: bool,
}

#[derive(Default)]
pub(crate) struct Memo {
    entries: FastMap<u64, Vec<Entry>>,
    /// Start serial of each kept call to its hash, for forgetting by age.
    by_start: BTreeMap<u64, u64>,
    active: Vec<Active>,
    bytes: usize,
    hasher: foldhash::fast::RandomState,
}

impl Memo {
    /// The key of a call of `t` with `dot`.
    pub fn key(&self, t: &TRef, dot: &Value) -> u64 {
        let mut h = self.hasher.build_hasher();
        (Arc::as_ptr(&t.unit) as usize).hash(&mut h);
        t.define.hash(&mut h);
        hash_value(dot, 0, &mut h);
        h.finish()
    }

    /// The kept result of a call of `t` with `dot`.
    pub fn get(&self, key: u64, t: &TRef, dot: &Value) -> Option<(&Recent, &Cost)> {
        self.entries.get(&key)?.iter().find_map(|e| {
            (Arc::ptr_eq(&e.unit, &t.unit) && e.define == t.define && same(&e.dot, dot, 0))
                .then_some((&e.recent, &e.cost))
        })
    }

    /// A call starts: returns its start serial.
    pub fn enter(&mut self) -> u64 {
        let start = crate::render::value::next_serial();
        self.active.push(Active { start, keep: true });
        start
    }

    /// The call that started last ends: whether its result may be kept.
    pub fn leave(&mut self) -> bool {
        self.active.pop().is_some_and(|a| a.keep)
    }

    /// Calls in progress that started after `serial` are not kept.
    pub fn taint_after(&mut self, serial: u64) {
        for a in self.active.iter_mut().rev() {
            if a.start <= serial {
                break;
            }
            a.keep = false;
        }
    }

    /// A map made at `serial` changed: calls that started after it could see it.
    pub fn changed(&mut self, serial: u64) {
        self.taint_after(serial);
        if self.by_start.is_empty() {
            return;
        }
        for (start, key) in self.by_start.split_off(&(serial + 1)) {
            if let Some(list) = self.entries.get_mut(&key) {
                list.retain(|e| {
                    if e.start == start {
                        self.bytes -= size(&e.recent);
                        false
                    } else {
                        true
                    }
                });
                if list.is_empty() {
                    self.entries.remove(&key);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn keep(&mut self, key: u64, start: u64, t: &TRef, dot: Value, recent: Recent, cost: Cost) {
        if self.get(key, t, &dot).is_some() {
            return;
        }
        let bytes = size(&recent);
        if self.by_start.len() >= MAX_ENTRIES || self.bytes + bytes > MAX_BYTES {
            self.entries.clear();
            self.by_start.clear();
            self.bytes = 0;
        }
        self.bytes += bytes;
        self.by_start.insert(start, key);
        self.entries.entry(key).or_default().push(Entry {
            start,
            unit: t.unit.clone(),
            define: t.define,
            dot,
            recent,
            cost,
        });
    }
}

fn size(r: &Recent) -> usize {
    r.text.len() + r.segs.len() * std::mem::size_of::<crate::render::engine::Segment>()
}

fn items_compared(depth: u8, len: usize) -> bool {
    MAX_ITEMS
        .get(usize::from(depth))
        .is_some_and(|&max| len <= max)
}

fn hash_value(v: &Value, depth: u8, h: &mut impl Hasher) {
    std::mem::discriminant(&v.kind).hash(h);
    match &v.kind {
        Kind::Invalid | Kind::Nil => {}
        Kind::Bool(b) => b.hash(h),
        Kind::Int(i) | Kind::Int64(i) => i.hash(h),
        Kind::Float(f) => f.to_bits().hash(h),
        Kind::Str(s) => s.hash(h),
        Kind::Bytes(b) => b.hash(h),
        Kind::List(l) if items_compared(depth, l.items.len()) => {
            l.items.len().hash(h);
            for x in &l.items {
                hash_value(x, depth + 1, h);
            }
        }
        Kind::Map(m) if items_compared(depth, m.entries.len()) => {
            m.entries.len().hash(h);
            for (k, x) in &m.entries {
                k.hash(h);
                hash_value(x, depth + 1, h);
            }
        }
        Kind::List(l) => (Arc::as_ptr(l) as usize).hash(h),
        Kind::Map(m) => (Arc::as_ptr(m) as usize).hash(h),
        Kind::Object(o) => (Arc::as_ptr(o) as *const u8 as usize).hash(h),
    }
}

/// Whether a call with `b` prints what a call with `a` printed (see the module notes).
fn same(a: &Value, b: &Value, depth: u8) -> bool {
    if a.origin != b.origin {
        return false;
    }
    match (&a.kind, &b.kind) {
        (Kind::Invalid, Kind::Invalid) | (Kind::Nil, Kind::Nil) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Int(x), Kind::Int(y)) | (Kind::Int64(x), Kind::Int64(y)) => x == y,
        (Kind::Float(x), Kind::Float(y)) => x.to_bits() == y.to_bits(),
        (Kind::Str(x), Kind::Str(y)) => x == y,
        (Kind::Bytes(x), Kind::Bytes(y)) => x == y,
        (Kind::List(x), Kind::List(y)) => {
            Arc::ptr_eq(x, y)
                || (items_compared(depth, x.items.len())
                    && x.elem == y.elem
                    && x.items.len() == y.items.len()
                    && x.items
                        .iter()
                        .zip(&y.items)
                        .all(|(p, q)| same(p, q, depth + 1)))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            Arc::ptr_eq(x, y)
                || (items_compared(depth, x.entries.len())
                    && x.elem == y.elem
                    && x.ty == y.ty
                    && x.entries.len() == y.entries.len()
                    && x.entries
                        .iter()
                        .zip(&y.entries)
                        .all(|((k, p), (l, q))| k == l && same(p, q, depth + 1)))
        }
        (Kind::Object(x), Kind::Object(y)) => Arc::ptr_eq(x, y),
        _ => false,
    }
}
