//! Scalar resolution as Helm reads values and Chart.yaml: go-yaml v2 (YAML 1.1) followed by
//! the JSON step of sigs.k8s.io/yaml.

use super::tree::{Style, Value};

/// Resolves a scalar's text, given its style and explicit tag suffix (`str`, `int`, … for `!!x`).
pub fn resolve(text: &str, style: Style, tag: Option<&str>) -> Value {
    match tag {
        Some("str") | Some("binary") | Some("timestamp") => return Value::Str,
        Some("null") => return Value::Null,
        Some("bool") => {
            return resolve_plain(text)
                .filter(|v| matches!(v, Value::Bool(_)))
                .unwrap_or(Value::Str);
        }
        Some("int") | Some("float") => {
            return match resolve_plain(text) {
                Some(v @ (Value::Int(_) | Value::Float(_))) => v,
                _ => Value::Str,
            };
        }
        Some(_) => {
            // A custom tag: go-yaml keeps resolving the scalar as if untagged.
        }
        None => {}
    }
    if style != Style::Plain {
        return Value::Str;
    }
    resolve_plain(text).unwrap_or(Value::Str)
}

fn resolve_plain(text: &str) -> Option<Value> {
    let first = match text.as_bytes().first() {
        None => return Some(Value::Null),
        Some(b) => *b,
    };
    match text {
        "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Some(Value::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Some(Value::Bool(false));
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Some(Value::Float(f64::INFINITY));
        }
        "-.inf" | "-.Inf" | "-.INF" => return Some(Value::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Value::Float(f64::NAN)),
        "<<" => return None,
        _ => {}
    }
    match first {
        b'.' => parse_go_float(text).map(Value::Float),
        b'+' | b'-' | b'0'..=b'9' => {
            if is_timestamp(text) {
                return Some(Value::Str);
            }
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if let Some(i) = parse_go_int(&plain) {
                return Some(Value::Int(i));
            }
            if let Some(u) = parse_go_uint(&plain) {
                return Some(Value::Float(u as f64));
            }
            if is_yaml_style_float(&plain)
                && let Some(f) = parse_go_float(&plain)
            {
                return Some(Value::Float(f));
            }
            if let Some(rest) = plain.strip_prefix("0b") {
                return i64::from_str_radix(rest, 2).ok().map(Value::Int);
            }
            if let Some(rest) = plain.strip_prefix("-0b") {
                return i64::from_str_radix(rest, 2).ok().map(|i| Value::Int(-i));
            }
            None
        }
        _ => None,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)`: sign, then `0x`, `0o`, `0b`, a leading `0` for octal, or decimal.
fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let mag = parse_go_uint(body)?;
    if neg {
        if mag <= i64::MAX as u64 + 1 {
            Some((mag as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if mag <= i64::MAX as u64 {
        Some(mag as i64)
    } else {
        None
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` (no sign).
fn parse_go_uint(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let lower = s.get(..2).map(|p| p.to_ascii_lowercase());
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &s[2..]),
        Some("0o") => (8, &s[2..]),
        Some("0b") => (2, &s[2..]),
        _ if s.len() > 1 && s.starts_with('0') => (8, &s[1..]),
        _ => (10, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| (b as char).is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat` for the decimal forms go-yaml lets through.
fn parse_go_float(s: &str) -> Option<f64> {
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-' | b'_'))
    {
        return None;
    }
    let cleaned: String = s.chars().filter(|&c| c != '_').collect();
    cleaned.parse::<f64>().ok()
}

/// go-yaml v2 timestamp forms (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`, …); Helm's JSON
/// step turns them back into strings, so they never become numbers.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 {
        return false;
    }
    // YYYY-M-D prefix
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i != 4 || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let m = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if !(1..=2).contains(&(i - m)) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let d = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    (1..=2).contains(&(i - d)) && (i == b.len() || matches!(b[i], b'T' | b't' | b' ' | b'\t'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Value {
        resolve(s, Style::Plain, None)
    }

    #[test]
    fn yaml_11_booleans() {
        for t in ["yes", "Yes", "on", "ON", "y", "true", "TRUE"] {
            assert_eq!(plain(t), Value::Bool(true), "{t}");
        }
        for f in ["no", "off", "N", "false"] {
            assert_eq!(plain(f), Value::Bool(false), "{f}");
        }
        assert_eq!(plain("yEs"), Value::Str);
        assert_eq!(resolve("yes", Style::DoubleQuoted, None), Value::Str);
    }

    #[test]
    fn numbers_like_go_yaml_v2() {
        assert_eq!(plain("0777"), Value::Int(511));
        assert_eq!(plain("0o17"), Value::Int(15));
        assert_eq!(plain("0x1F"), Value::Int(31));
        assert_eq!(plain("0b101"), Value::Int(5));
        assert_eq!(plain("1_000"), Value::Int(1000));
        assert_eq!(plain("-12"), Value::Int(-12));
        assert_eq!(plain("08"), Value::Float(8.0));
        assert_eq!(plain("1.20"), Value::Float(1.2));
        assert_eq!(plain("1e3"), Value::Float(1000.0));
        assert_eq!(plain(".5"), Value::Float(0.5));
        assert_eq!(plain("1.2.3"), Value::Str);
        assert_eq!(plain("700Mi"), Value::Str);
        assert_eq!(
            plain("18446744073709551615"),
            Value::Float(18446744073709551615.0)
        );
    }

    #[test]
    fn null_timestamp_and_tags() {
        assert_eq!(plain(""), Value::Null);
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("2024-01-02"), Value::Str);
        assert_eq!(resolve("123", Style::Plain, Some("str")), Value::Str);
        assert_eq!(
            resolve("123", Style::DoubleQuoted, Some("int")),
            Value::Int(123)
        );
        assert!(matches!(plain(".nan"), Value::Float(f) if f.is_nan()));
    }
}
