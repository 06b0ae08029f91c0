//! A recursive-descent PromQL parser that reports the first error the way Prometheus does:
//! the same message ("unexpected <by> in aggregation", "unknown function with name …",
//! "expected type range vector in call to function \"rate\", got instant vector") at the same
//! byte offset, and builds a syntax tree with byte ranges for the analyses.
//!
//! Prometheus's generated LALR parser reports a grammar error at the first token that cannot
//! continue the expression, and names the innermost construct that has an error production
//! (label matching, grouping, offset, `@`, range/subquery brackets, aggregation). This parser
//! mirrors those constructs; the grammar follows Prometheus 3.x (duration arithmetic in brackets
//! and `offset`, quoted UTF-8 names, `smoothed`/`anchored`, `fill` modifiers).

use super::ast::*;
use super::functions;
use super::goregex;
use super::lex::{self, Aggr, Kind, LexError, Token};

/// A parse error: Prometheus's message and the byte offset it reports (inside the expression).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub pos: usize,
    pub message: String,
}

impl ParseError {
    /// `line:col` as Prometheus prints it: 1-based line, 1-based byte column within the line.
    pub fn line_col(&self, src: &str) -> (usize, usize) {
        let pos = self.pos.min(src.len());
        let before = &src.as_bytes()[..pos];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|i| i + 1)
            .unwrap_or(0);
        (line, pos - line_start + 1)
    }
}

impl From<LexError> for ParseError {
    fn from(e: LexError) -> Self {
        ParseError {
            pos: e.pos,
            message: e.message,
        }
    }
}

type R<T> = Result<T, ParseError>;

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    lex_error: Option<LexError>,
    i: usize,
    /// Errors found while parsing that do not stop the parse (unknown function, bad duration).
    errors: Vec<ParseError>,
    /// Depth of aggregations being parsed: Prometheus's `aggregate_op error` production
    /// catches errors anywhere inside them.
    in_aggr: usize,
    /// Nesting depth, bounded so hostile input cannot exhaust the stack.
    depth: usize,
}

/// Deeper expressions are rejected (Prometheus has no limit; real rules stay far below).
const MAX_DEPTH: usize = 256;

const PREC_POW: u8 = 6;

fn binary_prec(k: Kind) -> Option<(u8, bool)> {
    Some(match k {
        Kind::Lor => (1, false),
        Kind::Land | Kind::Lunless => (2, false),
        Kind::EqlC | Kind::Neq | Kind::Lte | Kind::Lss | Kind::Gte | Kind::Gtr => (3, false),
        Kind::Add | Kind::Sub => (4, false),
        Kind::Mul | Kind::Div | Kind::Mod | Kind::Atan2 => (5, false),
        Kind::Pow => (PREC_POW, true),
        _ => return None,
    })
}

/// Go's `%q`, with `%.10q...` for long values as Prometheus's item printer does.
fn quoted(val: &str) -> String {
    if val.len() > 10 {
        let short: String = val.chars().take(10).collect();
        format!("\"{}\"...", lex::go_escape(&short))
    } else {
        format!("\"{}\"", lex::go_escape(val))
    }
}

/// How Prometheus describes a token in "unexpected …" messages.
pub fn describe(t: &Token, src: &str) -> String {
    let text = t.text(src);
    match t.kind {
        Kind::Eof => "end of input".into(),
        Kind::Ident => format!("identifier \"{}\"", lex::go_escape(text)),
        Kind::MetricIdent => format!("metric identifier \"{}\"", lex::go_escape(text)),
        Kind::Str => format!("string {}", quoted(text)),
        Kind::Number => format!("number {}", quoted(text)),
        Kind::Duration => format!("duration {}", quoted(text)),
        Kind::Aggr(_) => format!("<aggr:{text}>"),
        Kind::Start | Kind::End | Kind::Step | Kind::Range => format!("\"{text}\""),
        k if k.is_keyword() => format!("<{text}>"),
        k if k.is_operator() => format!("<op:{text}>"),
        _ => format!("\"{}\"", lex::go_escape(text)),
    }
}

/// Unquotes a PromQL string token (double, single or backtick quoted).
pub fn unquote(tok: &str) -> String {
    let mut chars = tok.chars();
    let Some(q) = chars.next() else {
        return String::new();
    };
    let inner = tok
        .get(q.len_utf8()..tok.len().saturating_sub(q.len_utf8()))
        .unwrap_or("");
    if q == '`' {
        return inner.to_string();
    }
    let mut out = String::with_capacity(inner.len());
    let mut it = inner.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = it.next() else { break };
        match e {
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\x0b'),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    if let Some(d) = it.peek().and_then(|c| c.to_digit(8)) {
                        v = v * 8 + d;
                        it.next();
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut v = 0u32;
                for _ in 0..n {
                    if let Some(d) = it.peek().and_then(|c| c.to_digit(16)) {
                        v = v.saturating_mul(16).saturating_add(d);
                        it.next();
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            other => out.push(other),
        }
    }
    out
}

/// Checks a duration literal the way Prometheus's `model.ParseDuration` does; returns
/// milliseconds.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let invalid = || format!("not a valid duration string: \"{}\"", lex::go_escape(s));
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err("empty duration string".into());
    }
    const MS: u64 = 1_000_000;
    const UNITS: [(&str, u64); 7] = [
        ("y", 365 * 86_400_000 * MS),
        ("w", 7 * 86_400_000 * MS),
        ("d", 86_400_000 * MS),
        ("h", 3_600_000 * MS),
        ("m", 60_000 * MS),
        ("s", 1_000 * MS),
        ("ms", MS),
    ];
    let b = s.as_bytes();
    let mut i = 0;
    let mut next_unit = 0;
    // Nanoseconds, as Go's time.Duration counts them: the total must fit an int64.
    let mut total: u64 = 0;
    while i < b.len() {
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(invalid());
        }
        let n: u64 = s[start..i].parse().map_err(|_| invalid())?;
        let ustart = i;
        while i < b.len() && !b[i].is_ascii_digit() {
            i += 1;
        }
        if i == ustart {
            return Err(invalid());
        }
        let unit = &s[ustart..i];
        let Some(idx) = UNITS.iter().position(|(u, _)| *u == unit) else {
            return Err(invalid());
        };
        if idx < next_unit {
            return Err(invalid());
        }
        let mult = UNITS[idx].1;
        if n > (1u64 << 63) / mult {
            return Err("duration out of range".into());
        }
        total = total.saturating_add(n * mult);
        if total > i64::MAX as u64 {
            return Err("duration out of range".into());
        }
        next_unit = idx + 1;
    }
    Ok(total / MS)
}

/// Whether a number of seconds overflows Go's time.Duration, as Prometheus checks durations.
fn duration_out_of_range(v: f64) -> bool {
    // 2^63 nanoseconds, as Go computes `1<<63/1e9`.
    const LIMIT: f64 = 9_223_372_036.854_776;
    !(-LIMIT..=LIMIT).contains(&v)
}

/// `timestamp out of bounds for @ modifier` test and Go's `%f` of the value.
fn at_out_of_bounds(ts: f64) -> Option<String> {
    if ts.is_nan() {
        return Some("NaN".into());
    }
    if ts.is_infinite() {
        return Some(if ts > 0.0 { "+Inf" } else { "-Inf" }.into());
    }
    if ts >= 9_223_372_036_854_775_807.0 || ts <= -9_223_372_036_854_775_808.0 {
        return Some(format!("{ts:.6}"));
    }
    None
}

