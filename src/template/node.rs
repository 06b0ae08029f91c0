//! The parse tree, modelled on Go's `text/template/parse/node.go`, with a byte span on every
//! node and the trim markers of every action.
//!
//! Text is not copied: [`Text`] and [`Comment`] hold spans into the source, and the tree is
//! read together with the source it came from.

use crate::source::Span;

/// A parsed template file: the top-level list, the `define`d (and `block`) templates in
/// source order, and the comments.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub root: List,
    pub defines: Vec<Define>,
    pub comments: Vec<Comment>,
    /// What rules collect from the tree, collected once for every holder of a shared tree.
    pub(crate) walked: Walked,
}

/// [`Template::calls`] and [`Template::include_refs`], computed on first use. Not part of the
/// tree: a clone starts empty, and it never makes two trees differ.
#[derive(Default)]
pub(crate) struct Walked {
    pub calls: std::sync::OnceLock<Vec<crate::template::walk::FuncCall>>,
    pub includes: std::sync::OnceLock<Vec<crate::template::walk::TemplateRef>>,
    /// Whether every function the tree calls is one Helm defines.
    pub helm_functions_only: std::sync::OnceLock<bool>,
}

impl Clone for Walked {
    fn clone(&self) -> Walked {
        Walked::default()
    }
}

impl std::fmt::Debug for Walked {
    fn fmt(&self, _: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        Ok(())
    }
}

impl PartialEq for Walked {
    fn eq(&self, _: &Walked) -> bool {
        true
    }
}

/// `{{define "name"}}…{{end}}`, or the body of `{{block "name" pipeline}}…{{end}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Define {
    pub name: String,
    /// The quoted name, quotes included.
    pub name_span: Span,
    /// From the opening `{{` to the closing `}}` of `{{end}}`.
    pub span: Span,
    pub open: Tag,
    pub end: Tag,
    pub body: List,
    /// True for the body of a `{{block}}`; the block itself is also a [`Node::Template`].
    pub is_block: bool,
}

/// The delimiters of one action: `span` runs from the left delimiter to the end of the right
/// delimiter, trim markers included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Tag {
    pub span: Span,
    /// `{{- `: white space before the action is trimmed.
    pub trim_left: bool,
    /// ` -}}`: white space after the action is trimmed.
    pub trim_right: bool,
}

/// A `{{/* … */}}` comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The whole action, delimiters and trim markers included.
    pub span: Span,
    /// `/* … */`.
    pub text: Span,
    pub trim_left: bool,
    pub trim_right: bool,
}

/// A sequence of nodes.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct List {
    pub span: Span,
    pub nodes: Vec<Node>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Plain text, trim markers already applied (the span excludes trimmed white space).
    Text(Span),
    /// `{{pipeline}}`.
    Action(Action),
    // Branches and template calls are boxed: a node is as small as an action, and lists
    // of nodes are cheaper to build and move.
    If(Box<Branch>),
    Range(Box<Branch>),
    With(Box<Branch>),
    /// `{{template "name" pipeline}}` or `{{block "name" pipeline}}`.
    Template(Box<TemplateCall>),
    Break(Tag),
    Continue(Tag),
}

