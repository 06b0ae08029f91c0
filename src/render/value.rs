//! Values as templates see them.
//!
//! Helm hands templates Go data: every number from YAML or JSON is a `float64`, template
//! literals are `int`, `--set` integers are `int64`, sequences are `[]interface {}`, maps are
//! `map[string]interface {}`, and some functions return `[]string` or `map[string]string`.
//! The Go type decides printing, comparison and which function parameters accept a value, so
//! [`Kind`] keeps it.
//!
//! Every value may carry an [`Origin`]: the file and byte span it was read from (a node of a
//! values file, a literal in a template). Functions that compute a new value return it without
//! an origin; functions that pass a value through (`default`, `first`, `index`, ...) keep it.

use crate::source::Span;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Where a value was read from: a file known to the render (its index in the render's file
/// table) and the byte span of the node or literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: u32,
    pub span: Span,
}

/// A template value: its Go kind and, when known, where it came from.
#[derive(Clone, Debug)]
pub struct Value {
    pub kind: Kind,
    pub origin: Option<Origin>,
}

/// The element type of a Go slice or map, which shows in `typeOf`, `%T`, printing of
/// missing keys (`""` for `map[string]string`) and parameter checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    /// `interface {}`
    Any,
    /// `string`
    String,
    /// `int`
    Int,
    /// `uint8` (a byte slice)
    Byte,
}

/// What a Go map is, beyond its element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MapType {
    /// `map[string]interface {}` (or `map[string]string` with [`Elem::String`]).
    Plain,
    /// `chartutil.Values`: `.Values` and the top-level context; has methods (`YAML`, `AsMap`,
    /// `Table`, `PathValue`, `Encode`) that shadow keys of those names.
    ChartValues,
}

#[derive(Clone, Debug)]
pub struct List {
    pub elem: Elem,
    pub items: Vec<Value>,
}

/// Keys are kept sorted bytewise, which is the order Go's `range`, `fmt` and `toYaml`'s
/// string-key case iterate in (`toYaml`'s own natural order is applied by its emitter).
#[derive(Clone, Debug)]
pub struct Map {
    pub elem: Elem,
    pub ty: MapType,
    pub entries: BTreeMap<String, Value>,
    /// When the Go map this value stands for was made ([`next_serial`]): a new version of a
    /// map (after `set`, `merge`, or with its nested maps brought up to date) keeps the
    /// serial of the map it replaces. The executor tells a map made inside an `include` from
    /// one that existed before it by this number.
    pub serial: u64,
}

static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A number greater than every serial handed out before (in any thread).
pub fn next_serial() -> u64 {
    SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Map {
    /// A new map, made now.
    pub fn new(elem: Elem, ty: MapType, entries: BTreeMap<String, Value>) -> Map {
        Map {
            elem,
            ty,
            entries,
            serial: next_serial(),
        }
    }

    /// A new version of this map holding `entries`: the same Go map, changed.
    pub fn version(&self, entries: BTreeMap<String, Value>) -> Map {
        Map {
            elem: self.elem,
            ty: self.ty,
            entries,
            serial: self.serial,
        }
    }
}

/// A Go struct or pointer-to-struct the render context exposes (`.Chart`, `.Capabilities`,
/// `.Files`, a `*semver.Version`, a `time.Time`, a certificate). The executor resolves fields
/// and methods through this trait.
#[allow(clippy::len_without_is_empty)]
pub trait Object: std::fmt::Debug + Send + Sync {
    /// The Go type name as `%T` and `typeOf` print it, e.g. `*chartutil.Capabilities`.
    fn type_name(&self) -> &str;
    /// An exported field or a method without arguments; `None` when there is none.
    fn field(&self, name: &str) -> Option<Value>;
    /// A method called with arguments; `None` when the object has no such method.
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let _ = (name, args);
        None
    }
    /// How `{{ x }}` prints it (a `String()` method where Go finds one, else `%v` of the
    /// struct).
    fn print(&self) -> String;
    /// Calls `f` with what [`Object::print`] gives, without a copy when the object keeps that
    /// text (`engine.files` keeps its print of every file's bytes, megabytes for a chart with
    /// large files).
    fn with_print(&self, f: &mut dyn FnMut(&str)) {
        f(&self.print());
    }
    /// Whether this is a map-like object (`engine.files`): truthiness and `len` follow.
    fn len(&self) -> Option<usize> {
        None
    }
    /// The (key, element) pairs `range` visits, in order, for a map-like object
    /// (`engine.files`); `None` when `range` cannot iterate over it.
    fn range(&self) -> Option<Vec<(Value, Value)>> {
        None
    }
}

#[derive(Clone, Debug)]
pub enum Kind {
    /// No value at all (Go's invalid `reflect.Value`): the dot of `{{ template "x" }}`.
    /// Prints `<no value>`; field access on it yields it again without error.
    Invalid,
    /// A nil `interface {}`: a missing map key, YAML `null`. Prints `<no value>` in an action,
    /// `<nil>` through `print`/`printf`; a field of it is an error.
    Nil,
    Bool(bool),
    /// Go `int`: template literals, `len`, `atoi`, `int`, `until` elements.
    Int(i64),
    /// Go `int64`: `--set` integers, `add`, `sub`, `mul`, `div`, `mod`, `int64`, ...
    Int64(i64),
    /// Go `float64`: every number read from YAML or JSON.
    Float(f64),
    Str(Arc<str>),
    /// `[]uint8`.
    Bytes(Arc<[u8]>),
    List(Arc<List>),
    Map(Arc<Map>),
    Object(Arc<dyn Object>),
}

