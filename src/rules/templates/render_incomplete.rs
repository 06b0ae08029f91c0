use crate::diagnostic::{RuleMeta, Severity};
use crate::rules::{ChartCheck, ManifestCheck};

pub static META: RuleMeta = RuleMeta {
    name: "templates/render-incomplete",
    severity: Severity::Info,
    summary: "The chart was rendered without some dependencies, or not at all",
    doc: r#"## What it does
Says when the rendered-output checks could not see the whole release: the chart was rendered
without dependencies that are missing from `charts/` (and not found locally), or it could not be
rendered at all (its Chart.yaml or values cannot be read; the static rules report why).

## Why it matters
The manifest, probe, Secret and Prometheus rules check what a chart renders. Objects of a
dependency that is not there are not checked, and cross-object checks (Service selectors,
Secrets created by the release) cannot see them.

## Example
```yaml
dependencies:
  - name: redis
    version: 17.3.0
    repository: https://charts.bitnami.com/bitnami
# charts/ is empty: rendered without redis
```

## Fix
Run `helm dependency build` before linting (or list the folder that holds the dependency under
`dependencyPaths` in `.plimsoll.yaml`).
"#,
};

/// Emitted by the rendered-output lint (`crate::rendered`).
pub const CHART: Option<ChartCheck> = None;
pub const MANIFESTS: Option<ManifestCheck> = None;
