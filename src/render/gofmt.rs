//! Go's `fmt` printing of template values: `%v` (what `{{ x }}`, `print` and `toString` use),
//! `Sprint`'s spacing rules, and `Sprintf`'s verbs.

use super::value::{Kind, Value};

/// `fmt.Sprint(v)` for one value: `%v`.
pub fn sprint_value(v: &Value) -> String {
    let mut p = Printer::default();
    p.print_arg(v, 'v');
    p.buf
}

/// `fmt.Sprint(args...)`: a space between two operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut p = Printer::default();
    let mut prev_string = false;
    for (i, a) in args.iter().enumerate() {
        let is_string = matches!(a.kind, Kind::Str(_));
        if i > 0 && !is_string && !prev_string {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
        prev_string = is_string;
    }
    p.buf
}

/// `fmt.Sprintln(args...)`: spaces between all operands and a final newline.
pub fn sprintln(args: &[Value]) -> String {
    let mut p = Printer::default();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            p.buf.push(' ');
        }
        p.print_arg(a, 'v');
    }
    p.buf.push('\n');
    p.buf
}

/// `fmt.Sprintf(format, args...)` with Go's verbs, flags, width, precision, `*` and
/// argument indexes, and its error forms (`%!d(float64=1)`, `%!d(MISSING)`,
/// `%!(EXTRA int=1)`, `%!(NOVERB)`).
pub fn sprintf(format: &str, args: &[Value]) -> String {
    sprintf_marked(format, args).0
}

/// [`sprintf`], with the output range of every argument that has an origin (an empty range for
/// one that printed nothing).
pub fn sprintf_marked(
    format: &str,
    args: &[Value],
) -> (String, Vec<(u32, u32, super::value::Origin)>) {
    let mut p = Printer::default();
    p.do_printf(format, args);
    (p.buf, p.marks)
}

/// `strconv.Quote(s)`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    append_quoted(&mut out, s, '"', false);
    out
}

/// Go's `strconv.Quote` family: `ascii` escapes every non-ASCII rune (`QuoteToASCII`).
fn append_quoted(out: &mut String, s: &str, q: char, ascii: bool) {
    out.push(q);
    for c in s.chars() {
        append_escaped_rune(out, c, q, ascii);
    }
    out.push(q);
}

fn append_escaped_rune(out: &mut String, c: char, q: char, ascii: bool) {
    if c == q || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if ascii {
        if (c as u32) < 0x80 && is_print(c) {
            out.push(c);
            return;
        }
    } else if is_print(c) {
        out.push(c);
        return;
    }
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => {
            out.push_str(&format!("\\x{:02x}", c as u32));
        }
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
/// space. Approximated from Rust's character classes: controls, separators other than the
/// space, format characters, surrogates' neighbours and private use are not printable.
pub fn is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if c.is_control() {
        return false;
    }
    if c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0xad | 0x34f | 0x61c | 0x115f | 0x1160 | 0x17b4 | 0x17b5 | 0x180b..=0x180f
        | 0x200b..=0x200f | 0x2028..=0x202e | 0x2060..=0x206f | 0x3164 | 0xfe00..=0xfe0f
        | 0xfeff | 0xffa0 | 0xfff0..=0xfffb | 0xe000..=0xf8ff | 0xf0000..=0x10ffff
        | 0xe0000..=0xe0fff | 0x1d173..=0x1d17a | 0x110bd | 0x110cd | 0x13430..=0x1343f
        | 0x1bca0..=0x1bca3 | 0x600..=0x605 | 0x6dd | 0x70f | 0x890 | 0x891 | 0x8e2
        | 0xfdd0..=0xfdef | 0xfffe | 0xffff)
}

#[derive(Default, Clone, Copy)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

#[derive(Default)]
struct Printer {
    buf: String,
    f: Flags,
    /// Output ranges of arguments with an origin.
    marks: Vec<(u32, u32, super::value::Origin)>,
}

const MAX_WIDTH: usize = 1 << 20;

