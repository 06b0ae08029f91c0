//! Go's `fmt` printing of template values: `%v` (what `{{ x }}`, `print` and `toString` use),
//! `Sprint`'s spacing rules, and `Sprintf`'s verbs.

use super::value::{Kind, Value};

/// `fmt.Sprint(v)` for one value: `%v`.
pub fn sprint_value(v: &Value) -> String {
    let mut out = String::new();
    write_v(&mut out, v);
    out
}

fn write_v(out: &mut String, v: &Value) {
    match &v.kind {
        Kind::Invalid | Kind::Nil => out.push_str("<nil>"),
        Kind::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Kind::Int(i) | Kind::Int64(i) => out.push_str(&i.to_string()),
        Kind::Float(f) => out.push_str(&format_float_g(*f)),
        Kind::Str(s) => out.push_str(s),
        Kind::Bytes(b) => {
            out.push('[');
            for (i, x) in b.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&x.to_string());
            }
            out.push(']');
        }
        Kind::List(l) => {
            out.push('[');
            for (i, x) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, x);
            }
            out.push(']');
        }
        Kind::Map(m) => {
            out.push_str("map[");
            for (i, (k, x)) in m.entries.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, x);
            }
            out.push(']');
        }
        Kind::Object(o) => out.push_str(&o.print()),
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest representation that reads back the
/// same, in exponent form when the decimal exponent is below -4 or at least 21... no: at least
/// the shortest precision's 6 (Go's rule for `%v`): `999999`, `1e+06`, `1.5e-05`.
pub fn format_float_g(f: f64) -> String {
    format_float(f, b'g', -1, 64)
}

/// The shortest decimal digits of `f` (nonzero, finite, positive) and the decimal point
/// position: `f = 0.DIGITS * 10^dp`.
fn shortest_digits(f: f64, bits: u32) -> (Vec<u8>, i32) {
    let s = if bits == 32 {
        format!("{:e}", f as f32)
    } else {
        format!("{f:e}")
    };
    digits_of_exp(&s)
}

