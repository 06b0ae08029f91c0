use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/promql-syntax",
    severity: Severity::Error,
    summary: "PromQL expression of a rule does not parse",
    doc: r#"## What it does
Parses the `expr` of every alerting and recording rule with Prometheus's grammar and type rules
and reports the first error at the column Prometheus reports it, with Prometheus's message
("unexpected <by> in aggregation", "unknown function with name \"sumx\"", "expected type range
vector in call to function \"rate\", got instant vector").

The grammar and functions are those of the Prometheus you run: `prometheus.version` in
`.plimsoll.yaml` (or `--prometheus-version`; default: the current release) and
`prometheus.features` (the `--enable-feature` flags: `promql-experimental-functions`,
`promql-duration-expr`, `promql-extended-range-selectors`, `promql-binop-fill-modifiers`).
A construct that version or its flags do not accept is reported with the version or flag that
would accept it ("function \"info\" is not enabled (enable it with
--enable-feature=promql-experimental-functions, …)"); `docs/prometheus-versions.md` lists what
changed when.

Expressions written with Helm template actions (`up{job="{{ .Values.job }}"}`,
`[{{ .Values.window }}]`, `by ({{ range .Values.labels }}{{ . }},{{ end }}job)`, a values string
passed through `tpl`) are checked too. Where the chart renders the rule, the rendered expression
is parsed and an error is reported at the template text that wrote it (and the values line when
the text came from values). Where no render reaches it (a branch the values leave off, a chart
that does not render), each action is replaced by a placeholder of the kind its place calls for
(a label value, a duration, a label name, a number or a sub-expression; each branch of an `if` or
`range`), and only an error in the written text that no placeholder explains is reported.

## Why it matters
Prometheus refuses to load a rule file with an invalid expression; with the Prometheus Operator
the whole `PrometheusRule` is rejected, so none of its alerts fire.

## Example
```yaml
- alert: HighErrorRate
  expr: sum(rate(http_requests_total[5m]) by (job) > 3   # `by` inside the parentheses
```

## Fix
Correct the expression at the reported position; `promtool check rules` gives the same verdict.
"#,
};

rule_sets_check!(check);

fn check(sets: &[RuleSet], ctx: &Ctx, sink: &mut Sink) {
    let target = ctx.config.prometheus_target();
    for set in sets {
        for rule in set.rules.iter() {
            // An expression written with template actions, where no render reaches it: the
            // errors its written text has whatever the actions print.
            if let Some((expr, slots)) = &rule.templated_expr {
                if let Some((err, filled)) =
                    crate::prometheus::templated::check(&expr.value.value, slots, &target)
                {
                    let at = Place {
                        expr,
                        lexed: &filled,
                    };
                    report(set, rule, at, &err, Verdict::Templated, &target, sink);
                }
                continue;
            }
            let (Some(parsed), Some(expr)) = (&rule.parsed, &rule.expr) else {
                continue;
            };
            let text = &expr.value.value;
            // A parse error, or a construct the configured Prometheus version or its feature
            // flags do not accept.
            match parsed {
                Err(err) => {
                    let at = Place { expr, lexed: text };
                    report(set, rule, at, err, Verdict::Parse, &target, sink)
                }
                Ok(_) => {
                    if let Some(err) = crate::prometheus::version::check(text, &target) {
                        let at = Place { expr, lexed: text };
                        report(set, rule, at, &err, Verdict::Version, &target, sink);
                    }
                }
            }
        }
    }
}

/// Why an expression is reported.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Prometheus's parser rejects it.
    Parse,
    /// It parses, but not in the configured Prometheus version or without a feature flag.
    Version,
    /// Its written text around template actions is invalid (or needs another version).
    Templated,
}

/// The expression reported on, and the text its tokens are read from (the expression, or the
/// same with placeholders for its template actions).
struct Place<'a> {
    expr: &'a crate::prometheus::extract::Field,
    lexed: &'a str,
}

