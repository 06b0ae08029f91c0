//! `toYaml` byte for byte: Helm marshals with sigs.k8s.io/yaml, which turns the value into
//! JSON, reads that JSON back with go-yaml v2 (integral numbers become ints again) and
//! emits it with go-yaml v2's libyaml-derived emitter at its defaults (indent 2, width 80,
//! unicode allowed, block style). This module reproduces that pipeline: the JSON retyping,
//! go-yaml's map key order, its scalar style choice (YAML 1.1-ambiguous strings
//! double-quoted, indicators single-quoted, multi-line strings as literal blocks) and the
//! emitter's layout and 80-column folding.

use super::gofmt::format_float;
use super::value::{Kind, Origin, Value};
use crate::yaml::{Style, resolve};

/// A value after the JSON round trip, as go-yaml v2 decodes it.
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
    /// A scalar read from a file: its printed bytes are marked with the origin.
    Marked(Box<Node>, Origin),
}

/// `sigs.k8s.io/yaml.Marshal(v)` (with its final newline), or the JSON error
/// (`json: unsupported value: NaN`).
pub fn marshal(v: &Value) -> Result<String, String> {
    marshal_marked(v).map(|(s, _)| s)
}

/// Where each scalar that came from a file was printed: `(start, end, origin)`.
pub type Marks = Vec<(u32, u32, Origin)>;

/// [`marshal`], with the output range of every scalar that has an origin.
pub fn marshal_marked(v: &Value) -> Result<(String, Marks), String> {
    super::json_out::too_large(v)?;
    let node = to_node(v, 0, true)?;
    let mut e = Emitter::new();
    e.emit_node(&node, true, false, false, false);
    // Document end (implicit): a line break unless already at the start of a line.
    e.write_indent();
    Ok((String::from_utf8(e.buf).unwrap_or_default(), e.marks))
}

/// [`to_yaml`], with the marks of [`marshal_marked`] (none past the trimmed end).
pub fn to_yaml_marked(v: &Value) -> (String, Marks) {
    match marshal_marked(v) {
        Ok((mut s, mut marks)) => {
            if s.ends_with('\n') {
                s.pop();
            }
            let len = s.len() as u32;
            marks.retain(|m| m.1 <= len);
            (s, marks)
        }
        Err(_) => (String::new(), Vec::new()),
    }
}

/// Helm's `toYaml`: the marshalled text with one trailing newline trimmed; `""` on error.
pub fn to_yaml(v: &Value) -> String {
    match marshal(v) {
        Ok(mut s) => {
            if s.ends_with('\n') {
                s.pop();
            }
            s
        }
        Err(_) => String::new(),
    }
}

const MAX_DEPTH: usize = 10_000;

/// Helm's `toYamlPretty`: go-yaml v3's encoder with indent 2 on the Go value itself (no
/// JSON step, so float64 numbers keep their `%v` form), sequences indented under their
/// key, no line folding; one trailing newline trimmed; `""` on error.
pub fn to_yaml_pretty(v: &Value) -> String {
    if super::json_out::too_large(v).is_err() {
        return String::new();
    }
    let Ok(node) = to_node(v, 0, false) else {
        return String::new();
    };
    let mut e = Emitter::new();
    e.best_width = usize::MAX;
    e.indent_sequences = true;
    e.emit_node(&node, true, false, false, false);
    e.write_indent();
    let mut s = String::from_utf8(e.buf).unwrap_or_default();
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

fn to_node(v: &Value, depth: usize, json: bool) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err("json: unsupported value: encountered a cycle".into());
    }
    let node = to_node_bare(v, depth, json)?;
    Ok(match (v.origin, &node) {
        (Some(o), n) if !matches!(n, Node::Seq(_) | Node::Map(_)) => {
            Node::Marked(Box::new(node), o)
        }
        _ => node,
    })
}

fn to_node_bare(v: &Value, depth: usize, json: bool) -> Result<Node, String> {
    Ok(match &v.kind {
        Kind::Invalid | Kind::Nil => Node::Null,
        Kind::Bool(b) => Node::Bool(*b),
        Kind::Int(i) | Kind::Int64(i) => Node::Int(*i),
        Kind::Float(f) if json => float_node(*f)?,
        Kind::Float(f) => Node::Float(*f),
        Kind::Str(s) => Node::Str(s.to_string()),
        Kind::Bytes(b) => Node::Str(super::json_out::base64_std(b)),
        Kind::List(l) => {
            let mut items = Vec::with_capacity(l.items.len());
            for x in &l.items {
                items.push(to_node(x, depth + 1, json)?);
            }
            Node::Seq(items)
        }
        Kind::Map(m) => {
            let mut entries = Vec::with_capacity(m.entries.len());
            for (k, x) in &m.entries {
                entries.push((k.clone(), to_node(x, depth + 1, json)?));
            }
            entries.sort_by(|a, b| key_order(&a.0, &b.0));
            Node::Map(entries)
        }
        Kind::Object(o) => Node::Str(o.print()),
    })
}