impl Value {
    pub fn new(kind: Kind) -> Value {
        Value { kind, origin: None }
    }

    pub fn with_origin(mut self, origin: Option<Origin>) -> Value {
        self.origin = origin;
        self
    }

    pub fn nil() -> Value {
        Value::new(Kind::Nil)
    }

    pub fn invalid() -> Value {
        Value::new(Kind::Invalid)
    }

    pub fn bool(b: bool) -> Value {
        Value::new(Kind::Bool(b))
    }

    pub fn int(i: i64) -> Value {
        Value::new(Kind::Int(i))
    }

    pub fn int64(i: i64) -> Value {
        Value::new(Kind::Int64(i))
    }

    pub fn float(f: f64) -> Value {
        Value::new(Kind::Float(f))
    }

    pub fn str(s: impl Into<Arc<str>>) -> Value {
        Value::new(Kind::Str(s.into()))
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::new(Kind::List(Arc::new(List {
            elem: Elem::Any,
            items,
        })))
    }

    pub fn strings(items: impl IntoIterator<Item = String>) -> Value {
        Value::new(Kind::List(Arc::new(List {
            elem: Elem::String,
            items: items.into_iter().map(Value::str).collect(),
        })))
    }

    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::new(Kind::Map(Arc::new(Map::new(
            Elem::Any,
            MapType::Plain,
            entries,
        ))))
    }

    pub fn is_nil(&self) -> bool {
        matches!(self.kind, Kind::Nil | Kind::Invalid)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&List> {
        match &self.kind {
            Kind::List(l) => Some(l),
            _ => None,
        }
    }

    /// Go's truthiness (`if`, `with`, `and`, `or`, `not`): false for nil, `false`, zero
    /// numbers and empty strings, slices and maps; structs are always true.
    pub fn truthy(&self) -> bool {
        match &self.kind {
            Kind::Invalid | Kind::Nil => false,
            Kind::Bool(b) => *b,
            Kind::Int(i) | Kind::Int64(i) => *i != 0,
            Kind::Float(f) => *f != 0.0,
            Kind::Str(s) => !s.is_empty(),
            Kind::Bytes(b) => !b.is_empty(),
            Kind::List(l) => !l.items.is_empty(),
            Kind::Map(m) => !m.entries.is_empty(),
            Kind::Object(o) => o.len().is_none_or(|n| n > 0),
        }
    }

    /// The Go type as `%T` and Sprig's `typeOf` print it.
    pub fn type_name(&self) -> String {
        fn elem(e: Elem) -> &'static str {
            match e {
                Elem::Any => "interface {}",
                Elem::String => "string",
                Elem::Int => "int",
                Elem::Byte => "uint8",
            }
        }
        match &self.kind {
            Kind::Invalid | Kind::Nil => "<nil>".into(),
            Kind::Bool(_) => "bool".into(),
            Kind::Int(_) => "int".into(),
            Kind::Int64(_) => "int64".into(),
            Kind::Float(_) => "float64".into(),
            Kind::Str(_) => "string".into(),
            Kind::Bytes(_) => "[]uint8".into(),
            Kind::List(l) => format!("[]{}", elem(l.elem)),
            Kind::Map(m) => match m.ty {
                MapType::ChartValues => "chartutil.Values".into(),
                MapType::Plain => format!("map[string]{}", elem(m.elem)),
            },
            Kind::Object(o) => o.type_name().into(),
        }
    }

    /// A copy whose maps and lists are all new (Sprig's `deepCopy`): Go maps are references,
    /// and a map changed in place (`set`, `merge`) must not change the copy's source, which
    /// the executor tracks by the identity of each map's allocation.
    pub fn deep_copy(&self) -> Value {
        self.deep_copy_at(0)
    }

    /// Whether the value, with every shared map and list written out in full, holds more
    /// than `limit` nodes and bytes of strings and keys. A value built by doubling
    /// (`$d = dict "a" $d "b" $d`) shares its halves: small in memory, exponential once
    /// copied, printed or serialised. Walks at most `limit` nodes.
    pub fn expands_beyond(&self, limit: usize) -> bool {
        fn go(v: &Value, left: &mut usize, depth: usize) -> bool {
            let cost = 1 + match &v.kind {
                Kind::Str(s) => s.len(),
                Kind::Bytes(b) => b.len(),
                _ => 0,
            };
            if cost > *left {
                return true;
            }
            *left -= cost;
            // Deeper values are refused by every copy and serialiser on their own.
            if depth > 10_000 {
                return false;
            }
            match &v.kind {
                Kind::List(l) => l.items.iter().any(|x| go(x, left, depth + 1)),
                Kind::Map(m) => m.entries.iter().any(|(k, x)| {
                    if k.len() > *left {
                        return true;
                    }
                    *left -= k.len();
                    go(x, left, depth + 1)
                }),
                _ => false,
            }
        }
        let mut left = limit;
        go(self, &mut left, 0)
    }

    fn deep_copy_at(&self, depth: usize) -> Value {
        if depth > 10_000 {
            return self.clone();
        }
        let kind = match &self.kind {
            Kind::Map(m) => Kind::Map(Arc::new(Map::new(
                m.elem,
                m.ty,
                m.entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.deep_copy_at(depth + 1)))
                    .collect(),
            ))),
            Kind::List(l) => Kind::List(Arc::new(List {
                elem: l.elem,
                items: l.items.iter().map(|v| v.deep_copy_at(depth + 1)).collect(),
            })),
            other => other.clone(),
        };
        Value {
            kind,
            origin: self.origin,
        }
    }
}