/// Printed text beyond which the printer stops: past the renderer's output limit (64 MiB),
/// so that every caller's check of the length fails.
pub const MAX_PRINT: usize = (64 << 20) + 1;

impl Printer {
    fn do_printf(&mut self, format: &str, args: &[Value]) {
        let b = format.as_bytes();
        let end = b.len();
        let mut arg_num = 0usize;
        let mut reordered = false;
        let mut i = 0;
        while i < end {
            let lasti = i;
            while i < end && b[i] != b'%' {
                i += 1;
            }
            if i > lasti {
                self.buf.push_str(&format[lasti..i]);
            }
            if i >= end {
                break;
            }
            i += 1;
            self.f = Flags::default();
            while i < end {
                match b[i] {
                    b'#' => self.f.sharp = true,
                    b'0' => self.f.zero = !self.f.minus,
                    b'+' => self.f.plus = true,
                    b'-' => {
                        self.f.minus = true;
                        self.f.zero = false;
                    }
                    b' ' => self.f.space = true,
                    _ => break,
                }
                i += 1;
            }
            let mut good_arg_num = true;
            let mut after_index;
            (arg_num, i, after_index, good_arg_num) =
                arg_number(arg_num, format, i, args.len(), good_arg_num, &mut reordered);
            // width
            if i < end && b[i] == b'*' {
                i += 1;
                let (w, ok, n) = int_from_arg(args, arg_num);
                arg_num = n;
                if !ok {
                    self.buf.push_str("%!(BADWIDTH)");
                } else if w < 0 {
                    self.f.minus = true;
                    self.f.zero = false;
                    self.f.wid = Some((w.unsigned_abs() as usize).min(MAX_WIDTH));
                } else {
                    self.f.wid = Some((w as usize).min(MAX_WIDTH));
                }
                after_index = false;
            } else {
                let (n, present, ni) = parse_num(b, i);
                i = ni;
                if present {
                    self.f.wid = Some(n.min(MAX_WIDTH));
                    if after_index {
                        good_arg_num = false;
                    }
                }
            }
            // precision
            if i + 1 < end && b[i] == b'.' {
                i += 1;
                if after_index {
                    good_arg_num = false;
                }
                (arg_num, i, after_index, good_arg_num) =
                    arg_number(arg_num, format, i, args.len(), good_arg_num, &mut reordered);
                if i < end && b[i] == b'*' {
                    i += 1;
                    let (p, ok, n) = int_from_arg(args, arg_num);
                    arg_num = n;
                    if !ok || p < 0 {
                        self.f.prec = None;
                        if !ok {
                            self.buf.push_str("%!(BADPREC)");
                        }
                    } else {
                        self.f.prec = Some((p as usize).min(MAX_WIDTH));
                    }
                    after_index = false;
                } else {
                    let (n, _, ni) = parse_num(b, i);
                    i = ni;
                    self.f.prec = Some(n.min(MAX_WIDTH));
                }
            } else if i < end && b[i] == b'.' {
                // A trailing '.' with nothing after it: precision zero.
                i += 1;
                self.f.prec = Some(0);
            }
            if !after_index {
                (arg_num, i, after_index, good_arg_num) =
                    arg_number(arg_num, format, i, args.len(), good_arg_num, &mut reordered);
            }
            let _ = after_index;
            if i >= end {
                self.buf.push_str("%!(NOVERB)");
                break;
            }
            let verb = format[i..].chars().next().unwrap_or('%');
            i += verb.len_utf8();
            if verb == '%' {
                self.buf.push('%');
                continue;
            }
            if !good_arg_num {
                self.buf.push_str(&format!("%!{verb}(BADINDEX)"));
                continue;
            }
            if arg_num >= args.len() {
                self.buf.push_str(&format!("%!{verb}(MISSING)"));
                continue;
            }
            if verb == 'v' {
                self.f.sharp_v = self.f.sharp;
                self.f.sharp = false;
                self.f.plus_v = self.f.plus;
                self.f.plus = false;
            }
            let start = self.buf.len() as u32;
            self.print_arg(&args[arg_num], verb);
            if let Some(o) = args[arg_num].origin {
                self.marks.push((start, self.buf.len() as u32, o));
            }
            arg_num += 1;
        }
        if !reordered && arg_num < args.len() {
            self.f = Flags::default();
            self.buf.push_str("%!(EXTRA ");
            for (k, a) in args[arg_num..].iter().enumerate() {
                if k > 0 {
                    self.buf.push_str(", ");
                }
                if a.is_nil() {
                    self.buf.push_str("<nil>");
                } else {
                    self.buf.push_str(&a.type_name());
                    self.buf.push('=');
                    self.print_arg(a, 'v');
                }
            }
            self.buf.push(')');
        }
    }

