//! Walking the tree: a [`Visitor`] with default methods, and collectors for what the checks
//! need (function calls, field chains, variables, template references, defines).

use super::node::*;
use crate::source::Span;
use std::sync::Arc;

/// Callbacks for a depth-first, source-order walk. Every method has an empty default.
pub trait Visitor {
    /// Called for each node before its children.
    fn node(&mut self, _node: &Node) {}
    /// Called for each pipeline before its commands (action, branch, template, parentheses).
    fn pipe(&mut self, _pipe: &Pipe) {}
    /// Called for each operand before its children. `head` is true for the first operand of a
    /// command (the one that is called when it is a function); `stage` is the index of the
    /// command in its pipeline (stages after the first receive the previous result as their
    /// last argument).
    fn operand(&mut self, _op: &Operand, _cmd: &Command, _head: bool, _stage: usize) {}
    /// Called before the body of a `define` or `block`.
    fn enter_define(&mut self, _define: &Define) {}
    fn leave_define(&mut self, _define: &Define) {}
}

impl Template {
    /// Walks the top-level list, then each define body, in source order of the defines.
    pub fn walk<V: Visitor + ?Sized>(&self, v: &mut V) {
        walk_list(&self.root, v);
        for d in &self.defines {
            v.enter_define(d);
            walk_list(&d.body, v);
            v.leave_define(d);
        }
    }
}

pub fn walk_list<V: Visitor + ?Sized>(list: &List, v: &mut V) {
    for n in &list.nodes {
        walk_node(n, v);
    }
}

fn walk_node<V: Visitor + ?Sized>(n: &Node, v: &mut V) {
    v.node(n);
    match n {
        Node::Text(_) | Node::Break(_) | Node::Continue(_) => {}
        Node::Action(a) => walk_pipe(&a.pipe, v),
        Node::If(b) | Node::Range(b) | Node::With(b) => {
            walk_pipe(&b.pipe, v);
            walk_list(&b.list, v);
            if let Some(e) = &b.else_list {
                walk_list(e, v);
            }
        }
        Node::Template(t) => {
            if let Some(p) = &t.pipe {
                walk_pipe(p, v);
            }
        }
    }
}

pub fn walk_pipe<V: Visitor + ?Sized>(p: &Pipe, v: &mut V) {
    v.pipe(p);
    for (stage, cmd) in p.cmds.iter().enumerate() {
        for (i, op) in cmd.args.iter().enumerate() {
            visit_operand(op, cmd, i == 0, stage, v);
        }
    }
}

pub fn walk_operand<V: Visitor + ?Sized>(
    op: &Operand,
    cmd: &Command,
    head: bool,
    stage: usize,
    v: &mut V,
) {
    visit_operand(op, cmd, head, stage, v);
}

/// [`walk_operand`], inlined where operands are walked: most operands nest nothing, and only
/// those that do cost a call.
#[inline(always)]
fn visit_operand<V: Visitor + ?Sized>(
    op: &Operand,
    cmd: &Command,
    head: bool,
    stage: usize,
    v: &mut V,
) {
    v.operand(op, cmd, head, stage);
    match op {
        Operand::Paren { pipe, .. } => walk_pipe(pipe, v),
        Operand::Chain { node, .. } => walk_operand(node, cmd, false, stage, v),
        _ => {}
    }
}

/// A function used in the template.
#[derive(Clone, Debug, PartialEq)]
pub struct FuncCall {
    pub name: String,
    pub span: Span,
    /// The command it heads (or appears in, when used as an argument).
    pub command: Span,
    /// Explicit arguments after the name (0 when not the head of its command).
    pub args: usize,
    /// Receives the previous pipeline stage's value as an extra last argument.
    pub piped: bool,
    /// The enclosing `define`/`block`, if any.
    pub define: Option<Arc<str>>,
}

/// Where a field chain starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldRoot {
    /// `.a.b`: relative to dot.
    Dot,
    /// `$.a.b` or `$v.a.b`: the variable name with its `$`.
    Variable(String),
    /// `(pipeline).a.b` or `fn.a`.
    Expr,
}

