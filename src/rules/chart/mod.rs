//! Chart.yaml and chart-structure rules.
