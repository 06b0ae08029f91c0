//! values.yaml rules.

pub mod image_invalid;
pub mod name_invalid;
pub mod negative_count;
pub mod plaintext_secret;
pub mod port_range;
pub mod schema_invalid;
pub mod schema_violation;
pub mod seconds_not_integer;
pub mod string_bool;
pub mod url_invalid;
