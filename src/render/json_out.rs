//! `encoding/json` output as `toJson`, `toPrettyJson`, `toRawJson` and `mustToJson` print it:
//! map keys sorted bytewise, `<`, `>`, `&`, U+2028 and U+2029 escaped (unless raw), floats
//! in `'f'` form between 1e-6 and 1e21 and in cleaned-up exponent form outside, `[]byte` as
//! base64.

use super::gofmt::format_float;
use super::value::{Kind, Value};

/// Options of the encoder.
#[derive(Clone, Copy, Debug, Default)]
pub struct JsonOptions {
    /// Escape `<`, `>` and `&` (json.Marshal does; an Encoder with SetEscapeHTML(false) not).
    pub escape_html: bool,
    /// `MarshalIndent(v, "", indent)`: `Some(2)` for two spaces.
    pub indent: Option<usize>,
}

/// `json.Marshal(v)`.
pub fn marshal(v: &Value) -> Result<String, String> {
    encode(
        v,
        JsonOptions {
            escape_html: true,
            indent: None,
        },
    )
}

pub fn encode(v: &Value, opts: JsonOptions) -> Result<String, String> {
    too_large(v)?;
    let mut out = String::new();
    write(&mut out, v, opts, 0)?;
    Ok(out)
}

const MAX_DEPTH: usize = 10_000;

/// The error for a value that expands beyond the renderer's limit on one function result
/// once its shared maps and lists are written out (see [`Value::expands_beyond`]).
pub fn too_large(v: &Value) -> Result<(), String> {
    let limit = super::funcs::args::MAX_OUTPUT;
    if v.expands_beyond(limit) {
        return Err(format!(
            "value exceeds the renderer's limit of {limit} values and bytes"
        ));
    }
    Ok(())
}

fn newline(out: &mut String, opts: JsonOptions, depth: usize) {
    if let Some(n) = opts.indent {
        out.push('\n');
        for _ in 0..n * depth {
            out.push(' ');
        }
    }
}

fn write(out: &mut String, v: &Value, opts: JsonOptions, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("json: unsupported value: encountered a cycle".into());
    }
    match &v.kind {
        Kind::Invalid | Kind::Nil => out.push_str("null"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Int(i) | Kind::Int64(i) => out.push_str(&i.to_string()),
        Kind::Float(f) => out.push_str(&float(*f)?),
        Kind::Str(s) => quote_into(out, s, opts.escape_html),
        Kind::Bytes(b) => quote_into(out, &base64_std(b), false),
        Kind::List(l) => {
            if l.items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, x) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, opts, depth + 1);
                write(out, x, opts, depth + 1)?;
            }
            newline(out, opts, depth);
            out.push(']');
        }
        Kind::Map(m) => {
            if m.entries.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, x)) in m.entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, opts, depth + 1);
                quote_into(out, k, opts.escape_html);
                out.push(':');
                if opts.indent.is_some() {
                    out.push(' ');
                }
                write(out, x, opts, depth + 1)?;
            }
            newline(out, opts, depth);
            out.push('}');
        }
        Kind::Object(o) => quote_into(out, &o.print(), opts.escape_html),
    }
    Ok(())
}

/// encoding/json's float64 text.
pub fn float(f: f64) -> Result<String, String> {
    if f.is_nan() {
        return Err("json: unsupported value: NaN".into());
    }
    if f.is_infinite() {
        return Err(format!(
            "json: unsupported value: {}",
            if f > 0.0 { "+Inf" } else { "-Inf" }
        ));
    }
    let a = f.abs();
    let fmt = if a != 0.0 && !(1e-6..1e21).contains(&a) {
        b'e'
    } else {
        b'f'
    };
    let mut s = format_float(f, fmt, -1, 64);
    if fmt == b'e' {
        // e-09 -> e-9
        let b = s.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            s.remove(n - 2);
        }
    }
    Ok(s)
}

/// A JSON string literal.
pub fn quote(s: &str, escape_html: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    quote_into(&mut out, s, escape_html);
    out
}

fn quote_into(out: &mut String, s: &str, escape_html: bool) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(HEX[(c as usize) >> 4] as char);
                out.push(HEX[(c as usize) & 15] as char);
            }
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Standard base64 with padding.
pub fn base64_std(b: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    base64_with(b, T, true)
}

pub fn base64_with(b: &[u8], table: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = chunk.len();
        let x = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        out.push(table[(x >> 18) as usize & 63] as char);
        out.push(table[(x >> 12) as usize & 63] as char);
        if n > 1 {
            out.push(table[(x >> 6) as usize & 63] as char);
        } else if pad {
            out.push('=');
        }
        if n > 2 {
            out.push(table[x as usize & 63] as char);
        } else if pad {
            out.push('=');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn floats() {
        assert_eq!(float(3.0).unwrap(), "3");
        assert_eq!(float(1e-7).unwrap(), "1e-7");
        assert_eq!(float(1e21).unwrap(), "1e+21");
        assert_eq!(float(1e20).unwrap(), "100000000000000000000");
        assert_eq!(float(0.000001).unwrap(), "0.000001");
        assert_eq!(float(1.5).unwrap(), "1.5");
        assert!(float(f64::NAN).is_err());
    }

    #[test]
    fn strings_and_maps() {
        let mut m = BTreeMap::new();
        m.insert("b".to_string(), Value::str("<a&b>"));
        m.insert(
            "a".to_string(),
            Value::list(vec![Value::int(1), Value::nil()]),
        );
        let v = Value::map(m);
        assert_eq!(
            marshal(&v).unwrap(),
            r#"{"a":[1,null],"b":"\u003ca\u0026b\u003e"}"#
        );
        let raw = encode(
            &v,
            JsonOptions {
                escape_html: false,
                indent: None,
            },
        )
        .unwrap();
        assert_eq!(raw, r#"{"a":[1,null],"b":"<a&b>"}"#);
        let pretty = encode(
            &v,
            JsonOptions {
                escape_html: true,
                indent: Some(2),
            },
        )
        .unwrap();
        assert_eq!(
            pretty,
            "{\n  \"a\": [\n    1,\n    null\n  ],\n  \"b\": \"\\u003ca\\u0026b\\u003e\"\n}"
        );
        assert_eq!(quote("\u{1}\u{2028}", true), r#""\u0001\u2028""#);
    }

    #[test]
    fn base64() {
        assert_eq!(base64_std(b""), "");
        assert_eq!(base64_std(b"f"), "Zg==");
        assert_eq!(base64_std(b"fo"), "Zm8=");
        assert_eq!(base64_std(b"foo"), "Zm9v");
    }
}
