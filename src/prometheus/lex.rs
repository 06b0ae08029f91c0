//! PromQL lexer that follows Prometheus's own lexer state for state, so tokens and lexer errors
//! land on the byte offsets Prometheus reports.

/// Token kinds. Keywords are recognised case-insensitively, as Prometheus does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Eof,
    Ident,
    /// An identifier containing `:` (recording-rule style metric name).
    MetricIdent,
    Number,
    Duration,
    Str,
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    Colon,
    Eql,
    EqlRegex,
    NeqRegex,
    At,
    // Operators.
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    EqlC,
    Neq,
    Lte,
    Lss,
    Gte,
    Gtr,
    Land,
    Lor,
    Lunless,
    Atan2,
    // Aggregators.
    Aggr(Aggr),
    // Keywords.
    Offset,
    Smoothed,
    Anchored,
    By,
    Without,
    On,
    Ignoring,
    GroupLeft,
    GroupRight,
    Fill,
    FillLeft,
    FillRight,
    Bool,
    Start,
    End,
    Step,
    Range,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Aggr {
    Sum,
    Avg,
    Count,
    Min,
    Max,
    Group,
    Stddev,
    Stdvar,
    Topk,
    Bottomk,
    CountValues,
    Quantile,
    Limitk,
    LimitRatio,
}

impl Aggr {
    pub fn name(self) -> &'static str {
        match self {
            Aggr::Sum => "sum",
            Aggr::Avg => "avg",
            Aggr::Count => "count",
            Aggr::Min => "min",
            Aggr::Max => "max",
            Aggr::Group => "group",
            Aggr::Stddev => "stddev",
            Aggr::Stdvar => "stdvar",
            Aggr::Topk => "topk",
            Aggr::Bottomk => "bottomk",
            Aggr::CountValues => "count_values",
            Aggr::Quantile => "quantile",
            Aggr::Limitk => "limitk",
            Aggr::LimitRatio => "limit_ratio",
        }
    }

    pub fn has_param(self) -> bool {
        matches!(
            self,
            Aggr::Topk
                | Aggr::Bottomk
                | Aggr::CountValues
                | Aggr::Quantile
                | Aggr::Limitk
                | Aggr::LimitRatio
        )
    }
}

impl Kind {
    pub fn is_operator(self) -> bool {
        matches!(
            self,
            Kind::Add
                | Kind::Sub
                | Kind::Mul
                | Kind::Div
                | Kind::Mod
                | Kind::Pow
                | Kind::EqlC
                | Kind::Neq
                | Kind::Lte
                | Kind::Lss
                | Kind::Gte
                | Kind::Gtr
                | Kind::Land
                | Kind::Lor
                | Kind::Lunless
                | Kind::Atan2
                | Kind::EqlRegex
                | Kind::NeqRegex
                | Kind::At
        )
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            Kind::EqlC | Kind::Neq | Kind::Lte | Kind::Lss | Kind::Gte | Kind::Gtr
        )
    }

    pub fn is_set_operator(self) -> bool {
        matches!(self, Kind::Land | Kind::Lor | Kind::Lunless)
    }

    pub fn is_keyword(self) -> bool {
        matches!(
            self,
            Kind::Offset
                | Kind::Smoothed
                | Kind::Anchored
                | Kind::By
                | Kind::Without
                | Kind::On
                | Kind::Ignoring
                | Kind::GroupLeft
                | Kind::GroupRight
                | Kind::Fill
                | Kind::FillLeft
                | Kind::FillRight
                | Kind::Bool
                | Kind::Start
                | Kind::End
                | Kind::Step
                | Kind::Range
        )
    }

    /// The fixed spelling of a token kind, as Prometheus's item table prints it.
    pub fn fixed(self) -> Option<&'static str> {
        Some(match self {
            Kind::LParen => "(",
            Kind::RParen => ")",
            Kind::LBrace => "{",
            Kind::RBrace => "}",
            Kind::LBracket => "[",
            Kind::RBracket => "]",
            Kind::Comma => ",",
            Kind::Colon => ":",
            Kind::Eql => "=",
            Kind::EqlRegex => "=~",
            Kind::NeqRegex => "!~",
            Kind::At => "@",
            Kind::Add => "+",
            Kind::Sub => "-",
            Kind::Mul => "*",
            Kind::Div => "/",
            Kind::Mod => "%",
            Kind::Pow => "^",
            Kind::EqlC => "==",
            Kind::Neq => "!=",
            Kind::Lte => "<=",
            Kind::Lss => "<",
            Kind::Gte => ">=",
            Kind::Gtr => ">",
            Kind::Land => "and",
            Kind::Lor => "or",
            Kind::Lunless => "unless",
            Kind::Atan2 => "atan2",
            Kind::Aggr(a) => a.name(),
            Kind::Offset => "offset",
            Kind::Smoothed => "smoothed",
            Kind::Anchored => "anchored",
            Kind::By => "by",
            Kind::Without => "without",
            Kind::On => "on",
            Kind::Ignoring => "ignoring",
            Kind::GroupLeft => "group_left",
            Kind::GroupRight => "group_right",
            Kind::Fill => "fill",
            Kind::FillLeft => "fill_left",
            Kind::FillRight => "fill_right",
            Kind::Bool => "bool",
            Kind::Start => "start",
            Kind::End => "end",
            Kind::Step => "step",
            Kind::Range => "range",
            _ => return None,
        })
    }
}

