//! Encodings and serialisation: base64/base32, digests, YAML, JSON and TOML in both
//! directions, as Helm and Sprig define them.

use super::args::*;
use super::digest;
use super::{CallError, FuncCtx};
use crate::render::json_out::{self, JsonOptions};
use crate::render::value::{Kind, Value};
use crate::render::{yaml_in, yaml_out};
use std::collections::BTreeMap;

type R = Result<Value, CallError>;

fn one_string(name: &str, a: &[Value]) -> Result<std::sync::Arc<str>, CallError> {
    arity(name, a, 1)?;
    string(&a[0])
}

pub fn b64enc(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("b64enc", &a)?;
    Ok(Value::str(json_out::base64_std(s.as_bytes())))
}

/// Go's `base64.StdEncoding.DecodeString` (newlines ignored, padding required).
pub fn base64_decode(s: &str) -> Result<Vec<u8>, String> {
    let src = s.as_bytes();
    let val = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some((c - b'A') as u32),
            b'a'..=b'z' => Some((c - b'a') as u32 + 26),
            b'0'..=b'9' => Some((c - b'0') as u32 + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let err = |i: usize| Err(format!("illegal base64 data at input byte {i}"));
    let mut out = Vec::new();
    let mut si = 0;
    loop {
        let mut quantum = [0u32; 4];
        let mut j = 0;
        let mut dlen = 4;
        while j < 4 {
            if si == src.len() {
                if j == 0 {
                    return Ok(out);
                }
                return err(si - j);
            }
            let c = src[si];
            si += 1;
            if c == b'\n' || c == b'\r' {
                continue;
            }
            if c == b'=' {
                match j {
                    0 | 1 => return err(si - 1),
                    2 => {
                        while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                            si += 1;
                        }
                        if si == src.len() {
                            return err(src.len());
                        }
                        if src[si] != b'=' {
                            return err(si - 1);
                        }
                        si += 1;
                    }
                    _ => {}
                }
                while si < src.len() && (src[si] == b'\n' || src[si] == b'\r') {
                    si += 1;
                }
                if si < src.len() {
                    return err(si);
                }
                dlen = j;
                break;
            }
            match val(c) {
                Some(v) => quantum[j] = v,
                None => return err(si - 1),
            }
            j += 1;
        }
        let x = quantum[0] << 18 | quantum[1] << 12 | quantum[2] << 6 | quantum[3];
        let bytes = [(x >> 16) as u8, (x >> 8) as u8, x as u8];
        match dlen {
            4 => out.extend_from_slice(&bytes),
            3 => out.extend_from_slice(&bytes[..2]),
            2 => out.push(bytes[0]),
            _ => {}
        }
        if dlen < 4 {
            return Ok(out);
        }
    }
}

pub fn b64dec(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("b64dec", &a)?;
    Ok(Value::str(match base64_decode(&s) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => e,
    }))
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

