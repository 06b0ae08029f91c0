//! Regular expression syntax as Go's `regexp/syntax` parses it with the `Perl` flags, which is
//! what Prometheus accepts in `=~` and `!~` matchers: the first error, with Go's message
//! (`invalid nested repetition operator: `**``). The Rust `regex` crate accepts some patterns
//! Go rejects (`a**`, `x{1001}`, `(?x)`) and rejects some Go accepts (`\Q…\E`); matching uses
//! [`to_rust`], which rewrites the Go-only syntax.

/// Go's largest repetition count.
const MAX_REPEAT: i64 = 1000;

fn err(code: &str, text: &str) -> String {
    format!("{code}: `{text}`")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Top {
    /// A group opener or `|` marker: a repetition cannot follow it.
    Pseudo,
    /// Something a repetition can apply to.
    Operand,
}

/// Validates `re` as Go's `syntax.Parse(re, syntax.Perl)` does; returns Go's message (without
/// the `error parsing regexp: ` prefix) for the first error.
pub fn validate(re: &str) -> Result<(), String> {
    let mut t = re;
    // Open groups; the stack top tells whether a repetition has an argument.
    let mut depth: usize = 0;
    let mut top: Option<Top> = None;
    // The text of the repetition just parsed, from its operator to the end of the pattern.
    let mut last_repeat: Option<&str> = None;
    let mut names: Vec<&str> = Vec::new();
    while let Some(c) = t.chars().next() {
        let mut repeat: Option<&str> = None;
        match c {
            '(' => {
                if t.starts_with("(?") {
                    t = perl_flags(t, &mut names, &mut depth, &mut top)?;
                } else {
                    depth += 1;
                    top = Some(Top::Pseudo);
                    t = &t[1..];
                }
            }
            '|' => {
                top = Some(Top::Pseudo);
                t = &t[1..];
            }
            ')' => {
                if depth == 0 {
                    return Err(err("unexpected )", re));
                }
                depth -= 1;
                top = Some(Top::Operand);
                t = &t[1..];
            }
            '^' | '$' | '.' => {
                top = Some(Top::Operand);
                t = &t[1..];
            }
            '[' => {
                t = class(t)?;
                top = Some(Top::Operand);
            }
            '*' | '+' | '?' => {
                let before = t;
                let mut after = &t[1..];
                repeat_check(before, &mut after, last_repeat, top)?;
                repeat = Some(before);
                t = after;
            }
            '{' => match parse_repeat(t) {
                Some((min, max, rest)) => {
                    let before = t;
                    let mut after = rest;
                    repeat_check(before, &mut after, last_repeat, top)?;
                    if !(0..=MAX_REPEAT).contains(&min)
                        || max > MAX_REPEAT
                        || (max >= 0 && min > max)
                    {
                        return Err(err(
                            "invalid repeat count",
                            &before[..before.len() - after.len()],
                        ));
                    }
                    repeat = Some(before);
                    t = after;
                }
                None => {
                    top = Some(Top::Operand);
                    t = &t[1..];
                }
            },
            '\\' => {
                if let Some(rest) = t.strip_prefix("\\Q") {
                    let (lit, rest) = match rest.find("\\E") {
                        Some(i) => (&rest[..i], &rest[i + 2..]),
                        None => (rest, ""),
                    };
                    if !lit.is_empty() {
                        top = Some(Top::Operand);
                    }
                    t = rest;
                } else {
                    t = escape(t, false)?;
                    top = Some(Top::Operand);
                }
            }
            c => {
                top = Some(Top::Operand);
                t = &t[c.len_utf8()..];
            }
        }
        last_repeat = repeat;
    }
    if depth > 0 {
        return Err(err("missing closing )", re));
    }
    Ok(())
}

/// Go's checks before applying a repetition: no stacked repetition operators, and something
/// to repeat. Consumes a non-greedy `?`.
fn repeat_check<'a>(
    before: &'a str,
    after: &mut &'a str,
    last_repeat: Option<&'a str>,
    top: Option<Top>,
) -> Result<(), String> {
    if let Some(rest) = after.strip_prefix('?') {
        *after = rest;
    }
    if let Some(last) = last_repeat {
        return Err(err(
            "invalid nested repetition operator",
            &last[..last.len() - after.len()],
        ));
    }
    if top != Some(Top::Operand) {
        return Err(err(
            "missing argument to repetition operator",
            &before[..before.len() - after.len()],
        ));
    }
    Ok(())
}

