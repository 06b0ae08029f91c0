//! Go template checks of a chart's `templates/` files, Helm-aware: Helm's function map, named
//! templates shared by a chart and its subcharts, and the values the templates read.

pub mod dict_odd_arguments;
pub mod duplicate_define;
pub mod invalid_extension;
pub mod render_error;
pub mod render_incomplete;
pub mod rendered_invalid_yaml;
pub mod syntax;
pub mod undefined_template;
pub mod unknown_function;
pub mod values_key_undeclared;
pub mod values_path_missing;
pub mod values_unused;
