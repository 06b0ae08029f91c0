//! `--set`, `--set-string` and `--set-json` parsed as Helm's `strvals` package parses them,
//! and the order in which Helm applies every kind of user value (`values.MergeValues`).
//!
//! - `a.b=c` nests, `a[0]=x` indexes a list (missing slots are `null`, the index limit is
//!   65536, a list set this way replaces the default list), `\.` and `\,` escape;
//! - `--set` types values: `true`/`false` (any case) are bools, `null` is nil (which deletes
//!   the key when coalesced), `0` and decimal integers not starting with `0` are int64, all
//!   else is a string; `{a,b}` is a list;
//! - `--set-string` keeps every value a string;
//! - `--set-json` values are JSON, so numbers are float64.

use super::value::{Kind, Value};
use std::collections::BTreeMap;

/// Helm's limit on list indexes in `--set` paths.
pub const MAX_INDEX: usize = 65536;
/// Helm's limit on the nesting of `--set` names.
pub const MAX_NESTED_NAME_LEVEL: usize = 30;

/// How the value side of `key=value` is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    /// `--set`: typed values.
    Typed,
    /// `--set-string`: every value a string.
    String,
    /// `--set-json`: JSON values.
    Json,
    /// `--set-file`: each value names a file whose contents become a string.
    File,
}

type Table = BTreeMap<String, Value>;

/// Parses one `--set`-style argument into `dest` (a table), as `strvals.ParseInto`,
/// `ParseIntoString` or `ParseJSON` do. The error is strvals' own text, without the flag
/// prefix Helm adds (see [`flag_error`]).
pub fn parse_into(s: &str, dest: &mut Table, kind: SetKind) -> Result<(), String> {
    parse_with(s, dest, kind, &|p| {
        std::fs::read_to_string(p).map_err(|e| format!("open {p}: {}", go_io_error(&e)))
    })
}

fn go_io_error(e: &std::io::Error) -> &'static str {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory",
        std::io::ErrorKind::PermissionDenied => "permission denied",
        _ => "cannot read",
    }
}

/// [`parse_into`] with the reader `--set-file` uses to turn a path into its contents.
pub fn parse_with(
    s: &str,
    dest: &mut Table,
    kind: SetKind,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(), String> {
    let mut p = Parser {
        chars: s.chars().collect(),
        pos: 0,
        kind,
        read_file,
    };
    loop {
        match p.key(dest, 0) {
            Ok(()) => continue,
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Err(e)) => return Err(e),
        }
    }
}

/// The message Helm prints for a failing flag value.
pub fn flag_error(kind: SetKind, arg: &str, err: &str) -> String {
    match kind {
        SetKind::Typed => format!("failed parsing --set data: {err}"),
        SetKind::String => format!("failed parsing --set-string data: {err}"),
        SetKind::Json => format!("failed parsing --set-json data {arg}"),
        SetKind::File => format!("failed parsing --set-file data: {err}"),
    }
}

enum Stop {
    /// Go's `io.EOF`: the input is used up.
    Eof,
    Err(String),
}

impl From<String> for Stop {
    fn from(s: String) -> Stop {
        Stop::Err(s)
    }
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    kind: SetKind,
    read_file: &'a dyn Fn(&str) -> Result<String, String>,
}

fn go_type(v: &Value) -> String {
    match &v.kind {
        Kind::Nil | Kind::Invalid => "nil".into(),
        _ => v.type_name(),
    }
}

/// The panic text of a failed Go type assertion, as strvals' recover reports it.
fn conversion_panic(v: &Value, want: &str) -> String {
    if v.is_nil() {
        format!("unable to parse key: interface conversion: interface {{}} is nil, not {want}")
    } else {
        format!(
            "unable to parse key: interface conversion: interface {{}} is {}, not {want}",
            go_type(v)
        )
    }
}