/// Removes Go's digit separators when they are placed as Go allows them (between digits, or
/// after a base prefix); `None` when they are misplaced.
fn go_underscores(t: &str) -> Option<String> {
    if !t.contains('_') {
        return Some(t.to_string());
    }
    let b = t.as_bytes();
    let lower = t.to_ascii_lowercase();
    let prefixed = lower.len() > 1
        && lower.starts_with('0')
        && matches!(lower.as_bytes()[1], b'x' | b'o' | b'b');
    // Go's underscoreOK: every '_' sits between digits, or right after a base prefix.
    let hex = lower.starts_with("0x");
    let is_digit = |c: u8| c.is_ascii_digit() || (hex && c.is_ascii_hexdigit());
    for (i, &c) in b.iter().enumerate() {
        if c != b'_' {
            continue;
        }
        let before_ok = i > 0 && (is_digit(b[i - 1]) || (prefixed && i == 2));
        let after_ok = b.get(i + 1).is_some_and(|&n| is_digit(n));
        if !before_ok || !after_ok {
            return None;
        }
    }
    Some(t.replace('_', ""))
}

/// The value of a number token as Prometheus computes it: `strconv.ParseInt(s, 0, 64)`, then
/// `strconv.ParseFloat(s, 64)`; the error is Go's.
fn number_value(text: &str) -> Result<f64, String> {
    let syntax = || {
        format!(
            "strconv.ParseFloat: parsing \"{}\": invalid syntax",
            lex::go_escape(text)
        )
    };
    let lower = text.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "+inf" | "infinity" => return Ok(f64::INFINITY),
        "nan" => return Ok(f64::NAN),
        _ => {}
    }
    let Some(t) = go_underscores(&lower) else {
        return Err(syntax());
    };
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = t.strip_prefix(prefix) {
            // A hexadecimal float needs a 'p' exponent, which the lexer never produces.
            return match i64::from_str_radix(digits, radix) {
                Ok(v) if !digits.starts_with(['+', '-']) => Ok(v as f64),
                _ => Err(syntax()),
            };
        }
    }
    if t.len() > 1
        && t.starts_with('0')
        && t.bytes().all(|b| b.is_ascii_digit())
        && let Ok(v) = i64::from_str_radix(&t[1..], 8)
    {
        return Ok(v as f64);
    }
    if !t
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-'))
    {
        return Err(syntax());
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_infinite() => Err(format!(
            "strconv.ParseFloat: parsing \"{}\": value out of range",
            lex::go_escape(text)
        )),
        Ok(v) => Ok(v),
        Err(_) => Err(syntax()),
    }
}

/// A duration expression inside brackets or after `offset`: where it is, and its value when it
/// is a plain (possibly signed) number or duration literal, which Prometheus checks.
#[derive(Clone, Copy)]
struct Dur {
    start: usize,
    end: usize,
    lit: Option<f64>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> R<Token> {
        match self.toks.get(self.i) {
            Some(t) => Ok(*t),
            None => Err(self
                .lex_error
                .clone()
                .map(ParseError::from)
                .unwrap_or(ParseError {
                    pos: self.src.len(),
                    message: "unexpected end of input".into(),
                })),
        }
    }

    fn peek_kind(&self) -> Option<Kind> {
        self.toks.get(self.i).map(|t| t.kind)
    }

    fn peek2_kind(&self) -> Option<Kind> {
        self.toks.get(self.i + 1).map(|t| t.kind)
    }

    fn bump(&mut self) -> Token {
        let t = self.toks.get(self.i).copied().unwrap_or(Token {
            kind: Kind::Eof,
            start: self.src.len(),
            end: self.src.len(),
        });
        self.i += 1;
        t
    }

