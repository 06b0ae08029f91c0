//! The parser: a port of Go's `text/template/parse/parse.go`.
//!
//! The token buffer (three-token look-ahead with `backup`, `backup2`, `backup3`) is ported as
//! is, because Go reports every error at the line of the most recently lexed token
//! (`t.token[0]`); keeping the same reads keeps the same lines. `define` and `block` bodies
//! are parsed with a fresh tree state (own look-ahead, variables and range depth), as Go
//! parses them into new trees.

use crate::FastMap;

use super::lex::{Lexer, Tok, Token, go_quote};
use super::literal::{INVALID_SYNTAX, new_number, unquote};
use super::node::*;
use super::{ErrorKind, ParseError, ParseOptions};
use crate::source::Span;

/// Stack left before recursing further (a debug build needs ~10 KiB per nesting level).
const RED_ZONE: usize = 128 * 1024;
/// Size of each stack segment allocated when the red zone is reached.
const STACK_CHUNK: usize = 2 * 1024 * 1024;

/// Go's `maxPipelineCmds`.
const MAX_PIPELINE_CMDS: usize = 100_000;

type PResult<T> = Result<T, ParseError>;

/// What an action turned out to be: a node, or the `{{end}}`/`{{else}}` that closes a list.
enum Item {
    Node(Node),
    End(Tag),
    /// `{{else}}`; `chained` for `{{else if …}}` / `{{else with …}}`.
    Else(Tag),
}

/// Per-tree parsing state (Go's `Tree` fields used while parsing).
struct TreeState {
    token: [Token; 3],
    peek_count: usize,
    /// Where this tree's variables start in [`Parser::vars`] (its `$` first).
    vars_start: usize,
    range_depth: usize,
}

impl TreeState {
    fn new(vars_start: usize) -> TreeState {
        TreeState {
            token: [Token::EMPTY; 3],
            peek_count: 0,
            vars_start,
            range_depth: 0,
        }
    }
}

pub(crate) struct Parser<'a> {
    src: &'a str,
    lex: Lexer<'a>,
    opts: &'a ParseOptions<'a>,
    t: TreeState,
    /// The variables in scope, of this tree and of the trees whose parse encloses it (a
    /// `define` or `block` body sees only its own, from `t.vars_start`).
    vars: Vec<&'a str>,
    /// Work stacks: the nodes, commands, operands and fields of the lists, pipelines,
    /// commands and chains being parsed. Each level collects from the length it found, and
    /// moves its items into a vector of exactly their number when it completes.
    node_stack: Vec<Node>,
    cmd_stack: Vec<Command>,
    arg_stack: Vec<Operand>,
    field_stack: Vec<Ident>,
    /// Current recursion depth (blocks and parentheses).
    depth: usize,
    /// Left delimiter of the action being parsed (Go's `actionLine`).
    action_start: Option<Token>,
    /// Left delimiter of the most recent action.
    cur_ldelim: Token,
    /// The token most recently returned by `next`.
    last: Token,
    defines: Vec<Define>,
    /// Go's treeSet: name → whether the tree is non-empty.
    tree_set: FastMap<String, bool>,
    /// Open blocks, innermost last: opening tag and keyword.
    open: Vec<(Span, &'static str)>,
}

/// The items of `stack` from `base` on, moved into a vector of exactly their number.
/// (`split_off` allocates exactly that, even from 0, and copies the items in one move.)
fn take_from<T>(stack: &mut Vec<T>, base: usize) -> Vec<T> {
    stack.split_off(base)
}

fn tag(ld: Token, rd: Token) -> Tag {
    Tag {
        span: Span {
            start: ld.pos,
            end: rd.end.max(ld.pos),
        },
        trim_left: ld.trim,
        trim_right: rd.trim,
    }
}

