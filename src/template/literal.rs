//! Literal decoding with Go's rules: `strconv.Unquote`, `strconv.UnquoteChar`,
//! `strconv.ParseInt/ParseUint` (base 0) and `strconv.ParseFloat`, as `text/template` uses them.

use super::node::Number;
use crate::source::Span;
use std::borrow::Cow;

/// Go's `strconv.ErrSyntax` text.
pub(crate) const INVALID_SYNTAX: &str = "invalid syntax";

/// `strconv.Unquote` for a `"…"` or `` `…` `` token. Returns `None` on invalid syntax. The
/// text between the quotes is returned as it is when unquoting leaves it unchanged.
pub(crate) fn unquote(s: &str) -> Option<Cow<'_, str>> {
    let bytes = s.as_bytes();
    if bytes.len() < 2 {
        return None;
    }
    let quote = bytes[0];
    if quote != bytes[bytes.len() - 1] {
        return None;
    }
    let inner = &s[1..s.len() - 1];
    match quote {
        b'`' => {
            if inner.contains('`') {
                return None;
            }
            Some(if inner.contains('\r') {
                Cow::Owned(inner.replace('\r', ""))
            } else {
                Cow::Borrowed(inner)
            })
        }
        b'"' => {
            // Most literals have no escapes: the text between the quotes is the value.
            if memchr::memchr3(b'\\', b'"', b'\n', inner.as_bytes()).is_none() {
                return Some(Cow::Borrowed(inner));
            }
            let mut out: Vec<u8> = Vec::with_capacity(inner.len());
            let mut rest = inner;
            while !rest.is_empty() {
                if rest.starts_with('"') || rest.starts_with('\n') {
                    return None;
                }
                let (value, tail) = unquote_char(rest, b'"')?;
                match value {
                    Unquoted::Char(c) => {
                        let mut buf = [0u8; 4];
                        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                    }
                    Unquoted::Byte(b) => out.push(b),
                }
                rest = tail;
            }
            Some(Cow::Owned(match String::from_utf8(out) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            }))
        }
        _ => None,
    }
}

pub(crate) enum Unquoted {
    Char(char),
    /// `\x` and octal escapes produce single bytes.
    Byte(u8),
}

/// `strconv.UnquoteChar`: decodes the first character or escape of `s`.
pub(crate) fn unquote_char(s: &str, quote: u8) -> Option<(Unquoted, &str)> {
    let first = s.chars().next()?;
    if first as u32 == quote as u32 && (quote == b'\'' || quote == b'"') {
        return None;
    }
    if first != '\\' {
        return Some((Unquoted::Char(first), &s[first.len_utf8()..]));
    }
    let b = s.as_bytes();
    if b.len() <= 1 {
        return None;
    }
    let c = b[1];
    // A backslash before a multi-byte character is no escape Go knows (a syntax error).
    let tail = s.get(2..)?;
    let simple = |ch: char| Some((Unquoted::Char(ch), tail));
    match c {
        b'a' => simple('\u{7}'),
        b'b' => simple('\u{8}'),
        b'f' => simple('\u{c}'),
        b'n' => simple('\n'),
        b'r' => simple('\r'),
        b't' => simple('\t'),
        b'v' => simple('\u{b}'),
        b'x' | b'u' | b'U' => {
            let n = match c {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            let hex = tail.get(..n)?;
            if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            let v = u32::from_str_radix(hex, 16).ok()?;
            let rest = &tail[n..];
            if c == b'x' {
                return Some((Unquoted::Byte(v as u8), rest));
            }
            let ch = char::from_u32(v)?;
            Some((Unquoted::Char(ch), rest))
        }
        b'0'..=b'7' => {
            let oct = s.get(1..4)?;
            if !oct.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                return None;
            }
            let v = u32::from_str_radix(oct, 8).ok()?;
            if v > 255 {
                return None;
            }
            Some((Unquoted::Byte(v as u8), &s[4..]))
        }
        b'\\' => simple('\\'),
        b'\'' | b'"' => {
            if c != quote {
                return None;
            }
            simple(c as char)
        }
        _ => None,
    }
}

