//! Sprig's numbers: spf13/cast conversions (`int`, `int64`, `float64`), int64 arithmetic
//! (floats truncated), shopspring/decimal float arithmetic, rounding.

use super::args::*;
use super::{CallError, FuncCtx};
use crate::render::value::{Kind, Value};

type R = Result<Value, CallError>;

/// Go's `int64(f)` on amd64: out-of-range values and NaN give the minimum int64.
pub fn f64_to_i64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// cast's `trimZeroDecimal`: `12.000` -> `12`.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    let mut i = b.len();
    while i > 0 {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
        i -= 1;
    }
    s
}

/// Go's `underscoreOK` for base-prefixed literals.
fn underscore_ok(s: &str) -> bool {
    let b = s.as_bytes();
    // saw: '^' start, '0' digit or prefix, '_' underscore, '!' other
    let mut saw = b'^';
    let mut i = 0;
    if !b.is_empty() && (b[0] == b'-' || b[0] == b'+') {
        i = 1;
    }
    let mut hex = false;
    if b.len() - i >= 2 && b[i] == b'0' {
        let c = b[i + 1] | 0x20;
        if c == b'b' || c == b'o' || c == b'x' {
            hex = c == b'x';
            i += 2;
            saw = b'0';
        }
    }
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || (hex && (c | 0x20).is_ascii_hexdigit()) {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
        i += 1;
    }
    saw != b'_'
}

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int_base0(s: &str) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    let (neg, body) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits, prefixed) = if let Some(r) = lower.strip_prefix("0x") {
        (16, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0o") {
        (8, r.to_string(), true)
    } else if let Some(r) = lower.strip_prefix("0b") {
        (2, r.to_string(), true)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, lower[1..].to_string(), true)
    } else {
        (10, lower.clone(), false)
    };
    let _ = prefixed;
    if digits.contains('_') && !underscore_ok(s) {
        return None;
    }
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() {
        return None;
    }
    let mag = u64::from_str_radix(&digits, radix).ok()?;
    if neg {
        if mag > i64::MAX as u64 + 1 {
            return None;
        }
        Some((mag as i128).wrapping_neg() as i64)
    } else if mag > i64::MAX as u64 {
        None
    } else {
        Some(mag as i64)
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the forms charts use.
pub fn parse_float(s: &str) -> Option<f64> {
    if s.is_empty() || s.contains('_') {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if body.starts_with("0x") {
        return None;
    }
    if matches!(body, "inf" | "infinity" | "nan")
        || body
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'+' | b'-'))
    {
        return s.parse::<f64>().ok();
    }
    None
}

/// spf13/cast `ToInt64` (errors give 0).
pub fn to_int64(v: &Value) -> i64 {
    match &v.kind {
        Kind::Int(i) | Kind::Int64(i) => *i,
        Kind::Float(f) => f64_to_i64(*f),
        Kind::Str(s) => parse_int_base0(trim_zero_decimal(s)).unwrap_or(0),
        Kind::Bool(b) => *b as i64,
        _ => 0,
    }
}

/// spf13/cast `ToInt` (an `int` is 64 bits here, as on amd64).
pub fn to_int(v: &Value) -> i64 {
    to_int64(v)
}

/// spf13/cast `ToFloat64`.
pub fn to_float64(v: &Value) -> f64 {
    match &v.kind {
        Kind::Int(i) | Kind::Int64(i) => *i as f64,
        Kind::Float(f) => *f,
        Kind::Str(s) => parse_float(s).unwrap_or(0.0),
        Kind::Bool(true) => 1.0,
        _ => 0.0,
    }
}

pub fn int_fn(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("int", &a, 1)?;
    Ok(Value::int(to_int(&a[0])))
}

pub fn int64_fn(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("int64", &a, 1)?;
    Ok(Value::int64(to_int64(&a[0])))
}

pub fn float64_fn(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("float64", &a, 1)?;
    Ok(Value::float(to_float64(&a[0])))
}

pub fn atoi(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("atoi", &a, 1)?;
    let s = string(&a[0])?;
    let b = s.as_bytes();
    let body = match b.first() {
        Some(b'+') | Some(b'-') => &s[1..],
        _ => &s[..],
    };
    if body.is_empty() || !body.bytes().all(|c| c.is_ascii_digit()) {
        return Ok(Value::int(0));
    }
    Ok(Value::int(s.parse::<i64>().unwrap_or(0)))
}

pub fn to_decimal(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("toDecimal", &a, 1)?;
    let s = crate::render::gofmt::sprint_value(&a[0]);
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, &s[..]),
    };
    let v = if !body.is_empty() && body.bytes().all(|c| (b'0'..=b'7').contains(&c)) {
        i64::from_str_radix(body, 8)
            .map(|x| if neg { -x } else { x })
            .unwrap_or(0)
    } else {
        0
    };
    Ok(Value::int64(v))
}

