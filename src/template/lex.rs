//! The lexer: a port of Go's `text/template/parse/lex.go` (Go 1.23 semantics).
//!
//! It produces the same token stream as Go's lexer (same token kinds, same start offsets,
//! same error messages), so the parser can report errors on the same line as Go. Trim markers
//! (`{{- ` and ` -}}`) are applied here, as in Go: text tokens already exclude the trimmed
//! white space. Comments never reach the parser (Go's default mode); they are collected in
//! [`Lexer::comments`].

use super::ErrorKind;
use super::node::Comment;
use crate::source::Span;

/// Token kinds, in Go's order (keywords after `Keyword`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    Error,
    Bool,
    /// A printable ASCII character that is not otherwise meaningful (`,`, `#`, `=`…).
    Char,
    CharConstant,
    Complex,
    Assign,
    Declare,
    Eof,
    Field,
    Identifier,
    LeftDelim,
    LeftParen,
    Number,
    Pipe,
    RawString,
    RightDelim,
    RightParen,
    Space,
    String,
    Text,
    Variable,
    // Keywords.
    Block,
    Break,
    Continue,
    Dot,
    Define,
    Else,
    End,
    If,
    Nil,
    Range,
    Template,
    With,
}

impl Tok {
    pub(crate) fn is_keyword(self) -> bool {
        matches!(
            self,
            Tok::Block
                | Tok::Break
                | Tok::Continue
                | Tok::Dot
                | Tok::Define
                | Tok::Else
                | Tok::End
                | Tok::If
                | Tok::Nil
                | Tok::Range
                | Tok::Template
                | Tok::With
        )
    }
}

/// The keyword (or `true`/`false`, as [`Tok::Bool`]) spelled by an identifier, if any.
fn keyword(word: &[u8]) -> Option<Tok> {
    // A match on byte strings compares the length first, then a word of that length.
    Some(match word {
        b"." => Tok::Dot,
        b"block" => Tok::Block,
        b"break" => Tok::Break,
        b"continue" => Tok::Continue,
        b"define" => Tok::Define,
        b"else" => Tok::Else,
        b"end" => Tok::End,
        b"if" => Tok::If,
        b"range" => Tok::Range,
        b"nil" => Tok::Nil,
        b"template" => Tok::Template,
        b"with" => Tok::With,
        b"true" | b"false" => Tok::Bool,
        _ => return None,
    })
}

/// One token: its kind and byte range. For delimiters, `trim` tells whether a trim marker
/// is attached (`{{- ` for a left delimiter, ` -}}` for a right one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Tok,
    pub pos: u32,
    pub end: u32,
    pub trim: bool,
}

impl Token {
    pub(crate) const EMPTY: Token = Token {
        kind: Tok::Eof,
        pos: 0,
        end: 0,
        trim: false,
    };

    pub(crate) fn span(&self) -> Span {
        Span {
            start: self.pos,
            end: self.end,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Text,
    LeftDelim,
    Comment,
    /// Inside an action; the lexing of each token kind (Go's `lexQuote`, `lexSpace`…) is
    /// called from here directly rather than through a state of its own.
    InsideAction,
    Done,
}

const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";
const TRIM_MARKER_LEN: usize = 2;

pub(crate) struct Lexer<'a> {
    input: &'a str,
    left_delim: &'a str,
    right_delim: &'a str,
    pos: usize,
    start: usize,
    width: usize,
    paren_depth: i64,
    state: State,
    break_ok: bool,
    continue_ok: bool,
    /// Start of the delimiter of the comment being scanned.
    comment_start: usize,
    comment_trim_left: bool,
    /// Comments seen so far, in source order.
    pub comments: Vec<Comment>,
    /// The message and kind of the last error token.
    pub error: Option<(ErrorKind, String)>,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// ASCII letters, digits and `_`: the ASCII part of [`is_alphanumeric`].
static WORD_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    t
};

fn is_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Go's `isAlphaNumeric`: `_`, letters and digits. Rust's Unicode classes approximate Go's
/// `unicode.IsLetter`/`IsDigit` outside ASCII.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn has_left_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && s[0] == b'-' && is_space_byte(s[1])
}

fn has_right_trim_marker(s: &[u8]) -> bool {
    s.len() >= 2 && is_space_byte(s[0]) && s[1] == b'-'
}

/// Go's `%#U` verb: `U+0023 '#'`.
pub(crate) fn fmt_rune(c: char) -> String {
    let mut s = format!("U+{:04X}", c as u32);
    if is_print(c) {
        s.push_str(&format!(" '{c}'"));
    }
    s
}

