//! Sprig's regular expression functions with Go's RE2 syntax: patterns are translated to the
//! `regex` crate where the two differ (Go's `\d \w \s \b` are ASCII-only; `\Q…\E` quotes;
//! repeat counts stop at 1000) and errors are reported in Go's words where known.

use super::args::*;
use super::{CallError, FuncCtx};
use crate::render::value::Value;
use regex::Regex;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

type R = Result<Value, CallError>;

/// Translates a Go pattern to the `regex` crate's syntax, or returns Go's error text
/// (`missing closing ]: `[``).
pub fn translate(p: &str) -> Result<String, String> {
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len() + 8);
    let mut i = 0;
    let mut class_depth = 0usize;
    let mut class_start = 0usize;
    let mut parens: Vec<usize> = Vec::new();
    // Whether a repetition operator has something to repeat, and where the previous
    // token started when it was itself a repetition (Go rejects `a**`).
    let mut prev_atom = false;
    let mut last_repeat: Option<usize> = None;
    let err = |what: &str, at: &str| Err(format!("{what}: `{at}`"));
    while i < chars.len() {
        let c = chars[i];
        if class_depth == 0 && !matches!(c, '*' | '+' | '?' | '{') {
            last_repeat = None;
            prev_atom = !matches!(c, '(' | '|');
        }
        if c == '\\' {
            let Some(&n) = chars.get(i + 1) else {
                return err("trailing backslash at end of expression", "");
            };
            if n == 'Q' {
                // \Q...\E: everything literal up to \E or the end.
                let rest: String = chars[i + 2..].iter().collect();
                let (lit, after) = match rest.find("\\E") {
                    Some(k) => (rest[..k].to_string(), k + 2),
                    None => (rest.clone(), rest.len()),
                };
                if class_depth > 0 {
                    for ch in lit.chars() {
                        if "\\[]^-&~".contains(ch) {
                            out.push('\\');
                        }
                        out.push(ch);
                    }
                } else {
                    out.push_str(&regex::escape(&lit));
                }
                i += 2 + rest[..after].chars().count();
                continue;
            }
            let in_class = class_depth > 0;
            let rep: Option<&str> = match (n, in_class) {
                ('d', false) => Some("[0-9]"),
                ('D', false) => Some("[^0-9]"),
                ('w', false) => Some("[0-9A-Za-z_]"),
                ('W', false) => Some("[^0-9A-Za-z_]"),
                ('s', false) => Some("[\\t\\n\\f\\r ]"),
                ('S', false) => Some("[^\\t\\n\\f\\r ]"),
                ('b', false) => Some("(?-u:\\b)"),
                ('B', false) => Some("(?-u:\\B)"),
                ('d', true) => Some("0-9"),
                ('w', true) => Some("0-9A-Za-z_"),
                ('s', true) => Some("\\t\\n\\f\\r "),
                ('D', true) => Some("[^0-9]"),
                ('W', true) => Some("[^0-9A-Za-z_]"),
                ('S', true) => Some("[^\\t\\n\\f\\r ]"),
                _ => None,
            };
            if let Some(r) = rep {
                out.push_str(r);
                i += 2;
                // After a class escape inside brackets Go reads `-` as itself, not a range.
                if in_class && chars.get(i) == Some(&'-') && chars.get(i + 1) != Some(&']') {
                    out.push_str("\\-");
                    i += 1;
                }
                continue;
            }
            match n {
                '1'..='9' => {
                    return err("invalid escape sequence", &format!("\\{n}"));
                }
                'Z' | 'C' | 'G' | 'K' | 'R' | 'X' | 'e' | 'h' | 'H' | 'V' | 'g' | 'k' | 'N'
                | 'o' | 'c' | 'u' | 'U' | 'L' | 'l' => {
                    return err("invalid escape sequence", &format!("\\{n}"));
                }
                _ => {}
            }
            out.push(c);
            out.push(n);
            i += 2;
            continue;
        }
        if class_depth > 0 {
            if c == '[' && chars.get(i + 1) == Some(&':') {
                // POSIX class [:alpha:] passes through.
                if let Some(end) = chars[i..].iter().collect::<String>().find(":]") {
                    let seg: String = chars[i..i + end + 2].iter().collect();
                    out.push_str(&seg);
                    i += seg.chars().count();
                    continue;
                }
            }
            if c == ']' && i > class_start {
                class_depth = 0;
            } else if c == '[' {
                // A literal `[` inside a Go class.
                out.push('\\');
            } else if (c == '&' || c == '~' || c == '-') && chars.get(i + 1) == Some(&c) {
                // `&&`, `~~` and `--` are set operators in the regex crate.
                out.push('\\');
                out.push(c);
                i += 1;
                continue;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                class_depth = 1;
                out.push(c);
                i += 1;
                // `[^]x]` and `[]x]`: a leading `]` is literal.
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                class_start = i;
                continue;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                let mut k = i + 2;
                let named = chars.get(k) == Some(&'<')
                    || (chars.get(k) == Some(&'P') && chars.get(k + 1) == Some(&'<'));
                if named && !matches!(chars.get(k + 1), Some('=' | '!')) {
                    parens.push(i);
                    let close = chars[i..].iter().position(|&x| x == '>').map(|e| i + e);
                    let Some(close) = close else {
                        let frag: String = chars[i..].iter().collect();
                        return err("invalid named capture", &frag);
                    };
                    let seg: String = chars[i..=close].iter().collect();
                    out.push_str(&seg);
                    i = close + 1;
                    prev_atom = false;
                    continue;
                }
                while k < chars.len() && matches!(chars[k], 'i' | 'm' | 's' | 'U' | '-') {
                    k += 1;
                }
                match chars.get(k) {
                    Some(':') => parens.push(i),
                    Some(')') => {}
                    Some(_) => {
                        let frag: String = chars[i..=k].iter().collect();
                        return err("invalid or unsupported Perl syntax", &frag);
                    }
                    None => return err("missing closing )", p),
                }
                let seg: String = chars[i..=k].iter().collect();
                out.push_str(&seg);
                i = k + 1;
                prev_atom = false;
                continue;
            }
            '(' => parens.push(i),
            ')' if parens.pop().is_none() => return err("unexpected )", p),
            '*' | '+' | '?' | '{' => {
                let start = i;
                let mut end = i + 1;
                if c == '{' {
                    // A repeat `{n}`, `{n,}` or `{n,m}`; anything else is a literal `{`.
                    let rest: String = chars[i..].iter().collect();
                    let repeat = rest.find('}').and_then(|e| {
                        let inner = &rest[1..e];
                        let nums: Vec<&str> = inner.split(',').collect();
                        let ok = (1..=2).contains(&nums.len())
                            && !nums[0].is_empty()
                            && nums.iter().all(|x| x.bytes().all(|b| b.is_ascii_digit()));
                        ok.then(|| {
                            (
                                e,
                                nums.iter()
                                    .any(|x| x.parse::<u64>().map_or(!x.is_empty(), |v| v > 1000)),
                            )
                        })
                    });
                    match repeat {
                        None => {
                            out.push_str("\\{");
                            i += 1;
                            last_repeat = None;
                            prev_atom = true;
                            continue;
                        }
                        Some((e, too_big)) => {
                            if too_big {
                                return err("invalid repeat count", &rest[..e + 1]);
                            }
                            end = i + rest[..e + 1].chars().count();
                        }
                    }
                }
                if chars.get(end) == Some(&'?') {
                    end += 1;
                }
                if let Some(ls) = last_repeat {
                    let frag: String = chars[ls..end].iter().collect();
                    return err("invalid nested repetition operator", &frag);
                }
                if !prev_atom {
                    let frag: String = chars[start..end].iter().collect();
                    return err("missing argument to repetition operator", &frag);
                }
                let seg: String = chars[start..end].iter().collect();
                out.push_str(&seg);
                i = end;
                last_repeat = Some(start);
                continue;
            }
            _ => {}
        }
        out.push(c);
        i += 1;
    }
    if class_depth > 0 {
        let from: String = chars[class_start.saturating_sub(1)..].iter().collect();
        let from = match p.rfind('[') {
            Some(k) => &p[k..],
            None => from.as_str(),
        };
        return err("missing closing ]", from);
    }
    if !parens.is_empty() {
        return err("missing closing )", p);
    }
    Ok(out)
}

