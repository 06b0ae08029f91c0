//! Secret references: names, keys, existence, plaintext secrets.

pub mod empty_reference;
pub mod invalid_name;
pub mod missing_key;
pub mod not_found;
pub mod plaintext_env;