impl<'a> Parser<'a> {
    pub(crate) fn new(src: &'a str, opts: &'a ParseOptions<'a>) -> Parser<'a> {
        let lex = Lexer::new(
            src,
            opts.left_delim,
            opts.right_delim,
            !opts.funcs.contains("break"),
            !opts.funcs.contains("continue"),
        );
        Parser {
            src,
            lex,
            opts,
            t: TreeState::new(0),
            vars: vec!["$"],
            node_stack: Vec::with_capacity(64),
            cmd_stack: Vec::with_capacity(16),
            arg_stack: Vec::with_capacity(16),
            field_stack: Vec::with_capacity(16),
            depth: 0,
            action_start: None,
            cur_ldelim: Token::EMPTY,
            last: Token::EMPTY,
            defines: Vec::new(),
            tree_set: FastMap::default(),
            open: Vec::new(),
        }
    }

    // ---- token buffer (Go's next/backup/peek) ----

    fn next(&mut self) -> Token {
        if self.t.peek_count > 0 {
            self.t.peek_count -= 1;
        } else {
            self.t.token[0] = self.lex.next_token();
        }
        let t = self.t.token[self.t.peek_count];
        self.last = t;
        t
    }

    fn backup(&mut self) {
        self.t.peek_count += 1;
    }

    fn backup2(&mut self, t1: Token) {
        self.t.token[1] = t1;
        self.t.peek_count = 2;
    }

    fn backup3(&mut self, t2: Token, t1: Token) {
        self.t.token[1] = t1;
        self.t.token[2] = t2;
        self.t.peek_count = 3;
    }

    fn peek(&mut self) -> Token {
        if self.t.peek_count > 0 {
            return self.t.token[self.t.peek_count - 1];
        }
        self.t.peek_count = 1;
        self.t.token[0] = self.lex.next_token();
        self.t.token[0]
    }

    fn next_non_space(&mut self) -> Token {
        loop {
            let t = self.next();
            if t.kind != Tok::Space {
                return t;
            }
        }
    }

    fn peek_non_space(&mut self) -> Token {
        let t = self.next_non_space();
        self.backup();
        t
    }

    fn val(&self, t: Token) -> &'a str {
        self.src.get(t.pos as usize..t.end as usize).unwrap_or("")
    }

    fn line_of(&self, pos: u32) -> usize {
        let end = (pos as usize).min(self.src.len());
        1 + self.src.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    }

    // ---- errors ----

    fn errorf(&self, kind: ErrorKind, message: String) -> ParseError {
        ParseError {
            kind,
            message,
            span: self.t.token[0].span(),
            culprit: None,
            related: None,
        }
    }

    /// Go's `item.String()`.
    fn item_string(&self, t: Token) -> String {
        match t.kind {
            Tok::Eof => "EOF".to_string(),
            Tok::Error => self
                .lex
                .error
                .as_ref()
                .map(|e| e.1.clone())
                .unwrap_or_default(),
            k if k.is_keyword() => format!("<{}>", self.val(t)),
            _ => {
                let v = self.val(t);
                if v.len() > 10 {
                    let short: String = v.chars().take(10).collect();
                    format!("{}...", go_quote(&short))
                } else {
                    go_quote(v)
                }
            }
        }
    }

    fn unexpected(&self, t: Token, context: &str) -> ParseError {
        if t.kind == Tok::Error {
            let (kind, msg) = self
                .lex
                .error
                .clone()
                .unwrap_or((ErrorKind::Unexpected, String::new()));
            let mut message = msg.clone();
            let mut related = None;
            if let Some(start) = self.action_start {
                let line = self.line_of(start.pos);
                if line != self.line_of(t.pos) {
                    if msg.ends_with(" action") {
                        message.push_str(&format!(" started at {}:{}", self.opts.name, line));
                    } else {
                        message.push_str(&format!(
                            " in action started at {}:{}",
                            self.opts.name, line
                        ));
                    }
                }
                related = Some((start.span(), "action started here".to_string()));
            }
            return ParseError {
                kind,
                message,
                span: self.t.token[0].span(),
                culprit: None,
                related,
            };
        }
        let mut err = self.errorf(
            ErrorKind::Unexpected,
            format!("unexpected {} in {}", self.item_string(t), context),
        );
        err.span = self.t.token[0].span();
        err
    }

    fn expect(&mut self, expected: Tok, context: &str) -> PResult<Token> {
        let t = self.next_non_space();
        if t.kind != expected {
            return Err(self.unexpected(t, context));
        }
        Ok(t)
    }

    fn expect_one_of(&mut self, e1: Tok, e2: Tok, context: &str) -> PResult<Token> {
        let t = self.next_non_space();
        if t.kind != e1 && t.kind != e2 {
            return Err(self.unexpected(t, context));
        }
        Ok(t)
    }

    fn delimited(&self, word: &str) -> String {
        format!(
            "{}{}{}",
            self.lex.left_delim(),
            word,
            self.lex.right_delim()
        )
    }

