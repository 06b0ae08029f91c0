//! values.yaml rules.