/// A float64 after `json.Marshal` and go-yaml's resolver: integral values below 1e21 were
/// printed without exponent, so they read back as ints (or uint64, or float when too big).
fn float_node(f: f64) -> Result<Node, String> {
    if f.is_nan() {
        return Err("json: unsupported value: NaN".into());
    }
    if f.is_infinite() {
        return Err(format!(
            "json: unsupported value: {}",
            if f > 0.0 { "+Inf" } else { "-Inf" }
        ));
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
            return Ok(Node::Int(f as i64));
        }
        if (0.0..1.844_674_407_370_955_2e19).contains(&f) {
            return Ok(Node::Uint(f as u64));
        }
    }
    Ok(Node::Float(f))
}

/// go-yaml v2's `keyList.Less` for string keys: letters compare by code point, a non-letter
/// sorts before a letter, and runs of digits compare numerically.
pub fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if key_less(a, b) {
        Ordering::Less
    } else if key_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn key_less(a: &str, b: &str) -> bool {
    // Keys are sorted often (every `toYaml`): compare from the first differing character without
    // collecting characters (the character walk below is Go's `keyLess` on runes).
    let same = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    let mut at = same;
    while !a.is_char_boundary(at) {
        at -= 1;
    }
    let (before, ra, rb) = (&a[..at], &a[at..], &b[at..]);
    let (Some(ca), Some(cb)) = (ra.chars().next(), rb.chars().next()) else {
        return ra.is_empty() && !rb.is_empty();
    };
    let al = ca.is_alphabetic();
    let bl = cb.is_alphabetic();
    if al && bl {
        return ca < cb;
    }
    if al || bl {
        return bl;
    }
    let mut an: i64 = 0;
    let mut bn: i64 = 0;
    if ca == '0' || cb == '0' {
        for c in before.chars().rev() {
            if !is_go_digit(c) {
                break;
            }
            if c != '0' {
                an = 1;
                bn = 1;
                break;
            }
        }
    }
    let number = |s: &str, mut n: i64| {
        let mut digits = 0usize;
        for c in s.chars().take_while(|&c| is_go_digit(c)) {
            n = n.wrapping_mul(10).wrapping_add(c as i64 - '0' as i64);
            digits += 1;
        }
        (n, digits)
    };
    let (an, ad) = number(ra, an);
    let (bn, bd) = number(rb, bn);
    if an != bn {
        return an < bn;
    }
    if ad != bd {
        return ad < bd;
    }
    ca < cb
}

/// `unicode.IsDigit`: decimal digits of any script.
fn is_go_digit(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    is_unicode_nd(c)
}