impl Node {
    pub fn span(&self) -> Span {
        match self {
            Node::Text(s) => *s,
            Node::Action(a) => a.tag.span,
            Node::If(b) | Node::Range(b) | Node::With(b) => b.span,
            Node::Template(t) => t.span,
            Node::Break(t) | Node::Continue(t) => t.span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub tag: Tag,
    pub pipe: Pipe,
}

/// `if`, `range` and `with`. `{{else if …}}` and `{{else with …}}` are represented as Go
/// does: an else list holding a single nested branch that shares the outer `{{end}}`.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    /// From the opening `{{` to the end of the closing `{{end}}`.
    pub span: Span,
    /// The opening action, `{{if …}}` (or `{{else if …}}` for a chained branch).
    pub open: Tag,
    /// The keyword (`if`, `range`, `with`).
    pub keyword: Span,
    pub pipe: Pipe,
    pub list: List,
    /// `{{else}}`; for `{{else if …}}` the span stops after `else`.
    pub else_tag: Option<Tag>,
    pub else_list: Option<List>,
    pub end: Tag,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TemplateCall {
    pub span: Span,
    pub tag: Tag,
    pub is_block: bool,
    pub name: String,
    pub name_span: Span,
    pub pipe: Option<Pipe>,
}

/// `$x := cmd | cmd`, `$i, $v := …`, `$x = …`, or just `cmd | cmd`.
#[derive(Clone, Debug, PartialEq)]
pub struct Pipe {
    pub span: Span,
    /// `=` rather than `:=`.
    pub is_assign: bool,
    pub decl: Vec<VarDecl>,
    pub cmds: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VarDecl {
    /// With the `$`.
    pub name: String,
    pub span: Span,
}

/// One stage of a pipeline: operands separated by spaces.
#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub span: Span,
    pub args: Vec<Operand>,
}

/// One name of a field chain, without its dot; the span covers `.name`.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    /// A function name.
    Function {
        name: String,
        span: Span,
    },
    /// `$`, `$x`, `$x.a.b`: `name` has the `$`; `fields` the chained names.
    Variable {
        name: String,
        span: Span,
        name_span: Span,
        fields: Vec<Ident>,
    },
    /// `.`
    Dot(Span),
    Nil(Span),
    /// `.a.b.c`
    Field {
        span: Span,
        fields: Vec<Ident>,
    },
    /// A term other than a field or variable followed by fields: `(pipeline).a.b`.
    Chain {
        span: Span,
        node: Box<Operand>,
        fields: Vec<Ident>,
    },
    Bool {
        value: bool,
        span: Span,
    },
    /// Boxed: the largest operand, and a rare one.
    Number(Box<Number>),
    String(StringLit),
    /// `( pipeline )`; the span includes the parentheses.
    Paren {
        span: Span,
        pipe: Box<Pipe>,
    },
}

impl Operand {
    pub fn span(&self) -> Span {
        match self {
            Operand::Function { span, .. }
            | Operand::Variable { span, .. }
            | Operand::Dot(span)
            | Operand::Nil(span)
            | Operand::Field { span, .. }
            | Operand::Chain { span, .. }
            | Operand::Bool { span, .. }
            | Operand::Paren { span, .. } => *span,
            Operand::Number(n) => n.span,
            Operand::String(s) => s.span,
        }
    }

    /// Go's rule: only the first command of a pipeline may start with a constant or dot.
    pub(crate) fn is_non_executable(&self) -> bool {
        matches!(
            self,
            Operand::Bool { .. }
                | Operand::Dot(_)
                | Operand::Nil(_)
                | Operand::Number(_)
                | Operand::String(_)
        )
    }
}

/// A string constant: `"…"` (with escapes) or `` `…` ``.
#[derive(Clone, Debug, PartialEq)]
pub struct StringLit {
    pub span: Span,
    /// The value after unquoting. Escapes producing invalid UTF-8 are replaced (U+FFFD).
    /// Shared: the renderer hands it out as a template value each time the literal is
    /// evaluated, without a copy.
    pub value: std::sync::Arc<str>,
    pub raw: bool,
}

/// A numeric constant, stored under every type that can represent it (Go's ideal constants).
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub span: Span,
    pub text: String,
    pub is_int: bool,
    pub is_uint: bool,
    pub is_float: bool,
    pub is_complex: bool,
    pub int: i64,
    pub uint: u64,
    pub float: f64,
    /// Real and imaginary parts.
    pub complex: (f64, f64),
}

impl List {
    /// Go's `IsEmptyTree`: only white-space text.
    pub fn is_empty_tree(&self, src: &str) -> bool {
        self.nodes.iter().all(|n| match n {
            Node::Text(s) => src.get(s.range()).is_none_or(|t| t.trim().is_empty()),
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lists of nodes and operands are built and moved on every parse: the large, rare
    /// variants stay boxed.
    #[test]
    fn nodes_and_operands_stay_small() {
        let sizes = (
            std::mem::size_of::<Node>(),
            std::mem::size_of::<Operand>(),
            std::mem::size_of::<Pipe>(),
        );
        assert!(sizes.0 <= 80 && sizes.1 <= 64, "{sizes:?}");
    }
}