pub fn b32enc(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("b32enc", &a)?;
    let b = s.as_bytes();
    let mut out = String::new();
    for chunk in b.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let x = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(B32[((x >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    Ok(Value::str(out))
}

pub fn b32dec(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("b32dec", &a)?;
    let src: Vec<u8> = s.bytes().filter(|&c| c != b'\n' && c != b'\r').collect();
    let mut out = Vec::new();
    if !src.len().is_multiple_of(8) {
        let at = src.len() / 8 * 8;
        return Ok(Value::str(format!(
            "illegal base32 data at input byte {at}"
        )));
    }
    for (q, chunk) in src.chunks(8).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        let data = 8 - pad;
        if !matches!(data, 8 | 7 | 5 | 4 | 2) || (pad > 0 && (q + 1) * 8 != src.len()) {
            return Ok(Value::str(format!(
                "illegal base32 data at input byte {}",
                q * 8 + data
            )));
        }
        let mut x: u64 = 0;
        for (i, &c) in chunk[..data].iter().enumerate() {
            let Some(v) = B32.iter().position(|&b| b == c) else {
                return Ok(Value::str(format!(
                    "illegal base32 data at input byte {}",
                    q * 8 + i
                )));
            };
            x |= (v as u64) << (35 - 5 * i);
        }
        let bytes = x.to_be_bytes();
        let n = match data {
            2 => 1,
            4 => 2,
            5 => 3,
            7 => 4,
            _ => 5,
        };
        out.extend_from_slice(&bytes[3..3 + n]);
    }
    Ok(Value::str(String::from_utf8_lossy(&out).into_owned()))
}

pub fn sha1sum(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("sha1sum", &a)?;
    Ok(Value::str(digest::hex(&digest::sha1(s.as_bytes()))))
}

pub fn sha256sum(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("sha256sum", &a)?;
    Ok(Value::str(digest::hex(&digest::sha256(s.as_bytes()))))
}

pub fn sha512sum(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("sha512sum", &a)?;
    Ok(Value::str(digest::hex(&digest::sha512(s.as_bytes()))))
}

pub fn adler32sum(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("adler32sum", &a)?;
    Ok(Value::str(digest::adler32(s.as_bytes()).to_string()))
}

// ----- YAML -----

pub fn to_yaml(cx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("toYaml", &a, 1)?;
    let (s, marks) = yaml_out::to_yaml_marked(&a[0]);
    bounded(s.len())?;
    cx.marks = marks;
    Ok(Value::str(s))
}

pub fn to_yaml_pretty(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("toYamlPretty", &a, 1)?;
    let s = yaml_out::to_yaml_pretty(&a[0]);
    bounded(s.len())?;
    Ok(Value::str(s))
}

pub fn from_yaml(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("fromYaml", &a)?;
    Ok(match yaml_in::load(&s, None, yaml_in::Target::Map) {
        Ok(v) => v,
        Err(e) => {
            let mut m = BTreeMap::new();
            m.insert("Error".to_string(), Value::str(e));
            Value::map(m)
        }
    })
}

pub fn from_yaml_array(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("fromYamlArray", &a)?;
    Ok(match yaml_in::load(&s, None, yaml_in::Target::List) {
        Ok(v) => v,
        Err(e) => list(vec![Value::str(e)]),
    })
}

// ----- JSON -----

fn json_named(
    name: &str,
    a: &[Value],
    opts: JsonOptions,
) -> Result<Result<String, String>, CallError> {
    arity(name, a, 1)?;
    let r = json_out::encode(&a[0], opts);
    if let Ok(s) = &r {
        bounded(s.len())?;
    }
    Ok(r)
}

const PLAIN: JsonOptions = JsonOptions {
    escape_html: true,
    indent: None,
};
const PRETTY: JsonOptions = JsonOptions {
    escape_html: true,
    indent: Some(2),
};
const RAW: JsonOptions = JsonOptions {
    escape_html: false,
    indent: None,
};

pub fn to_json(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(Value::str(
        json_named("toJson", &a, PLAIN)?.unwrap_or_default(),
    ))
}

pub fn must_to_json(_: &mut FuncCtx, a: Vec<Value>) -> R {
    json_named("mustToJson", &a, PLAIN)?
        .map(Value::str)
        .map_err(failed)
}

pub fn to_pretty_json(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(Value::str(
        json_named("toPrettyJson", &a, PRETTY)?.unwrap_or_default(),
    ))
}

pub fn must_to_pretty_json(_: &mut FuncCtx, a: Vec<Value>) -> R {
    json_named("mustToPrettyJson", &a, PRETTY)?
        .map(Value::str)
        .map_err(failed)
}

pub fn to_raw_json(_: &mut FuncCtx, a: Vec<Value>) -> R {
    json_named("toRawJson", &a, RAW)?
        .map(Value::str)
        .map_err(failed)
}

pub fn must_to_raw_json(_: &mut FuncCtx, a: Vec<Value>) -> R {
    json_named("mustToRawJson", &a, RAW)?
        .map(Value::str)
        .map_err(failed)
}

pub fn from_json(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("fromJson", &a)?;
    let err_map = |e: String| {
        let mut m = BTreeMap::new();
        m.insert("Error".to_string(), Value::str(e));
        Value::map(m)
    };
    Ok(match parse_json(&s) {
        Ok(v) => match v.kind {
            Kind::Map(_) => v,
            Kind::Nil => Value::map(BTreeMap::new()),
            _ => err_map(format!(
                "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                json_kind(&v)
            )),
        },
        Err(e) => err_map(e),
    })
}

pub fn from_json_array(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("fromJsonArray", &a)?;
    Ok(match parse_json(&s) {
        Ok(v) => match v.kind {
            Kind::List(_) => v,
            Kind::Nil => list(Vec::new()),
            _ => list(vec![Value::str(format!(
                "json: cannot unmarshal {} into Go value of type []interface {{}}",
                json_kind(&v)
            ))]),
        },
        Err(e) => list(vec![Value::str(e)]),
    })
}

pub fn must_from_json(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("mustFromJson", &a)?;
    parse_json(&s).map_err(failed)
}

fn json_kind(v: &Value) -> &'static str {
    match v.kind {
        Kind::Bool(_) => "bool",
        Kind::Float(_) => "number",
        Kind::Str(_) => "string",
        Kind::List(_) => "array",
        Kind::Map(_) => "object",
        _ => "null",
    }
}

/// `json.Unmarshal` into `interface {}`: numbers float64, with Go's syntax error texts.
pub fn parse_json(s: &str) -> Result<Value, String> {
    let mut p = JsonParser {
        b: s.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.ws();
    if p.i >= p.b.len() {
        return Err("unexpected end of JSON input".into());
    }
    let v = p.value("looking for beginning of value")?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.invalid("after top-level value"));
    }
    Ok(v)
}

struct JsonParser<'a> {
    b: &'a [u8],
    i: usize,
    depth: usize,
}

fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = crate::render::gofmt::quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn cur_char(&self) -> char {
        std::str::from_utf8(&self.b[self.i..])
            .ok()
            .and_then(|s| s.chars().next())
            .or_else(|| {
                String::from_utf8_lossy(&self.b[self.i..self.b.len().min(self.i + 4)])
                    .chars()
                    .next()
            })
            .unwrap_or('\u{FFFD}')
    }

    fn invalid(&self, ctx: &str) -> String {
        if self.i >= self.b.len() {
            return "unexpected end of JSON input".into();
        }
        format!("invalid character {} {ctx}", quote_char(self.cur_char()))
    }

    /// At the end of the input inside a literal, number or escape, Go's scanner reports
    /// the space it feeds itself at EOF.
    fn eof_in(&self, ctx: &str) -> String {
        format!("invalid character ' ' {ctx}")
    }

    fn value(&mut self, ctx: &str) -> Result<Value, String> {
        self.ws();
        if self.i >= self.b.len() {
            return Err("unexpected end of JSON input".into());
        }
        self.depth += 1;
        if self.depth > 10_000 {
            return Err("exceeded max depth".into());
        }
        let v = match self.b[self.i] {
            b'{' => self.object()?,
            b'[' => self.array()?,
            b'"' => Value::str(self.string()?),
            b't' => self.literal("true", Value::bool(true))?,
            b'f' => self.literal("false", Value::bool(false))?,
            b'n' => self.literal("null", Value::nil())?,
            b'-' | b'0'..=b'9' => self.number()?,
            _ => return Err(self.invalid(ctx)),
        };
        self.depth -= 1;
        Ok(v)
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, String> {
        for (k, &w) in word.as_bytes().iter().enumerate() {
            if self.i >= self.b.len() {
                return Err(self.eof_in(&format!(
                    "in literal {word} (expecting {})",
                    quote_char(w as char)
                )));
            }
            if self.b[self.i] != w {
                return Err(self.invalid(&format!(
                    "in literal {word} (expecting {})",
                    quote_char(w as char)
                )));
            }
            let _ = k;
            self.i += 1;
        }
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.i;
        if self.b[self.i] == b'-' {
            self.i += 1;
        }
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.i < p.b.len() && p.b[p.i].is_ascii_digit() {
                p.i += 1;
            }
            p.i - s
        };
        if self.i >= self.b.len() {
            return Err(self.eof_in("in numeric literal"));
        }
        if self.b[self.i] == b'0' {
            self.i += 1;
        } else if digits(self) == 0 {
            return Err(self.invalid("in numeric literal"));
        }
        if self.i < self.b.len() && self.b[self.i] == b'.' {
            self.i += 1;
            if digits(self) == 0 {
                if self.i >= self.b.len() {
                    return Err(self.eof_in("after decimal point in numeric literal"));
                }
                return Err(self.invalid("after decimal point in numeric literal"));
            }
        }
        if self.i < self.b.len() && matches!(self.b[self.i], b'e' | b'E') {
            self.i += 1;
            if self.i < self.b.len() && matches!(self.b[self.i], b'+' | b'-') {
                self.i += 1;
            }
            if digits(self) == 0 {
                if self.i >= self.b.len() {
                    return Err(self.eof_in("in exponent of numeric literal"));
                }
                return Err(self.invalid("in exponent of numeric literal"));
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("0");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::float(f)),
            _ => Err(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            )),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            if self.i >= self.b.len() {
                return Err("unexpected end of JSON input".into());
            }
            let c = self.b[self.i];
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    self.i += 1;
                    if self.i >= self.b.len() {
                        return Err(self.eof_in("in string escape code"));
                    }
                    let e = self.b[self.i];
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let hex4 = |p: &mut Self| -> Result<u32, String> {
                                let mut v = 0u32;
                                for _ in 0..4 {
                                    if p.i >= p.b.len() {
                                        return Err(p.eof_in("in \\u hexadecimal character escape"));
                                    }
                                    let d = (p.b[p.i] as char).to_digit(16).ok_or_else(|| {
                                        p.invalid("in \\u hexadecimal character escape")
                                    })?;
                                    v = v * 16 + d;
                                    p.i += 1;
                                }
                                Ok(v)
                            };
                            let mut cp = hex4(self)?;
                            if (0xD800..0xDC00).contains(&cp)
                                && self.b.get(self.i) == Some(&b'\\')
                                && self.b.get(self.i + 1) == Some(&b'u')
                            {
                                let save = self.i;
                                self.i += 2;
                                let lo = hex4(self)?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                                } else {
                                    self.i = save;
                                }
                            }
                            let ch = char::from_u32(cp).unwrap_or('\u{FFFD}');
                            let mut buf = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.invalid("in string escape code"));
                        }
                    }
                }
                c if c < 0x20 => return Err(self.invalid("in string literal")),
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    fn array(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.i < self.b.len() && self.b[self.i] == b']' {
            self.i += 1;
            return Ok(list(items));
        }
        loop {
            items.push(self.value("looking for beginning of value")?);
            self.ws();
            if self.i >= self.b.len() {
                return Err("unexpected end of JSON input".into());
            }
            match self.b[self.i] {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Ok(list(items));
                }
                _ => return Err(self.invalid("after array element")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, String> {
        self.i += 1;
        let mut m = BTreeMap::new();
        self.ws();
        if self.i < self.b.len() && self.b[self.i] == b'}' {
            self.i += 1;
            return Ok(Value::map(m));
        }
        loop {
            self.ws();
            if self.i >= self.b.len() {
                return Err("unexpected end of JSON input".into());
            }
            if self.b[self.i] != b'"' {
                return Err(self.invalid("looking for beginning of object key string"));
            }
            let k = self.string()?;
            self.ws();
            if self.i >= self.b.len() {
                return Err("unexpected end of JSON input".into());
            }
            if self.b[self.i] != b':' {
                return Err(self.invalid("after object key"));
            }
            self.i += 1;
            let v = self.value("looking for beginning of value")?;
            m.insert(k, v);
            self.ws();
            if self.i >= self.b.len() {
                return Err("unexpected end of JSON input".into());
            }
            match self.b[self.i] {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Ok(Value::map(m));
                }
                _ => return Err(self.invalid("after object key:value pair")),
            }
        }
    }
}

// ----- TOML (BurntSushi/toml encoder, the subset values produce) -----

fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
    {
        k.to_string()
    } else {
        crate::render::gofmt::quote(k)
    }
}