fn is_unicode_nd(c: char) -> bool {
    // Decimal digit blocks (category Nd) outside ASCII: each block is ten consecutive
    // code points starting at these values.
    const STARTS: &[u32] = &[
        0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6,
        0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
        0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0,
        0xff10,
    ];
    let u = c as u32;
    STARTS.iter().any(|&s| u >= s && u < s + 10)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ScalarStyle {
    Plain,
    Single,
    Double,
    Literal,
}

#[derive(Debug, PartialEq)]
struct Analysis {
    multiline: bool,
    flow_plain_allowed: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

struct Emitter {
    buf: Vec<u8>,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
    mapping_context: bool,
    simple_key_context: bool,
    best_indent: i32,
    best_width: usize,
    /// go-yaml v3 indents a block sequence under its mapping key.
    indent_sequences: bool,
    /// Output ranges of [`Node::Marked`] scalars.
    marks: Marks,
}

fn width(b: u8) -> usize {
    if b & 0x80 == 0 {
        1
    } else if b & 0xE0 == 0xC0 {
        2
    } else if b & 0xF0 == 0xE0 {
        3
    } else if b & 0xF8 == 0xF0 {
        4
    } else {
        1
    }
}

fn at(v: &[u8], i: usize) -> u8 {
    v.get(i).copied().unwrap_or(0)
}

fn is_space(v: &[u8], i: usize) -> bool {
    at(v, i) == b' '
}

fn is_blank(v: &[u8], i: usize) -> bool {
    matches!(at(v, i), b' ' | b'\t')
}

fn is_break(v: &[u8], i: usize) -> bool {
    let b = at(v, i);
    b == b'\r'
        || b == b'\n'
        || (b == 0xC2 && at(v, i + 1) == 0x85)
        || (b == 0xE2 && at(v, i + 1) == 0x80 && (at(v, i + 2) == 0xA8 || at(v, i + 2) == 0xA9))
}

fn is_blankz(v: &[u8], i: usize) -> bool {
    is_blank(v, i) || is_break(v, i) || at(v, i) == 0
}

fn is_printable(v: &[u8], i: usize) -> bool {
    let b = at(v, i);
    let b1 = at(v, i + 1);
    let b2 = at(v, i + 2);
    b == 0x0A
        || (0x20..=0x7E).contains(&b)
        || (b == 0xC2 && b1 >= 0xA0)
        || (b > 0xC2 && b < 0xED)
        || (b == 0xED && b1 < 0xA0)
        || b == 0xEE
        || (b == 0xEF && !(b1 == 0xBB && b2 == 0xBF) && !(b1 == 0xBF && (b2 == 0xBE || b2 == 0xBF)))
}

fn is_bom(v: &[u8]) -> bool {
    v.starts_with(&[0xEF, 0xBB, 0xBF])
}

fn analyze(value: &[u8]) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain_allowed: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    // Most scalars are words, names, paths and plain sentences: nothing in them limits the
    // style (a space only does at either end, or next to a break or an indicator).
    let word = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'/');
    if word(value[0])
        && value[value.len() - 1] != b' '
        && value[1..]
            .iter()
            .all(|&c| word(c) || matches!(c, b'.' | b'-' | b' '))
    {
        return Analysis {
            multiline: false,
            flow_plain_allowed: true,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: true,
        };
    }
    analyze_scalar(value)
}