pub fn add(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(Value::int64(
        a.iter().fold(0i64, |acc, v| acc.wrapping_add(to_int64(v))),
    ))
}

pub fn add1(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("add1", &a, 1)?;
    Ok(Value::int64(to_int64(&a[0]).wrapping_add(1)))
}

pub fn sub(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("sub", &a, 2)?;
    Ok(Value::int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1]))))
}

pub fn div(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("div", &a, 2)?;
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(failed("runtime error: integer divide by zero"));
    }
    Ok(Value::int64(to_int64(&a[0]).wrapping_div(d)))
}

pub fn modulo(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("mod", &a, 2)?;
    let d = to_int64(&a[1]);
    if d == 0 {
        return Err(failed("runtime error: integer divide by zero"));
    }
    Ok(Value::int64(to_int64(&a[0]).wrapping_rem(d)))
}

pub fn mul(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("mul", &a, 1)?;
    Ok(Value::int64(
        a[1..]
            .iter()
            .fold(to_int64(&a[0]), |acc, v| acc.wrapping_mul(to_int64(v))),
    ))
}

fn max_named(name: &str, a: &[Value]) -> R {
    arity_min(name, a, 1)?;
    Ok(Value::int64(
        a[1..].iter().map(to_int64).fold(to_int64(&a[0]), i64::max),
    ))
}

pub fn max(_: &mut FuncCtx, a: Vec<Value>) -> R {
    max_named("max", &a)
}

pub fn biggest(_: &mut FuncCtx, a: Vec<Value>) -> R {
    max_named("biggest", &a)
}

pub fn min(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("min", &a, 1)?;
    Ok(Value::int64(
        a[1..].iter().map(to_int64).fold(to_int64(&a[0]), i64::min),
    ))
}

/// Go's `math.Max`: NaN wins, +0 beats -0.
fn go_max(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x > 0.0 || y.is_infinite() && y > 0.0 {
        return f64::INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { y } else { x };
    }
    if x > y { x } else { y }
}

fn go_min(x: f64, y: f64) -> f64 {
    if x.is_infinite() && x < 0.0 || y.is_infinite() && y < 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == 0.0 && x == y {
        return if x.is_sign_negative() { x } else { y };
    }
    if x < y { x } else { y }
}

pub fn maxf(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("maxf", &a, 1)?;
    Ok(Value::float(
        a[1..]
            .iter()
            .map(to_float64)
            .fold(to_float64(&a[0]), go_max),
    ))
}

pub fn minf(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("minf", &a, 1)?;
    Ok(Value::float(
        a[1..]
            .iter()
            .map(to_float64)
            .fold(to_float64(&a[0]), go_min),
    ))
}

pub fn ceil(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("ceil", &a, 1)?;
    Ok(Value::float(to_float64(&a[0]).ceil()))
}

pub fn floor(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("floor", &a, 1)?;
    Ok(Value::float(to_float64(&a[0]).floor()))
}

pub fn round(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("round", &a, 2)?;
    let places = int(&a[1])?;
    let mut round_on = 0.5;
    if let Some(r) = a.get(2) {
        round_on = match r.kind {
            Kind::Float(f) => f,
            Kind::Int(i) => i as f64,
            _ => return Err(type_error("float64", r)),
        };
    }
    let val = to_float64(&a[0]);
    let pow = 10f64.powf(places as f64);
    let digit = pow * val;
    let frac = digit.fract();
    let r = if frac >= round_on {
        digit.ceil()
    } else {
        digit.floor()
    };
    Ok(Value::float(r / pow))
}

// ----- shopspring/decimal arithmetic -----

/// A decimal `mant * 10^exp`.
#[derive(Clone, Copy, Debug)]
struct Dec {
    mant: i128,
    exp: i32,
}

impl Dec {
    /// `decimal.NewFromFloat`: the shortest decimal that reads back as `f`.
    fn from_f64(f: f64) -> Option<Dec> {
        if !f.is_finite() {
            return None;
        }
        if f == 0.0 {
            return Some(Dec { mant: 0, exp: 0 });
        }
        let s = format!("{:e}", f);
        let (m, e) = s.split_once('e')?;
        let e: i32 = e.parse().ok()?;
        let neg = m.starts_with('-');
        let m = m.trim_start_matches('-');
        let (int, frac) = m.split_once('.').unwrap_or((m, ""));
        let digits = format!("{int}{frac}");
        let mant: i128 = digits.parse().ok()?;
        Some(Dec {
            mant: if neg { -mant } else { mant },
            exp: e - frac.len() as i32,
        })
    }

    fn align(a: Dec, b: Dec) -> Option<(i128, i128, i32)> {
        let exp = a.exp.min(b.exp);
        let scale = |d: Dec| -> Option<i128> {
            let k = (d.exp - exp) as u32;
            d.mant.checked_mul(10i128.checked_pow(k)?)
        };
        Some((scale(a)?, scale(b)?, exp))
    }

