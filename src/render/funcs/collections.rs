//! Sprig's defaults, dictionaries and lists.

use super::args::*;
use super::{CallError, FuncCtx};
use crate::render::value::{Elem, Kind, Map, MapType, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

type R = Result<Value, CallError>;

// ----- defaults -----

pub fn default(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("default", &a, 1)?;
    let mut it = a.into_iter();
    let d = it.next().unwrap_or_else(Value::nil);
    match it.next() {
        Some(g) if !is_empty(&g) => Ok(g),
        _ => Ok(d),
    }
}

pub fn empty(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("empty", &a, 1)?;
    Ok(Value::bool(is_empty(&a[0])))
}

pub fn coalesce(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(a.into_iter()
        .find(|v| !is_empty(v))
        .unwrap_or_else(Value::nil))
}

pub fn all(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(Value::bool(a.iter().all(|v| !is_empty(v))))
}

pub fn any(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(Value::bool(a.iter().any(|v| !is_empty(v))))
}

pub fn ternary(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("ternary", &a, 3)?;
    let c = boolean(&a[2])?;
    let mut it = a.into_iter();
    let t = it.next().unwrap_or_else(Value::nil);
    let f = it.next().unwrap_or_else(Value::nil);
    Ok(if c { t } else { f })
}

// ----- dictionaries -----

pub fn dict(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let mut m = BTreeMap::new();
    let mut i = 0;
    while i < a.len() {
        let key = strval(&a[i]);
        let v = a.get(i + 1).cloned().unwrap_or_else(|| Value::str(""));
        m.insert(key, v);
        i += 2;
    }
    Ok(Value::map(m))
}

fn map_param(name: &str, a: &[Value], i: usize) -> Result<Option<Arc<Map>>, CallError> {
    let _ = name;
    map_any(&a[i])
}

pub fn get(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("get", &a, 2)?;
    let m = map_param("get", &a, 0)?;
    let k = string(&a[1])?;
    Ok(m.and_then(|m| m.entries.get(&*k).cloned())
        .unwrap_or_else(|| Value::str("")))
}

/// Replaces a map in place, as Go's maps are references: the new contents are recorded in
/// [`FuncCtx::replaced`] so the executor can update every value sharing the old map.
fn replace_map(ctx: &mut FuncCtx, old: &Value, new_entries: BTreeMap<String, Value>) -> Value {
    let map = match &old.kind {
        Kind::Map(m) => m.version(new_entries),
        _ => Map::new(Elem::Any, MapType::Plain, new_entries),
    };
    let new = Value {
        kind: Kind::Map(Arc::new(map)),
        origin: old.origin,
    };
    if let (Kind::Map(o), Kind::Map(n)) = (&old.kind, &new.kind) {
        ctx.replaced.push((o.clone(), n.clone()));
    }
    new
}

pub fn set(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("set", &a, 3)?;
    let m = map_param("set", &a, 0)?;
    let k = string(&a[1])?;
    let Some(m) = m else {
        return Err(failed("assignment to entry in nil map"));
    };
    let mut entries = m.entries.clone();
    entries.insert(k.to_string(), a[2].clone());
    Ok(replace_map(ctx, &a[0], entries))
}

pub fn unset(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("unset", &a, 2)?;
    let m = map_param("unset", &a, 0)?;
    let k = string(&a[1])?;
    let Some(m) = m else {
        return Ok(a[0].clone());
    };
    let mut entries = m.entries.clone();
    entries.remove(&*k);
    Ok(replace_map(ctx, &a[0], entries))
}

pub fn has_key(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("hasKey", &a, 2)?;
    let m = map_param("hasKey", &a, 0)?;
    let k = string(&a[1])?;
    Ok(Value::bool(m.is_some_and(|m| m.entries.contains_key(&*k))))
}

pub fn pluck(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("pluck", &a, 1)?;
    let k = string(&a[0])?;
    let mut out = Vec::new();
    for v in &a[1..] {
        if let Some(m) = map_any(v)?
            && let Some(x) = m.entries.get(&*k)
        {
            out.push(x.clone());
        }
    }
    Ok(list(out))
}

pub fn keys(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let mut out = Vec::new();
    for v in &a {
        if let Some(m) = map_any(v)? {
            out.extend(m.entries.keys().cloned());
        }
    }
    Ok(Value::strings(out))
}

pub fn values(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("values", &a, 1)?;
    let m = map_any(&a[0])?;
    Ok(list(
        m.map(|m| m.entries.values().cloned().collect())
            .unwrap_or_default(),
    ))
}

fn key_list(a: &[Value]) -> Result<Vec<Arc<str>>, CallError> {
    a.iter().map(string).collect()
}

pub fn pick(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("pick", &a, 1)?;
    let m = map_any(&a[0])?;
    let ks = key_list(&a[1..])?;
    let mut out = BTreeMap::new();
    if let Some(m) = m {
        for k in ks {
            if let Some(v) = m.entries.get(&*k) {
                out.insert(k.to_string(), v.clone());
            }
        }
    }
    Ok(Value::map(out))
}

pub fn omit(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("omit", &a, 1)?;
    let m = map_any(&a[0])?;
    let ks = key_list(&a[1..])?;
    let mut out = BTreeMap::new();
    if let Some(m) = m {
        for (k, v) in &m.entries {
            if !ks.iter().any(|x| **x == **k) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(Value::map(out))
}

/// mergo's deep merge of `src` into `dst`, as Sprig calls it on `map[string]interface {}`
/// values: nested maps merge in place; other values are copied when the destination has
/// none or an empty one, or always with `overwrite` (WithOverride), where a nil source
/// value also overwrites. A list never merges: it is kept or replaced whole.
fn merge_into(
    ctx: &mut FuncCtx,
    dst: &mut BTreeMap<String, Value>,
    src: &BTreeMap<String, Value>,
    overwrite: bool,
    depth: usize,
) {
    for (k, sv) in src {
        let dv = dst.get(k);
        if sv.is_nil() {
            if overwrite {
                dst.insert(k.clone(), sv.clone());
            }
            continue;
        }
        if let (Some(dv), Kind::Map(sm)) = (dv, &sv.kind)
            && let Kind::Map(dm) = &dv.kind
            && depth < 10_000
        {
            let mut merged = dm.entries.clone();
            merge_into(ctx, &mut merged, &sm.entries, overwrite, depth + 1);
            let new = Arc::new(dm.version(merged));
            ctx.replaced.push((dm.clone(), new.clone()));
            let v = Value {
                kind: Kind::Map(new),
                origin: dv.origin,
            };
            dst.insert(k.clone(), v);
            continue;
        }
        let take = match dv {
            None => true,
            Some(dv) => overwrite || is_empty(dv),
        };
        if take {
            dst.insert(k.clone(), sv.clone());
        }
    }
}

fn do_merge(ctx: &mut FuncCtx, name: &str, a: &[Value], overwrite: bool) -> R {
    arity_min(name, a, 1)?;
    // Maps built by doubling share their halves; merging them writes the halves out.
    if a.iter().any(|v| v.expands_beyond(MAX_OUTPUT)) {
        return Err(failed(format!(
            "the maps exceed the renderer's limit of {MAX_OUTPUT} values and bytes"
        )));
    }
    let dst = map_any(&a[0])?;
    let mut srcs = Vec::new();
    for v in &a[1..] {
        srcs.push(map_any(v)?);
    }
    let Some(dst) = dst else {
        // mergo on a nil destination map: `dst must not be nil`... Sprig's merge returns
        // "" when mergo fails.
        return Ok(Value::str(""));
    };
    let mut entries = dst.entries.clone();
    for s in srcs.into_iter().flatten() {
        merge_into(ctx, &mut entries, &s.entries, overwrite, 0);
    }
    Ok(replace_map(ctx, &a[0], entries))
}

pub fn merge(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    do_merge(ctx, "merge", &a, false)
}

pub fn must_merge(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    do_merge(ctx, "mustMerge", &a, false)
}

pub fn merge_overwrite(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    do_merge(ctx, "mergeOverwrite", &a, true)
}

pub fn must_merge_overwrite(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    do_merge(ctx, "mustMergeOverwrite", &a, true)
}

pub fn deep_copy(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("deepCopy", &a, 1)?;
    if a[0].is_nil() {
        return Err(failed("reflect: call of reflect.Value.Type on zero Value"));
    }
    if a[0].expands_beyond(MAX_OUTPUT) {
        return Err(failed(format!(
            "the copy would exceed the renderer's limit of {MAX_OUTPUT} values and bytes"
        )));
    }
    Ok(a[0].deep_copy())
}

pub fn must_deep_copy(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("mustDeepCopy", &a, 1)?;
    if a[0].is_nil() {
        return Err(failed("reflect: call of reflect.Value.Type on zero Value"));
    }
    if a[0].expands_beyond(MAX_OUTPUT) {
        return Err(failed(format!(
            "the copy would exceed the renderer's limit of {MAX_OUTPUT} values and bytes"
        )));
    }
    Ok(a[0].deep_copy())
}

pub fn dig(_: &mut FuncCtx, a: Vec<Value>) -> R {
    if a.len() < 3 {
        return Err(failed("dig needs at least three arguments"));
    }
    let n = a.len();
    let dict = match &a[n - 1].kind {
        Kind::Map(m) if m.elem == Elem::Any && m.ty == MapType::Plain => m.clone(),
        _ => {
            return Err(failed(format!(
                "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                go_dynamic_type(&a[n - 1])
            )));
        }
    };
    let def = a[n - 2].clone();
    let mut ks = Vec::new();
    for k in &a[..n - 2] {
        match &k.kind {
            Kind::Str(s) => ks.push(s.clone()),
            _ => {
                return Err(failed(format!(
                    "interface conversion: interface {{}} is {}, not string",
                    go_dynamic_type(k)
                )));
            }
        }
    }
    let mut cur = dict;
    for (i, k) in ks.iter().enumerate() {
        let Some(step) = cur.entries.get(&**k) else {
            return Ok(def);
        };
        if i + 1 == ks.len() {
            return Ok(step.clone());
        }
        cur = match &step.kind {
            Kind::Map(m) if m.elem == Elem::Any && m.ty == MapType::Plain => m.clone(),
            _ => {
                return Err(failed(format!(
                    "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                    go_dynamic_type(step)
                )));
            }
        };
    }
    Ok(def)
}

/// The dynamic type in a failed type assertion (`nil` for a nil interface).
fn go_dynamic_type(v: &Value) -> String {
    if v.is_nil() {
        "nil".into()
    } else {
        v.type_name()
    }
}

// ----- lists -----

pub fn list_fn(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(list(a))
}

/// `reflect.TypeOf(list).Kind()` for Sprig's list functions: a nil list panics.
fn seq_items(v: &Value, what: &str) -> Result<Vec<Value>, CallError> {
    if v.is_nil() {
        return Err(nil_deref());
    }
    items(v).ok_or_else(|| failed(what.replace("%s", kind_name(v))))
}

pub fn push(_: &mut FuncCtx, a: Vec<Value>) -> R {
    push_named("append", a)
}

pub fn push_named(name: &str, a: Vec<Value>) -> R {
    arity(name, &a, 2)?;
    let mut l = seq_items(&a[0], "Cannot push on type %s")?;
    bounded(l.len() + 1)?;
    l.push(a[1].clone());
    Ok(list(l))
}

pub fn push_alias(_: &mut FuncCtx, a: Vec<Value>) -> R {
    push_named("push", a)
}

pub fn must_append(_: &mut FuncCtx, a: Vec<Value>) -> R {
    push_named("mustAppend", a)
}

pub fn must_push(_: &mut FuncCtx, a: Vec<Value>) -> R {
    push_named("mustPush", a)
}

fn prepend_named(name: &str, a: Vec<Value>) -> R {
    arity(name, &a, 2)?;
    let l = seq_items(&a[0], "Cannot prepend on type %s")?;
    let mut out = Vec::with_capacity(l.len() + 1);
    out.push(a[1].clone());
    out.extend(l);
    Ok(list(out))
}

pub fn prepend(_: &mut FuncCtx, a: Vec<Value>) -> R {
    prepend_named("prepend", a)
}

pub fn must_prepend(_: &mut FuncCtx, a: Vec<Value>) -> R {
    prepend_named("mustPrepend", a)
}

fn chunk_named(name: &str, a: Vec<Value>) -> R {
    arity(name, &a, 2)?;
    let size = int(&a[0])?;
    let l = seq_items(&a[1], "Cannot chunk type %s")?;
    if size <= 0 {
        return Err(failed("runtime error: integer divide by zero"));
    }
    let out: Vec<Value> = l.chunks(size as usize).map(|c| list(c.to_vec())).collect();
    Ok(typed_list(Elem::Any, out))
}

pub fn chunk(_: &mut FuncCtx, a: Vec<Value>) -> R {
    chunk_named("chunk", a)
}

pub fn must_chunk(_: &mut FuncCtx, a: Vec<Value>) -> R {
    chunk_named("mustChunk", a)
}

fn first_named(name: &str, a: Vec<Value>, what: &str, last: bool) -> R {
    arity(name, &a, 1)?;
    let l = seq_items(&a[0], what)?;
    let v = if last { l.last() } else { l.first() };
    Ok(v.cloned().unwrap_or_else(Value::nil))
}

pub fn first(_: &mut FuncCtx, a: Vec<Value>) -> R {
    first_named("first", a, "Cannot find first on type %s", false)
}

pub fn must_first(_: &mut FuncCtx, a: Vec<Value>) -> R {
    first_named("mustFirst", a, "Cannot find first on type %s", false)
}

pub fn last(_: &mut FuncCtx, a: Vec<Value>) -> R {
    first_named("last", a, "Cannot find last on type %s", true)
}

pub fn must_last(_: &mut FuncCtx, a: Vec<Value>) -> R {
    first_named("mustLast", a, "Cannot find last on type %s", true)
}

fn rest_named(name: &str, a: Vec<Value>, what: &str, initial: bool) -> R {
    arity(name, &a, 1)?;
    let l = seq_items(&a[0], what)?;
    if l.is_empty() {
        return Ok(list(Vec::new()));
    }
    let out = if initial {
        l[..l.len() - 1].to_vec()
    } else {
        l[1..].to_vec()
    };
    Ok(list(out))
}

pub fn rest(_: &mut FuncCtx, a: Vec<Value>) -> R {
    rest_named("rest", a, "Cannot find rest on type %s", false)
}

pub fn must_rest(_: &mut FuncCtx, a: Vec<Value>) -> R {
    rest_named("mustRest", a, "Cannot find rest on type %s", false)
}

pub fn initial(_: &mut FuncCtx, a: Vec<Value>) -> R {
    rest_named("initial", a, "Cannot find initial on type %s", true)
}

pub fn must_initial(_: &mut FuncCtx, a: Vec<Value>) -> R {
    rest_named("mustInitial", a, "Cannot find initial on type %s", true)
}

fn reverse_named(name: &str, a: Vec<Value>) -> R {
    arity(name, &a, 1)?;
    let mut l = seq_items(&a[0], "Cannot find reverse on type %s")?;
    l.reverse();
    Ok(list(l))
}

pub fn reverse(_: &mut FuncCtx, a: Vec<Value>) -> R {
    reverse_named("reverse", a)
}

pub fn must_reverse(_: &mut FuncCtx, a: Vec<Value>) -> R {
    reverse_named("mustReverse", a)
}

fn compact_named(name: &str, a: Vec<Value>) -> R {
    arity(name, &a, 1)?;
    let l = seq_items(&a[0], "Cannot compact on type %s")?;
    Ok(list(l.into_iter().filter(|v| !is_empty(v)).collect()))
}

pub fn compact(_: &mut FuncCtx, a: Vec<Value>) -> R {
    compact_named("compact", a)
}

pub fn must_compact(_: &mut FuncCtx, a: Vec<Value>) -> R {
    compact_named("mustCompact", a)
}

fn uniq_named(name: &str, a: Vec<Value>) -> R {
    arity(name, &a, 1)?;
    let l = seq_items(&a[0], "Cannot find uniq on type %s")?;
    let mut out: Vec<Value> = Vec::new();
    for v in l {
        if !out.iter().any(|x| deep_equal(&v, x)) {
            out.push(v);
        }
    }
    Ok(list(out))
}

pub fn uniq(_: &mut FuncCtx, a: Vec<Value>) -> R {
    uniq_named("uniq", a)
}

pub fn must_uniq(_: &mut FuncCtx, a: Vec<Value>) -> R {
    uniq_named("mustUniq", a)
}

fn without_named(name: &str, a: Vec<Value>) -> R {
    arity_min(name, &a, 1)?;
    let l = seq_items(&a[0], "Cannot find without on type %s")?;
    let omit = &a[1..];
    Ok(list(
        l.into_iter()
            .filter(|v| !omit.iter().any(|o| deep_equal(v, o)))
            .collect(),
    ))
}

pub fn without(_: &mut FuncCtx, a: Vec<Value>) -> R {
    without_named("without", a)
}

pub fn must_without(_: &mut FuncCtx, a: Vec<Value>) -> R {
    without_named("mustWithout", a)
}

fn has_named(name: &str, a: Vec<Value>) -> R {
    arity(name, &a, 2)?;
    if a[1].is_nil() {
        return Ok(Value::bool(false));
    }
    let l = items(&a[1])
        .ok_or_else(|| failed(format!("Cannot find has on type {}", kind_name(&a[1]))))?;
    Ok(Value::bool(l.iter().any(|x| deep_equal(&a[0], x))))
}

pub fn has(_: &mut FuncCtx, a: Vec<Value>) -> R {
    has_named("has", a)
}

pub fn must_has(_: &mut FuncCtx, a: Vec<Value>) -> R {
    has_named("mustHas", a)
}

fn slice_named(name: &str, a: Vec<Value>) -> R {
    arity_min(name, &a, 1)?;
    let v = &a[0];
    if v.is_nil() {
        return Err(nil_deref());
    }
    let (elem, l) = match &v.kind {
        Kind::List(l) => (l.elem, l.items.clone()),
        Kind::Bytes(b) => (
            Elem::Byte,
            b.iter().map(|&x| Value::int(x as i64)).collect(),
        ),
        _ => {
            return Err(failed(format!(
                "list should be type of slice or array but {}",
                kind_name(v)
            )));
        }
    };
    if l.is_empty() {
        return Ok(Value::nil());
    }
    let len = l.len() as i64;
    let start = a.get(1).map(super::numeric::to_int).unwrap_or(0);
    let end = if a.len() < 3 {
        len
    } else {
        super::numeric::to_int(&a[2])
    };
    if start < 0 || end < start || end > len {
        return Err(failed("reflect: slice index out of range"));
    }
    let out = l[start as usize..end as usize].to_vec();
    if let Kind::Bytes(_) = v.kind {
        let bytes: Vec<u8> = out
            .iter()
            .map(|x| match x.kind {
                Kind::Int(i) => i as u8,
                _ => 0,
            })
            .collect();
        return Ok(Value::new(Kind::Bytes(bytes.into())));
    }
    Ok(typed_list(elem, out))
}

pub fn slice(_: &mut FuncCtx, a: Vec<Value>) -> R {
    slice_named("slice", a)
}

pub fn must_slice(_: &mut FuncCtx, a: Vec<Value>) -> R {
    slice_named("mustSlice", a)
}

pub fn concat(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let mut out = Vec::new();
    for v in &a {
        if v.is_nil() {
            return Err(nil_deref());
        }
        match items(v) {
            Some(l) => {
                bounded(out.len() + l.len())?;
                out.extend(l);
            }
            None => {
                return Err(failed(format!(
                    "Cannot concat type {} as list",
                    kind_name(v)
                )));
            }
        }
    }
    Ok(list(out))
}

pub fn until(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("until", &a, 1)?;
    let n = int(&a[0])?;
    let step = if n < 0 { -1 } else { 1 };
    until_step_values(0, n, step)
}

pub fn until_step(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("untilStep", &a, 3)?;
    let start = int(&a[0])?;
    let stop = int(&a[1])?;
    let step = int(&a[2])?;
    until_step_values(start, stop, step)
}

/// Sprig's `untilStep`, bounded.
pub fn until_step_ints(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, CallError> {
    let mut v = Vec::new();
    if stop < start {
        if step >= 0 {
            return Ok(v);
        }
        let n = ((start as i128 - stop as i128) / (-(step as i128))) as usize;
        bounded(n.saturating_mul(8))?;
        let mut i = start;
        while i > stop {
            v.push(i);
            i = match i.checked_add(step) {
                Some(x) => x,
                None => break,
            };
        }
        return Ok(v);
    }
    if step <= 0 {
        return Ok(v);
    }
    let n = ((stop as i128 - start as i128) / step as i128) as usize;
    bounded(n.saturating_mul(8))?;
    let mut i = start;
    while i < stop {
        v.push(i);
        i = match i.checked_add(step) {
            Some(x) => x,
            None => break,
        };
    }
    Ok(v)
}

fn until_step_values(start: i64, stop: i64, step: i64) -> R {
    let v = until_step_ints(start, stop, step)?;
    Ok(typed_list(
        Elem::Int,
        v.into_iter().map(Value::int).collect(),
    ))
}

pub fn seq(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let mut p = Vec::new();
    for v in &a {
        p.push(int(v)?);
    }
    let nums = match p.len() {
        1 => {
            let (start, end) = (1, p[0]);
            let inc = if end < start { -1 } else { 1 };
            until_step_ints(start, end.saturating_add(inc), inc)?
        }
        2 => {
            let (start, end) = (p[0], p[1]);
            let step = if end < start { -1 } else { 1 };
            until_step_ints(start, end.saturating_add(step), step)?
        }
        3 => {
            let (start, step, end) = (p[0], p[1], p[2]);
            let mut inc = 1;
            if end < start {
                inc = -1;
                if step > 0 {
                    return Ok(Value::str(""));
                }
            }
            until_step_ints(start, end.saturating_add(inc), step)?
        }
        _ => return Ok(Value::str("")),
    };
    let s: Vec<String> = nums.iter().map(|i| i.to_string()).collect();
    Ok(Value::str(s.join(" ")))
}