fn report(
    set: &RuleSet,
    rule: &crate::prometheus::extract::PromRule,
    Place { expr, lexed }: Place,
    err: &crate::prometheus::parse::ParseError,
    verdict: Verdict,
    target: &crate::prometheus::version::Target,
    sink: &mut Sink,
) {
    let text = &expr.value.value;
    let pos = err.pos.min(text.len());
    // Underline the token Prometheus stopped at.
    let end = crate::prometheus::lex::lex(lexed)
        .tokens
        .iter()
        .find(|t| t.start == pos && t.end > t.start)
        .map(|t| t.end)
        .unwrap_or(pos + 1)
        .min(text.len().max(pos));
    let span = if end > pos {
        expr.value.span_of(pos, end)
    } else {
        expr.value.point(pos)
    };
    let (line, col) = err.line_col(text);
    let flags = || {
        format!(
            "plimsoll checks PromQL as Prometheus {}.{} with {} parses it: set prometheus.version and prometheus.features in .plimsoll.yaml to the Prometheus that loads these rules",
            target.version.0,
            target.version.1,
            if target.features.is_empty() {
                "no feature flags".to_string()
            } else {
                format!("--enable-feature={}", target.features.join(","))
            }
        )
    };
    let help = match verdict {
        Verdict::Version => format!("at {line}:{col}; {}", flags()),
        Verdict::Parse => format!(
            "Prometheus reports: could not parse expression: {line}:{col}: parse error: {}",
            err.message
        ),
        Verdict::Templated => format!(
            "no render reaches this expression (a branch the values leave off, or a chart that does not render): it was checked with each template action replaced by a placeholder, and the error is in its written text, at {line}:{col} of the expression as written"
        ),
    };
    sink.report(
        &META,
        &set.file,
        span,
        format!("Invalid PromQL in {}: {}", describe(rule), err.message),
    )
    .label(err.message.clone())
    .help(help);
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::META;

    #[test]
    fn fires_at_the_prometheus_column_in_every_scalar_style() {
        let v = "rules:\n  - alert: A\n    expr: sum(rate(x[5m]) by (job) > 3\n  - alert: B\n    expr: |\n      sum(x)\n        by (a) by (b)\n  - alert: C\n    expr: \"sumx(foo{a=\\\"b\\\"})\"\n";
        let d = values(&META, v);
        assert_eq!(spans(&d), ["by", "by", "sumx"]);
        // `expr: ` ends at column 10; `by` is at offset 16 of the expression.
        assert_eq!(d[0].start().col, 11 + 16);
        assert_eq!(d[1].start().line, 7);
        assert_eq!(d[1].start().col, 16);
        assert!(d[0].message.contains("unexpected <by> in aggregation"));
        assert!(
            d[2].help
                .as_deref()
                .unwrap()
                .contains("1:1: parse error: unknown function")
        );
    }

    #[test]
    fn silent_on_valid_expressions() {
        let v = "rules:\n  - alert: A\n    expr: label_replace(up, \"d\", \"$1\", \"s\", `(\\d+)`) > 0\n  - record: job:x:rate5m\n    expr: sum by (job) (rate(x[5m+1m]))\n";
        assert!(values(&META, v).is_empty());
    }

    #[test]
    fn follows_the_configured_prometheus_version_and_flags() {
        let v = "rules:\n  - alert: A\n    expr: histogram_avg(rate(x[5m])) > 1\n  - alert: B\n    expr: info(up) > 0\n  - alert: C\n    expr: holt_winters(x[5m], 0.5, 0.5) > 0\n";
        // Default: the current release without flags; `info` needs a flag, `holt_winters`
        // was renamed in 3.0.
        let d = values(&META, v);
        assert_eq!(spans(&d), ["info", "holt_winters"]);
        assert!(d[0].message.contains(
            "function \"info\" is not enabled (enable it with --enable-feature=promql-experimental-functions"
        ));
        assert!(
            d[1].message
                .contains("renamed double_exponential_smoothing in Prometheus 3.0")
        );
        // 2.45: `histogram_avg` does not exist yet, `info` neither; `holt_winters` does.
        let config = crate::config::Config {
            prometheus_version: Some((2, 45)),
            ..Default::default()
        };
        let d = values_with(&META, v, &config);
        assert_eq!(spans(&d), ["histogram_avg", "info"]);
        assert!(
            d[0].message
                .contains("needs Prometheus 2.53 or later (prometheus.version is 2.45)")
        );
        // With the flag, the current release accepts `info`.
        let config = crate::config::Config {
            prometheus_features: vec!["promql-experimental-functions".into()],
            ..Default::default()
        };
        assert_eq!(spans(&values_with(&META, v, &config)), ["holt_winters"]);
    }
}