    fn text(&self, t: &Token) -> &'a str {
        t.text(self.src)
    }

    /// The "unexpected …" error for the current token.
    fn unexpected(&self, context: &str, expected: &str) -> ParseError {
        let t = match self.peek() {
            Ok(t) => t,
            Err(lex_err) => return lex_err,
        };
        let mut msg = format!("unexpected {}", describe(&t, self.src));
        if !context.is_empty() {
            msg.push_str(" in ");
            msg.push_str(context);
        }
        if !expected.is_empty() {
            msg.push_str(", expected ");
            msg.push_str(expected);
        }
        ParseError {
            pos: t.start,
            message: msg,
        }
    }

    /// An error at a point with no error production of its own: the enclosing aggregation,
    /// if any, catches it.
    fn generic(&self) -> ParseError {
        if self.in_aggr > 0 {
            self.unexpected("aggregation", "")
        } else {
            self.unexpected("", "")
        }
    }

    fn semantic(&mut self, pos: usize, message: impl Into<String>) {
        self.errors.push(ParseError {
            pos,
            message: message.into(),
        });
    }

    fn expr(&mut self, min: u8) -> R<Expr> {
        self.depth += 1;
        let r = self.expr_inner(min);
        self.depth -= 1;
        r
    }

    fn too_deep(&self) -> ParseError {
        let pos = self.toks.get(self.i).map(|t| t.start).unwrap_or(0);
        ParseError {
            pos,
            message: format!("expression nested more than {MAX_DEPTH} levels deep"),
        }
    }

    fn expr_inner(&mut self, min: u8) -> R<Expr> {
        if self.depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let mut lhs = self.unary()?;
        let mut chain = 0;
        while let Some(k) = self.peek_kind() {
            chain += 1;
            if self.depth + chain > MAX_DEPTH {
                return Err(self.too_deep());
            }
            let Some((prec, right)) = binary_prec(k) else {
                break;
            };
            if prec < min {
                break;
            }
            let op = self.bump();
            let (return_bool, matching) = self.bin_modifiers(&op)?;
            let rhs = self.expr(if right { prec } else { prec + 1 })?;
            let span = lhs.span.start..rhs.span.end;
            lhs = Expr {
                span,
                kind: ExprKind::Binary {
                    op: op.kind,
                    op_span: op.start..op.end,
                    lhs: Box::new(lhs),
                    rhs: Box::new(rhs),
                    return_bool,
                    matching,
                },
            };
        }
        Ok(lhs)
    }

    fn bin_modifiers(&mut self, op: &Token) -> R<(bool, VectorMatching)> {
        let mut m = VectorMatching {
            card: if op.kind.is_set_operator() {
                Card::ManyToMany
            } else {
                Card::OneToOne
            },
            on: None,
            labels: Vec::new(),
            include: Vec::new(),
            span: op.end..op.end,
            fill: false,
        };
        let mut return_bool = false;
        if self.peek_kind() == Some(Kind::Bool) {
            self.bump();
            return_bool = true;
        }
        if let Some(k @ (Kind::On | Kind::Ignoring)) = self.peek_kind() {
            let kw = self.bump();
            m.on = Some(k == Kind::On);
            let (labels, end) = self.grouping_labels()?;
            m.labels = labels;
            m.span = kw.start..end;
            if let Some(g @ (Kind::GroupLeft | Kind::GroupRight)) = self.peek_kind() {
                let gt = self.bump();
                m.card = if g == Kind::GroupLeft {
                    Card::ManyToOne
                } else {
                    Card::OneToMany
                };
                m.span.end = gt.end;
                if self.peek_kind() == Some(Kind::LParen) {
                    let (labels, end) = self.grouping_labels()?;
                    m.include = labels;
                    m.span.end = end;
                }
            }
        }
        while let Some(Kind::Fill | Kind::FillLeft | Kind::FillRight) = self.peek_kind() {
            self.bump();
            m.fill = true;
            if self.peek_kind() != Some(Kind::LParen) {
                return Err(self.unexpected("fill modifier", "\"(\""));
            }
            self.bump();
            if self.peek_kind() == Some(Kind::Sub) {
                self.bump();
            }
            match self.peek_kind() {
                Some(Kind::Number | Kind::Duration) => {
                    self.bump();
                }
                _ => return Err(self.unexpected("fill modifier", "number")),
            }
            if self.peek_kind() != Some(Kind::RParen) {
                return Err(self.unexpected("fill modifier", "\")\""));
            }
            let t = self.bump();
            m.span.end = t.end;
        }
        Ok((return_bool, m))
    }

    /// `( label, … )`; returns the labels and the end offset of `)`.
    fn grouping_labels(&mut self) -> R<(Vec<String>, usize)> {
        if self.peek_kind() != Some(Kind::LParen) {
            return Err(self.unexpected("grouping opts", "\"(\""));
        }
        self.bump();
        let mut labels = Vec::new();
        if self.peek_kind() == Some(Kind::RParen) {
            let t = self.bump();
            return Ok((labels, t.end));
        }
        loop {
            let t = self.peek()?;
            match t.kind {
                Kind::Ident
                | Kind::Aggr(_)
                | Kind::Land
                | Kind::Lor
                | Kind::Lunless
                | Kind::Atan2
                | Kind::Start
                | Kind::End
                | Kind::Step
                | Kind::Range => {
                    self.bump();
                    labels.push(self.text(&t).to_string());
                }
                k if k.is_keyword() => {
                    self.bump();
                    labels.push(self.text(&t).to_string());
                }
                Kind::Str => {
                    self.bump();
                    labels.push(unquote(self.text(&t)));
                }
                _ => return Err(self.unexpected("grouping opts", "label")),
            }
            match self.peek_kind() {
                Some(Kind::Comma) => {
                    self.bump();
                    if self.peek_kind() == Some(Kind::RParen) {
                        let t = self.bump();
                        return Ok((labels, t.end));
                    }
                }
                Some(Kind::RParen) => {
                    let t = self.bump();
                    return Ok((labels, t.end));
                }
                _ => return Err(self.unexpected("grouping opts", "\",\" or \")\"")),
            }
        }
    }

    fn unary(&mut self) -> R<Expr> {
        match self.peek_kind() {
            Some(k @ (Kind::Add | Kind::Sub)) => {
                let op = self.bump();
                let inner = self.expr(PREC_POW)?;
                let span = op.start..inner.span.end;
                if let ExprKind::Number(v) = inner.kind {
                    let v = if k == Kind::Sub { -v } else { v };
                    return Ok(Expr {
                        span,
                        kind: ExprKind::Number(v),
                    });
                }
                Ok(Expr {
                    span,
                    kind: ExprKind::Unary {
                        op: k,
                        expr: Box::new(inner),
                    },
                })
            }
            _ => {
                let e = self.primary()?;
                self.postfix(e)
            }
        }
    }

    fn primary(&mut self) -> R<Expr> {
        let t = self.peek()?;
        match t.kind {
            Kind::Number | Kind::Duration => {
                self.bump();
                let text = self.text(&t);
                let v = if t.kind == Kind::Duration {
                    match parse_duration(text) {
                        Ok(ms) => ms as f64 / 1000.0,
                        Err(e) => {
                            self.semantic(t.start, e);
                            0.0
                        }
                    }
                } else {
                    self.number(&t)
                };
                Ok(Expr {
                    span: t.start..t.end,
                    kind: ExprKind::Number(v),
                })
            }
            Kind::Str => {
                self.bump();
                Ok(Expr {
                    span: t.start..t.end,
                    kind: ExprKind::Str(unquote(self.text(&t))),
                })
            }
            Kind::LParen => {
                self.bump();
                let inner = self.expr(0)?;
                if self.peek_kind() != Some(Kind::RParen) {
                    return Err(self.generic());
                }
                let close = self.bump();
                Ok(Expr {
                    span: t.start..close.end,
                    kind: ExprKind::Paren(Box::new(inner)),
                })
            }
            Kind::LBrace => self.selector(None),
            Kind::Ident if self.peek2_kind() == Some(Kind::LParen) => self.call(),
            // The experimental `start()`, `end()`, `step()` and `range()` functions.
            Kind::Start | Kind::End | Kind::Step | Kind::Range
                if self.peek2_kind() == Some(Kind::LParen)
                    && functions::get(&self.text(&t).to_ascii_lowercase()).is_some() =>
            {
                self.call()
            }
            Kind::Ident | Kind::MetricIdent => {
                self.bump();
                self.selector(Some(t))
            }
            Kind::Aggr(op)
                if matches!(
                    self.peek2_kind(),
                    Some(Kind::LParen | Kind::By | Kind::Without)
                ) =>
            {
                self.aggregation(op)
            }
            // Prometheus's grammar lets these keywords name a metric (`sum`, `count > 1`,
            // `rate(offset[5m])`); `on`, `ignoring`, `group_left`, `group_right`, `bool` and
            // `atan2` cannot.
            Kind::Aggr(_)
            | Kind::By
            | Kind::Without
            | Kind::Offset
            | Kind::Land
            | Kind::Lor
            | Kind::Lunless
            | Kind::Start
            | Kind::End
            | Kind::Step
            | Kind::Range
            | Kind::Smoothed
            | Kind::Anchored
            | Kind::Fill
            | Kind::FillLeft
            | Kind::FillRight => {
                self.bump();
                self.selector(Some(t))
            }
            _ => Err(self.generic()),
        }
    }

    fn call_args(&mut self) -> R<(Vec<Expr>, usize)> {
        // The opening parenthesis has been checked by the caller.
        self.bump();
        let mut args = Vec::new();
        if self.peek_kind() == Some(Kind::RParen) {
            let t = self.bump();
            return Ok((args, t.end));
        }
        loop {
            args.push(self.expr(0)?);
            match self.peek_kind() {
                Some(Kind::Comma) => {
                    let comma = self.bump();
                    if self.peek_kind() == Some(Kind::RParen) {
                        self.semantic(
                            comma.start,
                            "trailing commas not allowed in function call args",
                        );
                        let t = self.bump();
                        return Ok((args, t.end));
                    }
                }
                Some(Kind::RParen) => {
                    let t = self.bump();
                    return Ok((args, t.end));
                }
                _ => return Err(self.generic()),
            }
        }
    }

    fn call(&mut self) -> R<Expr> {
        let name = self.bump();
        let (args, end) = self.call_args()?;
        let text = self.text(&name).to_string();
        let func = functions::get(&text);
        if func.is_none() {
            self.semantic(
                name.start,
                format!("unknown function with name \"{}\"", lex::go_escape(&text)),
            );
        }
        Ok(Expr {
            span: name.start..end,
            kind: ExprKind::Call {
                name: text,
                name_span: name.start..name.end,
                func,
                args,
            },
        })
    }

    fn aggregation(&mut self, op: Aggr) -> R<Expr> {
        let op_tok = self.bump();
        self.in_aggr += 1;
        let mut grouping = None;
        if let Some(k @ (Kind::By | Kind::Without)) = self.peek_kind() {
            grouping = Some(self.grouping(k)?);
        }
        if self.peek_kind() != Some(Kind::LParen) {
            return Err(self.unexpected("aggregation", ""));
        }
        let (mut args, mut end) = self.call_args()?;
        if grouping.is_none()
            && let Some(k @ (Kind::By | Kind::Without)) = self.peek_kind()
        {
            let g = self.grouping(k)?;
            end = g.span.end;
            grouping = Some(g);
        }
        self.in_aggr -= 1;
        let desired = if op.has_param() { 2 } else { 1 };
        let mut param = None;
        let mut expr = None;
        if args.is_empty() {
            self.semantic(
                op_tok.start,
                "no arguments for aggregate expression provided",
            );
        } else if args.len() != desired {
            self.semantic(
                op_tok.start,
                format!(
                    "wrong number of arguments for aggregate expression provided, expected {desired}, got {}",
                    args.len()
                ),
            );
        } else {
            expr = args.pop().map(Box::new);
            if desired == 2 {
                param = args.pop().map(Box::new);
            }
        }
        Ok(Expr {
            span: op_tok.start..end,
            kind: ExprKind::Aggregate {
                op,
                op_span: op_tok.start..op_tok.end,
                param,
                expr,
                grouping,
            },
        })
    }

    fn grouping(&mut self, k: Kind) -> R<Grouping> {
        let kw = self.bump();
        let (labels, end) = self.grouping_labels()?;
        Ok(Grouping {
            without: k == Kind::Without,
            labels,
            span: kw.start..end,
        })
    }

    fn selector(&mut self, name: Option<Token>) -> R<Expr> {
        let start = name.map(|n| n.start);
        let mut sel = Selector {
            name: name.map(|n| self.text(&n).to_string()),
            matchers: Vec::new(),
            offset: false,
            at: false,
        };
        let mut end = name.map(|n| n.end).unwrap_or(0);
        let mut open = None;
        if self.peek_kind() == Some(Kind::LBrace) {
            open = Some(self.bump().start);
            end = self.matchers(&mut sel.matchers)?;
        }
        let start = start.or(open).unwrap_or(0);
        Ok(Expr {
            span: start..end,
            kind: ExprKind::Selector(sel),
        })
    }

    /// Parses the inside of `{…}`; returns the end offset of `}`.
    fn matchers(&mut self, out: &mut Vec<Matcher>) -> R<usize> {
        loop {
            let t = self.peek()?;
            match t.kind {
                Kind::RBrace => {
                    self.bump();
                    return Ok(t.end);
                }
                Kind::Ident | Kind::Str => {
                    self.bump();
                    let name = if t.kind == Kind::Str {
                        unquote(self.text(&t))
                    } else {
                        self.text(&t).to_string()
                    };
                    let op_kind = self.peek_kind();
                    let op = match op_kind {
                        Some(Kind::Eql) => Some(MatchOp::Equal),
                        Some(Kind::Neq) => Some(MatchOp::NotEqual),
                        Some(Kind::EqlRegex) => Some(MatchOp::Re),
                        Some(Kind::NeqRegex) => Some(MatchOp::NotRe),
                        _ => None,
                    };
                    match op {
                        Some(op) => {
                            let op_tok = self.bump();
                            let v = self.peek()?;
                            if v.kind != Kind::Str {
                                return Err(self.unexpected("label matching", "string"));
                            }
                            self.bump();
                            let value = unquote(self.text(&v));
                            let m = Matcher {
                                name,
                                name_span: t.start..t.end,
                                op,
                                op_span: op_tok.start..op_tok.end,
                                value,
                                value_span: v.start..v.end,
                            };
                            if matches!(op, MatchOp::Re | MatchOp::NotRe)
                                && let Err(e) = goregex::validate(&m.value)
                            {
                                self.semantic(t.start, format!("error parsing regexp: {e}"));
                            }
                            out.push(m);
                        }
                        None if t.kind == Kind::Str => {
                            // `{"metric.name"}`: a quoted metric name.
                            out.push(Matcher {
                                name: "__name__".into(),
                                name_span: t.start..t.start,
                                op: MatchOp::Equal,
                                op_span: t.start..t.start,
                                value: name,
                                value_span: t.start..t.end,
                            });
                        }
                        None => {
                            return Err(
                                self.unexpected("label matching", "label matching operator")
                            );
                        }
                    }
                }
                _ => {
                    return Err(self.unexpected("label matching", "identifier or \"}\""));
                }
            }
            match self.peek_kind() {
                Some(Kind::Comma) => {
                    self.bump();
                }
                Some(Kind::RBrace) => {}
                _ => return Err(self.unexpected("label matching", "\",\" or \"}\"")),
            }
        }
    }

    fn postfix(&mut self, mut e: Expr) -> R<Expr> {
        loop {
            match self.peek_kind() {
                Some(Kind::LBracket) => e = self.range(e)?,
                Some(Kind::Offset) => {
                    self.bump();
                    let end = self.offset_duration()?;
                    self.set_modifier(&mut e, true);
                    e.span.end = end;
                }
                Some(Kind::At) => {
                    self.bump();
                    let mut ts = None;
                    let end = match self.peek_kind() {
                        Some(Kind::Number | Kind::Duration) => {
                            let t = self.bump();
                            ts = Some(self.number(&t));
                            t.end
                        }
                        Some(k @ (Kind::Add | Kind::Sub))
                            if matches!(self.peek2_kind(), Some(Kind::Number | Kind::Duration)) =>
                        {
                            self.bump();
                            let t = self.bump();
                            let v = self.number(&t);
                            ts = Some(if k == Kind::Sub { -v } else { v });
                            t.end
                        }
                        Some(Kind::Start | Kind::End)
                            if self.peek2_kind() == Some(Kind::LParen) =>
                        {
                            self.bump();
                            self.bump();
                            if self.peek_kind() != Some(Kind::RParen) {
                                return Err(self.generic());
                            }
                            self.bump().end
                        }
                        _ => return Err(self.unexpected("@", "timestamp")),
                    };
                    if let Some(shown) = ts.and_then(at_out_of_bounds) {
                        self.semantic(
                            e.span.start,
                            format!("timestamp out of bounds for @ modifier: {shown}"),
                        );
                    }
                    self.set_modifier(&mut e, false);
                    e.span.end = end;
                }
                Some(Kind::Smoothed | Kind::Anchored)
                    if matches!(e.kind, ExprKind::Matrix { .. } | ExprKind::Selector(_)) =>
                {
                    let t = self.bump();
                    e.span.end = t.end;
                }
                _ => return Ok(e),
            }
        }
    }

    fn set_modifier(&mut self, e: &mut Expr, offset: bool) {
        let what = if offset { "offset" } else { "@" };
        let (o, a) = match &mut e.kind {
            ExprKind::Selector(s) => (&mut s.offset, &mut s.at),
            ExprKind::Matrix { vs } => match &mut vs.kind {
                ExprKind::Selector(s) => (&mut s.offset, &mut s.at),
                _ => return,
            },
            ExprKind::Subquery { offset, at, .. } => (offset, at),
            _ => {
                self.semantic(
                    e.span.start,
                    format!(
                        "{what} modifier must be preceded by an instant vector selector or range vector selector or a subquery"
                    ),
                );
                return;
            }
        };
        let flag = if offset { o } else { a };
        if *flag {
            let msg = if offset {
                "offset may not be set multiple times"
            } else {
                "@ <timestamp> may not be set multiple times"
            };
            self.semantic(e.span.start, msg);
        }
        *flag = true;
    }

    fn range(&mut self, e: Expr) -> R<Expr> {
        let open = self.bump();
        let range = self.duration_expr("subquery selector", "duration")?;
        self.positive(range);
        match self.peek_kind() {
            Some(Kind::RBracket) => {
                let close = self.bump();
                let msg = match &e.kind {
                    ExprKind::Selector(s) if s.offset => {
                        Some("no offset modifiers allowed before range")
                    }
                    ExprKind::Selector(s) if s.at => Some("no @ modifiers allowed before range"),
                    ExprKind::Selector(_) => None,
                    _ => Some("ranges only allowed for vector selectors"),
                };
                if let Some(m) = msg {
                    self.semantic(open.start, m);
                }
                Ok(Expr {
                    span: e.span.start..close.end,
                    kind: ExprKind::Matrix { vs: Box::new(e) },
                })
            }
            Some(Kind::Colon) => {
                self.bump();
                if self.peek_kind() != Some(Kind::RBracket) {
                    let step = self.duration_expr("subquery selector", "duration or \"]\"")?;
                    self.positive(step);
                    if self.peek_kind() != Some(Kind::RBracket) {
                        return Err(self.unexpected("subquery selector", "\"]\""));
                    }
                }
                let close = self.bump();
                Ok(Expr {
                    span: e.span.start..close.end,
                    kind: ExprKind::Subquery {
                        expr: Box::new(e),
                        offset: false,
                        at: false,
                    },
                })
            }
            _ => Err(self.unexpected("subquery or range", "\":\" or \"]\"")),
        }
    }

    /// `min(`/`max(` (3.6 to 3.12) or `min_of(`/`max_of(` (3.13 and later) in a duration
    /// expression.
    fn min_max_of(&self) -> bool {
        let Some(t) = self.toks.get(self.i) else {
            return false;
        };
        self.peek2_kind() == Some(Kind::LParen)
            && match t.kind {
                Kind::Aggr(Aggr::Min | Aggr::Max) => true,
                Kind::Ident => matches!(self.text(t), "min_of" | "max_of"),
                _ => false,
            }
    }

    /// A number token's value; a number Go cannot parse is Prometheus's "error parsing number".
    fn number(&mut self, t: &Token) -> f64 {
        let text = self.text(t);
        if t.kind == Kind::Duration {
            return match parse_duration(text) {
                Ok(ms) => ms as f64 / 1000.0,
                Err(e) => {
                    self.semantic(t.start, e);
                    0.0
                }
            };
        }
        match number_value(text) {
            Ok(v) => v,
            Err(e) => {
                self.semantic(t.start, format!("error parsing number: {e}"));
                0.0
            }
        }
    }

    /// Ranges and subquery steps written as a literal must be positive.
    fn positive(&mut self, d: Dur) {
        if let Some(v) = d.lit
            && v <= 0.0
        {
            self.semantic(d.start, "duration must be greater than 0");
        }
    }

    /// A number or duration literal in a duration context, checked for range unless a sign
    /// follows `offset` (Prometheus then checks the signed value at the sign).
    fn dur_literal(&mut self, check: bool) -> Dur {
        let t = self.bump();
        let mut v = self.number(&t);
        if check && duration_out_of_range(v) {
            self.semantic(t.start, "duration out of range");
            v = 0.0;
        }
        Dur {
            start: t.start,
            end: t.end,
            lit: Some(v),
        }
    }

    /// A signed literal: Prometheus folds the sign into the literal and checks its range at the
    /// sign.
    fn signed_literal(&mut self, sign: Token, d: Dur) -> Dur {
        match d.lit {
            Some(v) => {
                let mut v = if sign.kind == Kind::Sub { -v } else { v };
                if duration_out_of_range(v) {
                    self.semantic(sign.start, "duration out of range");
                    v = 0.0;
                }
                Dur {
                    start: sign.start,
                    end: d.end,
                    lit: Some(v),
                }
            }
            None => Dur {
                start: sign.start,
                end: d.end,
                lit: None,
            },
        }
    }

    /// What follows `offset`: a literal (signed or not), `step()`, `range()`, `min(…)`/`max(…)`
    /// end the offset, so `x offset 5m - y` subtracts `y`; a parenthesised duration expression
    /// may continue with arithmetic. Returns the end offset.
    fn offset_duration(&mut self) -> R<usize> {
        let (context, expected) = ("offset", "duration");
        let signed = matches!(self.peek_kind(), Some(Kind::Add | Kind::Sub));
        let at = if signed {
            self.peek2_kind()
        } else {
            self.peek_kind()
        };
        match at {
            Some(Kind::Number | Kind::Duration) => {
                let sign = signed.then(|| self.bump());
                let lit = self.dur_literal(sign.is_none());
                let d = match sign {
                    Some(s) => self.signed_literal(s, lit),
                    None => lit,
                };
                Ok(d.end)
            }
            Some(Kind::Step | Kind::Range) => Ok(self.dur_unary(context, expected)?.end),
            _ if !signed && self.min_max_of() => Ok(self.dur_unary(context, expected)?.end),
            _ if signed && {
                self.i += 1;
                let m = self.min_max_of();
                self.i -= 1;
                m
            } =>
            {
                Ok(self.dur_unary(context, expected)?.end)
            }
            Some(Kind::LParen) if signed => Ok(self.dur_unary(context, expected)?.end),
            _ if signed => {
                self.bump();
                Err(self.unexpected(context, expected))
            }
            _ => Ok(self.duration_expr(context, expected)?.end),
        }
    }

    /// A duration, a number of seconds, or (Prometheus 3) arithmetic on them.
    fn duration_expr(&mut self, context: &str, expected: &str) -> R<Dur> {
        self.dur_binary(0, context, expected)
    }

    fn dur_binary(&mut self, min: u8, context: &str, expected: &str) -> R<Dur> {
        self.depth += 1;
        let r = self.dur_binary_inner(min, context, expected);
        self.depth -= 1;
        r
    }

    fn dur_binary_inner(&mut self, min: u8, context: &str, expected: &str) -> R<Dur> {
        if self.depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let mut lhs = self.dur_unary(context, expected)?;
        while let Some(k) = self.peek_kind() {
            let (prec, right) = match k {
                Kind::Add | Kind::Sub => (4, false),
                Kind::Mul | Kind::Div | Kind::Mod => (5, false),
                Kind::Pow => (PREC_POW, true),
                _ => break,
            };
            if prec < min {
                break;
            }
            let op = self.bump();
            let rhs = self.dur_binary(if right { prec } else { prec + 1 }, context, expected)?;
            let mut lit = None;
            if rhs.lit == Some(0.0) && matches!(k, Kind::Div | Kind::Mod) {
                let what = if k == Kind::Div { "division" } else { "modulo" };
                self.semantic(op.start, format!("{what} by zero"));
                lit = Some(0.0);
            }
            lhs = Dur {
                start: lhs.start,
                end: rhs.end,
                lit,
            };
        }
        Ok(lhs)
    }

    fn dur_unary(&mut self, context: &str, expected: &str) -> R<Dur> {
        self.depth += 1;
        let r = self.dur_unary_inner(context, expected);
        self.depth -= 1;
        r
    }

    fn dur_unary_inner(&mut self, context: &str, expected: &str) -> R<Dur> {
        if self.depth > MAX_DEPTH {
            return Err(self.too_deep());
        }
        let t = self.peek()?;
        let group = |end: usize| Dur {
            start: t.start,
            end,
            lit: None,
        };
        match t.kind {
            Kind::Duration | Kind::Number => Ok(self.dur_literal(true)),
            Kind::Add | Kind::Sub => {
                let sign = self.bump();
                // The sign binds less tightly than `^`: `-2^2` is `-(2^2)`.
                let inner = self.dur_binary(PREC_POW, context, expected)?;
                Ok(self.signed_literal(sign, inner))
            }
            Kind::LParen => {
                self.bump();
                self.dur_binary(0, context, expected)?;
                if self.peek_kind() != Some(Kind::RParen) {
                    return Err(self.unexpected(context, "\")\""));
                }
                Ok(group(self.bump().end))
            }
            Kind::Step | Kind::Range if self.peek2_kind() == Some(Kind::LParen) => {
                self.bump();
                self.bump();
                if self.peek_kind() != Some(Kind::RParen) {
                    return Err(self.unexpected(context, "\")\""));
                }
                Ok(group(self.bump().end))
            }
            _ if self.min_max_of() => {
                self.bump();
                self.bump();
                self.dur_binary(0, context, expected)?;
                if self.peek_kind() != Some(Kind::Comma) {
                    return Err(self.unexpected(context, "\",\""));
                }
                self.bump();
                self.dur_binary(0, context, expected)?;
                if self.peek_kind() != Some(Kind::RParen) {
                    return Err(self.unexpected(context, "\")\""));
                }
                Ok(group(self.bump().end))
            }
            _ => Err(self.unexpected(context, expected)),
        }
    }
}