fn toml_scalar(v: &Value) -> Result<String, String> {
    Ok(match &v.kind {
        Kind::Bool(b) => b.to_string(),
        Kind::Int(i) | Kind::Int64(i) => i.to_string(),
        Kind::Float(f) => {
            if f.is_nan() {
                "nan".into()
            } else if f.is_infinite() {
                if *f > 0.0 {
                    "inf".into()
                } else {
                    "-inf".into()
                }
            } else if f.fract() == 0.0 && f.abs() < 1e16 {
                format!("{:.1}", f)
            } else {
                crate::render::gofmt::format_float(*f, b'g', -1, 64)
            }
        }
        Kind::Str(s) => crate::render::gofmt::quote(s),
        Kind::List(l) => {
            let mut parts = Vec::new();
            for x in &l.items {
                parts.push(toml_scalar(x)?);
            }
            format!("[{}]", parts.join(", "))
        }
        Kind::Map(m) => {
            let mut parts = Vec::new();
            for (k, x) in &m.entries {
                if x.is_nil() {
                    continue;
                }
                parts.push(format!("{} = {}", toml_key(k), toml_scalar(x)?));
            }
            format!("{{{}}}", parts.join(", "))
        }
        Kind::Nil | Kind::Invalid => return Err("toml: cannot encode a nil value".into()),
        _ => crate::render::gofmt::quote(&strval(v)),
    })
}