fn set(data: &mut Table, key: String, val: Value) {
    if key.is_empty() {
        return;
    }
    data.insert(key, val);
}

fn set_index(
    mut list: Vec<Value>,
    index: i64,
    val: Value,
) -> Result<Vec<Value>, (Vec<Value>, String)> {
    if index < 0 {
        return Err((list, format!("negative {index} index not allowed")));
    }
    let index = index as usize;
    if index > MAX_INDEX {
        return Err((
            list,
            format!("index of {index} is greater than maximum supported index of {MAX_INDEX}"),
        ));
    }
    if list.len() <= index {
        list.resize(index + 1, Value::nil());
    }
    list[index] = val;
    Ok(list)
}

impl Parser<'_> {
    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// `runesUntil`: reads up to a stop rune (consumed), honouring `\` escapes. `None` as the
    /// stop means the input ended.
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut v = String::new();
        loop {
            match self.read() {
                None => return (v, None),
                Some(c) if stop.contains(&c) => return (v, Some(c)),
                Some('\\') => match self.read() {
                    None => return (v, None),
                    Some(n) => v.push(n),
                },
                Some(c) => v.push(c),
            }
        }
    }

    fn typed(&self, s: String) -> Result<Value, String> {
        match self.kind {
            SetKind::String => Ok(Value::str(s)),
            SetKind::File => (self.read_file)(&s).map(Value::str),
            _ => Ok(typed_val(s)),
        }
    }

    fn key(&mut self, data: &mut Table, mut level: usize) -> Result<(), Stop> {
        let (k, last) = self.until(&['=', '[', ',', '.']);
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    Err(Stop::Err(format!("key {} has no value", go_quote(&k))))
                }
            }
            Some('[') => {
                let i = self
                    .key_index()
                    .map_err(|e| Stop::Err(format!("error parsing index: {e}")))?;
                let list = match data.get(&k) {
                    None => Vec::new(),
                    Some(v) => match &v.kind {
                        Kind::List(l) => l.items.clone(),
                        _ => return Err(Stop::Err(conversion_panic(v, "[]interface {}"))),
                    },
                };
                match self.list_item(list, i, level) {
                    Ok(list) => {
                        set(data, k, Value::list(list));
                        Ok(())
                    }
                    Err((list, e)) => {
                        set(data, k, Value::list(list));
                        Err(e)
                    }
                }
            }
            Some('=') => {
                if self.kind == SetKind::Json {
                    if self.empty_val() {
                        set(data, k, Value::nil());
                        return Ok(());
                    }
                    let v = self.json_value()?;
                    set(data, k, v);
                    self.empty_val();
                    return Ok(());
                }
                match self.val_list() {
                    Ok(vl) => {
                        set(data, k, Value::list(vl));
                        Ok(())
                    }
                    Err(ListErr::Eof) => {
                        set(data, k, Value::str(""));
                        Err(Stop::Eof)
                    }
                    Err(ListErr::NotList) => {
                        let (rs, _) = self.until(&[',']);
                        match self.typed(rs) {
                            Ok(v) => {
                                set(data, k, v);
                                Ok(())
                            }
                            Err(e) => {
                                set(data, k, Value::nil());
                                Err(Stop::Err(e))
                            }
                        }
                    }
                    Err(ListErr::Err(e)) => Err(Stop::Err(e)),
                }
            }
            Some(',') => {
                let msg = format!("key {} has no value (cannot end with ,)", go_quote(&k));
                set(data, k, Value::str(""));
                Err(Stop::Err(msg))
            }
            Some(_) => {
                // '.'
                level += 1;
                if level > MAX_NESTED_NAME_LEVEL {
                    return Err(Stop::Err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    )));
                }
                let mut inner = match data.get(&k) {
                    None => Table::new(),
                    Some(v) => match &v.kind {
                        Kind::Map(m) => m.entries.clone(),
                        _ => return Err(Stop::Err(conversion_panic(v, "map[string]interface {}"))),
                    },
                };
                let e = self.key(&mut inner, level);
                if e.is_ok() && inner.is_empty() {
                    return Err(Stop::Err(format!("key map {} has no value", go_quote(&k))));
                }
                if !inner.is_empty() {
                    set(data, k, Value::map(inner));
                }
                e
            }
        }
    }

    fn key_index(&mut self) -> Result<i64, String> {
        let (v, last) = self.until(&[']']);
        if last.is_none() {
            return Err("EOF".into());
        }
        go_atoi(&v)
    }

    fn list_item(
        &mut self,
        mut list: Vec<Value>,
        i: i64,
        level: usize,
    ) -> Result<Vec<Value>, (Vec<Value>, Stop)> {
        if i < 0 {
            return Err((list, Stop::Err(format!("negative {i} index not allowed"))));
        }
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return Err((
                list,
                Stop::Err(format!(
                    "unexpected data at end of array index: {}",
                    go_quote(&k)
                )),
            ));
        }
        let wrap =
            |r: Result<Vec<Value>, (Vec<Value>, String)>| r.map_err(|(l, e)| (l, Stop::Err(e)));
        match last {
            None => Err((list, Stop::Eof)),
            Some('=') => {
                if self.kind == SetKind::Json {
                    if self.empty_val() {
                        return wrap(set_index(list, i, Value::nil()));
                    }
                    let v = match self.json_value() {
                        Ok(v) => v,
                        Err(e) => return Err((list, e)),
                    };
                    let list = wrap(set_index(list, i, v))?;
                    self.empty_val();
                    return Ok(list);
                }
                match self.val_list() {
                    Ok(vl) => wrap(set_index(list, i, Value::list(vl))),
                    Err(ListErr::Eof) => wrap(set_index(list, i, Value::str(""))),
                    Err(ListErr::NotList) => {
                        let (rs, _) = self.until(&[',']);
                        match self.typed(rs) {
                            Ok(v) => wrap(set_index(list, i, v)),
                            Err(e) => Err((list, Stop::Err(e))),
                        }
                    }
                    Err(ListErr::Err(e)) => Err((list, Stop::Err(e))),
                }
            }
            Some('[') => {
                let next = match self.key_index() {
                    Ok(n) => n,
                    Err(e) => return Err((list, Stop::Err(format!("error parsing index: {e}")))),
                };
                let mut crt = Vec::new();
                if let Some(existed) = list.get(i as usize)
                    && !existed.is_nil()
                {
                    match &existed.kind {
                        Kind::List(l) => crt = l.items.clone(),
                        _ => {
                            let msg = conversion_panic(existed, "[]interface {}");
                            return Err((list, Stop::Err(msg)));
                        }
                    }
                }
                match self.list_item(crt, next, level) {
                    Ok(l2) => wrap(set_index(list, i, Value::list(l2))),
                    Err((_, e)) => Err((list, e)),
                }
            }
            Some(_) => {
                // '.'
                let mut inner = Table::new();
                if let Some(existing) = list.get_mut(i as usize) {
                    match &existing.kind {
                        Kind::Map(m) => inner = m.entries.clone(),
                        _ => *existing = Value::map(Table::new()),
                    }
                }
                if let Err(e) = self.key(&mut inner, level) {
                    return Err((list, e));
                }
                wrap(set_index(list, i, Value::map(inner)))
            }
        }
    }

    /// `emptyVal`: skips white space; true at the end of input or after a `,`.
    fn empty_val(&mut self) -> bool {
        loop {
            match self.read() {
                None => return true,
                Some(',') => return true,
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    /// Decodes one JSON value from the rest of the input, as `json.Decoder.Decode` does.
    fn json_value(&mut self) -> Result<Value, Stop> {
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(v)) => {
                let used = stream.byte_offset();
                self.pos += rest[..used].chars().count();
                Ok(from_json(&v))
            }
            Some(Err(e)) => Err(Stop::Err(e.to_string())),
            None => Err(Stop::Err("EOF".into())),
        }
    }

    fn val_list(&mut self) -> Result<Vec<Value>, ListErr> {
        match self.read() {
            None => return Err(ListErr::Eof),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Err(ListErr::NotList);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, last) = self.until(&[',', '}']);
            match last {
                None => return Err(ListErr::Err("list must terminate with '}'".into())),
                Some('}') => {
                    if let Some(r) = self.read()
                        && r != ','
                    {
                        self.unread();
                    }
                    list.push(self.typed(rs).map_err(ListErr::Err)?);
                    return Ok(list);
                }
                Some(_) => list.push(self.typed(rs).map_err(ListErr::Err)?),
            }
        }
    }
}