thread_local! {
    /// Shared, not cloned: a clone of a `Regex` starts with an empty search cache, which
    /// costs more to build than most searches.
    static CACHE: RefCell<HashMap<String, Result<Rc<Regex>, String>>> = RefCell::new(HashMap::new());
}

/// `regexp.Compile` with Go's error text (`error parsing regexp: ...`).
pub fn compile(p: &str) -> Result<Rc<Regex>, String> {
    if let Some(r) = CACHE.with(|c| c.borrow().get(p).cloned()) {
        return r;
    }
    let r = translate(p)
        .map_err(|e| format!("error parsing regexp: {e}"))
        .and_then(|t| {
            regex::RegexBuilder::new(&t)
                .size_limit(1 << 24)
                .build()
                .map(Rc::new)
                .map_err(|e| go_message(p, &e.to_string()))
        });
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() > 256 {
            c.clear();
        }
        c.insert(p.to_string(), r.clone());
    });
    r
}

/// Go's wording for the errors the `regex` crate finds.
fn go_message(p: &str, rust: &str) -> String {
    let what = if rust.contains("repetition operator missing expression") {
        "missing argument to repetition operator"
    } else if rust.contains("invalid character class range") {
        return format!(
            "error parsing regexp: invalid character class range: `{}`",
            bad_range(p).unwrap_or(p)
        );
    } else if rust.contains("look-around") || rust.contains("unrecognized flag") {
        "invalid or unsupported Perl syntax"
    } else if rust.contains("unclosed group") {
        "missing closing )"
    } else if rust.contains("exceeds size limit") {
        "expression too large"
    } else {
        "invalid or unsupported Perl syntax"
    };
    format!("error parsing regexp: {what}: `{p}`")
}