    fn print_arg(&mut self, v: &Value, verb: char) {
        if v.is_nil() {
            match verb {
                'T' | 'v' => self.pad_str("<nil>"),
                _ => self.bad_verb(v, verb),
            }
            return;
        }
        if verb == 'T' {
            let t = v.type_name();
            self.fmt_s(&t);
            return;
        }
        self.print_value(v, verb, 0);
    }

    fn print_value(&mut self, v: &Value, verb: char, depth: usize) {
        // A value built by doubling shares its halves and prints exponentially: stop once
        // the text passes every limit its callers check (64 MiB of output).
        if self.buf.len() > MAX_PRINT {
            return;
        }
        match &v.kind {
            Kind::Invalid | Kind::Nil => {
                if depth == 0 {
                    self.pad_str("<nil>");
                } else if self.f.sharp_v {
                    self.buf.push_str("interface {}(nil)");
                } else {
                    self.pad_str("<nil>");
                }
            }
            Kind::Bool(b) => match verb {
                't' | 'v' => self.pad_str(if *b { "true" } else { "false" }),
                _ => self.bad_verb(v, verb),
            },
            Kind::Int(i) | Kind::Int64(i) => self.fmt_integer_verb(*i as u64, true, verb, v),
            Kind::Float(f) => self.fmt_float_verb(*f, verb, v),
            Kind::Str(s) => self.fmt_string_verb(s, verb, v),
            Kind::Bytes(bytes) => self.fmt_bytes(bytes, verb, v, depth),
            Kind::List(l) => {
                if l.elem == super::value::Elem::Byte && matches!(verb, 's' | 'q' | 'x' | 'X') {
                    let bytes: Vec<u8> = l
                        .items
                        .iter()
                        .map(|x| match x.kind {
                            Kind::Int(i) | Kind::Int64(i) => i as u8,
                            _ => 0,
                        })
                        .collect();
                    self.fmt_bytes(&bytes, verb, v, depth);
                    return;
                }
                if self.f.sharp_v {
                    self.buf.push_str(&v.type_name());
                    self.buf.push('{');
                    for (k, x) in l.items.iter().enumerate() {
                        if k > 0 {
                            self.buf.push_str(", ");
                        }
                        self.print_value(x, verb, depth + 1);
                    }
                    self.buf.push('}');
                } else {
                    self.buf.push('[');
                    for (k, x) in l.items.iter().enumerate() {
                        if k > 0 {
                            self.buf.push(' ');
                        }
                        self.print_value(x, verb, depth + 1);
                    }
                    self.buf.push(']');
                }
            }
            Kind::Map(m) => {
                if self.f.sharp_v {
                    self.buf.push_str(&v.type_name());
                    self.buf.push('{');
                } else {
                    self.buf.push_str("map[");
                }
                for (k, (key, x)) in m.entries.iter().enumerate() {
                    if k > 0 {
                        if self.f.sharp_v {
                            self.buf.push_str(", ");
                        } else {
                            self.buf.push(' ');
                        }
                    }
                    self.fmt_string_verb(key, verb, &Value::str(key.as_str()));
                    self.buf.push(':');
                    self.print_value(x, verb, depth + 1);
                }
                self.buf.push(if self.f.sharp_v { '}' } else { ']' });
            }
            Kind::Object(o) => match verb {
                'v' | 's' | 'q' | 'x' | 'X' => {
                    o.with_print(&mut |s| self.fmt_string_verb(s, verb, v));
                }
                _ => self.bad_verb(v, verb),
            },
        }
    }