fn keyword(word: &str) -> Option<Kind> {
    let lower = word.to_ascii_lowercase();
    Some(match lower.as_str() {
        "and" => Kind::Land,
        "or" => Kind::Lor,
        "unless" => Kind::Lunless,
        "atan2" => Kind::Atan2,
        "sum" => Kind::Aggr(Aggr::Sum),
        "avg" => Kind::Aggr(Aggr::Avg),
        "count" => Kind::Aggr(Aggr::Count),
        "min" => Kind::Aggr(Aggr::Min),
        "max" => Kind::Aggr(Aggr::Max),
        "group" => Kind::Aggr(Aggr::Group),
        "stddev" => Kind::Aggr(Aggr::Stddev),
        "stdvar" => Kind::Aggr(Aggr::Stdvar),
        "topk" => Kind::Aggr(Aggr::Topk),
        "bottomk" => Kind::Aggr(Aggr::Bottomk),
        "count_values" => Kind::Aggr(Aggr::CountValues),
        "quantile" => Kind::Aggr(Aggr::Quantile),
        "limitk" => Kind::Aggr(Aggr::Limitk),
        "limit_ratio" => Kind::Aggr(Aggr::LimitRatio),
        "offset" => Kind::Offset,
        "smoothed" => Kind::Smoothed,
        "anchored" => Kind::Anchored,
        "by" => Kind::By,
        "without" => Kind::Without,
        "on" => Kind::On,
        "ignoring" => Kind::Ignoring,
        "group_left" => Kind::GroupLeft,
        "group_right" => Kind::GroupRight,
        "fill" => Kind::Fill,
        "fill_left" => Kind::FillLeft,
        "fill_right" => Kind::FillRight,
        "bool" => Kind::Bool,
        "start" => Kind::Start,
        "end" => Kind::End,
        "step" => Kind::Step,
        "range" => Kind::Range,
        "inf" | "nan" => Kind::Number,
        _ => return None,
    })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

/// A lexer error: the message and the byte offset Prometheus reports it at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError {
    pub message: String,
    pub pos: usize,
}

/// All tokens up to the end of input or the first lexer error. Comments are dropped.
pub struct Lexed {
    pub tokens: Vec<Token>,
    /// Set when lexing stopped early; the parser reports it when it asks for the token after
    /// the last one in `tokens`.
    pub error: Option<LexError>,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum State {
    Statements,
    Braces,
    DurationExpr,
}

struct Lexer<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    start: usize,
    paren_depth: i64,
    brace_open: bool,
    bracket_open: bool,
    got_colon: bool,
    got_duration: bool,
    state: State,
    out: Vec<Token>,
    overread: bool,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}
fn is_alpha(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}
fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}
fn is_alnum(c: char) -> bool {
    is_alpha(c) || is_digit(c)
}

/// Go's `%q` for a rune.
fn quote_rune(c: Option<char>) -> String {
    match c {
        None => "'\\uffff'".into(),
        Some('\'') => "'\\''".into(),
        Some('"') => "'\"'".into(),
        Some(c) => format!("'{}'", go_escape_char(c)),
    }
}

/// Whether Go's `strconv.IsPrint` holds for a character: letters, marks, numbers,
/// punctuation, symbols and the ASCII space; not other spaces, controls or format characters.
fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F
        | 0x2028..=0x202E | 0x2060..=0x206F | 0xE000..=0xF8FF | 0xFEFF | 0xFFF0..=0xFFFB
        | 0xFFFE | 0xFFFF | 0xF0000..)
}

