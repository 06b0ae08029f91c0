//! Problems reading files; reported by discovery and loading.

pub mod archive_unsafe_path;
pub mod not_lintable;
pub mod not_text;
pub mod unreadable;