/// Go's `underscoreOK`.
fn underscore_ok(s: &str) -> bool {
    let mut b = s.as_bytes();
    if let Some(b'+' | b'-') = b.first() {
        b = &b[1..];
    }
    let mut saw = b'^';
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        i = 2;
        saw = b'0';
        hex = b[1].eq_ignore_ascii_case(&b'x');
    }
    while i < b.len() {
        let c = b[i];
        i += 1;
        if c.is_ascii_digit() || hex && c.is_ascii_hexdigit() {
            saw = b'0';
            continue;
        }
        if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
            continue;
        }
        if saw == b'_' {
            return false;
        }
        saw = b'!';
    }
    saw != b'_'
}

#[derive(Debug, PartialEq)]
enum NumErr {
    Syntax,
    Range,
}

/// `strconv.ParseUint(s, 0, 64)`.
fn parse_uint0(s: &str) -> Result<u64, NumErr> {
    if s.is_empty() {
        return Err(NumErr::Syntax);
    }
    let b = s.as_bytes();
    let (base, digits): (u32, &str) = if b[0] == b'0' && b.len() >= 2 {
        match b[1].to_ascii_lowercase() {
            b'x' => (16, &s[2..]),
            b'o' => (8, &s[2..]),
            b'b' => (2, &s[2..]),
            _ => (8, &s[1..]),
        }
    } else {
        (10, s)
    };
    let explicit_prefix = base != 10 && !(base == 8 && b.len() >= 2 && b[1].is_ascii_digit());
    let mut n: u64 = 0;
    let mut underscores = false;
    let mut any = false;
    for c in digits.bytes() {
        if c == b'_' {
            underscores = true;
            continue;
        }
        let d = match (c as char).to_digit(36) {
            Some(d) if d < base => d,
            _ => return Err(NumErr::Syntax),
        };
        any = true;
        n = match n
            .checked_mul(base as u64)
            .and_then(|n| n.checked_add(d as u64))
        {
            Some(n) => n,
            None => {
                // Go keeps scanning for syntax errors but reports range.
                return if digits
                    .bytes()
                    .all(|c| c == b'_' || (c as char).to_digit(36).is_some_and(|d| d < base))
                {
                    Err(NumErr::Range)
                } else {
                    Err(NumErr::Syntax)
                };
            }
        };
    }
    if !any && (explicit_prefix || base == 10) {
        return Err(NumErr::Syntax);
    }
    if underscores && !underscore_ok(s) {
        return Err(NumErr::Syntax);
    }
    Ok(n)
}