/// The first descending `x-y` range inside brackets, as Go reports it.
fn bad_range(p: &str) -> Option<&str> {
    let b: Vec<(usize, char)> = p.char_indices().collect();
    let mut in_class = false;
    let mut k = 0;
    while k < b.len() {
        let (_, c) = b[k];
        if c == '\\' {
            k += 2;
            continue;
        }
        if !in_class && c == '[' {
            in_class = true;
        } else if in_class && c == ']' {
            in_class = false;
        } else if in_class
            && k + 2 < b.len()
            && b[k + 1].1 == '-'
            && b[k + 2].1 != ']'
            && b[k + 2].1 < c
        {
            let end = b.get(k + 3).map(|x| x.0).unwrap_or(p.len());
            return Some(&p[b[k].0..end]);
        }
        k += 1;
    }
    None
}

/// A compiled pattern or the panic `regexp.MustCompile` raises.
fn must_compile(p: &str) -> Result<Rc<Regex>, CallError> {
    compile(p).map_err(|e| failed(format!("regexp: Compile({}): {e}", go_backquote(p))))
}

/// Go's `quote` helper in regexp's panic: backquoted when possible.
fn go_backquote(p: &str) -> String {
    if !p.contains('`') && p.chars().all(|c| c == '\t' || !c.is_control()) {
        format!("`{p}`")
    } else {
        crate::render::gofmt::quote(p)
    }
}

fn compile_err(p: &str) -> Result<Rc<Regex>, CallError> {
    compile(p).map_err(failed)
}

/// Go's `Regexp.Expand` template syntax: `$name`, `${name}`, `$$`.
pub fn expand(re: &Regex, caps: &regex::Captures<'_>, template: &str, out: &mut String) {
    let mut t = template;
    while let Some(k) = t.find('$') {
        out.push_str(&t[..k]);
        t = &t[k + 1..];
        if let Some(rest) = t.strip_prefix('$') {
            out.push('$');
            t = rest;
            continue;
        }
        let (name, rest) = if let Some(r) = t.strip_prefix('{') {
            match r.find('}') {
                Some(e)
                    if e > 0
                        && r[..e]
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'_') =>
                {
                    (&r[..e], &r[e + 1..])
                }
                _ => {
                    out.push('$');
                    continue;
                }
            }
        } else {
            let e = t
                .bytes()
                .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
                .unwrap_or(t.len());
            if e == 0 {
                out.push('$');
                continue;
            }
            (&t[..e], &t[e..])
        };
        t = rest;
        let m = if name.bytes().all(|b| b.is_ascii_digit()) {
            name.parse::<usize>().ok().and_then(|n| caps.get(n))
        } else {
            re.capture_names()
                .position(|n| n == Some(name))
                .and_then(|i| caps.get(i))
        };
        if let Some(m) = m {
            out.push_str(m.as_str());
        }
    }
    out.push_str(t);
}

fn replace_all(re: &Regex, s: &str, repl: &str, literal: bool) -> Result<String, CallError> {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for caps in re.captures_iter(s) {
        let Some(m) = caps.get(0) else { continue };
        out.push_str(&s[last..m.start()]);
        if literal {
            out.push_str(repl);
        } else {
            expand(re, &caps, repl, &mut out);
        }
        bounded(out.len())?;
        last = m.end();
    }
    out.push_str(&s[last..]);
    Ok(out)
}

fn find_all(re: &Regex, s: &str, n: i64) -> Vec<String> {
    let it = re.find_iter(s).map(|m| m.as_str().to_string());
    if n < 0 {
        it.collect()
    } else {
        it.take(n as usize).collect()
    }
}

/// Go's `Regexp.Split`.
fn split(re: &Regex, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if re.as_str().is_empty() && s.is_empty() {
        return Vec::new();
    }
    if s.is_empty() {
        return vec![String::new()];
    }
    let matches: Vec<(usize, usize)> = re
        .find_iter(s)
        .map(|m| (m.start(), m.end()))
        .take(if n < 0 { usize::MAX } else { n as usize })
        .collect();
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for (a, b) in matches {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = a;
        if b != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = b;
    }
    if end != s.len() {
        out.push(s[beg..].to_string());
    }
    out
}

