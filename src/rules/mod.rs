//! The rule registry: every rule, one file each, grouped by domain.

use crate::chart::{Chart, YamlDoc};
use crate::config::Config;
use crate::diagnostic::{RuleMeta, Sink};

pub mod chart;
pub mod config;
pub mod file;
pub mod values;
pub mod yaml;

/// What rules may read besides the unit itself.
pub struct Ctx<'a> {
    pub config: &'a Config,
    /// For a subchart: its parent chart.
    pub parent: Option<&'a Chart>,
}

pub type ChartCheck = fn(&Chart, &Ctx, &mut Sink);
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
    chart::helmignore_invalid_pattern,
    chart::helmignore_inline_comment,
    yaml::syntax,
    yaml::duplicate_key,
    yaml::alias_limit,
    config::unknown_rule,
    config::unused_suppression,
];

/// Looks a rule up by its name.
pub fn find(name: &str) -> Option<&'static RuleMeta> {
    RULES.iter().find(|r| r.meta.name == name).map(|r| r.meta)
}

/// All rule metadata, sorted by name.
pub fn all_meta() -> Vec<&'static RuleMeta> {
    let mut v: Vec<_> = RULES.iter().map(|r| r.meta).collect();
    v.sort_by_key(|m| m.name);
    v
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
