//! YAML with byte spans for every node, comments kept, and scalars typed the way Helm reads them.

mod build;
mod resolve;
mod tree;

pub use build::{Limits, parse, parse_with};
pub use resolve::resolve;
pub use tree::*;