/// `{n}`, `{n,}` or `{n,m}`; `None` when the brace is a literal. A count too large is -1.
fn parse_repeat(t: &str) -> Option<(i64, i64, &str)> {
    let mut s = t.strip_prefix('{')?;
    let (min, rest) = parse_int(s)?;
    s = rest;
    let max;
    if let Some(rest) = s.strip_prefix(',') {
        s = rest;
        if s.starts_with('}') {
            max = -1;
        } else {
            let (m, rest) = parse_int(s)?;
            max = m;
            s = rest;
        }
    } else {
        max = min;
    }
    let s = s.strip_prefix('}')?;
    Some((min, max, s))
}

fn parse_int(s: &str) -> Option<(i64, &str)> {
    let digits = s.bytes().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || (digits >= 2 && s.starts_with('0')) {
        return None;
    }
    // Go stops counting at 1e8 and reports -1.
    let mut n: i64 = 0;
    for b in s[..digits].bytes() {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some((n, &s[digits..]))
}

/// `(?…`: flags, a flag group or a named capture.
fn perl_flags<'a>(
    s: &'a str,
    names: &mut Vec<&'a str>,
    depth: &mut usize,
    top: &mut Option<Top>,
) -> Result<&'a str, String> {
    let b = s.as_bytes();
    if (b.len() > 4 && b[2] == b'P' && b[3] == b'<') || (b.len() > 3 && b[2] == b'<') {
        let begin = if b[2] == b'<' { 3 } else { 4 };
        let Some(end) = s.find('>') else {
            return Err(err("invalid named capture", s));
        };
        let capture = &s[..end + 1];
        let name = &s[begin..end];
        if name.is_empty() || !name.chars().all(|c| c == '_' || c.is_alphanumeric()) {
            return Err(err("invalid named capture", capture));
        }
        if names.contains(&name) {
            return Err(err("duplicate capture group name", name));
        }
        names.push(name);
        *depth += 1;
        *top = Some(Top::Pseudo);
        return Ok(&s[end + 1..]);
    }
    let mut t = &s[2..];
    let mut negated = false;
    let mut saw_flag = false;
    while let Some(c) = t.chars().next() {
        t = &t[c.len_utf8()..];
        match c {
            'i' | 'm' | 's' | 'U' => saw_flag = true,
            '-' => {
                if negated {
                    break;
                }
                negated = true;
                saw_flag = false;
            }
            ':' | ')' => {
                if negated && !saw_flag {
                    break;
                }
                if c == ':' {
                    *depth += 1;
                    *top = Some(Top::Pseudo);
                }
                return Ok(t);
            }
            _ => break,
        }
    }
    Err(err(
        "invalid or unsupported Perl syntax",
        &s[..s.len() - t.len()],
    ))
}

