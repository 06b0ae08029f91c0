//! Argument checks as Go's reflection performs them before calling a typed function, and
//! small helpers shared by the function modules.

use super::CallError;
use crate::render::value::{Elem, Kind, List, Map, MapType, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The largest string or list a function may build; larger results are an error rather
/// than a giant allocation.
pub const MAX_OUTPUT: usize = 16 << 20;

pub fn arity(name: &str, args: &[Value], n: usize) -> Result<(), CallError> {
    if args.len() != n {
        return Err(CallError::Arity(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

pub fn arity_min(name: &str, args: &[Value], n: usize) -> Result<(), CallError> {
    if args.len() < n {
        return Err(CallError::Arity(format!(
            "wrong number of args for {name}: want at least {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

/// Go's rejection of a value for a parameter of type `want`.
pub fn type_error(want: &str, v: &Value) -> CallError {
    match &v.kind {
        Kind::Invalid => CallError::ArgType(format!("invalid value; expected {want}")),
        Kind::Nil => CallError::ArgType(format!(
            "wrong type for value; expected {want}; got interface {{}}"
        )),
        _ => CallError::ArgType(format!(
            "wrong type for value; expected {want}; got {}",
            v.type_name()
        )),
    }
}

pub fn string(v: &Value) -> Result<Arc<str>, CallError> {
    match &v.kind {
        Kind::Str(s) => Ok(s.clone()),
        _ => Err(type_error("string", v)),
    }
}

/// A Go `int` parameter: only `int` values are accepted.
pub fn int(v: &Value) -> Result<i64, CallError> {
    match &v.kind {
        Kind::Int(i) => Ok(*i),
        _ => Err(type_error("int", v)),
    }
}

pub fn boolean(v: &Value) -> Result<bool, CallError> {
    match &v.kind {
        Kind::Bool(b) => Ok(*b),
        _ => Err(type_error("bool", v)),
    }
}

/// A `map[string]interface {}` parameter (`chartutil.Values` is assignable to it). An
/// invalid value becomes a nil map (`None`).
pub fn map_any(v: &Value) -> Result<Option<Arc<Map>>, CallError> {
    match &v.kind {
        Kind::Map(m) if m.elem == Elem::Any => Ok(Some(m.clone())),
        Kind::Invalid => Ok(None),
        _ => Err(type_error("map[string]interface {}", v)),
    }
}

/// Go's `reflect.Kind` name of a value passed as `interface {}` (`kindOf`).
pub fn kind_name(v: &Value) -> &'static str {
    match &v.kind {
        Kind::Invalid | Kind::Nil => "invalid",
        Kind::Bool(_) => "bool",
        Kind::Int(_) => "int",
        Kind::Int64(_) => "int64",
        Kind::Float(_) => "float64",
        Kind::Str(_) => "string",
        Kind::Bytes(_) | Kind::List(_) => "slice",
        Kind::Map(_) => "map",
        Kind::Object(o) => {
            if o.type_name().starts_with('*') {
                "ptr"
            } else if o.len().is_some() {
                "map"
            } else {
                "struct"
            }
        }
    }
}

/// The items of a slice value (`[]interface {}`, `[]string`, `[]int`, `[]uint8`).
pub fn items(v: &Value) -> Option<Vec<Value>> {
    match &v.kind {
        Kind::List(l) => Some(l.items.clone()),
        Kind::Bytes(b) => Some(b.iter().map(|&x| Value::int(x as i64)).collect()),
        _ => None,
    }
}

/// A new `[]interface {}`.
pub fn list(items: Vec<Value>) -> Value {
    Value::list(items)
}

/// A typed list with the given element type.
pub fn typed_list(elem: Elem, items: Vec<Value>) -> Value {
    Value::new(Kind::List(Arc::new(List { elem, items })))
}

pub fn string_map(entries: BTreeMap<String, Value>) -> Value {
    Value::new(Kind::Map(Arc::new(Map::new(
        Elem::String,
        MapType::Plain,
        entries,
    ))))
}

/// Sprig's `empty`: nil, false, zero numbers and zero-length strings, slices and maps.
pub fn is_empty(v: &Value) -> bool {
    match &v.kind {
        Kind::Invalid | Kind::Nil => true,
        Kind::Bool(b) => !b,
        Kind::Int(i) | Kind::Int64(i) => *i == 0,
        Kind::Float(f) => *f == 0.0,
        Kind::Str(s) => s.is_empty(),
        Kind::Bytes(b) => b.is_empty(),
        Kind::List(l) => l.items.is_empty(),
        Kind::Map(m) => m.entries.is_empty(),
        Kind::Object(o) => o.len() == Some(0),
    }
}

/// Go's `reflect.DeepEqual` on two values passed as `interface {}`.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    match (&a.kind, &b.kind) {
        (Kind::Invalid | Kind::Nil, Kind::Invalid | Kind::Nil) => true,
        (Kind::Bool(x), Kind::Bool(y)) => x == y,
        (Kind::Int(x), Kind::Int(y)) => x == y,
        (Kind::Int64(x), Kind::Int64(y)) => x == y,
        (Kind::Float(x), Kind::Float(y)) => x == y,
        (Kind::Str(x), Kind::Str(y)) => x == y,
        (Kind::Bytes(x), Kind::Bytes(y)) => x == y,
        (Kind::List(x), Kind::List(y)) => {
            x.elem == y.elem
                && x.items.len() == y.items.len()
                && x.items.iter().zip(&y.items).all(|(p, q)| deep_equal(p, q))
        }
        (Kind::Map(x), Kind::Map(y)) => {
            x.elem == y.elem
                && x.ty == y.ty
                && x.entries.len() == y.entries.len()
                && x.entries
                    .iter()
                    .all(|(k, v)| y.entries.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        (Kind::Object(x), Kind::Object(y)) => {
            x.type_name() == y.type_name() && x.print() == y.print()
        }
        _ => false,
    }
}

/// Sprig's `strval`: strings as they are, byte slices as text, Stringers through their
/// method, anything else through `%v`.
pub fn strval(v: &Value) -> String {
    match &v.kind {
        Kind::Str(s) => s.to_string(),
        Kind::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Kind::Object(o) => o.print(),
        _ => crate::render::gofmt::sprint_value(v),
    }
}

/// Checks a size against [`MAX_OUTPUT`].
pub fn bounded(n: usize) -> Result<(), CallError> {
    if n > MAX_OUTPUT {
        return Err(CallError::Failed(format!(
            "output of {n} bytes exceeds the renderer's limit of {MAX_OUTPUT}"
        )));
    }
    Ok(())
}

pub fn failed(msg: impl Into<String>) -> CallError {
    CallError::Failed(msg.into())
}

/// The panic Go raises for a method on a nil map or a nil `reflect.Type`.
pub fn nil_deref() -> CallError {
    failed("runtime error: invalid memory address or nil pointer dereference")
}
