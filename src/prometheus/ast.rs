//! The PromQL syntax tree with byte ranges into the expression text.

use super::lex::{Aggr, Kind};
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    Scalar,
    Vector,
    Matrix,
    String,
}

impl Type {
    /// Prometheus's wording in error messages.
    pub fn documented(self) -> &'static str {
        match self {
            Type::Scalar => "scalar",
            Type::Vector => "instant vector",
            Type::Matrix => "range vector",
            Type::String => "string",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchOp {
    Equal,
    NotEqual,
    Re,
    NotRe,
}

impl MatchOp {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchOp::Equal => "=",
            MatchOp::NotEqual => "!=",
            MatchOp::Re => "=~",
            MatchOp::NotRe => "!~",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Matcher {
    pub name: String,
    pub name_span: Range<usize>,
    pub op: MatchOp,
    pub op_span: Range<usize>,
    pub value: String,
    /// The string token including its quotes.
    pub value_span: Range<usize>,
}

impl Matcher {
    /// The whole `name op "value"` text range.
    pub fn span(&self) -> Range<usize> {
        self.name_span.start..self.value_span.end
    }

    /// Whether the matcher accepts the empty string (does not require the label).
    pub fn matches_empty(&self) -> bool {
        match self.op {
            MatchOp::Equal => self.value.is_empty(),
            MatchOp::NotEqual => !self.value.is_empty(),
            MatchOp::Re | MatchOp::NotRe => {
                let re = super::parse::compile_regex(&self.value);
                let m = re.map(|r| r.is_match("")).unwrap_or(false);
                (self.op == MatchOp::Re) == m
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct Selector {
    pub name: Option<String>,
    pub matchers: Vec<Matcher>,
    pub offset: bool,
    pub at: bool,
}

impl Selector {
    /// The metric name, whether written before the braces or as `__name__="x"`/`{"x"}`.
    pub fn metric_name(&self) -> Option<&str> {
        self.name.as_deref().or_else(|| {
            self.matchers
                .iter()
                .find(|m| m.name == "__name__" && m.op == MatchOp::Equal)
                .map(|m| m.value.as_str())
        })
    }
}

#[derive(Clone, Debug)]
pub struct Grouping {
    pub without: bool,
    pub labels: Vec<String>,
    /// From the `by`/`without` keyword to the closing parenthesis.
    pub span: Range<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Card {
    OneToOne,
    ManyToOne,
    OneToMany,
    ManyToMany,
}

#[derive(Clone, Debug)]
pub struct VectorMatching {
    pub card: Card,
    /// `Some(true)` for `on(...)`, `Some(false)` for `ignoring(...)`.
    pub on: Option<bool>,
    pub labels: Vec<String>,
    /// `group_left(...)`/`group_right(...)` extra labels.
    pub include: Vec<String>,
    /// From the `on`/`ignoring` keyword to the end of the modifiers.
    pub span: Range<usize>,
    pub fill: bool,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Number(f64),
    Str(String),
    Selector(Selector),
    Matrix {
        vs: Box<Expr>,
    },
    Subquery {
        expr: Box<Expr>,
        offset: bool,
        at: bool,
    },
    Call {
        name: String,
        name_span: Range<usize>,
        func: Option<&'static super::functions::Func>,
        args: Vec<Expr>,
    },
    Aggregate {
        op: Aggr,
        op_span: Range<usize>,
        param: Option<Box<Expr>>,
        expr: Option<Box<Expr>>,
        grouping: Option<Grouping>,
    },
    Binary {
        op: Kind,
        op_span: Range<usize>,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
        return_bool: bool,
        matching: VectorMatching,
    },
    Unary {
        op: Kind,
        expr: Box<Expr>,
    },
    Paren(Box<Expr>),
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub span: Range<usize>,
    pub kind: ExprKind,
}

impl Expr {
    /// The static type, as Prometheus computes it.
    pub fn ty(&self) -> Type {
        match &self.kind {
            ExprKind::Number(_) => Type::Scalar,
            ExprKind::Str(_) => Type::String,
            ExprKind::Selector(_) => Type::Vector,
            ExprKind::Matrix { .. } | ExprKind::Subquery { .. } => Type::Matrix,
            ExprKind::Call { func, .. } => func.map(|f| f.ret).unwrap_or(Type::Vector),
            ExprKind::Aggregate { .. } => Type::Vector,
            ExprKind::Binary { lhs, rhs, .. } => {
                if lhs.ty() == Type::Scalar && rhs.ty() == Type::Scalar {
                    Type::Scalar
                } else {
                    Type::Vector
                }
            }
            ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => expr.ty(),
        }
    }

    /// Children in source order.
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Number(_) | ExprKind::Str(_) | ExprKind::Selector(_) => Vec::new(),
            ExprKind::Matrix { vs } => vec![vs],
            ExprKind::Subquery { expr, .. } => vec![expr],
            ExprKind::Call { args, .. } => args.iter().collect(),
            ExprKind::Aggregate { param, expr, .. } => {
                param.iter().chain(expr.iter()).map(|b| &**b).collect()
            }
            ExprKind::Binary { lhs, rhs, .. } => vec![lhs, rhs],
            ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => vec![expr],
        }
    }

    /// Visits every node, parents before children.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        for c in self.children() {
            c.walk(f);
        }
    }

    /// The expression without enclosing parentheses.
    pub fn unparen(&self) -> &Expr {
        match &self.kind {
            ExprKind::Paren(e) => e.unparen(),
            _ => self,
        }
    }
}
