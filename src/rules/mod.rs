//! The rule registry: every rule, one file each, grouped by domain.

use crate::chart::{Chart, YamlDoc};
use crate::config::Config;
use crate::diagnostic::{RuleMeta, Sink};

pub mod chart;
pub mod config;
pub mod docs;
pub mod file;
pub mod manifests;
pub mod probes;
pub mod prometheus;
pub mod secrets;
pub mod templates;
pub mod values;
pub mod yaml;

/// What rules may read besides the unit itself.
pub struct Ctx<'a> {
    pub config: &'a Config,
    /// Values files given with `--values`, in order (later ones win). They apply to the
    /// top-level chart (`parent` is `None`); a subchart sees them through its parent's values.
    pub overrides: &'a [YamlDoc],
    /// For a subchart: its parent chart.
    pub parent: Option<&'a Chart>,
    /// When the documents are a chart's rendered output (the chart and its subcharts as one
    /// release): the top-level chart rendered. `None` for plain manifest files.
    pub rendered: Option<&'a Chart>,
    /// The values of the chart being checked, walked once for every rule (see
    /// [`Ctx::values`]).
    pub values: std::cell::OnceCell<Vec<crate::chart::values::ValueAt<'a>>>,
    /// The probe settings in the chart's values, found once for every probe rule.
    pub value_probes: std::cell::OnceCell<Vec<crate::k8s::probes::ProbeGroup<'a>>>,
    /// The findings of `templates/values-path-missing` and `templates/values-key-undeclared`,
    /// found once for both.
    pub value_read_findings:
        std::cell::OnceCell<Vec<crate::rules::templates::values_path_missing::ReadFinding>>,
    /// The Kubernetes API schema problems of the documents being checked, found once for
    /// every `manifests/schema-*` rule (see [`Ctx::schema_findings`]).
    pub schema: std::cell::OnceCell<crate::k8s::schema::validate::Validation>,
}

impl<'a> Ctx<'a> {
    /// A context with nothing computed yet.
    pub fn new(
        config: &'a Config,
        overrides: &'a [YamlDoc],
        parent: Option<&'a Chart>,
        rendered: Option<&'a Chart>,
    ) -> Ctx<'a> {
        Ctx {
            config,
            overrides,
            parent,
            rendered,
            values: Default::default(),
            value_probes: Default::default(),
            value_read_findings: Default::default(),
            schema: Default::default(),
        }
    }

    /// Every value written in `chart`'s values.yaml ([`crate::chart::values::all`]), walked on
    /// the first call. A context serves one chart: `chart` is the chart being checked.
    pub fn values(&self, chart: &'a Chart) -> &[crate::chart::values::ValueAt<'a>] {
        self.values.get_or_init(|| crate::chart::values::all(chart))
    }

    /// The documents' objects validated against the Kubernetes API of the target version,
    /// on the first call. A context serves one set of documents: `docs` is that set.
    pub fn schema_findings(&self, docs: &[YamlDoc]) -> &crate::k8s::schema::validate::Validation {
        self.schema.get_or_init(|| {
            let catalog = crate::k8s::schema::crd::catalog(&self.config.crd_catalogs);
            crate::k8s::schema::validate::documents(
                docs,
                // A rendered chart's CRDs (`crds/` of the chart and its subcharts) describe
                // its custom resources.
                || self.rendered.map(Chart::crd_set),
                catalog.as_deref(),
                self.config.kubernetes_version(),
                self.rendered.is_some(),
            )
        })
    }

    /// The probe settings in `chart`'s values ([`crate::k8s::probes::in_values`]), found on the
    /// first call. A context serves one chart: `chart` is the chart being checked.
    pub fn value_probes(&self, chart: &'a Chart) -> &[crate::k8s::probes::ProbeGroup<'a>] {
        self.value_probes
            .get_or_init(|| crate::k8s::probes::in_values(chart))
    }
}

pub type ChartCheck = for<'a> fn(&'a Chart, &Ctx<'a>, &mut Sink);
pub type ManifestCheck = fn(&[YamlDoc], &Ctx, &mut Sink);

/// A rule: its metadata and the checks it runs. A rule with neither check is emitted by the
/// loader or the engine (file problems, suppressions).
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub chart: Option<ChartCheck>,
    pub manifests: Option<ManifestCheck>,
}

macro_rules! registry {
    ($($($module:ident)::+),* $(,)?) => {
        /// Every rule plimsoll knows, in the order `plimsoll rules` lists them.
        pub static RULES: &[Rule] = &[$(
            Rule { meta: &$($module)::+::META, chart: $($module)::+::CHART, manifests: $($module)::+::MANIFESTS }
        ),*];
    };
}