    fn bad_verb(&mut self, v: &Value, verb: char) {
        let saved = self.f;
        self.f = Flags::default();
        self.buf.push_str("%!");
        self.buf.push(verb);
        self.buf.push('(');
        if v.is_nil() {
            self.buf.push_str("<nil>");
        } else {
            self.buf.push_str(&v.type_name());
            self.buf.push('=');
            self.print_value(v, 'v', 0);
        }
        self.buf.push(')');
        self.f = saved;
    }

    fn write_padding(&mut self, n: usize) {
        let c = if self.f.zero { '0' } else { ' ' };
        for _ in 0..n {
            self.buf.push(c);
        }
    }

    fn pad_str(&mut self, s: &str) {
        if self.buf.len() > MAX_PRINT {
            return;
        }
        let Some(w) = self.f.wid else {
            self.buf.push_str(s);
            return;
        };
        let n = s.chars().count();
        let fill = w.saturating_sub(n);
        if !self.f.minus {
            self.write_padding(fill);
            self.buf.push_str(s);
        } else {
            self.buf.push_str(s);
            let z = self.f.zero;
            self.f.zero = false;
            self.write_padding(fill);
            self.f.zero = z;
        }
    }

    fn fmt_s(&mut self, s: &str) {
        let s = self.truncate(s);
        self.pad_str(&s);
    }

