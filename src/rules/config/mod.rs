//! Problems with plimsoll's own configuration and suppression comments.

pub mod unknown_rule;
pub mod unused_suppression;