registry![
    file::unreadable,
    file::not_text,
    file::archive_unsafe_path,
    file::not_lintable,
    chart::helmignore_invalid_pattern,
    chart::helmignore_inline_comment,
    yaml::syntax,
    yaml::duplicate_key,
    yaml::alias_limit,
    config::unknown_rule,
    config::unused_suppression,
    probes::timeout_exceeds_period,
    probes::timeout_equals_period,
    probes::success_threshold,
    probes::liveness_delay_without_startup,
    probes::liveness_before_readiness,
    probes::identical,
    probes::port_undeclared,
    probes::invalid_value,
    probes::readiness_missing,
    probes::liveness_missing,
    manifests::api_removed,
    manifests::api_deprecated,
    manifests::selector_missing,
    manifests::selector_mismatch,
    manifests::volume_mount_undefined,
    manifests::volume_unused,
    manifests::duplicate_mount_path,
    manifests::host_path_invalid,
    manifests::volume_field_unknown,
    manifests::service_selector_unmatched,
    manifests::service_target_port,
    manifests::node_port_range,
    manifests::image_tag,
    manifests::image_pull_policy,
    manifests::invalid_quantity,
    manifests::requests_exceed_limits,
    manifests::memory_limit_missing,
    manifests::requests_missing,
    manifests::env_duplicate,
    manifests::container_name_duplicate,
    manifests::port_name_duplicate,
    manifests::name_invalid,
    manifests::label_invalid,
    manifests::image_invalid,
    manifests::schema_unknown_field,
    manifests::schema_type,
    manifests::schema_required,
    manifests::schema_enum,
    manifests::schema_duplicate_key,
    manifests::schema_missing,
    secrets::missing_key,
    secrets::invalid_name,
    secrets::not_found,
    secrets::plaintext_env,
    values::string_bool,
    values::port_range,
    values::negative_count,
    values::seconds_not_integer,
    values::url_invalid,
    values::image_invalid,
    values::name_invalid,
    values::plaintext_secret,
    values::schema_invalid,
    values::schema_too_complex,
    values::schema_violation,
    docs::type_mismatch,
    docs::default_mismatch,
    docs::undocumented_key,
    docs::stale_key,
    // Chart.yaml, chart structure and values.yaml basics.
    chart::missing_chart_yaml,
    chart::chart_yaml_not_mapping,
    chart::api_version,
    chart::name_invalid,
    chart::name_not_dns_label,
    chart::name_folder_mismatch,
    chart::version_missing,
    chart::version_not_string,
    chart::version_not_semver,
    chart::version_not_strict_semver,
    chart::app_version_not_string,
    chart::kube_version_invalid,
    chart::kube_version_excludes_prerelease,
    chart::type_invalid,
    chart::field_type,
    chart::unknown_field,
    chart::helm2_field,
    chart::maintainer_invalid,
    chart::url_invalid,
    chart::icon_missing,
    chart::dependency_invalid,
    chart::dependency_duplicate,
    chart::dependency_condition_missing,
    chart::dependency_not_vendored,
    chart::undeclared_subchart,
    chart::templates_not_dir,
    chart::values_missing,
    values::yaml11_boolean,
    values::leading_zero_number,
    values::float_version,
    values::large_number,
    values::tab_indent,
    prometheus::promql_syntax,
    prometheus::invalid_rule,
    prometheus::unknown_field,
    prometheus::invalid_duration,
    prometheus::label_dropped_by_aggregation,
    prometheus::value_in_label,
    prometheus::template_syntax,
    prometheus::always_firing,
    prometheus::unnecessary_regex,
    prometheus::topk_in_alert,
    prometheus::duplicate_rule,
    prometheus::missing_required_label,
    prometheus::unknown_severity,
    prometheus::missing_required_annotation,
    prometheus::empty_annotation,
    // Go templates: syntax, functions, named templates, values read by templates.
    templates::syntax,
    templates::unknown_function,
    templates::dict_odd_arguments,
    templates::undefined_template,
    templates::duplicate_define,
    templates::invalid_extension,
    templates::values_path_missing,
    templates::values_key_undeclared,
    templates::values_unused,
    values::tpl_invalid,
    secrets::empty_reference,
    // Rendered output: what the chart renders, checked at the template line.
    templates::render_error,
    templates::rendered_invalid_yaml,
    templates::render_incomplete,
    manifests::missing_kind,
    manifests::duplicate_object,
];

/// Looks a rule up by its name: built-in rules, then rule-pack rules.
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    RULES
        .iter()
        .find(|r| r.meta.name == name)
        .map(|r| r.meta)
        .or_else(|| crate::packs::find(name))
}

/// Names of every known rule, for suggestions.
pub fn names() -> Vec<&'static str> {
    all_meta().into_iter().map(|m| m.name).collect()
}

/// All rule metadata (built-in rules and the shipped rule packs), sorted by name.
pub fn all_meta() -> Vec<&'static RuleMeta> {
    let mut v: Vec<_> = RULES
        .iter()
        .map(|r| r.meta)
        .chain(crate::packs::builtin().iter().map(|r| r.meta))
        .collect();
    v.sort_by_key(|m| m.name);
    v
}

/// Runs one manifest check over `docs`, as plain manifests or as a chart's rendered output.
#[cfg(test)]
pub(crate) fn run_manifest_check(
    check: ManifestCheck,
    docs: &[YamlDoc],
    rendered: bool,
) -> Vec<crate::diagnostic::Diagnostic> {
    let chart = Chart::default();
    let config = Config::default();
    let ctx = Ctx::new(&config, &[], None, rendered.then_some(&chart));
    let mut sink = Sink::default();
    check(docs, &ctx, &mut sink);
    sink.diagnostics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_kebab_case_with_a_domain() {
        let re = regex::Regex::new(r"^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$").unwrap();
        let mut seen = std::collections::HashSet::new();
        for r in RULES {
            assert!(re.is_match(r.meta.name), "bad name {}", r.meta.name);
            assert!(seen.insert(r.meta.name), "duplicate {}", r.meta.name);
        }
    }

    #[test]
    fn every_rule_documents_the_four_sections() {
        for r in RULES {
            for section in [
                "## What it does",
                "## Why it matters",
                "## Example",
                "## Fix",
            ] {
                assert!(
                    r.meta.doc.contains(section),
                    "{} lacks {section}",
                    r.meta.name
                );
            }
            assert!(
                !r.meta.summary.is_empty() && !r.meta.summary.ends_with('.'),
                "{} summary",
                r.meta.name
            );
        }
    }
}