/// A chain of field accesses such as `.Values.image.tag` or `$.Values.x`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChain {
    pub span: Span,
    pub root: FieldRoot,
    /// Field names without dots: `["Values", "image", "tag"]`.
    pub path: Vec<String>,
    /// One span per name, covering `.name`.
    pub segments: Vec<Span>,
    pub define: Option<Arc<str>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    /// `$x := …` (also each variable of `range $i, $v := …`).
    Declare,
    /// `$x = …`.
    Assign,
    /// Any other occurrence.
    Use,
}

#[derive(Clone, Debug, PartialEq)]
pub struct VarOccurrence {
    /// With the `$`; `$` itself for the root.
    pub name: String,
    /// The variable name only (`$x` of `$x.a`).
    pub span: Span,
    pub kind: VarKind,
    pub define: Option<Arc<str>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateRefKind {
    /// `{{template "x" …}}`.
    Template,
    /// `{{block "x" …}}`.
    Block,
    /// A function such as Helm's `include "x" …` (the function name).
    Function(String),
}

/// A reference to a named template with a literal name.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateRef {
    pub name: String,
    /// The quoted name.
    pub name_span: Span,
    /// The whole action or command.
    pub span: Span,
    pub kind: TemplateRefKind,
    pub define: Option<Arc<str>>,
}

/// What a [`Collect`] walk gathers: each public collector asks for one kind, so the walk
/// allocates nothing for the others (a walk is compiled for each kind: the tests of `WANT`
/// are decided at compile time).
mod want {
    pub const FUNCS: u8 = 0;
    pub const FIELDS: u8 = 1;
    pub const VARS: u8 = 2;
    pub const REFS: u8 = 3;
}

#[derive(Default)]
struct Collect<'f, const WANT: u8> {
    /// Shared by everything collected in the same `define`.
    define: Option<Arc<str>>,
    funcs: Vec<FuncCall>,
    fields: Vec<FieldChain>,
    vars: Vec<VarOccurrence>,
    refs: Vec<TemplateRef>,
    ref_funcs: &'f [&'f str],
}

impl<const WANT: u8> Visitor for Collect<'_, WANT> {
    fn enter_define(&mut self, d: &Define) {
        self.define = Some(Arc::from(d.name.as_str()));
    }
    fn leave_define(&mut self, _d: &Define) {
        self.define = None;
    }
    fn node(&mut self, n: &Node) {
        if WANT == want::REFS
            && let Node::Template(t) = n
        {
            self.refs.push(TemplateRef {
                name: t.name.clone(),
                name_span: t.name_span,
                span: t.span,
                kind: if t.is_block {
                    TemplateRefKind::Block
                } else {
                    TemplateRefKind::Template
                },
                define: self.define.clone(),
            });
        }
    }
    fn pipe(&mut self, p: &Pipe) {
        if WANT != want::VARS {
            return;
        }
        for d in &p.decl {
            self.vars.push(VarOccurrence {
                name: d.name.clone(),
                span: d.span,
                kind: if p.is_assign {
                    VarKind::Assign
                } else {
                    VarKind::Declare
                },
                define: self.define.clone(),
            });
        }
    }
    fn operand(&mut self, op: &Operand, cmd: &Command, head: bool, stage: usize) {
        match op {
            Operand::Function { name, span } => {
                if WANT == want::FUNCS {
                    self.funcs.push(FuncCall {
                        name: name.clone(),
                        span: *span,
                        command: cmd.span,
                        args: if head { cmd.args.len() - 1 } else { 0 },
                        piped: head && stage > 0,
                        define: self.define.clone(),
                    });
                }
                if WANT == want::REFS
                    && head
                    && self.ref_funcs.contains(&name.as_str())
                    && let Some(Operand::String(s)) = cmd.args.get(1)
                {
                    self.refs.push(TemplateRef {
                        name: s.value.to_string(),
                        name_span: s.span,
                        span: cmd.span,
                        kind: TemplateRefKind::Function(name.clone()),
                        define: self.define.clone(),
                    });
                }
            }
            Operand::Variable {
                name,
                name_span,
                fields,
                span,
            } => {
                if WANT == want::VARS {
                    self.vars.push(VarOccurrence {
                        name: name.clone(),
                        span: *name_span,
                        kind: VarKind::Use,
                        define: self.define.clone(),
                    });
                }
                if WANT == want::FIELDS && !fields.is_empty() {
                    self.fields.push(FieldChain {
                        span: *span,
                        root: FieldRoot::Variable(name.clone()),
                        path: fields.iter().map(|f| f.name.clone()).collect(),
                        segments: fields.iter().map(|f| f.span).collect(),
                        define: self.define.clone(),
                    });
                }
            }
            Operand::Field { span, fields } if WANT == want::FIELDS => {
                self.fields.push(FieldChain {
                    span: *span,
                    root: FieldRoot::Dot,
                    path: fields.iter().map(|f| f.name.clone()).collect(),
                    segments: fields.iter().map(|f| f.span).collect(),
                    define: self.define.clone(),
                })
            }
            Operand::Chain { span, fields, .. } if WANT == want::FIELDS => {
                self.fields.push(FieldChain {
                    span: *span,
                    root: FieldRoot::Expr,
                    path: fields.iter().map(|f| f.name.clone()).collect(),
                    segments: fields.iter().map(|f| f.span).collect(),
                    define: self.define.clone(),
                })
            }
            _ => {}
        }
    }
}