/// `strconv.ParseInt(s, 0, 64)`.
fn parse_int0(s: &str) -> Result<i64, NumErr> {
    if s.is_empty() {
        return Err(NumErr::Syntax);
    }
    let (neg, body) = match s.as_bytes()[0] {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let u = parse_uint0(body)?;
    if neg {
        if u > i64::MAX as u64 + 1 {
            return Err(NumErr::Range);
        }
        Ok((u as i64).wrapping_neg())
    } else {
        if u > i64::MAX as u64 {
            return Err(NumErr::Range);
        }
        Ok(u as i64)
    }
}

/// `strconv.ParseFloat(s, 64)` for the inputs the lexer can produce (no `inf`/`nan`).
/// Out-of-range values are errors, as in Go.
fn parse_float(s: &str) -> Option<f64> {
    if s.contains('_') && !underscore_ok(s) {
        return None;
    }
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.as_bytes().first() {
        Some(b'+') => (false, &clean[1..]),
        Some(b'-') => (true, &clean[1..]),
        _ => (false, clean.as_str()),
    };
    let v = if body.len() >= 2
        && body.as_bytes()[0] == b'0'
        && matches!(body.as_bytes()[1], b'x' | b'X')
    {
        parse_hex_float(&body[2..])?
    } else {
        if body.is_empty()
            || !body
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        {
            return None;
        }
        body.parse::<f64>().ok()?
    };
    if v.is_infinite() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// Hex float after `0x`: mantissa with optional point, mandatory `p` exponent.
fn parse_hex_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let (mant, exp) = match lower.find('p') {
        Some(i) => (&lower[..i], &lower[i + 1..]),
        None => {
            // Without exponent only integers are valid; ParseUint handles those already.
            return None;
        }
    };
    let exp: i64 = if exp.is_empty() {
        return None;
    } else {
        exp.parse().ok()?
    };
    let (int_part, frac_part) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int_part.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    let e = exp.clamp(-2000, 2000) as i32;
    Some(v * 2f64.powi(e))
}

/// Go's `newNumber` for a number, imaginary or character token. Errors carry Go's message.
pub(crate) fn new_number(
    span: Span,
    text: &str,
    is_char: bool,
    is_complex: bool,
) -> Result<Number, String> {
    let mut n = Number {
        span,
        text: text.to_string(),
        is_int: false,
        is_uint: false,
        is_float: false,
        is_complex: false,
        int: 0,
        uint: 0,
        float: 0.0,
        complex: (0.0, 0.0),
    };
    if is_char {
        let inner = text.get(1..).unwrap_or("");
        let (value, tail) = unquote_char(inner, b'\'').ok_or_else(|| INVALID_SYNTAX.to_string())?;
        if tail != "'" {
            return Err(format!("malformed character constant: {text}"));
        }
        let r = match value {
            Unquoted::Char(c) => c as u32,
            Unquoted::Byte(b) => b as u32,
        };
        n.int = r as i64;
        n.uint = r as u64;
        n.float = r as f64;
        n.is_int = true;
        n.is_uint = true;
        n.is_float = true;
        return Ok(n);
    }
    if is_complex {
        let (re, im) =
            parse_complex(text).ok_or_else(|| format!("expected complex number: {text}"))?;
        n.is_complex = true;
        n.complex = (re, im);
        simplify_complex(&mut n);
        return Ok(n);
    }
    if let Some(f) = text.strip_suffix('i').and_then(parse_float) {
        n.is_complex = true;
        n.complex = (0.0, f);
        simplify_complex(&mut n);
        return Ok(n);
    }
    let u = parse_uint0(text);
    if let Ok(u) = u {
        n.is_uint = true;
        n.uint = u;
    }
    if let Ok(i) = parse_int0(text) {
        n.is_int = true;
        n.int = i;
        if i == 0 {
            n.is_uint = true;
            n.uint = *u.as_ref().unwrap_or(&0);
        }
    }
    if n.is_int {
        n.is_float = true;
        n.float = n.int as f64;
    } else if n.is_uint {
        n.is_float = true;
        n.float = n.uint as f64;
    } else if let Some(f) = parse_float(text) {
        if !text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Err(format!("integer overflow: {}", super::lex::go_quote(text)));
        }
        n.is_float = true;
        n.float = f;
        if !n.is_int && (f as i64) as f64 == f {
            n.is_int = true;
            n.int = f as i64;
        }
        if !n.is_uint && (f as u64) as f64 == f && f >= 0.0 {
            n.is_uint = true;
            n.uint = f as u64;
        }
    }
    if !n.is_int && !n.is_uint && !n.is_float {
        return Err(format!(
            "illegal number syntax: {}",
            super::lex::go_quote(text)
        ));
    }
    Ok(n)
}

fn simplify_complex(n: &mut Number) {
    n.is_float = n.complex.1 == 0.0;
    if n.is_float {
        let f = n.complex.0;
        n.float = f;
        n.is_int = (f as i64) as f64 == f;
        if n.is_int {
            n.int = f as i64;
        }
        n.is_uint = f >= 0.0 && (f as u64) as f64 == f;
        if n.is_uint {
            n.uint = f as u64;
        }
    }
}