/// Compiles a label matcher regex the way Prometheus anchors it. Results are cached per
/// pattern: rule sets repeat the same few patterns thousands of times.
pub fn compile_regex(re: &str) -> Result<std::sync::Arc<regex::Regex>, String> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    type Cache = Mutex<HashMap<String, Result<Arc<regex::Regex>, String>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(hit) = cache.lock().ok().and_then(|c| c.get(re).cloned()) {
        return hit;
    }
    let result = compile_uncached(re).map(Arc::new);
    if let Ok(mut c) = cache.lock()
        && c.len() < 100_000
    {
        c.insert(re.to_string(), result.clone());
    }
    result
}

fn compile_uncached(re: &str) -> Result<regex::Regex, String> {
    let re = goregex::to_rust(re);
    regex::Regex::new(&format!("^(?s:{re})$")).map_err(|e| {
        let text = e.to_string();
        // The crate's message is multi-line; its last line is the reason.
        text.lines()
            .rev()
            .find(|l| l.trim_start().starts_with("error:"))
            .map(|l| {
                l.trim_start()
                    .trim_start_matches("error:")
                    .trim()
                    .to_string()
            })
            .unwrap_or(text)
    })
}

/// Type checks a parsed tree as Prometheus's `checkAST` does; returns the first error.
fn check(e: &Expr, errors: &mut Vec<ParseError>) -> Type {
    let ty = e.ty();
    let mut err = |pos: usize, m: String| errors.push(ParseError { pos, message: m });
    match &e.kind {
        ExprKind::Aggregate {
            op, param, expr, ..
        } => {
            if let Some(inner) = expr {
                let t = check(inner, errors);
                if t != Type::Vector {
                    errors.push(ParseError {
                        pos: inner.span.start,
                        message: format!(
                            "expected type instant vector in aggregation expression, got {}",
                            t.documented()
                        ),
                    });
                }
            }
            if let Some(p) = param {
                let want = if *op == Aggr::CountValues {
                    Type::String
                } else {
                    Type::Scalar
                };
                let t = check(p, errors);
                if t != want {
                    errors.push(ParseError {
                        pos: p.span.start,
                        message: format!(
                            "expected type {} in aggregation parameter, got {}",
                            want.documented(),
                            t.documented()
                        ),
                    });
                }
            }
        }
        ExprKind::Binary {
            op,
            op_span,
            lhs,
            rhs,
            return_bool,
            matching,
        } => {
            let lt = check(lhs, errors);
            let rt = check(rhs, errors);
            let mut err = |pos: usize, m: String| errors.push(ParseError { pos, message: m });
            if *return_bool && !op.is_comparison() {
                err(
                    op_span.start,
                    "bool modifier can only be used on comparison operators".into(),
                );
            }
            if op.is_comparison() && !return_bool && lt == Type::Scalar && rt == Type::Scalar {
                err(
                    op_span.start,
                    "comparisons between scalars must use BOOL modifier".into(),
                );
            }
            if matching.on == Some(true) {
                for l in &matching.labels {
                    if matching.include.contains(l) {
                        err(
                            op_span.start,
                            format!("label \"{l}\" must not occur in ON and GROUP clause at once"),
                        );
                    }
                }
            }
            if lt != Type::Scalar && lt != Type::Vector {
                err(
                    lhs.span.start,
                    "binary expression must contain only scalar and instant vector types".into(),
                );
            }
            if rt != Type::Scalar && rt != Type::Vector {
                err(
                    rhs.span.start,
                    "binary expression must contain only scalar and instant vector types".into(),
                );
            }
            let has_matching = matching.on.is_some() || matching.card != Card::OneToOne;
            if (lt != Type::Vector || rt != Type::Vector) && has_matching {
                if matching.on.is_some() && !matching.labels.is_empty() {
                    err(
                        e.span.start,
                        "vector matching only allowed between instant vectors".into(),
                    );
                }
            } else if op.is_set_operator() {
                if matches!(matching.card, Card::OneToMany | Card::ManyToOne) {
                    err(
                        e.span.start,
                        format!(
                            "no grouping allowed for \"{}\" operation",
                            op.fixed().unwrap_or("")
                        ),
                    );
                }
                if matching.fill {
                    err(
                        e.span.start,
                        "filling in missing series not allowed for set operators".into(),
                    );
                }
            }
            if (lt == Type::Scalar || rt == Type::Scalar) && op.is_set_operator() {
                err(
                    e.span.start,
                    format!(
                        "set operator \"{}\" not allowed in binary scalar expression",
                        op.fixed().unwrap_or("")
                    ),
                );
            }
        }
        ExprKind::Call {
            name, func, args, ..
        } => {
            if let Some(f) = func {
                let nargs = f.args.len();
                if f.variadic == 0 {
                    if nargs != args.len() {
                        err(
                            e.span.start,
                            format!(
                                "expected {nargs} argument(s) in call to \"{name}\", got {}",
                                args.len()
                            ),
                        );
                    }
                } else {
                    let na = nargs.saturating_sub(1);
                    if na > args.len() {
                        err(
                            e.span.start,
                            format!(
                                "expected at least {na} argument(s) in call to \"{name}\", got {}",
                                args.len()
                            ),
                        );
                    } else if f.variadic > 0 && na + (f.variadic as usize) < args.len() {
                        err(
                            e.span.start,
                            format!(
                                "expected at most {} argument(s) in call to \"{name}\", got {}",
                                na + f.variadic as usize,
                                args.len()
                            ),
                        );
                    }
                }
                // `info(v, {selector})`: the second argument names data labels only; an
                // all-empty matcher is allowed there.
                let mut label_selector = None;
                if name == "info"
                    && let Some(second) = args.get(1)
                {
                    if second.ty() != Type::Vector {
                        err(
                            e.span.start,
                            format!(
                                "expected type instant vector in call to function \"{name}\", got {}",
                                second.ty().documented()
                            ),
                        );
                    }
                    match &second.kind {
                        ExprKind::Selector(s) if s.name.is_some() => err(
                            second.span.start,
                            "expected label selectors only, got vector selector instead".into(),
                        ),
                        ExprKind::Selector(_) => label_selector = Some(1),
                        _ => err(second.span.start, "expected label selectors only".into()),
                    }
                }
                for (i, a) in args.iter().enumerate() {
                    if label_selector == Some(i) {
                        continue;
                    }
                    let idx = if i >= nargs {
                        if f.variadic == 0 {
                            break;
                        }
                        nargs.saturating_sub(1)
                    } else {
                        i
                    };
                    let Some(&want) = f.args.get(idx) else { break };
                    let t = check(a, errors);
                    if t != want {
                        errors.push(ParseError {
                            pos: a.span.start,
                            message: format!(
                                "expected type {} in call to function \"{name}\", got {}",
                                want.documented(),
                                t.documented()
                            ),
                        });
                    }
                }
            }
        }
        ExprKind::Paren(inner) => {
            check(inner, errors);
        }
        ExprKind::Unary { expr, .. } => {
            let t = check(expr, errors);
            if t != Type::Scalar && t != Type::Vector {
                errors.push(ParseError {
                    pos: e.span.start,
                    message: format!(
                        "unary expression only allowed on expressions of type scalar or instant vector, got \"{}\"",
                        t.documented()
                    ),
                });
            }
        }
        ExprKind::Subquery { expr, .. } => {
            let t = check(expr, errors);
            if t != Type::Vector {
                errors.push(ParseError {
                    pos: e.span.start,
                    message: format!(
                        "subquery is only allowed on instant vector, got {} instead",
                        match t {
                            Type::Matrix => "matrix",
                            Type::Scalar => "scalar",
                            Type::String => "string",
                            Type::Vector => "vector",
                        }
                    ),
                });
            }
        }
        ExprKind::Matrix { vs } => {
            check(vs, errors);
        }
        ExprKind::Selector(s) => {
            if let Some(n) = &s.name {
                if let Some(m) = s.matchers.iter().find(|m| m.name == "__name__") {
                    err(
                        e.span.start,
                        format!(
                            "metric name must not be set twice: \"{}\" or \"{}\"",
                            lex::go_escape(n),
                            lex::go_escape(&m.value)
                        ),
                    );
                }
            } else if !s.matchers.iter().any(|m| !m.matches_empty()) {
                err(
                    e.span.start,
                    "vector selector must contain at least one non-empty matcher".into(),
                );
            }
        }
        ExprKind::Number(_) | ExprKind::Str(_) => {}
    }
    ty
}

