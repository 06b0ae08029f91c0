//! Sprig's string functions.

use super::CallError;
use super::FuncCtx;
use super::args::*;
use crate::render::gofmt;
use crate::render::value::{Elem, Kind, Value};
use std::collections::BTreeMap;

type R = Result<Value, CallError>;

pub fn hello(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("hello", &a, 0)?;
    Ok(Value::str("Hello!"))
}

/// The non-nil arguments, each formatted by `f`, joined by spaces, within [`MAX_OUTPUT`].
fn spaced(a: &[Value], f: impl Fn(&Value) -> String) -> R {
    let mut out = String::new();
    for v in a.iter().filter(|v| !v.is_nil()) {
        let part = f(v);
        bounded(out.len().saturating_add(part.len()).saturating_add(1))?;
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&part);
    }
    Ok(Value::str(out))
}

pub fn quote(_: &mut FuncCtx, a: Vec<Value>) -> R {
    spaced(&a, |v| gofmt::quote(&strval(v)))
}

pub fn squote(_: &mut FuncCtx, a: Vec<Value>) -> R {
    spaced(&a, |v| format!("'{}'", gofmt::sprint_value(v)))
}

pub fn cat(_: &mut FuncCtx, a: Vec<Value>) -> R {
    spaced(&a, gofmt::sprint_value)
}

fn indent_str(spaces: i64, s: &str) -> Result<String, CallError> {
    indent_after("", spaces, s)
}

/// `head`, then `s` with `spaces` spaces before each of its lines, built in one buffer of the
/// final size.
fn indent_after(head: &str, spaces: i64, s: &str) -> Result<String, CallError> {
    if spaces < 0 {
        return Err(failed("strings: negative Repeat count"));
    }
    let n = spaces as usize;
    let lines = memchr::memchr_iter(b'\n', s.as_bytes()).count() + 1;
    bounded(n.saturating_mul(lines).saturating_add(s.len()))?;
    let mut out = String::with_capacity(head.len() + s.len() + n * lines);
    out.push_str(head);
    let pad = " ".repeat(n);
    out.push_str(&pad);
    let mut start = 0;
    for i in memchr::memchr_iter(b'\n', s.as_bytes()) {
        out.push_str(&s[start..=i]);
        out.push_str(&pad);
        start = i + 1;
    }
    out.push_str(&s[start..]);
    Ok(out)
}

pub fn indent(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("indent", &a, 2)?;
    let n = int(&a[0])?;
    let s = string(&a[1])?;
    Ok(Value::str(indent_str(n, &s)?))
}

pub fn nindent(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("nindent", &a, 2)?;
    let n = int(&a[0])?;
    let s = string(&a[1])?;
    Ok(Value::str(indent_after("\n", n, &s)?))
}

/// Cuts `s` at byte offsets as Go slices strings; a cut inside a character leaves the
/// bytes Go would keep, shown as U+FFFD since template strings hold valid UTF-8.
fn byte_slice(s: &str, from: usize, to: usize) -> String {
    let b = &s.as_bytes()[from.min(s.len())..to.min(s.len()).max(from.min(s.len()))];
    String::from_utf8_lossy(b).into_owned()
}

pub fn trunc(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("trunc", &a, 2)?;
    let c = int(&a[0])?;
    let s = string(&a[1])?;
    let len = s.len() as i64;
    if c < 0 && len + c > 0 {
        return Ok(Value::str(byte_slice(&s, (len + c) as usize, s.len())));
    }
    if c >= 0 && len > c {
        return Ok(Value::str(byte_slice(&s, 0, c as usize)));
    }
    Ok(Value::str(s))
}

fn two_strings(
    name: &str,
    a: &[Value],
) -> Result<(std::sync::Arc<str>, std::sync::Arc<str>), CallError> {
    arity(name, a, 2)?;
    Ok((string(&a[0])?, string(&a[1])?))
}