enum ListErr {
    Eof,
    NotList,
    Err(String),
}

/// `typedVal` of `--set`.
pub fn typed_val(val: String) -> Value {
    if val.eq_ignore_ascii_case("true") {
        return Value::bool(true);
    }
    if val.eq_ignore_ascii_case("false") {
        return Value::bool(false);
    }
    if val.eq_ignore_ascii_case("null") {
        return Value::nil();
    }
    if val == "0" {
        return Value::int64(0);
    }
    if !val.is_empty()
        && !val.starts_with('0')
        && let Ok(i) = go_parse_int10(&val)
    {
        return Value::int64(i);
    }
    Value::str(val)
}

/// `strconv.ParseInt(s, 10, 64)`: an optional sign, then decimal digits only.
fn go_parse_int10(s: &str) -> Result<i64, ()> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(());
    }
    s.parse::<i64>().map_err(|_| ())
}

/// `strconv.Atoi` with Go's error text.
fn go_atoi(s: &str) -> Result<i64, String> {
    match go_parse_int10(s) {
        Ok(i) => Ok(i),
        Err(()) => {
            let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
            let why = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                "value out of range"
            } else {
                "invalid syntax"
            };
            Err(format!("strconv.Atoi: parsing {}: {why}", go_quote(s)))
        }
    }
}

