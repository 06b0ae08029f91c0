//! The value sets a chart is rendered with, as `ct lint` tests a chart: the default values
//! (with `--values` over them), then each `ci/*-values.yaml` file of the chart (with `--values`
//! over it).

use crate::chart::{Chart, YamlDoc};
use crate::config::Config;
use crate::render::chart::{RenderOptions, UserValues};
use crate::render::context::KubeVersion;

/// The name of the default scenario in messages.
pub const DEFAULT: &str = "the default values";

/// At most this many `ci/*-values.yaml` files are rendered per chart.
pub const MAX_CI_SCENARIOS: usize = 16;

/// One value set.
pub struct Scenario {
    /// [`DEFAULT`], or the chart-relative path of the `ci/` file.
    pub name: String,
    pub user: UserValues,
}

impl Scenario {
    pub fn is_default(&self) -> bool {
        self.name == DEFAULT
    }
}

/// The default scenario, then one per `ci/*-values.yaml` file in path order.
pub fn scenarios(chart: &Chart, overrides: &[YamlDoc]) -> Vec<Scenario> {
    let user_files = |first: Option<(String, crate::source::File)>| UserValues {
        files: first
            .into_iter()
            .chain(
                overrides
                    .iter()
                    .map(|d| (d.file.display_path(), d.file.clone())),
            )
            .collect(),
        ..UserValues::default()
    };
    let mut out = vec![Scenario {
        name: DEFAULT.to_string(),
        user: user_files(None),
    }];
    let mut ci: Vec<(String, crate::source::File)> = chart
        .files
        .iter()
        .filter_map(|f| {
            let rel = f.path.strip_prefix(&chart.root).ok()?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            let name = rel.strip_prefix("ci/")?;
            (!name.contains('/') && name.ends_with("-values.yaml")).then(|| (rel, f.clone()))
        })
        .collect();
    ci.sort_by(|a, b| a.0.cmp(&b.0));
    // Each scenario is a whole render: a chart with hundreds of files in `ci/` is rendered
    // with the first ones only.
    ci.truncate(MAX_CI_SCENARIOS);
    for (rel, f) in ci {
        out.push(Scenario {
            name: rel.clone(),
            user: user_files(Some((rel, f))),
        });
    }
    out
}

/// Render options for linting: Helm's defaults, with the configured Kubernetes version.
pub fn render_options(config: &Config) -> RenderOptions {
    let kube_version = config
        .kubernetes_version
        .and_then(|(major, minor)| KubeVersion::parse(&format!("v{major}.{minor}.0")).ok());
    RenderOptions {
        kube_version,
        skip_schema_validation: true,
        ..RenderOptions::default()
    }
}