/// One character as Go's `%q` writes it inside quotes (the quote characters themselves are
/// handled by the callers).
fn go_escape_char(c: char) -> String {
    match c {
        '\\' => "\\\\".into(),
        '\x07' => "\\a".into(),
        '\x08' => "\\b".into(),
        '\x0c' => "\\f".into(),
        '\n' => "\\n".into(),
        '\r' => "\\r".into(),
        '\t' => "\\t".into(),
        '\x0b' => "\\v".into(),
        c if go_is_print(c) => c.to_string(),
        c if (c as u32) < 0x80 => format!("\\x{:02x}", c as u32),
        c if (c as u32) < 0x10000 => format!("\\u{:04x}", c as u32),
        c => format!("\\U{:08x}", c as u32),
    }
}

/// Go's `%#U` for a rune: `U+002E '.'`.
fn go_u(c: Option<char>) -> String {
    match c {
        None => "U+FFFFFFFFFFFFFFFF".into(),
        Some(c) if go_is_print(c) => format!("U+{:04X} '{}'", c as u32, c),
        Some(c) => format!("U+{:04X}", c as u32),
    }
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.pos..).and_then(|r| r.chars().next())
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }
    fn backup(&mut self, c: Option<char>) {
        if let Some(c) = c {
            self.pos -= c.len_utf8();
        }
    }
    fn accept(&mut self, valid: &str) -> bool {
        match self.peek() {
            Some(c) if valid.contains(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }
    fn is(&self, valid: &str) -> bool {
        matches!(self.peek(), Some(c) if valid.contains(c))
    }
    fn emit(&mut self, kind: Kind) {
        self.out.push(Token {
            kind,
            start: self.start,
            end: self.pos,
        });
        self.start = self.pos;
    }
    /// Prometheus writes the error over the token it just emitted: the parser never sees it.
    fn err_over(&mut self, message: String) -> Result<(), LexError> {
        self.out.pop();
        self.err(message)
    }
    fn err(&self, message: String) -> Result<(), LexError> {
        Err(LexError {
            message,
            pos: self.start,
        })
    }
    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(c) if is_space(c)) {
            self.pos += 1;
        }
        self.start = self.pos;
    }

    fn run(&mut self) -> Result<(), LexError> {
        loop {
            match self.state {
                State::Braces => self.inside_braces()?,
                State::DurationExpr => self.duration_expr()?,
                State::Statements => {
                    if self.statements()? {
                        return Ok(());
                    }
                }
            }
        }
    }

    fn line_comment(&mut self) {
        while let Some(c) = self.peek() {
            if c == '\n' || c == '\r' {
                break;
            }
            self.pos += c.len_utf8();
        }
        self.start = self.pos;
    }

    /// Returns `true` at the end of input.
    fn statements(&mut self) -> Result<bool, LexError> {
        if self.brace_open {
            self.state = State::Braces;
            return Ok(false);
        }
        if self.b.get(self.pos) == Some(&b'#') {
            self.line_comment();
            return Ok(false);
        }
        let Some(r) = self.next() else {
            if self.paren_depth != 0 {
                self.err("unclosed left parenthesis".into())?;
            }
            if self.bracket_open {
                self.err("unclosed left bracket".into())?;
            }
            return Ok(true);
        };
        match r {
            ',' => self.emit(Kind::Comma),
            c if is_space(c) => self.skip_spaces(),
            '*' => self.emit(Kind::Mul),
            '/' => self.emit(Kind::Div),
            '%' => self.emit(Kind::Mod),
            '+' => self.emit(Kind::Add),
            '-' => self.emit(Kind::Sub),
            '^' => self.emit(Kind::Pow),
            '=' => match self.peek() {
                Some('=') => {
                    self.next();
                    self.emit(Kind::EqlC)
                }
                Some('~') => self.err("unexpected character after '=': '~'".into())?,
                _ => self.emit(Kind::Eql),
            },
            '!' => {
                let t = self.next();
                if t != Some('=') {
                    self.err(format!("unexpected character after '!': {}", quote_rune(t)))?;
                }
                self.emit(Kind::Neq)
            }
            '<' => {
                if self.accept("=") {
                    self.emit(Kind::Lte)
                } else {
                    self.emit(Kind::Lss)
                }
            }
            '>' => {
                if self.accept("=") {
                    self.emit(Kind::Gte)
                } else {
                    self.emit(Kind::Gtr)
                }
            }
            c if is_digit(c) || (c == '.' && self.peek().is_some_and(is_digit)) => {
                self.pos -= 1;
                self.number_or_duration()?;
            }
            '"' | '\'' => self.string(r)?,
            '`' => self.raw_string()?,
            c if is_alpha(c) || c == ':' => {
                self.pos -= 1;
                self.keyword_or_ident();
            }
            '(' => {
                self.emit(Kind::LParen);
                self.paren_depth += 1;
            }
            ')' => {
                self.emit(Kind::RParen);
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    self.err_over("unexpected right parenthesis ')'".into())?;
                }
            }
            '{' => {
                self.emit(Kind::LBrace);
                self.brace_open = true;
                self.state = State::Braces;
            }
            '[' => {
                if self.bracket_open {
                    self.err("unexpected left bracket '['".into())?;
                }
                self.got_colon = false;
                self.got_duration = false;
                self.emit(Kind::LBracket);
                self.skip_spaces();
                self.bracket_open = true;
                self.state = State::DurationExpr;
            }
            ']' => {
                if !self.bracket_open {
                    self.err("unexpected right bracket ']'".into())?;
                }
                self.emit(Kind::RBracket);
                self.bracket_open = false;
            }
            '@' => self.emit(Kind::At),
            c => self.err(format!("unexpected character: {}", quote_rune(Some(c))))?,
        }
        Ok(false)
    }

    fn inside_braces(&mut self) -> Result<(), LexError> {
        if self.b.get(self.pos) == Some(&b'#') {
            self.line_comment();
            return Ok(());
        }
        let Some(r) = self.next() else {
            return self.err("unexpected end of input inside braces".into());
        };
        match r {
            c if is_space(c) => self.skip_spaces(),
            c if is_alpha(c) => {
                while self.peek().is_some_and(is_alnum) {
                    self.pos += 1;
                }
                self.emit(Kind::Ident);
            }
            ',' => self.emit(Kind::Comma),
            '"' | '\'' => self.string(r)?,
            '`' => self.raw_string()?,
            '=' => {
                if self.accept("~") {
                    self.emit(Kind::EqlRegex)
                } else {
                    self.emit(Kind::Eql)
                }
            }
            '!' => match self.next() {
                Some('~') => self.emit(Kind::NeqRegex),
                Some('=') => self.emit(Kind::Neq),
                nr => self.err(format!(
                    "unexpected character after '!' inside braces: {}",
                    quote_rune(nr)
                ))?,
            },
            '{' => self.err("unexpected left brace '{'".into())?,
            '}' => {
                self.emit(Kind::RBrace);
                self.brace_open = false;
                self.state = State::Statements;
            }
            c => self.err(format!(
                "unexpected character inside braces: {}",
                quote_rune(Some(c))
            ))?,
        }
        Ok(())
    }

    fn duration_expr(&mut self) -> Result<(), LexError> {
        let Some(r) = self.next() else {
            return self.err("unexpected end of input in duration expression".into());
        };
        match r {
            ']' => {
                self.emit(Kind::RBracket);
                self.bracket_open = false;
                self.got_colon = false;
                self.state = State::Statements;
            }
            ':' => {
                self.emit(Kind::Colon);
                if !self.got_duration {
                    return self.err_over(
                        "unexpected colon before duration in duration expression".into(),
                    );
                }
                if self.got_colon {
                    return self
                        .err_over("unexpected repeated colon in duration expression".into());
                }
                self.got_colon = true;
            }
            '(' => {
                self.emit(Kind::LParen);
                self.paren_depth += 1;
            }
            ')' => {
                self.emit(Kind::RParen);
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return self.err_over("unexpected right parenthesis ')'".into());
                }
            }
            c if is_space(c) => self.skip_spaces(),
            '+' => self.emit(Kind::Add),
            '-' => self.emit(Kind::Sub),
            '*' => self.emit(Kind::Mul),
            '/' => self.emit(Kind::Div),
            '%' => self.emit(Kind::Mod),
            '^' => self.emit(Kind::Pow),
            ',' => self.emit(Kind::Comma),
            's' | 'S' | 'm' | 'M' | 'r' | 'R' => {
                if !self.duration_keyword() {
                    return self.err(format!(
                        "unexpected character in duration expression: {}",
                        quote_rune(Some(r))
                    ));
                }
            }
            c if is_digit(c) || (c == '.' && self.peek().is_some_and(is_digit)) => {
                self.pos -= 1;
                self.got_duration = true;
                self.number_or_duration()?;
            }
            c => {
                return self.err(format!(
                    "unexpected character in duration expression: {}",
                    quote_rune(Some(c))
                ));
            }
        }
        Ok(())
    }

    fn duration_keyword(&mut self) -> bool {
        while self.peek().is_some_and(is_alpha) {
            self.pos += 1;
        }
        let word = self.s[self.start..self.pos].to_ascii_lowercase();
        let kind = match word.as_str() {
            "step" => Kind::Step,
            "range" => Kind::Range,
            "min" => Kind::Aggr(Aggr::Min),
            "max" => Kind::Aggr(Aggr::Max),
            // Prometheus 3.13 renamed min/max in duration expressions.
            "min_of" | "max_of" => Kind::Ident,
            _ => return false,
        };
        self.emit(kind);
        true
    }

    fn keyword_or_ident(&mut self) {
        while self.peek().is_some_and(|c| is_alnum(c) || c == ':') {
            self.pos += 1;
        }
        let word = &self.s[self.start..self.pos];
        match keyword(word) {
            Some(k @ (Kind::Fill | Kind::FillLeft | Kind::FillRight)) => {
                let rest = self.s[self.pos..].trim_start_matches(is_space);
                if rest.starts_with('(') {
                    self.emit(k)
                } else {
                    self.emit(Kind::Ident)
                }
            }
            Some(k) => self.emit(k),
            None if word.contains(':') => self.emit(Kind::MetricIdent),
            None => self.emit(Kind::Ident),
        }
    }

    fn number_or_duration(&mut self) -> Result<(), LexError> {
        if self.scan_number() {
            self.emit(Kind::Number);
            return Ok(());
        }
        if self.remaining_duration() {
            // The duration scan reads one character past the end.
            if self.overread {
                let last = self.s[..self.pos].chars().next_back();
                self.backup(last);
            }
            self.emit(Kind::Duration);
            return Ok(());
        }
        self.err(format!(
            "bad number or duration syntax: \"{}\"",
            go_escape(&self.s[self.start..self.pos.min(self.s.len())])
        ))
    }

    fn remaining_duration(&mut self) -> bool {
        self.overread = false;
        if !self.accept("smhdwy") {
            return false;
        }
        self.accept("s");
        while self.accept("0123456789") {
            while self.accept("0123456789") {}
            if !self.accept("smhdw") {
                return false;
            }
            self.accept("s");
        }
        match self.next() {
            Some(c) if is_alnum(c) => false,
            Some(_) => {
                self.overread = true;
                true
            }
            None => true,
        }
    }

    fn scan_number(&mut self) -> bool {
        let initial = self.pos;
        let mut digits = "0123456789";
        let save = self.pos;
        if self.accept("0") && self.accept("xX") {
            self.accept("_");
            digits = "0123456789abcdefABCDEF";
        } else {
            self.pos = save;
        }
        self.accept(".");
        self.accept(digits);
        let mut dot = false;
        let mut exp = false;
        let all = format!("{digits}._eE");
        while self.is(&all) {
            if self.is(".") && dot {
                self.accept(".");
                return false;
            }
            if self.is("eE") && exp && digits.len() == 10 {
                self.accept("eE");
                return false;
            }
            if self.accept(".") {
                dot = true;
                if self.accept("_.") {
                    return false;
                }
                if digits.len() > 10 {
                    return false;
                }
                continue;
            }
            if digits.len() == 10 && self.accept("eE") {
                exp = true;
                self.accept("+-");
                if self.accept("._eE") || self.peek().is_none() {
                    return false;
                }
                continue;
            }
            if self.accept("_") {
                if self.accept("._eE") || self.peek().is_none() {
                    return false;
                }
                continue;
            }
            while self.accept(digits) {}
        }
        if self.pos == initial {
            return false;
        }
        !self.peek().is_some_and(is_alnum)
    }

    fn string(&mut self, quote: char) -> Result<(), LexError> {
        loop {
            match self.next() {
                Some('\\') => self.escape(quote)?,
                None | Some('\n') => return self.err("unterminated quoted string".into()),
                Some(c) if c == quote => break,
                Some(_) => {}
            }
        }
        self.emit(Kind::Str);
        Ok(())
    }

    fn escape(&mut self, quote: char) -> Result<(), LexError> {
        let mut ch = self.next();
        let (mut n, base, max): (u32, u32, u32) = match ch {
            Some('a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\') => return Ok(()),
            Some(c) if c == quote => return Ok(()),
            Some('0'..='7') => (3, 8, 255),
            Some('x') => {
                ch = self.next();
                (2, 16, 255)
            }
            Some('u') => {
                ch = self.next();
                (4, 16, 0x10FFFF)
            }
            Some('U') => {
                ch = self.next();
                (8, 16, 0x10FFFF)
            }
            None => return self.err("escape sequence not terminated".into()),
            Some(c) => return self.err(format!("unknown escape sequence {}", go_u(Some(c)))),
        };
        let mut x: u32 = 0;
        while n > 0 {
            let d = ch.and_then(|c| c.to_digit(16)).unwrap_or(16);
            if d >= base {
                if ch.is_none() {
                    return self.err("escape sequence not terminated".into());
                }
                return self.err(format!("illegal character {} in escape sequence", go_u(ch)));
            }
            x = x.saturating_mul(base).saturating_add(d);
            n -= 1;
            if n > 0 {
                ch = self.next();
            }
        }
        if x > max || (0xD800..0xE000).contains(&x) {
            return self.err("escape sequence is an invalid Unicode code point".into());
        }
        Ok(())
    }

    fn raw_string(&mut self) -> Result<(), LexError> {
        loop {
            match self.next() {
                None => return self.err("unterminated raw string".into()),
                Some('`') => break,
                Some(_) => {}
            }
        }
        self.emit(Kind::Str);
        Ok(())
    }
}