    fn enter(&mut self, what: &str) -> PResult<()> {
        if self.depth >= self.opts.max_depth {
            let msg = if what == "paren" {
                "max expression depth exceeded".to_string()
            } else {
                format!(
                    "template nesting too deep (more than {} levels)",
                    self.opts.max_depth
                )
            };
            return Err(self.errorf(ErrorKind::TooDeep, msg));
        }
        self.depth += 1;
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Go's `Tree.add`: a second non-empty tree with the same name is an error.
    fn add_tree(&mut self, name: &str, non_empty: bool, at: Span) -> PResult<()> {
        match self.tree_set.get(name) {
            Some(true) if non_empty => Err(ParseError {
                kind: ErrorKind::MultipleDefinition,
                message: format!(
                    "template: multiple definition of template {}",
                    go_quote(name)
                ),
                span: at,
                culprit: None,
                related: self
                    .defines
                    .iter()
                    .find(|d| d.name == name)
                    .map(|d| (d.name_span, "first defined here".to_string())),
            }),
            Some(true) => Ok(()),
            _ => {
                self.tree_set.insert(name.to_string(), non_empty);
                Ok(())
            }
        }
    }

    // ---- grammar ----

    pub(crate) fn parse_template(mut self) -> PResult<Template> {
        let start = self.peek().pos;
        let base = self.node_stack.len();
        while self.peek().kind != Tok::Eof {
            if self.peek().kind == Tok::LeftDelim {
                let delim = self.next();
                if self.next_non_space().kind == Tok::Define {
                    self.parse_definition(delim)?;
                    continue;
                }
                self.backup2(delim);
            }
            match self.text_or_action()? {
                Item::Node(n) => self.node_stack.push(n),
                Item::End(_) => {
                    let m = format!("unexpected {}", self.delimited("end"));
                    return Err(self.errorf(ErrorKind::UnexpectedEnd, m));
                }
                Item::Else(_) => {
                    let m = format!("unexpected {}", self.delimited("else"));
                    return Err(self.errorf(ErrorKind::UnexpectedElse, m));
                }
            }
        }
        let nodes = take_from(&mut self.node_stack, base);
        let end = nodes.last().map_or(start, |n| n.span().end);
        let root = List {
            span: Span { start, end },
            nodes,
        };
        let non_empty = !root.is_empty_tree(self.src);
        let at = self.t.token[0].span();
        let name = self.opts.name.to_string();
        self.add_tree(&name, non_empty, at)?;
        Ok(Template {
            root,
            defines: self.defines,
            comments: std::mem::take(&mut self.lex.comments),
            walked: Default::default(),
        })
    }

    fn parse_definition(&mut self, delim: Token) -> PResult<()> {
        let vars_start = self.vars.len();
        self.vars.push("$");
        let saved = std::mem::replace(&mut self.t, TreeState::new(vars_start));
        let r = self.parse_definition_inner(delim);
        self.t = saved;
        self.vars.truncate(vars_start);
        r
    }

    fn parse_definition_inner(&mut self, delim: Token) -> PResult<()> {
        const CONTEXT: &str = "define clause";
        let name_tok = self.expect_one_of(Tok::String, Tok::RawString, CONTEXT)?;
        let Some(name) = unquote(self.val(name_tok)).map(|n| n.into_owned()) else {
            return Err(self.errorf(ErrorKind::InvalidEscape, INVALID_SYNTAX.into()));
        };
        let rd = self.expect(Tok::RightDelim, CONTEXT)?;
        let open = tag(delim, rd);
        self.open.push((open.span, "define"));
        let (body, end) = self.item_list()?;
        self.open.pop();
        let end = match end {
            Item::End(t) => t,
            _ => {
                let m = format!("unexpected {} in {}", self.delimited("else"), CONTEXT);
                return Err(self.errorf(ErrorKind::UnexpectedElse, m));
            }
        };
        let non_empty = !body.is_empty_tree(self.src);
        let at = self.t.token[0].span();
        self.add_tree(&name, non_empty, at)?;
        self.defines.push(Define {
            name,
            name_span: name_tok.span(),
            span: open.span.cover(end.span),
            open,
            end,
            body,
            is_block: false,
        });
        Ok(())
    }

    /// `textOrAction*`, up to `{{end}}` or `{{else}}` (returned separately).
    fn item_list(&mut self) -> PResult<(List, Item)> {
        let start = self.peek_non_space().pos;
        let base = self.node_stack.len();
        while self.peek_non_space().kind != Tok::Eof {
            match self.text_or_action()? {
                Item::Node(n) => self.node_stack.push(n),
                other => {
                    let nodes = take_from(&mut self.node_stack, base);
                    let end = nodes.last().map_or(start, |n| n.span().end);
                    return Ok((
                        List {
                            span: Span { start, end },
                            nodes,
                        },
                        other,
                    ));
                }
            }
        }
        let mut err = self.errorf(ErrorKind::UnexpectedEof, "unexpected EOF".into());
        if let Some(&(span, kw)) = self.open.last() {
            err.related = Some((span, format!("this `{kw}` has no matching {{{{end}}}}")));
        }
        Err(err)
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let token = self.next_non_space();
        match token.kind {
            Tok::Text => Ok(Item::Node(Node::Text(token.span()))),
            Tok::LeftDelim => {
                self.action_start = Some(token);
                self.cur_ldelim = token;
                let r = self.action();
                self.action_start = None;
                r
            }
            _ => Err(self.unexpected(token, "input")),
        }
    }

    fn action(&mut self) -> PResult<Item> {
        let token = self.next_non_space();
        match token.kind {
            Tok::Block => return self.block_control().map(Item::Node),
            Tok::Break | Tok::Continue => return self.break_control(token).map(Item::Node),
            Tok::Else => return self.else_control(token),
            Tok::End => return self.end_control(),
            Tok::If | Tok::Range | Tok::With => return self.branch_control(token).map(Item::Node),
            Tok::Template => return self.template_control().map(Item::Node),
            _ => {}
        }
        self.backup();
        let ld = self.cur_ldelim;
        let pipe = self.pipeline("command", Tok::RightDelim)?;
        Ok(Item::Node(Node::Action(Action {
            tag: tag(ld, self.last),
            pipe,
        })))
    }

    fn break_control(&mut self, kw: Token) -> PResult<Node> {
        let is_break = kw.kind == Tok::Break;
        let word = if is_break { "break" } else { "continue" };
        let ld = self.cur_ldelim;
        let token = self.next_non_space();
        if token.kind != Tok::RightDelim {
            return Err(self.unexpected(token, &self.delimited(word)));
        }
        if self.t.range_depth == 0 {
            let m = format!(
                "{} outside {}",
                self.delimited(word),
                self.delimited("range")
            );
            return Err(self.errorf(ErrorKind::BreakOutsideRange, m));
        }
        let tg = tag(ld, token);
        Ok(if is_break {
            Node::Break(tg)
        } else {
            Node::Continue(tg)
        })
    }

    fn else_control(&mut self, kw: Token) -> PResult<Item> {
        let ld = self.cur_ldelim;
        let peek = self.peek_non_space();
        if peek.kind == Tok::If || peek.kind == Tok::With {
            return Ok(Item::Else(Tag {
                span: Span {
                    start: ld.pos,
                    end: kw.end,
                },
                trim_left: ld.trim,
                trim_right: false,
            }));
        }
        let token = self.expect(Tok::RightDelim, "else")?;
        Ok(Item::Else(tag(ld, token)))
    }

    fn end_control(&mut self) -> PResult<Item> {
        let ld = self.cur_ldelim;
        let token = self.expect(Tok::RightDelim, "end")?;
        Ok(Item::End(tag(ld, token)))
    }

    /// `{{if|range|with pipeline}} itemList [{{else}} itemList] {{end}}` (Go's parseControl).
    /// Nested blocks recurse through here; the stack grows on the heap when it runs low.
    fn branch_control(&mut self, kw: Token) -> PResult<Node> {
        stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || self.branch_control_inner(kw))
    }