fn is_table(v: &Value) -> bool {
    matches!(v.kind, Kind::Map(_))
}

fn is_table_array(v: &Value) -> bool {
    matches!(&v.kind, Kind::List(l) if !l.items.is_empty() && l.items.iter().all(is_table))
}

fn toml_table(
    out: &mut String,
    path: &[String],
    m: &BTreeMap<String, Value>,
    depth: usize,
) -> Result<(), String> {
    let ind = "  ".repeat(depth);
    for (k, v) in m {
        if v.is_nil() || is_table(v) || is_table_array(v) {
            continue;
        }
        out.push_str(&format!("{ind}{} = {}\n", toml_key(k), toml_scalar(v)?));
    }
    for (k, v) in m {
        let mut p = path.to_vec();
        p.push(toml_key(k));
        if let Kind::Map(sub) = &v.kind {
            let sub_ind = "  ".repeat(depth);
            out.push_str(&format!("\n{sub_ind}[{}]\n", p.join(".")));
            toml_table(out, &p, &sub.entries, depth + 1)?;
        } else if is_table_array(v)
            && let Kind::List(l) = &v.kind
        {
            let sub_ind = "  ".repeat(depth);
            for item in &l.items {
                if let Kind::Map(sub) = &item.kind {
                    out.push_str(&format!("\n{sub_ind}[[{}]]\n", p.join(".")));
                    toml_table(out, &p, &sub.entries, depth + 1)?;
                }
            }
        }
    }
    Ok(())
}

pub fn to_toml(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("toToml", &a, 1)?;
    if let Err(e) = crate::render::json_out::too_large(&a[0]) {
        return Err(failed(e));
    }
    let mut out = String::new();
    let r = match &a[0].kind {
        Kind::Map(m) => toml_table(&mut out, &[], &m.entries, 0),
        _ => Err("toml: top-level values must be Go maps or structs".into()),
    };
    Ok(Value::str(match r {
        Ok(()) => out,
        Err(e) => e,
    }))
}

pub fn from_toml(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let s = one_string("fromToml", &a)?;
    let mut m = BTreeMap::new();
    match parse_toml(&s) {
        Ok(v) => return Ok(v),
        Err(e) => {
            m.insert("Error".to_string(), Value::str(e));
        }
    }
    Ok(Value::map(m))
}

