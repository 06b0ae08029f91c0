use super::{RuleSet, expr_span, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::prometheus::ast::{ExprKind, MatchOp};
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/unnecessary-regex",
    severity: Severity::Info,
    summary: "Regex matcher that needs no regex, or has redundant anchors",
    doc: r#"## What it does
Looks at `=~` and `!~` label matchers in rule queries and reports: a value without any regex
syntax (`job=~"api"`), `^` or `$` anchors (Prometheus anchors every regex already), and
`=~".*"`, which matches every series including those without the label.

## Why it matters
A plain string match is faster and says what it means; anchors suggest the author expected
partial matching, which Prometheus does not do; `=~".*"` filters nothing.

## Example
```yaml
expr: up{job=~"api", instance=~"^web-.*$"} == 0
```

## Fix
Use `job="api"`, drop the anchors (`instance=~"web-.*"`), and remove `=~".*"` matchers.
"#,
};

rule_sets_check!(check);

fn has_regex_syntax(v: &str) -> bool {
    v.chars().any(|c| "\\.+*?()[]{}|^$".contains(c))
}

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter() {
            let Some(ast) = rule.ast() else { continue };
            ast.walk(&mut |e| {
                let ExprKind::Selector(s) = &e.kind else {
                    return;
                };
                for m in &s.matchers {
                    if !matches!(m.op, MatchOp::Re | MatchOp::NotRe) {
                        continue;
                    }
                    let Some(span) = expr_span(rule, m.span()) else {
                        continue;
                    };
                    let plain = if m.op == MatchOp::Re { "=" } else { "!=" };
                    let v = &m.value;
                    let (msg, help) = if !has_regex_syntax(v) {
                        (
                            format!(
                                "Unnecessary regexp match on static string `{}{}\"{}\"`",
                                m.name,
                                m.op.as_str(),
                                v
                            ),
                            format!("use `{}{plain}\"{v}\"` instead", m.name),
                        )
                    } else if v.starts_with('^') || (v.ends_with('$') && !v.ends_with("\\$")) {
                        (
                            format!("Redundant anchors in `{}{}\"{}\"`", m.name, m.op.as_str(), v),
                            "Prometheus regexp matchers are fully anchored already; remove `^` and `$`"
                                .to_string(),
                        )
                    } else if v == ".*" && m.op == MatchOp::Re {
                        (
                            format!("`{}=~\".*\"` matches every series", m.name),
                            "remove the matcher; to require the label use `=~\".+\"`".to_string(),
                        )
                    } else {
                        continue;
                    };
                    sink.report(&META, &set.file, span, msg).help(help);
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::META;

    #[test]
    fn fires_on_needless_regexes() {
        let v = "rules:\n  - alert: A\n    expr: up{job=~\"api\", i=~\"^web.*$\", x=~\".*\", service=~\".*-ecr\", y!~\"a|b\"} == 0\n";
        assert_eq!(
            spans(&values(&META, v)),
            ["job=~\"api\"", "i=~\"^web.*$\"", "x=~\".*\""]
        );
    }
}
