//! The renderer: executes a chart's templates the way `helm template` does (Go's
//! `text/template` semantics, Sprig and Helm's functions, values coalescing), with no process,
//! no network and no file outside the chart, and keeps the origin of every rendered byte.
//!
//! Module map (one concern a file):
//! - [`value`]: the values templates see, typed as Go types them (float64 from YAML, int from
//!   literals, `[]interface {}`, `map[string]interface {}`, ...), each with its origin.
//! - [`funcs`]: the function library (Sprig as Helm ships it, Helm's own pure functions, Go's
//!   builtins other than the short-circuit ones), behind one call interface.
//! - [`engine`]: Helm's engine: all template files in one namespace, `include`, `tpl`,
//!   errors in Helm's words, limits, and the provenance of every output byte (the executor
//!   of Go's `text/template` semantics lives in the private `exec` module).
//! - [`gofmt`]: Go's `fmt` printing of values (`%v`, `Sprint`, `Sprintf` verbs).

pub mod chart;
pub mod coalesce;
pub mod context;
pub mod engine;
mod exec;
pub mod funcs;
pub mod gofmt;
pub mod json_out;
pub mod output;
pub mod set_values;
pub mod value;
pub mod yaml_in;
pub mod yaml_out;