    fn branch_control_inner(&mut self, kw: Token) -> PResult<Node> {
        let context: &'static str = match kw.kind {
            Tok::If => "if",
            Tok::Range => "range",
            _ => "with",
        };
        self.enter("block")?;
        let ld = self.cur_ldelim;
        let vars_len = self.vars.len();
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        let open = tag(ld, self.last);
        let is_range = context == "range";
        if is_range {
            self.t.range_depth += 1;
        }
        self.open.push((open.span, context));
        let (list, next) = self.item_list()?;
        if is_range {
            self.t.range_depth -= 1;
        }
        let mut else_tag = None;
        let mut else_list = None;
        let end = match next {
            Item::End(t) => t,
            Item::Else(etag) => {
                else_tag = Some(etag);
                let chain = matches!(
                    (context, self.peek().kind),
                    ("if", Tok::If) | ("with", Tok::With)
                );
                if chain {
                    let kw2 = self.next();
                    let nested = self.branch_control(kw2)?;
                    let end = match &nested {
                        Node::If(b) | Node::With(b) => b.end,
                        _ => etag,
                    };
                    else_list = Some(List {
                        span: nested.span(),
                        nodes: vec![nested],
                    });
                    end
                } else {
                    let (l, next) = self.item_list()?;
                    else_list = Some(l);
                    match next {
                        Item::End(t) => t,
                        _ => {
                            let m = format!("expected end; found {}", self.delimited("else"));
                            return Err(self.errorf(ErrorKind::UnexpectedElse, m));
                        }
                    }
                }
            }
            Item::Node(_) => open,
        };
        self.open.pop();
        self.vars.truncate(vars_len);
        self.leave();
        let b = Branch {
            span: open.span.cover(end.span),
            open,
            keyword: kw.span(),
            pipe,
            list,
            else_tag,
            else_list,
            end,
        };
        let b = Box::new(b);
        Ok(match kw.kind {
            Tok::If => Node::If(b),
            Tok::Range => Node::Range(b),
            _ => Node::With(b),
        })
    }

    fn block_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "block clause";
        let ld = self.cur_ldelim;
        let token = self.next_non_space();
        let name = self.parse_template_name(token, CONTEXT)?;
        let pipe = self.pipeline(CONTEXT, Tok::RightDelim)?;
        let open = tag(ld, self.last);
        self.enter("block")?;
        let vars_start = self.vars.len();
        self.vars.push("$");
        let saved = std::mem::replace(&mut self.t, TreeState::new(vars_start));
        self.open.push((open.span, "block"));
        let r = stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || self.item_list());
        self.open.pop();
        let block_state = std::mem::replace(&mut self.t, saved);
        self.vars.truncate(vars_start);
        self.leave();
        let (body, end) = r?;
        let end = match end {
            Item::End(t) => t,
            _ => {
                let m = format!("unexpected {} in {}", self.delimited("else"), CONTEXT);
                return Err(self.errorf(ErrorKind::UnexpectedElse, m));
            }
        };
        let non_empty = !body.is_empty_tree(self.src);
        self.add_tree(&name, non_empty, block_state.token[0].span())?;
        let span = open.span.cover(end.span);
        self.defines.push(Define {
            name: name.clone(),
            name_span: token.span(),
            span,
            open,
            end,
            body,
            is_block: true,
        });
        Ok(Node::Template(Box::new(TemplateCall {
            span,
            tag: open,
            is_block: true,
            name,
            name_span: token.span(),
            pipe: Some(pipe),
        })))
    }

    fn template_control(&mut self) -> PResult<Node> {
        const CONTEXT: &str = "template clause";
        let ld = self.cur_ldelim;
        let token = self.next_non_space();
        let name = self.parse_template_name(token, CONTEXT)?;
        let mut pipe = None;
        if self.next_non_space().kind != Tok::RightDelim {
            self.backup();
            pipe = Some(self.pipeline(CONTEXT, Tok::RightDelim)?);
        }
        let tg = tag(ld, self.last);
        Ok(Node::Template(Box::new(TemplateCall {
            span: tg.span,
            tag: tg,
            is_block: false,
            name,
            name_span: token.span(),
            pipe,
        })))
    }

    fn parse_template_name(&mut self, token: Token, context: &str) -> PResult<String> {
        match token.kind {
            Tok::String | Tok::RawString => match unquote(self.val(token)) {
                Some(s) => Ok(s.into_owned()),
                None => Err(self.errorf(ErrorKind::InvalidEscape, INVALID_SYNTAX.into())),
            },
            _ => Err(self.unexpected(token, context)),
        }
    }

    /// `declarations? command ('|' command)*`
    fn pipeline(&mut self, context: &str, end: Tok) -> PResult<Pipe> {
        let start = self.peek_non_space().pos;
        let mut decl: Vec<VarDecl> = Vec::new();
        let mut is_assign = false;
        loop {
            let v = self.peek_non_space();
            if v.kind != Tok::Variable {
                break;
            }
            self.next();
            let token_after = self.peek();
            let next = self.peek_non_space();
            let name = self.val(v);
            if next.kind == Tok::Assign || next.kind == Tok::Declare {
                is_assign = next.kind == Tok::Assign;
                self.next_non_space();
                decl.push(VarDecl {
                    name: name.to_string(),
                    span: v.span(),
                });
                self.vars.push(name);
            } else if next.kind == Tok::Char && self.val(next) == "," {
                self.next_non_space();
                decl.push(VarDecl {
                    name: name.to_string(),
                    span: v.span(),
                });
                self.vars.push(name);
                if context == "range" && decl.len() < 2 {
                    match self.peek_non_space().kind {
                        Tok::Variable | Tok::RightDelim | Tok::RightParen => continue,
                        _ => {
                            return Err(self.errorf(
                                ErrorKind::Unexpected,
                                "range can only initialize variables".into(),
                            ));
                        }
                    }
                }
                return Err(self.errorf(
                    ErrorKind::Unexpected,
                    format!("too many declarations in {context}"),
                ));
            } else if token_after.kind == Tok::Space {
                self.backup3(v, token_after);
            } else {
                self.backup2(v);
            }
            break;
        }
        let base = self.cmd_stack.len();
        loop {
            let token = self.next_non_space();
            if token.kind == end {
                let cmds = take_from(&mut self.cmd_stack, base);
                let last_end = cmds
                    .last()
                    .map(|c| c.span.end)
                    .or(decl.last().map(|d| d.span.end))
                    .unwrap_or(start);
                let pipe = Pipe {
                    span: Span {
                        start,
                        end: last_end.max(start),
                    },
                    is_assign,
                    decl,
                    cmds,
                };
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match token.kind {
                Tok::Bool
                | Tok::CharConstant
                | Tok::Complex
                | Tok::Dot
                | Tok::Field
                | Tok::Identifier
                | Tok::Number
                | Tok::Nil
                | Tok::RawString
                | Tok::String
                | Tok::Variable
                | Tok::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    self.cmd_stack.push(cmd);
                    if self.cmd_stack.len() - base > MAX_PIPELINE_CMDS {
                        return Err(self.errorf(ErrorKind::TooDeep, "pipeline too long".into()));
                    }
                }
                _ => return Err(self.unexpected(token, context)),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return Err(self.errorf(
                ErrorKind::Unexpected,
                format!("missing value for {context}"),
            ));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if c.args.first().is_some_and(Operand::is_non_executable) {
                return Err(self.errorf(
                    ErrorKind::Unexpected,
                    format!("non executable command in pipeline stage {}", i + 1),
                ));
            }
        }
        Ok(())
    }

    /// `operand (space operand)*`, up to `|`, `}}` or `)`.
    fn command(&mut self) -> PResult<Command> {
        let start = self.peek_non_space().pos;
        let base = self.arg_stack.len();
        loop {
            self.peek_non_space();
            if let Some(op) = self.operand()? {
                self.arg_stack.push(op);
            }
            let token = self.next();
            match token.kind {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return Err(self.unexpected(token, "operand")),
            }
            break;
        }
        let args = take_from(&mut self.arg_stack, base);
        if args.is_empty() {
            return Err(self.errorf(ErrorKind::Unexpected, "empty command".into()));
        }
        let end = args.last().map_or(start, |a: &Operand| a.span().end);
        Ok(Command {
            span: Span { start, end },
            args,
        })
    }

    /// `term .Field*`
    fn operand(&mut self) -> PResult<Option<Operand>> {
        // A field term leaves its name on the field stack, for the chain to follow it.
        let base = self.field_stack.len();
        let Some(node) = self.term()? else {
            return Ok(None);
        };
        let first_extra = self.field_stack.len();
        while self.peek().kind == Tok::Field {
            let t = self.next();
            self.field_stack.push(Ident {
                name: self.val(t).get(1..).unwrap_or("").to_string(),
                span: t.span(),
            });
        }
        if self.field_stack.len() == first_extra && !matches!(node, Operand::Field { .. }) {
            return Ok(Some(node));
        }
        let fields = take_from(&mut self.field_stack, base);
        let end = fields.last().map_or(node.span().end, |f| f.span.end);
        Ok(Some(match node {
            Operand::Field { span, .. } => Operand::Field {
                span: Span {
                    start: span.start,
                    end,
                },
                fields,
            },
            Operand::Variable {
                name,
                span,
                name_span,
                ..
            } => Operand::Variable {
                name,
                span: Span {
                    start: span.start,
                    end,
                },
                name_span,
                fields,
            },
            Operand::Bool { .. }
            | Operand::String(_)
            | Operand::Number(_)
            | Operand::Nil(_)
            | Operand::Dot(_) => {
                let shown = match &node {
                    Operand::Bool { value, .. } => value.to_string(),
                    Operand::Nil(_) => "nil".to_string(),
                    Operand::Dot(_) => ".".to_string(),
                    other => self.src.get(other.span().range()).unwrap_or("").to_string(),
                };
                return Err(self.errorf(
                    ErrorKind::Unexpected,
                    format!("unexpected . after term {}", go_quote(&shown)),
                ));
            }
            other => {
                let start = other.span().start;
                Operand::Chain {
                    span: Span { start, end },
                    node: Box::new(other),
                    fields,
                }
            }
        }))
    }

    /// A literal, function name, `.`, `.Field`, `$var`, or `( pipeline )`.
    fn term(&mut self) -> PResult<Option<Operand>> {
        let token = self.next_non_space();
        let span = token.span();
        let op = match token.kind {
            Tok::Identifier => {
                let name = self.val(token);
                if self.opts.check_functions && !self.opts.funcs.contains(name) {
                    let mut err = self.errorf(
                        ErrorKind::FunctionNotDefined,
                        format!("function {} not defined", go_quote(name)),
                    );
                    err.culprit = Some(span);
                    return Err(err);
                }
                Operand::Function {
                    name: name.to_string(),
                    span,
                }
            }
            Tok::Dot => Operand::Dot(span),
            Tok::Nil => Operand::Nil(span),
            Tok::Variable => {
                let name = self.val(token);
                if !self.vars[self.t.vars_start..].contains(&name) {
                    let mut err = self.errorf(
                        ErrorKind::UndefinedVariable,
                        format!("undefined variable {}", go_quote(name)),
                    );
                    err.culprit = Some(span);
                    return Err(err);
                }
                Operand::Variable {
                    name: name.to_string(),
                    span,
                    name_span: span,
                    fields: Vec::new(),
                }
            }
            Tok::Field => {
                self.field_stack.push(Ident {
                    name: self.val(token).get(1..).unwrap_or("").to_string(),
                    span,
                });
                Operand::Field {
                    span,
                    fields: Vec::new(),
                }
            }
            Tok::Bool => Operand::Bool {
                value: self.val(token) == "true",
                span,
            },
            Tok::CharConstant | Tok::Complex | Tok::Number => {
                let text = self.val(token);
                match new_number(
                    span,
                    text,
                    token.kind == Tok::CharConstant,
                    token.kind == Tok::Complex,
                ) {
                    Ok(n) => Operand::Number(Box::new(n)),
                    Err(msg) => {
                        let kind = if msg == INVALID_SYNTAX {
                            ErrorKind::InvalidEscape
                        } else {
                            ErrorKind::BadNumber
                        };
                        return Err(self.errorf(kind, msg));
                    }
                }
            }
            Tok::LeftParen => {
                self.enter("paren")?;
                let pipe = stacker::maybe_grow(RED_ZONE, STACK_CHUNK, || {
                    self.pipeline("parenthesized pipeline", Tok::RightParen)
                });
                self.leave();
                let pipe = pipe?;
                Operand::Paren {
                    span: Span {
                        start: token.pos,
                        end: self.last.end.max(token.pos),
                    },
                    pipe: Box::new(pipe),
                }
            }
            Tok::String | Tok::RawString => match unquote(self.val(token)) {
                Some(value) => Operand::String(StringLit {
                    span,
                    value: value.into(),
                    raw: token.kind == Tok::RawString,
                }),
                None => return Err(self.errorf(ErrorKind::InvalidEscape, INVALID_SYNTAX.into())),
            },
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(op))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ParseOptions, parse};
    use super::*;

    fn tree(src: &str) -> Template {
        parse(src, &ParseOptions::unchecked("t")).unwrap()
    }

    fn err(src: &str) -> String {
        parse(src, &ParseOptions::unchecked("t"))
            .unwrap_err()
            .message
    }

    fn action_pipe(t: &Template, i: usize) -> &Pipe {
        match &t.root.nodes[i] {
            Node::Action(a) => &a.pipe,
            other => panic!("not an action: {other:?}"),
        }
    }

    fn names(fields: &[Ident]) -> Vec<&str> {
        fields.iter().map(|f| f.name.as_str()).collect()
    }

    #[test]
    fn chains_of_fields_on_every_kind_of_term() {
        let src = "{{ .a.b.c }}{{ $.x.y }}{{ (.p).q.r }}{{ . }}{{ .s }}";
        let t = tree(src);
        let Operand::Field { span, fields } = &action_pipe(&t, 0).cmds[0].args[0] else {
            panic!()
        };
        assert_eq!(names(fields), ["a", "b", "c"]);
        assert_eq!(&src[span.range()], ".a.b.c");
        assert_eq!(&src[fields[2].span.range()], ".c");
        let Operand::Variable {
            name, fields, span, ..
        } = &action_pipe(&t, 1).cmds[0].args[0]
        else {
            panic!()
        };
        assert_eq!((name.as_str(), names(fields)), ("$", vec!["x", "y"]));
        assert_eq!(&src[span.range()], "$.x.y");
        let Operand::Chain { node, fields, span } = &action_pipe(&t, 2).cmds[0].args[0] else {
            panic!()
        };
        assert!(matches!(**node, Operand::Paren { .. }));
        assert_eq!(names(fields), ["q", "r"]);
        assert_eq!(&src[span.range()], "(.p).q.r");
        assert!(matches!(
            action_pipe(&t, 3).cmds[0].args[0],
            Operand::Dot(_)
        ));
        let Operand::Field { fields, .. } = &action_pipe(&t, 4).cmds[0].args[0] else {
            panic!()
        };
        assert_eq!(names(fields), ["s"]);
        assert_eq!(
            err("{{ \"s\".a }}"),
            "unexpected . after term \"\\\"s\\\"\""
        );
    }

    #[test]
    fn nested_pipelines_keep_their_own_commands_and_operands() {
        let t = tree("{{ .a.b | f (g .c.d (h 1 2) | i) .e | j }}");
        let p = action_pipe(&t, 0);
        assert_eq!(p.cmds.len(), 3);
        assert_eq!(p.cmds[0].args.len(), 1);
        let args = &p.cmds[1].args;
        assert_eq!(args.len(), 3);
        assert!(matches!(&args[0], Operand::Function { name, .. } if name == "f"));
        let Operand::Paren { pipe, .. } = &args[1] else {
            panic!()
        };
        assert_eq!(pipe.cmds.len(), 2);
        assert_eq!(pipe.cmds[0].args.len(), 3);
        let Operand::Paren { pipe: inner, .. } = &pipe.cmds[0].args[2] else {
            panic!()
        };
        assert_eq!(inner.cmds[0].args.len(), 3);
        assert!(matches!(&pipe.cmds[1].args[..], [Operand::Function { name, .. }] if name == "i"));
        assert!(matches!(&args[2], Operand::Field { fields, .. } if names(fields) == ["e"]));
        assert!(matches!(&p.cmds[2].args[..], [Operand::Function { name, .. }] if name == "j"));
    }

    #[test]
    fn nested_lists_keep_their_own_nodes() {
        let t = tree(
            "a{{if .x}}b{{.y}}{{else}}c{{range .z}}d{{end}}e{{end}}f{{define \"q\"}}g{{.h}}{{end}}i",
        );
        assert_eq!(t.root.nodes.len(), 4);
        let Node::If(b) = &t.root.nodes[1] else {
            panic!()
        };
        assert_eq!(b.list.nodes.len(), 2);
        let else_list = b.else_list.as_ref().unwrap();
        assert_eq!(else_list.nodes.len(), 3);
        let Node::Range(r) = &else_list.nodes[1] else {
            panic!()
        };
        assert_eq!(r.list.nodes.len(), 1);
        assert_eq!(t.defines.len(), 1);
        assert_eq!(t.defines[0].body.nodes.len(), 2);
    }

    #[test]
    fn variables_are_scoped_as_go_scopes_them() {
        let undefined = "undefined variable \"$x\"";
        // A define or block body is a tree of its own: it sees only its `$`.
        assert_eq!(err("{{$x := 1}}{{define \"d\"}}{{$x}}{{end}}"), undefined);
        assert_eq!(err("{{$x := 1}}{{block \"b\" .}}{{$x}}{{end}}"), undefined);
        // Variables declared in a body do not outlive it.
        assert_eq!(err("{{define \"d\"}}{{$x := 1}}{{end}}{{$x}}"), undefined);
        assert_eq!(err("{{block \"b\" .}}{{$x := 1}}{{end}}{{$x}}"), undefined);
        assert_eq!(err("{{range $x := .l}}{{end}}{{$x}}"), undefined);
        assert_eq!(err("{{if true}}{{$x := 1}}{{end}}{{$x}}"), undefined);
        // In scope: declared before, in the enclosing list, or by the range itself.
        let ok = [
            "{{$x := 1}}{{if .}}{{$x}}{{end}}{{$x}}",
            "{{range $i, $x := .l}}{{$i}}{{$x}}{{end}}",
            "{{define \"d\"}}{{$x := 1}}{{$x}}{{$}}{{end}}{{$x := 2}}{{$x}}",
            "{{block \"b\" .}}{{$x := 1}}{{with $x}}{{$x}}{{end}}{{end}}",
        ];
        for src in ok {
            assert!(parse(src, &ParseOptions::unchecked("t")).is_ok(), "{src}");
        }
    }
}