/// Go's `%q` body for a string (without the quotes).
pub fn go_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            c => out.push_str(&go_escape_char(c)),
        }
    }
    out
}

/// Lexes a whole expression.
pub fn lex(s: &str) -> Lexed {
    let mut l = Lexer {
        s,
        b: s.as_bytes(),
        pos: 0,
        start: 0,
        paren_depth: 0,
        brace_open: false,
        bracket_open: false,
        got_colon: false,
        got_duration: false,
        state: State::Statements,
        out: Vec::with_capacity(s.len() / 3 + 2),
        overread: false,
    };
    let error = l.run().err();
    let end = s.len();
    if error.is_none() {
        l.out.push(Token {
            kind: Kind::Eof,
            start: end,
            end,
        });
    }
    Lexed {
        tokens: l.out,
        error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Kind> {
        lex(s).tokens.iter().map(|t| t.kind).collect()
    }

    #[test]
    fn tokens_with_offsets() {
        let l = lex("sum by (pod) (rate(x[5m])) > 3");
        let t: Vec<_> = l.tokens.iter().map(|t| (t.start, t.end)).collect();
        assert_eq!(t[0], (0, 3));
        assert_eq!(t[1], (4, 6));
        assert_eq!(t[3], (8, 11));
        assert!(
            l.tokens
                .iter()
                .any(|t| t.kind == Kind::Duration && t.start == 21)
        );
        assert!(l.error.is_none());
    }

    #[test]
    fn lexer_errors_at_prometheus_positions() {
        let e = lex(r#"rate(foo{job="a"[5m])"#).error.unwrap();
        assert_eq!(e.pos, 16);
        assert_eq!(e.message, "unexpected character inside braces: '['");
        let e = lex(r#"up{job=~"foo\.bar"}"#).error.unwrap();
        assert_eq!(
            (e.pos, e.message.as_str()),
            (8, "unknown escape sequence U+002E '.'")
        );
        let e = lex(r#"foo{a="b""#).error.unwrap();
        assert_eq!(
            (e.pos, e.message.as_str()),
            (9, "unexpected end of input inside braces")
        );
        assert!(lex(r"up{job=~`foo\.bar`}").error.is_none());
    }

    #[test]
    fn durations_and_numbers() {
        assert_eq!(kinds("5m")[0], Kind::Duration);
        assert_eq!(kinds("1h30m")[0], Kind::Duration);
        assert_eq!(kinds("0x1F")[0], Kind::Number);
        assert_eq!(kinds("1e3")[0], Kind::Number);
        assert_eq!(kinds("Inf")[0], Kind::Number);
        assert_eq!(kinds("x[5m+1m]")[3], Kind::Add);
    }
}
