//! Prometheus alerting and recording rules: extraction from values, rule files and
//! PrometheusRule resources; PromQL parsing with Prometheus's error positions; label flow;
//! alert template scanning.

pub mod ast;
pub mod extract;
pub mod functions;
pub mod goregex;
pub mod labels;
pub mod lex;
pub mod parse;
pub mod template;
pub mod templated;
pub mod text;
pub mod version;