    fn add(a: Dec, b: Dec) -> Option<Dec> {
        let (x, y, exp) = Dec::align(a, b)?;
        Some(Dec {
            mant: x.checked_add(y)?,
            exp,
        })
    }

    fn sub(a: Dec, b: Dec) -> Option<Dec> {
        let (x, y, exp) = Dec::align(a, b)?;
        Some(Dec {
            mant: x.checked_sub(y)?,
            exp,
        })
    }

    fn mul(a: Dec, b: Dec) -> Option<Dec> {
        Some(Dec {
            mant: a.mant.checked_mul(b.mant)?,
            exp: a.exp + b.exp,
        })
    }

    /// `Div`: the quotient rounded (half away from zero) to 16 decimal places.
    fn div(a: Dec, b: Dec) -> Option<Dec> {
        if b.mant == 0 {
            return None;
        }
        // q = a.mant * 10^(a.exp - b.exp + 16) / b.mant, at exponent -16.
        let shift = a.exp - b.exp + 16;
        let (num, den) = if shift >= 0 {
            (
                a.mant.checked_mul(10i128.checked_pow(shift as u32)?)?,
                b.mant,
            )
        } else {
            (
                a.mant,
                b.mant.checked_mul(10i128.checked_pow((-shift) as u32)?)?,
            )
        };
        let q = num / den;
        let r = num % den;
        let q = if (r.abs() * 2) >= den.abs() {
            if (num < 0) != (den < 0) { q - 1 } else { q + 1 }
        } else {
            q
        };
        Some(Dec { mant: q, exp: -16 })
    }

    fn to_f64(self) -> f64 {
        format!("{}e{}", self.mant, self.exp).parse().unwrap_or(0.0)
    }
}

fn decimal_op(
    first: f64,
    rest: &[Value],
    op: fn(Dec, Dec) -> Option<Dec>,
    fallback: fn(f64, f64) -> f64,
) -> f64 {
    let mut acc = Dec::from_f64(first);
    let mut facc = first;
    for v in rest {
        let x = to_float64(v);
        facc = fallback(facc, x);
        acc = match (acc, Dec::from_f64(x)) {
            (Some(a), Some(b)) => op(a, b),
            _ => None,
        };
    }
    match acc {
        Some(d) => d.to_f64(),
        None => facc,
    }
}

pub fn addf(_: &mut FuncCtx, a: Vec<Value>) -> R {
    Ok(Value::float(decimal_op(0.0, &a, Dec::add, |x, y| x + y)))
}

pub fn add1f(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity("add1f", &a, 1)?;
    Ok(Value::float(decimal_op(
        to_float64(&a[0]),
        &[Value::int(1)],
        Dec::add,
        |x, y| x + y,
    )))
}

pub fn subf(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("subf", &a, 1)?;
    Ok(Value::float(decimal_op(
        to_float64(&a[0]),
        &a[1..],
        Dec::sub,
        |x, y| x - y,
    )))
}

pub fn mulf(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("mulf", &a, 1)?;
    Ok(Value::float(decimal_op(
        to_float64(&a[0]),
        &a[1..],
        Dec::mul,
        |x, y| x * y,
    )))
}

pub fn divf(_: &mut FuncCtx, a: Vec<Value>) -> R {
    arity_min("divf", &a, 1)?;
    for v in &a[1..] {
        if to_float64(v) == 0.0 {
            return Err(failed("decimal division by 0"));
        }
    }
    Ok(Value::float(decimal_op(
        to_float64(&a[0]),
        &a[1..],
        Dec::div,
        |x, y| x / y,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cast_conversions() {
        for (s, want) in [
            ("08", 0),
            ("010", 8),
            ("0x1F", 31),
            ("0b101", 5),
            ("1_000", 1000),
            (" 5", 0),
            ("12abc", 0),
            ("1.9", 0),
            ("1.0", 1),
            ("-7", -7),
        ] {
            assert_eq!(to_int64(&Value::str(s)), want, "{s}");
        }
        assert_eq!(to_int64(&Value::float(1e20)), i64::MIN);
        assert_eq!(to_int64(&Value::float(-2.7)), -2);
        assert_eq!(to_float64(&Value::str("1.5")), 1.5);
        assert_eq!(to_float64(&Value::str("x")), 0.0);
    }

    #[test]
    fn decimals() {
        let v = |x: f64| Value::float(x);
        let mut ctx = FuncCtx::default();
        let f = |r: R| match r.unwrap().kind {
            Kind::Float(f) => f,
            _ => panic!(),
        };
        assert_eq!(f(mulf(&mut ctx, vec![v(0.1), Value::int(3)])), 0.3);
        assert_eq!(
            f(divf(&mut ctx, vec![Value::int(1), Value::int(3)])),
            0.3333333333333333
        );
        assert_eq!(f(addf(&mut ctx, vec![v(0.1), v(0.2)])), 0.3);
        assert_eq!(f(round(&mut ctx, vec![v(2.555), Value::int(2)])), 2.56);
    }
}
