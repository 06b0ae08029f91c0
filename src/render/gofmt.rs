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

/// `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest representation, in exponent form when
/// the decimal exponent is below -4 or at least 21 digits... (placeholder: refined by the
/// function library's owner to Go's exact rule, exponent < -4 or >= the digit count limit).
pub fn format_float_g(f: f64) -> String {
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
    if f == f.trunc() && f.abs() < 1e6 {
        let s = format!("{}", f as i64);
        return if f == 0.0 && f.is_sign_negative() {
            "-0".into()
        } else {
            s
        };
    }
    format!("{f}")
}
