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
//!
//! **The template file.** Each file gets its own top-level context, which differs from the
//! other files' only in `.Template`. A call that never looks at the `.Template` of a context
//! it was given is kept *blind*: used again for any context that differs from its own only
//! there, so a helper called from every file of a chart runs once. A call looks when it
//! reads the field `Template` of a context, prints or ranges over a context or a map or list
//! holding one, calls a method of one, or hands one to a function other than those that only
//! hold or test their arguments ([`HOLDERS`]); the results of those are remembered as holding
//! the context.

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

/// Functions that only hold their arguments in their result (or test their kind, or a key's
/// presence): given a context they do not look at its `.Template`.
pub(crate) const HOLDERS: &[&str] = &[
    "dict", "list", "set", "append", "prepend", "default", "ternary", "coalesce", "hasKey",
    "kindIs", "kindOf", "typeOf", "typeIs", "empty",
];

/// Past this many values remembered as holding a context, no call is kept blind any more.
const MAX_CARRIERS: usize = 100_000;

/// What one kept call cost, charged again when its result is used.
pub(crate) struct Cost {
    pub steps: u64,
    pub written: usize,
    /// Nesting below the call.
    pub depth: u32,
}

struct Entry {
    start: u64,
    t: TRef,
    dot: Value,
    recent: Recent,
    cost: Cost,
    /// The call never looked at the `.Template` of a context.
    blind: bool,
}

/// A call in progress.
struct Active {
    start: u64,
    keep: bool,
    blind: bool,
}

#[derive(Default)]
pub(crate) struct Memo {
    entries: FastMap<u64, Vec<Entry>>,
    /// Start serial of each kept call to its hash, for forgetting by age.
    by_start: BTreeMap<u64, u64>,
    active: Vec<Active>,
    bytes: usize,
    hasher: foldhash::fast::RandomState,
    /// Maps and lists (by address) made holding a top-level context.
    carriers: crate::FastSet<usize>,
    /// Too many carriers: calls are no longer kept blind.
    sighted: bool,
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
            (Arc::ptr_eq(&e.t.unit, &t.unit)
                && e.t.define == t.define
                && same(&e.dot, dot, 0, e.blind))
            .then_some((&e.recent, &e.cost))
        })
    }

    /// A call starts: returns its start serial.
    pub fn enter(&mut self) -> u64 {
        let start = crate::render::value::next_serial();
        self.active.push(Active {
            start,
            keep: true,
            blind: !self.sighted,
        });
        start
    }

    /// The call that started last ends: whether its result may be kept, and whether blind.
    pub fn leave(&mut self) -> (bool, bool) {
        self.active
            .pop()
            .map_or((false, false), |a| (a.keep, a.blind))
    }

    /// The calls in progress look at the `.Template` of a context.
    pub fn observe(&mut self) {
        for a in self.active.iter_mut().rev() {
            if !a.blind {
                break;
            }
            a.blind = false;
        }
    }

    /// Whether `v` is a top-level context or holds one.
    pub fn touches(&self, v: &Value) -> bool {
        match &v.kind {
            Kind::Map(m) => {
                is_context(m)
                    || (!self.carriers.is_empty()
                        && self.carriers.contains(&(Arc::as_ptr(m) as usize)))
            }
            Kind::List(l) => {
                !self.carriers.is_empty() && self.carriers.contains(&(Arc::as_ptr(l) as usize))
            }
            _ => false,
        }
    }

    /// `v` was made holding a top-level context.
    pub fn carry(&mut self, v: &Value) {
        let key = match &v.kind {
            Kind::Map(m) => Arc::as_ptr(m) as usize,
            Kind::List(l) => Arc::as_ptr(l) as usize,
            _ => return,
        };
        if self.carriers.len() >= MAX_CARRIERS {
            self.sighted = true;
            for a in &mut self.active {
                a.blind = false;
            }
            return;
        }
        self.carriers.insert(key);
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
    pub fn keep(
        &mut self,
        key: u64,
        start: u64,
        t: &TRef,
        dot: Value,
        recent: Recent,
        cost: Cost,
        blind: bool,
    ) {
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
            t: t.clone(),
            dot,
            recent,
            cost,
            blind,
        });
    }
}

/// A top-level context: `chartutil.Values` with a `Template` (a values map with such a key
/// counts too, which only makes calls less often blind).
pub(crate) fn is_context(m: &crate::render::value::Map) -> bool {
    m.ty == crate::render::value::MapType::ChartValues && m.entries.contains_key("Template")
}

/// The entries compared and hashed: a context's without `Template` when `blind`.
fn entries_of(
    m: &crate::render::value::Map,
    blind: bool,
) -> impl Iterator<Item = (&String, &Value)> {
    let skip = blind && is_context(m);
    m.entries
        .iter()
        .filter(move |(k, _)| !(skip && k.as_str() == "Template"))
}

fn size(r: &Recent) -> usize {
    r.text.len() + r.segs.len() * std::mem::size_of::<crate::render::engine::Segment>()
}

fn items_compared(depth: u8, len: usize) -> bool {
    MAX_ITEMS
        .get(usize::from(depth))
        .is_some_and(|&max| len <= max)
}

