//! Documented values (README table, values comments) against values.yaml.

pub mod default_mismatch;
pub mod stale_key;
pub mod type_mismatch;
pub mod undocumented_key;