/// Approximates Go's `strconv.IsPrint`.
pub(crate) fn is_print(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !c.is_control() && !c.is_whitespace() && !matches!(c as u32, 0xFFF9..=0xFFFB | 0xFEFF)
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(
        input: &'a str,
        left_delim: &'a str,
        right_delim: &'a str,
        break_ok: bool,
        continue_ok: bool,
    ) -> Lexer<'a> {
        Lexer {
            input,
            left_delim: if left_delim.is_empty() {
                "{{"
            } else {
                left_delim
            },
            right_delim: if right_delim.is_empty() {
                "}}"
            } else {
                right_delim
            },
            pos: 0,
            start: 0,
            width: 0,
            paren_depth: 0,
            state: State::Text,
            break_ok,
            continue_ok,
            comment_start: 0,
            comment_trim_left: false,
            comments: Vec::new(),
            error: None,
        }
    }

    pub(crate) fn left_delim(&self) -> &'a str {
        self.left_delim
    }

    pub(crate) fn right_delim(&self) -> &'a str {
        self.right_delim
    }

    fn rest(&self) -> &'a [u8] {
        self.input.as_bytes().get(self.pos..).unwrap_or(&[])
    }

    fn rest_at(&self, at: usize) -> &'a [u8] {
        self.input.as_bytes().get(at..).unwrap_or(&[])
    }

    #[inline]
    fn next(&mut self) -> Option<char> {
        if let Some(&b) = self.input.as_bytes().get(self.pos)
            && b.is_ascii()
        {
            self.width = 1;
            self.pos += 1;
            return Some(b as char);
        }
        match self.input.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => {
                self.width = c.len_utf8();
                self.pos += self.width;
                Some(c)
            }
            None => {
                self.width = 0;
                None
            }
        }
    }

    fn peek(&mut self) -> Option<char> {
        let c = self.next();
        self.backup();
        c
    }

    fn backup(&mut self) {
        self.pos -= self.width;
        self.width = 0;
    }

    /// Consumes the next character if it is one of the ASCII characters `valid`.
    fn accept(&mut self, valid: &[u8]) -> bool {
        match self.input.as_bytes().get(self.pos) {
            Some(b) if valid.contains(b) => {
                self.pos += 1;
                self.width = 1;
                true
            }
            _ => {
                self.width = 0;
                false
            }
        }
    }

    fn accept_run(&mut self, valid: &[u8]) {
        while self.accept(valid) {}
        self.width = 0;
    }

    /// Consumes letters, digits and `_`; returns the character that stopped the run (not
    /// consumed), as Go's loop of `next` and `backup` leaves it.
    fn scan_alphanumeric(&mut self) -> Option<char> {
        let bytes = self.input.as_bytes();
        let mut i = self.pos;
        let stop = loop {
            while let Some(&b) = bytes.get(i)
                && WORD_BYTE[b as usize]
            {
                i += 1;
            }
            match bytes.get(i) {
                None => break None,
                Some(&b) if b.is_ascii() => break Some(b as char),
                Some(_) => match self.input.get(i..).and_then(|s| s.chars().next()) {
                    Some(c) if is_alphanumeric(c) => i += c.len_utf8(),
                    c => break c,
                },
            }
        };
        self.pos = i;
        self.width = 0;
        stop
    }

    fn emit(&mut self, kind: Tok) -> Token {
        self.emit_trim(kind, false)
    }

    fn emit_trim(&mut self, kind: Tok, trim: bool) -> Token {
        let t = Token {
            kind,
            pos: self.start as u32,
            end: self.pos as u32,
            trim,
        };
        self.start = self.pos;
        t
    }

    fn ignore(&mut self) {
        self.start = self.pos;
    }

    fn errorf(&mut self, kind: ErrorKind, msg: String) -> Token {
        self.error = Some((kind, msg));
        self.state = State::Done;
        Token {
            kind: Tok::Error,
            pos: self.start as u32,
            end: self.pos.max(self.start) as u32,
            trim: false,
        }
    }

    /// Returns the next token. After an error or EOF, keeps returning EOF.
    pub(crate) fn next_token(&mut self) -> Token {
        loop {
            let tok = match self.state {
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::Comment => self.lex_comment(),
                State::InsideAction => self.lex_inside_action(),
                State::Done => {
                    let at = self.input.len() as u32;
                    return Token {
                        kind: Tok::Eof,
                        pos: at,
                        end: at,
                        trim: false,
                    };
                }
            };
            if let Some(t) = tok {
                return t;
            }
        }
    }

    fn lex_text(&mut self) -> Option<Token> {
        self.width = 0;
        let rest = self.input.get(self.pos..).unwrap_or("");
        if let Some(x) = find_str(rest, self.left_delim) {
            let ldn = self.left_delim.len();
            self.pos += x;
            let mut trim_length = 0;
            if has_left_trim_marker(self.rest_at(self.pos + ldn)) {
                let text = &self.input.as_bytes()[self.start..self.pos];
                trim_length = text.len()
                    - text
                        .iter()
                        .rposition(|&b| !is_space_byte(b))
                        .map_or(0, |i| i + 1);
            }
            self.pos -= trim_length;
            let mut tok = None;
            if self.pos > self.start {
                tok = Some(self.emit(Tok::Text));
            }
            self.pos += trim_length;
            self.ignore();
            self.state = State::LeftDelim;
            return tok;
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            return Some(self.emit(Tok::Text));
        }
        let t = self.emit(Tok::Eof);
        self.state = State::Done;
        Some(t)
    }

    /// Whether the input continues with the right delimiter, and whether with a trim marker
    /// before it.
    #[inline]
    fn at_right_delim(&self) -> (bool, bool) {
        let rest = self.rest();
        let rd = self.right_delim.as_bytes();
        let Some(&first) = rest.first() else {
            return (rd.is_empty(), false);
        };
        if is_space_byte(first)
            && rest.get(1) == Some(&b'-')
            && starts_with(&rest[TRIM_MARKER_LEN..], rd)
        {
            return (true, true);
        }
        if rd.first() == Some(&first) && starts_with(rest, rd) {
            return (true, false);
        }
        (rd.is_empty(), false)
    }

    fn lex_left_delim(&mut self) -> Option<Token> {
        let delim_start = self.pos;
        self.pos += self.left_delim.len();
        let trim = has_left_trim_marker(self.rest());
        let after_marker = if trim { TRIM_MARKER_LEN } else { 0 };
        if self
            .rest_at(self.pos + after_marker)
            .starts_with(LEFT_COMMENT.as_bytes())
        {
            self.pos += after_marker;
            self.ignore();
            self.comment_start = delim_start;
            self.comment_trim_left = trim;
            self.state = State::Comment;
            return None;
        }
        let t = self.emit_trim(Tok::LeftDelim, trim);
        self.pos += after_marker;
        self.ignore();
        self.paren_depth = 0;
        self.state = State::InsideAction;
        Some(t)
    }

    fn lex_comment(&mut self) -> Option<Token> {
        self.pos += LEFT_COMMENT.len();
        let rest = self.input.get(self.pos..).unwrap_or("");
        let Some(i) = find_str(rest, RIGHT_COMMENT) else {
            return Some(self.errorf(ErrorKind::UnclosedComment, "unclosed comment".into()));
        };
        self.pos += i + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return Some(self.errorf(
                ErrorKind::UnclosedComment,
                "comment ends before closing delimiter".into(),
            ));
        }
        let text = Span::new(self.start, self.pos);
        if trim {
            self.pos += TRIM_MARKER_LEN;
        }
        self.pos += self.right_delim.len();
        self.comments.push(Comment {
            span: Span::new(self.comment_start, self.pos),
            text,
            trim_left: self.comment_trim_left,
            trim_right: trim,
        });
        if trim {
            self.pos += leading_space_len(self.rest());
        }
        self.ignore();
        self.state = State::Text;
        None
    }

    fn lex_right_delim(&mut self) -> Option<Token> {
        let trim = has_right_trim_marker(self.rest());
        if trim {
            self.pos += TRIM_MARKER_LEN;
            self.ignore();
        }
        self.pos += self.right_delim.len();
        let t = self.emit_trim(Tok::RightDelim, trim);
        if trim {
            self.pos += leading_space_len(self.rest());
            self.ignore();
        }
        self.state = State::Text;
        Some(t)
    }

    fn lex_inside_action(&mut self) -> Option<Token> {
        // Only white space (a trim marker) or the delimiter's first byte can start the right
        // delimiter, which is never empty.
        let delim = match self.input.as_bytes().get(self.pos) {
            Some(&b) if is_space_byte(b) || self.right_delim.as_bytes().first() == Some(&b) => {
                self.at_right_delim().0
            }
            _ => false,
        };
        if delim {
            if self.paren_depth == 0 {
                return self.lex_right_delim();
            }
            return Some(self.errorf(ErrorKind::UnclosedParen, "unclosed left paren".into()));
        }
        let Some(r) = self.next() else {
            return Some(self.errorf(ErrorKind::UnclosedAction, "unclosed action".into()));
        };
        match r {
            _ if is_space(r) => {
                self.backup();
                self.lex_space()
            }
            '=' => Some(self.emit(Tok::Assign)),
            ':' => {
                if self.next() != Some('=') {
                    return Some(self.errorf(ErrorKind::BadCharacter, "expected :=".into()));
                }
                Some(self.emit(Tok::Declare))
            }
            '|' => Some(self.emit(Tok::Pipe)),
            '"' => self.lex_quote(),
            '`' => self.lex_raw_quote(),
            '$' => self.lex_variable(),
            '\'' => self.lex_char(),
            '.' if self
                .input
                .as_bytes()
                .get(self.pos)
                .is_some_and(|b| !b.is_ascii_digit()) =>
            {
                self.lex_field_or_variable(Tok::Field)
            }
            '.' | '+' | '-' | '0'..='9' => {
                self.backup();
                self.lex_number()
            }
            _ if is_alphanumeric(r) => {
                self.backup();
                self.lex_identifier()
            }
            '(' => {
                self.paren_depth += 1;
                Some(self.emit(Tok::LeftParen))
            }
            ')' => {
                self.paren_depth -= 1;
                if self.paren_depth < 0 {
                    return Some(
                        self.errorf(ErrorKind::UnexpectedParen, "unexpected right paren".into()),
                    );
                }
                Some(self.emit(Tok::RightParen))
            }
            _ if r.is_ascii() && is_print(r) => Some(self.emit(Tok::Char)),
            _ => Some(self.errorf(
                ErrorKind::BadCharacter,
                format!("unrecognized character in action: {}", fmt_rune(r)),
            )),
        }
    }

    fn lex_space(&mut self) -> Option<Token> {
        let num_spaces = leading_space_len(self.rest());
        self.pos += num_spaces;
        self.width = 0;
        self.state = State::InsideAction;
        let before = self.pos.saturating_sub(1);
        if has_right_trim_marker(self.rest_at(before))
            && self
                .rest_at(before + TRIM_MARKER_LEN)
                .starts_with(self.right_delim.as_bytes())
        {
            // Put the last space back: it belongs to the " -}}" marker.
            self.pos = before;
            if num_spaces == 1 {
                return self.lex_right_delim();
            }
        }
        Some(self.emit(Tok::Space))
    }

    fn lex_identifier(&mut self) -> Option<Token> {
        let r = self.scan_alphanumeric();
        if !self.at_terminator() {
            return Some(self.bad_character(r));
        }
        let word = &self.input.as_bytes()[self.start..self.pos];
        let kind = match keyword(word) {
            Some(Tok::Break) if !self.break_ok => Tok::Identifier,
            Some(Tok::Continue) if !self.continue_ok => Tok::Identifier,
            Some(k) => k,
            None => Tok::Identifier,
        };
        self.state = State::InsideAction;
        Some(self.emit(kind))
    }

    fn bad_character(&mut self, r: Option<char>) -> Token {
        let shown = r.map_or_else(|| "U+FFFFFFFFFFFFFFFF".to_string(), fmt_rune);
        self.errorf(ErrorKind::BadCharacter, format!("bad character {shown}"))
    }

    fn lex_variable(&mut self) -> Option<Token> {
        if self.at_terminator() {
            self.state = State::InsideAction;
            return Some(self.emit(Tok::Variable));
        }
        self.lex_field_or_variable(Tok::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: Tok) -> Option<Token> {
        if self.at_terminator() {
            self.state = State::InsideAction;
            return Some(self.emit(if kind == Tok::Variable {
                Tok::Variable
            } else {
                Tok::Dot
            }));
        }
        let r = self.scan_alphanumeric();
        if !self.at_terminator() {
            return Some(self.bad_character(r));
        }
        self.state = State::InsideAction;
        Some(self.emit(kind))
    }

    fn at_terminator(&mut self) -> bool {
        self.width = 0;
        let Some(&b) = self.input.as_bytes().get(self.pos) else {
            return true;
        };
        if b.is_ascii() {
            return is_space_byte(b)
                || matches!(b, b'.' | b',' | b'|' | b':' | b')' | b'(')
                || self.right_delim.as_bytes().first() == Some(&b);
        }
        match self.input.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(r) => self.right_delim.starts_with(r),
            None => true,
        }
    }

    fn lex_char(&mut self) -> Option<Token> {
        if !self.scan_quoted(b'\'') {
            return Some(self.unterminated_char());
        }
        self.state = State::InsideAction;
        Some(self.emit(Tok::CharConstant))
    }

    /// Scans the rest of a quoted string or character constant up to its closing `quote`:
    /// false, with the position where Go's character loop stops, if a newline or the end of
    /// the input comes first. Escapes are not checked here, only skipped. Multi-byte
    /// characters need no decoding: their bytes are never ASCII.
    fn scan_quoted(&mut self, quote: u8) -> bool {
        let bytes = self.input.as_bytes();
        let mut i = self.pos;
        let ok = loop {
            let Some(at) = memchr::memchr3(quote, b'\\', b'\n', bytes.get(i..).unwrap_or(&[]))
            else {
                i = bytes.len();
                break false;
            };
            i += at;
            match bytes[i] {
                b'\\' => match bytes.get(i + 1) {
                    None => {
                        i += 1;
                        break false;
                    }
                    Some(b'\n') => {
                        i += 2;
                        break false;
                    }
                    Some(_) => i += 2,
                },
                b'\n' => {
                    i += 1;
                    break false;
                }
                _ => {
                    i += 1;
                    break true;
                }
            }
        };
        self.pos = i;
        self.width = 0;
        ok
    }

    fn unterminated_char(&mut self) -> Token {
        self.errorf(
            ErrorKind::UnterminatedChar,
            "unterminated character constant".into(),
        )
    }

    fn lex_number(&mut self) -> Option<Token> {
        if !self.scan_number() {
            return Some(self.bad_number());
        }
        if let Some('+' | '-') = self.peek() {
            if !self.scan_number()
                || self.input.as_bytes().get(self.pos.wrapping_sub(1)) != Some(&b'i')
            {
                return Some(self.bad_number());
            }
            self.state = State::InsideAction;
            return Some(self.emit(Tok::Complex));
        }
        self.state = State::InsideAction;
        Some(self.emit(Tok::Number))
    }

    fn bad_number(&mut self) -> Token {
        let text = self.input.get(self.start..self.pos).unwrap_or("");
        let msg = format!("bad number syntax: {}", go_quote(text));
        self.errorf(ErrorKind::BadNumber, msg)
    }

    fn scan_number(&mut self) -> bool {
        self.accept(b"+-");
        let mut digits: &[u8] = b"0123456789_";
        if self.accept(b"0") {
            if self.accept(b"xX") {
                digits = b"0123456789abcdefABCDEF_";
            } else if self.accept(b"oO") {
                digits = b"01234567_";
            } else if self.accept(b"bB") {
                digits = b"01_";
            }
        }
        self.accept_run(digits);
        if self.accept(b".") {
            self.accept_run(digits);
        }
        if digits.len() == 10 + 1 && self.accept(b"eE") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        if digits.len() == 16 + 6 + 1 && self.accept(b"pP") {
            self.accept(b"+-");
            self.accept_run(b"0123456789_");
        }
        self.accept(b"i");
        if self.peek().is_some_and(is_alphanumeric) {
            self.next();
            return false;
        }
        true
    }

    fn lex_quote(&mut self) -> Option<Token> {
        if !self.scan_quoted(b'"') {
            return Some(self.unterminated_quote());
        }
        self.state = State::InsideAction;
        Some(self.emit(Tok::String))
    }

    fn unterminated_quote(&mut self) -> Token {
        self.errorf(
            ErrorKind::UnterminatedString,
            "unterminated quoted string".into(),
        )
    }

    fn lex_raw_quote(&mut self) -> Option<Token> {
        match memchr::memchr(b'`', self.rest()) {
            Some(i) => {
                self.pos += i + 1;
                self.state = State::InsideAction;
                Some(self.emit(Tok::RawString))
            }
            None => {
                self.pos = self.input.len();
                Some(self.errorf(
                    ErrorKind::UnterminatedRawString,
                    "unterminated raw quoted string".into(),
                ))
            }
        }
    }
}