pub fn trim_suffix(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (suf, s) = two_strings("trimSuffix", &a)?;
    Ok(Value::str(s.strip_suffix(&*suf).unwrap_or(&s)))
}

pub fn trim_prefix(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (pre, s) = two_strings("trimPrefix", &a)?;
    Ok(Value::str(s.strip_prefix(&*pre).unwrap_or(&s)))
}

fn trim_cutset(name: &str, a: &[Value]) -> R {
    let (cut, s) = two_strings(name, a)?;
    Ok(Value::str(s.trim_matches(|c| cut.contains(c))))
}

pub fn trim_all(_: &mut FuncCtx, a: Vec<Value>) -> R {
    trim_cutset("trimAll", &a)
}

pub fn trimall(_: &mut FuncCtx, a: Vec<Value>) -> R {
    trim_cutset("trimall", &a)
}

/// Go's `unicode.IsSpace`.
pub fn is_go_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

pub fn trim(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("trim", &a, 1)?;
    let s = string(&a[0])?;
    Ok(Value::str(s.trim_matches(is_go_space)))
}

pub fn nospace(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("nospace", &a, 1)?;
    let s = string(&a[0])?;
    Ok(Value::str(
        s.chars().filter(|c| !is_go_space(*c)).collect::<String>(),
    ))
}

pub fn replace(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("replace", &a, 3)?;
    let old = string(&a[0])?;
    let new = string(&a[1])?;
    let src = string(&a[2])?;
    if old.is_empty() {
        // Go inserts `new` before every rune and at the end.
        let n = src.chars().count() + 1;
        bounded(new.len().saturating_mul(n).saturating_add(src.len()))?;
        let mut out = String::new();
        for c in src.chars() {
            out.push_str(&new);
            out.push(c);
        }
        out.push_str(&new);
        return Ok(Value::str(out));
    }
    let count = src.matches(&*old).count();
    bounded(src.len() + count.saturating_mul(new.len()))?;
    Ok(Value::str(src.replace(&*old, &new)))
}

pub fn contains(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (sub, s) = two_strings("contains", &a)?;
    Ok(Value::bool(s.contains(&*sub)))
}

pub fn has_prefix(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s) = two_strings("hasPrefix", &a)?;
    Ok(Value::bool(s.starts_with(&*p)))
}

pub fn has_suffix(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s) = two_strings("hasSuffix", &a)?;
    Ok(Value::bool(s.ends_with(&*p)))
}

/// Go's `unicode.ToUpper` on one rune (simple case mapping).
fn go_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn go_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

pub fn upper(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("upper", &a, 1)?;
    let s = string(&a[0])?;
    Ok(Value::str(s.chars().map(go_upper).collect::<String>()))
}

pub fn lower(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("lower", &a, 1)?;
    let s = string(&a[0])?;
    Ok(Value::str(s.chars().map(go_lower).collect::<String>()))
}

fn is_title_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    is_go_space(c)
}

pub fn title(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("title", &a, 1)?;
    let s = string(&a[0])?;
    let mut prev = ' ';
    let out: String = s
        .chars()
        .map(|c| {
            let r = if is_title_separator(prev) {
                go_upper(c)
            } else {
                c
            };
            prev = c;
            r
        })
        .collect();
    Ok(Value::str(out))
}

pub fn untitle(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("untitle", &a, 1)?;
    let s = string(&a[0])?;
    let mut next = true;
    let out: String = s
        .chars()
        .map(|c| {
            if is_go_space(c) {
                next = true;
                c
            } else if next {
                next = false;
                go_lower(c)
            } else {
                c
            }
        })
        .collect();
    Ok(Value::str(out))
}

pub fn swapcase(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("swapcase", &a, 1)?;
    let s = string(&a[0])?;
    let out: String = s
        .chars()
        .map(|c| {
            if c.is_uppercase() {
                go_lower(c)
            } else if c.is_lowercase() {
                go_upper(c)
            } else {
                c
            }
        })
        .collect();
    Ok(Value::str(out))
}

