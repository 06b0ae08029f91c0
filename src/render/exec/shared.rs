//! Go maps are references: `set`, `unset`, `merge` and `mergeOverwrite` change the map they
//! are given, and every variable, dot, or enclosing map holding it sees the change, for the
//! rest of the render (later files too: Helm shares `.Values` between the files of a chart).
//!
//! Template values are immutable and shared, so those functions build a new map and report
//! `(old, new)` in [`FuncCtx::replaced`](crate::render::funcs::FuncCtx). The executor records
//! each as a redirect and resolves maps through the redirects wherever it reads one: a field
//! or `range` of a map follows the chain of redirects of that map (shallow), and a value
//! handed to a function or printed is rebuilt with every nested map resolved (deep, memoized
//! until the next redirect).

use crate::FastMap;
use crate::render::value::{Kind, List, Map, Value};
use std::sync::Arc;

fn key(m: &Arc<Map>) -> usize {
    Arc::as_ptr(m) as usize
}

#[derive(Debug, Default)]
pub(crate) struct Redirects {
    /// Old map (kept alive, so its address is never reused) to its replacement.
    table: FastMap<usize, (Arc<Map>, Arc<Map>)>,
    epoch: u64,
    /// Deep resolution of a map, valid for `epoch`; the key map is kept alive too.
    memo: FastMap<usize, (u64, Arc<Map>, Arc<Map>)>,
    /// A map rebuilt by deep resolution (kept alive) to the map it stands for: a function
    /// that replaces the rebuilt map replaces that one.
    rebuilt: FastMap<usize, (Arc<Map>, Arc<Map>)>,
}

/// Bound on the memo, so a render that touches many maps does not keep them all.
const MEMO_LIMIT: usize = 100_000;

impl Redirects {
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    pub fn add(&mut self, old: Arc<Map>, new: Arc<Map>) {
        if Arc::ptr_eq(&old, &new) {
            return;
        }
        // A map rebuilt for a call stands for the map it was rebuilt from.
        let old = match self.rebuilt.get(&key(&old)) {
            Some((_, source)) => source.clone(),
            None => old,
        };
        // Point the newest version of `old` at `new`, so chains stay acyclic.
        let head = self.shallow(&old);
        if Arc::ptr_eq(&head, &new) {
            return;
        }
        self.table.insert(key(&head), (head, new));
        self.epoch += 1;
    }

    /// The current version of a map.
    pub fn shallow(&self, m: &Arc<Map>) -> Arc<Map> {
        let mut cur = m.clone();
        // Chains are acyclic; the bound guards against a bug looping forever.
        for _ in 0..=self.table.len() {
            match self.table.get(&key(&cur)) {
                Some((_, next)) => cur = next.clone(),
                None => break,
            }
        }
        cur
    }

    /// A value whose kind is resolved shallowly (for field access, `range`, truthiness).
    pub fn shallow_value(&self, v: &Value) -> Value {
        match &v.kind {
            Kind::Map(m) if !self.is_empty() => {
                let r = self.shallow(m);
                if Arc::ptr_eq(&r, m) {
                    v.clone()
                } else {
                    Value {
                        kind: Kind::Map(r),
                        origin: v.origin,
                    }
                }
            }
            _ => v.clone(),
        }
    }

    /// A value with every map in it resolved.
    pub fn deep(&mut self, v: &Value) -> Value {
        if self.is_empty() {
            return v.clone();
        }
        self.deep_at(v, 0).unwrap_or_else(|| v.clone())
    }

    /// The resolved value, or `None` when resolving changes nothing (no copy is made of
    /// what stays the same).
    fn deep_at(&mut self, v: &Value, depth: usize) -> Option<Value> {
        if depth > 10_000 {
            return None;
        }
        match &v.kind {
            Kind::Map(m) => {
                let r = self.deep_map(m, depth);
                (!Arc::ptr_eq(&r, m)).then(|| Value {
                    kind: Kind::Map(r),
                    origin: v.origin,
                })
            }
            Kind::List(l) => {
                // Items are copied only once one turns out to have changed.
                let mut items: Option<Vec<Value>> = None;
                for (i, x) in l.items.iter().enumerate() {
                    if let Some(r) = self.deep_at(x, depth + 1) {
                        items.get_or_insert_with(|| l.items[..i].to_vec()).push(r);
                    } else if let Some(items) = &mut items {
                        items.push(x.clone());
                    }
                }
                items.map(|items| Value {
                    kind: Kind::List(Arc::new(List {
                        elem: l.elem,
                        items,
                    })),
                    origin: v.origin,
                })
            }
            _ => None,
        }
    }