/// `1+2i`, `-1.5e3-2i`: split at the sign that starts the imaginary part.
fn parse_complex(text: &str) -> Option<(f64, f64)> {
    let b = text.as_bytes();
    let mut split = None;
    for i in 1..b.len() {
        if matches!(b[i], b'+' | b'-') && !matches!(b[i - 1], b'e' | b'E' | b'p' | b'P') {
            split = Some(i);
        }
    }
    let i = split?;
    let re = parse_float(&text[..i]).or_else(|| parse_uint0(&text[..i]).ok().map(|u| u as f64))?;
    let im_text = text[i..].strip_suffix('i')?;
    let im = parse_float(im_text)?;
    Some((re, im))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the render fuzz target: a backslash before a multi-byte character panicked.
    #[test]
    fn a_backslash_before_a_multibyte_character_is_a_syntax_error() {
        assert_eq!(unquote("\"\\\u{fffd}x\""), None);
        assert_eq!(unquote_char("\\\u{e9}", b'"').map(|(_, rest)| rest), None);
    }

    #[test]
    fn strings_without_escapes_are_their_text() {
        for text in [
            "",
            "a",
            "common.names.fullname",
            "tab\there",
            "é日🙂",
            "cr\r",
            "x'y",
        ] {
            assert_eq!(
                unquote(&format!("\"{text}\"")),
                Some(text.into()),
                "{text:?}"
            );
        }
        assert_eq!(unquote("\"a\nb\""), None);
        assert_eq!(unquote("\"a\"b\""), None);
        assert_eq!(unquote(r#""a\tb""#), Some("a\tb".into()));
    }

    fn num(s: &str) -> Result<Number, String> {
        new_number(Span::default(), s, false, false)
    }

    #[test]
    fn go_number_forms() {
        assert_eq!(num("42").map(|n| n.int), Ok(42));
        assert_eq!(num("0x1F").map(|n| n.int), Ok(31));
        assert_eq!(num("0o17").map(|n| n.int), Ok(15));
        assert_eq!(num("017").map(|n| n.int), Ok(15));
        assert_eq!(num("0b101").map(|n| n.int), Ok(5));
        assert_eq!(num("1_000").map(|n| n.int), Ok(1000));
        assert_eq!(num("-7").map(|n| (n.int, n.is_uint)), Ok((-7, false)));
        assert_eq!(num("1.5").map(|n| (n.float, n.is_int)), Ok((1.5, false)));
        assert_eq!(
            num("1e3").map(|n| (n.float, n.is_int, n.int)),
            Ok((1000.0, true, 1000))
        );
        assert_eq!(num("0x1p-2").map(|n| n.float), Ok(0.25));
        assert_eq!(
            num("2i").map(|n| (n.is_complex, n.complex)),
            Ok((true, (0.0, 2.0)))
        );
        assert_eq!(num("-"), Err("illegal number syntax: \"-\"".into()));
        assert_eq!(num("089"), Err("integer overflow: \"089\"".into()));
        assert_eq!(
            num("99999999999999999999"),
            Err("integer overflow: \"99999999999999999999\"".into())
        );
        assert_eq!(num("1__0"), Err("illegal number syntax: \"1__0\"".into()));
        assert!(num("1e400").is_err());
        let c = new_number(Span::default(), "1+2i", false, true);
        assert_eq!(c.map(|n| n.complex), Ok((1.0, 2.0)));
    }

    #[test]
    fn chars_and_strings() {
        let ch = |s: &str| new_number(Span::default(), s, true, false).map(|n| n.int);
        assert_eq!(ch("'a'"), Ok(97));
        assert_eq!(ch("'\\n'"), Ok(10));
        assert_eq!(ch("'\\''"), Ok(39));
        assert_eq!(ch("'ab'"), Err("malformed character constant: 'ab'".into()));
        assert_eq!(ch("''"), Err(INVALID_SYNTAX.into()));
        assert_eq!(ch("'\\\"'"), Err(INVALID_SYNTAX.into()));
        assert_eq!(
            unquote("\"a\\tb\\u00e9\\x41\\101\""),
            Some("a\tbéAA".into())
        );
        assert_eq!(unquote("\"\\'\""), None);
        assert_eq!(unquote("\"\\q\""), None);
        assert_eq!(unquote("`a\r\nb}}`"), Some("a\nb}}".into()));
    }
}
