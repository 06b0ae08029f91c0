//! YAML with byte spans for every node, comments kept, and scalars typed the way Helm reads them.

mod build;
mod fast;
mod resolve;
mod tree;

pub use build::{Limits, parse, parse_granit, parse_with};
pub use fast::{decline_line, difference, parse as parse_fast};
pub use resolve::resolve;
pub use tree::*;