/// Bytes of a long string or key that go into its hash: as many at each end.
const HASHED_ENDS: usize = 64;

/// Hashes `b` in constant time: a long string (a rendered file passed to a helper, a printed
/// context used as a `dict` key) is hashed by its length and ends only. Equal strings still
/// hash alike, and [`same`] compares the whole text of a candidate, so only the rate of
/// collisions changes, not which calls match.
fn hash_bytes(b: &[u8], h: &mut impl Hasher) {
    b.len().hash(h);
    if b.len() <= 4 * HASHED_ENDS {
        h.write(b);
    } else {
        h.write(&b[..HASHED_ENDS]);
        h.write(&b[b.len() - HASHED_ENDS..]);
    }
}

fn hash_value(v: &Value, depth: u8, h: &mut impl Hasher) {
    std::mem::discriminant(&v.kind).hash(h);
    match &v.kind {
        Kind::Invalid | Kind::Nil => {}
        Kind::Bool(b) => b.hash(h),
        Kind::Int(i) | Kind::Int64(i) => i.hash(h),
        Kind::Float(f) => f.to_bits().hash(h),
        Kind::Str(s) => hash_bytes(s.as_bytes(), h),
        Kind::Bytes(b) => hash_bytes(b, h),
        Kind::List(l) if items_compared(depth, l.items.len()) => {
            l.items.len().hash(h);
            for x in &l.items {
                hash_value(x, depth + 1, h);
            }
        }
        Kind::Map(m) if items_compared(depth, m.entries.len()) => {
            // Blind and sighted calls alike are found without the context's `Template`.
            for (k, x) in entries_of(m, true) {
                hash_bytes(k.as_bytes(), h);
                hash_value(x, depth + 1, h);
            }
        }
        Kind::List(l) => (Arc::as_ptr(l) as usize).hash(h),
        Kind::Map(m) => (Arc::as_ptr(m) as usize).hash(h),
        Kind::Object(o) => (Arc::as_ptr(o) as *const u8 as usize).hash(h),
    }
}

/// Whether a call with `b` prints what a call with `a` printed (see the module notes);
/// `blind`: the call with `a` never looked at a context's `Template`.
fn same(a: &Value, b: &Value, depth: u8, blind: bool) -> bool {
    if a.origin != b.origin {
        return false;
    }
    match (&a.kind, &b.kind) {
        (Kind::Invalid, Kind::Invalid) | (Kind::Nil, Kind::Nil) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Int(x), Kind::Int(y)) | (Kind::Int64(x), Kind::Int64(y)) => x == y,
        (Kind::Float(x), Kind::Float(y)) => x.to_bits() == y.to_bits(),
        (Kind::Str(x), Kind::Str(y)) => Arc::ptr_eq(x, y) || x == y,
        (Kind::Bytes(x), Kind::Bytes(y)) => Arc::ptr_eq(x, y) || x == y,
        (Kind::List(x), Kind::List(y)) => {
            Arc::ptr_eq(x, y)
                || (items_compared(depth, x.items.len())
                    && x.elem == y.elem
                    && x.items.len() == y.items.len()
                    && x.items
                        .iter()
                        .zip(&y.items)
                        .all(|(p, q)| same(p, q, depth + 1, blind)))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            Arc::ptr_eq(x, y)
                || (items_compared(depth, x.entries.len())
                    && x.elem == y.elem
                    && x.ty == y.ty
                    && x.entries.len() == y.entries.len()
                    && is_context(x) == is_context(y)
                    && entries_of(x, blind)
                        .zip(entries_of(y, blind))
                        .all(|((k, p), (l, q))| k == l && same(p, q, depth + 1, blind)))
        }
        (Kind::Object(x), Kind::Object(y)) => Arc::ptr_eq(x, y),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(v: &Value) -> u64 {
        let mut h = foldhash::fast::FixedState::with_seed(7).build_hasher();
        hash_value(v, 0, &mut h);
        h.finish()
    }

    #[test]
    fn long_strings_hash_by_their_ends_and_still_compare_in_full() {
        let middle = |c: char| {
            format!(
                "{}{}{}",
                "a".repeat(100),
                c.to_string().repeat(500),
                "z".repeat(100)
            )
        };
        let (x, y) = (Value::str(middle('x')), Value::str(middle('y')));
        // Same length and ends: the same hash, yet not the same argument.
        assert_eq!(hash(&x), hash(&y));
        assert!(!same(&x, &y, 0, false));
        // Equal text in another allocation: the same hash and the same argument.
        let x2 = Value::str(middle('x'));
        assert_eq!(hash(&x), hash(&x2));
        assert!(same(&x, &x2, 0, false));
        // Other lengths or ends hash apart; short strings hash in full.
        assert_ne!(hash(&x), hash(&Value::str(middle('x') + "!")));
        assert_ne!(hash(&Value::str("short-a")), hash(&Value::str("short-b")));
        // Keys of a long map key are treated alike.
        let map = |k: String| Value::map([(k, Value::int(1))].into_iter().collect());
        let (mx, my) = (map(middle('x')), map(middle('y')));
        assert_eq!(hash(&mx), hash(&my));
        assert!(!same(&mx, &my, 0, false));
        assert!(same(&mx, &map(middle('x')), 0, false));
    }
}
