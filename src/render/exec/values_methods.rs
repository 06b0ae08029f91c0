//! The methods of Helm's `chartutil.Values` (the type of `$`, `.Values` and `.Template`),
//! which Go finds before map keys: `.Values.YAML` is the whole values as YAML even when
//! values have a `YAML` key.

use super::{Ctx, Flow, Frame, V, arg_type};
use crate::render::value::{Elem, Kind, Map, MapType, Value};
use std::sync::Arc;

const METHODS: &[&str] = &["AsMap", "Encode", "PathValue", "Table", "YAML"];

pub(super) fn is_method(name: &str) -> bool {
    METHODS.contains(&name)
}

fn want(name: &str) -> usize {
    match name {
        "AsMap" | "YAML" => 0,
        _ => 1,
    }
}

pub(super) fn call(
    f: &Frame<'_>,
    _cx: &mut Ctx,
    name: &str,
    recv: &Value,
    args: Vec<Value>,
) -> Result<V, Flow> {
    let n = want(name);
    if args.len() != n {
        return Err(f.errorf(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        )));
    }
    let Kind::Map(m) = &recv.kind else {
        return Err(f.errorf(format!("can't evaluate field {name}")));
    };
    match name {
        "AsMap" => Ok(V::new(Value {
            kind: Kind::Map(Arc::new(Map::new(
                m.elem,
                MapType::Plain,
                m.entries.clone(),
            ))),
            origin: recv.origin,
        })),
        "YAML" => match crate::render::yaml_out::marshal(recv) {
            Ok(s) => Ok(V::new(Value::str(s))),
            Err(e) => Err(f.errorf(format!("error calling YAML: {e}"))),
        },
        "Encode" => match &args[0].kind {
            Kind::Nil | Kind::Invalid => Err(f.errorf(
                "error calling Encode: runtime error: invalid memory address or nil pointer dereference",
            )),
            _ => Err(f.errorf(format!(
                "wrong type for value; expected io.Writer; got {}",
                arg_type(&args[0])
            ))),
        },
        _ => {
            let path = match &args[0].kind {
                Kind::Str(s) => s.to_string(),
                Kind::Invalid => return Err(f.errorf("invalid value; expected string")),
                _ => {
                    return Err(f.errorf(format!(
                        "wrong type for value; expected string; got {}",
                        arg_type(&args[0])
                    )));
                }
            };
            if name == "Table" {
                match table(m, &path) {
                    Ok(t) => Ok(V::new(t)),
                    Err(key) => Err(f.errorf(format!(
                        "error calling Table: {} is not a table",
                        crate::template::lex::go_quote(&key)
                    ))),
                }
            } else {
                path_value(m, &path)
                    .map(|v| V {
                        v,
                        boxed: true,
                    })
                    .map_err(|e| f.errorf(format!("error calling PathValue: {e}")))
            }
        }
    }
}

fn values_map(entries: std::collections::BTreeMap<String, Value>) -> Value {
    Value::new(Kind::Map(Arc::new(Map::new(
        Elem::Any,
        MapType::ChartValues,
        entries,
    ))))
}

/// `Values.Table`: the table at a dotted path, or the key that is missing or not a table.
fn table(m: &Map, path: &str) -> Result<Value, String> {
    let mut cur: Value = values_map(m.entries.clone());
    for key in path.split('.') {
        let next = match cur.as_map().and_then(|t| t.entries.get(key)) {
            Some(v) => v.clone(),
            None => return Err(key.to_string()),
        };
        match &next.kind {
            Kind::Map(t) if t.elem == Elem::Any => {
                cur = Value {
                    origin: next.origin,
                    ..values_map(t.entries.clone())
                };
            }
            _ => return Err(key.to_string()),
        }
    }
    Ok(cur)
}

fn is_table(v: &Value) -> bool {
    matches!(&v.kind, Kind::Map(t) if t.elem == Elem::Any)
}

/// `Values.PathValue`: a non-table value at a dotted path.
fn path_value(m: &Map, path: &str) -> Result<Value, String> {
    let no_value = |k: &str| format!("{} is not a value", crate::template::lex::go_quote(k));
    if path.is_empty() {
        return Err("YAML path cannot be empty".into());
    }
    let parts: Vec<&str> = path.split('.').collect();
    if parts.len() == 1 {
        return match m.entries.get(parts[0]) {
            Some(v) if !is_table(v) => Ok(v.clone()),
            _ => Err(no_value(parts[0])),
        };
    }
    let (key, prefix) = parts.split_last().unwrap_or((&"", &[]));
    let t = table(m, &prefix.join(".")).map_err(|_| no_value(key))?;
    match t.as_map().and_then(|t| t.entries.get(*key)) {
        Some(v) if !is_table(v) => Ok(v.clone()),
        _ => Err(no_value(key)),
    }
}