/// A small TOML reader for `fromToml`: key/value lines with strings, numbers (integers
/// are int64), booleans and flat arrays, and `[table]` headers.
fn parse_toml(s: &str) -> Result<Value, String> {
    fn set_path(root: &mut BTreeMap<String, Value>, path: &[String], k: String, v: Value) {
        if path.is_empty() {
            root.insert(k, v);
            return;
        }
        let entry = root
            .entry(path[0].clone())
            .or_insert_with(|| Value::map(BTreeMap::new()));
        let mut sub = match &entry.kind {
            Kind::Map(m) => m.entries.clone(),
            _ => BTreeMap::new(),
        };
        set_path(&mut sub, &path[1..], k, v);
        *entry = Value::map(sub);
    }
    fn scalar(t: &str, line: usize) -> Result<Value, String> {
        let t = t.trim();
        if let Some(q) = t.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
            return Ok(Value::str(q.replace("\\\"", "\"").replace("\\\\", "\\")));
        }
        if let Some(q) = t.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
            return Ok(Value::str(q));
        }
        match t {
            "true" => return Ok(Value::bool(true)),
            "false" => return Ok(Value::bool(false)),
            _ => {}
        }
        if let Some(inner) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            let mut items = Vec::new();
            for part in inner.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                items.push(scalar(part, line)?);
            }
            return Ok(list(items));
        }
        let clean: String = t.chars().filter(|&c| c != '_').collect();
        if let Ok(i) = clean.parse::<i64>() {
            return Ok(Value::int64(i));
        }
        if let Ok(f) = clean.parse::<f64>() {
            return Ok(Value::float(f));
        }
        Err(format!(
            "toml: line {line}: expected value but found {t:?} instead"
        ))
    }
    let mut root = BTreeMap::new();
    let mut path: Vec<String> = Vec::new();
    for (n, raw) in s.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(h) = line.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            path = h
                .split('.')
                .map(|p| p.trim().trim_matches('"').to_string())
                .collect();
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("toml: line {}: expected '=' after a key", n + 1));
        };
        let k = k.trim().trim_matches('"').to_string();
        set_path(&mut root, &path, k, scalar(v, n + 1)?);
    }
    Ok(Value::map(root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decoding_errors_as_go() {
        assert_eq!(base64_decode("aGk=").unwrap(), b"hi");
        assert_eq!(base64_decode("aGVsbG8=").unwrap(), b"hello");
        assert_eq!(
            base64_decode("!!!").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
        assert_eq!(
            base64_decode("aGk").unwrap_err(),
            "illegal base64 data at input byte 0"
        );
    }

    #[test]
    fn json_parsing() {
        let v = parse_json(r#"{"a": [1, 2.5, "x\u00e9", true, null], "b": {}}"#).unwrap();
        assert_eq!(
            crate::render::gofmt::sprint_value(&v),
            "map[a:[1 2.5 xé true <nil>] b:map[]]"
        );
        assert_eq!(parse_json("{").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(
            parse_json("x").unwrap_err(),
            "invalid character 'x' looking for beginning of value"
        );
        assert_eq!(
            parse_json("[1 2]").unwrap_err(),
            "invalid character '2' after array element"
        );
    }

    #[test]
    fn toml_output() {
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), Value::float(1.0));
        m.insert(
            "l".to_string(),
            list(vec![Value::float(1.0), Value::float(2.0)]),
        );
        let mut b = BTreeMap::new();
        b.insert("c".to_string(), Value::str("x"));
        m.insert("b".to_string(), Value::map(b));
        let mut ctx = FuncCtx::default();
        let out = to_toml(&mut ctx, vec![Value::map(m)]).unwrap();
        assert_eq!(
            out.as_str(),
            Some("a = 1.0\nl = [1.0, 2.0]\n\n[b]\n  c = \"x\"\n")
        );
    }
}