/// Parses and type checks an expression. On failure, returns Prometheus's first error.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let lexed = lex::lex(src);
    let mut p = Parser {
        src,
        toks: lexed.tokens,
        lex_error: lexed.error,
        i: 0,
        errors: Vec::new(),
        in_aggr: 0,
        depth: 0,
    };
    if p.toks.first().is_some_and(|t| t.kind == Kind::Eof) {
        return Err(ParseError {
            pos: 0,
            message: "no expression found in input".into(),
        });
    }
    let result = p.expr(0).and_then(|e| match p.peek() {
        Ok(t) if t.kind == Kind::Eof => Ok(e),
        Ok(_) => Err(p.generic()),
        Err(lex_err) => Err(lex_err),
    });
    match result {
        Err(e) => {
            p.errors.push(e);
            Err(p.errors.swap_remove(0))
        }
        Ok(e) => {
            if let Some(first) = p.errors.into_iter().next() {
                return Err(first);
            }
            let mut errors = Vec::new();
            check(&e, &mut errors);
            match errors.into_iter().next() {
                Some(err) => Err(err),
                None => Ok(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> (usize, usize, String) {
        let e = parse(s).expect_err(s);
        let (l, c) = e.line_col(s);
        (l, c, e.message)
    }

    #[test]
    fn reference_errors() {
        assert_eq!(
            err("sum(rate(http_requests_total[5m]) by (job) > 3"),
            (1, 35, "unexpected <by> in aggregation".into())
        );
        assert_eq!(
            err("sum(foo) by (job) by (x)"),
            (1, 19, "unexpected <by>".into())
        );
        assert_eq!(err("foo > bool"), (1, 11, "unexpected end of input".into()));
        assert_eq!(
            err("atan2(foo, bar)"),
            (1, 1, "unexpected <op:atan2>".into())
        );
        assert_eq!(
            err("sumx(foo)"),
            (1, 1, "unknown function with name \"sumx\"".into())
        );
        assert_eq!(
            err("rate(foo)"),
            (
                1,
                6,
                "expected type range vector in call to function \"rate\", got instant vector"
                    .into()
            )
        );
        assert_eq!(
            err("sum(foo) by ())"),
            (1, 16, "unexpected right parenthesis ')'".into())
        );
        assert_eq!(
            err("rate(foo[1.5m])"),
            (1, 10, "not a valid duration string: \"1.5m\"".into())
        );
        assert_eq!(err("foo{a=~\"(\"}").1, 5);
        assert_eq!(
            err("foo{a=\"b\" or c=\"d\"}"),
            (
                1,
                11,
                "unexpected identifier \"or\" in label matching, expected \",\" or \"}\"".into()
            )
        );
    }

    #[test]
    fn prometheus_3_syntax_is_accepted() {
        for ok in [
            r#"label_replace(up, "dst", "$1", "src", `(\d+)\.x`)"#,
            "rate(foo[5m+1m])",
            "foo offset (1h * 2)",
            "rate(foo[5m] smoothed)",
            r#"{"foo.bar", job="x"}"#,
            "foo @ start()",
            "sum by (job) (foo) > 3 unless on(job) bar",
            "-foo ^ 2",
            "rate(foo[5m:1m])",
            "foo[300]",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok).err());
        }
    }

    /// Constructs Prometheus's parser decides the same way in every version: verdict, position
    /// and message (checked against promtool where its version has the construct, and against
    /// Prometheus's parser source otherwise).
    #[test]
    fn prometheus_verdicts_on_parser_edge_cases() {
        type Case = (&'static str, Option<(usize, usize, &'static str)>);
        let cases: &[Case] = &[
            // An offset ends at its literal: the operator applies to the whole selector.
            ("x offset 5m - y", None),
            ("x offset 1h / on(a) y", None),
            ("x offset -5m * 2", None),
            ("x offset 5m ^ 2", None),
            ("rate(x[5m] offset 1h) > 0", None),
            ("x offset (1h * 2)", None),
            // Keywords that name metrics.
            ("sum", None),
            ("count > 1", None),
            ("rate(sum[5m])", None),
            ("foo / count", None),
            ("sum(count)", None),
            ("by", None),
            ("offset", None),
            ("without", None),
            ("start", None),
            ("end", None),
            ("step", None),
            ("range", None),
            ("topk", None),
            ("sum offset 5m", None),
            ("sum{a=\"b\"}", None),
            ("on", Some((1, 1, "unexpected <on>"))),
            ("bool", Some((1, 1, "unexpected <bool>"))),
            ("sum x", Some((1, 5, "unexpected identifier \"x\""))),
            // Ranges and steps must be positive; durations must fit.
            ("x[0s]", Some((1, 3, "duration must be greater than 0"))),
            ("x[-5m]", Some((1, 3, "duration must be greater than 0"))),
            (
                "rate(x[5m:0s])",
                Some((1, 11, "duration must be greater than 0")),
            ),
            ("x[5m/0]", Some((1, 5, "division by zero"))),
            ("x[5m%0]", Some((1, 5, "modulo by zero"))),
            ("x[300y]", Some((1, 3, "duration out of range"))),
            ("x offset 300y", Some((1, 10, "duration out of range"))),
            ("x[292y]", None),
            ("x[1e10]", Some((1, 3, "duration out of range"))),
            ("x offset -1e10", Some((1, 10, "duration out of range"))),
            (
                "x[5m1h]",
                Some((1, 3, "not a valid duration string: \"5m1h\"")),
            ),
            // `@` timestamps must be finite int64 milliseconds.
            (
                "x @ Inf",
                Some((1, 1, "timestamp out of bounds for @ modifier: +Inf")),
            ),
            (
                "x @ -Inf",
                Some((1, 1, "timestamp out of bounds for @ modifier: -Inf")),
            ),
            (
                "x @ NaN",
                Some((1, 1, "timestamp out of bounds for @ modifier: NaN")),
            ),
            (
                "x[5m] @ 1e19",
                Some((
                    1,
                    1,
                    "timestamp out of bounds for @ modifier: 10000000000000000000.000000",
                )),
            ),
            ("x @ 1609746000", None),
            // Numbers Go cannot parse.
            (
                "0x",
                Some((
                    1,
                    1,
                    "error parsing number: strconv.ParseFloat: parsing \"0x\": invalid syntax",
                )),
            ),
            (
                "1e309",
                Some((
                    1,
                    1,
                    "error parsing number: strconv.ParseFloat: parsing \"1e309\": value out of range",
                )),
            ),
            (
                "x @ 0x",
                Some((
                    1,
                    5,
                    "error parsing number: strconv.ParseFloat: parsing \"0x\": invalid syntax",
                )),
            ),
            ("0x1F + 1_000 + 0755 + 1e308", None),
            // Go RE2 syntax and messages.
            ("x{a=~\"\\\\Qa.b\\\\E\"}", None),
            ("x{a=~\"x{1000}\"}", None),
            (
                "x{a=~\"a**\"}",
                Some((
                    1,
                    3,
                    "error parsing regexp: invalid nested repetition operator: `**`",
                )),
            ),
            (
                "x{a=~\"x{1001}\"}",
                Some((1, 3, "error parsing regexp: invalid repeat count: `{1001}`")),
            ),
            (
                "x{a=~\"[z-a]\"}",
                Some((
                    1,
                    3,
                    "error parsing regexp: invalid character class range: `z-a`",
                )),
            ),
            (
                "x{a=~\"(\"}",
                Some((1, 3, "error parsing regexp: missing closing ): `(`")),
            ),
            // info(): label selectors only, and they may match the empty string.
            ("info(x, {k8s_cluster_name=~\".+\"})", None),
            ("info(x, {a=~\".*\"})", None),
            ("info(x)", None),
            (
                "info(x, target_info)",
                Some((
                    1,
                    9,
                    "expected label selectors only, got vector selector instead",
                )),
            ),
            (
                "info(x, (y))",
                Some((1, 9, "expected label selectors only")),
            ),
            (
                "info(x, 1)",
                Some((
                    1,
                    1,
                    "expected type instant vector in call to function \"info\", got scalar",
                )),
            ),
            // No expression at all.
            (
                "# only a comment",
                Some((1, 1, "no expression found in input")),
            ),
            (
                "  # indented\n# two lines",
                Some((1, 1, "no expression found in input")),
            ),
            ("", Some((1, 1, "no expression found in input"))),
            // Characters in messages are escaped as Go escapes them.
            ("x\u{a0}", Some((1, 2, "unexpected character: '\\u00a0'"))),
            ("x\u{7}", Some((1, 2, "unexpected character: '\\a'"))),
            (
                "x \u{200b}",
                Some((1, 3, "unexpected character: '\\u200b'")),
            ),
        ];
        let mut failures = Vec::new();
        for (src, want) in cases {
            let got = parse(src).err().map(|e| {
                let (l, c) = e.line_col(src);
                (l, c, e.message)
            });
            let want = want.map(|(l, c, m)| (l, c, m.to_string()));
            if got != want {
                failures.push(format!("{src:?}: got {got:?}, want {want:?}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn hostile_input_does_not_overflow() {
        let deep = "(".repeat(100_000) + "x" + &")".repeat(100_000);
        assert!(parse(&deep).unwrap_err().message.contains("nested"));
        let long = vec!["x"; 50_000].join(" + ");
        assert!(parse(&long).is_err());
        let dur = "x[".to_string() + &"(".repeat(50_000) + "5m" + &")".repeat(50_000) + "]";
        assert!(parse(&dur).is_err());
        let dur_pow = "x[".to_string() + &vec!["5m"; 50_000].join("^") + "]";
        assert!(parse(&dur_pow).is_err());
        let pow = vec!["x"; 50_000].join(" ^ ");
        assert!(parse(&pow).is_err());
        for s in [
            "{",
            "}",
            "((",
            "\"",
            "`",
            "foo[",
            "sum(",
            "x @",
            "é{é=\"é\"}",
            "1e",
            "0x",
            "[5m:",
        ] {
            let _ = parse(s);
        }
    }

    #[test]
    fn tree_has_spans() {
        let src = "sum(foo{a=\"b\"}) by (job) > 3";
        let e = parse(src).unwrap();
        let ExprKind::Binary { lhs, op_span, .. } = &e.kind else {
            panic!()
        };
        assert_eq!(&src[op_span.clone()], ">");
        let ExprKind::Aggregate {
            op_span, grouping, ..
        } = &lhs.kind
        else {
            panic!()
        };
        assert_eq!(&src[op_span.clone()], "sum");
        assert_eq!(&src[grouping.as_ref().unwrap().span.clone()], "by (job)");
    }
}