/// Go's `%q` of a string, for the messages strvals prints.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON value as `encoding/json` decodes it into `interface {}`: numbers are float64.
pub fn from_json(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::nil(),
        serde_json::Value::Bool(b) => Value::bool(*b),
        serde_json::Value::Number(n) => Value::float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::str(s.as_str()),
        serde_json::Value::Array(a) => Value::list(a.iter().map(from_json).collect()),
        serde_json::Value::Object(o) => {
            Value::map(o.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}

/// Helm's `mergeMaps` for `-f` files: nested tables merge, anything else (nulls included)
/// overwrites.
pub fn merge_maps(base: &mut Table, over: Table) {
    for (k, v) in over {
        if let Kind::Map(vm) = &v.kind
            && let Some(existing) = base.get_mut(&k)
            && let Kind::Map(em) = &mut existing.kind
        {
            let em = std::sync::Arc::make_mut(em);
            merge_maps(&mut em.entries, vm.entries.clone());
            continue;
        }
        base.insert(k, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::gofmt::sprint_value;

    fn parse(s: &str, kind: SetKind) -> Result<String, String> {
        let mut t = Table::new();
        parse_into(s, &mut t, kind)?;
        Ok(show(&Value::map(t)))
    }

    /// Values with their Go types, to check typing.
    fn show(v: &Value) -> String {
        match &v.kind {
            Kind::Map(m) => {
                let inner: Vec<String> = m
                    .entries
                    .iter()
                    .map(|(k, v)| format!("{k}:{}", show(v)))
                    .collect();
                format!("{{{}}}", inner.join(" "))
            }
            Kind::List(l) => {
                let inner: Vec<String> = l.items.iter().map(show).collect();
                format!("[{}]", inner.join(" "))
            }
            _ => format!("{}({})", go_type(v), sprint_value(v)),
        }
    }

    // Expectations checked with `helm template --set ... ` and `{{ toJson .Values }}` /
    // `{{ typeOf }}` on helm v3.17.1.
    #[test]
    fn typed_values() {
        assert_eq!(
            parse(
                "a=1,b=007,c=1.5,d=true,e=,f=FALSE,g=null,h=0,i=-3",
                SetKind::Typed
            )
            .unwrap(),
            "{a:int64(1) b:string(007) c:string(1.5) d:bool(true) e:string() f:bool(false) g:nil(<nil>) h:int64(0) i:int64(-3)}"
        );
        assert_eq!(
            parse("big=9999999999999999999", SetKind::Typed).unwrap(),
            "{big:string(9999999999999999999)}"
        );
        assert_eq!(
            parse("a=1,b=true", SetKind::String).unwrap(),
            "{a:string(1) b:string(true)}"
        );
    }

    #[test]
    fn paths_lists_and_escapes() {
        assert_eq!(
            parse("a.b.c=x,l[1]=B,k\\.dot=v,esc=a\\,b", SetKind::Typed).unwrap(),
            "{a:{b:{c:string(x)}} esc:string(a,b) k.dot:string(v) l:[nil(<nil>) string(B)]}"
        );
        assert_eq!(
            parse("l={1,2,x}", SetKind::Typed).unwrap(),
            "{l:[int64(1) int64(2) string(x)]}"
        );
        assert_eq!(
            parse("l[0].name=a,l[0].port=80,l[1][1]=z", SetKind::Typed).unwrap(),
            "{l:[{name:string(a) port:int64(80)} [nil(<nil>) string(z)]]}"
        );
        assert_eq!(
            parse("a.b=1,a.c=2", SetKind::Typed).unwrap(),
            "{a:{b:int64(1) c:int64(2)}}"
        );
    }

    #[test]
    fn json_values() {
        assert_eq!(
            parse(r#"j={"n":1.5,"i":2},k=[1,"a"],z=null"#, SetKind::Json).unwrap(),
            "{j:{i:float64(2) n:float64(1.5)} k:[float64(1) string(a)] z:nil(<nil>)}"
        );
        assert_eq!(parse("e=", SetKind::Json).unwrap(), "{e:nil(<nil>)}");
        assert!(parse("j={bad", SetKind::Json).is_err());
    }

    // Error texts as helm v3.17.1 prints them after "failed parsing --set data: ".
    #[test]
    fn errors_read_as_helm() {
        assert_eq!(
            parse("a", SetKind::Typed).unwrap_err(),
            "key \"a\" has no value"
        );
        assert_eq!(
            parse("a,b=1", SetKind::Typed).unwrap_err(),
            "key \"a\" has no value (cannot end with ,)"
        );
        assert_eq!(
            parse("a[x]=1", SetKind::Typed).unwrap_err(),
            "error parsing index: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            parse("a[70000]=1", SetKind::Typed).unwrap_err(),
            "index of 70000 is greater than maximum supported index of 65536"
        );
        assert_eq!(
            parse("a=1,a.b=2", SetKind::Typed).unwrap_err(),
            "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
        );
        assert_eq!(
            parse("l={a,b", SetKind::Typed).unwrap_err(),
            "list must terminate with '}'"
        );
    }

    #[test]
    fn merge_maps_keeps_nested_tables() {
        let mut a = Table::new();
        parse_into("x.a=1,x.b=2,l={1}", &mut a, SetKind::Typed).unwrap();
        let mut b = Table::new();
        parse_into("x.b=3,l={2},n=null", &mut b, SetKind::Typed).unwrap();
        merge_maps(&mut a, b);
        assert_eq!(
            show(&Value::map(a)),
            "{l:[int64(2)] n:nil(<nil>) x:{a:int64(1) b:int64(3)}}"
        );
    }
}