/// An escape outside or inside a class; returns the rest.
fn escape(t: &str, in_class: bool) -> Result<&str, String> {
    let mut it = t[1..].chars();
    let Some(c) = it.next() else {
        return Err(err("trailing backslash at end of expression", ""));
    };
    let rest = it.as_str();
    let bad = || {
        let n = 1 + c.len_utf8();
        Err(err("invalid escape sequence", &t[..n]))
    };
    match c {
        '1'..='7' if !rest.starts_with(|d: char| ('0'..='7').contains(&d)) => bad(),
        '0'..='7' => {
            let n = rest
                .bytes()
                .take(2)
                .take_while(|b| (b'0'..=b'7').contains(b))
                .count();
            Ok(&rest[n..])
        }
        'x' => {
            if let Some(r) = rest.strip_prefix('{') {
                let digits = r.chars().take_while(|d| d.is_ascii_hexdigit()).count();
                let after = &r[digits..];
                let value = u32::from_str_radix(&r[..digits], 16).ok();
                if digits == 0 || !after.starts_with('}') || value.is_none_or(|v| v > 0x10FFFF) {
                    let end = t.len() - after.len() + usize::from(after.starts_with('}'));
                    return Err(err("invalid escape sequence", &t[..end.min(t.len())]));
                }
                Ok(&after[1..])
            } else {
                let hex = rest
                    .chars()
                    .take(2)
                    .filter(|d| d.is_ascii_hexdigit())
                    .count();
                if hex < 2 || !rest.is_char_boundary(2) {
                    let end =
                        (2 + rest.chars().take(2).map(char::len_utf8).sum::<usize>()).min(t.len());
                    return Err(err("invalid escape sequence", &t[..end]));
                }
                Ok(&rest[2..])
            }
        }
        'a' | 'f' | 't' | 'n' | 'r' | 'v' | 'd' | 'D' | 's' | 'S' | 'w' | 'W' => Ok(rest),
        'A' | 'z' | 'b' | 'B' if !in_class => Ok(rest),
        'p' | 'P' => {
            if let Some(r) = rest.strip_prefix('{') {
                match r.find('}') {
                    Some(i) => Ok(&r[i + 1..]),
                    None => Err(err("missing closing }", t)),
                }
            } else {
                match rest.chars().next() {
                    Some(n) => Ok(&rest[n.len_utf8()..]),
                    None => Err(err("invalid character class range", t)),
                }
            }
        }
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok(rest),
        _ => bad(),
    }
}

/// A bracketed class starting at `[`; returns the rest.
fn class(s: &str) -> Result<&str, String> {
    let mut t = &s[1..];
    if let Some(r) = t.strip_prefix('^') {
        t = r;
    }
    let mut first = true;
    loop {
        if t.is_empty() {
            return Err(err("missing closing ]", s));
        }
        if t.starts_with(']') && !first {
            return Ok(&t[1..]);
        }
        first = false;
        if t.starts_with("[:")
            && let Some(end) = t[2..].find(":]")
        {
            let name = &t[2..2 + end];
            let known = [
                "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print",
                "punct", "space", "upper", "word", "xdigit",
            ];
            if !known.contains(&name.trim_start_matches('^')) {
                return Err(err("invalid character class range", &t[..2 + end + 2]));
            }
            t = &t[2 + end + 2..];
            continue;
        }
        let start = t;
        let (lo, rest) = class_char(t)?;
        t = rest;
        if t.starts_with('-') && !t[1..].starts_with(']') && !t[1..].is_empty() {
            let (hi, rest) = class_char(&t[1..])?;
            t = rest;
            if let (Some(lo), Some(hi)) = (lo, hi)
                && hi < lo
            {
                return Err(err(
                    "invalid character class range",
                    &start[..start.len() - t.len()],
                ));
            }
        }
    }
}

/// One class member; `None` for a class escape such as `\d` (which cannot bound a range).
fn class_char(t: &str) -> Result<(Option<char>, &str), String> {
    if t.starts_with('\\') {
        let rest = escape(t, true)?;
        let body = &t[1..t.len() - rest.len()];
        let c = match body.chars().next() {
            Some('d' | 'D' | 's' | 'S' | 'w' | 'W' | 'p' | 'P') => None,
            Some('a') => Some('\x07'),
            Some('f') => Some('\x0c'),
            Some('t') => Some('\t'),
            Some('n') => Some('\n'),
            Some('r') => Some('\r'),
            Some('v') => Some('\x0b'),
            Some('x') => {
                let hex = body[1..].trim_matches(['{', '}']);
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            }
            Some('0'..='7') => u32::from_str_radix(body, 8).ok().and_then(char::from_u32),
            other => other,
        };
        return Ok((c, rest));
    }
    let c = t.chars().next().unwrap_or('\0');
    Ok((Some(c), &t[c.len_utf8()..]))
}