fn leading_space_len(s: &[u8]) -> usize {
    s.iter().take_while(|&&b| is_space_byte(b)).count()
}

/// Go's `%q` (`strconv.Quote`) for a string.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_print(c) => out.push(c),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `hay.find(needle)` for the short needles of the lexer (delimiters): a scan for the first
/// byte, without setting up a general substring searcher for every piece of text.
fn find_str(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.as_bytes();
    let Some(&first) = n.first() else {
        return Some(0);
    };
    let h = hay.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memchr(first, &h[from..]) {
        let at = from + i;
        if starts_with(&h[at..], n) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// `s.starts_with(prefix)`, with the two-byte delimiters compared without a call to `memcmp`.
#[inline]
fn starts_with(s: &[u8], prefix: &[u8]) -> bool {
    match (prefix, s) {
        ([a, b], [x, y, ..]) => a == x && b == y,
        ([_, _], _) => false,
        _ => s.starts_with(prefix),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Tok, String)> {
        let mut l = Lexer::new(src, "", "", true, true);
        let mut out = Vec::new();
        loop {
            let t = l.next_token();
            let text = match t.kind {
                Tok::Error => l.error.clone().map(|e| e.1).unwrap_or_default(),
                _ => src[t.pos as usize..t.end as usize].to_string(),
            };
            out.push((t.kind, text));
            if matches!(t.kind, Tok::Eof | Tok::Error) {
                return out;
            }
        }
    }

    #[test]
    fn trim_markers_and_numbers() {
        let k = kinds("a  {{- 3 -}}  b");
        assert_eq!(
            k.iter().map(|x| x.0).collect::<Vec<_>>(),
            vec![
                Tok::Text,
                Tok::LeftDelim,
                Tok::Number,
                Tok::RightDelim,
                Tok::Text,
                Tok::Eof
            ]
        );
        assert_eq!(k[0].1, "a");
        assert_eq!(k[2].1, "3");
        assert_eq!(k[4].1, "b");
        // "-3" without a space is a number, not a trim marker.
        let k = kinds("{{-3}}");
        assert_eq!(k[1], (Tok::Number, "-3".to_string()));
    }

    #[test]
    fn fields_variables_and_keywords() {
        let k = kinds("{{range $i, $v := .Values.list}}");
        let toks: Vec<Tok> = k.iter().map(|x| x.0).collect();
        assert_eq!(
            toks,
            vec![
                Tok::LeftDelim,
                Tok::Range,
                Tok::Space,
                Tok::Variable,
                Tok::Char,
                Tok::Space,
                Tok::Variable,
                Tok::Space,
                Tok::Declare,
                Tok::Space,
                Tok::Field,
                Tok::Field,
                Tok::RightDelim,
                Tok::Eof
            ]
        );
    }

    #[test]
    fn lexer_errors() {
        let last = |s: &str| kinds(s).pop().map(|x| x.1).unwrap_or_default();
        assert_eq!(last("{{\"abc}}"), "unterminated quoted string");
        assert_eq!(last("{{`abc}}"), "unterminated raw quoted string");
        assert_eq!(last("{{/* x }}"), "unclosed comment");
        assert_eq!(
            last("{{/* x */ }}"),
            "comment ends before closing delimiter"
        );
        assert_eq!(last("{{ .x"), "unclosed action");
        assert_eq!(last("{{ 1x }}"), "bad number syntax: \"1x\"");
        assert_eq!(last("{{ .x-1 }}"), "bad character U+002D '-'");
        assert_eq!(last("{{ (1 }}"), "unclosed left paren");
        assert_eq!(last("{{ 1) }}"), "unexpected right paren");
        assert_eq!(last("{{ 'a }}"), "unterminated character constant");
        assert_eq!(last("{{ a:b }}"), "expected :=");
    }

    fn lex_with(src: &str, ld: &str, rd: &str, break_ok: bool) -> Vec<(Tok, String)> {
        let mut l = Lexer::new(src, ld, rd, break_ok, break_ok);
        let mut out = Vec::new();
        loop {
            let t = l.next_token();
            let text = match t.kind {
                Tok::Error => l.error.clone().map(|e| e.1).unwrap_or_default(),
                _ => src[t.pos as usize..t.end as usize].to_string(),
            };
            out.push((t.kind, text));
            if matches!(t.kind, Tok::Eof | Tok::Error) {
                return out;
            }
        }
    }

    /// The tokens inside the first action (between the delimiters, spaces left out).
    fn inside(src: &str) -> Vec<(Tok, String)> {
        kinds(src)
            .into_iter()
            .skip_while(|t| t.0 != Tok::LeftDelim)
            .skip(1)
            .take_while(|t| t.0 != Tok::RightDelim)
            .filter(|t| t.0 != Tok::Space)
            .collect()
    }

    fn tok(kind: Tok, text: &str) -> (Tok, String) {
        (kind, text.to_string())
    }

    #[test]
    fn keywords_and_identifiers_sharing_a_prefix() {
        let words = [
            ("if", Tok::If),
            ("iff", Tok::Identifier),
            ("i", Tok::Identifier),
            ("end", Tok::End),
            ("ends", Tok::Identifier),
            ("en", Tok::Identifier),
            ("else", Tok::Else),
            ("elseif", Tok::Identifier),
            ("range", Tok::Range),
            ("range1", Tok::Identifier),
            ("with", Tok::With),
            ("with_", Tok::Identifier),
            ("nil", Tok::Nil),
            ("nils", Tok::Identifier),
            ("true", Tok::Bool),
            ("truely", Tok::Identifier),
            ("false", Tok::Bool),
            ("False", Tok::Identifier),
            ("define", Tok::Define),
            ("defined", Tok::Identifier),
            ("template", Tok::Template),
            ("templates", Tok::Identifier),
            ("block", Tok::Block),
            ("blocks", Tok::Identifier),
            ("continue", Tok::Continue),
            ("continuer", Tok::Identifier),
            ("break", Tok::Break),
            ("brea", Tok::Identifier),
            ("withé", Tok::Identifier),
            ("élse", Tok::Identifier),
            ("toYaml", Tok::Identifier),
            ("include", Tok::Identifier),
        ];
        for (w, kind) in words {
            assert_eq!(inside(&format!("{{{{{w}}}}}")), vec![tok(kind, w)], "{w}");
            assert_eq!(inside(&format!("{{{{ {w} }}}}")), vec![tok(kind, w)], "{w}");
        }
        // `break` and `continue` defined as functions are identifiers.
        let k = lex_with("{{break}}{{continue}}", "", "", false);
        assert_eq!(k[1], tok(Tok::Identifier, "break"));
        assert_eq!(k[4], tok(Tok::Identifier, "continue"));
    }

    #[test]
    fn fields_variables_and_terminators() {
        assert_eq!(
            inside("{{ .Values.a_b.c1 | quote }}"),
            vec![
                tok(Tok::Field, ".Values"),
                tok(Tok::Field, ".a_b"),
                tok(Tok::Field, ".c1"),
                tok(Tok::Pipe, "|"),
                tok(Tok::Identifier, "quote"),
            ]
        );
        assert_eq!(
            inside("{{ $x.naïve (len $) $.y }}"),
            vec![
                tok(Tok::Variable, "$x"),
                tok(Tok::Field, ".naïve"),
                tok(Tok::LeftParen, "("),
                tok(Tok::Identifier, "len"),
                tok(Tok::Variable, "$"),
                tok(Tok::RightParen, ")"),
                tok(Tok::Variable, "$"),
                tok(Tok::Field, ".y"),
            ]
        );
        assert_eq!(inside("{{.}}"), vec![tok(Tok::Dot, ".")]);
        assert_eq!(
            inside("{{ . }}{{.a,.b}}"),
            vec![tok(Tok::Dot, ".")],
            "the first action only"
        );
        let k = kinds("{{.a,.b}}");
        assert_eq!(k[2], tok(Tok::Char, ","));
        // A letter outside ASCII continues a name; other characters end it badly.
        assert_eq!(
            kinds("{{ .aé€ }}").pop().unwrap().1,
            "bad character U+20AC '€'"
        );
        assert_eq!(
            kinds("{{ x€ }}").pop().unwrap().1,
            "bad character U+20AC '€'"
        );
        assert_eq!(
            kinds("{{ $v€ }}").pop().unwrap().1,
            "bad character U+20AC '€'"
        );
        assert_eq!(kinds("{{ x").pop().unwrap().1, "unclosed action");
        assert_eq!(
            kinds("{{ €").pop().unwrap().1,
            "unrecognized character in action: U+20AC '€'"
        );
    }

    #[test]
    fn multibyte_text_and_strings() {
        let k = kinds("héllo {{ \"naïve\\\"é\" }} wörld ✓");
        assert_eq!(
            k,
            vec![
                tok(Tok::Text, "héllo "),
                tok(Tok::LeftDelim, "{{"),
                tok(Tok::Space, " "),
                tok(Tok::String, "\"naïve\\\"é\""),
                tok(Tok::Space, " "),
                tok(Tok::RightDelim, "}}"),
                tok(Tok::Text, " wörld ✓"),
                tok(Tok::Eof, ""),
            ]
        );
        // A backslash before a multi-byte character is skipped whole.
        assert_eq!(inside("{{ \"a\\é\" }}"), vec![tok(Tok::String, "\"a\\é\"")]);
        assert_eq!(inside("{{ 'é' }}"), vec![tok(Tok::CharConstant, "'é'")]);
        assert_eq!(inside("{{ '\\'' }}"), vec![tok(Tok::CharConstant, "'\\''")]);
        let last = |s: &str| kinds(s).pop().unwrap();
        assert_eq!(
            last("{{ \"ab\\"),
            tok(Tok::Error, "unterminated quoted string")
        );
        assert_eq!(
            last("{{ \"a\\\nb\" }}"),
            tok(Tok::Error, "unterminated quoted string")
        );
        assert_eq!(
            last("{{ \"a\nb\" }}"),
            tok(Tok::Error, "unterminated quoted string")
        );
        assert_eq!(
            last("{{ 'a\n' }}"),
            tok(Tok::Error, "unterminated character constant")
        );
        // Where the error token ends (its span is the error's position).
        let mut l = Lexer::new("{{ \"a\\\nb\" }}", "", "", true, true);
        let t = std::iter::from_fn(|| Some(l.next_token()))
            .find(|t| t.kind == Tok::Error)
            .unwrap();
        assert_eq!((t.pos, t.end), (3, 7));
    }

    #[test]
    fn raw_strings_comments_and_trim_markers() {
        assert_eq!(
            inside("{{ `a\\n\"é\n` }}"),
            vec![tok(Tok::RawString, "`a\\n\"é\n`")]
        );
        let k = kinds("a \n{{- /* c\n é */ -}} \n b{{/**/}}c");
        assert_eq!(
            k,
            vec![
                tok(Tok::Text, "a"),
                tok(Tok::Text, "b"),
                tok(Tok::Text, "c"),
                tok(Tok::Eof, "")
            ]
        );
        let mut l = Lexer::new("x {{- /* c */ -}} y", "", "", true, true);
        while l.next_token().kind != Tok::Eof {}
        assert_eq!(l.comments.len(), 1);
        assert!(l.comments[0].trim_left && l.comments[0].trim_right);
        assert_eq!(
            kinds("{{- .a -}}\n x"),
            vec![
                tok(Tok::LeftDelim, "{{"),
                tok(Tok::Field, ".a"),
                tok(Tok::RightDelim, "}}"),
                tok(Tok::Text, "x"),
                tok(Tok::Eof, ""),
            ]
        );
        // No space after the dash: no trim marker.
        assert_eq!(
            kinds("{{-.b}}").pop().unwrap().1,
            "bad number syntax: \"-.b\""
        );
        // Two spaces before a trim marker: one is a space token, the other the marker's.
        assert_eq!(
            kinds("{{ 1  -}}"),
            vec![
                tok(Tok::LeftDelim, "{{"),
                tok(Tok::Space, " "),
                tok(Tok::Number, "1"),
                tok(Tok::Space, " "),
                tok(Tok::RightDelim, "}}"),
                tok(Tok::Eof, ""),
            ]
        );
    }

    #[test]
    fn numbers() {
        for n in [
            "0", "-1", "+2", "0x1F", "0o17", "0b101", "1_000", "1.5e-3", "0x1p-2", "2i", "'a'",
        ] {
            let kind = if n.starts_with('\'') {
                Tok::CharConstant
            } else {
                Tok::Number
            };
            assert_eq!(inside(&format!("{{{{ {n} }}}}")), vec![tok(kind, n)], "{n}");
        }
        assert_eq!(inside("{{ 1+2i }}"), vec![tok(Tok::Complex, "1+2i")]);
        assert_eq!(
            kinds("{{ 0x1g }}").pop().unwrap().1,
            "bad number syntax: \"0x1g\""
        );
    }

    #[test]
    fn other_delimiters() {
        let k = lex_with("a [[ .x ]] «.y» b", "[[", "]]", true);
        assert_eq!(k[3], tok(Tok::Field, ".x"));
        assert_eq!(k[5], tok(Tok::RightDelim, "]]"));
        assert_eq!(k[6], tok(Tok::Text, " «.y» b"));
        let k = lex_with("a «.y -»b«- `x`»", "«", "»", true);
        assert_eq!(
            k,
            vec![
                tok(Tok::Text, "a "),
                tok(Tok::LeftDelim, "«"),
                tok(Tok::Field, ".y"),
                tok(Tok::RightDelim, "»"),
                tok(Tok::Text, "b"),
                tok(Tok::LeftDelim, "«"),
                tok(Tok::RawString, "`x`"),
                tok(Tok::RightDelim, "»"),
                tok(Tok::Eof, ""),
            ]
        );
        // A field ends where the right delimiter starts, even a multi-byte one.
        let k = lex_with("«.y»", "«", "»", true);
        assert_eq!(k[1], tok(Tok::Field, ".y"));
        // One-byte and three-byte delimiters.
        let k = lex_with("<.a>x", "<", ">", true);
        assert_eq!(k[1], tok(Tok::Field, ".a"));
        assert_eq!(k[3], tok(Tok::Text, "x"));
        let k = lex_with("<%= .a %>", "<%=", "%>", true);
        assert_eq!(k[2], tok(Tok::Field, ".a"));
    }

    #[test]
    fn go_quote_matches_go() {
        assert_eq!(go_quote("a\"b\n\u{1}é"), "\"a\\\"b\\n\\x01é\"");
    }
}