pub fn initials(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("initials", &a, 1)?;
    let s = string(&a[0])?;
    let mut out = Vec::new();
    let mut gap = true;
    for &b in s.as_bytes() {
        let c = b as char;
        if is_go_space(c) {
            gap = true;
        } else if gap {
            // goutils writes the byte as a rune.
            out.push(c);
            gap = false;
        }
    }
    Ok(Value::str(out.into_iter().collect::<String>()))
}

pub fn substr(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("substr", &a, 3)?;
    let start = int(&a[0])?;
    let end = int(&a[1])?;
    let s = string(&a[2])?;
    let len = s.len() as i64;
    let oob = |m: String| failed(format!("runtime error: slice bounds out of range {m}"));
    if start < 0 {
        if end < 0 {
            return Err(oob(format!("[:{end}]")));
        }
        if end > len {
            return Err(oob(format!("[:{end}] with length {len}")));
        }
        return Ok(Value::str(byte_slice(&s, 0, end as usize)));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(oob(format!("[{start}:{len}]")));
        }
        return Ok(Value::str(byte_slice(&s, start as usize, s.len())));
    }
    if start > end {
        return Err(oob(format!("[{start}:{end}]")));
    }
    Ok(Value::str(byte_slice(&s, start as usize, end as usize)))
}

pub fn repeat(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("repeat", &a, 2)?;
    let n = int(&a[0])?;
    let s = string(&a[1])?;
    if n < 0 {
        return Err(failed("strings: negative Repeat count"));
    }
    bounded((n as usize).saturating_mul(s.len()))?;
    Ok(Value::str(s.repeat(n as usize)))
}

pub fn plural(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("plural", &a, 3)?;
    let one = string(&a[0])?;
    let many = string(&a[1])?;
    let n = int(&a[2])?;
    Ok(Value::str(if n == 1 { one } else { many }))
}

fn abbreviate_full(s: &str, offset: i64, max: i64) -> String {
    if s.is_empty() || max < 4 {
        return String::new();
    }
    let len = s.len() as i64;
    if len <= max {
        return s.to_string();
    }
    let mut offset = offset.min(len);
    if len - offset < max - 3 {
        offset = len - (max - 3);
    }
    if offset <= 4 {
        return format!("{}...", byte_slice(s, 0, (max - 3) as usize));
    }
    if max < 7 {
        return String::new();
    }
    if offset + max - 3 < len {
        let rest = byte_slice(s, offset as usize, s.len());
        return format!("...{}", abbreviate_full(&rest, 0, max - 3));
    }
    format!("...{}", byte_slice(s, (len - (max - 3)) as usize, s.len()))
}

pub fn abbrev(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("abbrev", &a, 2)?;
    let w = int(&a[0])?;
    let s = string(&a[1])?;
    if w < 4 {
        return Ok(Value::str(s));
    }
    Ok(Value::str(abbreviate_full(&s, 0, w)))
}

pub fn abbrevboth(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("abbrevboth", &a, 3)?;
    let left = int(&a[0])?;
    let right = int(&a[1])?;
    let s = string(&a[2])?;
    if right < 4 || left > 0 && right < 7 {
        return Ok(Value::str(s));
    }
    Ok(Value::str(abbreviate_full(&s, left, right)))
}