/// libyaml's `yaml_emitter_analyze_scalar`: which styles can write `value` (not empty).
fn analyze_scalar(value: &[u8]) -> Analysis {
    let mut block_indicators = false;
    let mut flow_indicators = false;
    let mut line_breaks = false;
    let mut special_characters = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut previous_space = false;
    let mut previous_break = false;

    if value.starts_with(b"---") || value.starts_with(b"...") {
        block_indicators = true;
        flow_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let mut i = 0;
    while i < value.len() {
        let w = width(value[i]);
        let followed_by_whitespace = i + w >= value.len() || is_blank(value, i + w);
        if i == 0 {
            match value[i] {
                b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>'
                | b'\'' | b'"' | b'%' | b'@' | b'`' => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                b'?' | b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'-' if followed_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        } else {
            match value[i] {
                b',' | b'?' | b'[' | b']' | b'{' | b'}' => flow_indicators = true,
                b':' => {
                    flow_indicators = true;
                    if followed_by_whitespace {
                        block_indicators = true;
                    }
                }
                b'#' if preceded_by_whitespace => {
                    flow_indicators = true;
                    block_indicators = true;
                }
                _ => {}
            }
        }
        if !is_printable(value, i) {
            special_characters = true;
        }
        if is_space(value, i) {
            if i == 0 {
                leading_space = true;
            }
            if i + w == value.len() {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(value, i) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + w == value.len() {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(value, i);
        i += w;
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain_allowed: true,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks {
        a.flow_plain_allowed = false;
        a.block_plain_allowed = false;
    }
    if flow_indicators {
        a.flow_plain_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The style go-yaml's encoder asks for a string: literal when it has a line break,
/// double-quoted when plain text would read back as something else (a bool, number, null,
/// timestamp or base-60 float), plain otherwise.
fn requested_style(s: &str) -> ScalarStyle {
    if s.contains('\n') {
        ScalarStyle::Literal
    } else if resolves_to_non_string(s) {
        ScalarStyle::Double
    } else {
        ScalarStyle::Plain
    }
}

/// Whether a plain scalar with this text would not read back as a string in go-yaml v2.
pub fn resolves_to_non_string(s: &str) -> bool {
    resolve(s, Style::Plain, None) != crate::yaml::Value::Str
        || is_timestamp(s)
        || is_base60_float(s)
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        // [0-5]?[0-9]
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() && i - st < 2 {
            i += 1;
        }
        match i - st {
            1 => {}
            2 => {
                if b[st] > b'5' {
                    // Only one digit may match; backtracking would take [0-9] = b[st].
                    i = st + 1;
                }
            }
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml v2's timestamp formats, as `time.Parse` accepts them: `2006-1-2`,
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`) and `2006-1-2 15:4:5.999999999`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, min: usize, max: usize| -> Option<u32> {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - st < max {
            *i += 1;
        }
        if *i - st < min {
            return None;
        }
        s[st..*i].parse().ok()
    };
    let Some(year) = num(&mut i, 4, 4) else {
        return false;
    };
    if at(b, i) != b'-' {
        return false;
    }
    i += 1;
    let Some(month) = num(&mut i, 1, 2) else {
        return false;
    };
    if at(b, i) != b'-' {
        return false;
    }
    i += 1;
    let Some(day) = num(&mut i, 1, 2) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(year, month) {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let sep = b[i];
    if !matches!(sep, b'T' | b't' | b' ') {
        return false;
    }
    i += 1;
    let time = |i: &mut usize| -> bool {
        let Some(h) = num(i, 1, 2) else { return false };
        if at(b, *i) != b':' {
            return false;
        }
        *i += 1;
        let Some(m) = num(i, 1, 2) else { return false };
        if at(b, *i) != b':' {
            return false;
        }
        *i += 1;
        let Some(sec) = num(i, 1, 2) else {
            return false;
        };
        if h >= 24 || m >= 60 || sec >= 60 {
            return false;
        }
        if at(b, *i) == b'.' || at(b, *i) == b',' {
            let st = *i + 1;
            let mut j = st;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
            if j == st {
                return false;
            }
            *i = j;
        }
        true
    };
    if !time(&mut i) {
        return false;
    }
    if sep == b' ' {
        return i == b.len();
    }
    match at(b, i) {
        b'Z' => i + 1 == b.len(),
        b'+' | b'-' => {
            let r = &b[i + 1..];
            r.len() == 5
                && r[0].is_ascii_digit()
                && r[1].is_ascii_digit()
                && r[2] == b':'
                && r[3].is_ascii_digit()
                && r[4].is_ascii_digit()
                && (r[0] - b'0') * 10 + (r[1] - b'0') < 24
                && (r[3] - b'0') * 10 + (r[4] - b'0') < 60
        }
        _ => false,
    }
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) {
                29
            } else {
                28
            }
        }
    }
}

impl Emitter {
    fn new() -> Emitter {
        Emitter {
            buf: Vec::new(),
            column: 0,
            indent: -1,
            indents: Vec::new(),
            whitespace: true,
            indention: true,
            mapping_context: false,
            simple_key_context: false,
            best_indent: 2,
            best_width: 80,
            indent_sequences: false,
            marks: Vec::new(),
        }
    }

    fn put(&mut self, b: u8) {
        self.buf.push(b);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.buf.push(b'\n');
        self.column = 0;
    }

    /// Writes the run of ASCII characters at `i` up to a break (or a space, with
    /// `spaces_end`) at once, one column each as [`Self::write`] counts them; with no such run,
    /// one character.
    fn write_ascii_run(&mut self, v: &[u8], i: &mut usize, spaces_end: bool) {
        let run = v[*i..]
            .iter()
            .take_while(|&&b| {
                b.is_ascii() && b != b'\r' && b != b'\n' && !(spaces_end && b == b' ')
            })
            .count();
        if run == 0 {
            return self.write(v, i);
        }
        self.buf.extend_from_slice(&v[*i..*i + run]);
        self.column += run;
        *i += run;
    }

    /// Copies one character of `v` at `*i`.
    fn write(&mut self, v: &[u8], i: &mut usize) {
        let w = width(v[*i]).min(v.len() - *i);
        self.buf.extend_from_slice(&v[*i..*i + w]);
        self.column += 1;
        *i += w;
    }

    fn write_all(&mut self, s: &[u8]) {
        let mut i = 0;
        while i < s.len() {
            self.write(s, &mut i);
        }
    }

    fn write_break(&mut self, v: &[u8], i: &mut usize) {
        if v[*i] == b'\n' {
            self.put_break();
            *i += 1;
        } else {
            self.write(v, i);
            self.column = 0;
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            self.indent += self.best_indent;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(b' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        ind: &[u8],
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(b' ');
        }
        self.write_all(ind);
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn emit_node(
        &mut self,
        node: &Node,
        _root: bool,
        sequence: bool,
        mapping: bool,
        simple_key: bool,
    ) {
        let _ = sequence;
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match node {
            Node::Null => self.emit_scalar("null", ScalarStyle::Plain),
            Node::Bool(b) => {
                self.emit_scalar(if *b { "true" } else { "false" }, ScalarStyle::Plain)
            }
            Node::Int(i) => self.emit_scalar(&i.to_string(), ScalarStyle::Plain),
            Node::Uint(u) => self.emit_scalar(&u.to_string(), ScalarStyle::Plain),
            Node::Float(f) => {
                let s = format_float(*f, b'g', -1, 64);
                let s = match s.as_str() {
                    "+Inf" => ".inf".to_string(),
                    "-Inf" => "-.inf".to_string(),
                    "NaN" => ".nan".to_string(),
                    _ => s,
                };
                self.emit_scalar(&s, ScalarStyle::Plain)
            }
            Node::Str(s) => self.emit_scalar(s, requested_style(s)),
            Node::Marked(inner, origin) => {
                let start = self.buf.len();
                self.emit_node(inner, _root, sequence, mapping, simple_key);
                let text = &self.buf[start..];
                let lead = text
                    .iter()
                    .take_while(|b| matches!(b, b' ' | b'\n'))
                    .count();
                if start + lead < self.buf.len() {
                    self.marks
                        .push(((start + lead) as u32, self.buf.len() as u32, *origin));
                }
            }
            Node::Seq(items) => {
                if items.is_empty() {
                    self.write_indicator(b"[", true, true, false);
                    self.write_indicator(b"]", false, false, false);
                    return;
                }
                let indentless = self.mapping_context && !self.indention && !self.indent_sequences;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator(b"-", true, false, true);
                    self.emit_node(item, false, true, false, false);
                }
                self.pop_indent();
            }
            Node::Map(entries) => {
                if entries.is_empty() {
                    self.write_indicator(b"{", true, true, false);
                    self.write_indicator(b"}", false, false, false);
                    return;
                }
                self.increase_indent(false, false);
                for (k, v) in entries {
                    self.write_indent();
                    let a = analyze(k.as_bytes());
                    let simple = !a.multiline && k.len() <= 128;
                    if simple {
                        self.emit_node(&Node::Str(k.clone()), false, false, true, true);
                        self.write_indicator(b":", false, false, false);
                    } else {
                        self.write_indicator(b"?", true, false, true);
                        self.emit_node(&Node::Str(k.clone()), false, false, true, false);
                        self.write_indent();
                        self.write_indicator(b":", true, false, true);
                    }
                    self.emit_node(v, false, false, true, false);
                }
                self.pop_indent();
            }
        }
    }

    fn emit_scalar(&mut self, value: &str, requested: ScalarStyle) {
        let v = value.as_bytes();
        let a = analyze(v);
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = ScalarStyle::Double;
        }
        if style == ScalarStyle::Plain {
            if !a.block_plain_allowed {
                style = ScalarStyle::Single;
            }
            if v.is_empty() && self.simple_key_context {
                style = ScalarStyle::Single;
            }
        }
        if style == ScalarStyle::Single && !a.single_quoted_allowed {
            style = ScalarStyle::Double;
        }
        if style == ScalarStyle::Literal && (!a.block_allowed || self.simple_key_context) {
            style = ScalarStyle::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            ScalarStyle::Plain => self.write_plain(v, allow_breaks),
            ScalarStyle::Single => self.write_single(v, allow_breaks),
            ScalarStyle::Double => self.write_double(v, allow_breaks),
            ScalarStyle::Literal => self.write_literal(v),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, v: &[u8], allow_breaks: bool) {
        if !self.whitespace {
            self.put(b' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < v.len() {
            if is_space(v, i) {
                if allow_breaks && !spaces && self.column > self.best_width && !is_space(v, i + 1) {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(v, &mut i);
                }
                spaces = true;
            } else if is_break(v, i) {
                if !breaks && v[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(v, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write_ascii_run(v, &mut i, true);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, v: &[u8], allow_breaks: bool) {
        self.write_indicator(b"'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < v.len() {
            if is_space(v, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i < v.len() - 1
                    && !is_space(v, i + 1)
                {
                    self.write_indent();
                    i += 1;
                } else {
                    self.write(v, &mut i);
                }
                spaces = true;
            } else if is_break(v, i) {
                if !breaks && v[i] == b'\n' {
                    self.put_break();
                }
                self.write_break(v, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if v[i] == b'\'' {
                    self.put(b'\'');
                }
                self.write(v, &mut i);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator(b"'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, v: &[u8], allow_breaks: bool) {
        let mut spaces = false;
        self.write_indicator(b"\"", true, false, false);
        let bom = is_bom(v);
        let mut i = 0;
        while i < v.len() {
            if !is_printable(v, i) || bom || is_break(v, i) || v[i] == b'"' || v[i] == b'\\' {
                let mut octet = v[i];
                let (mut w, mut c): (usize, u32) = if octet & 0x80 == 0 {
                    (1, (octet & 0x7F) as u32)
                } else if octet & 0xE0 == 0xC0 {
                    (2, (octet & 0x1F) as u32)
                } else if octet & 0xF0 == 0xE0 {
                    (3, (octet & 0x0F) as u32)
                } else if octet & 0xF8 == 0xF0 {
                    (4, (octet & 0x07) as u32)
                } else {
                    (1, octet as u32)
                };
                for k in 1..w {
                    octet = at(v, i + k);
                    c = (c << 6) + (octet as u32 & 0x3F);
                }
                i += w;
                self.put(b'\\');
                match c {
                    0x00 => self.put(b'0'),
                    0x07 => self.put(b'a'),
                    0x08 => self.put(b'b'),
                    0x09 => self.put(b't'),
                    0x0A => self.put(b'n'),
                    0x0B => self.put(b'v'),
                    0x0C => self.put(b'f'),
                    0x0D => self.put(b'r'),
                    0x1B => self.put(b'e'),
                    0x22 => self.put(b'"'),
                    0x5C => self.put(b'\\'),
                    0x85 => self.put(b'N'),
                    0xA0 => self.put(b'_'),
                    0x2028 => self.put(b'L'),
                    0x2029 => self.put(b'P'),
                    _ => {
                        if c <= 0xFF {
                            self.put(b'x');
                            w = 2;
                        } else if c <= 0xFFFF {
                            self.put(b'u');
                            w = 4;
                        } else {
                            self.put(b'U');
                            w = 8;
                        }
                        let mut k = (w as i32 - 1) * 4;
                        while k >= 0 {
                            let d = ((c >> k) & 0x0F) as u8;
                            self.put(if d < 10 { d + b'0' } else { d + b'A' - 10 });
                            k -= 4;
                        }
                    }
                }
                spaces = false;
            } else if is_space(v, i) {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i < v.len() - 1
                {
                    self.write_indent();
                    if is_space(v, i + 1) {
                        self.put(b'\\');
                    }
                    i += 1;
                } else {
                    self.write(v, &mut i);
                }
                spaces = true;
            } else {
                self.write(v, &mut i);
                spaces = false;
            }
        }
        self.write_indicator(b"\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_block_hints(&mut self, v: &[u8]) {
        if is_space(v, 0) || is_break(v, 0) {
            let hint = [b'0' + self.best_indent as u8];
            self.write_indicator(&hint, false, false, false);
        }
        let mut chomp: Option<u8> = None;
        if v.is_empty() {
            chomp = Some(b'-');
        } else {
            let mut i = v.len() - 1;
            while i > 0 && v[i] & 0xC0 == 0x80 {
                i -= 1;
            }
            if !is_break(v, i) {
                chomp = Some(b'-');
            } else if i == 0 {
                chomp = Some(b'+');
            } else {
                i -= 1;
                while i > 0 && v[i] & 0xC0 == 0x80 {
                    i -= 1;
                }
                if is_break(v, i) {
                    chomp = Some(b'+');
                }
            }
        }
        if let Some(c) = chomp {
            self.write_indicator(&[c], false, false, false);
        }
    }

    fn write_literal(&mut self, v: &[u8]) {
        self.write_indicator(b"|", true, false, false);
        self.write_block_hints(v);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut i = 0;
        while i < v.len() {
            if is_break(v, i) {
                self.write_break(v, &mut i);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.write_ascii_run(v, &mut i, false);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn s(x: &str) -> Value {
        Value::str(x)
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        let mut m = BTreeMap::new();
        for (k, v) in entries {
            m.insert(k.to_string(), v.clone());
        }
        Value::map(m)
    }

    #[test]
    fn scalars_at_the_top() {
        assert_eq!(to_yaml(&s("s")), "s");
        assert_eq!(to_yaml(&Value::int(1)), "1");
        assert_eq!(to_yaml(&Value::nil()), "null");
        assert_eq!(to_yaml(&s("")), "\"\"");
        assert_eq!(to_yaml(&s("a\nb")), "|-\n  a\n  b");
        assert_eq!(to_yaml(&Value::float(1e6)), "1000000");
        assert_eq!(to_yaml(&Value::float(1.5)), "1.5");
        assert_eq!(to_yaml(&Value::float(1e21)), "1e+21");
        assert_eq!(to_yaml(&Value::float(1e-7)), "1e-07");
        assert_eq!(to_yaml(&Value::float(-0.0)), "0");
        assert_eq!(to_yaml(&Value::float(f64::NAN)), "");
    }

    #[test]
    fn quoting() {
        for (input, want) in [
            ("it's", "it's"),
            ("say \"hi\"", "say \"hi\""),
            ("a: b", "'a: b'"),
            ("x:", "'x:'"),
            (":x", ":x"),
            ("? x", "'? x'"),
            ("a #b", "'a #b'"),
            ("x#y", "x#y"),
            ("#x", "'#x'"),
            ("-", "'-'"),
            ("- x", "'- x'"),
            ("---", "'---'"),
            ("a---", "a---"),
            ("*star", "'*star'"),
            ("a,b", "a,b"),
            (" lead", "' lead'"),
            ("trail ", "'trail '"),
            ("a\tb", "\"a\\tb\""),
            ("a\u{1}b", "\"a\\x01b\""),
            ("x\r\ny", "\"x\\r\\ny\""),
            ("héllo ☃", "héllo ☃"),
            ("yes", "\"yes\""),
            ("on", "\"on\""),
            ("1.0", "\"1.0\""),
            ("0755", "\"0755\""),
            ("08", "\"08\""),
            ("2020-01-01", "\"2020-01-01\""),
            ("12:30:00", "\"12:30:00\""),
            ("1:20", "\"1:20\""),
            ("NaN", "NaN"),
            ("v1", "v1"),
            ("1.0.0", "1.0.0"),
            ("1e", "1e"),
            ("=", "="),
            ("~", "\"~\""),
            ("null", "\"null\""),
        ] {
            assert_eq!(to_yaml(&s(input)), want, "{input:?}");
        }
    }

    #[test]
    fn literal_blocks() {
        assert_eq!(
            to_yaml(&map(&[("k", s("line1\nline2\n"))])),
            "k: |\n  line1\n  line2"
        );
        assert_eq!(
            to_yaml(&map(&[("k", s("line1\nline2"))])),
            "k: |-\n  line1\n  line2"
        );
        assert_eq!(
            to_yaml(&map(&[("k", s("line1\nline2\n\n"))])),
            "k: |+\n  line1\n  line2\n"
        );
        assert_eq!(
            to_yaml(&map(&[("k", s("  indented\nline2\n"))])),
            "k: |2\n    indented\n  line2"
        );
        assert_eq!(
            to_yaml(&map(&[("k", s("line1 \nline2"))])),
            "k: \"line1 \\nline2\""
        );
    }

    // Non-ASCII text and a Unicode line separator in a literal block, as plimsoll's
    // character-by-character writer printed them.
    #[test]
    fn literal_blocks_with_non_ascii_text() {
        assert_eq!(
            to_yaml(&map(&[("k", s("héllo wörld x\nab\u{2028}cd\né end\n"))])),
            "k: |\n  héllo wörld x\n  ab\u{2028}  cd\n  é end"
        );
    }

    #[test]
    fn layout() {
        let v = map(&[
            ("list", Value::list(vec![s("a"), s("b")])),
            ("m", map(&[("x", Value::int(1))])),
            ("e", Value::list(vec![])),
            ("em", map(&[])),
            (
                "lm",
                Value::list(vec![map(&[("name", s("a")), ("value", Value::int(1))])]),
            ),
            (
                "nested",
                Value::list(vec![Value::list(vec![Value::int(1), Value::int(2)])]),
            ),
        ]);
        assert_eq!(
            to_yaml(&v),
            "e: []\nem: {}\nlist:\n- a\n- b\nlm:\n- name: a\n  value: 1\nm:\n  x: 1\nnested:\n- - 1\n  - 2"
        );
    }

    #[test]
    fn natural_key_order() {
        let mut keys = vec![
            "a10", "a9", "b", "alpha", "A", "1", "-x", "Z", "a_b", "a1", "a01", "a2", "aB", "é",
        ];
        keys.sort_by(|a, b| key_order(a, b));
        assert_eq!(
            keys,
            vec![
                "-x", "1", "A", "Z", "a_b", "a1", "a01", "a2", "a9", "a10", "aB", "alpha", "b", "é"
            ]
        );
    }

    #[test]
    fn pretty_indents_sequences_and_keeps_floats() {
        let v = map(&[
            (
                "a",
                map(&[("b", Value::list(vec![Value::int(1), Value::int(2)]))]),
            ),
            ("big", Value::float(1e6)),
            ("s", s("yes")),
        ]);
        assert_eq!(
            to_yaml_pretty(&v),
            "a:\n  b:\n    - 1\n    - 2\nbig: 1e+06\ns: \"yes\""
        );
    }

    #[test]
    fn complex_keys() {
        let long = "k".repeat(130);
        assert_eq!(
            to_yaml(&map(&[(long.as_str(), Value::int(2))])),
            format!("? {long}\n: 2")
        );
        assert_eq!(to_yaml(&map(&[("", Value::int(1))])), "\"\": 1");
        assert_eq!(
            to_yaml(&map(&[("multi\nkey", Value::int(3))])),
            "? |-\n  multi\n  key\n: 3"
        );
    }

    #[test]
    fn folding_at_80_columns() {
        let words = "word ".repeat(30);
        let words = words.trim_end();
        let out = to_yaml(&map(&[("k", s(words))]));
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.len() > 1, "{out}");
        assert!(lines[1].starts_with("  word"), "{out}");
        // No single spaces: never folded.
        let url = format!("https://example.com/{}", "x".repeat(120));
        assert_eq!(to_yaml(&map(&[("k", s(&url))])), format!("k: {url}"));
    }

    // Columns count characters, not bytes: checked against plimsoll's character-by-character
    // writer (and helm v3.17.1) on a chart printing this value with `toYaml`.
    #[test]
    fn folding_counts_characters() {
        let words = ["héllo", "wörld", "ab"].repeat(12).join(" ");
        assert_eq!(
            to_yaml(&map(&[("k", s(&words))])),
            "k: héllo wörld ab héllo wörld ab héllo wörld ab héllo wörld ab héllo wörld ab héllo\n  wörld ab héllo wörld ab héllo wörld ab héllo wörld ab héllo wörld ab héllo wörld\n  ab héllo wörld ab"
        );
    }
}

#[cfg(test)]
mod scalar_tests {
    use super::{analyze, analyze_scalar, is_go_digit, key_less};

    /// Go's `keyLess` transcribed rune by rune, to check the fast comparison against.
    fn key_less_reference(a: &str, b: &str) -> bool {
        let ar: Vec<char> = a.chars().collect();
        let br: Vec<char> = b.chars().collect();
        let mut i = 0;
        while i < ar.len() && i < br.len() {
            if ar[i] == br[i] {
                i += 1;
                continue;
            }
            let al = ar[i].is_alphabetic();
            let bl = br[i].is_alphabetic();
            if al && bl {
                return ar[i] < br[i];
            }
            if al || bl {
                return bl;
            }
            let mut an: i64 = 0;
            let mut bn: i64 = 0;
            if ar[i] == '0' || br[i] == '0' {
                let mut j = i;
                while j > 0 {
                    j -= 1;
                    if !is_go_digit(ar[j]) {
                        break;
                    }
                    if ar[j] != '0' {
                        an = 1;
                        bn = 1;
                        break;
                    }
                }
            }
            let mut ai = i;
            while ai < ar.len() && is_go_digit(ar[ai]) {
                an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
                ai += 1;
            }
            let mut bi = i;
            while bi < br.len() && is_go_digit(br[bi]) {
                bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
                bi += 1;
            }
            if an != bn {
                return an < bn;
            }
            if ai != bi {
                return ai < bi;
            }
            return ar[i] < br[i];
        }
        ar.len() < br.len()
    }

    #[test]
    fn key_less_agrees_with_gos_rune_walk() {
        let alphabet = [
            "a", "b", "B", "0", "1", "9", "00", "10", "-", "_", ".", "é", "٣", "日", "",
        ];
        let mut keys = Vec::new();
        for x in alphabet {
            for y in alphabet {
                for z in ["", "0", "a", "2"] {
                    keys.push(format!("{x}{y}{z}"));
                    keys.push(format!("k{x}{z}{y}"));
                }
            }
        }
        for a in &keys {
            for b in &keys {
                assert_eq!(key_less(a, b), key_less_reference(a, b), "{a:?} < {b:?}");
            }
        }
    }

    #[test]
    fn word_scalars_take_the_short_analysis_with_the_same_result() {
        let words = [
            "a",
            "nginx",
            "v1.2.3",
            "docker.io/bitnami/nginx",
            "a-b_c",
            "0",
            "1.5",
            "x-",
            "a.",
            "_x",
            "/",
            "/etc/a-b",
            "Z9",
            "a..b",
            "a--b",
            "a b",
            "Hello world. It is a-ok",
            "a  b",
            "x - y",
            "a -b",
            "a .b",
            "/a b/c d",
        ];
        for w in words {
            assert_eq!(analyze(w.as_bytes()), analyze_scalar(w.as_bytes()), "{w:?}");
        }
        // Outside the short path: indicators and spaces still limit the style.
        for s in [
            "-a", ".a", "...", "---", "a: b", "a#b", "a,b", "a ", "a b ", " a", "a #b", "a\tb",
            "a\nb", "a b:", "é b", "a é",
        ] {
            assert_eq!(analyze(s.as_bytes()), analyze_scalar(s.as_bytes()), "{s:?}");
        }
        assert!(!analyze(b"a: b").block_plain_allowed);
        assert!(!analyze(b"a,b").flow_plain_allowed);
    }
}