impl Template {
    fn collect<'f, const WANT: u8>(&self, ref_funcs: &'f [&'f str]) -> Collect<'f, WANT> {
        let mut c = Collect {
            ref_funcs,
            ..Collect::default()
        };
        self.walk(&mut c);
        c
    }

    /// Every function identifier, in walk order.
    pub fn function_calls(&self) -> Vec<FuncCall> {
        self.collect::<{ want::FUNCS }>(&[]).funcs
    }

    /// Every field chain (`.a.b`, `$.a.b`, `$v.a`, `(x).a`), in walk order.
    pub fn field_chains(&self) -> Vec<FieldChain> {
        self.collect::<{ want::FIELDS }>(&[]).fields
    }

    /// Every variable declaration, assignment and use, in walk order.
    pub fn variables(&self) -> Vec<VarOccurrence> {
        self.collect::<{ want::VARS }>(&[]).vars
    }

    /// `template` and `block` references, plus calls of the given functions (for Helm:
    /// `&["include"]`) whose first argument is a string literal.
    pub fn template_refs(&self, functions: &[&str]) -> Vec<TemplateRef> {
        self.collect::<{ want::REFS }>(functions).refs
    }

    /// [`Template::function_calls`], collected once per tree (a tree shared between repeated
    /// files is walked once).
    pub fn calls(&self) -> &[FuncCall] {
        self.walked.calls.get_or_init(|| self.function_calls())
    }

    /// Whether every function the tree calls is one Helm defines, answered once per tree.
    pub fn calls_only_helm_functions(&self) -> bool {
        *self.walked.helm_functions_only.get_or_init(|| {
            let helm = crate::template::FuncSet::helm();
            self.calls().iter().all(|c| helm.contains(&c.name))
        })
    }

    /// `template_refs(&["include"])`, collected once per tree.
    pub fn include_refs(&self) -> &[TemplateRef] {
        self.walked
            .includes
            .get_or_init(|| self.template_refs(&["include"]))
    }

    /// The names of `define`d and `block` templates, in source order.
    pub fn define_names(&self) -> Vec<&str> {
        self.defines.iter().map(|d| d.name.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::template::{ParseOptions, parse};

    #[test]
    fn collections_kept_on_the_tree_match_a_fresh_walk_and_never_make_trees_differ() {
        let src = r#"{{ define "a" }}{{ include "b" . | upper }}{{ end }}{{ template "a" . }}{{ default "x" .Values.y }}"#;
        let t = parse(src, &ParseOptions::helm("t")).expect("parses");
        let fresh = parse(src, &ParseOptions::helm("t")).expect("parses");
        let names = |c: &[super::FuncCall]| c.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(t.calls()), names(&t.function_calls()));
        assert_eq!(names(t.calls()), ["default", "include", "upper"]);
        let refs: Vec<&str> = t.include_refs().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(refs, ["a", "b"]);
        // Collected once: the same slice on a second call.
        assert!(std::ptr::eq(t.calls(), t.calls()));
        // A tree that walked equals one that did not; a clone starts without the collections.
        assert_eq!(t, fresh);
        let c = t.clone();
        assert!(c.walked.calls.get().is_none());
        assert_eq!(c, t);
    }
}