/// Digits and decimal point position from Rust's `{:e}` output (`1.2345e7`).
fn digits_of_exp(s: &str) -> (Vec<u8>, i32) {
    let (mant, exp) = s.split_once('e').unwrap_or((s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, exp + 1)
}

/// Digits of `f` rounded to `n` significant digits (n >= 1), Go's round-half-even on the
/// exact binary value, with the decimal point position.
fn rounded_digits(f: f64, n: usize) -> (Vec<u8>, i32) {
    let s = format!("{:.*e}", n.saturating_sub(1).min(1100), f);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let mut digits: Vec<u8> = mant.bytes().filter(u8::is_ascii_digit).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    (digits, exp + 1)
}

/// Digits of `f` rounded to `frac` digits after the decimal point, with the point position.
fn fixed_digits(f: f64, frac: usize) -> (Vec<u8>, i32) {
    let s = format!("{:.*}", frac.min(1100), f);
    let (int, fr) = s.split_once('.').unwrap_or((&s, ""));
    let mut digits: Vec<u8> = int.bytes().chain(fr.bytes()).collect();
    let mut dp = int.len() as i32;
    // strip leading zeros
    while digits.len() > 1 && digits[0] == b'0' {
        digits.remove(0);
        dp -= 1;
    }
    (digits, dp)
}

/// Go's `strconv.FormatFloat(f, fmt, prec, bits)` for the formats `e E f F g G` (and `b`
/// approximated by `g`).
pub fn format_float(f: f64, fmt: u8, prec: i32, bits: u32) -> String {
    let f = if bits == 32 { f as f32 as f64 } else { f };
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let neg = f.is_sign_negative();
    let a = f.abs();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let shortest = prec < 0;
    // Digits and decimal point position, Go's `decimalSlice`.
    let (digits, dp): (Vec<u8>, i32) = if a == 0.0 {
        (vec![b'0'], 1)
    } else if shortest {
        shortest_digits(a, bits)
    } else {
        match fmt {
            b'e' | b'E' => rounded_digits(a, prec as usize + 1),
            b'f' | b'F' => fixed_digits(a, prec as usize),
            _ => rounded_digits(a, (prec as usize).max(1)),
        }
    };
    let zero = a == 0.0;
    let nd = if zero { 0 } else { digits.len() as i32 };
    let dp = if zero { 0 } else { dp };
    let digit = |i: i32| -> u8 {
        if i >= 0 && i < nd {
            digits[i as usize]
        } else {
            b'0'
        }
    };
    let fmt_e = |out: &mut String, prec: i32, upper: bool| {
        out.push(if nd == 0 { '0' } else { digit(0) as char });
        if prec > 0 {
            out.push('.');
            for i in 1..=prec {
                out.push(digit(i) as char);
            }
        }
        out.push(if upper { 'E' } else { 'e' });
        let exp = if nd == 0 { 0 } else { dp - 1 };
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        out.push_str(&e.to_string());
    };
    let fmt_f = |out: &mut String, prec: i32| {
        if dp > 0 {
            let m = dp.min(nd);
            for i in 0..m {
                out.push(digit(i) as char);
            }
            for _ in m..dp {
                out.push('0');
            }
        } else {
            out.push('0');
        }
        if prec > 0 {
            out.push('.');
            for i in 1..=prec {
                let j = dp + i - 1;
                out.push(if j < 0 || j >= nd {
                    '0'
                } else {
                    digit(j) as char
                });
            }
        }
    };
    match fmt {
        b'e' | b'E' => {
            let p = if shortest { (nd - 1).max(0) } else { prec };
            fmt_e(&mut out, p, fmt == b'E');
        }
        b'f' | b'F' => {
            let p = if shortest { (nd - dp).max(0) } else { prec };
            fmt_f(&mut out, p);
        }
        _ => {
            // 'g', 'G', as strconv's formatDigits.
            if zero {
                out.push('0');
                return out;
            }
            let mut prec = if shortest { nd } else { prec.max(1) };
            let mut eprec = prec;
            if eprec > nd && nd >= dp {
                eprec = nd;
            }
            if shortest {
                eprec = 6;
            }
            let exp = dp - 1;
            let upper = fmt == b'G';
            if exp < -4 || exp >= eprec {
                if prec > nd {
                    prec = nd;
                }
                fmt_e(&mut out, (prec - 1).max(0), upper);
            } else {
                if prec > dp {
                    prec = nd;
                }
                fmt_f(&mut out, (prec - dp).max(0));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strconv_format_float() {
        let g = |f: f64| format_float(f, b'g', -1, 64);
        assert_eq!(g(8080.0), "8080");
        assert_eq!(g(999999.0), "999999");
        assert_eq!(g(1e6), "1e+06");
        assert_eq!(g(12345678.0), "1.2345678e+07");
        assert_eq!(g(0.00001), "1e-05");
        assert_eq!(g(0.0001), "0.0001");
        assert_eq!(g(1.5), "1.5");
        assert_eq!(g(-0.0), "-0");
        assert_eq!(g(1e21), "1e+21");
        assert_eq!(g(1e100), "1e+100");
        assert_eq!(g(123456789.0), "1.23456789e+08");
        assert_eq!(format_float(1.1, b'g', -1, 32), "1.1");
        assert_eq!(format_float(1.0, b'g', -1, 32), "1");
        assert_eq!(format_float(2.5, b'f', 0, 64), "2");
        assert_eq!(format_float(3.14659, b'f', 2, 64), "3.15");
        assert_eq!(format_float(1234.5678, b'e', 3, 64), "1.235e+03");
        assert_eq!(format_float(0.0, b'e', 2, 64), "0.00e+00");
        assert_eq!(format_float(1.5, b'g', 5, 64), "1.5");
        assert_eq!(format_float(100.0, b'g', 3, 64), "100");
        assert_eq!(format_float(123456.0, b'g', 3, 64), "1.23e+05");
        assert_eq!(format_float(0.000012345, b'g', 2, 64), "1.2e-05");
        assert_eq!(format_float(1e-7, b'e', -1, 64), "1e-07");
        assert_eq!(format_float(123.0, b'f', -1, 64), "123");
        assert_eq!(format_float(0.001, b'f', -1, 64), "0.001");
        assert_eq!(format_float(f64::INFINITY, b'g', -1, 64), "+Inf");
    }
}
