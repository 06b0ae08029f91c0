//! Go's `text/template` builtins other than `and`, `or` and `call` (the executor's):
//! comparisons, `not`, `len`, `index`, `print`, `printf`, `println`, `html`, `js`,
//! `urlquery`.

use super::args::*;
use super::{CallError, FuncCtx};
use crate::render::gofmt;
use crate::render::value::{Elem, Kind, Value};

type R = Result<Value, CallError>;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum BasicKind {
    Invalid,
    Bool,
    Int,
    Float,
    Str,
}

fn basic_kind(v: &Value) -> BasicKind {
    match &v.kind {
        Kind::Bool(_) => BasicKind::Bool,
        Kind::Int(_) | Kind::Int64(_) => BasicKind::Int,
        Kind::Float(_) => BasicKind::Float,
        Kind::Str(_) => BasicKind::Str,
        _ => BasicKind::Invalid,
    }
}

const BAD_COMPARISON: &str = "incompatible types for comparison";
const BAD_COMPARISON_TYPE: &str = "invalid type for comparison";

/// `%s` of a value, as the non-comparable messages print it.
fn percent_s(v: &Value) -> String {
    gofmt::sprintf("%s", std::slice::from_ref(v))
}

fn eq_values(a1: &Value, rest: &[Value]) -> Result<bool, CallError> {
    if rest.is_empty() {
        return Err(failed("missing argument for comparison"));
    }
    let k1 = basic_kind(a1);
    for a in rest {
        let k2 = basic_kind(a);
        let truth = if k1 != k2 {
            if !a1.is_nil() && !a.is_nil() {
                return Err(failed(BAD_COMPARISON));
            }
            false
        } else {
            match (&a1.kind, &a.kind) {
                (Kind::Bool(x), Kind::Bool(y)) => x == y,
                (Kind::Int(x) | Kind::Int64(x), Kind::Int(y) | Kind::Int64(y)) => x == y,
                (Kind::Float(x), Kind::Float(y)) => x == y,
                (Kind::Str(x), Kind::Str(y)) => x == y,
                _ => {
                    // Both non-basic: nil interfaces compare equal to each other; slices
                    // and maps are not comparable.
                    if a1.is_nil() || a.is_nil() {
                        a1.is_nil() && a.is_nil()
                    } else if a1.type_name() != a.type_name() {
                        return Err(failed(format!(
                            "non-comparable types {}: {}, {}: {}",
                            percent_s(a1),
                            a1.type_name(),
                            a.type_name(),
                            gofmt::sprint_value(a)
                        )));
                    } else if matches!(a.kind, Kind::List(_) | Kind::Map(_) | Kind::Bytes(_)) {
                        return Err(failed(format!(
                            "non-comparable type {}: {}",
                            percent_s(a),
                            a.type_name()
                        )));
                    } else {
                        deep_equal(a1, a)
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

pub fn eq(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("eq", &a, 1)?;
    Ok(Value::bool(eq_values(&a[0], &a[1..])?))
}

pub fn ne(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("ne", &a, 2)?;
    Ok(Value::bool(!eq_values(&a[0], &a[1..])?))
}

fn lt_values(a1: &Value, a2: &Value) -> Result<bool, CallError> {
    let k1 = basic_kind(a1);
    if k1 == BasicKind::Invalid {
        return Err(failed(BAD_COMPARISON_TYPE));
    }
    let k2 = basic_kind(a2);
    if k2 == BasicKind::Invalid {
        return Err(failed(BAD_COMPARISON_TYPE));
    }
    if k1 != k2 {
        return Err(failed(BAD_COMPARISON));
    }
    Ok(match (&a1.kind, &a2.kind) {
        (Kind::Int(x) | Kind::Int64(x), Kind::Int(y) | Kind::Int64(y)) => x < y,
        (Kind::Float(x), Kind::Float(y)) => x < y,
        (Kind::Str(x), Kind::Str(y)) => x.as_bytes() < y.as_bytes(),
        _ => return Err(failed(BAD_COMPARISON_TYPE)),
    })
}

fn le_values(a1: &Value, a2: &Value) -> Result<bool, CallError> {
    if lt_values(a1, a2)? {
        return Ok(true);
    }
    eq_values(a1, std::slice::from_ref(a2))
}

pub fn lt(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("lt", &a, 2)?;
    Ok(Value::bool(lt_values(&a[0], &a[1])?))
}

pub fn le(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("le", &a, 2)?;
    Ok(Value::bool(le_values(&a[0], &a[1])?))
}

pub fn gt(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("gt", &a, 2)?;
    Ok(Value::bool(!le_values(&a[0], &a[1])?))
}

pub fn ge(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("ge", &a, 2)?;
    Ok(Value::bool(!lt_values(&a[0], &a[1])?))
}

pub fn not(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("not", &a, 1)?;
    Ok(Value::bool(!a[0].truthy()))
}

pub fn len(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("len", &a, 1)?;
    let n = match &a[0].kind {
        Kind::Nil => return Err(failed("len of nil pointer")),
        Kind::Invalid => {
            return Err(CallError::ArgType(
                "invalid value; expected reflect.Value".into(),
            ));
        }
        Kind::Str(s) => s.len(),
        Kind::Bytes(b) => b.len(),
        Kind::List(l) => l.items.len(),
        Kind::Map(m) => m.entries.len(),
        Kind::Object(o) => match o.len() {
            Some(n) => n,
            None => return Err(failed(format!("len of type {}", o.type_name()))),
        },
        _ => return Err(failed(format!("len of type {}", a[0].type_name()))),
    };
    Ok(Value::int(n as i64))
}

fn index_arg(ix: &Value, cap: usize) -> Result<usize, CallError> {
    let x = match &ix.kind {
        Kind::Int(i) | Kind::Int64(i) => *i,
        Kind::Invalid | Kind::Nil => return Err(failed("cannot index slice/array with nil")),
        _ => {
            return Err(failed(format!(
                "cannot index slice/array with type {}",
                ix.type_name()
            )));
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(failed(format!("index out of range: {x}")));
    }
    Ok(x as usize)
}

pub fn index(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("index", &a, 1)?;
    let mut item = a[0].clone();
    if item.is_nil() {
        return Err(failed("index of untyped nil"));
    }
    for ix in &a[1..] {
        item = match &item.kind {
            Kind::List(l) => {
                let x = index_arg(ix, l.items.len())?;
                match l.items.get(x) {
                    Some(v) => v.clone(),
                    None => return Err(failed("reflect: slice index out of range")),
                }
            }
            Kind::Bytes(b) => {
                let x = index_arg(ix, b.len())?;
                match b.get(x) {
                    Some(v) => Value::int(*v as i64),
                    None => return Err(failed("reflect: slice index out of range")),
                }
            }
            Kind::Str(s) => {
                let x = index_arg(ix, s.len())?;
                match s.as_bytes().get(x) {
                    Some(v) => Value::int(*v as i64),
                    None => return Err(failed("reflect: string index out of range")),
                }
            }
            Kind::Map(m) => {
                let key = match &ix.kind {
                    Kind::Str(s) => s.clone(),
                    Kind::Invalid | Kind::Nil => {
                        return Err(failed("value is nil; should be of type string"));
                    }
                    _ => {
                        return Err(failed(format!(
                            "value has type {}; should be string",
                            ix.type_name()
                        )));
                    }
                };
                match m.entries.get(&*key) {
                    Some(v) => v.clone(),
                    None => match m.elem {
                        Elem::String => Value::str(""),
                        Elem::Int => Value::int(0),
                        _ => Value::nil(),
                    },
                }
            }
            Kind::Nil | Kind::Invalid => return Err(failed("index of nil pointer")),
            _ => {
                return Err(failed(format!(
                    "can't index item of type {}",
                    item.type_name()
                )));
            }
        };
    }
    Ok(item)
}

pub fn print(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = gofmt::sprint(&a);
    bounded(s.len())?;
    Ok(Value::str(s))
}

pub fn println(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(Value::str(gofmt::sprintln(&a)))
}

pub fn printf(cx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("printf", &a, 1)?;
    let f = string(&a[0])?;
    let (s, marks) = gofmt::sprintf_marked(&f, &a[1..]);
    bounded(s.len())?;
    cx.marks = marks;
    Ok(Value::str(s))
}

/// text/template's `evalArgs`: one string as it is, otherwise `fmt.Sprint` with nil
/// arguments shown as `<no value>`.
fn eval_args(a: &[Value]) -> String {
    if a.len() == 1
        && let Kind::Str(s) = &a[0].kind
    {
        return s.to_string();
    }
    let args: Vec<Value> = a
        .iter()
        .map(|v| {
            if v.is_nil() {
                Value::str("<no value>")
            } else {
                v.clone()
            }
        })
        .collect();
    gofmt::sprint(&args)
}

pub fn html(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = eval_args(&a);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Ok(Value::str(out))
}

pub fn js(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = eval_args(&a);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if (c as u32) < 0x80 => out.push(c),
            c if gofmt::is_print(c) => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    Ok(Value::str(out))
}

/// `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn urlquery(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(Value::str(query_escape(&eval_args(&a))))
}
