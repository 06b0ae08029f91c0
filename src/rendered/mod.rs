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
    // Rendering runs when a rule that reads its result runs (the `yaml` rules also read
    // rendered text, but do not call for a render on their own).
    let wanted = RULES.iter().any(|r| {
        config.runs(r.meta.name)
            && r.meta.domain() != "yaml"
            && (r.manifests.is_some() || RENDER_RULES.contains(&r.meta.name))
    }) || packs.iter().any(|p| config.runs(p.meta.name));
    if !wanted {
        return;
    }
    let scenarios = scenario::scenarios(chart, overrides);
    let opts = scenario::render_options(config);
    let mut passes: Vec<(String, Vec<Diagnostic>)> = Vec::new();
    let mut reached = false;
    for sc in &scenarios {
        let mut found = Vec::new();
        match render_lenient(chart, &sc.user, &opts) {
            Ok(render) => {
                if sc.is_default() {
                    reached = true;
                }
                let set = docs::RenderedSet::new(chart, &render);
                set.problems(&render, &mut found);
                let ctx = Ctx {
                    config,
                    overrides,
                    parent: None,
                    rendered: Some(chart),
                    values: Default::default(),
                    value_probes: Default::default(),
                    schema: Default::default(),
                };
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
    let rendered = merge::scenarios(passes);
    merge::reconcile(&mut sink.diagnostics, &rendered, reached);
    sink.diagnostics.extend(rendered);
}