    fn truncate<'s>(&self, s: &'s str) -> std::borrow::Cow<'s, str> {
        match self.f.prec {
            Some(p) => s.chars().take(p).collect(),
            None => s.into(),
        }
    }

    fn fmt_string_verb(&mut self, s: &str, verb: char, v: &Value) {
        match verb {
            'v' => {
                if self.f.sharp_v {
                    self.fmt_q(s);
                } else {
                    self.fmt_s(s);
                }
            }
            's' => self.fmt_s(s),
            'x' => self.fmt_sx(s.as_bytes(), false),
            'X' => self.fmt_sx(s.as_bytes(), true),
            'q' => self.fmt_q(s),
            _ => self.bad_verb(v, verb),
        }
    }

    fn fmt_q(&mut self, s: &str) {
        let s = self.truncate(s);
        if self.f.sharp && !s.contains('`') && s.chars().all(|c| c == '\t' || !c.is_control()) {
            let q = format!("`{s}`");
            self.pad_str(&q);
            return;
        }
        let mut out = String::new();
        append_quoted(&mut out, &s, '"', self.f.plus);
        self.pad_str(&out);
    }

    fn fmt_sx(&mut self, bytes: &[u8], upper: bool) {
        let digits: &[u8; 16] = if upper {
            b"0123456789ABCDEF"
        } else {
            b"0123456789abcdef"
        };
        let len = match self.f.prec {
            Some(p) => p.min(bytes.len()),
            None => bytes.len(),
        };
        let mut out = String::new();
        for (k, &c) in bytes[..len].iter().enumerate() {
            if self.f.space && k > 0 {
                out.push(' ');
            }
            if self.f.sharp && (self.f.space || k == 0) {
                out.push('0');
                out.push(if upper { 'X' } else { 'x' });
            }
            out.push(digits[(c >> 4) as usize] as char);
            out.push(digits[(c & 15) as usize] as char);
        }
        self.pad_str(&out);
    }

    fn fmt_bytes(&mut self, bytes: &[u8], verb: char, v: &Value, depth: usize) {
        match verb {
            'v' | 'd' => {
                if self.f.sharp_v {
                    self.buf.push_str("[]byte{");
                    for (k, c) in bytes.iter().enumerate() {
                        if k > 0 {
                            self.buf.push_str(", ");
                        }
                        self.buf.push_str(&format!("0x{c:x}"));
                    }
                    self.buf.push('}');
                } else if !self.f.plus
                    && !self.f.space
                    && self.f.wid.is_none()
                    && self.f.prec.is_none()
                {
                    push_byte_list(&mut self.buf, bytes);
                } else {
                    self.buf.push('[');
                    for (k, c) in bytes.iter().enumerate() {
                        if k > 0 {
                            self.buf.push(' ');
                        }
                        self.fmt_integer(*c as u64, 10, false, verb, false);
                    }
                    self.buf.push(']');
                }
            }
            's' => {
                let s = String::from_utf8_lossy(bytes).into_owned();
                self.fmt_s(&s);
            }
            'x' => self.fmt_sx(bytes, false),
            'X' => self.fmt_sx(bytes, true),
            'q' => {
                let s = String::from_utf8_lossy(bytes).into_owned();
                self.fmt_q(&s);
            }
            _ => {
                let _ = depth;
                self.buf.push('[');
                for (k, c) in bytes.iter().enumerate() {
                    if k > 0 {
                        self.buf.push(' ');
                    }
                    let _ = v;
                    self.fmt_integer_verb(*c as u64, false, verb, &Value::int(*c as i64));
                }
                self.buf.push(']');
            }
        }
    }

    fn fmt_integer_verb(&mut self, u: u64, signed: bool, verb: char, v: &Value) {
        match verb {
            'v' | 'd' => self.fmt_integer(u, 10, signed, verb, false),
            'b' => self.fmt_integer(u, 2, signed, verb, false),
            'o' | 'O' => self.fmt_integer(u, 8, signed, verb, false),
            'x' => self.fmt_integer(u, 16, signed, verb, false),
            'X' => self.fmt_integer(u, 16, signed, verb, true),
            'c' => {
                let c = char::from_u32(u as u32)
                    .filter(|_| u <= 0x10ffff)
                    .unwrap_or('\u{fffd}');
                let s = c.to_string();
                self.pad_str(&s);
            }
            'q' => {
                let c = char::from_u32(u as u32)
                    .filter(|_| u <= 0x10ffff)
                    .unwrap_or('\u{fffd}');
                let mut out = String::new();
                out.push('\'');
                append_escaped_rune(&mut out, c, '\'', self.f.plus);
                out.push('\'');
                self.pad_str(&out);
            }
            'U' => {
                let mut out = format!("U+{:04X}", u);
                if self.f.sharp
                    && let Some(c) = char::from_u32(u as u32).filter(|c| is_print(*c))
                {
                    out.push_str(&format!(" '{c}'"));
                }
                self.pad_str(&out);
            }
            _ => self.bad_verb(v, verb),
        }
    }

    fn fmt_integer(&mut self, u: u64, base: u32, signed: bool, verb: char, upper: bool) {
        let negative = signed && (u as i64) < 0;
        let mut mag = if negative {
            (u as i64).unsigned_abs()
        } else {
            u
        };
        let mut prec = 0usize;
        if let Some(p) = self.f.prec {
            prec = p;
            if prec == 0 && mag == 0 {
                let z = self.f.zero;
                self.f.zero = false;
                let w = self.f.wid.unwrap_or(0);
                self.write_padding(w);
                self.f.zero = z;
                return;
            }
        } else if self.f.zero && self.f.wid.is_some() {
            prec = self.f.wid.unwrap_or(0);
            if negative || self.f.plus || self.f.space {
                prec = prec.saturating_sub(1);
            }
        }
        let digits: &[u8] = if upper {
            b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        } else {
            b"0123456789abcdefghijklmnopqrstuvwxyz"
        };
        let mut rev: Vec<u8> = Vec::new();
        if mag == 0 {
            rev.push(b'0');
        }
        while mag > 0 {
            rev.push(digits[(mag % base as u64) as usize]);
            mag /= base as u64;
        }
        while rev.len() < prec {
            rev.push(b'0');
        }
        if self.f.sharp {
            match base {
                2 => rev.extend_from_slice(b"b0"),
                8 if rev.last() != Some(&b'0') => rev.push(b'0'),
                16 => {
                    rev.push(if upper { b'X' } else { b'x' });
                    rev.push(b'0');
                }
                _ => {}
            }
        }
        if verb == 'O' {
            rev.extend_from_slice(b"o0");
        }
        if negative {
            rev.push(b'-');
        } else if self.f.plus {
            rev.push(b'+');
        } else if self.f.space {
            rev.push(b' ');
        }
        rev.reverse();
        let s = String::from_utf8(rev).unwrap_or_default();
        let z = self.f.zero;
        self.f.zero = false;
        self.pad_str(&s);
        self.f.zero = z;
    }

    fn fmt_float_verb(&mut self, f: f64, verb: char, v: &Value) {
        match verb {
            'v' => self.fmt_float(f, 'g', -1),
            'b' | 'g' | 'G' | 'x' | 'X' => self.fmt_float(f, verb, -1),
            'f' | 'e' | 'E' | 'F' => self.fmt_float(f, verb, 6),
            _ => self.bad_verb(v, verb),
        }
    }

    fn fmt_float(&mut self, f: f64, verb: char, prec: i32) {
        let prec = self.f.prec.map(|p| p as i32).unwrap_or(prec);
        let fmt = match verb {
            'F' => b'f',
            'x' | 'X' | 'b' => b'g',
            c => c as u8,
        };
        let s = format_float(f, fmt, prec, 64);
        let mut num = if s.starts_with('-') || s.starts_with('+') {
            s
        } else {
            format!("+{s}")
        };
        if self.f.space && num.starts_with('+') && !self.f.plus {
            num.replace_range(0..1, " ");
        }
        let second = num.as_bytes().get(1).copied();
        if second == Some(b'I') || second == Some(b'N') {
            let z = self.f.zero;
            self.f.zero = false;
            if second == Some(b'N') && !self.f.space && !self.f.plus {
                num.remove(0);
            }
            self.pad_str(&num);
            self.f.zero = z;
            return;
        }
        if self.f.sharp && fmt != b'b' {
            let mut digits = match fmt {
                b'g' | b'G' => {
                    if prec < 0 {
                        6
                    } else {
                        prec
                    }
                }
                _ => 0,
            };
            let (body, tail) = match num.find(['e', 'E']) {
                Some(p) => (num[..p].to_string(), num[p..].to_string()),
                None => (num.clone(), String::new()),
            };
            let mut saw_nonzero = false;
            let mut has_point = false;
            for c in body[1..].chars() {
                match c {
                    '.' => has_point = true,
                    '0' => {
                        if saw_nonzero {
                            digits -= 1;
                        } else if has_point {
                            // leading zeros after the point do not count
                        } else {
                            digits -= 1;
                        }
                    }
                    '1'..='9' => {
                        saw_nonzero = true;
                        digits -= 1;
                    }
                    _ => {}
                }
            }
            let mut body = body;
            if !has_point {
                body.push('.');
            }
            if matches!(fmt, b'g' | b'G') {
                while digits > 0 {
                    body.push('0');
                    digits -= 1;
                }
            }
            num = body + &tail;
        }
        if self.f.plus || !num.starts_with('+') {
            if self.f.zero
                && !self.f.minus
                && let Some(w) = self.f.wid
                && w > num.len()
            {
                let (sign, rest) = num.split_at(1);
                self.buf.push_str(sign);
                self.write_padding(w - num.len());
                self.buf.push_str(rest);
                return;
            }
            self.pad_str(&num);
            return;
        }
        let rest = num[1..].to_string();
        self.pad_str(&rest);
    }
}

