//! plimsoll: a Helm chart validator and linter.
//!
//! Data flow: [`discover`] finds units under the given paths, loads every file once into
//! [`source::SourceFile`]s and parses YAML into the spanned [`yaml`] tree; the [`rules`] read
//! the shared model and emit [`diagnostic::Diagnostic`]s; [`lint`] filters them by
//! [`config`] and [`suppress`]ion comments; [`report`] renders them.

pub mod changed;
pub mod chart;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod fix;
pub mod glob;
pub mod incremental;
pub mod k8s;
pub mod lint;
pub mod net;
pub mod overlay;
pub mod packs;
pub mod prometheus;
pub mod render;
pub mod rendered;
pub mod report;
pub mod rules;
pub mod run_share;
pub mod schema;
pub mod server;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod template;
#[cfg(test)]
pub(crate) mod test_strings;
pub mod yaml;

/// A hash map for indexes built from chart text: foldhash, seeded per process (hostile keys
/// cannot be chosen to collide), several times faster than the standard SipHash.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// A hash set with the hasher of [`FastMap`].
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
