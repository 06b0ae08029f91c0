//! Prometheus alerting and recording rules: in values, rule files, PrometheusRule resources and
//! chart templates. The analysis lives in `crate::prometheus`; each file here is one rule.

pub mod always_firing;
pub mod duplicate_rule;
pub mod empty_annotation;
pub mod invalid_duration;
pub mod invalid_rule;
pub mod label_dropped_by_aggregation;
pub mod missing_required_annotation;
pub mod missing_required_label;
pub mod promql_syntax;
pub mod template_syntax;
pub mod topk_in_alert;
pub mod unknown_field;
pub mod unknown_severity;
pub mod unnecessary_regex;
pub mod value_in_label;

use crate::chart::{Chart, YamlDoc};
use crate::prometheus::extract::{self, PromRule};
use crate::source::{File, Span};
use std::sync::Arc;

/// The rules found in one file.
pub(crate) struct RuleSet {
    pub file: File,
    pub rules: Arc<Vec<PromRule>>,
}

/// Every rule of a chart: values.yaml and PrometheusRule templates.
pub(crate) fn chart_rules(chart: &Chart) -> Vec<RuleSet> {
    let mut out = Vec::new();
    if let Some(v) = &chart.values {
        out.push(RuleSet {
            file: v.file.clone(),
            rules: extract::values_rules(&v.file, &v.yaml),
        });
    }
    for t in &chart.templates {
        let rules = extract::template_rules(t);
        if !rules.is_empty() {
            out.push(RuleSet {
                file: t.clone(),
                rules,
            });
        }
    }
    out.retain(|s| !s.rules.is_empty());
    out
}

/// Every rule of a set of manifests and rule files.
pub(crate) fn manifest_rules(docs: &[YamlDoc]) -> Vec<RuleSet> {
    docs.iter()
        .map(|d| RuleSet {
            file: d.file.clone(),
            rules: extract::manifest_rules(&d.file, &d.yaml),
        })
        .filter(|s| !s.rules.is_empty())
        .collect()
}

/// The span of an expression fragment in the file, when the rule has an expression.
pub(crate) fn expr_span(rule: &PromRule, r: std::ops::Range<usize>) -> Option<Span> {
    rule.expr.as_ref().map(|e| e.value.span_of(r.start, r.end))
}

/// A short name for messages: `alert `X``, `recording rule `x``.
pub(crate) fn describe(rule: &PromRule) -> String {
    match (&rule.alert, &rule.record) {
        (Some(a), _) => format!("alert `{}`", a.value.value),
        (None, Some(r)) => format!("recording rule `{}`", r.value.value),
        _ => "rule".to_string(),
    }
}

/// Declares the chart and manifest entry points of a rule that checks rule sets.
macro_rules! rule_sets_check {
    ($check:ident) => {
        pub const CHART: Option<crate::rules::ChartCheck> =
            Some(|chart, ctx, sink| $check(&super::chart_rules(chart), ctx, sink));
        pub const MANIFESTS: Option<crate::rules::ManifestCheck> =
            Some(|docs, ctx, sink| $check(&super::manifest_rules(docs), ctx, sink));
    };
}
pub(crate) use rule_sets_check;

#[cfg(test)]
pub(crate) mod testing {
    //! Runs one rule over a values.yaml or a manifest text.
    use crate::chart::{Chart, YamlDoc};
    use crate::config::Config;
    use crate::diagnostic::{Diagnostic, RuleMeta};
    use crate::rules::{Ctx, RULES};
    use crate::source::SourceFile;

    fn rule(meta: &RuleMeta) -> &'static crate::rules::Rule {
        RULES
            .iter()
            .find(|r| r.meta.name == meta.name)
            .expect("rule registered")
    }

    pub fn values(meta: &RuleMeta, text: &str) -> Vec<Diagnostic> {
        values_with(meta, text, &Config::default())
    }

    pub fn values_with(meta: &RuleMeta, text: &str, config: &Config) -> Vec<Diagnostic> {
        let chart = Chart {
            values: Some(YamlDoc::parse(SourceFile::new(
                "values.yaml",
                text.to_string(),
            ))),
            ..Chart::default()
        };
        let mut sink = crate::diagnostic::Sink::default();
        let ctx = Ctx::new(config, &[], None, None);
        if let Some(check) = rule(meta).chart {
            check(&chart, &ctx, &mut sink);
        }
        sink.diagnostics
    }

    pub fn manifest(meta: &RuleMeta, text: &str) -> Vec<Diagnostic> {
        let docs = vec![YamlDoc::parse(SourceFile::new(
            "rules.yaml",
            text.to_string(),
        ))];
        let config = Config::default();
        let mut sink = crate::diagnostic::Sink::default();
        let ctx = Ctx::new(&config, &[], None, None);
        if let Some(check) = rule(meta).manifests {
            check(&docs, &ctx, &mut sink);
        }
        sink.diagnostics
    }

    /// The text under each finding's primary span.
    pub fn spans(diags: &[Diagnostic]) -> Vec<String> {
        diags
            .iter()
            .map(|d| {
                d.span
                    .map(|s| d.file.slice(s).to_string())
                    .unwrap_or_default()
            })
            .collect()
    }
}