/// Parses `[n]` at `i`: Go's `argNumber`.
fn arg_number(
    arg_num: usize,
    format: &str,
    i: usize,
    num_args: usize,
    good: bool,
    reordered: &mut bool,
) -> (usize, usize, bool, bool) {
    let b = format.as_bytes();
    if i >= b.len() || b[i] != b'[' {
        return (arg_num, i, false, good);
    }
    *reordered = true;
    // find the closing bracket
    let mut j = i + 1;
    while j < b.len() && b[j] != b']' {
        j += 1;
    }
    if j >= b.len() {
        return (arg_num, i + 1, false, false);
    }
    let inner = &format[i + 1..j];
    match inner.parse::<usize>() {
        Ok(n) if n >= 1 && inner.bytes().all(|c| c.is_ascii_digit()) => {
            if n - 1 < num_args {
                (n - 1, j + 1, true, good)
            } else {
                (arg_num, j + 1, true, false)
            }
        }
        _ => (arg_num, j + 1, true, false),
    }
}

fn parse_num(b: &[u8], mut i: usize) -> (usize, bool, usize) {
    let start = i;
    let mut n: usize = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        n = n.saturating_mul(10).saturating_add((b[i] - b'0') as usize);
        if n > 1_000_000 {
            // Go refuses absurd widths the same way: no width at all.
            return (0, false, i + 1);
        }
        i += 1;
    }
    (n, i > start, i)
}

