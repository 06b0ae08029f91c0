//! Label flow: can a label still be on the results of a query? When it cannot, which part of
//! the query removed it, and why.

use super::ast::{Card, Expr, ExprKind, MatchOp, Type};
use super::lex::{Aggr, Kind};
use std::ops::Range;

/// Why a label cannot be on the results: the responsible fragment of the expression and an
/// explanation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removal {
    pub span: Range<usize>,
    pub message: String,
}

fn list(labels: &[String]) -> String {
    labels.join(", ")
}

/// `None` when `label` can be on the results of `e`; otherwise where and why it is removed.
pub fn removed(e: &Expr, label: &str) -> Option<Removal> {
    match &e.kind {
        ExprKind::Selector(s) => s
            .matchers
            .iter()
            .find(|m| m.name == label && m.op == MatchOp::Equal && m.value.is_empty())
            .map(|m| Removal {
                span: m.span(),
                message: format!("The selector requires `{label}` to be absent."),
            }),
        ExprKind::Number(_) => Some(Removal {
            span: e.span.clone(),
            message: "A number has no labels.".into(),
        }),
        ExprKind::Str(_) => Some(Removal {
            span: e.span.clone(),
            message: "A string has no labels.".into(),
        }),
        ExprKind::Matrix { vs } => removed(vs, label),
        ExprKind::Subquery { expr, .. } => removed(expr, label),
        ExprKind::Paren(inner) | ExprKind::Unary { expr: inner, .. } => removed(inner, label),
        ExprKind::Aggregate {
            op,
            op_span,
            param,
            expr,
            grouping,
        } => {
            let inner = expr.as_deref()?;
            if matches!(
                op,
                Aggr::Topk | Aggr::Bottomk | Aggr::Limitk | Aggr::LimitRatio
            ) {
                return removed(inner, label);
            }
            if *op == Aggr::CountValues
                && let Some(ExprKind::Str(s)) = param.as_deref().map(|p| &p.kind)
                && s == label
            {
                return None;
            }
            match grouping {
                None => Some(Removal {
                    span: op_span.clone(),
                    message: "Query is using aggregation that removes all labels.".into(),
                }),
                Some(g) if g.without => {
                    if g.labels.iter().any(|l| l == label) {
                        Some(Removal {
                            span: g.span.clone(),
                            message: format!(
                                "Query is using aggregation with `without({})`, all labels included inside `without(...)` will be removed from the results.",
                                list(&g.labels)
                            ),
                        })
                    } else {
                        removed(inner, label)
                    }
                }
                Some(g) => {
                    if g.labels.iter().any(|l| l == label) {
                        removed(inner, label)
                    } else {
                        Some(Removal {
                            span: g.span.clone(),
                            message: format!(
                                "Query is using aggregation with `by({})`, only labels included inside `by(...)` will be present on the results.",
                                list(&g.labels)
                            ),
                        })
                    }
                }
            }
        }
        ExprKind::Call {
            name,
            name_span,
            func,
            args,
        } => {
            let func = (*func)?;
            match name.as_str() {
                "absent" | "absent_over_time" => {
                    let sel = args.first().map(|a| a.unparen());
                    let sel = match sel.map(|s| &s.kind) {
                        Some(ExprKind::Matrix { vs }) => Some(&**vs),
                        _ => sel,
                    };
                    let keeps = match sel.map(|s| &s.kind) {
                        Some(ExprKind::Selector(s)) => s.matchers.iter().any(|m| {
                            m.name == label && m.op == MatchOp::Equal && !m.value.is_empty()
                        }),
                        _ => false,
                    };
                    (!keeps).then(|| Removal {
                        span: name_span.clone(),
                        message: format!(
                            "The query uses `{name}()`, which returns a single series only when nothing matches, with only the labels of the equality matchers of its selector."
                        ),
                    })
                }
                "label_replace" | "label_join" => {
                    let dst = match args.get(1).map(|a| &a.kind) {
                        Some(ExprKind::Str(s)) => Some(s.as_str()),
                        _ => None,
                    };
                    if dst == Some(label) {
                        return None;
                    }
                    removed(args.first()?, label)
                }
                "histogram_quantile" if label == "le" => Some(Removal {
                    span: name_span.clone(),
                    message: "`histogram_quantile()` removes the `le` label.".into(),
                }),
                "info" => None,
                _ if func.ret == Type::Scalar || func.name == "vector" => Some(Removal {
                    span: name_span.clone(),
                    message: format!("Calling `{name}()` will return a value with no labels."),
                }),
                _ => {
                    let arg = args
                        .iter()
                        .find(|a| matches!(a.ty(), Type::Vector | Type::Matrix))?;
                    removed(arg, label)
                }
            }
        }
        ExprKind::Binary {
            op,
            lhs,
            rhs,
            matching,
            ..
        } => {
            let (lt, rt) = (lhs.ty(), rhs.ty());
            if lt == Type::Scalar && rt == Type::Scalar {
                return Some(Removal {
                    span: e.span.clone(),
                    message: "An operation between two scalars has no labels.".into(),
                });
            }
            if lt == Type::Scalar {
                return removed(rhs, label);
            }
            if rt == Type::Scalar {
                return removed(lhs, label);
            }
            match op {
                Kind::Land | Kind::Lunless => removed(lhs, label),
                Kind::Lor => {
                    let l = removed(lhs, label)?;
                    removed(rhs, label).map(|_| l)
                }
                _ => match matching.card {
                    Card::ManyToOne if matching.include.iter().any(|l| l == label) => {
                        removed(rhs, label)
                    }
                    Card::ManyToOne => removed(lhs, label),
                    Card::OneToMany if matching.include.iter().any(|l| l == label) => {
                        removed(lhs, label)
                    }
                    Card::OneToMany => removed(rhs, label),
                    _ => match matching.on {
                        Some(true) if !matching.labels.iter().any(|l| l == label) => {
                            Some(Removal {
                                span: matching.span.clone(),
                                message: format!(
                                    "Query is using one-to-one vector matching with `on({})`, only labels included inside `on(...)` will be present on the results.",
                                    list(&matching.labels)
                                ),
                            })
                        }
                        Some(false) if matching.labels.iter().any(|l| l == label) => {
                            Some(Removal {
                                span: matching.span.clone(),
                                message: format!(
                                    "Query is using one-to-one vector matching with `ignoring({})`, all labels included inside `ignoring(...)` will be removed from the results.",
                                    list(&matching.labels)
                                ),
                            })
                        }
                        _ => removed(lhs, label),
                    },
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prometheus::parse::parse;

    fn why(q: &str, l: &str) -> Option<String> {
        let e = parse(q).unwrap();
        removed(&e, l).map(|r| q[r.span].to_string())
    }

    #[test]
    fn aggregations() {
        assert_eq!(why("sum(foo) > 3", "pod").as_deref(), Some("sum"));
        assert_eq!(
            why("sum by (job) (foo)", "pod").as_deref(),
            Some("by (job)")
        );
        assert_eq!(why("sum by (job) (foo)", "job"), None);
        assert_eq!(
            why("sum(foo) without (pod)", "pod").as_deref(),
            Some("without (pod)")
        );
        assert_eq!(why("sum(foo) without (pod)", "job"), None);
        assert_eq!(why("topk(3, foo)", "pod"), None);
        assert_eq!(why("count_values(\"v\", foo)", "v"), None);
        assert_eq!(
            why("sum by (pod) (sum(foo))", "pod").as_deref(),
            Some("sum")
        );
    }

    #[test]
    fn functions_and_operators() {
        assert_eq!(why("absent(foo{job=\"a\"})", "job"), None);
        assert_eq!(
            why("absent(foo{job=\"a\"})", "pod").as_deref(),
            Some("absent")
        );
        assert_eq!(why("vector(1)", "pod").as_deref(), Some("vector"));
        assert_eq!(why("foo > scalar(avg(bar))", "pod"), None);
        assert_eq!(
            why("histogram_quantile(0.9, rate(x[5m]))", "le").as_deref(),
            Some("histogram_quantile")
        );
        assert_eq!(
            why(
                "label_replace(sum(x), \"pod\", \"$1\", \"a\", \"(.*)\")",
                "pod"
            ),
            None
        );
        assert_eq!(why("foo * on(job) bar", "pod").as_deref(), Some("on(job)"));
        assert_eq!(
            why(
                "foo * on(job) group_left(pod) sum by (job, pod) (bar)",
                "pod"
            ),
            None
        );
        assert_eq!(why("sum(foo) or bar", "pod"), None);
        assert_eq!(why("foo and sum(bar)", "pod"), None);
        assert_eq!(
            why("sum(foo) > (0.75 * sum(bar))", "pod").as_deref(),
            Some("sum")
        );
    }
}
