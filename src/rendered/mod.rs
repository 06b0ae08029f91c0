//! Linting what a chart renders: each chart is rendered (default values plus `--values`, then
//! each `ci/*-values.yaml` scenario), the manifest, probe, Secret, resource and Prometheus
//! rules run on the rendered objects of the chart and its subcharts as one release, and every
//! finding is moved from the rendered text, which exists nowhere on disk, to the template line
//! that wrote it, with the values line beside it when the text came from a value.
//!
//! Module map:
//! - [`scenario`]: the value sets a chart is rendered with.
//! - [`docs`]: rendered files read as YAML documents, and the problems of the output itself
//!   (render errors, invalid YAML, objects without `kind`).
//! - [`locate`]: rendered positions to template and values positions.
//! - [`merge`]: findings of several scenarios reported once, and static findings that the
//!   render confirmed or could not reach.

pub mod docs;
pub mod locate;
pub mod merge;
pub mod scenario;

use crate::chart::{Chart, YamlDoc};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Sink};
use crate::render::chart::render_lenient;
use crate::rules::{Ctx, RULES};

/// Rules that never run on rendered text: the output's YAML syntax is judged by
/// `templates/rendered-invalid-yaml`, at the template line.
const SKIPPED: &[&str] = &["yaml/syntax"];

/// Rules about the render itself, emitted here.
const RENDER_RULES: &[&str] = &[
    "templates/render-error",
    "templates/rendered-invalid-yaml",
    "templates/render-incomplete",
];

/// Renders `chart` in every scenario, lints the rendered objects and reconciles the result with
/// the static findings already in `sink`.
pub fn lint_chart(
    chart: &Chart,
    config: &Config,
    overrides: &[YamlDoc],
    packs: &[&crate::packs::PackRule],
    sink: &mut Sink,
) {
    if let Some(rendered) = render_findings(chart, config, overrides, packs) {
        rendered.merge_into(&mut sink.diagnostics);
    }
}

/// Renders `chart` in every scenario and lints the rendered objects; `None` when no rule that
/// reads the render runs. The findings still have to meet the static ones
/// ([`RenderedFindings::merge_into`]).
pub fn render_findings(
    chart: &Chart,
    config: &Config,
    overrides: &[YamlDoc],
    packs: &[&crate::packs::PackRule],
) -> Option<RenderedFindings> {
    // Rendering runs when a rule that reads its result runs (the `yaml` rules also read
    // rendered text, but do not call for a render on their own).
    let wanted = RULES.iter().any(|r| {
        config.runs(r.meta.name)
            && r.meta.domain() != "yaml"
            && (r.manifests.is_some() || RENDER_RULES.contains(&r.meta.name))
    }) || packs.iter().any(|p| config.runs(p.meta.name));
    if !wanted {
        return None;
    }
    let scenarios = scenario::scenarios(chart, overrides);
    let opts = scenario::render_options(config);
    let mut passes: Vec<(String, Vec<Diagnostic>)> = Vec::new();
    let mut reached = false;
    // Where rendered rule expressions were written: static findings on them give way.
    let mut rule_sources = Vec::new();
    for sc in &scenarios {
        let mut found = Vec::new();
        match render_lenient(chart, &sc.user, &opts) {
            Ok(render) => {
                if sc.is_default() {
                    reached = true;
                }
                let set = docs::RenderedSet::new(chart, &render);
                rule_sources.extend(set.rule_expression_sources());
                set.problems(&render, &mut found);
                let ctx = Ctx::new(config, overrides, None, Some(chart));
                let mut rsink = Sink::default();
                let docs = set.docs();
                for rule in RULES
                    .iter()
                    .filter(|r| config.runs(r.meta.name) && !SKIPPED.contains(&r.meta.name))
                {
                    if let Some(check) = rule.manifests {
                        check(docs, &ctx, &mut rsink);
                    }
                }
                for pack in packs.iter().filter(|p| config.runs(p.meta.name)) {
                    pack.check_manifests(docs, &mut rsink);
                }
                for d in rsink.diagnostics {
                    if let Some(d) = set.locate(d) {
                        found.push(d);
                    }
                }
            }
            Err(e) => {
                if sc.is_default() {
                    docs::not_rendered(chart, &e.message, &mut found);
                }
            }
        }
        passes.push((sc.name.clone(), found));
    }
    Some(RenderedFindings {
        findings: merge::scenarios(passes),
        reached,
        rule_sources,
    })
}

/// What the renders of a chart found, before they meet the static findings.
#[derive(Clone, Debug)]
pub struct RenderedFindings {
    /// Findings on the rendered objects, merged across scenarios.
    pub findings: Vec<Diagnostic>,
    /// Whether the default values rendered.
    pub reached: bool,
    /// Where the expressions of rendered Prometheus rules were written (see
    /// [`docs::RenderedSet::rule_expression_sources`]).
    pub rule_sources: Vec<(crate::source::File, crate::source::Span)>,
}

impl RenderedFindings {
    /// Adds the rendered findings to the static ones in `diagnostics`: static findings on
    /// rule expressions the render checked give way, the others are reconciled with what the
    /// render confirmed or could not reach.
    pub fn merge_into(mut self, diagnostics: &mut Vec<Diagnostic>) {
        merge::superseded_by_rendered_rules(diagnostics, &self.rule_sources, &mut self.findings);
        merge::reconcile(diagnostics, &self.findings, self.reached);
        diagnostics.extend(self.findings);
    }
}