/// Rewrites Go-only syntax for the Rust `regex` crate: `\Q…\E` becomes escaped literal text.
pub fn to_rust(re: &str) -> String {
    if !re.contains("\\Q") {
        return re.to_string();
    }
    let mut out = String::with_capacity(re.len());
    let mut t = re;
    while let Some(i) = t.find('\\') {
        out.push_str(&t[..i]);
        let rest = &t[i..];
        if let Some(q) = rest.strip_prefix("\\Q") {
            let (lit, after) = match q.find("\\E") {
                Some(j) => (&q[..j], &q[j + 2..]),
                None => (q, ""),
            };
            out.push_str(&regex::escape(lit));
            t = after;
        } else {
            let n = rest[1..].chars().next().map_or(1, |c| 1 + c.len_utf8());
            out.push_str(&rest[..n]);
            t = &rest[n..];
        }
    }
    out.push_str(t);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_verdicts_and_messages() {
        let cases: &[(&str, Option<&str>)] = &[
            (r"\Qa.b\E", None),
            (r"\Qa.b", None),
            ("x{1000}", None),
            ("x{2,}", None),
            ("a{,5}", None),
            ("a*?", None),
            ("(?i)a", None),
            ("(?i:a)", None),
            ("(?-s:a)", None),
            ("(?P<n>a)", None),
            ("(?<n>a)", None),
            ("[a-]", None),
            ("[]a]", None),
            ("[^]a]", None),
            ("[[:alpha:]]", None),
            (r"\pL\p{Greek}", None),
            (r"\d+\.\d+", None),
            (r"\x41\x{263a}", None),
            (r"\012", None),
            ("{", None),
            ("a{", None),
            ("a{1,2", None),
            (".*-(foo|bar)$", None),
            ("a**", Some("invalid nested repetition operator: `**`")),
            ("a+*", Some("invalid nested repetition operator: `+*`")),
            (
                "a{2}{3}",
                Some("invalid nested repetition operator: `{2}{3}`"),
            ),
            ("a*?*", Some("invalid nested repetition operator: `*?*`")),
            ("x{1001}", Some("invalid repeat count: `{1001}`")),
            ("x{2,1}", Some("invalid repeat count: `{2,1}`")),
            (
                "x{99999999999}",
                Some("invalid repeat count: `{99999999999}`"),
            ),
            (
                "x{2,12345678}",
                Some("invalid repeat count: `{2,12345678}`"),
            ),
            ("[a-b-c]", None),
            ("*a", Some("missing argument to repetition operator: `*`")),
            ("(*)", Some("missing argument to repetition operator: `*`")),
            ("a|?", Some("missing argument to repetition operator: `?`")),
            ("(", Some("missing closing ): `(`")),
            ("a(b", Some("missing closing ): `a(b`")),
            (")", Some("unexpected ): `)`")),
            ("[a", Some("missing closing ]: `[a`")),
            ("[z-a]", Some("invalid character class range: `z-a`")),
            (
                "[[:foo:]]",
                Some("invalid character class range: `[:foo:]`"),
            ),
            (r"\Z", Some(r"invalid escape sequence: `\Z`")),
            (r"\1", Some(r"invalid escape sequence: `\1`")),
            (r"a\", Some("trailing backslash at end of expression: ``")),
            ("(?x)a", Some("invalid or unsupported Perl syntax: `(?x`")),
            ("(?P<>a)", Some("invalid named capture: `(?P<>`")),
            (
                "(?P<n>a)(?P<n>b)",
                Some("duplicate capture group name: `n`"),
            ),
        ];
        for (re, want) in cases {
            assert_eq!(validate(re).err().as_deref(), *want, "{re}");
        }
    }

    #[test]
    fn quoted_literals_become_rust_escapes() {
        assert_eq!(to_rust(r"\Qa.b\E+"), r"a\.b+");
        assert_eq!(to_rust(r"x\.\Q*"), r"x\.\*");
        let re = regex::Regex::new(&to_rust(r"^\Q(a)\E$")).unwrap();
        assert!(re.is_match("(a)"));
    }
}
