//! Chart.yaml and chart-structure rules.

pub mod helmignore_inline_comment;
pub mod helmignore_invalid_pattern;