fn wrap_custom(s: &str, width: i64, nl: &str, long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let nl = if nl.is_empty() { "\n" } else { nl };
    let w = width.max(1) as usize;
    let b = s.as_bytes();
    let len = b.len();
    let mut off = 0usize;
    let mut out: Vec<u8> = Vec::new();
    while len - off > w {
        if b[off] == b' ' {
            off += 1;
            continue;
        }
        let end = (w + off + 1).min(len);
        let space = b[off..end].iter().rposition(|&c| c == b' ');
        if let Some(sp) = space {
            let at = sp + off;
            out.extend_from_slice(&b[off..at]);
            out.extend_from_slice(nl.as_bytes());
            off = at + 1;
        } else if long_words {
            let end = w + off;
            out.extend_from_slice(&b[off..end]);
            out.extend_from_slice(nl.as_bytes());
            off += w;
        } else {
            let end = w + off;
            match b[end..].iter().position(|&c| c == b' ') {
                None => {
                    out.extend_from_slice(&b[off..]);
                    off = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(&b[off..at]);
                    out.extend_from_slice(nl.as_bytes());
                    off = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[off..]);
    String::from_utf8_lossy(&out).into_owned()
}

pub fn wrap(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("wrap", &a, 2)?;
    let w = int(&a[0])?;
    let s = string(&a[1])?;
    Ok(Value::str(wrap_custom(&s, w, "", false)))
}

pub fn wrap_with(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("wrapWith", &a, 3)?;
    let w = int(&a[0])?;
    let sep = string(&a[1])?;
    let s = string(&a[2])?;
    bounded(s.len().saturating_mul(sep.len().max(1)))?;
    Ok(Value::str(wrap_custom(&s, w, &sep, true)))
}

pub fn to_string(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("toString", &a, 1)?;
    let s = strval(&a[0]);
    bounded(s.len())?;
    Ok(Value::str(s))
}

/// Sprig's `strslice`: `[]string` as is; other slices element by element through
/// `strval` with nils dropped; nil gives an empty list; anything else a one-element list.
/// The strings together stay within [`MAX_OUTPUT`] bytes (a list may hold one long string
/// many times over).
pub fn strslice(v: &Value) -> Result<Vec<String>, CallError> {
    let mut total = 0usize;
    let mut counted = |s: String| {
        total = total.saturating_add(s.len());
        bounded(total).map(|()| s)
    };
    Ok(match &v.kind {
        Kind::List(l) => l
            .items
            .iter()
            .filter(|x| l.elem == Elem::String || !x.is_nil())
            .map(|x| counted(strval(x)))
            .collect::<Result<_, _>>()?,
        Kind::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Kind::Invalid | Kind::Nil => Vec::new(),
        _ => vec![counted(strval(v))?],
    })
}

pub fn join(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("join", &a, 2)?;
    let sep = string(&a[0])?;
    let parts = strslice(&a[1])?;
    let total = parts
        .iter()
        .fold(0usize, |n, p| n.saturating_add(p.len()))
        .saturating_add(sep.len().saturating_mul(parts.len().saturating_sub(1)));
    bounded(total)?;
    Ok(Value::str(parts.join(&sep)))
}

pub fn to_strings(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("toStrings", &a, 1)?;
    Ok(Value::strings(strslice(&a[0])?))
}

pub fn sort_alpha(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("sortAlpha", &a, 1)?;
    let v = &a[0];
    let mut parts = match &v.kind {
        Kind::List(_) | Kind::Bytes(_) => strslice(v)?,
        _ => vec![strval(v)],
    };
    parts.sort();
    Ok(Value::strings(parts))
}

/// Go's `strings.Split`, including the empty separator (split into runes).
fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<String> = s.chars().map(String::from).collect();
        if n > 0 && (n as usize) < chars.len() {
            let mut head: Vec<String> = chars[..n as usize - 1].to_vec();
            let rest: String = chars[n as usize - 1..].concat();
            head.push(rest);
            return head;
        }
        return chars;
    }
    if n < 0 {
        s.split(sep).map(str::to_string).collect()
    } else {
        s.splitn(n as usize, sep).map(str::to_string).collect()
    }
}

pub fn split_list(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (sep, s) = two_strings("splitList", &a)?;
    Ok(Value::strings(go_split(&s, &sep, -1)))
}

fn parts_map(parts: Vec<String>) -> Value {
    let mut m = BTreeMap::new();
    for (i, p) in parts.into_iter().enumerate() {
        m.insert(format!("_{i}"), Value::str(p));
    }
    string_map(m)
}

pub fn split(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (sep, s) = two_strings("split", &a)?;
    Ok(parts_map(go_split(&s, &sep, -1)))
}

pub fn splitn(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("splitn", &a, 3)?;
    let sep = string(&a[0])?;
    let n = int(&a[1])?;
    let s = string(&a[2])?;
    Ok(parts_map(go_split(&s, &sep, n)))
}

// ----- case conversion (huandu/xstrings) -----

/// Splits into words the way xstrings' case converters do: on non-alphanumerics, on a
/// lower-to-upper change and before the last capital of an upper-case run followed by a
/// lower-case letter.
fn words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for i in 0..chars.len() {
        let c = chars[i];
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if let Some(&p) = cur.chars().last().as_ref() {
            let boundary = (p.is_lowercase() && c.is_uppercase())
                || (p.is_uppercase()
                    && c.is_uppercase()
                    && chars.get(i + 1).is_some_and(|n| n.is_lowercase()));
            if boundary {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn delimited(s: &str, sep: &str) -> String {
    words(s)
        .iter()
        .map(|w| w.chars().map(go_lower).collect::<String>())
        .collect::<Vec<_>>()
        .join(sep)
}

pub fn snakecase(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("snakecase", &a, 1)?;
    let s = string(&a[0])?;
    Ok(Value::str(delimited(&s, "_")))
}

pub fn kebabcase(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("kebabcase", &a, 1)?;
    let s = string(&a[0])?;
    Ok(Value::str(delimited(&s, "-")))
}

pub fn camelcase(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("camelcase", &a, 1)?;
    let s = string(&a[0])?;
    // xstrings.ToPascalCase: split on `_`, `-`, spaces and other separators; capitalise
    // the first letter of each part and keep the rest as written.
    let mut out = String::new();
    let mut up = true;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if up {
                out.push(go_upper(c));
                up = false;
            } else {
                out.push(c);
            }
        } else {
            up = true;
        }
    }
    Ok(Value::str(out))
}

pub fn shuffle(ctx: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("shuffle", &a, 1)?;
    let s = string(&a[0])?;
    let mut chars: Vec<char> = s.chars().collect();
    for i in (1..chars.len()).rev() {
        let j = (super::random::next(ctx) % (i as u64 + 1)) as usize;
        chars.swap(i, j);
    }
    Ok(Value::str(chars.into_iter().collect::<String>()))
}

#[cfg(test)]
mod indent_tests {
    use super::*;

    fn call(f: fn(&mut FuncCtx, Vec<Value>) -> R, n: i64, s: &str) -> String {
        let r = f(&mut FuncCtx::default(), vec![Value::int(n), Value::str(s)]);
        r.ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "<error>".into())
    }

    // Sprig: `pad + strings.Replace(v, "\n", "\n"+pad, -1)`, and "\n" first for nindent.
    #[test]
    fn indent_pads_every_line_as_sprig_does() {
        assert_eq!(call(indent, 2, ""), "  ");
        assert_eq!(call(indent, 2, "a"), "  a");
        assert_eq!(call(indent, 2, "a\nb"), "  a\n  b");
        assert_eq!(call(indent, 2, "a\n"), "  a\n  ");
        assert_eq!(call(indent, 1, "\n\nx\n"), " \n \n x\n ");
        assert_eq!(call(indent, 0, "a\nb"), "a\nb");
        assert_eq!(call(nindent, 4, "a\nb"), "\n    a\n    b");
        assert_eq!(call(nindent, 0, ""), "\n");
        assert_eq!(call(nindent, 2, "é\nü"), "\n  é\n  ü");
        assert_eq!(call(indent, -1, "a"), "<error>");
        assert_eq!(call(nindent, -1, "a"), "<error>");
    }
}