/// Go's `intFromArg`: the width or precision argument, which must be an int.
fn int_from_arg(args: &[Value], arg_num: usize) -> (i64, bool, usize) {
    match args.get(arg_num) {
        Some(v) => match v.kind {
            Kind::Int(i) | Kind::Int64(i) if i.unsigned_abs() <= 1_000_000 => {
                (i, true, arg_num + 1)
            }
            _ => (0, false, arg_num + 1),
        },
        None => (0, false, arg_num),
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

/// Appends `bytes` as Go's `%v` prints a `[]byte`: `[104 105]`. Large files printed through
/// `.Files` (a map of `[]byte`) make this hot, so it writes digits without formatting machinery.
pub fn push_byte_list(buf: &mut String, bytes: &[u8]) {
    let mut out = Vec::new();
    push_byte_list_bytes(&mut out, bytes);
    // Only ASCII digits, spaces and brackets were written.
    buf.push_str(std::str::from_utf8(&out).unwrap_or_default());
}

/// [`push_byte_list`] into a byte buffer: every byte is one 4-byte store of its text
/// (" <decimal>", padded) into room made beforehand, and the write position moves on by the
/// text's length, so no byte costs a copy call or a capacity check.
pub fn push_byte_list_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    /// Each byte as " <decimal>": the text (padded to 4 bytes) and its length.
    const SPACED: [([u8; 4], u8); 256] = {
        let mut t = [([0u8; 4], 0u8); 256];
        let mut b = 0;
        while b < 256 {
            let (d, n) = (b as u8, &mut t[b]);
            n.0[0] = b' ';
            n.1 = if d >= 100 {
                n.0[1] = b'0' + d / 100;
                n.0[2] = b'0' + (d / 10) % 10;
                n.0[3] = b'0' + d % 10;
                4
            } else if d >= 10 {
                n.0[1] = b'0' + d / 10;
                n.0[2] = b'0' + d % 10;
                3
            } else {
                n.0[1] = b'0' + d;
                2
            };
            b += 1;
        }
        t
    };
    let start = out.len();
    // `[`, at most 4 bytes per byte (the first one's space is dropped), `]`.
    out.resize(start + 4 * bytes.len() + 2, 0);
    out[start] = b'[';
    let mut at = start + 1;
    if let Some((&first, rest)) = bytes.split_first() {
        let (text, len) = &SPACED[first as usize];
        let len = *len as usize;
        out[at..at + len - 1].copy_from_slice(&text[1..len]);
        at += len - 1;
        for &c in rest {
            let (text, len) = &SPACED[c as usize];
            out[at..at + 4].copy_from_slice(text);
            at += *len as usize;
        }
    }
    out[at] = b']';
    out.truncate(at + 1);
}

#[cfg(test)]
mod byte_list_tests {
    use super::push_byte_list;

    #[test]
    fn byte_lists_print_as_go_prints_them() {
        let mut s = String::from("x");
        push_byte_list(&mut s, &[0, 9, 10, 99, 100, 255]);
        assert_eq!(s, "x[0 9 10 99 100 255]");
        let mut e = String::new();
        push_byte_list(&mut e, &[]);
        assert_eq!(e, "[]");
        let all: Vec<u8> = (0..=255).collect();
        let mut every = String::new();
        push_byte_list(&mut every, &all);
        let want: Vec<String> = all.iter().map(u8::to_string).collect();
        assert_eq!(every, format!("[{}]", want.join(" ")));
    }
}
