//! Go `text/template` syntax: a lexer and parser ported from Go's `text/template/parse`,
//! with byte spans on every node and errors on the line where Go reports them.
//!
//! ```
//! use plimsoll::template::{parse, ParseOptions};
//! let src = "{{- range $i, $v := .Values.list }}{{ $v | quote }}{{ end }}";
//! let tpl = parse(src, &ParseOptions::helm("t.yaml")).unwrap();
//! let fields: Vec<String> = tpl.field_chains().iter().map(|f| f.path.join(".")).collect();
//! assert_eq!(fields, ["Values.list"]);
//! ```
//!
//! Helm parses every template with its function map, so an unknown function is a parse error
//! (`function "x" not defined`); [`ParseOptions::check_functions`] turns that check off, and
//! [`FuncSet`] holds the names for Go's builtins, Helm's map, or a caller's own.

mod funcs;
pub mod lex;
mod literal;
pub mod node;
mod parse;
mod walk;

pub use funcs::{FuncSet, GO_BUILTINS, HELM_FUNCTIONS};
pub use node::*;
pub use walk::{
    FieldChain, FieldRoot, FuncCall, TemplateRef, TemplateRefKind, VarKind, VarOccurrence, Visitor,
    walk_list, walk_operand, walk_pipe,
};

use crate::source::Span;

/// Nesting limit (actions inside actions, parentheses inside parentheses). Go allows 10 000
/// nested parentheses and does not limit blocks; this limit keeps recursion within a 2 MiB
/// thread stack.
pub const DEFAULT_MAX_DEPTH: usize = 1000;

/// What kind of error Go would report (the message holds Go's exact text).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// `unclosed action` (end of input inside `{{ }}`), possibly `… started at NAME:LINE`.
    UnclosedAction,
    /// `unexpected EOF`: a block (`if`, `range`, `with`, `define`, `block`) has no `{{end}}`.
    UnexpectedEof,
    /// `unexpected {{end}}`.
    UnexpectedEnd,
    /// `unexpected {{else}}`, or `expected end; found {{else}}`.
    UnexpectedElse,
    /// `unexpected X in Y`, `missing value for …`, `empty command` and other grammar errors.
    Unexpected,
    /// `undefined variable "$x"`.
    UndefinedVariable,
    /// `bad number syntax`, `illegal number syntax`, `integer overflow`, malformed char.
    BadNumber,
    /// `unterminated quoted string`.
    UnterminatedString,
    /// `unterminated raw quoted string`.
    UnterminatedRawString,
    /// `unterminated character constant`.
    UnterminatedChar,
    /// `invalid syntax`: a string or character escape Go's `strconv` rejects.
    InvalidEscape,
    /// `unclosed comment`, `comment ends before closing delimiter`.
    UnclosedComment,
    /// `{{break}} outside {{range}}`, `{{continue}} outside {{range}}`.
    BreakOutsideRange,
    /// `function "x" not defined`.
    FunctionNotDefined,
    /// `bad character U+…`, `unrecognized character in action`, `expected :=`.
    BadCharacter,
    /// `unclosed left paren`.
    UnclosedParen,
    /// `unexpected right paren`.
    UnexpectedParen,
    /// `template: multiple definition of template "x"`.
    MultipleDefinition,
    /// `max expression depth exceeded` and deeper-than-supported block nesting.
    TooDeep,
}

/// A parse error: where Go reports it and Go's message (without the `template: NAME:LINE:`
/// prefix).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub kind: ErrorKind,
    pub message: String,
    /// The token Go was looking at when it stopped; its line is the line in Go's message.
    pub span: Span,
    /// The token at fault when Go reports the error elsewhere (after look-ahead): the
    /// undefined variable or function. [`ParseError::focus`] picks the best span to show.
    pub culprit: Option<Span>,
    /// A second place that explains the error: the block left open for `unexpected EOF`,
    /// the start of an unclosed action.
    pub related: Option<(Span, String)>,
}

impl ParseError {
    /// The smallest span that explains the error: the culprit if known, else Go's position.
    pub fn focus(&self) -> Span {
        self.culprit.unwrap_or(self.span)
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// How to parse.
#[derive(Clone, Copy, Debug)]
pub struct ParseOptions<'a> {
    /// The template name Go uses in messages (`unclosed action started at NAME:LINE`) and for
    /// the top-level template (duplicate `define` detection). Helm uses `chart/templates/x.yaml`.
    pub name: &'a str,
    /// Left delimiter; empty means `{{`.
    pub left_delim: &'a str,
    /// Right delimiter; empty means `}}`.
    pub right_delim: &'a str,
    /// The functions in scope. `break`/`continue` are keywords unless defined as functions.
    pub funcs: &'a FuncSet,
    /// Report `function "x" not defined` (Go's default; Go's `SkipFuncCheck` mode is `false`).
    pub check_functions: bool,
    pub max_depth: usize,
}

impl<'a> ParseOptions<'a> {
    /// Go's builtins plus `funcs`, functions checked, default delimiters.
    pub fn new(name: &'a str, funcs: &'a FuncSet) -> ParseOptions<'a> {
        ParseOptions {
            name,
            left_delim: "",
            right_delim: "",
            funcs,
            check_functions: true,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }

    /// As Helm parses chart templates: Go's builtins, Sprig and Helm's functions.
    pub fn helm(name: &'a str) -> ParseOptions<'a> {
        ParseOptions::new(name, FuncSet::helm())
    }

    /// No function check: any identifier is accepted as a function name.
    pub fn unchecked(name: &'a str) -> ParseOptions<'a> {
        ParseOptions {
            check_functions: false,
            ..ParseOptions::new(name, FuncSet::go_builtins())
        }
    }

    pub fn with_delims(mut self, left: &'a str, right: &'a str) -> Self {
        self.left_delim = left;
        self.right_delim = right;
        self
    }
}

/// Parses one template text.
pub fn parse(src: &str, opts: &ParseOptions<'_>) -> Result<Template, ParseError> {
    parse::Parser::new(src, opts).parse_template()
}