fn two(name: &str, a: &[Value]) -> Result<(std::sync::Arc<str>, std::sync::Arc<str>), CallError> {
    arity(name, a, 2)?;
    Ok((string(&a[0])?, string(&a[1])?))
}

pub fn regex_match(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s) = two("regexMatch", &a)?;
    Ok(Value::bool(compile(&p).is_ok_and(|r| r.is_match(&s))))
}

pub fn must_regex_match(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s) = two("mustRegexMatch", &a)?;
    Ok(Value::bool(compile_err(&p)?.is_match(&s)))
}

pub fn regex_find(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s) = two("regexFind", &a)?;
    let re = must_compile(&p)?;
    Ok(Value::str(re.find(&s).map(|m| m.as_str()).unwrap_or("")))
}

pub fn must_regex_find(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s) = two("mustRegexFind", &a)?;
    let re = compile_err(&p)?;
    Ok(Value::str(re.find(&s).map(|m| m.as_str()).unwrap_or("")))
}

type Strs3 = (
    std::sync::Arc<str>,
    std::sync::Arc<str>,
    std::sync::Arc<str>,
);

fn three(name: &str, a: &[Value]) -> Result<Strs3, CallError> {
    arity(name, a, 3)?;
    Ok((string(&a[0])?, string(&a[1])?, string(&a[2])?))
}

fn with_n(
    name: &str,
    a: &[Value],
) -> Result<(std::sync::Arc<str>, std::sync::Arc<str>, i64), CallError> {
    arity(name, a, 3)?;
    Ok((string(&a[0])?, string(&a[1])?, int(&a[2])?))
}

pub fn regex_find_all(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s, n) = with_n("regexFindAll", &a)?;
    let re = must_compile(&p)?;
    Ok(Value::strings(find_all(&re, &s, n)))
}

pub fn must_regex_find_all(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s, n) = with_n("mustRegexFindAll", &a)?;
    let re = compile_err(&p)?;
    Ok(Value::strings(find_all(&re, &s, n)))
}

pub fn regex_replace_all(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s, r) = three("regexReplaceAll", &a)?;
    let re = must_compile(&p)?;
    Ok(Value::str(replace_all(&re, &s, &r, false)?))
}

pub fn must_regex_replace_all(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s, r) = three("mustRegexReplaceAll", &a)?;
    let re = compile_err(&p)?;
    Ok(Value::str(replace_all(&re, &s, &r, false)?))
}

pub fn regex_replace_all_literal(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s, r) = three("regexReplaceAllLiteral", &a)?;
    let re = must_compile(&p)?;
    Ok(Value::str(replace_all(&re, &s, &r, true)?))
}

pub fn must_regex_replace_all_literal(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s, r) = three("mustRegexReplaceAllLiteral", &a)?;
    let re = compile_err(&p)?;
    Ok(Value::str(replace_all(&re, &s, &r, true)?))
}

pub fn regex_split(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s, n) = with_n("regexSplit", &a)?;
    let re = must_compile(&p)?;
    Ok(Value::strings(split(&re, &s, n)))
}

pub fn must_regex_split(_: &mut FuncCtx, a: Vec<Value>) -> R {
    let (p, s, n) = with_n("mustRegexSplit", &a)?;
    let re = compile_err(&p)?;
    Ok(Value::strings(split(&re, &s, n)))
}

/// Go's `regexp.QuoteMeta`.
pub fn regex_quote_meta(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("regexQuoteMeta", &a, 1)?;
    let s = string(&a[0])?;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    Ok(Value::str(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_syntax() {
        let re = compile(r"^\w+$").unwrap();
        assert!(!re.is_match("héllo"));
        assert!(re.is_match("hello_1"));
        let re = compile(r"\d").unwrap();
        assert_eq!(re.find_iter("1٣2").count(), 2);
        let re = compile(r"\Qa.b\E").unwrap();
        assert!(re.is_match("xa.by"));
        assert!(!re.is_match("axb"));
        assert_eq!(
            compile("[").unwrap_err(),
            "error parsing regexp: missing closing ]: `[`"
        );
        assert_eq!(
            compile("a{1001}").unwrap_err(),
            "error parsing regexp: invalid repeat count: `{1001}`"
        );
        assert!(compile(r"[\d\s]+").unwrap().is_match("1 2"));
        assert!(compile(r"[]a]").unwrap().is_match("]"));
        assert!(compile(r"^[\w-\.]+$").unwrap().is_match("a-b.c_d"));
    }

    #[test]
    fn expand_like_go() {
        let re = compile("(a)(?P<x>b)").unwrap();
        let caps = re.captures("ab").unwrap();
        let mut out = String::new();
        expand(&re, &caps, "$1W-${1}W-$x-$$-$", &mut out);
        assert_eq!(out, "-aW-b-$-$");
    }
}