    fn deep_map(&mut self, m: &Arc<Map>, depth: usize) -> Arc<Map> {
        if let Some((epoch, _, r)) = self.memo.get(&key(m))
            && *epoch == self.epoch
        {
            return r.clone();
        }
        let head = self.shallow(m);
        let mut changed = !Arc::ptr_eq(&head, m);
        // Copy the entries only once a child turns out to have changed.
        let mut entries: Option<std::collections::BTreeMap<String, Value>> = None;
        for (k, x) in head.entries.iter() {
            if let Some(r) = self.deep_at(x, depth + 1) {
                entries
                    .get_or_insert_with(|| head.entries.clone())
                    .insert(k.clone(), r);
            }
        }
        if entries.is_some() {
            changed = true;
        }
        let result = if let Some(entries) = entries {
            let r = Arc::new(head.version(entries));
            self.rebuilt.insert(key(&r), (r.clone(), head.clone()));
            r
        } else if changed {
            head.clone()
        } else {
            m.clone()
        };
        if self.memo.len() >= MEMO_LIMIT {
            self.memo.clear();
            self.rebuilt.clear();
        }
        self.memo
            .insert(key(m), (self.epoch, m.clone(), result.clone()));
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::map(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn arc(v: &Value) -> Arc<Map> {
        match &v.kind {
            Kind::Map(m) => m.clone(),
            _ => panic!("not a map"),
        }
    }

    #[test]
    fn nested_maps_resolve_through_chains_of_replacements() {
        let inner = map(&[("a", Value::int(1))]);
        let outer = map(&[
            ("in", inner.clone()),
            ("l", Value::list(vec![inner.clone()])),
        ]);
        let mut r = Redirects::default();
        assert!(r.deep(&outer).as_map().is_some());
        let v2 = map(&[("a", Value::int(2))]);
        let v3 = map(&[("a", Value::int(3))]);
        r.add(arc(&inner), arc(&v2));
        r.add(arc(&v2), arc(&v3));
        assert!(Arc::ptr_eq(&r.shallow(&arc(&inner)), &arc(&v3)));
        let d = r.deep(&outer);
        let m = d.as_map().unwrap();
        let a = |v: &Value| v.as_map().unwrap().entries["a"].clone();
        assert!(matches!(a(&m.entries["in"]).kind, Kind::Int(3)));
        let l = m.entries["l"].as_list().unwrap();
        assert!(matches!(a(&l.items[0]).kind, Kind::Int(3)));
        // A later replacement invalidates the memo.
        let v4 = map(&[("a", Value::int(4))]);
        r.add(arc(&inner), arc(&v4));
        let d = r.deep(&outer);
        assert!(matches!(
            a(&d.as_map().unwrap().entries["in"]).kind,
            Kind::Int(4)
        ));
        // Replacing the rebuilt outer map replaces the original one.
        let v5 = map(&[("x", Value::int(5))]);
        r.add(arc(&d), arc(&v5));
        assert!(Arc::ptr_eq(&r.shallow(&arc(&outer)), &arc(&v5)));
    }

    #[test]
    fn lists_are_rebuilt_only_when_an_item_changes_and_keep_their_order() {
        let inner = map(&[("a", Value::int(1))]);
        let other = map(&[("b", Value::int(7))]);
        let list = Value::list(vec![
            Value::str("first"),
            other.clone(),
            inner.clone(),
            Value::str("last"),
        ]);
        let untouched = Value::list(vec![Value::str("x"), other.clone()]);
        let mut r = Redirects::default();
        let v2 = map(&[("a", Value::int(2))]);
        r.add(arc(&inner), arc(&v2));
        // Nothing in it changed: the same list, not a copy.
        let list_of = |v: &Value| match &v.kind {
            Kind::List(l) => l.clone(),
            _ => panic!("not a list"),
        };
        assert!(Arc::ptr_eq(
            &list_of(&r.deep(&untouched)),
            &list_of(&untouched)
        ));
        let d = r.deep(&list);
        let items = &d.as_list().unwrap().items;
        assert_eq!(items.len(), 4);
        assert_eq!(items[0].as_str(), Some("first"));
        assert!(Arc::ptr_eq(&arc(&items[1]), &arc(&other)));
        assert!(matches!(
            items[2].as_map().unwrap().entries["a"].kind,
            Kind::Int(2)
        ));
        assert_eq!(items[3].as_str(), Some("last"));
    }
}
